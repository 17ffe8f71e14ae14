"""Stage 2: tags per clip from uniformly sampled frames (report §6.2), plus motion from optical flow.

Per clip: blur (Laplacian variance, and a content-independent re-blur ratio), saturation mean/max/min
(HSV S), brightness, black borders with a crop box, burnt-in text (model-free text-line detector,
``text.py``, or RapidOCR, ``ocr.py``), watermark evidence (persistent corner edges; decided per video
in ``watermark_tags``), aesthetic proxy, Motion_Mean/Max/Min (Farnebäck flow on the low-res copy), static and shake flags,
perceptual hashes and a cheap embedding for balancing.
"""

from __future__ import annotations

import base64
import io

import numpy as np

from stepvid.data.curate.config import CurateConfig
from stepvid.data.curate.ocr import ocr_text_lines
from stepvid.data.curate.text import detect_text_lines

CORNERS = ("tl", "tr", "bl", "br")
_CORNER_SHAPE = (48, 64)  # corner evidence is kept at this size, whatever the input resolution


def sample_indices(start: int, end: int, n: int = 8) -> list[int]:
    """``n`` frame indices spread uniformly over [start, end) (centres of n equal bins)."""
    return [int(start + (k + 0.5) * (end - start) / n) for k in range(n)]


def _in_corner(box: tuple[int, int, int, int], shape: tuple[int, ...]) -> bool:
    """A text box wholly inside one of the four corner windows (a quarter of each side): logo territory,
    judged by the watermark tag rather than counted as subtitles."""
    x, y, w, h = box
    H, W = shape[:2]
    return (x + w <= W / 4 or x >= 3 * W / 4) and (y + h <= H / 4 or y >= 3 * H / 4)


def _gray(f: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.cvtColor(f, cv2.COLOR_RGB2GRAY)


def black_border(frames: np.ndarray, luma: float, min_fraction: float) -> tuple[bool, list[int]]:
    """(has_border, content box [top, bottom, left, right]) from the per-frame median of bar sizes.

    A bar is a run of rows (columns) at the frame's edge in which at most a fifth of the pixels reach
    ``luma``; the content box is what lies between the bars."""
    H, W = frames.shape[1:3]
    boxes = []
    for f in frames:
        g = _gray(f)
        bright = g >= luma  # a row/column is picture when over a fifth of it is; a logo or subtitle
        rows, cols = bright.mean(axis=1) > 0.2, bright.mean(axis=0) > 0.2  # burnt into a bar doesn't count
        if not rows.any():  # an all-black frame says nothing about borders
            continue
        r, c = np.flatnonzero(rows), np.flatnonzero(cols)
        boxes.append([r[0], r[-1] + 1, c[0], c[-1] + 1])
    if not boxes:
        return False, [0, H, 0, W]
    top, bottom, left, right = (int(v) for v in np.median(np.array(boxes), axis=0))
    has = max(top, H - bottom) >= min_fraction * H or max(left, W - right) >= min_fraction * W
    return bool(has), ([top, bottom, left, right] if has else [0, H, 0, W])


def blur_measures(gray: np.ndarray, exclude: list[tuple[int, int, int, int]] = ()) -> tuple[float, float]:
    """(Laplacian variance, re-blur ratio).

    The report's Laplacian variance (``blur_var``) depends as much on how much texture a frame has as on
    focus, so the flag uses a re-blur ratio instead: at the strongest edges of each tile (4x4 grid, at a
    fixed height of 360 px) compare the gradient magnitude after an extra Gaussian blur (sigma 2) with the
    original. A sharp edge loses most of its peak gradient (ratio ~0.3); an already blurry edge loses
    little (ratio -> 1). Tiles overlapping ``exclude`` boxes (detected text, in input pixels) are
    skipped, and the median over tiles ignores other sharp overlays (logos) on blurry video.
    """
    import cv2

    g = gray.astype(np.float32)
    lapvar = float(cv2.Laplacian(g, cv2.CV_32F).var())
    s = 360 / g.shape[0]
    if abs(s - 1) > 1e-3:
        g = cv2.resize(g, (max(16, round(g.shape[1] * s)), 360), interpolation=cv2.INTER_AREA)
    mag = np.hypot(cv2.Sobel(g, cv2.CV_32F, 1, 0), cv2.Sobel(g, cv2.CV_32F, 0, 1))
    gb = cv2.GaussianBlur(g, (0, 0), 2.0)
    magb = np.hypot(cv2.Sobel(gb, cv2.CV_32F, 1, 0), cv2.Sobel(gb, cv2.CV_32F, 0, 1))
    H, W = g.shape
    ratios = []
    for i in range(4):
        for j in range(4):
            y0, y1, x0, x1 = i * H // 4, (i + 1) * H // 4, j * W // 4, (j + 1) * W // 4
            if any(
                bx * s < x1 and (bx + bw) * s > x0 and by * s < y1 and (by + bh) * s > y0
                for bx, by, bw, bh in exclude
            ):
                continue  # a tile with detected text (boxes in input pixels)
            sl = (slice(y0, y1), slice(x0, x1))
            m, mb = mag[sl].ravel(), magb[sl].ravel()
            p97 = float(np.percentile(m, 97))
            sel = m >= max(25.0, p97)
            if sel.sum() >= 20:  # tiles with a real edge, soft or sharp; flat gradients carry no evidence
                ratios.append(float(np.median(mb[sel] / m[sel])))
    return lapvar, (float(np.median(ratios)) if ratios else 1.0)


def colourfulness(f: np.ndarray) -> float:
    """Hasler & Süsstrunk (2003) colourfulness metric."""
    x = f.astype(np.float32)
    rg, yb = x[..., 0] - x[..., 1], 0.5 * (x[..., 0] + x[..., 1]) - x[..., 2]
    return float(np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean()))


