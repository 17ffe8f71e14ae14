"""Anti-aliased NumPy renderer for scene specs: any resolution, aspect ratio and frame count.

Shapes are polygons (or a circle) in unit equal-area coordinates. Each pixel's coverage is computed
analytically from its signed distance to the outline (``clip(0.5 - d, 0, 1)``), which gives a one-pixel
anti-aliased edge at the cost of one evaluation per pixel, and only inside the object's bounding box.
"""

from __future__ import annotations

import math

import numpy as np

from stepvid.world.scene import COLORS, GRADIENT_AMPLITUDE, SHAPE_BOUND, TEXTURE_AMPLITUDE, SceneSpec

__all__ = ["render_background", "render_image", "render_video", "shape_outline"]


def _regular(n: int, r_outer: float, r_inner: float | None = None) -> np.ndarray:
    """A regular polygon (or a star when ``r_inner`` is given) pointing up, centred at the origin."""
    k = 2 * n if r_inner else n
    ang = -math.pi / 2 + np.arange(k) * 2 * math.pi / k
    r = np.where(np.arange(k) % 2 == 0, r_outer, r_inner) if r_inner else np.full(k, r_outer)
    return np.stack([r * np.cos(ang), r * np.sin(ang)], axis=1)


def _outlines() -> dict[str, np.ndarray]:
    """Polygons with area pi (equal to the unit circle), so ``size`` means the same area for every shape."""
    half = math.sqrt(math.pi) / 2
    tri_side = math.sqrt(4 * math.pi / math.sqrt(3))
    star_r = math.sqrt(math.pi / (5 * 0.45 * math.sin(math.radians(36))))
    dia_a = math.sqrt(math.pi / 3.2)
    w_ratio = 0.35
    arm = math.sqrt(math.pi / (8 * w_ratio - 4 * w_ratio**2))
    w = w_ratio * arm
    polys = {
        "square": np.array([[-half, -half], [half, -half], [half, half], [-half, half]]),
        "triangle": _regular(3, tri_side / math.sqrt(3)),
        "star": _regular(5, star_r, 0.45 * star_r),
        "diamond": np.array([[0, -1.6 * dia_a], [dia_a, 0], [0, 1.6 * dia_a], [-dia_a, 0]]),
        "cross": np.array([[-w, -arm], [w, -arm], [w, -w], [arm, -w], [arm, w], [w, w], [w, arm], [-w, arm],
                           [-w, w], [-arm, w], [-arm, -w], [-w, -w]]),
    }
    # Centre every polygon on its area centroid so "position" is where the judge measures it.
    for name, p in polys.items():
        polys[name] = p - _centroid(p)
    return polys


def _centroid(p: np.ndarray) -> np.ndarray:
    x, y = p[:, 0], p[:, 1]
    xn, yn = np.roll(x, -1), np.roll(y, -1)
    cross = x * yn - xn * y
    a = cross.sum() / 2
    return np.array([((x + xn) * cross).sum(), ((y + yn) * cross).sum()]) / (6 * a)


_OUTLINES = _outlines()


def _convex_parts(shape: str) -> list[np.ndarray]:
    """The outline split into convex pieces (vertex arrays); the shape is their union."""
    p = _OUTLINES[shape]
    if shape == "star":  # inner pentagon + five spikes reaching into it (so no seam along the pentagon edges)
        inner, outer = p[1::2], p[0::2]
        return [inner] + [np.stack([inner[i - 1], outer[i], inner[i], 0.25 * (inner[i - 1] + inner[i])])
                          for i in range(5)]
    if shape == "cross":  # vertical bar + horizontal bar (the cross is symmetric about the origin)
        w, arm = p[1, 0], p[3, 0]
        bar = np.array([[-w, -arm], [w, -arm], [w, arm], [-w, arm]])
        return [bar, bar[:, ::-1].copy()]
    return [p]


