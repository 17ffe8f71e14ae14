"""Step caching for the DiT in the sampler loop (first-block cache): an optional fast mode, quality cost
measured.

At every sampler step the DiT runs its first block. For each row of the batch (one sample in one CFG branch)
the first block's residual ``r = block0(x) - x`` is compared with the one of the row's last *fully computed*
step::

    change = sum |r - r_full| / sum |r_full|        (relative L1, over the row's tokens and channels)

If ``change < threshold`` the row skips blocks 1..N-1 and takes ``block0(x) + R``, where ``R`` is what those
blocks added at the last full step (their output minus their input); otherwise they run and both residuals are
refreshed. Rows decide separately, so a guided batch, ``cfg_split`` (one row per DiT call) and CFG-parallel
GPU groups make the same decisions; in a batch where rows disagree, the rows that compute run as a smaller
batch. ``change`` is against the last full step, not the previous one, so slow drift also ends a run of skips.
Steps ``< warmup`` and the last ``final`` steps are always computed; ``max_skips`` caps the skips in a row.
Under sequence parallelism the two sums are all-reduced over the group (padding tokens left out), so every
rank makes the single-process decision (up to the order of the summation).

Cost: two tensors of the block width per row are kept (at 204x544x992, 2 x 0.93 GB per row in bf16), and one
host read per DiT call decides. With threshold 0 (the default) none of this exists: the DiT runs its usual
loop. Measured quality cost and speed: docs/generate.md#step-caching.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import torch
import torch.distributed as dist
from torch import nn

__all__ = ["StepCache", "StepCacheConfig", "step_cache_config"]

# run(block, x, rows): the block on the batch rows ``rows`` of the DiT's conditioning (None = all rows).
BlockRunner = Callable[[nn.Module, torch.Tensor, "torch.Tensor | None"], torch.Tensor]


def _count(name: str, v: object, low: int) -> None:
    if isinstance(v, bool) or not isinstance(v, int) or v < low:
        raise ValueError(f"step cache {name} must be an integer >= {low}; got {v!r}")


@dataclass(frozen=True)
class StepCacheConfig:
    """When a row may reuse its cached blocks: ``threshold`` on the relative L1 change of the first block's
    residual (> 0), never at steps ``< warmup`` (>= 1: the first step has nothing cached) nor in the last
    ``final`` steps, and at most ``max_skips`` steps in a row (None: no cap)."""

    threshold: float
    warmup: int = 1
    final: int = 1
    max_skips: int | None = None

    def __post_init__(self) -> None:
        t = self.threshold
        if isinstance(t, bool) or not isinstance(t, (int, float)) or not math.isfinite(t) or t <= 0:
            raise ValueError(f"step cache threshold must be a finite number > 0 (0 turns caching off); "
                             f"got {t!r}")
        _count("warmup", self.warmup, 1)
        _count("final", self.final, 0)
        if self.max_skips is not None:
            _count("max_skips", self.max_skips, 1)


def step_cache_config(value: float | StepCacheConfig | None) -> StepCacheConfig | None:
    """``None`` or ``0`` -> None (off); a number -> ``StepCacheConfig(threshold=value)``; a config as is."""
    if value is None or isinstance(value, StepCacheConfig):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"step_cache must be a threshold (a number >= 0; 0 = off) or a StepCacheConfig; "
                         f"got {value!r}")
    if value == 0:
        return None
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"step cache threshold must be a finite number >= 0 (0 = off); got {value!r}")
    return StepCacheConfig(float(value))


@dataclass
class _Row:
    first: torch.Tensor  # block 0's residual at the last full step
    rest: torch.Tensor  # blocks 1..N-1: output minus input at the last full step
    skips: int = 0  # consecutive skipped steps


class StepCache:
    """The cache of one sampling run of ``steps`` steps. Call :meth:`next_step` once per sampler step, before
    its DiT call(s); the DiT calls :meth:`run_blocks` (``StepVideoDiT.forward(..., step_cache=...)``).

    ``computed[row]`` lists, per step the row was seen, whether its blocks ran (True) or were reused."""

    def __init__(self, config: StepCacheConfig | float, steps: int) -> None:
        self.config = config if isinstance(config, StepCacheConfig) else StepCacheConfig(config)
        _count("steps", steps, 1)
        self.steps, self.step = steps, -1
        self.computed: dict[int, list[bool]] = {}
        self._rows: dict[int, _Row] = {}

    def next_step(self) -> None:
        """Advance to the next sampler step (the first call starts step 0)."""
        if self.step + 1 >= self.steps:
            raise RuntimeError(f"step cache: all {self.steps} steps have run; use a new StepCache per "
                               "sampling run")
        self.step += 1

    # -- deciding ---------------------------------------------------------------------------------------
    def _eligible(self, row: int) -> bool:
        c, st = self.config, self._rows.get(row)
        return (
            st is not None
            and c.warmup <= self.step < self.steps - c.final
            and (c.max_skips is None or st.skips < c.max_skips)
        )

    @staticmethod
    def _real(first: torch.Tensor, group, tokens: int | None) -> torch.Tensor:
        """``first`` without the padding tokens of this rank's slice of the sequence (padding: at the end)."""
        if tokens is None or group is None or dist.get_world_size(group) == 1:
            return first
        n = first.shape[1]
        return first[:, : max(0, min(n, tokens - dist.get_rank(group) * n))]

    def _changes(self, first: torch.Tensor, rows: list[int], group) -> list[float]:
        """Relative L1 change of each row's first-block residual against its cached one (inf: no cache)."""
        sums = torch.zeros(2, len(rows), dtype=torch.float32, device=first.device)
        for i, r in enumerate(rows):
            if r in self._rows:
                prev = self._rows[r].first
                sums[0, i] = (first[i] - prev).abs().sum(dtype=torch.float32)
                sums[1, i] = prev.abs().sum(dtype=torch.float32)
        if group is not None and dist.get_world_size(group) > 1:
            dist.all_reduce(sums, group=group)
        num, den = sums.tolist()
        return [math.inf if r not in self._rows or d == 0 else a / d for r, a, d in zip(rows, num, den)]

    # -- the DiT's hook ---------------------------------------------------------------------------------
    def run_blocks(
        self,
        blocks: Iterable[nn.Module],
        x: torch.Tensor,
        run: BlockRunner,
        rows: torch.Tensor | None = None,
        group=None,
        tokens: int | None = None,
    ) -> torch.Tensor:
        """Hidden states [B, n, d] after the DiT's blocks, reusing cached blocks for the rows allowed to.

        ``rows``: each batch row's index in the sampler's batch (default 0..B-1; cfg_split calls pass their
        row). ``group``: the sequence-parallel group; ``tokens``: real tokens of the whole sequence (the
        rest is padding). ``blocks`` is consumed lazily and closed after block 0 when every row skips, so a
        block streamer copies nothing more for this call."""
        if self.step < 0:
            raise RuntimeError("step cache: call next_step() before the DiT")
        if torch.is_grad_enabled():
            raise RuntimeError("step caching is inference-only: run the model under torch.no_grad()")
        b = x.shape[0]
        ids = list(range(b)) if rows is None else [int(r) for r in rows.tolist()]
        if len(ids) != b:
            raise ValueError(f"step cache: {len(ids)} row ids for a batch of {b}")
        it = iter(blocks)
        try:
            x0 = x
            x = run(next(it), x0, None)
            first = self._real(x - x0, group, tokens)
            eligible = [self._eligible(r) for r in ids]
            skip = [False] * b
            if any(eligible):  # no host read while no row could skip (warm-up, last steps)
                changes = self._changes(first, ids, group)
                skip = [e and c < self.config.threshold for e, c in zip(eligible, changes)]
            for r, s in zip(ids, skip):
                self.computed.setdefault(r, []).append(not s)
            keep = [i for i in range(b) if not skip[i]]
            if not keep:
                return x + torch.stack([self._take(r) for r in ids])
            idx = None if len(keep) == b else torch.tensor(keep, device=x.device)
            y = x if idx is None else x[idx]
            y1 = y
            for block in it:
                y = run(block, y, idx)
        finally:
            close = getattr(it, "close", None)
            if close is not None:
                close()
        for j, i in enumerate(keep):
            self._rows[ids[i]] = _Row(first[i].clone(), y[j] - y1[j])  # clone: not a view of the batch
        if idx is None:
            return y
        out = torch.empty_like(x)
        out[idx] = y
        for i in range(b):
            if skip[i]:
                out[i] = x[i] + self._take(ids[i])
        return out

    def _take(self, row: int) -> torch.Tensor:
        st = self._rows[row]
        st.skips += 1
        return st.rest

    # -- reporting --------------------------------------------------------------------------------------
    def full_steps(self) -> dict[int, int]:
        """Steps each row computed fully (all blocks)."""
        return {r: sum(v) for r, v in sorted(self.computed.items())}

    @property
    def computed_fraction(self) -> float:
        """Fraction of (row, step) pairs whose blocks all ran; 1.0 before any step."""
        seen = sum(len(v) for v in self.computed.values())
        return 1.0 if not seen else sum(sum(v) for v in self.computed.values()) / seen

    def summary(self) -> str:
        """One line: how many steps were computed fully (a range over the rows when they differ)."""
        full = list(self.full_steps().values())
        n = max((len(v) for v in self.computed.values()), default=0)
        what = f"{full[0]}" if len(set(full)) == 1 else f"{min(full, default=0)}-{max(full, default=0)}"
        return f"step cache {self.config.threshold:g}: {what} of {n} steps computed fully"
