"""Model-free burnt-in text detection (subtitles, captions, titles), for the report's "Subtitle" tag.

Why not OCR: the report uses PaddleOCR; Tesseract needs a system package and is slow per frame, RapidOCR
needs onnxruntime plus bundled models. Curation only needs *whether and where* text is, not what it says,
and rendered text has a distinctive signature that needs no model: rows of many short, high-contrast,
near-vertical strokes of similar height (an OCR backend is optional: ``ocr.py``). The detector:

1. morphological gradient (3×3) at a fixed working height of 360 px, thresholded at a strong contrast;
2. horizontal closing joins the strokes of a word/line into one component;
3. a component is a text line when its height is 1.5–12 % of the frame, it is at least 2.5× wider than
   tall, its edge density is text-like, and a scan through its middle rows crosses many strokes
   (≥ 1.2 per line-height of width: shapes and bars give two, lettering gives many).

It finds Latin and CJK alike (stroke structure, not glyph shapes). Limits: very small text (< ~6 px
high at 360p), handwriting-like or low-contrast text, and fine regular textures with text-like rhythm.
"""

from __future__ import annotations

import numpy as np

WORK_HEIGHT = 360


def detect_text_lines(gray: np.ndarray, min_contrast: int = 90) -> list[tuple[int, int, int, int]]:
    """Text-line boxes (x, y, w, h) in the input's pixel coordinates."""
    import cv2

    H0, W0 = gray.shape
    s = WORK_HEIGHT / H0
    g = (
        cv2.resize(gray, (max(8, round(W0 * s)), WORK_HEIGHT), interpolation=cv2.INTER_AREA)
        if abs(s - 1) > 1e-3
        else gray
    )
    H, W = g.shape
    grad = cv2.morphologyEx(g, cv2.MORPH_GRADIENT, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3)))
    bw = (grad >= min_contrast).astype(np.uint8)
    joined = cv2.morphologyEx(
        bw, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, H // 40), 1))
    )
    n, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    out = []
    for x, y, w, h, _area in stats[1:]:
        if not (0.015 * H <= h <= 0.12 * H and w >= 2.5 * h):
            continue
        box = bw[y : y + h, x : x + w]
        density = box.mean()
        if not 0.12 <= density <= 0.75:
            continue
        mid = box[h // 4 : h - h // 4 or h]
        crossings = (np.diff(mid.astype(np.int8), axis=1) == 1).sum(axis=1)
        if np.median(crossings) < 1.2 * w / h:
            continue
        out.append((int(x / s), int(y / s), int(w / s), int(h / s)))
    return out
