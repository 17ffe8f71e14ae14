"""Sliding-tile sparse self-attention: a fast mode for long videos (approximate; off by default).

The video tokens of a latent grid (frames F, rows H, columns W) are cut into tiles of ``tile`` = (tf, th, tw)
tokens (the grid is padded up to whole tiles; padding tokens are never keys). A query tile attends to the
``window`` = (wf, wh, ww) tiles around it: along each axis the window is centred on the query's tile and
shifted inward at the borders (``start = clamp(i - (w - 1) // 2, 0, n - w)``), so every query tile sees the
same number of key tiles and the cost falls from N² to N·wf·wh·ww·tile tokens. A window at least as wide as
the grid on every axis is exact (dense attention). This is the sliding-tile scheme (STA, Zhang et al. 2025):
tile-granular windows keep the kept blocks dense, unlike a per-token sliding window.

Early, high-noise steps lay out the video's global structure, so ``dense_until`` keeps the dense path while the
model time τ (the DiT's timestep: 0 = noise, 1 = data) is below it; only later steps run sparse.

Two kernels, same maths:

* ``gather`` (any device; ``auto``'s choice off CUDA): per chunk of query tiles, the window's keys and values are gathered from the
  raster-order tensors and one SDPA call runs (fused kernels where there is no padding; a key mask where the
  grid does not divide into tiles). Chunks are sized so the gathered keys stay about half the size of ``k``:
  the extra memory is about one more k-sized tensor.
* ``flex`` (``auto``'s choice on CUDA; ``torch.nn.attention.flex_attention`` with a block mask over the
  tile-major order, built from the tile windows; compiled on CUDA, the first call pays the compilation): no
  gathered windows and no key mask outside partial blocks, but tile-major copies of q, k, v and the output;
  tiles of a multiple of 128 tokens fill whole blocks. On CUDA the gather kernel's key mask (a grid that does
  not divide into tiles) moves SDPA off its fused cuDNN kernel, which is why ``auto`` takes flex there.

The DiT reads the active plan from :func:`active_plan` (a context variable the model sets per forward), so
the blocks' signatures, block streaming and the step cache are unchanged. Inference only.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
from dataclasses import dataclass, field
from functools import lru_cache

import torch

from .attention import attention

BACKENDS = ("auto", "gather", "flex")
_active: contextvars.ContextVar[SparsePlan | None] = contextvars.ContextVar("stepvid_sparse_plan", default=None)


def _triple(value, name: str) -> tuple[int, int, int]:
    """(f, h, w) from an int, a sequence of three ints or a string '2x4x4'."""
    if isinstance(value, str):
        parts = value.lower().split("x")
        try:
            value = [int(p) for p in parts]
        except ValueError:
            raise ValueError(f"sparse attention {name} must be FxHxW positive integers (e.g. 2x4x4); got {value!r}")
    if isinstance(value, int) and not isinstance(value, bool):
        value = (value,) * 3
    value = tuple(value)
    if len(value) != 3 or any(isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in value):
        raise ValueError(f"sparse attention {name} must be three positive integers (frames, rows, columns); "
                         f"got {value!r}")
    return value  # type: ignore[return-value]


@dataclass(frozen=True)
class SparseAttentionConfig:
    """``window``: key tiles per axis around a query tile; ``tile``: tokens per tile per axis (clipped to the
    grid); ``dense_until``: forwards at a model time τ below this run dense (τ: 0 = noise, 1 = data; 0.0:
    sparse at every step); ``backend``: ``gather``, ``flex`` or ``auto`` (flex on CUDA, gather elsewhere)."""

    window: tuple[int, int, int]
    tile: tuple[int, int, int] = (4, 8, 8)
    dense_until: float = 0.0
    backend: str = "auto"

    def __post_init__(self) -> None:
        object.__setattr__(self, "window", _triple(self.window, "window"))
        object.__setattr__(self, "tile", _triple(self.tile, "tile"))
        if not (isinstance(self.dense_until, (int, float)) and 0.0 <= self.dense_until <= 1.0):
            raise ValueError(f"sparse attention dense_until must be a model time in [0, 1]; got {self.dense_until!r}")
        if self.backend not in BACKENDS:
            raise ValueError(f"sparse attention backend must be one of {BACKENDS}; got {self.backend!r}")

    def kernel(self, device: torch.device | str) -> str:
        """The kernel this config runs on ``device``: ``auto`` is flex on CUDA (one fused kernel over the block
        mask) and gather elsewhere."""
        if self.backend != "auto":
            return self.backend
        return "flex" if torch.device(device).type == "cuda" else "gather"

    def plan(self, grid: tuple[int, int, int], device: torch.device | str) -> SparsePlan:
        """The (cached) plan of this config for latent grid (F, H, W) on ``device``."""
        return _plan(self, tuple(grid), torch.device(device))

    def describe(self, device: torch.device | str | None = None) -> str:
        """One line for logs; with ``device``, the kernel that runs there (``auto`` resolved)."""
        t, w = ("x".join(map(str, v)) for v in (self.tile, self.window))
        until = f", dense until τ {self.dense_until:g}" if self.dense_until > 0 else ""
        return f"window {w} tiles of {t}{until}, {self.backend if device is None else self.kernel(device)}"


def parse_sparse_attention(spec: str) -> SparseAttentionConfig:
    """``--sparse-attention`` text: a window ('3x3x3') or comma-separated keys
    ('window=3x3x3,tile=2x4x4,dense-until=0.3,backend=flex')."""
    spec = spec.strip()
    if not spec:
        raise ValueError("--sparse-attention needs a window, e.g. 3x3x3 or window=3x3x3,tile=2x4x4")
    kw: dict = {}
    for i, part in enumerate(p.strip() for p in spec.split(",")):
        key, eq, value = part.partition("=")
        if not eq and i == 0:
            key, value = "window", part
        key = key.strip().replace("-", "_")
        if key not in ("window", "tile", "dense_until", "backend") or not value:
            raise ValueError(f"--sparse-attention: cannot read {part!r} in {spec!r} "
                             "(keys: window, tile, dense-until, backend)")
        if key == "dense_until":
            try:
                kw[key] = float(value)
            except ValueError:
                raise ValueError(f"--sparse-attention: dense-until must be a number in [0, 1]; got {value!r}")
        else:
            kw[key] = value.strip()
    if "window" not in kw:
        raise ValueError(f"--sparse-attention {spec!r} names no window (e.g. window=3x3x3)")
    return SparseAttentionConfig(**kw)


# -------------------------------------------------------------------------------------------------- plan


def window_starts(n_tiles: int, window: int) -> torch.Tensor:
    """First key tile of each query tile's window along one axis: centred, shifted inward at the borders."""
    w = min(window, n_tiles)
    return (torch.arange(n_tiles) - (w - 1) // 2).clamp(0, n_tiles - w)


@dataclass(eq=False)
class SparsePlan:
    """Index tables of one (config, grid, device): tile-major order, windows, padding."""

    config: SparseAttentionConfig
    grid: tuple[int, int, int]
    tile: tuple[int, int, int]  # clipped to the grid
    tiles: tuple[int, int, int]  # tiles per axis
    order: torch.Tensor  # [Np] raster index of each tile-major position (N for padding)
    inverse: torch.Tensor  # [N] tile-major position of each raster token
    window_tiles: torch.Tensor  # [T, Wn] key tiles of each query tile
    valid: torch.Tensor | None  # [Np] bool: a real token (None: the grid divides into tiles)
    _block_mask: object = field(default=None, repr=False)

    @property
    def tokens(self) -> int:
        return math.prod(self.grid)

    @property
    def tile_tokens(self) -> int:
        return math.prod(self.tile)

    @property
    def backend(self) -> str:
        """The kernel this plan runs (:meth:`SparseAttentionConfig.kernel` on its device)."""
        return self.config.kernel(self.order.device)

    @property
    def density(self) -> float:
        """Fraction of the dense (query, key) pairs computed, padding included."""
        return self.window_tiles.shape[1] / self.window_tiles.shape[0]

    def allowed_tiles(self) -> torch.Tensor:
        """[T, T] bool: which key tiles each query tile sees."""
        n_tiles = self.window_tiles.shape[0]
        allowed = torch.zeros(n_tiles, n_tiles, dtype=torch.bool, device=self.order.device)
        return allowed.scatter_(1, self.window_tiles, True)

    def keep_mask(self) -> torch.Tensor:
        """[N, N] bool in raster order: which keys each query sees (the reference the kernels must equal)."""
        t = self.inverse // self.tile_tokens  # each raster token's tile
        return self.allowed_tiles()[t[:, None], t[None, :]]

    # ---- kernels -------------------------------------------------------------------------------------
    def __call__(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        """Sparse attention of token-major q, k, v [B, N, H, D] (raster order, N = the grid's tokens)."""
        if q.shape[1] != self.tokens or k.shape[1] != self.tokens or v.shape[1] != self.tokens:
            raise ValueError(f"sparse attention planned for grid {self.grid} ({self.tokens} tokens); got q, k, v "
                             f"with {q.shape[1]}, {k.shape[1]}, {v.shape[1]} tokens")
        if self.backend == "flex":
            qt, kt, vt = (self._to_tiles(t) for t in (q, k, v))
            return self._flex(qt, kt, vt)[:, self.inverse]
        return self._gather(q, k, v)

    def _to_tiles(self, x: torch.Tensor) -> torch.Tensor:
        """[B, N, H, D] raster -> [B, Np, H, D] tile-major (padding tokens zero)."""
        if self.valid is not None:
            x = torch.cat([x, x.new_zeros(x.shape[0], 1, *x.shape[2:])], dim=1)
        return x[:, self.order]

    def _gather(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        """Chunks of query tiles, each with its windows' keys and values gathered straight from the raster
        tensors: beyond the output, only a chunk's gathered keys and values (about half of k and of v) are
        held. Padding positions read token 0, hidden as keys by the mask; padded queries are dropped."""
        b, _, h, d = q.shape
        n_tiles, wn = self.window_tiles.shape
        L = self.tile_tokens
        src = self.order.clamp(max=self.tokens - 1)  # raster index per tile-major position (padding: any token)
        out = q.new_empty(q.shape[:-1] + (v.shape[-1],))
        chunk = max(1, self.tokens // (2 * wn * L))  # gathered keys of a chunk: at most half of k's tokens
        offs = torch.arange(L, device=q.device)
        for t0 in range(0, n_tiles, chunk):
            t1 = min(t0 + chunk, n_tiles)
            c = t1 - t0
            pos = (self.window_tiles[t0:t1, :, None] * L + offs).reshape(c, wn * L)  # tile-major key positions
            rows = src[pos]
            kg = k[:, rows].reshape(b * c, wn * L, h, d)
            vg = v[:, rows].reshape(b * c, wn * L, h, v.shape[-1])
            qpos = slice(t0 * L, t1 * L)
            qg = q[:, src[qpos]].reshape(b * c, L, h, d)
            keys = None  # the SDPA entry point's key mask [B', keys] where the window reaches into padding
            if self.valid is not None:
                keys = self.valid[pos].expand(b, c, wn * L).reshape(b * c, wn * L)
            o = attention(qg, kg, vg, kv_lens=keys).reshape(b, c * L, h, -1)  # its backend order (cuDNN first)
            if self.valid is None:
                out[:, src[qpos]] = o
            else:
                real = self.valid[qpos]
                out[:, src[qpos][real]] = o[:, real]
        return out

    def _flex(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        from torch.nn.attention.flex_attention import flex_attention

        fn = _compiled_flex() if q.device.type == "cuda" else flex_attention
        with warnings_silenced():  # eager flex on the CPU warns that it is unfused
            o = fn(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2), block_mask=self.block_mask())
        return o.transpose(1, 2)

    def block_mask(self):
        """flex_attention's BlockMask of this plan (built once), straight from the tile windows: never an N x N
        evaluation of the mask (at 75,888 tokens that alone would need tens of GiB)."""
        if self._block_mask is None:
            from torch.nn.attention.flex_attention import BlockMask

            n_pad, L = self.order.numel(), self.tile_tokens
            allowed = self.allowed_tiles()
            valid = self.valid if self.valid is not None else torch.ones(n_pad, dtype=torch.bool,
                                                                         device=self.order.device)

            def mask_mod(b, h, qi, ki):
                return allowed[qi // L, ki // L] & valid[ki]

            partial, full = tile_block_lists(allowed, valid, L, FLEX_BLOCK)
            self._block_mask = BlockMask.from_kv_blocks(*partial, *full, BLOCK_SIZE=FLEX_BLOCK, mask_mod=mask_mod,
                                                        seq_lengths=(n_pad, n_pad))
        return self._block_mask


FLEX_BLOCK = 128  # flex_attention's block size (tokens per side of a mask block)


def tile_block_lists(allowed: torch.Tensor, valid: torch.Tensor, tile_tokens: int, block: int):
    """flex_attention block lists of a tile-level window matrix: ``((kv_num, kv_idx), (full_num, full_idx))``
    over blocks of ``block`` tile-major tokens, shaped [1, 1, Qb] and [1, 1, Qb, Kb] (int32, each row's listed
    key blocks first, ascending). A key block is *full* when every (query tile, key tile) pair the two blocks
    span is allowed and all its keys are real tokens (no mask is evaluated there); *partial* when some pair is
    allowed (the mask decides per token); absent otherwise. ``allowed`` [T, T] bool, ``valid`` [T·L] bool."""
    n_tiles, n = allowed.shape[0], valid.numel()
    nb = -(-n // block)
    pos = torch.arange(nb * block, device=allowed.device)
    tile_of = (pos.clamp(max=n - 1) // tile_tokens).view(nb, block)  # positions past the end: the last tile
    touch = torch.zeros(nb, n_tiles, device=allowed.device).scatter_(1, tile_of, 1.0)  # block spans tile
    some = (touch @ allowed.float() @ touch.T) > 0
    every = (touch @ (~allowed).float() @ touch.T) == 0
    real = torch.cat([valid, valid.new_zeros(nb * block - n)]).view(nb, block).all(1)
    full = some & every & real[None, :]
    partial = some & ~full

    def lists(m: torch.Tensor):
        idx = torch.sort((~m).to(torch.int8), dim=1, stable=True).indices  # listed blocks first, ascending
        return m.sum(1).to(torch.int32)[None, None], idx.to(torch.int32)[None, None]

    return lists(partial), lists(full)


@contextlib.contextmanager
def warnings_silenced():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


@lru_cache(maxsize=1)
def _compiled_flex():
    from torch.nn.attention.flex_attention import flex_attention

    return torch.compile(flex_attention, dynamic=False)


@lru_cache(maxsize=32)
def _plan(config: SparseAttentionConfig, grid: tuple[int, int, int], device: torch.device) -> SparsePlan:
    if len(grid) != 3 or any(g < 1 for g in grid):
        raise ValueError(f"sparse attention needs a latent grid of three positive sizes; got {grid}")
    tile = tuple(min(t, g) for t, g in zip(config.tile, grid))
    tiles = tuple(-(-g // t) for g, t in zip(grid, tile))
    padded = tuple(n * t for n, t in zip(tiles, tile))
    n = math.prod(grid)
    # Raster index of every tile-major position: position = ((tile f, h, w), (in-tile f, h, w)).
    axes = [torch.arange(p) for p in padded]
    ff, hh, ww = torch.meshgrid(*axes, indexing="ij")  # padded grid coordinates
    real = (ff < grid[0]) & (hh < grid[1]) & (ww < grid[2])
    raster = torch.where(real, (ff * grid[1] + hh) * grid[2] + ww, torch.full_like(ff, n))
    (nf, nh, nw), (tf, th, tw) = tiles, tile
    order = raster.view(nf, tf, nh, th, nw, tw).permute(0, 2, 4, 1, 3, 5).reshape(-1)
    inverse = torch.empty(n, dtype=torch.long)
    keep = order < n
    inverse[order[keep]] = torch.nonzero(keep).squeeze(1)
    # Window tiles: the product of each axis's window.
    per_axis = []
    for nt, w in zip(tiles, config.window):
        start = window_starts(nt, w)
        per_axis.append(start[:, None] + torch.arange(min(w, nt)))  # [nt, w]
    wf, wh, ww_ = per_axis
    win = ((wf[:, None, None, :, None, None] * nh + wh[None, :, None, None, :, None]) * nw
           + ww_[None, None, :, None, None, :])
    window_tiles = win.reshape(nf * nh * nw, -1)
    valid = None if bool(keep.all()) else keep
    return SparsePlan(config, grid, tile, tiles, order.to(device), inverse.to(device), window_tiles.to(device),
                      None if valid is None else valid.to(device))


# ------------------------------------------------------------------------------------------ activation


def active_plan() -> SparsePlan | None:
    """The plan the DiT's self-attention uses in this forward (None: dense)."""
    return _active.get()


@contextlib.contextmanager
def use_plan(plan: SparsePlan | None):
    """Make ``plan`` the active one for the enclosed code (the DiT's forward)."""
    token = _active.set(plan)
    try:
        yield plan
    finally:
        _active.reset(token)


__all__ = [
    "BACKENDS",
    "SparseAttentionConfig",
    "SparsePlan",
    "active_plan",
    "parse_sparse_attention",
    "use_plan",
    "window_starts",
]
