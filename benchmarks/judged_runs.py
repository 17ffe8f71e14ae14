"""Judged generation runs of one pipeline over a prompt list: what the fast-mode benchmarks (step caching, sparse
attention) share.

``JudgedRunner(pipe, prompts, ...)`` samples the prompts' latents in batches (timed: the DiT's sampler only),
decodes them and has the world judge check every video against its prompt's request, in a process pool while
the next batch generates. ``run(**sample_kwargs)`` returns the judged rows, the final latents (CPU fp32) and
the sampling seconds; ``same_verdict`` and ``latent_distance`` compare a run to a reference run.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass

import numpy as np
import torch

from stepvid.pipeline import postprocess_video
from stepvid.world import judge


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def best_time(fn: Callable[[], object], device: torch.device, repeats: int, warmup: bool = True) -> float:
    """Fastest of ``repeats`` timed calls of ``fn`` (device-synchronised), after one untimed call if ``warmup``
    (compilation, allocator)."""
    if warmup:
        fn()
    times = []
    for _ in range(repeats):
        sync(device)
        t0 = time.perf_counter()
        fn()
        sync(device)
        times.append(time.perf_counter() - t0)
    return min(times)


def grid_arg(text: str) -> tuple[int, int, int]:
    """argparse type of a latent grid FxHxW."""
    import argparse

    parts = [int(v) for v in text.lower().split("x")]
    if len(parts) != 3 or min(parts) < 1:
        raise argparse.ArgumentTypeError(f"a grid is FxHxW positive integers; got {text!r}")
    return tuple(parts)  # type: ignore[return-value]


def rel(a: torch.Tensor, b: torch.Tensor, ref: torch.Tensor | None = None) -> float:
    """||a - b|| / ||ref|| (ref = b), in fp64."""
    a, b = a.double(), b.double()
    return float((a - b).norm() / (b if ref is None else ref.double()).norm())


@dataclass
class JudgedRun:
    rows: list[dict]  # id, objects, lang, passed, score (in prompt order)
    latents: list[torch.Tensor]  # final latents, CPU fp32, in prompt order
    dit_s: float  # sampling seconds, all batches

    @property
    def pass_rate(self) -> float:
        return float(np.mean([r["passed"] for r in self.rows]))

    def same_verdict(self, ref: JudgedRun) -> float:
        """Share of prompts with the reference run's verdict."""
        return float(np.mean([a["passed"] == b["passed"] for a, b in zip(self.rows, ref.rows)]))

    def latent_distance(self, ref: JudgedRun) -> float:
        """Mean per-video relative L2 distance of the final latents to the reference run's."""
        return float(np.mean([rel(a, b) for a, b in zip(self.latents, ref.latents)]))


