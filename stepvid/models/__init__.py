"""stepvid.models. Attention dispatch: ``from stepvid.models.attention import attention``."""

from .attention import set_attention_backend
from .dit import (
    DIT_PRESETS,
    DiTConfig,
    StepVideoDiT,
    dit_config,
    dit_key_shapes,
    dit_num_parameters,
    estimate_flops,
    flops_per_token,
)
from .vae import VAE_PRESETS, VAEConfig, VideoVAE

__all__ = [
    "DIT_PRESETS",
    "VAE_PRESETS",
    "DiTConfig",
    "StepVideoDiT",
    "VAEConfig",
    "VideoVAE",
    "dit_config",
    "dit_key_shapes",
    "dit_num_parameters",
    "estimate_flops",
    "flops_per_token",
    "set_attention_backend",
]
