"""Length × aspect-ratio buckets and a batch sampler that yields one shape per batch (report §3.3).

A sample goes to the frame bucket with the most frames it can fill (images to 1-frame buckets) and, among
those, to the size with the closest aspect ratio (in log space). The sampler shuffles each bucket with a
generator seeded by (seed, epoch), cuts *global* batches (per-rank batch × world size) so that every rank
trains on the same shape each step and a 1-process run sees exactly the samples of an N-process run, and
hands each rank its slice. Its position is part of the checkpoint, so a resumed run continues the same order.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch

__all__ = ["Bucket", "BucketBatchSampler", "BucketScheme", "latent_tokens"]


def latent_tokens(
    num_frames: int,
    height: int,
    width: int,
    frames_per_chunk: int = 17,
    latents_per_chunk: int = 3,
    spatial: int = 16,
) -> int:
    """Video tokens of the released VAE + patch-1 DiT: F_lat = max(F // 17 * 3, 1) times (H/16)(W/16)."""
    f = max(num_frames // frames_per_chunk * latents_per_chunk, 1)
    return f * (height // spatial) * (width // spatial)


@dataclass(frozen=True)
class Bucket:
    num_frames: int
    height: int
    width: int
    batch_size: int = 1

    @property
    def name(self) -> str:
        return f"{self.num_frames}x{self.height}x{self.width}"

    @property
    def aspect(self) -> float:
        return self.height / self.width


@dataclass
class BucketScheme:
    """A set of buckets. Config form (all keys optional)::

    frames: [1, 68, 136, 204]            # 1 = images (and videos used as stills if videos_as_images)
    sizes: [[256, 256], [192, 320], [320, 192]]   # [H, W]: square, landscape, portrait
    batch_size: 4                        # per rank, for the largest bucket (or every bucket)
    balance: true                        # scale batch size by max_tokens / tokens (report's coarse B_r)
    max_batch_size: 64
    batch_sizes: {"1x256x256": 40}       # explicit per-bucket overrides
    frame_multiple: 17                   # video frame counts must be multiples (VAE chunk); 1 always OK
    spatial_multiple: 16                 # H and W must be multiples (VAE stride x patch)
    videos_as_images: false
    """

    buckets: list[Bucket]
    videos_as_images: bool = False

    @classmethod
    def from_config(cls, cfg: dict[str, Any] | None) -> BucketScheme:
        cfg = dict(cfg or {})
        known = {
            "frames",
            "sizes",
            "batch_size",
            "balance",
            "max_batch_size",
            "batch_sizes",
            "frame_multiple",
            "spatial_multiple",
            "videos_as_images",
        }
        unknown = sorted(set(cfg) - known)
        if unknown:
            raise ValueError(f"buckets: unknown key(s) {unknown}; known: {sorted(known)}")
        frames = [int(f) for f in cfg.get("frames", [1, 68, 136, 204])]
        sizes = [tuple(int(v) for v in s) for s in cfg.get("sizes", [[256, 256], [192, 320], [320, 192]])]
        fm, sm = int(cfg.get("frame_multiple", 17)), int(cfg.get("spatial_multiple", 16))
        base = int(cfg.get("batch_size", 1))
        cap = int(cfg.get("max_batch_size", 1 << 30))
        overrides = dict(cfg.get("batch_sizes", {}))
        if not frames or not sizes:
            raise ValueError("buckets: 'frames' and 'sizes' must be non-empty")
        for f in frames:
            if f < 1 or (f != 1 and f % fm):
                raise ValueError(
                    f"buckets: invalid frame count {f}: must be 1 or a multiple of {fm} (frame_multiple)"
                )
        for s in sizes:
            if len(s) != 2 or min(s) < sm or s[0] % sm or s[1] % sm:
                raise ValueError(
                    f"buckets: invalid size {list(s)}: [H, W] must be positive multiples of {sm}"
                )
        if base < 1:
            raise ValueError(f"buckets: batch_size must be >= 1, got {base}")
        tok = {(f, h, w): latent_tokens(f, h, w) for f in frames for h, w in sizes}
        top = max(tok.values())
        buckets = []
        for (f, h, w), t in tok.items():
            bs = min(cap, max(1, math.floor(base * top / t))) if cfg.get("balance", False) else base
            buckets.append(Bucket(f, h, w, bs))
        names = {b.name for b in buckets}
        for k, v in overrides.items():
            if k not in names:
                raise ValueError(
                    f"buckets: batch_sizes names unknown bucket {k!r}; buckets are {sorted(names)}"
                )
            if int(v) < 1:
                raise ValueError(f"buckets: batch_sizes[{k!r}] must be >= 1, got {v}")
        buckets = [
            Bucket(b.num_frames, b.height, b.width, int(overrides.get(b.name, b.batch_size))) for b in buckets
        ]
        return cls(buckets, bool(cfg.get("videos_as_images", False)))

    def assign(self, kind: str, num_frames: int, height: int, width: int) -> int | None:
        """Index of the bucket for a sample, or None when no bucket can take it."""
        if kind == "image" or num_frames <= 1:
            cands = [b.num_frames for b in self.buckets if b.num_frames == 1]
        else:
            cands = [b.num_frames for b in self.buckets if 1 < b.num_frames <= num_frames]
            if not cands and self.videos_as_images:
                cands = [b.num_frames for b in self.buckets if b.num_frames == 1]
        if not cands or height <= 0 or width <= 0:
            return None
        f = max(cands)
        target = math.log(height / width)
        best = min(
            (abs(math.log(b.aspect) - target), i) for i, b in enumerate(self.buckets) if b.num_frames == f
        )
        return best[1]

    def why_rejected(self, kind: str, num_frames: int) -> str:
        if kind == "image" or num_frames <= 1:
            return "no 1-frame (image) bucket in this stage"
        shortest = min((b.num_frames for b in self.buckets if b.num_frames > 1), default=None)
        return (
            f"video has {num_frames} frames, fewer than the shortest video bucket ({shortest})"
            if shortest
            else "no video bucket in this stage"
        )


@dataclass
class BucketBatchSampler:
    """Deterministic, rank-sharded, resumable batch sampler over bucket groups.

    ``groups[i]`` is sample i's bucket index (None = unused); ``batch_sizes[g]`` the per-rank batch of bucket g.
    Iterating yields lists of sample indices for this rank, forever (epoch after epoch).
    """

    groups: Sequence[int | None]
    batch_sizes: Sequence[int]
    seed: int = 0
    rank: int = 0
    world_size: int = 1
    epoch: int = 0
    position: int = 0  # batches already consumed in this epoch
    tag_epoch: bool = False  # yield (index, epoch) pairs so datasets can vary crops per epoch
    _plan: list[list[int]] | None = field(default=None, repr=False)
    _plan_epoch: int = field(default=-1, repr=False)

    def epoch_plan(self, epoch: int) -> list[list[int]]:
        """All global batches of an epoch, in order (same on every rank)."""
        g = torch.Generator().manual_seed(self.seed * 1_000_003 + epoch)
        by_bucket: dict[int, list[int]] = {}
        for i, b in enumerate(self.groups):
            if b is not None:
                by_bucket.setdefault(b, []).append(i)
        batches: list[list[int]] = []
        for b in sorted(by_bucket):
            idx = by_bucket[b]
            perm = torch.randperm(len(idx), generator=g).tolist()
            gb = self.batch_sizes[b] * self.world_size
            for s in range(0, len(idx) - gb + 1, gb):  # drop the incomplete tail: one shape per step
                batches.append([idx[perm[j]] for j in range(s, s + gb)])
        order = torch.randperm(len(batches), generator=g).tolist()
        return [batches[o] for o in order]

    def batches_per_epoch(self) -> int:
        return len(self._get_plan())

    def _get_plan(self) -> list[list[int]]:
        if self._plan is None or self._plan_epoch != self.epoch:
            self._plan, self._plan_epoch = self.epoch_plan(self.epoch), self.epoch
        return self._plan

    def __iter__(self) -> Iterator[list[int]]:
        while True:
            plan = self._get_plan()
            if not plan:
                raise ValueError(
                    "bucket sampler: no complete batch — too few samples for the bucket batch sizes "
                    f"× world size {self.world_size} (samples per bucket: "
                    f"{ {b: list(self.groups).count(b) for b in set(self.groups) if b is not None} })"
                )
            while self.position < len(plan):
                gb = plan[self.position]
                self.position += 1
                per = len(gb) // self.world_size
                mine = gb[self.rank * per : (self.rank + 1) * per]
                yield [(i, self.epoch) for i in mine] if self.tag_epoch else mine
            self.epoch, self.position = self.epoch + 1, 0

    def seek(self, consumed: int) -> None:
        """Position the sampler after ``consumed`` batches from the start of epoch 0 (resume)."""
        n = self.batches_per_epoch()
        if n == 0:
            raise ValueError("bucket sampler: no complete batch; cannot seek")
        self.epoch, self.position = consumed // n, consumed % n

    def state_dict(self) -> dict[str, int]:
        return {"epoch": self.epoch, "position": self.position, "seed": self.seed}

    def load_state_dict(self, state: dict[str, int]) -> None:
        self.epoch, self.position = int(state["epoch"]), int(state["position"])
