"""A complete tiny, randomly initialised Step-Video checkpoint folder in the official layout, for tests.

``write_tiny_checkpoint(root)`` writes::

    root/model_index.json                 official pipeline/component class names
    root/transformer/config.json          official StepVideoModel field names (2 layers, 2 heads x 128)
    root/transformer/diffusion_pytorch_model-0000{1,2}-of-00002.safetensors + ….safetensors.index.json
    root/vae/vae_v2.safetensors           the ``tiny`` VAE v2 in released key naming (``decoder.conv_out.weight``)
    root/step_llm/, root/hunyuan_clip/    via :func:`stepvid.testing.text_fixtures.write_tiny_text_encoders`

The DiT's weights are random with non-zero output layers (a freshly initialised DiT predicts exactly zero,
which would hide bugs), so different seeds or prompts give different videos. Deterministic per seed; ~1 s.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import torch

from stepvid.checkpoints import save_sharded_safetensors

__all__ = ["TINY_DIT_CONFIG", "TinyCheckpoint", "write_tiny_checkpoint"]

# Released field names (spec §2.1); sizes as in golden/configs.json, with 4 latent channels for the tiny VAE.
TINY_DIT_CONFIG = {
    "_class_name": "StepVideoModel",
    "num_attention_heads": 2,
    "attention_head_dim": 128,
    "in_channels": 4,
    "out_channels": 4,
    "num_layers": 2,
    "dropout": 0.0,
    "patch_size": 1,
    "norm_type": "ada_norm_single",
    "norm_elementwise_affine": False,
    "norm_eps": 1e-6,
    "use_additional_conditions": False,
    "caption_channels": [96, 48],  # tiny Step-LLM hidden size, tiny CLIP hidden size
    "attention_type": "parallel",
}
MODEL_INDEX = {
    "_class_name": "StepVideoPipeline",
    "scheduler": ["stepvideo.diffusion.scheduler", "FlowMatchDiscreteScheduler"],
    "transformer": ["stepvideo.modules.model", "StepVideoModel"],
}


@dataclass(frozen=True)
class TinyCheckpoint:
    root: Path
    dit_config: dict
    vae_preset: str = "tiny"


def _random_dit_state(config: dict, gen: torch.Generator) -> dict[str, torch.Tensor]:
    from stepvid.models.dit import StepVideoDiT
    from stepvid.pipeline import dit_config_from_json

    with torch.device("meta"):
        shapes = {k: v.shape for k, v in StepVideoDiT(dit_config_from_json(config)).state_dict().items()}
    state = {}
    for key, shape in shapes.items():
        if key.endswith(("norm1.weight", "norm2.weight", "q_norm.weight", "k_norm.weight")):
            t = 1.0 + 0.1 * torch.randn(shape, generator=gen)
        elif len(shape) == 1 and key.endswith(".bias"):
            t = 0.02 * torch.randn(shape, generator=gen)
        else:
            fan_in = shape[1] if len(shape) > 1 else shape[-1]
            t = torch.randn(shape, generator=gen) / max(fan_in, 1) ** 0.5
        state[key] = t.to(torch.bfloat16)
    return state


def write_tiny_checkpoint(root: str | os.PathLike, seed: int = 0, ti2v: bool = False) -> TinyCheckpoint:
    """Write the tiny checkpoint folder under ``root`` (created if missing); see the module docstring.
    ``ti2v``: the Step-Video-TI2V layout (``use_additional_conditions``: condition channels, motion score)."""
    from stepvid.models.vae import VideoVAE
    from stepvid.testing.text_fixtures import write_tiny_text_encoders

    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    gen = torch.Generator().manual_seed(seed)

    config = {**TINY_DIT_CONFIG, "use_additional_conditions": ti2v}
    tdir = root / "transformer"
    tdir.mkdir(exist_ok=True)
    (tdir / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    state = _random_dit_state(config, gen)
    total = sum(t.numel() * t.element_size() for t in state.values())
    written = save_sharded_safetensors(
        state,
        tdir,
        max_shard_bytes=total // 2 + 1,
        index_name="diffusion_pytorch_model.safetensors.index.json",
    )
    if len(written) < 3:
        raise RuntimeError(f"expected 2+ transformer shards and an index; wrote {[p.name for p in written]}")

    with torch.random.fork_rng(devices=[]):  # VideoVAE initialises from the global RNG; leave it untouched
        torch.manual_seed(seed)
        vae = VideoVAE.from_preset("tiny")
    vae.to(torch.bfloat16).save_pretrained(root / "vae" / "vae_v2.safetensors")  # released files are bf16

    write_tiny_text_encoders(root, seed=seed)
    (root / "model_index.json").write_text(json.dumps(MODEL_INDEX, indent=2) + "\n")
    return TinyCheckpoint(root, config)


SMALL_TEXT_DIMS = (32, 24)  # (llm_dim, clip_dim) of the tiny small-encoder folder


def write_tiny_small_model(
    root: str | os.PathLike, seed: int = 0, defaults: dict | None = None, corpus: list[str] | None = None,
    image_conditioned: bool = False, motion_score: bool = False,
) -> Path:
    """A tiny random model folder described by ``stepvid.json`` that needs only the core dependencies: the
    small bilingual text encoder instead of Step-LLM + Hunyuan-CLIP (no SentencePiece, no transformers).

    Used by ``stepvid generate`` when no trained model is available, and by tests of the stepvid.json layout.
    Its tokenizer is open-vocabulary like the shipped model's (the corpus's words, then 32 byte-level merges).
    ``image_conditioned``: an image-to-video DiT (first-frame condition channels); ``motion_score``: with a
    motion-score embedder; its output layers are then random too (a fresh DiT predicts zero), so the image and
    the motion score reach the video.
    """
    from stepvid.models.dit import StepVideoDiT, dit_config
    from stepvid.models.text.small import ByteBPETokenizer, SmallBilingualEncoder, SmallTextConfig, WordCharTokenizer
    from stepvid.models.vae import VideoVAE

    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    llm_dim, clip_dim = SMALL_TEXT_DIMS
    with torch.random.fork_rng(devices=[]):  # the modules initialise from the global RNG; leave it untouched
        torch.manual_seed(seed)
        texts = corpus or ["a red circle moves to the right", "一个红色的圆向右移动"]
        tok = ByteBPETokenizer.train(texts, WordCharTokenizer.build(texts).vocab, 32, min_count=1)
        cfg = SmallTextConfig(
            vocab_size=len(tok), llm_dim=llm_dim, llm_layers=1, llm_heads=2, llm_len=16,
            clip_dim=clip_dim, clip_layers=1, clip_heads=2,
        )
        SmallBilingualEncoder(cfg, tok).save_pretrained(root / "text_encoder")
        dit_kw = {"in_channels": 8 if image_conditioned else 4, "out_channels": 4,
                  "caption_channels": [llm_dim, clip_dim], "motion_score_embedder": motion_score}
        dit = StepVideoDiT(dit_config("tiny", **dit_kw))
        if image_conditioned:
            with torch.no_grad():  # non-zero output layers: the condition must reach the video
                for name in ("proj_out.weight", "scale_shift_table"):
                    t = dit.get_parameter(name)
                    t.copy_(torch.randn(t.shape) * 0.05)
        vae = VideoVAE.from_preset("tiny")
    tdir = root / "transformer"
    tdir.mkdir(exist_ok=True)
    (tdir / "config.json").write_text(
        json.dumps({"num_layers": 2, "num_attention_heads": 2, "attention_head_dim": 128, **dit_kw}) + "\n"
    )
    save_sharded_safetensors(dit.state_dict(), tdir)
    vae.save_pretrained(root / "vae" / "vae_v2.safetensors")
    description = {
        "text_encoder": {"class": "stepvid.models.text.small:SmallBilingualEncoder", "path": "text_encoder"},
        "vae": {"config": "tiny"},
    }
    if defaults is not None:
        description["defaults"] = defaults
    (root / "stepvid.json").write_text(json.dumps(description, indent=2) + "\n")
    return root
