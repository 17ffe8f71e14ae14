"""Process-wide settings the code chooses for the user: the CUDA allocator (applied before CUDA starts), glibc's
malloc for CPU work (freed memory kept for reuse) and whether the CPU computes bf16 natively (the CPU generation
dtype)."""

from __future__ import annotations

import ctypes
import os
import sys

__all__ = ["configure_cpu_allocator", "configure_cuda_allocator", "cpu_has_native_bf16"]

# Expandable segments let the caching allocator grow one mapping instead of carving fixed-size segments: a
# full-size forward at batch 2 peaks at 73.9 GiB allocated but needed 93 GiB reserved without them, so it
# failed under an 80 GB card's limit on fragmentation alone.
_ALLOC_CONF = "expandable_segments:True"


def configure_cuda_allocator() -> bool:
    """Set ``PYTORCH_CUDA_ALLOC_CONF`` to expandable segments unless the user set it; returns whether it did.

    Takes effect only if called before the first CUDA allocation of the process (the allocator reads the
    variable once), so entry points call it before loading any model.
    """
    if "PYTORCH_CUDA_ALLOC_CONF" in os.environ or "PYTORCH_ALLOC_CONF" in os.environ:
        return False
    os.environ["PYTORCH_CUDA_ALLOC_CONF"] = _ALLOC_CONF
    return True


# glibc serves each allocation above its mmap threshold (128 KiB, raised on the fly to at most 32 MiB) with a fresh
# mapping and unmaps it on free, so every one of the CPU VAE decoder's ~100 MB activations is page-faulted in again:
# the bundled model's 34-frame 192x192 decode took 3.3 M faults and ~6 CPU-s in the kernel. With the thresholds
# raised, freed memory stays in the heap for the next tensor: that decode 7.0 -> 6.4 s on 2 cores (kernel time
# 6 -> 0.5 CPU-s). The process then keeps its peak heap until it exits (a long-lived `serve` too), and a block
# freed a little too small for the next request (alignment slack) can leave the heap somewhat above the old peak.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameter numbers
_MALLOC_LIMIT = 2**31 - 1


def configure_cpu_allocator() -> bool:
    """Raise glibc's mmap and trim thresholds (see above) for this process; returns whether it did. Skipped where
    the user tunes malloc already (``MALLOC_*`` variables, ``GLIBC_TUNABLES``), preloads another allocator
    (``LD_PRELOAD``, e.g. jemalloc), sets ``STEPVID_MALLOC_TUNE=0``, or the C library is not glibc. Entry points
    call it (the CLI, not the library: a host program keeps its own allocator settings)."""
    env = os.environ
    if (env.get("STEPVID_MALLOC_TUNE") == "0" or any(k.startswith("MALLOC_") for k in env)
            or "GLIBC_TUNABLES" in env or env.get("LD_PRELOAD") or not sys.platform.startswith("linux")):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        if not libc.gnu_get_libc_version():  # glibc's own symbol: musl and others have no such function
            return False
        return bool(libc.mallopt(_M_MMAP_THRESHOLD, _MALLOC_LIMIT) and libc.mallopt(_M_TRIM_THRESHOLD, _MALLOC_LIMIT))
    except (OSError, AttributeError):
        return False


# x86 feature flags of native bf16 arithmetic: with them oneDNN runs bf16 convolutions and matmuls about twice as
# fast as fp32 (the bundled VAE decode 3.7 -> 1.6 s on 2 AVX512-BF16 cores); without them bf16 is emulated, slower.
_BF16_FLAGS = ("avx512_bf16", "amx_bf16")


def cpu_has_native_bf16(cpuinfo: str | None = None) -> bool:
    """Whether this CPU computes bf16 natively (``_BF16_FLAGS`` in /proc/cpuinfo's flags; False where that file
    does not exist). ``STEPVID_CPU_BF16=1`` / ``0`` overrides the answer (the test suite pins 0, so its numbers do
    not depend on the machine); ``cpuinfo``: the file's text, for tests."""
    forced = os.environ.get("STEPVID_CPU_BF16")
    if forced in ("0", "1"):
        return forced == "1"
    if cpuinfo is None:
        try:
            with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
                cpuinfo = f.read()
        except OSError:
            return False
    for line in cpuinfo.splitlines():
        if line.startswith("flags"):
            return any(flag in line.split() for flag in _BF16_FLAGS)
    return False
