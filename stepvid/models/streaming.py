"""Block streaming: run a DiT (or Step-LLM) whose blocks live in host memory, a few at a time on the GPU.

The 30B DiT's 48 blocks hold 58.0 of its 58.7 GB (bf16). :func:`stream_blocks` keeps the rest (patch embed,
adaLN-single, caption projections, final layer: 0.7 GB) on the device and packs every block into one flat
buffer of host memory (pinned on CUDA, so copies are asynchronous DMA). During a forward, ``K`` reusable
device buffers (``buffers``, default 2) take turns: while block ``i`` computes on the current stream, block
``i+1`` is copied host -> device on a side stream; events make compute wait only for its own block, and the
copy into a buffer wait only until the block that last used it has finished. After the last block the first
``K`` blocks of the next forward are already on their way. On the CPU the same code runs synchronously.

A block's parameters point at host memory while it is idle and at its device buffer while it runs
(``param.data`` is swapped), so the block's own ``forward`` runs the same kernels on the same dtypes as the
resident model: outputs are bit-identical. Tensors sit at 512-byte-aligned offsets, as the allocators place
them. The forward gains no host syncs (``capture_safe`` holds), but the model is inference-only (a gradient
would need the weights again) and CUDA-graph capture of the streamed forward is not supported.

``weights="fp8"`` stores every ``nn.Linear`` weight of the blocks as float8 e4m3 (``torch.float8_e4m3fn``)
with one fp32 scale per output channel, ``s = amax / 448``: half the bytes to hold and to move. Before a block
runs, its weights are dequantised on the device into one workspace in the model dtype (``q * s``), so the
matmuls still run in that dtype. Per element ``|w_hat - w| <= max(2^-4 |w|, 2^-10 s)`` before the final
rounding to the model dtype (3 mantissa bits, round to nearest; below 2^-6 s the subnormal spacing 2^-9 s).
Norms, biases and the modulation tables stay in the model dtype. While streamed with fp8, the quantised
weights are not parameters any more (an idle block's fp8 weights read as NaN), so such a model cannot be
saved or moved; bf16/fp32 streaming keeps the exact values readable (``state_dict`` works).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import torch
from torch import nn

from .dit import DiTConfig, StepVideoDiT

if TYPE_CHECKING:
    from .text.step_llm import StepLLMConfig

__all__ = [
    "FP8",
    "FP8_MAX",
    "BlockStreamer",
    "dequantize_fp8",
    "quantize_fp8",
    "stream_blocks",
    "streaming_footprint",
]

FP8 = torch.float8_e4m3fn
FP8_MAX = 448.0  # largest finite e4m3fn value
ALIGN = 512  # byte alignment of every tensor inside a flat buffer (CUDA allocator blocks are 512-aligned)
CHUNK_BYTES = 2**33  # pinned allocations are powers of two (PyTorch's host allocator rounds up): 8 GiB each
WEIGHTS = ("model", "fp8")


# ------------------------------------------------------------------------------------------------ fp8


def quantize_fp8(w: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-output-channel (row) e4m3 quantisation of a 2-D weight: ``(q, scale)`` with ``q`` float8_e4m3fn
    and ``scale`` fp32 [rows], ``scale = amax / 448`` (1 for an all-zero row), so ``q * scale ~ w``."""
    if w.ndim != 2:
        raise ValueError(f"quantize_fp8 takes a 2-D weight [out, in]; got shape {list(w.shape)}")
    wf = w.detach().to(torch.promote_types(w.dtype, torch.float32))
    amax = wf.abs().amax(dim=1)
    scale = torch.where(amax > 0, amax / FP8_MAX, torch.ones_like(amax)).float()
    q = (wf / scale.to(wf.dtype)[:, None]).clamp_(-FP8_MAX, FP8_MAX).to(FP8)
    return q, scale


def dequantize_fp8(q: torch.Tensor, scale: torch.Tensor, dtype: torch.dtype, out=None) -> torch.Tensor:
    """``q * scale[:, None]`` in ``dtype`` (into ``out`` if given: no temporaries). Every e4m3 value is exact
    in bf16/fp16/fp32, so the only rounding is the product's, once."""
    out = torch.empty(q.shape, dtype=dtype, device=q.device) if out is None else out
    return out.copy_(q).mul_(scale[:, None])


# ------------------------------------------------------------------------------------------------ layout