def _halfplanes(poly: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Outward unit normals n and offsets c of a convex polygon's edges: inside iff n.p - c <= 0 for all."""
    a, b = poly, np.roll(poly, -1, axis=0)
    e = b - a
    area2 = (a[:, 0] * b[:, 1] - b[:, 0] * a[:, 1]).sum()
    n = np.stack([e[:, 1], -e[:, 0]], axis=1) * (1 if area2 > 0 else -1)
    n /= np.linalg.norm(n, axis=1, keepdims=True)
    return n.astype(np.float32), (n * a).sum(1).astype(np.float32)


_HALFPLANES = {s: [_halfplanes(q) for q in _convex_parts(s)] for s in _OUTLINES}


def shape_outline(shape: str) -> np.ndarray | None:
    """The unit equal-area polygon of ``shape`` (None for the circle)."""
    return None if shape == "circle" else _OUTLINES[shape]


def _distance(ux: np.ndarray, uy: np.ndarray, shape: str) -> np.ndarray:
    """Signed distance (negative inside) to the shape: min over convex parts of max over edge half-planes.

    Exact inside and along edges; outside a convex corner it slightly underestimates, which only rounds
    the outermost anti-aliasing pixel of sharp tips.
    """
    out = None
    for n, c in _HALFPLANES[shape]:
        d = n[0, 0] * ux + n[0, 1] * uy - c[0]
        for k in range(1, len(c)):
            np.maximum(d, n[k, 0] * ux + n[k, 1] * uy - c[k], out=d)
        out = d if out is None else np.minimum(out, d, out=out)
    return out


def render_background(spec: SceneSpec, height: int, width: int) -> np.ndarray:
    """The static background as float32 [H, W, 3]."""
    base = np.array(COLORS[spec.bg_color], dtype=np.float32)
    if spec.bg_kind in ("vgradient", "hgradient"):
        a = GRADIENT_AMPLITUDE
        light, dark = base * (1 - a) + 255 * a, base * (1 - a)
        n = height if spec.bg_kind == "vgradient" else width
        s = ((np.arange(n, dtype=np.float32) + 0.5) / n)[:, None]
        ramp = light + (dark - light) * s  # [n, 3]
        if spec.bg_kind == "vgradient":
            return np.broadcast_to(ramp[:, None, :], (height, width, 3)).copy()
        return np.broadcast_to(ramp[None, :, :], (height, width, 3)).copy()
    img = np.broadcast_to(base, (height, width, 3)).copy()
    if spec.bg_kind == "texture":  # smooth value noise on a resolution-free 10x10 grid, luminance only
        g = np.random.default_rng(spec.seed).uniform(-1, 1, size=(11, 11)).astype(np.float32)
        ys = (np.arange(height, dtype=np.float32) + 0.5) / height * 10
        xs = (np.arange(width, dtype=np.float32) + 0.5) / width * 10
        y0, x0 = np.minimum(ys.astype(int), 9), np.minimum(xs.astype(int), 9)
        fy, fx = (ys - y0)[:, None], (xs - x0)[None, :]
        fy, fx = fy * fy * (3 - 2 * fy), fx * fx * (3 - 2 * fx)  # smoothstep
        v = (g[y0][:, x0] * (1 - fy) * (1 - fx) + g[y0 + 1][:, x0] * fy * (1 - fx)
             + g[y0][:, x0 + 1] * (1 - fy) * fx + g[y0 + 1][:, x0 + 1] * fy * fx)
        img += TEXTURE_AMPLITUDE * v[..., None]
    return img


def _draw(frame: np.ndarray, shape: str, color: np.ndarray, cx: float, cy: float, r: float, angle: float) -> None:
    """Blend one object into ``frame`` (float32 or uint8 [H, W, 3]) in place; centre and radius in pixels."""
    h, w = frame.shape[:2]
    ext = r * SHAPE_BOUND[shape] + 1.5
    x0, x1 = max(math.floor(cx - ext), 0), min(math.ceil(cx + ext) + 1, w)
    y0, y1 = max(math.floor(cy - ext), 0), min(math.ceil(cy + ext) + 1, h)
    if x0 >= x1 or y0 >= y1:
        return
    px = np.arange(x0, x1, dtype=np.float32) + 0.5 - cx
    py = np.arange(y0, y1, dtype=np.float32)[:, None] + 0.5 - cy
    if shape == "circle":
        d = np.sqrt(px * px + py * py) - r
    else:
        c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
        # rotate the pixel grid by -angle into shape space, in units of the radius
        ux, uy = (c * px + s * py) / r, (-s * px + c * py) / r
        d = _distance(ux, uy, shape) * r
    alpha = np.clip(0.5 - d, 0.0, 1.0)[..., None]
    region = frame[y0:y1, x0:x1]
    if region.dtype == np.uint8:  # blend in float, round back (values stay within [0, 255])
        f = region.astype(np.float32)
        f += (color - f) * alpha
        region[...] = (f + 0.5).astype(np.uint8)
    else:
        region += (color - region) * alpha


def render_video(spec: SceneSpec, height: int, width: int, num_frames: int, fps: float = 12.0) -> np.ndarray:
    """Render ``spec`` as uint8 frames [T, H, W, 3]; motion spans the clip whatever its length.

    ``fps`` does not change the pixels (motion is defined per clip); it is accepted so callers can pass
    their clip settings through unchanged.
    """
    if height < 8 or width < 8:
        raise ValueError(f"frame size must be at least 8x8; got {height}x{width}")
    if num_frames < 1:
        raise ValueError(f"num_frames must be >= 1; got {num_frames}")
    spec.validate()
    bg = render_background(spec, height, width)
    t = np.linspace(0.0, 1.0, num_frames) if num_frames > 1 else np.zeros(1)
    scale = min(height, width)
    states = [o.state(t) for o in spec.objects]
    colors = [np.array(COLORS[o.color], dtype=np.float32) for o in spec.objects]
    out = np.empty((num_frames, height, width, 3), dtype=np.uint8)
    out[:] = np.clip(bg + 0.5, 0, 255).astype(np.uint8)
    for i in range(num_frames):
        for o, (x, y, r, a), col in zip(spec.objects, states, colors):
            _draw(out[i], o.shape, col, x[i] * width, y[i] * height, r[i] * scale, a[i])
    return out


def render_image(spec: SceneSpec, height: int, width: int) -> np.ndarray:
    """Render the scene's first frame as a still image uint8 [H, W, 3] (for text-to-image data)."""
    return render_video(spec, height, width, 1)[0]
