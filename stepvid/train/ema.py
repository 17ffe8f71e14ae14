"""Exponential moving average of trainable weights, and checkpoint averaging (report §3.1, SFT).

Both work on whatever tensors the model holds, so under FSDP2 they act on each rank's shard.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import torch
from torch import nn

__all__ = ["EMA", "average_weights"]


class EMA:
    """``ema = decay · ema + (1 − decay) · param`` in fp32, after each optimizer step."""

    def __init__(self, model: nn.Module, decay: float) -> None:
        self.decay = decay
        self.shadow = {n: p.detach().float().clone() for n, p in model.named_parameters() if p.requires_grad}

    @torch.no_grad()
    def update(self, model: nn.Module) -> None:
        pairs = [(self.shadow[n], p.detach().float()) for n, p in model.named_parameters() if n in self.shadow]
        # one multi-tensor kernel per dtype group instead of a launch per parameter
        torch._foreach_lerp_([s for s, _ in pairs], [p for _, p in pairs], 1.0 - self.decay)


def average_weights(
    paths: Sequence[str | os.PathLike],
    out: str | os.PathLike,
    weights: Sequence[float] | None = None,
    dtype: torch.dtype | None = None,
) -> Path:
    """Average safetensors weight files key by key in fp32 (report: average SFT checkpoints).

    All inputs must share keys and shapes; integer tensors must agree and are copied.
    """
    from safetensors import safe_open
    from safetensors.torch import save_file

    from stepvid.video import atomic_path

    if len(paths) < 2:
        raise ValueError("average: give at least two checkpoints")
    w = [1.0 / len(paths)] * len(paths) if weights is None else [float(x) / sum(weights) for x in weights]
    files = [_weights_file(p) for p in paths]
    handles = [safe_open(str(f), framework="pt") for f in files]
    keys = set(handles[0].keys())
    for f, h in zip(files[1:], handles[1:]):
        if set(h.keys()) != keys:
            diff = sorted(keys.symmetric_difference(h.keys()))[:5]
            raise ValueError(f"average: {f} has different keys from {files[0]} (e.g. {diff})")
    out_t = {}
    for k in sorted(keys):
        ts = [h.get_tensor(k) for h in handles]
        for f, t in zip(files, ts):
            if t.shape != ts[0].shape:
                raise ValueError(f"average: {k}: shape {tuple(t.shape)} in {f} != {tuple(ts[0].shape)}")
        if ts[0].is_floating_point():
            acc = sum(wi * t.float() for wi, t in zip(w, ts))
            out_t[k] = acc.to(dtype or ts[0].dtype).contiguous()
        else:
            if any(not torch.equal(t, ts[0]) for t in ts[1:]):
                raise ValueError(f"average: integer tensor {k} differs between checkpoints")
            out_t[k] = ts[0]
    with atomic_path(out) as tmp:
        save_file(out_t, str(tmp))
    return Path(out)


def _weights_file(path: str | os.PathLike) -> Path:
    path = Path(path)
    if path.is_file():
        return path
    for name in ("ema.safetensors", "model.safetensors", "model-rank00000.safetensors"):
        if (path / name).exists():
            return path / name
    raise FileNotFoundError(
        f"average: no weights file in {path} (expected a .safetensors file or a folder with "
        "ema.safetensors / model.safetensors)"
    )
