"""Import a repository script (``benchmarks/*.py``) as a module, so tests can call its functions and ``main``."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType


def load_script(path: Path, name: str) -> ModuleType:
    """Execute the script at ``path`` as a fresh module called ``name`` (its ``__main__`` block does not run)."""
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path} as a module")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run_cli_one_thread(argv: list[str]) -> None:
    """``stepvid ARGV`` in this process, on one torch thread like a subprocess started with
    OMP_NUM_THREADS=MKL_NUM_THREADS=1 (bit-identity with such a process holds for one thread count), saving the
    interpreter and torch start-up; the thread count and the deterministic-algorithms switch (which training
    turns on) are restored afterwards, so later tests in this process see what they saw before."""
    import torch

    from stepvid.cli import main

    threads, deterministic = torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()
    torch.set_num_threads(1)
    try:
        rc = main(argv)
    finally:
        torch.set_num_threads(threads)
        torch.use_deterministic_algorithms(deterministic)
    if rc != 0:
        raise AssertionError(f"stepvid {' '.join(argv)} exited with {rc}")
