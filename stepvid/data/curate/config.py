"""Every threshold of the curation pipeline in one dataclass (the report gives none; ours are documented
in docs/curation.md and measured by benchmarks/curate_accuracy.py)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any


@dataclass
class CurateConfig:
    # --- decoding
    analysis_width: int = 128  # width of the low-res copy used for cuts and optical flow
    max_bytes: int = 20 * 2**30  # larger inputs are recorded as failed ("huge file")
    max_frames: int = 200_000
    # --- 1. shot splitting
    cut_ratio: float = 3.0  # adaptive: frame difference / mean of its neighbours' (AdaptiveDetector's idea)
    cut_min_diff: float = 12.0  # and at least this mean |ΔLab| (0-255 scale) on the low-res frame
    cut_window: int = 2  # neighbours on each side for the adaptive ratio
    gradual_gap: int = 8  # dissolve/fade detector compares frames t-gap and t+gap
    gradual_min_diff: float = 10.0
    gradual_ratio: float = 2.0  # long-gap difference / the median around it
    black_luma: float = 12.0  # mean luma below this is a black frame (fades through black)
    trim_frames: int = 3  # dropped at both ends of every shot (report §6.2)
    min_seconds: float = 2.0
    max_seconds: float = 10.0  # longer shots are split into equal parts
    # --- 2. tags (8 uniformly sampled frames, report §6.2)
    sample_frames: int = 8
    blur_ratio_max: float = (
        0.58  # edge gradient kept after an extra blur (tags.blur_measures); higher = blurry
    )
    border_luma: float = 20.0  # rows/columns whose max luma is below this are border
    border_min_fraction: float = 0.02
    text_min_frames: int = 2  # a text line in at least this many of the sampled frames => has_subtitle
    text_detector: str = "heuristic"  # or "rapidocr" (optional extra `ocr`; see ocr.py, docs/curation.md)
    ocr_min_score: float = 0.7  # rapidocr: recognition confidence below this is not text
    watermark_min_score: float = 0.2  # logo-mask pixels present minus other corner pixels persistent
    static_motion: float = 0.01  # Motion_Mean (px/frame at analysis width) below this ...
    static_peak: float = 0.5  # ... and motion_peak (99.9th-percentile flow) below this ...
    static_diff: float = 12.0  # ... and frame_diff (colour levels) below this => static
    shake_score: float = 0.6  # mean |Δ global motion| (px/frame²) above this => camera shake
    saturation_low: float = 25.0
    saturation_high: float = 190.0
    dup_hamming: int = 16  # pHash Hamming distance (of 64 bits) for near-duplicate frames
    # --- 5. balancing
    clusters: int = 0  # 0 = about sqrt(n / 2)
    cluster_cap: int = 0  # 0 = no cap
    min_center_sim: float = -1.0

    def update(self, **overrides: Any) -> "CurateConfig":
        names = {f.name for f in fields(self)}
        for k, v in overrides.items():
            if k not in names:
                raise ValueError(f"unknown curation setting {k!r}; known: {', '.join(sorted(names))}")
            setattr(self, k, type(getattr(self, k))(v))
            if k == "text_detector":
                from stepvid.data.curate.ocr import TEXT_DETECTORS

                if self.text_detector not in TEXT_DETECTORS:
                    raise ValueError(
                        f"unknown text_detector {v!r}; expected one of {', '.join(TEXT_DETECTORS)}"
                    )
        return self

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
