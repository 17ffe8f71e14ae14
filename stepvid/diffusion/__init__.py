"""stepvid.diffusion: the flow-matching path and sampler (tensors and velocity functions; no model classes)."""

from stepvid.diffusion.sampler import (
    NEGATIVE_PROMPT,
    POSITIVE_SUFFIX,
    SAMPLER_PRESETS,
    SamplerConfig,
    cfg_schedule,
    flow_schedule,
    initial_noise,
    sample_euler,
    sampler_preset,
)

__all__ = [
    "NEGATIVE_PROMPT",
    "POSITIVE_SUFFIX",
    "SAMPLER_PRESETS",
    "SamplerConfig",
    "cfg_schedule",
    "flow_schedule",
    "initial_noise",
    "sample_euler",
    "sampler_preset",
]