def motion_stats(small: np.ndarray, positions: int = 8) -> dict[str, float]:
    """Farnebäck flow on low-res greyscale frame pairs at ``positions`` points of the clip.

    Motion_Mean/Max/Min (report): mean/max/min over pairs of the mean flow magnitude (px/frame at the
    low-res width). ``motion_peak``: median over pairs of the 99.9th-percentile magnitude (does anything
    move, even a small object).
    ``shake``: mean change of the global translation (phase correlation) between consecutive pairs
    (px/frame²). ``frame_diff``: median over pairs of the 99.9th-percentile absolute difference (max over
    RGB channels): a frozen picture differs only by codec noise, a few levels; anything moving, even
    between colours of equal luminance that grey optical flow misses, changes some pixels a lot.
    """
    import cv2

    T = len(small)
    gray = [None] * T
    starts = sorted(set(int(s) for s in np.linspace(0, max(0, T - 3), positions).round()))
    means, peaks, accel, diffs = [], [], [], []
    for s in starts:
        g = []
        for t in range(s, min(s + 3, T)):
            if gray[t] is None:
                gray[t] = _gray(small[t])
            g.append(gray[t])
        prev_global = None
        for t, (a, b) in enumerate(zip(g[:-1], g[1:]), start=s):
            flow = cv2.calcOpticalFlowFarneback(a, b, None, 0.5, 2, 9, 2, 5, 1.1, 0)
            mag = np.hypot(flow[..., 0], flow[..., 1])
            means.append(float(mag.mean()))
            # colour difference too: grey flow misses motion between colours of equal luminance
            diffs.append(float(np.percentile(cv2.absdiff(small[t], small[t + 1]).max(-1), 99.9)))
            peaks.append(float(np.percentile(mag, 99.9)))
            glob = np.array(cv2.phaseCorrelate(a.astype(np.float32), b.astype(np.float32))[0])
            if prev_global is not None:
                accel.append(float(np.hypot(*(glob - prev_global))))
            prev_global = glob
    if not means:
        return {
            "motion_mean": 0.0,
            "motion_max": 0.0,
            "motion_min": 0.0,
            "motion_peak": 0.0,
            "shake": 0.0,
            "frame_diff": 0.0,
        }
    return {
        "motion_mean": float(np.mean(means)),
        "motion_max": float(np.max(means)),
        "motion_min": float(np.min(means)),
        "motion_peak": float(np.median(peaks)),
        "shake": float(np.mean(accel)) if accel else 0.0,
        "frame_diff": float(np.median(diffs)),
    }


