"""Contact sheets: one row of evenly spaced frames per clip, optionally with its caption above the row."""

from __future__ import annotations

import os
import sys

import numpy as np

__all__ = ["contact_sheet", "resize_to_height"]


def resize_to_height(img: np.ndarray, height: int) -> np.ndarray:
    """Nearest-sample resize of an image [H, W, C] to ``height`` rows, keeping the aspect ratio (NumPy only)."""
    h, w = img.shape[:2]
    width = max(1, round(w * height / h))
    ys = (np.arange(height) + 0.5) * h / height
    xs = (np.arange(width) + 0.5) * w / width
    return img[ys.astype(int)][:, xs.astype(int)]


def _text_strip(text: str, width: int, height: int) -> np.ndarray | None:
    """Render ``text`` in black on white with Pillow's default font; None when impossible (no Pillow, CJK)."""
    try:
        from PIL import Image, ImageDraw, ImageFont
    except ImportError:
        return None
    font_path = os.environ.get("STEPVID_FONT")  # a TTF/OTF with CJK glyphs, e.g. Noto Sans CJK
    if not text.isascii() and not font_path:  # Pillow's default font has no CJK glyphs
        return None
    img = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    if font_path:
        font = ImageFont.truetype(font_path, size=max(10, height - 6))
    else:
        try:
            font = ImageFont.load_default(size=max(10, height - 6))
        except TypeError:  # Pillow < 10.1
            font = ImageFont.load_default()
    while text and draw.textlength(text, font=font) > width - 8:
        text = text[:-4] + "..."
    draw.text((4, 2), text, fill=(0, 0, 0), font=font)
    return np.asarray(img)


def contact_sheet(clips: list[np.ndarray], captions: list[str] | None = None, frames_per_row: int = 6,
                  thumb_height: int = 96, pad: int = 4) -> np.ndarray:
    """Build a uint8 [H, W, 3] grid: clip i's frames in row i, its caption (if any) in a strip above it.

    Captions the built-in font cannot draw (e.g. Chinese) are printed to stderr instead, unless the
    environment variable ``STEPVID_FONT`` names a font file that has the glyphs.
    """
    if not clips:
        raise ValueError("contact_sheet needs at least one clip")
    if captions is not None and len(captions) != len(clips):
        raise ValueError(f"got {len(captions)} captions for {len(clips)} clips")
    rows = []
    for i, clip in enumerate(clips):
        clip = np.asarray(clip)
        if clip.ndim == 3:
            clip = clip[None]
        idx = np.linspace(0, len(clip) - 1, min(frames_per_row, len(clip))).round().astype(int)
        thumbs = [resize_to_height(clip[j], thumb_height) for j in idx]
        sep = np.full((thumb_height, pad, 3), 255, np.uint8)
        row = np.concatenate([x for t in thumbs for x in (t, sep)][:-1], axis=1)
        if captions is not None:
            strip = _text_strip(captions[i], row.shape[1], 18)
            if strip is None:
                print(f"row {i}: {captions[i]}", file=sys.stderr)
            else:
                row = np.concatenate([strip, row], axis=0)
        rows.append(row)
    width = max(r.shape[1] for r in rows)
    out = []
    for r in rows:
        out.append(np.pad(r, ((0, 0), (0, width - r.shape[1]), (0, 0)), constant_values=255))
        out.append(np.full((pad, width, 3), 255, np.uint8))
    return np.concatenate(out[:-1], axis=0)
