"""How close Euler and ab2 get to the sampler's converged path at a given step count (same model, prompts, seeds).

For each prompt and seed: the reference is ab2 at ``--reference-steps`` (default 100; how far ab2 at 50 steps
lands from it shows how converged it is); each (solver, steps) run reports the relative L2 distance of its final
latents to it, the number that decides how many steps a solver needs. DiT only (no decode, no judge), so it
runs on a CPU.

    python benchmarks/solver_steps.py --model stepvid/bundled --prompts 3 --steps 8 15 25 50
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace

import torch

from stepvid.pipeline import TextToVideoPipeline

PROMPTS = ["a red circle moves to the right", "一个蓝色的正方形向左移动", "a yellow star and a green triangle move up"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="stepvid/bundled")
    ap.add_argument("--prompts", type=int, default=3, help=f"how many of the built-in prompts (at most {len(PROMPTS)})")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--steps", type=int, nargs="+", default=[8, 15, 25, 50])
    ap.add_argument("--reference-steps", type=int, default=100)
    ap.add_argument("--device", default="cpu")
    args = ap.parse_args()
    pipe = TextToVideoPipeline.from_pretrained(args.model, device=args.device)
    d = pipe.defaults
    t0 = time.perf_counter()

    def latents(prompt: str, solver: str, steps: int) -> torch.Tensor:
        pipe.defaults = replace(d, solver=solver)
        return pipe.sample_latents([prompt], [args.seed], steps=steps).double()

    dist: dict[tuple[str, int], list[float]] = {}
    for prompt in PROMPTS[: args.prompts]:
        ref = latents(prompt, "ab2", args.reference_steps)
        for solver in ("euler", "ab2"):
            for n in args.steps:
                x = latents(prompt, solver, n)
                dist.setdefault((solver, n), []).append(float((x - ref).norm() / ref.norm()))
        print(f"{prompt!r}: " + ", ".join(f"{k[0]} {k[1]}: {v[-1]:.4f}" for k, v in dist.items()), flush=True)
    print(f"\n{args.model}: {d.num_frames}x{d.height}x{d.width}, CFG {d.cfg:g}, shift {d.shift:g}, "
          f"{args.prompts} prompts, seed {args.seed}, {time.perf_counter() - t0:.0f} s")
    print("| steps | euler | ab2 |")
    print("|---|---|---|")
    for n in args.steps:
        print(f"| {n} | {statistics.mean(dist[('euler', n)]):.4f} | {statistics.mean(dist[('ab2', n)]):.4f} |")


if __name__ == "__main__":
    main()
