"""Raw-footage mode: long "found footage" videos with known scene boundaries and known defects.

Each video strings several scenes together with hard cuts, cross-dissolves and fades through black, and
damages some of them the way web video is damaged: frozen (static) stretches, burnt-in subtitles (Latin
and CJK), a corner watermark spanning several scenes, letterbox/pillarbox bars, blur, over/under-saturation,
camera shake and near-duplicate re-uploads of an earlier scene. Every scene range, transition and defect is
written to a sidecar JSON (``<video>.json``) so the curation pipeline can be scored against ground truth
(benchmarks/curate_accuracy.py).

The scene content comes from a ``SceneSource`` function argument. ``world_scene_source`` renders the
synthetic world (stepvid.world.scene/render/captions) when that package is present; ``procedural_scene``
is a self-contained fallback (textured gradient backgrounds, camera pan, moving shapes). Everything is
deterministic per seed: each scene draws from its own child generator of ``numpy.random.SeedSequence``.

Glyphs need no downloaded fonts: Latin uses Pillow's built-in default font; CJK uses a small built-in set
of hand-drawn stroke glyphs (``CJK_STROKES``), drawn as thick polylines.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from stepvid.video import atomic_path

__all__ = [
    "DEFECTS",
    "RawConfig",
    "SceneClip",
    "SceneSource",
    "make_raw_video",
    "procedural_scene",
    "register_raw",
    "world_scene_source",
    "write_raw_dataset",
    "write_raw_video",
]

DEFECTS = ("static", "subtitle", "watermark", "black_border", "blur", "saturation", "shake", "near_duplicate")


@dataclass
class SceneClip:
    """One rendered scene: frames [T, H, W, 3] uint8, a caption, and the world spec when there is one."""

    frames: np.ndarray
    caption: str
    spec: dict | None = None


# (rng, num_frames, height, width, fps) -> SceneClip
SceneSource = Callable[[np.random.Generator, int, int, int, float], SceneClip]


@dataclass
class RawConfig:
    """Knobs of one raw video. Probabilities are per scene unless noted."""

    height: int = 480
    width: int = 854
    fps: float = 24.0
    scenes: tuple[int, int] = (6, 9)  # inclusive range of scenes per video
    scene_seconds: tuple[float, float] = (2.5, 6.0)
    transition_frames: int = 12  # length of dissolves and fades through black
    p_dissolve: float = 0.2
    p_fade_black: float = 0.2
    p_static: float = 0.12
    p_subtitle: float = 0.2
    p_black_border: float = 0.15
    p_blur: float = 0.12
    p_saturation: float = 0.12
    p_shake: float = 0.08
    p_duplicate: float = 0.12
    p_watermark_video: float = 0.6  # per video: a logo over a run of >= 3 consecutive scenes
    crf: int = 20
    preset: str = "veryfast"


# ----------------------------------------------------------------------------------------------- scenes


def _texture(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """A textured background: two-colour gradient, soft blobs and a patch of stripes or checks (float32)."""
    import cv2

    c0, c1 = rng.uniform(20, 235, 3), rng.uniform(20, 235, 3)
    angle = rng.uniform(0, np.pi)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    t = np.cos(angle) * xx / w + np.sin(angle) * yy / h
    t = (t - t.min()) / max(float(t.max() - t.min()), 1e-6)
    img = c0[None, None] * (1 - t[..., None]) + c1[None, None] * t[..., None]
    for _ in range(rng.integers(2, 5)):
        cy, cx = rng.uniform(0, h), rng.uniform(0, w)
        r = rng.uniform(0.08, 0.3) * min(h, w)
        g = np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * r * r))[..., None]
        img = img * (1 - 0.6 * g) + rng.uniform(0, 255, 3)[None, None] * 0.6 * g
    for _ in range(rng.integers(2, 4)):  # textured patches give edges for blur/sharpness measures
        ph, pw = int(rng.uniform(0.15, 0.4) * h), int(rng.uniform(0.15, 0.4) * w)
        y0, x0 = int(rng.uniform(0, h - ph)), int(rng.uniform(0, w - pw))
        period = max(4, int(rng.uniform(0.015, 0.05) * w))
        py, px = np.mgrid[0:ph, 0:pw]
        if rng.random() < 0.5:
            m = ((px // period + py // period) % 2).astype(np.float32)
        else:
            m = ((px + py) // period % 2).astype(np.float32)
        col = rng.uniform(0, 255, 3)
        img[y0 : y0 + ph, x0 : x0 + pw] = (
            img[y0 : y0 + ph, x0 : x0 + pw] * (1 - 0.5 * m[..., None]) + col * 0.5 * m[..., None]
        )
    return cv2.GaussianBlur(img.astype(np.float32), (0, 0), 0.6)


_SHAPE_NAMES = ("circle", "square", "triangle", "bar")
_COLOUR_NAMES = {
    "red": (220, 40, 40),
    "green": (40, 190, 60),
    "blue": (40, 80, 220),
    "yellow": (235, 210, 40),
    "white": (245, 245, 245),
    "black": (15, 15, 15),
    "orange": (240, 140, 30),
    "purple": (140, 60, 190),
}


def procedural_scene(
    rng: np.random.Generator, num_frames: int, height: int, width: int, fps: float
) -> SceneClip:
    """A built-in scene: textured background with an optional camera pan and 2-5 moving shapes."""
    import cv2

    pan = rng.uniform(-2.0, 2.0, 2) * (width / 854) * (rng.random() < 0.6)
    margin = int(np.ceil(np.abs(pan).max() * num_frames)) + 2
    bg = _texture(rng, height + 2 * margin, width + 2 * margin)
    shapes = []
    for _ in range(rng.integers(2, 6)):
        name = _SHAPE_NAMES[rng.integers(len(_SHAPE_NAMES))]
        cname = list(_COLOUR_NAMES)[rng.integers(len(_COLOUR_NAMES))]
        size = rng.uniform(0.06, 0.16) * height
        pos = rng.uniform([0.15 * width, 0.15 * height], [0.85 * width, 0.85 * height])
        speed, heading = rng.uniform(1.5, 5.0), rng.uniform(0, 2 * np.pi)  # every scene visibly moves;
        vel = speed * np.array([np.cos(heading), np.sin(heading)]) * (width / 854)  # stillness is a defect
        shapes.append((name, cname, size, pos, vel, rng.uniform(0, np.pi)))
    frames = np.empty((num_frames, height, width, 3), np.uint8)
    for t in range(num_frames):
        oy = int(round(margin + pan[1] * (t - num_frames / 2)))
        ox = int(round(margin + pan[0] * (t - num_frames / 2)))
        img = np.ascontiguousarray(bg[oy : oy + height, ox : ox + width]).astype(np.uint8)
        for name, cname, size, pos, vel, rot in shapes:
            p = pos + vel * t
            p = np.abs(np.mod(p, 2 * np.array([width, height])) - np.array([width, height]))  # bounce
            p = p.astype(int)
            col = _COLOUR_NAMES[cname]
            s = int(size)
            if name == "circle":
                cv2.circle(img, tuple(p), s // 2, col, -1, cv2.LINE_AA)
            elif name in ("square", "bar"):
                w2, h2 = (s, s // 4) if name == "bar" else (s // 2, s // 2)
                box = cv2.boxPoints(
                    ((float(p[0]), float(p[1])), (2.0 * w2, 2.0 * h2), np.degrees(rot + 0.02 * t))
                )
                cv2.fillPoly(img, [box.astype(np.int32)], col, cv2.LINE_AA)
            else:
                a = rot + 0.03 * t + np.array([0, 2 * np.pi / 3, 4 * np.pi / 3])
                pts = np.stack([p[0] + s / 2 * np.cos(a), p[1] + s / 2 * np.sin(a)], 1).astype(np.int32)
                cv2.fillPoly(img, [pts], col, cv2.LINE_AA)
        frames[t] = img
    names = [f"a {c} {n}" for n, c, *_ in shapes]
    motion = "the camera pans" if np.abs(pan).max() > 0 else "a still camera"
    caption = f"{', '.join(names[:-1])} and {names[-1]} move over a textured background, {motion}."
    return SceneClip(frames, caption, None)


def world_scene_source(
    rng: np.random.Generator, num_frames: int, height: int, width: int, fps: float
) -> SceneClip:
    """Render one scene of the synthetic world (stepvid.world); raises ImportError when it is absent."""
    import dataclasses

    from stepvid.world.captions import caption as world_caption
    from stepvid.world.render import render_video
    from stepvid.world.scene import sample_scene

    spec = sample_scene(rng)
    frames = np.asarray(render_video(spec, height, width, num_frames, fps), dtype=np.uint8)
    text = world_caption(spec, "en", "short")
    as_dict = dataclasses.asdict(spec) if dataclasses.is_dataclass(spec) else getattr(spec, "__dict__", None)
    return SceneClip(frames, str(text), json.loads(json.dumps(as_dict, default=str)) if as_dict else None)


def resolve_source(name: str) -> SceneSource:
    """'procedural', 'world', or 'auto' (world if stepvid.world.render is importable, else procedural)."""
    if name == "procedural":
        return procedural_scene
    if name in ("world", "auto"):
        try:
            import stepvid.world.captions
            import stepvid.world.render
            import stepvid.world.scene  # noqa: F401

            return world_scene_source
        except ImportError:
            if name == "world":
                raise
            return procedural_scene
    raise ValueError(f"unknown scene source {name!r}; expected procedural, world or auto")


# --------------------------------------------------------------------------------------------- glyphs

# Hand-drawn CJK glyphs as strokes (polylines in a unit box, y down): enough for short subtitles.
CJK_STROKES: dict[str, list[list[tuple[float, float]]]] = {
    "一": [[(0.1, 0.5), (0.9, 0.5)]],
    "二": [[(0.2, 0.3), (0.8, 0.3)], [(0.1, 0.75), (0.9, 0.75)]],
    "三": [[(0.2, 0.2), (0.8, 0.2)], [(0.25, 0.5), (0.75, 0.5)], [(0.1, 0.82), (0.9, 0.82)]],
    "十": [[(0.1, 0.45), (0.9, 0.45)], [(0.5, 0.08), (0.5, 0.95)]],
    "人": [[(0.5, 0.1), (0.45, 0.45), (0.1, 0.92)], [(0.47, 0.4), (0.9, 0.92)]],
    "大": [[(0.1, 0.38), (0.9, 0.38)], [(0.5, 0.08), (0.45, 0.5), (0.1, 0.92)], [(0.5, 0.5), (0.9, 0.92)]],
    "小": [[(0.5, 0.08), (0.5, 0.9), (0.4, 0.82)], [(0.28, 0.35), (0.12, 0.72)], [(0.72, 0.35), (0.9, 0.72)]],
    "山": [[(0.5, 0.1), (0.5, 0.85)], [(0.15, 0.35), (0.15, 0.85), (0.85, 0.85), (0.85, 0.35)]],
    "口": [
        [(0.15, 0.2), (0.15, 0.85)],
        [(0.15, 0.2), (0.85, 0.2), (0.85, 0.85)],
        [(0.15, 0.82), (0.85, 0.82)],
    ],
    "日": [
        [(0.2, 0.1), (0.2, 0.92)],
        [(0.2, 0.1), (0.8, 0.1), (0.8, 0.92)],
        [(0.2, 0.5), (0.8, 0.5)],
        [(0.2, 0.9), (0.8, 0.9)],
    ],
    "中": [
        [(0.15, 0.3), (0.15, 0.7)],
        [(0.15, 0.3), (0.85, 0.3), (0.85, 0.7)],
        [(0.15, 0.68), (0.85, 0.68)],
        [(0.5, 0.05), (0.5, 0.97)],
    ],
    "天": [
        [(0.2, 0.15), (0.8, 0.15)],
        [(0.1, 0.45), (0.9, 0.45)],
        [(0.5, 0.15), (0.45, 0.55), (0.1, 0.92)],
        [(0.52, 0.55), (0.9, 0.92)],
    ],
    "上": [[(0.45, 0.1), (0.45, 0.88)], [(0.45, 0.45), (0.8, 0.45)], [(0.1, 0.88), (0.9, 0.88)]],
    "下": [[(0.1, 0.12), (0.9, 0.12)], [(0.45, 0.12), (0.45, 0.95)], [(0.5, 0.4), (0.75, 0.6)]],
    "王": [
        [(0.15, 0.15), (0.85, 0.15)],
        [(0.22, 0.5), (0.78, 0.5)],
        [(0.1, 0.87), (0.9, 0.87)],
        [(0.5, 0.15), (0.5, 0.87)],
    ],
    "田": [
        [(0.15, 0.15), (0.15, 0.88)],
        [(0.15, 0.15), (0.85, 0.15), (0.85, 0.88)],
        [(0.15, 0.86), (0.85, 0.86)],
        [(0.5, 0.15), (0.5, 0.86)],
        [(0.15, 0.5), (0.85, 0.5)],
    ],
    "木": [
        [(0.1, 0.35), (0.9, 0.35)],
        [(0.5, 0.05), (0.5, 0.97)],
        [(0.5, 0.38), (0.12, 0.8)],
        [(0.5, 0.38), (0.88, 0.8)],
    ],
    "月": [
        [(0.25, 0.1), (0.25, 0.7), (0.12, 0.95)],
        [(0.25, 0.1), (0.8, 0.1), (0.8, 0.95), (0.68, 0.9)],
        [(0.25, 0.4), (0.8, 0.4)],
        [(0.25, 0.65), (0.8, 0.65)],
    ],
}
CJK_LINES = ["大山上人", "日月中天", "王田木口", "十三人下", "小山一二", "天下大中"]
LATIN_LINES = [
    "The river runs quietly",
    "Look at the moving shapes",
    "Breaking: a red circle",
    "Subscribe for more videos",
    "I told you this would happen",
    "Welcome back to the channel",
]


def render_subtitle(text: str, height: int, cjk: bool) -> np.ndarray:
    """Render one subtitle line: RGBA uint8 [h, w, 4], white glyphs with a black outline."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    size = max(10, int(height / 16))
    if cjk:
        pad, step = size // 4, int(size * 1.15)
        w, h = pad * 2 + step * len(text), size + 2 * pad
        img = Image.new("L", (w, h), 0)
        draw = ImageDraw.Draw(img)
        lw = max(2, size // 9)
        for i, ch in enumerate(text):
            for stroke in CJK_STROKES[ch]:
                pts = [(pad + i * step + x * size, pad + y * size) for x, y in stroke]
                draw.line(pts, fill=255, width=lw, joint="curve")
        fill = img
    else:
        font = ImageFont.load_default(size=size)
        x0, y0, x1, y1 = font.getbbox(text)
        pad = size // 4
        w, h = x1 - x0 + 2 * pad, y1 - y0 + 2 * pad
        fill = Image.new("L", (w, h), 0)
        ImageDraw.Draw(fill).text((pad - x0, pad - y0), text, fill=255, font=font)
    outline = fill.filter(ImageFilter.MaxFilter(5))
    rgba = np.zeros((fill.size[1], fill.size[0], 4), np.uint8)
    f = np.asarray(fill)
    rgba[..., :3] = f[..., None]
    rgba[..., 3] = np.maximum(np.asarray(outline), f)
    return rgba


def _blend(frame: np.ndarray, rgba: np.ndarray, y: int, x: int, opacity: float = 1.0) -> None:
    h, w = rgba.shape[:2]
    H, W = frame.shape[:2]
    y0, x0, y1, x1 = max(y, 0), max(x, 0), min(y + h, H), min(x + w, W)
    if y1 <= y0 or x1 <= x0:
        return
    src = rgba[y0 - y : y1 - y, x0 - x : x1 - x].astype(np.float32)
    a = src[..., 3:4] / 255.0 * opacity
    dst = frame[y0:y1, x0:x1].astype(np.float32)
    frame[y0:y1, x0:x1] = (dst * (1 - a) + src[..., :3] * a + 0.5).astype(np.uint8)


def render_logo(height: int, rng: np.random.Generator) -> np.ndarray:
    """A small channel logo (ring + two letters), RGBA uint8."""
    import cv2
    from PIL import Image, ImageDraw, ImageFont

    s = max(24, int(height / 7))
    img = np.zeros((s, int(s * 2.2), 4), np.uint8)
    cv2.circle(img, (s // 2, s // 2), int(s * 0.42), (255, 255, 255, 255), max(2, s // 12), cv2.LINE_AA)
    cv2.circle(img, (s // 2, s // 2), int(s * 0.18), (255, 255, 255, 255), -1, cv2.LINE_AA)
    pil = Image.fromarray(img)
    letters = "".join(chr(65 + int(i)) for i in rng.integers(0, 26, 2))
    ImageDraw.Draw(pil).text(
        (int(s * 1.05), int(s * 0.12)),
        letters,
        fill=(255, 255, 255, 255),
        font=ImageFont.load_default(size=int(s * 0.7)),
    )
    return np.asarray(pil).copy()


# ------------------------------------------------------------------------------------------- defects


def _apply_scene_defects(frames: np.ndarray, d: dict[str, Any], rng: np.random.Generator) -> np.ndarray:
    import cv2

    T, H, W, _ = frames.shape
    if "static" in d:
        frames = np.repeat(frames[:1], T, axis=0)
    if "shake" in d:
        amp = d["shake"]["amplitude"]
        out = np.empty_like(frames)
        for t in range(T):
            dx, dy = rng.uniform(-amp, amp, 2)
            m = np.float32([[1.06, 0, dx - 0.03 * W], [0, 1.06, dy - 0.03 * H]])
            out[t] = cv2.warpAffine(frames[t], m, (W, H), borderMode=cv2.BORDER_REFLECT)
        frames = out
    if "blur" in d:
        s = d["blur"]["sigma"]
        frames = np.stack([cv2.GaussianBlur(f, (0, 0), s) for f in frames])
    if "saturation" in d:
        k = d["saturation"]["factor"]
        out = np.empty_like(frames)
        for t in range(T):
            hsv = cv2.cvtColor(frames[t], cv2.COLOR_RGB2HSV).astype(np.float32)
            hsv[..., 1] = np.clip(hsv[..., 1] * k + (60 if k > 1 else 0), 0, 255)
            out[t] = cv2.cvtColor(hsv.astype(np.uint8), cv2.COLOR_HSV2RGB)
        frames = out
    if "black_border" in d:
        top, bottom, left, right = d["black_border"]["box"]  # content box in pixels
        out = np.zeros_like(frames)
        for t in range(T):
            out[t, top:bottom, left:right] = cv2.resize(
                frames[t], (right - left, bottom - top), interpolation=cv2.INTER_AREA
            )
        frames = out
    if "subtitle" in d:
        sub = d["subtitle"]
        bottom = d.get("black_border", {}).get("box", (0, H, 0, W))[1]
        for seg in sub["segments"]:
            rgba = render_subtitle(seg["text"], H, sub["cjk"])
            y = bottom - rgba.shape[0] - int(0.06 * H)
            x = (W - rgba.shape[1]) // 2
            for t in range(seg["start"], seg["end"]):
                _blend(frames[t], rgba, y, x)
    return frames


def _sample_defects(
    rng: np.random.Generator, cfg: RawConfig, n: int, H: int, W: int, fps: float
) -> dict[str, Any]:
    d: dict[str, Any] = {}
    if rng.random() < cfg.p_static:
        d["static"] = {}
    elif rng.random() < cfg.p_shake:
        d["shake"] = {"amplitude": float(rng.uniform(0.012, 0.02) * W)}
    if rng.random() < cfg.p_blur:
        d["blur"] = {"sigma": float(rng.uniform(3.0, 5.0) * H / 480)}  # clearly out of focus
    if rng.random() < cfg.p_saturation:
        d["saturation"] = {"factor": float(rng.choice([0.1, 2.5]))}
    if rng.random() < cfg.p_black_border:
        if rng.random() < 0.5:
            bar = int(rng.uniform(0.08, 0.14) * H) // 2 * 2
            d["black_border"] = {"kind": "letterbox", "box": [bar, H - bar, 0, W]}
        else:
            bar = int(rng.uniform(0.08, 0.15) * W) // 2 * 2
            d["black_border"] = {"kind": "pillarbox", "box": [0, H, bar, W - bar]}
    if rng.random() < cfg.p_subtitle:
        cjk = bool(rng.random() < 0.5)
        lines = CJK_LINES if cjk else LATIN_LINES
        seg_len = int(2 * fps)
        segs = [
            {"start": s, "end": min(n, s + seg_len), "text": lines[int(rng.integers(len(lines)))]}
            for s in range(0, n, seg_len)
        ]
        d["subtitle"] = {"cjk": cjk, "segments": segs}
    return d


# ----------------------------------------------------------------------------------------- assembly


def plan_raw_video(seed: int, cfg: RawConfig = RawConfig()) -> dict:
    """Decide everything about one video before rendering: scenes, lengths, transitions, defects, layout.

    Timeline: scene i owns frames [start_i, end_i). A cut or a fade through black starts it where scene i-1
    ends (a fade darkens the last/first ``L // 2`` frames of the two scenes); a dissolve overlaps the two
    scenes by ``L`` frames, which are blended.
    """
    root = np.random.SeedSequence(seed)
    rng = np.random.default_rng(root.spawn(1)[0])
    H, W, fps, L = cfg.height, cfg.width, cfg.fps, cfg.transition_frames
    n = int(rng.integers(cfg.scenes[0], cfg.scenes[1] + 1))
    lengths = [max(2 * L + 2, int(rng.uniform(*cfg.scene_seconds) * fps)) for _ in range(n)]
    p_cut = 1 - cfg.p_dissolve - cfg.p_fade_black
    transitions = ["cut"] + [
        str(rng.choice(["cut", "dissolve", "fade_black"], p=[p_cut, cfg.p_dissolve, cfg.p_fade_black]))
        for _ in range(n - 1)
    ]
    dup_of: list[int | None] = [None] * n
    for i in range(2, n):
        if rng.random() < cfg.p_duplicate and dup_of[i - 1] is None:
            cands = [j for j in range(i - 1) if dup_of[j] is None]
            dup_of[i] = int(rng.choice(cands))
            lengths[i] = lengths[dup_of[i]]
    defects: list[dict] = [_sample_defects(rng, cfg, lengths[i], H, W, fps) for i in range(n)]
    for i in range(
        n
    ):  # a copied scene and its copy carry no scene defects: the copy must stay a near-duplicate
        if dup_of[i] is not None:
            defects[i] = {
                "near_duplicate": {
                    "of_scene": dup_of[i],
                    "crop": float(rng.uniform(0.04, 0.08)),
                    "gain": float(rng.uniform(0.9, 1.1)),
                }
            }
            defects[dup_of[i]] = {}
    starts, ends, pos = [], [], 0
    boundaries = []
    for i in range(n):
        start = pos - L if transitions[i] == "dissolve" else pos
        starts.append(start)
        ends.append(start + lengths[i])
        if i:
            if transitions[i] == "cut":
                boundaries.append({"type": "cut", "frame": start, "start": start, "end": start})
            elif transitions[i] == "dissolve":
                boundaries.append({"type": "dissolve", "frame": start + L // 2, "start": start, "end": pos})
            else:
                boundaries.append(
                    {"type": "fade_black", "frame": start, "start": start - L // 2, "end": start + L // 2}
                )
        pos = ends[-1]
    wm = None
    if n >= 3 and rng.random() < cfg.p_watermark_video:
        a = int(rng.integers(0, n - 2))
        b = int(rng.integers(a + 3, n + 1))
        wm = {
            "scenes": [a, b],
            "start": starts[a],
            "end": ends[b - 1],
            "corner": str(rng.choice(["tl", "tr", "bl", "br"])),
            "opacity": float(rng.uniform(0.6, 0.9)),
            "logo_seed": int(rng.integers(2**31)),
        }
    scenes = [
        {
            "index": i,
            "start": starts[i],
            "end": ends[i],
            "transition_in": transitions[i],
            "defects": defects[i],
            "seed_scene": dup_of[i] if dup_of[i] is not None else i,
        }
        for i in range(n)
    ]
    return {
        "seed": seed,
        "fps": fps,
        "height": H,
        "width": W,
        "num_frames": pos,
        "scenes": scenes,
        "boundaries": boundaries,
        "watermark": wm,
        "defect_ranges": _defect_ranges(scenes, wm),
    }


def _defect_ranges(scenes: list[dict], wm: dict | None) -> list[dict]:
    out = []
    for s in scenes:
        for name, params in s["defects"].items():
            out.append(
                {
                    "type": name,
                    "start": s["start"],
                    "end": s["end"],
                    "scene": s["index"],
                    **({"of_scene": params["of_scene"]} if name == "near_duplicate" else {}),
                }
            )
    if wm:
        out.append({"type": "watermark", "start": wm["start"], "end": wm["end"], "corner": wm["corner"]})
    return out


def _corner_xy(corner: str, H: int, W: int, h: int, w: int) -> tuple[int, int]:
    my, mx = int(0.04 * H), int(0.03 * W)
    return (my if corner[0] == "t" else H - h - my), (mx if corner[1] == "l" else W - w - mx)


def make_raw_video(
    seed: int, cfg: RawConfig = RawConfig(), source: SceneSource = procedural_scene
) -> tuple[dict, Iterator[np.ndarray]]:
    """Return (ground truth, frame iterator) for one raw video; frames stream out one at a time.

    Memory stays at about two scenes whatever the video's length. The truth dict gains each scene's
    caption (and world spec) as the iterator reaches that scene.
    """
    import cv2

    plan = plan_raw_video(seed, cfg)
    H, W, L = cfg.height, cfg.width, cfg.transition_frames
    seeds = np.random.SeedSequence(seed).spawn(len(plan["scenes"]) + 1)[1:]
    wm = plan["watermark"]
    logo = render_logo(H, np.random.default_rng(wm["logo_seed"])) if wm else None

    def render(scene: dict) -> np.ndarray:
        j = scene["seed_scene"]
        rng = np.random.default_rng(seeds[j])
        n = scene["end"] - scene["start"]
        clip = source(rng, n, H, W, cfg.fps)
        if clip.frames.shape != (n, H, W, 3) or clip.frames.dtype != np.uint8:
            raise ValueError(
                f"scene source returned {clip.frames.dtype} {clip.frames.shape}, expected uint8 {(n, H, W, 3)}"
            )
        scene["caption"] = clip.caption
        if clip.spec is not None:
            scene["spec"] = clip.spec
        frames = clip.frames
        nd = scene["defects"].get("near_duplicate")
        if nd:
            cy, cx = int(nd["crop"] * H / 2), int(nd["crop"] * W / 2)
            frames = np.stack(
                [
                    cv2.resize(f[cy : H - cy, cx : W - cx], (W, H), interpolation=cv2.INTER_LINEAR)
                    for f in frames
                ]
            )
            frames = np.clip(frames.astype(np.float32) * nd["gain"], 0, 255).astype(np.uint8)
        return _apply_scene_defects(frames, scene["defects"], rng)

    def frames() -> Iterator[np.ndarray]:
        emitted = 0
        pending: np.ndarray | None = None

        def emit(block: np.ndarray) -> Iterator[np.ndarray]:
            nonlocal emitted
            for f in block:
                if wm and wm["start"] <= emitted < wm["end"]:
                    f = f.copy()
                    _blend(f, logo, *_corner_xy(wm["corner"], H, W, *logo.shape[:2]), wm["opacity"])
                emitted += 1
                yield f

        for scene in plan["scenes"]:
            cur = render(scene).copy()
            kind = scene["transition_in"]
            if pending is not None:
                if kind == "dissolve":
                    w = ((np.arange(L) + 1) / (L + 1))[:, None, None, None]
                    cur[:L] = (pending[-L:] * (1 - w) + cur[:L] * w + 0.5).astype(np.uint8)
                    pending = pending[:-L]
                elif kind == "fade_black":
                    h = L // 2  # reaches true black on the last frame out and the first frame in
                    down = (1 - (np.arange(h) + 1) / h)[:, None, None, None]
                    pending[-h:] = (pending[-h:] * down).astype(np.uint8)
                    cur[:h] = (cur[:h] * down[::-1]).astype(np.uint8)
                yield from emit(pending)
            pending = cur
        if pending is not None:
            yield from emit(pending)
        if emitted != plan["num_frames"]:
            raise RuntimeError(f"raw video {seed}: emitted {emitted} frames, planned {plan['num_frames']}")

    return plan, frames()


def write_raw_video(
    path: str | os.PathLike, seed: int, cfg: RawConfig = RawConfig(), source: SceneSource = procedural_scene
) -> dict:
    """Write one raw video (H.264 mp4) and its ground-truth sidecar ``<path>.json``; return the truth."""
    import av

    path = Path(path)
    truth, frames = make_raw_video(seed, cfg, source)
    with atomic_path(path) as tmp, av.open(str(tmp), mode="w") as container:
        stream = container.add_stream("libx264", rate=Fraction(cfg.fps).limit_denominator(1001))
        stream.width, stream.height = cfg.width + cfg.width % 2, cfg.height + cfg.height % 2
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": str(cfg.crf), "preset": cfg.preset}
        for f in frames:
            if cfg.height % 2 or cfg.width % 2:
                f = np.pad(f, ((0, cfg.height % 2), (0, cfg.width % 2), (0, 0)), mode="edge")
            for packet in stream.encode(
                av.VideoFrame.from_ndarray(np.ascontiguousarray(f), format="rgb24")
            ):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    truth["video"] = path.name
    with atomic_path(sidecar_path(path)) as tmp:
        tmp.write_text(json.dumps(truth, indent=1, ensure_ascii=False), encoding="utf-8")
    return truth


def sidecar_path(video: str | os.PathLike) -> Path:
    """Where the ground truth of a raw video lives: ``<video>.json`` (e.g. raw_00000.mp4.json)."""
    return Path(str(video) + ".json")


def write_raw_dataset(
    out: str | os.PathLike,
    videos: int,
    seed: int = 0,
    cfg: RawConfig = RawConfig(),
    source: SceneSource = procedural_scene,
    progress: bool = True,
) -> list[Path]:
    """Write ``videos`` raw videos ``raw_00000.mp4`` ... into ``out``; existing complete ones are kept (resume)."""
    from tqdm import tqdm

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in tqdm(range(videos), desc="raw videos", disable=not progress):
        p = out / f"raw_{i:05d}.mp4"
        if not (p.exists() and sidecar_path(p).exists()):
            write_raw_video(p, seed * 100003 + i, cfg, source)
        paths.append(p)
    return paths


# ------------------------------------------------------------------------------------------------ CLI


def register_raw(sub: Any) -> None:
    """Add ``raw`` to a sub-parser group (the world CLI's): ``stepvid world raw --out DIR --videos N``."""
    p = sub.add_parser(
        "raw",
        help="write raw 'found footage' videos with ground-truth cuts and defects",
        description=__doc__.split("\n\n")[0],
    )
    p.add_argument("--out", required=True, help="output folder (videos + <video>.json ground truth)")
    p.add_argument("--videos", type=int, default=10, help="number of videos (default 10)")
    p.add_argument("--height", type=int, default=480)
    p.add_argument("--width", type=int, default=854)
    p.add_argument("--fps", type=float, default=24.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--scenes", type=int, nargs=2, default=(6, 9), metavar=("MIN", "MAX"), help="scenes per video"
    )
    p.add_argument(
        "--source",
        default="auto",
        choices=("auto", "world", "procedural"),
        help="scene content: the synthetic world (auto: when installed) or built-in procedural scenes",
    )
    p.set_defaults(func=_cmd_raw)


def _cmd_raw(args: Any) -> int:
    if args.videos < 1 or args.height < 16 or args.width < 16:
        raise ValueError("--videos must be >= 1 and --height/--width >= 16")
    cfg = RawConfig(height=args.height, width=args.width, fps=args.fps, scenes=tuple(args.scenes))
    paths = write_raw_dataset(args.out, args.videos, args.seed, cfg, resolve_source(args.source))
    frames = sum(json.loads(sidecar_path(p).read_text())["num_frames"] for p in paths)
    print(f"wrote {len(paths)} raw videos ({frames / cfg.fps:.0f} s of footage) to {args.out}")
    return 0
