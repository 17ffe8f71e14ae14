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

    def update(self, **overrides: Any) -> CurateConfig:
        """Set fields from strings or values (``--set key=value``), then check every value (``validate``)."""
        kinds = _kinds()
        for k, v in overrides.items():
            if k not in kinds:
                raise ValueError(f"unknown curation setting {k!r}; known: {', '.join(sorted(kinds))}")
            setattr(self, k, _convert(k, v, kinds[k]))
        return self.validate()

    def validate(self) -> CurateConfig:
        """Refuse values the stages cannot use (a NaN, a negative length, min above max), naming the key."""
        import math

        for k, (lo, hi) in _BOUNDS.items():
            v = getattr(self, k)
            if not isinstance(v, (int, float)) or isinstance(v, bool):
                raise ValueError(f"curation setting {k}={v!r}: expected a number")  # noqa: TRY004 - CLI: exit 2
            if isinstance(v, float) and not math.isfinite(v):
                raise ValueError(f"curation setting {k}={v!r}: must be a finite number")
            if v < lo or v > hi:
                rng = f">= {lo}" if hi == math.inf else f"in [{lo}, {hi}]"
                raise ValueError(f"curation setting {k}={v!r}: must be {rng}")
        for lo, hi in (("min_seconds", "max_seconds"), ("saturation_low", "saturation_high")):
            if getattr(self, lo) > getattr(self, hi):
                raise ValueError(
                    f"curation settings {lo}={getattr(self, lo)!r} > {hi}={getattr(self, hi)!r}: "
                    f"{lo} must not exceed {hi}"
                )
        if self.text_min_frames > self.sample_frames:
            raise ValueError(
                f"curation setting text_min_frames={self.text_min_frames} > sample_frames={self.sample_frames}: "
                "has_subtitle could never be set"
            )
        from stepvid.data.curate.ocr import TEXT_DETECTORS

        if self.text_detector not in TEXT_DETECTORS:
            raise ValueError(
                f"unknown text_detector {self.text_detector!r}; expected one of {', '.join(TEXT_DETECTORS)}"
            )
        return self

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def input_settings(self) -> dict[str, Any]:
        """The settings per-input work (decode, split, tags, watermark) depends on: all but ``MERGE_ONLY``.

        Conservative by construction: a new field counts as per-input (its change recomputes the shards)
        unless it is listed in ``MERGE_ONLY``."""
        kinds = _kinds()
        return {k: kinds[k](v) for k, v in asdict(self).items() if k not in MERGE_ONLY}


def _kinds() -> dict[str, type]:
    """Each field's type, from its default (``min_seconds=1`` given as an int is still a float setting)."""
    return {f.name: type(f.default) for f in fields(CurateConfig)}


# used only by the whole-corpus stages of the merge (balance); changing them never recomputes an input
MERGE_ONLY = frozenset({"clusters", "cluster_cap", "min_center_sim"})

_INF = float("inf")
# (lowest, highest) allowed value per numeric field; every numeric field is listed (tested)
_BOUNDS: dict[str, tuple[float, float]] = {
    "analysis_width": (16, _INF),
    "max_bytes": (1, _INF),
    "max_frames": (2, _INF),
    "cut_ratio": (0, _INF),
    "cut_min_diff": (0, 255),
    "cut_window": (1, _INF),
    "gradual_gap": (1, _INF),
    "gradual_min_diff": (0, 255),
    "gradual_ratio": (0, _INF),
    "black_luma": (0, 255),
    "trim_frames": (0, _INF),
    "min_seconds": (0.001, _INF),  # > 0: a clip is at least one frame long
    "max_seconds": (0, _INF),
    "sample_frames": (2, _INF),
    "blur_ratio_max": (0, _INF),
    "border_luma": (0, 255),
    "border_min_fraction": (0, 0.5),
    "text_min_frames": (1, _INF),
    "ocr_min_score": (0, 1),
    "watermark_min_score": (-1, 1),
    "static_motion": (0, _INF),
    "static_peak": (0, _INF),
    "static_diff": (0, 255),
    "shake_score": (0, _INF),
    "saturation_low": (0, 255),
    "saturation_high": (0, 255),
    "dup_hamming": (0, 64),
    "clusters": (0, _INF),
    "cluster_cap": (0, _INF),
    "min_center_sim": (-1, 1),
}


def _convert(key: str, value: Any, kind: type) -> Any:
    """``value`` (often a ``--set`` string) as the field's type; an int also accepts an integral ``1e9``."""
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    text = str(value).strip()
    try:
        if kind is bool:
            low = text.lower()
            if low not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError
            return low in ("true", "1", "yes")
        if kind is int:
            f = float(text)
            if not f.is_integer():
                raise ValueError
            return int(f)
        return kind(text)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"curation setting {key}={value!r}: expected {kind.__name__}") from None