def corner_evidence(frames: np.ndarray, content: list[int]) -> np.ndarray:
    """Per corner of the full frame, pixels whose edges persist through all sampled frames while their
    values stay put, as the unit vector of their mean gradient (zero elsewhere): float32 [4, 2, 48, 64].
    A logo or watermark shows up here; moving content does not.
    Pixels on the rim of the ``content`` box [top, bottom, left, right] are ignored, so the persistent
    edge of a letterbox is not mistaken for a logo (a logo burnt in over a bar still counts)."""
    import cv2

    H, W = frames.shape[1:3]
    ch, cw = max(8, H // 4), max(8, W // 4)
    sy, sx = _CORNER_SHAPE[0] / ch, _CORNER_SHAPE[1] / cw
    top, bottom, left, right = content
    yy, xx = np.mgrid[0 : _CORNER_SHAPE[0], 0 : _CORNER_SHAPE[1]]
    out = np.zeros((4, 2) + _CORNER_SHAPE, np.float32)
    for k, c in enumerate(CORNERS):
        y0 = 0 if c[0] == "t" else H - ch
        x0 = 0 if c[1] == "l" else W - cw
        g = np.stack(
            [
                cv2.resize(
                    _gray(f[y0 : y0 + ch, x0 : x0 + cw]), _CORNER_SHAPE[::-1], interpolation=cv2.INTER_AREA
                )
                for f in frames
            ]
        ).astype(np.float32)
        edges = np.stack(
            [np.hypot(cv2.Sobel(x, cv2.CV_32F, 1, 0), cv2.Sobel(x, cv2.CV_32F, 0, 1)) > 60 for x in g]
        )
        py, px = y0 + (yy + 0.5) / sy, x0 + (xx + 0.5) / sx  # pixel centres in frame coordinates
        rim = 3 / min(sy, sx) + 2  # the bar/picture boundary line (and only it) is ignored
        on_rim = (
            ((np.abs(py - top) <= rim) & (top > 0))
            | ((np.abs(py - bottom) <= rim) & (bottom < H))
            | ((np.abs(px - left) <= rim) & (left > 0))
            | ((np.abs(px - right) <= rim) & (right < W))
        )
        inside = ~on_rim
        gx = np.stack([cv2.Sobel(x, cv2.CV_32F, 1, 0) for x in g]).mean(0)
        gy = np.stack([cv2.Sobel(x, cv2.CV_32F, 0, 1) for x in g]).mean(0)
        persist = (edges.mean(0) >= 0.99) & (g.std(0) < 8.0) & inside
        ang = np.arctan2(gy, gx)
        out[k, 0] = np.where(persist, np.cos(ang), 0.0)
        out[k, 1] = np.where(persist, np.sin(ang), 0.0)
    return out


def phashes(frames: np.ndarray, margin: float = 0.18) -> list[str]:
    """pHash per frame of the central region (``margin`` cut from each side: corner logos and small
    re-crops of a re-upload then change the hash less)."""
    import imagehash
    from PIL import Image

    H, W = frames.shape[1:3]
    my, mx = int(margin * H), int(margin * W)
    return [
        str(imagehash.phash(Image.fromarray(np.ascontiguousarray(f[my : H - my, mx : W - mx]))))
        for f in frames
    ]


def _dense(small: np.ndarray, box: list[int], H: int, W: int, stride: int = 2, n: int = 128) -> np.ndarray:
    """Every ``stride``-th low-res frame of the clip (at most ``n``), cropped to the content box: a fixed
    stride lets ``dedup.clip_distance`` align a re-upload with its original in time."""
    h, w = small.shape[1:3]
    top, bottom, left, right = box
    y0, x0 = top * h // H, left * w // W
    y1, x1 = max(y0 + 2, bottom * h // H), max(x0 + 2, right * w // W)
    return small[: stride * n : stride, y0:y1, x0:x1]


def embedding(frames: np.ndarray, motion: dict[str, float]) -> list[float]:
    """Built-in cheap clip embedding: HSV hue×saturation histogram (24) + 3×3 grid mean colour (27) +
    motion (3), each block L2-normalised, then the whole."""
    import cv2

    hsv = np.concatenate(
        [
            cv2.cvtColor(cv2.resize(f, (64, 36), interpolation=cv2.INTER_AREA), cv2.COLOR_RGB2HSV).reshape(
                -1, 3
            )
            for f in frames
        ]
    )
    hist = np.histogram2d(hsv[:, 0], hsv[:, 1], bins=(8, 3), range=((0, 180), (0, 256)))[0].ravel()
    grid = np.mean([cv2.resize(f, (3, 3), interpolation=cv2.INTER_AREA).ravel() for f in frames], axis=0)
    mot = np.array([motion["motion_mean"], motion["motion_max"], motion["motion_min"]])
    parts = [
        p / (np.linalg.norm(p) + 1e-8) for p in (hist.astype(np.float64), grid / 255.0 - 0.5, np.log1p(mot))
    ]
    v = np.concatenate([parts[0], parts[1], 0.5 * parts[2]])
    return [round(float(x), 5) for x in v / (np.linalg.norm(v) + 1e-8)]


def thumbnail_b64(f: np.ndarray, width: int = 160) -> str:
    from PIL import Image

    im = Image.fromarray(f)
    im = im.resize((width, max(1, round(im.height * width / im.width))))
    buf = io.BytesIO()
    im.save(buf, format="PNG", optimize=True)
    return base64.b64encode(buf.getvalue()).decode()


def clip_tags(frames: np.ndarray, small: np.ndarray, cfg: CurateConfig = CurateConfig()) -> dict:
    """All per-clip tags. ``frames``: the sampled full-res frames [8, H, W, 3]; ``small``: every frame of the
    clip at low resolution. Keys starting with '_' carry evidence for later stages, not manifest columns."""
    import cv2

    H, W = frames.shape[1:3]
    has_border, box = black_border(frames, cfg.border_luma, cfg.border_min_fraction)
    top, bottom, left, right = box
    content = frames[:, top:bottom, left:right]
    lapv, ratios, sats, bright, colour, contrast = [], [], [], [], [], []
    text_frames, text_area = 0, 0.0
    band_area = np.zeros(3)  # text-line area whose centre lies in the top / middle / bottom third
    ocr_text: list[str] = []
    for f in content:
        g = _gray(f)
        hsv = cv2.cvtColor(f, cv2.COLOR_RGB2HSV)
        if cfg.text_detector == "rapidocr":
            found = ocr_text_lines(f, cfg.ocr_min_score)
            boxes = [b for b, _ in found]
            ocr_text += [t for b, t in found if not _in_corner(b, g.shape) and t not in ocr_text]
        else:
            boxes = detect_text_lines(g)
        lv, r = blur_measures(g, exclude=boxes)  # burnt-in text is sharp even on blurry video
        lapv.append(lv)
        ratios.append(r)
        sats.append(float(hsv[..., 1].mean()))
        bright.append(float(g.mean()))
        colour.append(colourfulness(f))
        contrast.append(float(g.std()) / 255.0)
        lines = [b for b in boxes if not _in_corner(b, g.shape)]
        if lines:
            text_frames += 1
            text_area += sum(w * h for _, _, w, h in lines) / g.size
            for _, y, w, h in lines:
                band_area[min(2, int(3 * (y + h / 2) / g.shape[0]))] += w * h
    h, w = small.shape[1:3]
    motion = motion_stats(
        small[
            :,
            top * h // H : max(top * h // H + 8, bottom * h // H),
            left * w // W : max(left * w // W + 8, right * w // W),
        ]
    )
    blur_ratio = float(np.median(ratios))
    sharp = float(np.log10(1.0 + np.median(lapv)))
    aesthetic = 10.0 * (
        0.4 * min(np.mean(colour) / 100.0, 1.0)
        + 0.3 * min(np.mean(contrast) / 0.25, 1.0)
        + 0.3 * min(sharp / 3.0, 1.0) * (1.0 - min(blur_ratio, 1.0))
    )
    tags = {
        "blur_var": round(float(np.mean(lapv)), 3),
        "blur_ratio": round(blur_ratio, 4),
        "is_blurry": bool(blur_ratio > cfg.blur_ratio_max),
        "saturation_mean": round(float(np.mean(sats)), 3),
        "saturation_max": round(float(np.max(sats)), 3),
        "saturation_min": round(float(np.min(sats)), 3),
        "brightness": round(float(np.mean(bright)), 3),
        "has_black_border": has_border,
        "crop_top": top,
        "crop_bottom": bottom,
        "crop_left": left,
        "crop_right": right,
        "text_frames": text_frames,
        "text_area": round(text_area / len(content), 5),
        "has_subtitle": bool(text_frames >= cfg.text_min_frames),
        "text_band": ("top", "middle", "bottom")[int(band_area.argmax())] if band_area.any() else "",
        **({"ocr_text": " | ".join(ocr_text)} if cfg.text_detector == "rapidocr" else {}),
        "aesthetic": round(float(aesthetic), 3),
        **{k: round(v, 4) for k, v in motion.items()},
        "is_static": bool(
            motion["motion_mean"] < cfg.static_motion
            and motion["motion_peak"] < cfg.static_peak
            and motion["frame_diff"] < cfg.static_diff
        ),
        "is_shaky": bool(motion["shake"] > cfg.shake_score),
        "is_undersaturated": bool(np.mean(sats) < cfg.saturation_low),
        "is_oversaturated": bool(np.mean(sats) > cfg.saturation_high),
        "phash": phashes(_dense(small, box, H, W)),
        "embedding": embedding(content, motion),
        "_corners": corner_evidence(frames, box),
        "_thumb": thumbnail_b64(content[len(content) // 2]),
    }
    return tags


def watermark_tags(clips: list[dict], cfg: CurateConfig = CurateConfig(), min_fraction: float = 0.03) -> None:
    """Decide ``has_watermark`` / ``watermark_corner`` for all clips of one video, in place.

    A watermark is corner content that persists across clips of *different* shots (a logo survives the
    cut; a still background does not). Pixels persistent in >= 2 shots with the same edge direction form
    the video's logo mask, kept when its largest compact blob covers >= ``min_fraction`` of the corner
    (chance agreements between two still backgrounds are scattered and small); a clip
    has the watermark when the mask's pixels are persistent in it and the rest of the corner is not
    (score = fraction of mask pixels present - fraction of other corner pixels persistent). A video of
    a single shot falls back to within-clip persistence in a corner of a moving clip.
    """
    shots = sorted({c["shot"] for c in clips})
    for c in clips:
        c["has_watermark"], c["watermark_corner"], c["watermark_score"] = False, "", 0.0
    if not clips:
        return
    vec = np.stack([c["_corners"] for c in clips])  # [N, 4, 2, h, w] unit gradients of persistent pixels
    ev = np.abs(vec).sum(2) > 0  # [N, 4, h, w]
    if len(shots) >= 2:
        import cv2

        # one representative clip per shot (the first): its persistent pixels and their edge directions;
        # a shot that re-shows an earlier one (near-duplicate) is not independent evidence, so it is skipped
        first = [next(i for i, c in enumerate(clips) if c["shot"] == s) for s in shots]
        if all(clips[i].get("phash") for i in first):
            from stepvid.data.curate.dedup import _bits, clip_distance

            bits = [_bits(clips[i]["phash"]) for i in first]
            keep = [
                a
                for a in range(len(first))
                if all(clip_distance(bits[a], bits[b]) > cfg.dup_hamming for b in range(a))
            ]
            first = [first[a] for a in keep]
            if len(first) < 2:
                return
        v = vec[first]
        n = ev[first].sum(0)
        # a logo keeps its edge direction from shot to shot; chance coincidences of background edges don't
        agree = np.hypot(*v.sum(0).transpose(1, 0, 2, 3))  # |sum of unit vectors|, [4, h, w]
        mask = (n >= 2) & (agree >= 0.9 * n)
        for k, corner in enumerate(CORNERS):
            # keep the largest blob: a logo is compact, chance coincidences of background edges are scattered
            ncomp, lab, stats, _ = cv2.connectedComponentsWithStats(
                cv2.dilate(mask[k].astype(np.uint8), np.ones((3, 3), np.uint8)), connectivity=8
            )
            if ncomp < 2:
                continue
            m = mask[k] & (lab == 1 + int(stats[1:, cv2.CC_STAT_AREA].argmax()))
            if m.sum() < min_fraction * m.size:
                continue
            for i, c in enumerate(clips):
                # logo pixels present, minus how persistent the rest of the corner is (a still clip is
                # persistent everywhere: only a logo makes the mask stand out from it)
                score = float(ev[i, k][m].mean() - ev[i, k][~m].mean())
                if score > c["watermark_score"]:
                    c["watermark_score"] = round(score, 4)
                    if score >= cfg.watermark_min_score:
                        c["has_watermark"], c["watermark_corner"] = True, corner
    else:
        for i, c in enumerate(clips):
            if c.get("is_static"):
                continue
            frac = ev[i].reshape(4, -1).mean(1)
            k = int(frac.argmax())
            c["watermark_score"] = round(float(frac[k]), 4)
            if 0.01 <= frac[k] <= 0.3:
                c["has_watermark"], c["watermark_corner"] = True, CORNERS[k]
