"""The one interface the pipeline and trainers use for text conditioning.

Step-Video conditions its DiT on two token streams: a long causal-LM stream (Step-LLM, 320 tokens,
right-padded, with a mask) and a short bidirectional stream (Hunyuan-CLIP, 77 tokens, always fully
attended). Any encoder that yields both streams plugs in; the released pair and the project's small
bilingual encoder both implement :class:`TextEncoder`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import torch


@dataclass
class TextEmbeddings:
    """Encoded prompts, batch-first.

    llm:      [B, L, D_llm]  causal-LM stream (Step-LLM: L=320, D=6144)
    llm_mask: [B, L]         1 on valid tokens (a right-padded prefix), 0 on padding; integer or bool
    clip:     [B, 77, D_clip] bidirectional stream (Hunyuan-CLIP: D=1024); all positions attended
    """

    llm: torch.Tensor
    llm_mask: torch.Tensor
    clip: torch.Tensor

    def __post_init__(self) -> None:
        b, l = self.llm.shape[:2]
        if self.llm.ndim != 3 or self.clip.ndim != 3:
            raise ValueError(f"llm and clip states must be [B, L, D]; got {tuple(self.llm.shape)}, {tuple(self.clip.shape)}")
        if tuple(self.llm_mask.shape) != (b, l):
            raise ValueError(f"llm_mask must be [B, L] = {(b, l)}; got {tuple(self.llm_mask.shape)}")
        if self.clip.shape[0] != b:
            raise ValueError(f"clip batch {self.clip.shape[0]} != llm batch {b}")

    def to(self, device=None, dtype=None) -> TextEmbeddings:
        """Move states (and the mask's device) — the mask keeps its integer dtype."""
        return TextEmbeddings(
            self.llm.to(device=device, dtype=dtype),
            self.llm_mask.to(device=device),
            self.clip.to(device=device, dtype=dtype),
        )

    @staticmethod
    def cat(items: list[TextEmbeddings]) -> TextEmbeddings:
        return TextEmbeddings(
            torch.cat([t.llm for t in items]),
            torch.cat([t.llm_mask for t in items]),
            torch.cat([t.clip for t in items]),
        )

    def cross_attention_mask(self) -> torch.Tensor:
        """[B, 77 + L] mask in the DiT's order: CLIP positions (all ones) first, then the LLM mask."""
        ones = torch.ones(self.clip.shape[:2], dtype=self.llm_mask.dtype, device=self.llm_mask.device)
        return torch.cat([ones, self.llm_mask], dim=1)


@runtime_checkable
class TextEncoder(Protocol):
    """Turns prompts into :class:`TextEmbeddings`. Implementations are frozen at generation time."""

    llm_dim: int
    clip_dim: int

    def encode(self, prompts: list[str], device: torch.device | str | None = None) -> TextEmbeddings:
        ...
