"""Stage 2: tags per clip from uniformly sampled frames (report §6.2), plus motion from optical flow.

Per clip: blur (Laplacian variance, and a content-independent re-blur ratio), saturation mean/max/min
(HSV S), brightness, black borders with a crop box, burnt-in text (model-free text-line detector, see
``text.py``), watermark evidence (persistent corner edges; decided per video in ``watermark_tags``),
aesthetic proxy, Motion_Mean/Max/Min (Farnebäck flow on the low-res copy), static and shake flags,
perceptual hashes and a cheap embedding for balancing.
"""

from __future__ import annotations

import base64
import io

import numpy as np

from stepvid.data.curate.config import CurateConfig
from stepvid.data.curate.text import detect_text_lines

CORNERS = ("tl", "tr", "bl", "br")
_CORNER_SHAPE = (48, 64)  # corner evidence is kept at this size, whatever the input resolution


def sample_indices(start: int, end: int, n: int = 8) -> list[int]:
    """``n`` frame indices spread uniformly over [start, end) (centres of n equal bins)."""
    return [int(start + (k + 0.5) * (end - start) / n) for k in range(n)]


def _gray(f: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.cvtColor(f, cv2.COLOR_RGB2GRAY)


def black_border(frames: np.ndarray, luma: float, min_fraction: float) -> tuple[bool, list[int]]:
    """(has_border, content box [top, bottom, left, right]) from the per-frame median of bar sizes."""
    H, W = frames.shape[1:3]
    boxes = []
    for f in frames:
        g = _gray(f)
        rows, cols = g.max(axis=1) >= luma, g.max(axis=0) >= luma
        if not rows.any():  # an all-black frame says nothing about borders
            continue
        r, c = np.flatnonzero(rows), np.flatnonzero(cols)
        boxes.append([r[0], r[-1] + 1, c[0], c[-1] + 1])
    if not boxes:
        return False, [0, H, 0, W]
    top, bottom, left, right = (int(v) for v in np.median(np.array(boxes), axis=0))
    has = max(top, H - bottom) >= min_fraction * H or max(left, W - right) >= min_fraction * W
    return bool(has), ([top, bottom, left, right] if has else [0, H, 0, W])


def blur_measures(gray: np.ndarray) -> tuple[float, float]:
    """(Laplacian variance, re-blur ratio).

    The report's Laplacian variance (``blur_var``) depends as much on how much texture a frame has as on
    focus, so the flag uses a re-blur ratio instead: at the strongest edges of each tile (4x4 grid, at a
    fixed height of 360 px) compare the gradient magnitude after an extra Gaussian blur (sigma 2) with the
    original. A sharp edge loses most of its peak gradient (ratio ~0.3); an already blurry edge loses
    little (ratio -> 1). The median over tiles ignores sharp overlays (subtitles, logos) on blurry video.
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
            sl = (slice(i * H // 4, (i + 1) * H // 4), slice(j * W // 4, (j + 1) * W // 4))
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
    low-res width). ``motion_peak``: median over pairs of the 99th-percentile magnitude (is anything moving).
    ``shake``: mean change of the global (median) flow vector between consecutive pairs (px/frame²).
    """
    import cv2

    T = len(small)
    gray = [None] * T
    starts = sorted(set(int(s) for s in np.linspace(0, max(0, T - 3), positions).round()))
    means, peaks, accel = [], [], []
    for s in starts:
        g = []
        for t in range(s, min(s + 3, T)):
            if gray[t] is None:
                gray[t] = _gray(small[t])
            g.append(gray[t])
        prev_global = None
        for a, b in zip(g[:-1], g[1:]):
            flow = cv2.calcOpticalFlowFarneback(a, b, None, 0.5, 2, 9, 2, 5, 1.1, 0)
            mag = np.hypot(flow[..., 0], flow[..., 1])
            means.append(float(mag.mean()))
            peaks.append(float(np.percentile(mag, 99)))
            glob = np.array(cv2.phaseCorrelate(a.astype(np.float32), b.astype(np.float32))[0])
            if prev_global is not None:
                accel.append(float(np.hypot(*(glob - prev_global))))
            prev_global = glob
    if not means:
        return {"motion_mean": 0.0, "motion_max": 0.0, "motion_min": 0.0, "motion_peak": 0.0, "shake": 0.0}
    return {"motion_mean": float(np.mean(means)), "motion_max": float(np.max(means)), "motion_min": float(np.min(means)),
            "motion_peak": float(np.median(peaks)), "shake": float(np.mean(accel)) if accel else 0.0}


def corner_evidence(frames: np.ndarray, box: list[int]) -> np.ndarray:
    """Per corner, pixels whose edges persist through all sampled frames while their values stay put:
    bool [4, 48, 64]. A logo or watermark shows up here; moving content does not."""
    import cv2

    top, bottom, left, right = box
    H, W = bottom - top, right - left
    ch, cw = max(8, H // 4), max(8, W // 4)
    out = np.zeros((4,) + _CORNER_SHAPE, bool)
    for k, c in enumerate(CORNERS):
        y0 = top if c[0] == "t" else bottom - ch
        x0 = left if c[1] == "l" else right - cw
        g = np.stack([cv2.resize(_gray(f[y0 : y0 + ch, x0 : x0 + cw]), _CORNER_SHAPE[::-1], interpolation=cv2.INTER_AREA)
                      for f in frames]).astype(np.float32)
        edges = np.stack([np.hypot(cv2.Sobel(x, cv2.CV_32F, 1, 0), cv2.Sobel(x, cv2.CV_32F, 0, 1)) > 60 for x in g])
        out[k] = (edges.mean(0) >= 0.99) & (g.std(0) < 8.0)
    return out


def phashes(frames: np.ndarray) -> list[str]:
    import imagehash
    from PIL import Image

    return [str(imagehash.phash(Image.fromarray(f))) for f in frames]


def embedding(frames: np.ndarray, motion: dict[str, float]) -> list[float]:
    """Built-in cheap clip embedding: HSV hue×saturation histogram (24) + 3×3 grid mean colour (27) +
    motion (3), each block L2-normalised, then the whole."""
    import cv2

    hsv = np.concatenate([cv2.cvtColor(cv2.resize(f, (64, 36), interpolation=cv2.INTER_AREA), cv2.COLOR_RGB2HSV).reshape(-1, 3)
                          for f in frames])
    hist = np.histogram2d(hsv[:, 0], hsv[:, 1], bins=(8, 3), range=((0, 180), (0, 256)))[0].ravel()
    grid = np.mean([cv2.resize(f, (3, 3), interpolation=cv2.INTER_AREA).ravel() for f in frames], axis=0)
    mot = np.array([motion["motion_mean"], motion["motion_max"], motion["motion_min"]])
    parts = [p / (np.linalg.norm(p) + 1e-8) for p in (hist.astype(np.float64), grid / 255.0 - 0.5, np.log1p(mot))]
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
    for f in content:
        g = _gray(f)
        lv, r = blur_measures(g)
        lapv.append(lv)
        ratios.append(r)
        hsv = cv2.cvtColor(f, cv2.COLOR_RGB2HSV)
        sats.append(float(hsv[..., 1].mean()))
        bright.append(float(g.mean()))
        colour.append(colourfulness(f))
        contrast.append(float(g.std()) / 255.0)
        lines = detect_text_lines(g)
        if lines:
            text_frames += 1
            text_area += sum(w * h for _, _, w, h in lines) / g.size
    motion = motion_stats(small)
    blur_ratio = float(np.median(ratios))
    sharp = float(np.log10(1.0 + np.median(lapv)))
    aesthetic = 10.0 * (0.4 * min(np.mean(colour) / 100.0, 1.0) + 0.3 * min(np.mean(contrast) / 0.25, 1.0)
                        + 0.3 * min(sharp / 3.0, 1.0) * (1.0 - min(blur_ratio, 1.0)))
    tags = {
        "blur_var": round(float(np.mean(lapv)), 3),
        "blur_ratio": round(blur_ratio, 4),
        "is_blurry": bool(blur_ratio > cfg.blur_ratio_max),
        "saturation_mean": round(float(np.mean(sats)), 3),
        "saturation_max": round(float(np.max(sats)), 3),
        "saturation_min": round(float(np.min(sats)), 3),
        "brightness": round(float(np.mean(bright)), 3),
        "has_black_border": has_border,
        "crop_top": top, "crop_bottom": bottom, "crop_left": left, "crop_right": right,
        "text_frames": text_frames,
        "text_area": round(text_area / len(content), 5),
        "has_subtitle": bool(text_frames >= cfg.text_min_frames),
        "aesthetic": round(float(aesthetic), 3),
        **{k: round(v, 4) for k, v in motion.items()},
        "is_static": bool(motion["motion_peak"] < cfg.static_motion * 4 and motion["motion_mean"] < cfg.static_motion),
        "is_shaky": bool(motion["shake"] > cfg.shake_score),
        "is_undersaturated": bool(np.mean(sats) < cfg.saturation_low),
        "is_oversaturated": bool(np.mean(sats) > cfg.saturation_high),
        "phash": phashes(content),
        "embedding": embedding(content, motion),
        "_corners": corner_evidence(frames, box),
        "_thumb": thumbnail_b64(content[len(content) // 2]),
    }
    return tags


def watermark_tags(clips: list[dict], cfg: CurateConfig = CurateConfig(), min_pixels: int = 20) -> None:
    """Decide ``has_watermark`` / ``watermark_corner`` for all clips of one video, in place.

    A watermark is corner content that persists across clips of *different* shots (a logo survives the
    cut; a still background does not). Pixels persistent in >= 2 shots form the video's logo mask; a clip
    has the watermark when it shows at least ``watermark_min_overlap`` of that mask. A video of a single
    shot falls back to within-clip persistence in a corner of an otherwise moving clip.
    """
    shots = sorted({c["shot"] for c in clips})
    for c in clips:
        c["has_watermark"], c["watermark_corner"], c["watermark_score"] = False, "", 0.0
    if not clips:
        return
    ev = np.stack([c["_corners"] for c in clips])  # [N, 4, h, w]
    if len(shots) >= 2:
        per_shot = np.stack([ev[[i for i, c in enumerate(clips) if c["shot"] == s]].any(0) for s in shots])
        mask = per_shot.sum(0) >= 2  # [4, h, w]
        for k, corner in enumerate(CORNERS):
            m = mask[k]
            if m.sum() < min_pixels:
                continue
            for i, c in enumerate(clips):
                overlap = float((ev[i, k] & m).sum() / m.sum())
                if overlap > c["watermark_score"]:
                    c["watermark_score"] = round(overlap, 4)
                    if overlap >= cfg.watermark_min_overlap:
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