def _align(n: int) -> int:
    return -(-n // ALIGN) * ALIGN


@dataclass(frozen=True)
class _Entry:
    """One parameter's place in a block's flat buffer (and, for an fp8 weight, its scales and workspace)."""

    name: str
    shape: tuple[int, ...]
    dtype: torch.dtype  # the parameter's dtype (what the block computes with)
    offset: int
    fp8: bool = False
    scale_offset: int = 0  # fp8: fp32 scales [rows] in the flat buffer
    work_offset: int = 0  # fp8: the dequantised weight in the workspace

    def stored(self, buf: torch.Tensor) -> torch.Tensor:
        """The stored tensor (fp8 or the parameter's dtype) inside flat uint8 buffer ``buf``."""
        dt = FP8 if self.fp8 else self.dtype
        n = math.prod(self.shape) * dt.itemsize
        return buf[self.offset : self.offset + n].view(dt).view(self.shape)

    def scale(self, buf: torch.Tensor) -> torch.Tensor:
        return buf[self.scale_offset : self.scale_offset + self.shape[0] * 4].view(torch.float32)

    def work(self, ws: torch.Tensor) -> torch.Tensor:
        n = math.prod(self.shape) * self.dtype.itemsize
        return ws[self.work_offset : self.work_offset + n].view(self.dtype).view(self.shape)


@dataclass(frozen=True)
class BlockLayout:
    """Where each parameter of a block lives in its flat buffer; every block of a model shares it."""

    entries: tuple[_Entry, ...]
    nbytes: int  # one block's flat buffer
    work_nbytes: int  # fp8: the workspace for the dequantised weights (0 otherwise)

    @classmethod
    def of(cls, block: nn.Module, fp8: bool) -> BlockLayout:
        linear = {
            f"{m}.weight" if m else "weight" for m, mod in block.named_modules() if isinstance(mod, nn.Linear)
        }
        entries, off, work = [], 0, 0
        for name, p in block.named_parameters():
            shape = tuple(p.shape)
            if fp8 and name in linear:
                scale_off = _align(off + p.numel())
                entries.append(_Entry(name, shape, p.dtype, off, True, scale_off, work))
                off = _align(scale_off + shape[0] * 4)
                work = _align(work + p.numel() * p.dtype.itemsize)
            else:
                entries.append(_Entry(name, shape, p.dtype, off))
                off = _align(off + p.numel() * p.dtype.itemsize)
        return cls(tuple(entries), off, work)

    def signature(self, block: nn.Module) -> list[tuple[str, tuple[int, ...], torch.dtype]]:
        return [(n, tuple(p.shape), p.dtype) for n, p in block.named_parameters()]


def _chunk_plan(block_nbytes: int, count: int, pinned: bool = True) -> list[tuple[int, int]]:
    """(blocks, bytes) of each host allocation: as many blocks as fit in CHUNK_BYTES (at least one). Pinned
    allocations are powers of two, since PyTorch's pinned-memory allocator rounds them up anyway (and 48
    separate 1.14 GiB blocks would take 96 GiB)."""
    per = max(1, CHUNK_BYTES // block_nbytes)
    plan = []
    for start in range(0, count, per):
        n = min(per, count - start)
        plan.append((n, 1 << (n * block_nbytes - 1).bit_length() if pinned else n * block_nbytes))
    return plan


# ------------------------------------------------------------------------------------------------ streamer


class BlockStreamer:
    """Streams ``blocks`` (identical layouts) from host memory through ``buffers`` device buffers.

    Construction packs every block into host memory (pinned when ``device`` is CUDA) and frees the block's
    original parameter storage, wherever it was (a block built on the GPU is copied down block by block).
    :meth:`blocks` yields the blocks in order, each with its weights on ``device``; the DiT's forward iterates
    it when ``model.block_streamer`` is set (:func:`stream_blocks`). ``loads`` counts host -> device block
    copies."""

    def __init__(
        self, blocks: nn.ModuleList, device: torch.device | str, buffers: int = 2, weights: str = "model"
    ) -> None:
        if weights not in WEIGHTS:
            raise ValueError(
                f"weights must be one of {WEIGHTS} (fp8: e4m3 with per-row scales); got {weights!r}"
            )
        if isinstance(buffers, bool) or not isinstance(buffers, int) or buffers < 1:
            raise ValueError(
                f"buffers must be an integer >= 1 (2 overlaps each copy with a block); got {buffers!r}"
            )
        if len(blocks) == 0:
            raise ValueError("no blocks to stream")
        self.device = torch.device(device)
        if self.device.type == "cuda" and self.device.index is None:
            self.device = torch.device("cuda", torch.cuda.current_device())
        self.weights, self.loads = weights, 0
        self._blocks = list(blocks)
        self.layout = BlockLayout.of(self._blocks[0], weights == "fp8")
        first = self.layout.signature(self._blocks[0])
        for i, blk in enumerate(self._blocks):
            if self.layout.signature(blk) != first:
                raise ValueError(f"block {i} does not have block 0's parameter names, shapes and dtypes")
            for mod in blk.modules():
                for key, buf in mod._buffers.items():
                    if buf is not None:
                        mod._buffers[key] = buf.to(self.device)
            blk.requires_grad_(False)
        self._cuda = self.device.type == "cuda"
        self._host: list[torch.Tensor] = []  # flat uint8 buffer per block
        self._parked: list[list[torch.Tensor]] = []  # what each parameter points at while its block is idle
        self._params = [[blk.get_parameter(e.name) for e in self.layout.entries] for blk in self._blocks]
        self._pack()
        k = min(buffers, len(self._blocks))  # more buffers than blocks would only hold copies of the same
        nb = self.layout.nbytes
        self._slots = [torch.empty(nb, dtype=torch.uint8, device=self.device) for _ in range(k)]
        ws = torch.empty(self.layout.work_nbytes, dtype=torch.uint8, device=self.device)
        self._workspace = ws
        # What a running block's parameters point at, per buffer: its stored tensors, or for fp8 weights the
        # workspace (filled from the buffer's fp8 values and scales just before the block runs).
        self._bound = [
            [e.work(ws) if e.fp8 else e.stored(slot) for e in self.layout.entries] for slot in self._slots
        ]
        self._queue: deque[tuple[int, int]] = deque()  # (block, buffer) copies issued, not yet used
        self._next_slot = 0
        if self._cuda:
            self._copy_stream = torch.cuda.Stream(self.device)
            self._ready = [torch.cuda.Event() for _ in self._slots]
            self._free = [torch.cuda.Event() for _ in self._slots]
            for slot in self._slots:  # freed only after the side stream's pending copies into it
                slot.record_stream(self._copy_stream)

    # -- sizes ------------------------------------------------------------------------------------------
    @property
    def streamed(self) -> list[nn.Module]:
        """The streamed blocks (their idle parameters point at host memory: never move them)."""
        return self._blocks

    @property
    def buffers(self) -> int:
        return len(self._slots)

    @property
    def device_bytes(self) -> int:
        """Bytes this streamer holds on the device: the block buffers and the fp8 workspace."""
        return sum(s.numel() for s in self._slots) + self._workspace.numel()

    @property
    def host_bytes(self) -> int:
        """Bytes of host memory holding the packed blocks (allocations included)."""
        return sum(n for _, n in _chunk_plan(self.layout.nbytes, len(self._blocks), self._cuda))

    # -- packing ----------------------------------------------------------------------------------------
    def _pack(self) -> None:
        nb, pin = self.layout.nbytes, self._cuda
        nan = torch.full((1,), math.nan)
        index = 0
        for count, size in _chunk_plan(nb, len(self._blocks), pin):
            chunk = torch.empty(size, dtype=torch.uint8, pin_memory=pin)
            for c in range(count):
                host = chunk[c * nb : (c + 1) * nb]
                parked = []
                for e, p in zip(self.layout.entries, self._params[index]):
                    if e.fp8:
                        q, s = quantize_fp8(p.data)
                        e.stored(host).copy_(q)
                        e.scale(host).copy_(s)
                        parked.append(nan.to(e.dtype).expand(e.shape))  # no memory; NaN if ever used idle
                    else:
                        e.stored(host).copy_(p.data)
                        parked.append(e.stored(host))
                    p.data = parked[-1]  # frees the original storage
                self._host.append(host)
                self._parked.append(parked)
                index += 1

    # -- streaming --------------------------------------------------------------------------------------
    def _issue(self, i: int) -> None:
        """Copy block ``i`` into the next buffer (CUDA: on the side stream, after that buffer's last user)."""
        j = self._next_slot
        self._next_slot = (j + 1) % len(self._slots)
        dst, src = self._slots[j], self._host[i]
        if self._cuda:
            with torch.cuda.stream(self._copy_stream):
                self._copy_stream.wait_event(self._free[j])
                dst.copy_(src, non_blocking=True)
                self._ready[j].record(self._copy_stream)
        else:
            dst.copy_(src)
        self._queue.append((i, j))
        self.loads += 1

    def _bind(self, i: int, j: int) -> None:
        slot = self._slots[j]
        for e, p, view in zip(self.layout.entries, self._params[i], self._bound[j]):
            if e.fp8:
                dequantize_fp8(e.stored(slot), e.scale(slot), e.dtype, out=view)
            p.data = view

    def _unbind(self, i: int) -> None:
        for p, parked in zip(self._params[i], self._parked[i]):
            p.data = parked

    def blocks(self) -> Iterator[nn.Module]:
        """Yield every block in order with its weights on the device (inference only: no autograd)."""
        if torch.is_grad_enabled():
            raise RuntimeError("block streaming is inference-only: run the model under torch.no_grad()")
        n, k = len(self._blocks), len(self._slots)
        if not self._queue or self._queue[0][0] != 0:  # first forward, or the last one stopped midway
            self._queue.clear()
            for i in range(k):
                self._issue(i)
        compute = torch.cuda.current_stream(self.device) if self._cuda else None
        for i in range(n):
            block, j = self._queue.popleft()
            assert block == i, (block, i)
            if compute is not None:
                compute.wait_event(self._ready[j])
            self._bind(i, j)
            try:
                yield self._blocks[i]
            finally:
                self._unbind(i)
                if compute is not None:
                    self._free[j].record(compute)
            self._issue((i + k) % n)  # wraps round: the next forward's first blocks are on their way


# ------------------------------------------------------------------------------------------------ model


def _block_list(model: nn.Module) -> tuple[nn.Module, str]:
    """Where a streamable model keeps its blocks: (owner, attribute name). The DiT's 48 transformer blocks
    (58.0 of its 58.7 GB) or Step-LLM's 48 layers (38.4 of its 39.2 GB)."""
    from .text.step_llm import StepLLM

    if isinstance(model, StepVideoDiT):
        return model, "transformer_blocks"
    if isinstance(model, StepLLM):
        return model.transformer, "layers"
    raise TypeError(f"block streaming runs a StepVideoDiT or a StepLLM; got {type(model).__name__}")


def stream_blocks(
    model: nn.Module, device: torch.device | str, buffers: int = 2, weights: str = "model"
) -> BlockStreamer:
    """Make ``model`` (a :class:`StepVideoDiT` or a :class:`~stepvid.models.text.step_llm.StepLLM`) run with
    its blocks streamed from host memory (module docstring): every other parameter and buffer moves to
    ``device``; returns the streamer (also ``model.block_streamer``). Do not ``.to()`` the model afterwards."""
    owner, name = _block_list(model)
    if model.block_streamer is not None:
        raise ValueError("this model's blocks are already streamed")
    blocks = getattr(owner, name)
    setattr(owner, name, nn.ModuleList())
    try:
        model.to(device)
    finally:
        setattr(owner, name, blocks)
    model.block_streamer = BlockStreamer(blocks, device, buffers, weights)
    return model.block_streamer


def streaming_footprint(
    cfg: DiTConfig | StepLLMConfig, dtype: torch.dtype, buffers: int = 2, weights: str = "model"
) -> tuple[int, int]:
    """(device bytes, host bytes) of a DiT or Step-LLM with ``cfg`` streamed in ``dtype`` (shapes only, nothing
    allocated): device = the resident parts + ``buffers`` block buffers + the fp8 workspace; host = the packed
    blocks as allocated (pinned, in power-of-two chunks)."""
    from .text.step_llm import StepLLM, StepLLMConfig

    if weights not in WEIGHTS:
        raise ValueError(f"weights must be one of {WEIGHTS}; got {weights!r}")
    with torch.device("meta"):
        one = (StepLLM if isinstance(cfg, StepLLMConfig) else StepVideoDiT)(replace(cfg, num_layers=1)).to(dtype)
    owner, name = _block_list(one)
    block = getattr(owner, name)[0]
    layout = BlockLayout.of(block, weights == "fp8")
    block_params = sum(p.numel() * p.dtype.itemsize for p in block.parameters())
    resident = sum(p.numel() * p.dtype.itemsize for p in one.parameters()) - block_params
    k = min(buffers, cfg.num_layers)
    device = resident + k * layout.nbytes + layout.work_nbytes
    host = sum(n for _, n in _chunk_plan(layout.nbytes, cfg.num_layers))
    return device, host
