"""Process groups from torchrun's environment, FSDP2 wrapping, and sequence-parallel groups.

Launch with plain ``torchrun`` (``--nnodes N --nproc-per-node G``): this module only reads RANK,
WORLD_SIZE and LOCAL_RANK. NCCL on CUDA, gloo on CPU (tests). With ``sp`` > 1, consecutive ranks form a
sequence-parallel group that shares one sample (Ulysses inside the DiT); data parallelism runs across
groups (``dp_rank = rank // sp``). FSDP2 shards every block over all ranks.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import torch
import torch.distributed as dist
from torch import nn

__all__ = [
    "DistInfo",
    "all_reduce_mean",
    "apply_fsdp",
    "barrier",
    "cleanup",
    "finish_worker",
    "init_distributed",
]

_OWN_GROUP = False  # True once init_distributed created the default process group in this process


@dataclass
class DistInfo:
    rank: int = 0
    world_size: int = 1
    local_rank: int = 0
    device: torch.device = field(default_factory=lambda: torch.device("cpu"))
    sp: int = 1
    sp_group: Any = None
    mesh: Any = None

    @property
    def dp_rank(self) -> int:
        return self.rank // self.sp

    @property
    def dp_size(self) -> int:
        return self.world_size // self.sp

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        return self.world_size > 1


def init_distributed(sp: int = 1, device: str | None = None) -> DistInfo:
    """Initialise torch.distributed from torchrun's env vars (no-op for a single process)."""
    global _OWN_GROUP
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local = int(os.environ.get("LOCAL_RANK", "0"))
    use_cuda = torch.cuda.is_available() if device is None else device.startswith("cuda")
    dev = torch.device(f"cuda:{local}") if use_cuda else torch.device("cpu")
    if use_cuda:
        torch.cuda.set_device(dev)
    if world % sp:
        raise ValueError(f"parallel.sp={sp} must divide the world size {world}")
    info = DistInfo(rank, world, local, dev, sp)
    if world == 1:
        return info
    if not dist.is_initialized():
        dist.init_process_group("nccl" if use_cuda else "gloo", device_id=dev if use_cuda else None)
        _OWN_GROUP = True
    from torch.distributed.device_mesh import init_device_mesh

    info.mesh = init_device_mesh(dev.type, (world,), mesh_dim_names=("fsdp",))
    if sp > 1:
        for start in range(0, world, sp):  # every rank must take part in creating every group
            g = dist.new_group(list(range(start, start + sp)))
            if start <= rank < start + sp:
                info.sp_group = g
    return info


def apply_fsdp(
    model: nn.Module,
    info: DistInfo,
    blocks: Iterable[nn.Module],
    param_dtype: torch.dtype | None,
    reshard_after_forward: bool = True,
) -> nn.Module:
    """FSDP2: shard each transformer block, then the root (embedders / final layer).

    ``param_dtype`` (e.g. bf16) is the compute dtype of gathered parameters; gradients are reduced in fp32
    and master weights stay fp32 on each rank's shard.
    """
    from torch.distributed.fsdp import MixedPrecisionPolicy, fully_shard

    mp = (
        MixedPrecisionPolicy(param_dtype=param_dtype, reduce_dtype=torch.float32)
        if param_dtype
        else MixedPrecisionPolicy()
    )
    for block in blocks:
        fully_shard(block, mesh=info.mesh, mp_policy=mp, reshard_after_forward=reshard_after_forward)
    fully_shard(model, mesh=info.mesh, mp_policy=mp, reshard_after_forward=reshard_after_forward)
    return model


def barrier() -> None:
    if dist.is_available() and dist.is_initialized():
        dist.barrier()


def all_reduce_mean(value: torch.Tensor) -> torch.Tensor:
    if dist.is_available() and dist.is_initialized():
        value = value.clone()
        dist.all_reduce(value)
        value /= dist.get_world_size()
    return value


def cleanup() -> None:
    """Destroy the process groups (error paths: no barrier, since a peer may already be gone)."""
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()


def finish_worker(code: int = 0) -> int:
    """End a successful run. A torchrun worker whose process group :func:`init_distributed` created waits
    for every rank, destroys the groups and leaves with ``os._exit(code)``; otherwise returns ``code``.

    Why not a normal interpreter exit: ``destroy_process_group`` does not stop the backend's native threads
    (gloo: two ``pt_gloo_runloop`` workers and the ``gloo_tcp_loop``). DTensor's process-wide sharding
    and redistribution caches keep the ``DeviceMesh``, and through it the ``ProcessGroupGloo``, alive
    after the trainer is gone (``gc.collect()`` does not free it), so those threads were only torn down
    during interpreter finalization and C++ static destruction, in no defined order. Now and then a rank
    that had finished all its work died there with "terminate called without an active exception". Here
    every file is closed and, after the barrier, no rank is inside a collective, so skipping finalization
    loses nothing and removes that window.
    """
    if not (_OWN_GROUP and dist.is_available() and dist.is_initialized()):
        return code
    dist.barrier()  # no rank leaves while a peer may still be exchanging data with it
    dist.destroy_process_group()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
