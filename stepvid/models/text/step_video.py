"""The released Step-Video text encoders (Step-LLM + Hunyuan-CLIP) behind :class:`TextEncoder`.

``StepVideoTextEncoder.from_pretrained(root)`` reads the released checkpoint root::

    root/step_llm/      config.json, model-*.safetensors + model.safetensors.index.json, step1_chat_tokenizer.model
    root/hunyuan_clip/  clip_text_encoder/ and tokenizer/

Step-LLM is built on the meta device and filled shard by shard straight onto the target device and dtype
(peak host memory ≈ one shard). Hunyuan-CLIP always runs in fp32; both outputs are cast to ``dtype``.
"""

from __future__ import annotations

import os
from pathlib import Path

import torch
from torch import nn

from stepvid.checkpoints import load_sharded_safetensors, read_config_json
from stepvid.models.text.base import TextEmbeddings
from stepvid.models.text.hunyuan_clip import HunyuanCLIP
from stepvid.models.text.step_llm import StepLLM, StepLLMConfig
from stepvid.models.text.step_tokenizer import StepTokenizer

__all__ = ["STEP_LLM_TOKENIZER", "StepVideoTextEncoder", "load_step_llm"]

STEP_LLM_TOKENIZER = "step1_chat_tokenizer.model"


def load_step_llm(
    folder: str | os.PathLike,
    device: torch.device | str = "cpu",
    dtype: torch.dtype = torch.bfloat16,
    **overrides,
) -> StepLLM:
    """Frozen :class:`StepLLM` from a ``step_llm/`` folder; ``overrides`` go to :class:`StepLLMConfig`
    (e.g. ``position_bias="alibi"``)."""
    folder = Path(folder)
    cfg_file = folder / "config.json"
    raw = read_config_json(cfg_file, "Step-LLM config")
    try:
        cfg = StepLLMConfig.from_released(raw, **overrides)
    except ValueError as exc:
        raise ValueError(f"{cfg_file}: {exc}") from exc
    with torch.device("meta"):
        model = StepLLM(cfg)
    load_sharded_safetensors(model, folder, device=device, dtype=dtype, strict=True)
    return model.eval().requires_grad_(False)


class StepVideoTextEncoder(nn.Module):
    """Prompts → :class:`TextEmbeddings` (llm [B, 320, 6144], mask [B, 320], clip [B, 77, 1024]).

    Frozen and in eval mode. Move it with ``.to(device)`` only: Hunyuan-CLIP must stay fp32, so do not
    ``.to(dtype)`` the whole module; the output dtype is ``self.dtype``.
    """

    def __init__(self, llm: StepLLM, tokenizer: StepTokenizer, clip: HunyuanCLIP, dtype: torch.dtype = torch.bfloat16):
        super().__init__()
        if tokenizer.vocab_size > llm.cfg.padded_vocab_size:
            raise ValueError(
                f"tokenizer {tokenizer.path} has {tokenizer.vocab_size} pieces but the Step-LLM embedding table "
                f"has only {llm.cfg.padded_vocab_size} rows"
            )
        self.llm = llm
        self.tokenizer = tokenizer
        self.clip = clip
        self.dtype = dtype
        self.llm_dim = llm.cfg.hidden_size
        self.clip_dim = clip.hidden_size
        self.eval().requires_grad_(False)

    @classmethod
    def from_pretrained(
        cls,
        root: str | os.PathLike,
        device: torch.device | str = "cpu",
        dtype: torch.dtype = torch.bfloat16,
        max_length: int = 320,
        clip_max_length: int = 77,
        **llm_overrides,
    ) -> StepVideoTextEncoder:
        """Load both encoders from a released checkpoint root.

        dtype: Step-LLM weight dtype and the output dtype (CLIP computes in fp32 regardless).
        max_length: Step-LLM padded sequence length (320 in the release).
        llm_overrides: :class:`StepLLMConfig` fields, e.g. ``position_bias="none"``.
        """
        root = Path(root)
        llm_dir, clip_dir = root / "step_llm", root / "hunyuan_clip"
        for d in (llm_dir, clip_dir):
            if not d.is_dir():
                raise FileNotFoundError(f"text-encoder folder not found: {d}")
        # Cheap checks first, so a missing tokenizer fails before 40 GB of weights are read.
        tokenizer = StepTokenizer(llm_dir / STEP_LLM_TOKENIZER, max_length=max_length)
        clip = HunyuanCLIP.from_pretrained(clip_dir, device=device, max_length=clip_max_length)
        llm = load_step_llm(llm_dir, device=device, dtype=dtype, **llm_overrides)
        return cls(llm, tokenizer, clip, dtype=dtype)

    def overflow(self, prompt: str) -> dict[str, tuple[int, int]]:
        """The streams that would cut ``prompt``: ``{"llm": (pieces, kept), "clip": (word pieces, kept)}``
        with only the streams that cut it (empty when it fits). Step-LLM keeps ``max_length - 2`` pieces
        (318 of its 320 positions: BOS and EOS), Hunyuan-CLIP ``clip max_length - 2`` (75 of 77: [CLS],
        [SEP])."""
        counts = (
            ("llm", len(self.tokenizer.encode_text(prompt)), self.tokenizer.max_length - 2),
            ("clip", self.clip.count_tokens(prompt), self.clip.max_length - 2),
        )
        return {name: (total, room) for name, total, room in counts if total > room}

    @torch.no_grad()
    def encode(self, prompts: list[str], device: torch.device | str | None = None) -> TextEmbeddings:
        """Encode a batch of prompts. Outputs land on ``device`` (default: the Step-LLM's device)."""
        if isinstance(prompts, str):
            prompts = [prompts]
        if len(prompts) == 0:
            raise ValueError("encode() needs at least one prompt; got an empty list")
        ids, mask = self.tokenizer(prompts)
        llm_device = self.llm.tok_embeddings.word_embeddings.weight.device
        with torch.autocast(llm_device.type, enabled=False):  # dtypes are explicit; keep attention in fp32
            llm = self.llm(ids.to(llm_device)).to(self.dtype)
        clip = self.clip(prompts).to(self.dtype)
        out = torch.device(device) if device is not None else llm_device
        return TextEmbeddings(llm.to(out), mask.to(out), clip.to(out))
