"""Data parallelism for the bundled recipe's small models: one process per GPU (``torchrun``), replicated
weights, one gradient all-reduce per step.

Process groups, ``barrier`` and ``all_reduce_mean`` come from :mod:`stepvid.train.distributed` (``DistInfo``).
The models are tiny (~10 M parameters), so FSDP's per-block collectives would cost more than they save;
averaging one flat gradient buffer is a single NCCL call (~0.1 ms on NVLink). Without ``torchrun``
everything degrades to a single process.
"""

from __future__ import annotations

import torch
import torch.distributed as dist

from stepvid.train.distributed import DistInfo


def average_gradients(params: list[torch.nn.Parameter], d: DistInfo) -> None:
    """Average ``.grad`` over ranks in one collective (missing grads count as zero)."""
    if not d.distributed:
        return
    grads = [p.grad if p.grad is not None else torch.zeros_like(p) for p in params]
    flat = torch.cat([g.reshape(-1).float() for g in grads])
    dist.all_reduce(flat)
    flat /= d.world_size
    at = 0
    for p, g in zip(params, grads):
        n = g.numel()
        if p.grad is None:
            p.grad = g
        p.grad.copy_(flat[at : at + n].view_as(g))
        at += n


def broadcast_parameters(module: torch.nn.Module, d: DistInfo) -> None:
    """Make every rank start from rank 0's weights."""
    if not d.distributed:
        return
    for t in list(module.parameters()) + list(module.buffers()):
        dist.broadcast(t.data, src=0)


def agree(value: float, d: DistInfo) -> float:
    """Rank 0's ``value`` on every rank (stop flags, fitted step counts: host decisions all ranks must share)."""
    if not d.distributed:
        return value
    t = torch.tensor([value], dtype=torch.float64, device=d.device)
    dist.broadcast(t, src=0)
    return float(t)

