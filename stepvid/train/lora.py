"""LoRA on the DiT's linear layers: W x + (alpha / r) · B A x, with merge / unmerge and LoRA-only saving.

:class:`LoRALinear` is an ``nn.Linear`` that keeps the original ``weight`` (and key name) and adds
``lora_A`` [r, in] and ``lora_B`` [out, r]; B starts at zero so the wrapped model is unchanged at step 0.
Only LoRA parameters train; :func:`lora_state_dict` is what a LoRA checkpoint stores.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["LoRALinear", "apply_lora", "lora_disabled", "lora_state_dict", "merge_lora", "unmerge_lora"]


class LoRALinear(nn.Linear):
    def __init__(self, base: nn.Linear, rank: int, alpha: float | None = None, dropout: float = 0.0) -> None:
        nn.Module.__init__(self)
        self.in_features, self.out_features = base.in_features, base.out_features
        self.weight, self.bias = base.weight, base.bias
        self.weight.requires_grad_(False)
        if self.bias is not None:
            self.bias.requires_grad_(False)
        self.rank, self.scale = rank, (alpha if alpha is not None else rank) / rank
        dev = base.weight.device
        self.lora_A = nn.Parameter(torch.empty(rank, self.in_features, device=dev, dtype=torch.float32))
        self.lora_B = nn.Parameter(torch.zeros(self.out_features, rank, device=dev, dtype=torch.float32))
        self.reset_lora()
        self.dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()
        self.merged = False
        self.enabled = True

    @torch.no_grad()
    def reset_lora(self) -> None:
        """A ~ Kaiming-uniform, B = 0: the wrapped layer starts as the base layer."""
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        nn.init.zeros_(self.lora_B)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.linear(x, self.weight, self.bias)
        if self.merged or not self.enabled:
            return out
        a, b = self.lora_A.to(x.dtype), self.lora_B.to(x.dtype)
        return out + F.linear(F.linear(self.dropout(x), a), b) * self.scale

    def delta(self) -> torch.Tensor:
        return (self.lora_B.float() @ self.lora_A.float()) * self.scale

    @torch.no_grad()
    def merge(self) -> None:
        if not self.merged:
            self.weight.add_(self.delta().to(self.weight.dtype))
            self.merged = True

    @torch.no_grad()
    def unmerge(self) -> None:
        if self.merged:
            self.weight.sub_(self.delta().to(self.weight.dtype))
            self.merged = False


def apply_lora(
    model: nn.Module, rank: int, targets: Iterable[str], alpha: float | None = None, dropout: float = 0.0
) -> list[str]:
    """Freeze ``model`` and wrap every ``nn.Linear`` whose qualified name ends with one of ``targets``.

    Returns the wrapped names; raises if none matched (a typo in ``targets`` must not train nothing).
    """
    targets = tuple(targets)
    for p in model.parameters():
        p.requires_grad_(False)
    wrapped = []
    for name, module in list(model.named_modules()):
        for cname, child in list(module.named_children()):
            full = f"{name}.{cname}" if name else cname
            if isinstance(child, nn.Linear) and not isinstance(child, LoRALinear) and full.endswith(targets):
                setattr(module, cname, LoRALinear(child, rank, alpha, dropout))
                wrapped.append(full)
    if not wrapped:
        raise ValueError(f"lora: no nn.Linear matches targets {list(targets)}")
    return wrapped


@contextmanager
def lora_disabled(model: nn.Module) -> Iterator[None]:
    """The base model inside the block: every unmerged adapter is skipped (Video-DPO's frozen reference
    without a second copy of the weights)."""
    mods = [m for m in model.modules() if isinstance(m, LoRALinear)]
    for m in mods:
        if m.merged:
            raise ValueError("lora_disabled: unmerge the adapters first (merged weights include them)")
        m.enabled = False
    try:
        yield
    finally:
        for m in mods:
            m.enabled = True


def lora_state_dict(model: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v for k, v in model.state_dict().items() if ".lora_A" in k or ".lora_B" in k}


def merge_lora(model: nn.Module) -> None:
    for m in model.modules():
        if isinstance(m, LoRALinear):
            m.merge()


def unmerge_lora(model: nn.Module) -> None:
    for m in model.modules():
        if isinstance(m, LoRALinear):
            m.unmerge()
