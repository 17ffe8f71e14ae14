"""Offline video metrics: pure functions of uint8 frames [T, H, W, 3] (RGB), no model, no reference video.

Every metric works on luma ``Y = 0.299 R + 0.587 G + 0.114 B`` (ITU-R BT.601, 0-255 scale) unless it says
otherwise. Definitions and units:

* ``flicker`` — motion-compensated temporal flicker, grey levels (0-255): for each pair of consecutive frames,
  frame t+1 is warped back onto frame t along the optical flow (bilinear), and the mean absolute luma
  difference is taken over the pixels whose flow target lies inside the frame; the metric is the mean over
  pairs. Motion that the flow explains does not count, brightness that jumps does (a uniform frame that steps
  from grey 100 to 110 flickers by exactly 10). Lower is steadier.
* ``motion`` — mean optical-flow magnitude, pixels per frame: OpenCV's Farneback dense flow between
  consecutive luma frames (pyramid 0.5 x 3 levels, 15-pixel window, 3 iterations, poly_n 5, sigma 1.2),
  ``sqrt(u^2 + v^2)`` averaged over pixels and pairs; identical frames have zero flow by definition. Depends
  on the resolution (a pan across the frame is twice as many pixels at twice the width).
* ``sharpness`` — variance of the Laplacian, grey levels squared: the 4-neighbour Laplacian
  ``Y[y-1,x] + Y[y+1,x] + Y[y,x-1] + Y[y,x+1] - 4 Y[y,x]`` on interior pixels (no padding), its variance per
  frame, averaged over frames. Higher is sharper (a checkerboard of +-a has 64 a^2; a blur lowers it).
* ``consistency`` — mean cosine similarity of consecutive frames' features, dimensionless in [-1, 1]: each
  frame's RGB is averaged down to at most 32 x 32 cells, flattened, its mean subtracted (so this is the
  Pearson correlation of the small images); 1 = the same picture. Two featureless (uniform) frames count as
  1, one featureless frame against a textured one as 0; brightness changes are flicker's business.

Temporal metrics (flicker, motion, consistency) need two frames; a single image gets only ``sharpness``.
OpenCV (the ``data`` extra) is imported only by the flow metrics.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "METRICS",
    "compute_metrics",
    "frame_consistency",
    "luma",
    "motion_magnitude",
    "optical_flow",
    "sharpness",
    "temporal_flicker",
]

# name -> (label, unit, which way is better); the report's tables and charts read this.
METRICS: dict[str, tuple[str, str, str]] = {
    "flicker": ("temporal flicker", "grey levels", "lower"),
    "motion": ("motion magnitude", "px/frame", "neither"),
    "sharpness": ("sharpness (variance of Laplacian)", "grey levels²", "higher"),
    "consistency": ("frame consistency", "cosine", "higher"),
}
_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)
FEATURE_CELLS = 32


def _check(frames: np.ndarray) -> np.ndarray:
    frames = np.asarray(frames)
    if frames.ndim != 4 or frames.shape[-1] != 3 or frames.dtype != np.uint8 or 0 in frames.shape[:3]:
        raise ValueError(f"frames must be uint8 [T, H, W, 3] with T, H, W >= 1; got {frames.dtype} {frames.shape}")
    return frames


def luma(frames: np.ndarray) -> np.ndarray:
    """BT.601 luma of uint8 RGB frames [T, H, W, 3] -> float32 [T, H, W] on the 0-255 scale."""
    return _check(frames).astype(np.float32) @ _LUMA


def optical_flow(frames: np.ndarray) -> np.ndarray:
    """Farneback flow between consecutive frames -> float32 [T-1, H, W, 2] (u = x, v = y), in pixels:
    frame t at (x, y) matches frame t+1 at (x + u, y + v)."""
    from stepvid.optional import require

    cv2 = require("cv2", "data", "the motion and flicker metrics (optical flow)")
    grey = np.clip(np.rint(luma(frames)), 0, 255).astype(np.uint8)
    t, h, w = grey.shape
    flow = np.zeros((max(t - 1, 0), h, w, 2), dtype=np.float32)
    for i in range(t - 1):
        if not np.array_equal(grey[i], grey[i + 1]):
            flow[i] = cv2.calcOpticalFlowFarneback(grey[i], grey[i + 1], None, 0.5, 3, 15, 3, 5, 1.2, 0)
    return flow


def _temporal(frames: np.ndarray, flow: np.ndarray | None) -> np.ndarray:
    frames = _check(frames)
    if frames.shape[0] < 2:
        raise ValueError(f"a temporal metric needs at least 2 frames; got {frames.shape[0]}")
    if flow is None:
        return optical_flow(frames)
    t, h, w = frames.shape[:3]
    if flow.shape != (t - 1, h, w, 2):
        raise ValueError(f"flow must be [{t - 1}, {h}, {w}, 2] for these frames; got {list(flow.shape)}")
    return flow


def motion_magnitude(frames: np.ndarray, flow: np.ndarray | None = None) -> float:
    """Mean optical-flow magnitude in pixels per frame (module docstring); ``flow``: a precomputed
    :func:`optical_flow` of ``frames``."""
    flow = _temporal(frames, flow)
    return float(np.sqrt((flow.astype(np.float64) ** 2).sum(-1)).mean())


def temporal_flicker(frames: np.ndarray, flow: np.ndarray | None = None) -> float:
    """Motion-compensated mean absolute luma difference of consecutive frames, grey levels (module docstring)."""
    from stepvid.optional import require

    flow = _temporal(frames, flow)
    cv2 = require("cv2", "data", "the flicker metric (warping along the optical flow)")
    y = luma(frames)
    h, w = y.shape[1:]
    gy, gx = np.mgrid[0:h, 0:w].astype(np.float32)
    per_pair = []
    for i in range(len(flow)):
        mx, my = gx + flow[i, ..., 0], gy + flow[i, ..., 1]
        warped = cv2.remap(y[i + 1], mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        inside = (mx >= 0) & (mx <= w - 1) & (my >= 0) & (my <= h - 1)
        diff = np.abs(y[i] - warped)
        per_pair.append(float(diff[inside].mean()) if inside.any() else float(diff.mean()))
    return float(np.mean(per_pair))


def sharpness(frames: np.ndarray) -> float:
    """Variance of the 4-neighbour Laplacian of luma on interior pixels, averaged over frames (grey levels²).
    Frames smaller than 3 x 3 have no interior: 0."""
    y = luma(frames).astype(np.float64)
    if y.shape[1] < 3 or y.shape[2] < 3:
        return 0.0
    lap = y[:, :-2, 1:-1] + y[:, 2:, 1:-1] + y[:, 1:-1, :-2] + y[:, 1:-1, 2:] - 4.0 * y[:, 1:-1, 1:-1]
    return float(lap.reshape(len(y), -1).var(axis=1).mean())


def _features(frames: np.ndarray, cells: int) -> np.ndarray:
    """[T, D]: RGB block means on an at most ``cells`` x ``cells`` grid, each row mean-subtracted."""
    x = frames.astype(np.float64)
    t, h, w, _ = x.shape
    ry = np.linspace(0, h, min(cells, h) + 1).astype(int)[:-1]
    rx = np.linspace(0, w, min(cells, w) + 1).astype(int)[:-1]
    sums = np.add.reduceat(np.add.reduceat(x, ry, axis=1), rx, axis=2)
    counts = np.outer(np.diff(np.append(ry, h)), np.diff(np.append(rx, w)))[None, :, :, None]
    f = (sums / counts).reshape(t, -1)
    return f - f.mean(axis=1, keepdims=True)


def frame_consistency(frames: np.ndarray, cells: int = FEATURE_CELLS) -> float:
    """Mean cosine similarity of consecutive frames' mean-subtracted small-image features (module docstring)."""
    frames = _check(frames)
    if frames.shape[0] < 2:
        raise ValueError(f"a temporal metric needs at least 2 frames; got {frames.shape[0]}")
    f = _features(frames, cells)
    norm = np.linalg.norm(f, axis=1)
    flat = norm <= 1e-9 * max(float(norm.max()), 1.0)  # featureless frame
    sims = []
    for a, b in zip(range(len(f) - 1), range(1, len(f))):
        if flat[a] or flat[b]:
            sims.append(1.0 if flat[a] and flat[b] else 0.0)
        else:
            sims.append(float(f[a] @ f[b] / (norm[a] * norm[b])))
    return float(np.mean(sims))


def compute_metrics(frames: np.ndarray) -> dict[str, float]:
    """Every metric of one video ({name: value}, names as in :data:`METRICS`); the flow is computed once.
    A single frame gets only ``sharpness``."""
    frames = _check(frames)
    out = {"sharpness": sharpness(frames)}
    if frames.shape[0] >= 2:
        flow = optical_flow(frames)
        out["flicker"] = temporal_flicker(frames, flow)
        out["motion"] = motion_magnitude(frames, flow)
        out["consistency"] = frame_consistency(frames)
    return {k: out[k] for k in METRICS if k in out}
