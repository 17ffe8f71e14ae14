"""Degradations that imitate generated/compressed video: blur, pixel noise, H.264 round trip, colour drift.

Used to check that the judge still reads clips the way a VAE decoder or a codec leaves them.
"""

from __future__ import annotations

import os
import tempfile

import numpy as np

__all__ = ["degrade", "gaussian_blur", "h264_roundtrip"]


def gaussian_blur(frames: np.ndarray, sigma: float) -> np.ndarray:
    """Separable Gaussian blur over H and W of float or uint8 frames [..., H, W, C] (edges replicated)."""
    if sigma <= 0:
        return frames
    r = max(1, round(3 * sigma))
    k = np.exp(-0.5 * (np.arange(-r, r + 1) / sigma) ** 2)
    k = (k / k.sum()).astype(np.float32)
    x = frames.astype(np.float32)
    h_ax, w_ax = x.ndim - 3, x.ndim - 2
    for ax in (h_ax, w_ax):
        pad = [(0, 0)] * x.ndim
        pad[ax] = (r, r)
        p = np.pad(x, pad, mode="edge")
        n = x.shape[ax]
        x = sum(k[i] * np.take(p, np.arange(i, i + n), axis=ax) for i in range(2 * r + 1))
    return x


def h264_roundtrip(frames: np.ndarray, crf: int = 28, fps: float = 12.0) -> np.ndarray:
    """Encode to H.264 (yuv420p) and decode back; odd sizes come back cropped to the input size."""
    from stepvid.video import read_video, write_video

    t, h, w, _ = frames.shape
    fd, path = tempfile.mkstemp(suffix=".mp4")
    os.close(fd)
    try:
        write_video(path, frames, fps=fps, crf=crf, preset="veryfast")
        out = read_video(path)
    finally:
        os.unlink(path)
    return out[:t, :h, :w]


def degrade(frames: np.ndarray, rng: np.random.Generator | int = 0, blur: float = 1.2, noise: float = 5.0,
            crf: int | None = 28) -> np.ndarray:
    """Blur (sigma px), add Gaussian noise (sigma uint8 levels), then H.264 round trip at ``crf`` (None: skip)."""
    rng = np.random.default_rng(rng) if not isinstance(rng, np.random.Generator) else rng
    x = gaussian_blur(frames, blur)
    if noise > 0:
        x = x + rng.normal(0.0, noise, x.shape).astype(np.float32)
    out = np.clip(x + 0.5, 0, 255).astype(np.uint8)
    if crf is not None and out.shape[0] > 0:
        out = h264_roundtrip(out, crf=crf)
    return out


def color_shift(frames: np.ndarray, gain: float = 0.9, bias: float = 10.0, saturation: float = 0.75) -> np.ndarray:
    """Global colour drift typical of generated video: desaturate towards grey, then scale and offset."""
    x = frames.astype(np.float32)
    grey = x.mean(axis=-1, keepdims=True)
    x = (grey + (x - grey) * saturation) * gain + bias
    return np.clip(x + 0.5, 0, 255).astype(np.uint8)
