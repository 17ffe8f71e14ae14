"""Process groups for multi-GPU inference: world N = cfg groups x Ulysses sequence-parallel groups.

Launch with ``torchrun --nproc-per-node N`` (or ``stepvid generate --gpus N``): :func:`init_process` reads
RANK / WORLD_SIZE / LOCAL_RANK, binds rank r to ``cuda:LOCAL_RANK`` and joins the default group (NCCL on
CUDA, gloo on the CPU). :class:`InferenceMesh` then cuts the world into

* ``cfg`` = 2 groups when classifier-free guidance is on and N is even (the conditional branch on one, the
  unconditional on the other), else 1;
* ``sp`` = N / cfg consecutive ranks per group, which split the video tokens (Ulysses all-to-all).

Rank r sits in cfg group ``r // sp`` at sequence position ``r % sp``; the ranks at the same position of the
two cfg groups exchange their branch's velocity once per step.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import torch
import torch.distributed as dist

__all__ = ["InferenceMesh", "init_process", "plan_mesh", "torchrun_world"]

DEFAULT_TIMEOUT_S = 1800.0  # a collective may wait this long for a peer (rank 0 loading Step-LLM, say)


def torchrun_world() -> int:
    """WORLD_SIZE when this process was started by torchrun (LOCAL_RANK set), else 1."""
    if "LOCAL_RANK" not in os.environ:
        return 1
    try:
        return int(os.environ.get("WORLD_SIZE", "1"))
    except ValueError:
        raise ValueError(f"WORLD_SIZE={os.environ['WORLD_SIZE']!r} is not an integer") from None


def plan_mesh(world: int, guided: bool = True, cfg_parallel: bool = True) -> tuple[int, int]:
    """``(cfg, sp)`` for ``world`` processes: cfg = 2 when guided, allowed and ``world`` is even, else 1."""
    if world < 1:
        raise ValueError(f"the world size must be >= 1; got {world}")
    cfg = 2 if guided and cfg_parallel and world % 2 == 0 else 1
    return cfg, world // cfg


def init_process(
    device: torch.device | str | None = None, timeout_s: float = DEFAULT_TIMEOUT_S
) -> tuple[int, int, torch.device]:
    """Join torchrun's default process group (no-op alone, or when it already exists); returns
    ``(rank, world, device)``. ``device``: "cpu" or "cuda" (default: CUDA when available); a CUDA rank
    uses ``cuda:LOCAL_RANK`` and NCCL, a CPU rank gloo."""
    if dist.is_available() and dist.is_initialized():
        rank, world = dist.get_rank(), dist.get_world_size()
    else:
        rank, world = int(os.environ.get("RANK", "0")), torchrun_world()
    local = int(os.environ.get("LOCAL_RANK", "0"))
    kind = (
        torch.device(device).type if device is not None else ("cuda" if torch.cuda.is_available() else "cpu")
    )
    if kind not in ("cpu", "cuda"):
        raise ValueError(f"multi-process inference runs on cpu or cuda devices; got {device!r}")
    if kind == "cuda":
        if local >= torch.cuda.device_count():
            raise ValueError(
                f"rank {rank} wants cuda:{local} but {torch.cuda.device_count()} CUDA device(s) are visible"
            )
        dev = torch.device("cuda", local)
        torch.cuda.set_device(dev)
    else:
        dev = torch.device("cpu")
    if world > 1 and not dist.is_initialized():
        dist.init_process_group(
            "nccl" if kind == "cuda" else "gloo",
            timeout=timedelta(seconds=timeout_s),
            device_id=dev if kind == "cuda" else None,
        )
    return rank, world, dev


@dataclass(frozen=True)
class InferenceMesh:
    """This rank's place in the cfg x sp mesh and the groups it communicates in (None for a size-1 group)."""

    rank: int
    world: int
    cfg: int
    sp: int
    device: torch.device
    sp_group: Any = None
    cfg_group: Any = None

    @property
    def cfg_rank(self) -> int:
        """Which cfg group (batch half) this rank computes."""
        return self.rank // self.sp

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def comm_device(self) -> torch.device:
        """Where tensors must be for a collective: the rank's GPU under NCCL, the CPU under gloo."""
        if self.world > 1 and dist.get_backend() == "nccl":
            return self.device
        return torch.device("cpu")

    def describe(self) -> str:
        if self.world == 1:
            return f"1 process on {self.device}"
        kind = "GPUs" if self.device.type == "cuda" else "CPU processes"
        return f"{self.world} {kind} (cfg {self.cfg} x sequence {self.sp})"

    @classmethod
    def build(
        cls,
        guided: bool = True,
        cfg_parallel: bool = True,
        device: torch.device | str | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> InferenceMesh:
        """Join the default group (:func:`init_process`) and create this world's cfg and sp groups. Every
        rank must call it with the same arguments (group creation is collective)."""
        rank, world, dev = init_process(device, timeout_s)
        cfg, sp = plan_mesh(world, guided, cfg_parallel)
        sp_group = cfg_group = None
        if sp > 1:
            for c in range(cfg):
                g = dist.new_group(list(range(c * sp, (c + 1) * sp)))
                if c == rank // sp:
                    sp_group = g
        if cfg > 1:
            for s in range(sp):
                g = dist.new_group([s + c * sp for c in range(cfg)])
                if s == rank % sp:
                    cfg_group = g
        return cls(rank, world, cfg, sp, dev, sp_group, cfg_group)
