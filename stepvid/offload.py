"""A component's weights visit the GPU for one pipeline stage and leave without being copied back.

``offload="model"`` keeps each large component on the host and moves it to the GPU only while its stage runs.
``module.to("cpu")`` afterwards copies every weight back into newly allocated host memory — 49 s for the 58.7 GB
DiT on an H100 (``benchmarks/one_gpu_video.py``, 2026-12-06), for weights that did not change. Here the host
tensors are kept while their device copies are in use and are put back on leaving, so the move out costs only
freeing GPU memory. A weight replaced or written in place on the device meanwhile (its storage or its version
counter changed) is copied back instead, and so is every buffer of a module in training mode (BatchNorm writes
its running statistics without a version bump): the host always ends with the module's current weights.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import torch

__all__ = ["on_device"]

Copy = Callable[[torch.Tensor], torch.Tensor]


@contextmanager
def on_device(component: Any, device: torch.device | str) -> Iterator[None]:
    """Run the body with ``component``'s host parameters and buffers on ``device``; afterwards they are the kept
    host tensors again (copies of the device tensors where those changed). Not a module: ``.to`` and back."""
    device = torch.device(device)
    if not isinstance(component, torch.nn.Module):
        if hasattr(component, "to"):
            component.to(device)
        try:
            yield
        finally:
            if hasattr(component, "to"):
                component.to(torch.device("cpu"))
        return
    moved = move_in(component, lambda t: t.to(device))
    try:
        yield
    finally:
        move_out(moved, lambda t: t.to("cpu"))


def _version(t: torch.Tensor) -> int | None:
    try:
        return t._version
    except RuntimeError:  # an inference tensor keeps no version counter: counted as possibly written
        return None


class _Slot:
    """One moved parameter or buffer: its owner's table and key, the host object and data, what was installed."""

    __slots__ = ("host", "installed", "key", "original", "table", "version")

    def __init__(self, table: dict, key: str, original: torch.Tensor, host: torch.Tensor, installed: torch.Tensor):
        self.table, self.key, self.original, self.host, self.installed = table, key, original, host, installed
        self.version = _version(table[key])

    def _current(self) -> torch.Tensor | None:
        t = self.table.get(self.key)
        return t.data if isinstance(t, torch.nn.Parameter) else t

    def _unchanged(self) -> bool:
        cur = self._current()
        return (cur is not None and cur.data_ptr() == self.installed.data_ptr() and self.version is not None
                and _version(self.table[self.key]) == self.version)

    def restore(self, to_host: Copy) -> None:
        if self._current() is None:  # the module dropped it meanwhile
            return
        self.put_back(self.host if self._unchanged() else to_host(self._current()))

    def put_back(self, host: torch.Tensor) -> None:
        """The original object back in its place, holding ``host``."""
        if isinstance(self.original, torch.nn.Parameter):
            self.original.data = host
            self.table[self.key] = self.original
        else:
            self.table[self.key] = host


def move_in(module: torch.nn.Module, to_device: Copy) -> list[_Slot]:
    """Install ``to_device`` copies of the module's host (CPU) parameters and buffers; returns what
    :func:`move_out` needs. Blocks a ``block_streamer`` streams stay where they are. A Parameter keeps its
    object where the device tensor can back it (CUDA from CPU, as ``Module.to`` does), else a new Parameter
    stands in until :func:`move_out` puts the original back."""
    moved: list[_Slot] = []
    copies: dict[int, torch.Tensor] = {}  # a tensor shared by several modules is copied once
    streamed = {id(sub) for m in module.modules() if getattr(m, "block_streamer", None) is not None
                for block in m.block_streamer.streamed for sub in block.modules()}
    with torch.inference_mode(False), torch.no_grad():  # normal tensors: their version counters tell writes
        try:
            for m in module.modules():
                if id(m) in streamed:  # streamed blocks stay in host memory (stepvid.models.streaming)
                    continue
                for table in (m._parameters, m._buffers):
                    for key, t in list(table.items()):
                        if t is None or t.device.type != "cpu":
                            continue
                        host = t.data if isinstance(t, torch.nn.Parameter) else t
                        if id(t) not in copies:
                            copies[id(t)] = to_device(host)
                        dev = copies[id(t)]
                        if not isinstance(t, torch.nn.Parameter):
                            table[key] = dev
                        elif torch._has_compatible_shallow_copy_type(t, dev):
                            t.data = dev
                        else:
                            table[key] = torch.nn.Parameter(dev, requires_grad=t.requires_grad)
                        slot = _Slot(table, key, t, host, dev)
                        if table is m._buffers and m.training:  # a training-mode norm writes its running
                            slot.version = None  # statistics without a version bump: copied back always
                        moved.append(slot)
        except BaseException:  # e.g. out of device memory half way: the module is whole on the host again
            for slot in moved:
                slot.put_back(slot.host)  # nothing ran on the device: the host tensors are current
            raise
    return moved


def move_out(moved: list[_Slot], to_host: Copy) -> None:
    """Undo :func:`move_in`: the host tensors back where unchanged on the device, ``to_host`` copies elsewhere."""
    with torch.inference_mode(False), torch.no_grad():
        for slot in moved:
            slot.restore(to_host)
