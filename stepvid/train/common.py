"""Pieces every trainer shares: run folder, metrics log, learning-rate schedule, MFU, model factories."""

from __future__ import annotations

import importlib
import json
import math
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

from stepvid.video import atomic_path

__all__ = [
    "RunLogger",
    "budget_step",
    "check_run_config",
    "import_factory",
    "lr_at",
    "measure_matmul_tflops",
    "set_determinism",
    "step_generator",
    "truncate_metrics",
]


def import_factory(spec: str) -> Callable[..., Any]:
    """``"package.module:function"`` -> the function (custom models / encoders in configs)."""
    if ":" not in spec:
        raise ValueError(f"factory must look like 'package.module:function', got {spec!r}")
    mod, fn = spec.split(":", 1)
    try:
        return getattr(importlib.import_module(mod), fn)
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"cannot import factory {spec!r}: {exc}") from None


def lr_at(step: int, total: int, base: float, warmup: int, schedule: str, min_ratio: float) -> float:
    """Linear warm-up over ``warmup`` steps, then constant or cosine decay to ``min_ratio · base``."""
    if warmup > 0 and step < warmup:
        return base * (step + 1) / warmup
    if schedule == "cosine" and total > warmup:
        p = min(1.0, (step - warmup) / max(1, total - warmup))
        return base * (min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * p)))
    return base


def budget_step(step: int, total: int, elapsed_s: float, max_minutes: float | None) -> int:
    """The step a schedule reads under a wall-time budget: ``step``, or ``total`` times the spent share of
    ``max_minutes`` if that is larger (so a cosine still anneals, and the run stops once it reaches ``total``)."""
    if not max_minutes:
        return step
    return max(step, min(total, math.ceil(total * elapsed_s / (60.0 * max_minutes))))


def set_determinism(on: bool) -> None:
    if on:
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
        torch.use_deterministic_algorithms(True, warn_only=False)
        torch.backends.cudnn.benchmark = False


def step_generator(*parts: int) -> torch.Generator:
    """A CPU generator seeded from integers (seed, step, sample…): same draws in any process layout."""
    from stepvid.data.dataset import sample_seed

    return torch.Generator().manual_seed(sample_seed(*parts))


def measure_matmul_tflops(
    device: torch.device | str = "cuda", n: int = 8192, iters: int = 20, dtype: torch.dtype = torch.bfloat16
) -> float:
    """Achieved dense matmul rate (TFLOP/s) on this device, the MFU denominator when no peak is given."""
    device = torch.device(device)
    a = torch.randn(n, n, device=device, dtype=dtype)
    b = torch.randn(n, n, device=device, dtype=dtype)
    for _ in range(3):
        a @ b
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    t0 = time.perf_counter()
    for _ in range(iters):
        a @ b
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    return 2 * n**3 * iters / (time.perf_counter() - t0) / 1e12


def truncate_metrics(path: Path, max_step: int) -> None:
    """Drop logged rows after ``max_step`` (a resumed run rewrites those steps)."""
    if not path.exists():
        return
    keep = [
        ln for ln in path.read_text().splitlines() if ln.strip() and json.loads(ln).get("step", 0) <= max_step
    ]
    with atomic_path(path) as tmp:
        tmp.write_text("".join(ln + "\n" for ln in keep))


def check_run_config(run_dir: Path, config: dict[str, Any], resume_keys: tuple[str, ...], write: bool = True) -> None:
    """Refuse to resume ``run_dir`` with other values of ``resume_keys`` than it was started with; then (on the
    main process: ``write``) record ``config`` as the run's ``config.json``."""
    path = Path(run_dir) / "config.json"
    if path.is_file():
        old = json.loads(path.read_text())
        for k in resume_keys:
            if old.get(k) != config.get(k):
                raise ValueError(f"{run_dir}: this run was started with {k}={old.get(k)!r}, now "
                                 f"{k}={config.get(k)!r}; use a new --run-dir or the same settings")
    if write:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as tmp:
            tmp.write_text(json.dumps(config, indent=1) + "\n")


class RunLogger:
    """JSONL metrics (``metrics.jsonl``) + optional TensorBoard, on the main rank only."""

    def __init__(self, run_dir: str | os.PathLike, enabled: bool, tensorboard: bool) -> None:
        self.dir = Path(run_dir)
        self.enabled = enabled
        self.tb = None
        if enabled and tensorboard:
            try:
                from torch.utils.tensorboard import SummaryWriter

                self.tb = SummaryWriter(str(self.dir / "tensorboard"))
            except Exception:  # noqa: BLE001 - tensorboard is an optional extra
                self.tb = None

    def write_config(self, cfg_dict: dict[str, Any]) -> None:
        if self.enabled:
            self.dir.mkdir(parents=True, exist_ok=True)
            with atomic_path(self.dir / "config.json") as tmp:
                tmp.write_text(json.dumps(cfg_dict, indent=2))

    def log(self, step: int, metrics: dict[str, Any]) -> None:
        if not self.enabled:
            return
        row = {
            "step": step,
            **{
                k: (float(v) if isinstance(v, (int, float, torch.Tensor)) and not isinstance(v, bool) else v)
                for k, v in metrics.items()
            },
        }
        with open(self.dir / "metrics.jsonl", "a", encoding="utf-8") as f:
            f.write(json.dumps(row) + "\n")
        if self.tb is not None:
            for k, v in row.items():
                if isinstance(v, float):
                    self.tb.add_scalar(k, v, step)

    def close(self) -> None:
        if self.tb is not None:
            self.tb.close()