class JudgedRunner:
    """Batches of ``prompts`` (dicts with prompt, request, id, objects, lang) through ``pipe``, judged."""

    def __init__(self, pipe, prompts: list[dict], seed: int, batch: int, decode_batch: int, judge_workers: int):
        self.pipe, self.prompts, self.seed = pipe, prompts, seed
        self.batch, self.decode_batch = batch, decode_batch
        self.workers = judge_workers
        self.pool = None
        if judge_workers > 0:
            self.pool = ProcessPoolExecutor(judge_workers, mp_context=multiprocessing.get_context("spawn"))

    def run(self, after_batch: Callable[[], None] | None = None, **sample_kwargs) -> JudgedRun:
        """Every prompt once with ``pipe.sample_latents(..., **sample_kwargs)``; ``after_batch`` is called after
        each batch's sampling (e.g. to read the pipeline's step cache)."""
        pipe, device = self.pipe, self.pipe.device
        results: dict[int, dict] = {}
        pending: dict = {}
        latents: list[torch.Tensor] = []
        t_dit = 0.0

        def finish(fut) -> None:
            i = pending.pop(fut)
            res = fut.result()
            results[i] = self._row(i, res)

        for start in range(0, len(self.prompts), self.batch):
            batch = self.prompts[start : start + self.batch]
            sync(device)
            t0 = time.perf_counter()
            lat = pipe.sample_latents([p["prompt"] for p in batch], [self.seed] * len(batch), **sample_kwargs)
            sync(device)
            t_dit += time.perf_counter() - t0
            if after_batch is not None:
                after_batch()
            latents += [z.float().cpu() for z in lat]
            videos = pipe.decode_batch(lat, batch_size=self.decode_batch)
            for i, (p, v) in enumerate(zip(batch, videos), start):
                frames = postprocess_video(v.float())
                if self.pool is None:
                    results[i] = self._row(i, judge(frames, request=p["request"]))
                else:
                    pending[self.pool.submit(judge, frames, request=p["request"])] = i
            while len(pending) > 4 * self.workers + self.batch:
                for fut in wait(pending, return_when=FIRST_COMPLETED).done:
                    finish(fut)
        while pending:
            for fut in wait(pending, return_when=FIRST_COMPLETED).done:
                finish(fut)
        return JudgedRun([results[i] for i in range(len(self.prompts))], latents, t_dit)

    def _row(self, i: int, res) -> dict:
        p = self.prompts[i]
        return {"id": p["id"], "objects": p["objects"], "lang": p["lang"], "passed": bool(res.passed),
                "score": float(res.score)}

    def time_per_video(self, size: int, repeats: int, **sample_kwargs) -> float:
        """Best-of-``repeats`` sampling seconds per video for the first ``size`` prompts as one batch."""
        texts = [p["prompt"] for p in self.prompts[:size]]
        run = lambda: self.pipe.sample_latents(texts, [self.seed] * size, **sample_kwargs)
        return best_time(run, self.pipe.device, repeats, warmup=False) / size

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


# ---------------------------------------------------------------------------------------- command lines


def add_run_args(ap, tiny_help: str) -> None:
    """The flags every fast-mode benchmark shares: device, the bundled judged run and timing."""
    from pathlib import Path

    from bundled_adherence import default_workers

    ap.add_argument("--tiny", action="store_true", help=tiny_help)
    ap.add_argument("--device", default=None, help="default: cuda if available, else cpu")
    ap.add_argument("--model", type=Path, default=None, help="(a): model folder (default: the bundled model)")
    ap.add_argument("--n", type=int, default=100, help="(a): held-out scenes per object count (x EN, ZH)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--steps", type=int, default=None, help="(a): sampler steps (default: the model's)")
    ap.add_argument("--frames", type=int, default=34, help="frames of the bundled run (17 or 34)")
    ap.add_argument("--batch", type=int, default=64, help="(a): prompts per DiT batch")
    ap.add_argument("--decode-batch", type=int, default=16)
    ap.add_argument("--judge-workers", type=int, default=default_workers())
    ap.add_argument("--repeats", type=int, default=2, help="timed repeats (best is reported)")


def shrink_for_tiny(args) -> None:
    """--tiny: one scene per object count, 4 steps, 17 frames, judged in-process, one timed repeat."""
    args.n, args.steps, args.frames, args.batch, args.judge_workers, args.repeats = 1, 4, 17, 4, 0, 1


def recorded_command(command: str, argv: list[str] | None) -> str:
    """The command line as run, less ``--json PATH`` (where the output went is not part of what was measured)."""
    import sys

    given = list(sys.argv[1:] if argv is None else argv)
    if "--json" in given:
        del given[given.index("--json") : given.index("--json") + 2]
    return " ".join([command, *given])


def print_lines(lines: list[str], tiny: bool) -> None:
    print("\ndocs/benchmarks.md lines:" + (" (--tiny: a smoke test, not for the docs)" if tiny else ""))
    for line in lines:
        print(line)


def finish(res: dict, lines: list[str], json_path, t0: float) -> None:
    """The run's total time, and its results with the docs lines as JSON (``--json``)."""
    import json
    import time

    print(f"total {time.time() - t0:.0f} s")
    if json_path is not None:
        res["lines"] = lines
        json_path.write_text(json.dumps(res, indent=1, default=str) + "\n")
