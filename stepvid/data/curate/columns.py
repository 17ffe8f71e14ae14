"""The columns each curation stage adds to a clip row, with their types.

One declaration serves two purposes: filter expressions are checked against it before any video is
decoded (an unknown column or a type error fails in milliseconds, not after the whole corpus), and a test
compares it with the columns a real run writes, so it cannot drift from the stages.
"""

from __future__ import annotations

from typing import Any

from stepvid.data.curate.config import CurateConfig

# every row, from the merge
ROW: dict[str, type] = {
    "clip_id": str,
    "path": str,
    "kind": str,
    "source": str,
    "fps": float,
    "width": int,
    "height": int,
}
STAGE_COLUMNS: dict[str, dict[str, type]] = {
    "split": {
        "shot": int,
        "part": int,
        "start_frame": int,
        "end_frame": int,
        "num_frames": int,
        "start_time": float,
        "end_time": float,
        "duration": float,
    },
    "tags": {
        "blur_var": float,
        "blur_ratio": float,
        "is_blurry": bool,
        "saturation_mean": float,
        "saturation_max": float,
        "saturation_min": float,
        "brightness": float,
        "has_black_border": bool,
        "crop_top": int,
        "crop_bottom": int,
        "crop_left": int,
        "crop_right": int,
        "text_frames": int,
        "text_area": float,
        "has_subtitle": bool,
        "text_band": str,
        "aesthetic": float,
        "motion_mean": float,
        "motion_max": float,
        "motion_min": float,
        "motion_peak": float,
        "shake": float,
        "frame_diff": float,
        "is_static": bool,
        "is_shaky": bool,
        "is_undersaturated": bool,
        "is_oversaturated": bool,
        "phash": list,
        "embedding": list,
        "has_watermark": bool,
        "watermark_corner": str,
        "watermark_score": float,
    },
    "dedup": {"is_duplicate": bool, "dup_of": str, "dup_distance": float},
    "balance": {"cluster": int, "cluster_cnt": int, "center_sim": float, "balance_keep": bool},
}
OCR_COLUMNS: dict[str, type] = {"ocr_text": str}  # tags with text_detector=rapidocr
# written after the filter stage ran: captions are made for kept clips only, to spend VLM calls on them
AFTER_FILTER: dict[str, type] = {"keep": bool, "drop_reason": str, "caption": str, "captions": dict}
NULLABLE = frozenset({"dup_distance", "center_sim"})  # None where the stage found no value


def filter_columns(stages: tuple[str, ...], cfg: CurateConfig) -> dict[str, type]:
    """The columns a ``--filter`` expression may use in a run of ``stages``, with their types."""
    cols = dict(ROW)
    for stage in stages:
        cols.update(STAGE_COLUMNS.get(stage, {}))
    if "tags" in stages and cfg.text_detector == "rapidocr":
        cols.update(OCR_COLUMNS)
    return cols


def missing_hint(unknown: set[str], stages: tuple[str, ...]) -> str:
    """Why known columns are missing from a run, as ' (...)'; '' for names no stage makes."""
    if unknown & set(AFTER_FILTER):
        return (
            " (captions are made after filtering, for kept clips only; filter on them afterwards with "
            "`stepvid curate filter OUT/clips.parquet`)"
        )
    if unknown & set(OCR_COLUMNS) and "tags" in stages:
        return " (made by the OCR text detector: --set text_detector=rapidocr)"
    made_by = {s for s, cols in STAGE_COLUMNS.items() if unknown & set(cols)}
    made_by |= {"tags"} if unknown & set(OCR_COLUMNS) else set()
    off = [s for s in STAGE_COLUMNS if s in made_by - set(stages)]
    return f" (made by stage {', '.join(off)}, which is not in the stages of this run)" if off else ""


_SAMPLE: dict[type, Any] = {float: 1.0, int: 1, bool: False, str: "", list: [], dict: {}}


def sample_row(columns: dict[str, type]) -> dict[str, Any]:
    """A row with a plain value of each column's type, to surface type errors in a filter before a run."""
    return {k: _SAMPLE[t] for k, t in columns.items()}
