"""Optional OCR backend for the burnt-in text tag: RapidOCR (PP-OCRv4 det + rec as ONNX, run by onnxruntime).

Why RapidOCR: its wheel bundles the detection, direction and recognition models (``rapidocr_onnxruntime/
models/*.onnx``), so it works offline with no download at run time and no system package (Tesseract needs
``apt-get install tesseract-ocr`` plus language packs); it reads Chinese and Latin alike, like the
report's PaddleOCR (same PP-OCR models). It is an extra (``pip install 'stepvid[ocr]'``), selected with
``--set text_detector=rapidocr``; the model-free detector in ``text.py`` stays the default.

Speed: frames are downscaled to ``WORK_HEIGHT`` (360 px, as the heuristic) and detection runs at that
size (RapidOCR's default would *upscale* the short side to 736 px); the 180° direction classifier is
skipped (burnt-in text is upright); one onnxruntime thread per process, since curation already runs one
process per core. About 0.1 s per frame on one dev-box core, i.e. ~1 s per clip of 8 sampled frames.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from stepvid.optional import require

TEXT_DETECTORS = ("heuristic", "rapidocr")
WORK_HEIGHT = 360
MAX_LINE_HEIGHT = 0.2  # fraction of the frame height


def check_text_detector(name: str) -> None:
    """Fail early, with the fix, for an unknown detector or a missing optional package."""
    if name not in TEXT_DETECTORS:
        raise ValueError(f"unknown text_detector {name!r}; expected one of {', '.join(TEXT_DETECTORS)}")
    if name == "rapidocr":
        _engine()


@lru_cache(maxsize=1)
def _engine():
    # rapidocr_onnxruntime bundles its ONNX models in the wheel: nothing is downloaded at run time.
    RapidOCR = require("rapidocr_onnxruntime", "ocr", "text_detector='rapidocr'").RapidOCR
    return RapidOCR(
        use_cls=False,
        det_limit_side_len=WORK_HEIGHT,
        intra_op_num_threads=1,
        inter_op_num_threads=1,
        print_verbose=False,
    )


def ocr_text_lines(rgb: np.ndarray, min_score: float = 0.7) -> list[tuple[tuple[int, int, int, int], str]]:
    """Recognised text lines of an RGB uint8 frame as ((x, y, w, h) in input pixels, text).

    Dropped: lines whose recognition confidence is below ``min_score``, with no letter/digit, or taller
    than ``MAX_LINE_HEIGHT`` of the frame (on synthetic video a moving shape a third of the frame high
    reads as one CJK glyph at 0.6-0.8 confidence; subtitle lines are ~4-8 % of the height)."""
    import cv2

    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError(f"ocr_text_lines expects an RGB uint8 [H, W, 3] frame, got {rgb.dtype} {rgb.shape}")
    H0, W0 = rgb.shape[:2]
    s = min(1.0, WORK_HEIGHT / H0)
    img = cv2.resize(rgb, (max(8, round(W0 * s)), max(8, round(H0 * s))), interpolation=cv2.INTER_AREA)
    result, _ = _engine()(np.ascontiguousarray(img[..., ::-1]))  # RapidOCR takes BGR
    out = []
    for quad, text, score in result or []:
        text = str(text).strip()
        q = np.asarray(quad, np.float64) / s
        x0, y0 = np.clip(q.min(axis=0), 0, None)
        x1, y1 = np.minimum(q.max(axis=0), (W0, H0))
        if float(score) < min_score or not any(ch.isalnum() for ch in text) or y1 - y0 > MAX_LINE_HEIGHT * H0:
            continue
        out.append(((int(x0), int(y0), max(1, int(x1 - x0)), max(1, int(y1 - y0))), text))
    return out
