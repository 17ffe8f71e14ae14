"""Step caching (``--step-cache THRESHOLD``, stepvid/diffusion/step_cache.py): its quality cost and speed.

(a) Bundled model, real weights: held-out scenes, natural phrasing from the held-out families, through the
    model's world rewriter (``benchmarks/bundled_adherence.py``'s prompts; the world judge checks each video
    against its prompt's stated request, in a process pool while the GPU generates), one seed, the model's 50
    steps, at threshold 0 (the exact path) and each ``--thresholds`` value. Per threshold: judge pass rate per
    object count and language, the share of prompts with the exact path's verdict, the relative L2 distance of
    the final latents to the exact ones, the fraction of (sample, CFG branch, step) triples whose DiT blocks
    all ran, and the DiT time per video (sampler only, no VAE) against exact, timed after the judging, for a
    batch of ``--batch`` prompts and for one prompt (what ``stepvid generate`` runs).
(b) Released DiT shapes, random bf16 weights (``--layers`` of the 48 blocks, 6144 wide): a ``--steps30`` step
    guided sampler run (CFG 9, shift 13) at 544x992x``--frames`` (``--height30``, ``--width30``), exact vs
    cached. Random weights make no real trajectory, so the numbers are an error scale, not a quality: the final
    latents' distance to the exact run relative to how far the exact run moved from the noise
    (``||x_c - x_e|| / ||x_e - x_0||``), next to the same distance for the exact run with CFG split (bf16
    batching alone), plus seconds per step, the first block's step-to-step changes these weights produce, and
    the cached run with the blocks streamed (``--offload blocks``): bit-identical, and the block copies it made.
(c) docs/benchmarks.md lines.

    PYTHONPATH=. python benchmarks/step_cache.py --json step_cache.json     # device: (a) + (b), a few minutes
    PYTHONPATH=. python benchmarks/step_cache.py --tiny                      # CPU smoke test, ~3 minutes on 2 cores
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
import torch
from bundled_adherence import heldout_prompts, summarize
from judged_runs import (
    JudgedRun,
    JudgedRunner,
    add_run_args,
    finish,
    print_lines,
    recorded_command,
    rel,
    shrink_for_tiny,
    sync,
)

from stepvid.bench import build_random_dit, dit_inputs
from stepvid.diffusion.sampler import flow_schedule, initial_noise, sample_euler
from stepvid.diffusion.step_cache import StepCache, StepCacheConfig
from stepvid.models.dit import dit_config
from stepvid.models.streaming import stream_blocks

COMMAND = "PYTHONPATH=. python benchmarks/step_cache.py"


class _LoggedCache(StepCache):
    """A StepCache that keeps every relative change it computed (for the report)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.changes: list[float] = []

    def _changes(self, first, rows, group):
        out = super()._changes(first, rows, group)
        self.changes += [c for c in out if np.isfinite(c)]
        return out


# ------------------------------------------------------------------------------------------- (a) bundled


def bundled_quality(args: argparse.Namespace, device: torch.device) -> dict:
    from stepvid.pipeline import TextToVideoPipeline
    from stepvid.pipeline_cli import bundled_model_dir

    model_dir = args.model or bundled_model_dir()
    pipe = TextToVideoPipeline.from_pretrained(model_dir, device=device)
    prompts = [p for k in (1, 2) for p in heldout_prompts(args.n, k, "short", phrasing="natural")]
    kw = {"steps": args.steps, "num_frames": args.frames}
    thresholds = [0.0, *args.thresholds]
    out: dict = {"model": str(model_dir), "prompts": len(prompts), "steps": args.steps or pipe.defaults.steps,
                 "seed": args.seed, "rows": {}}
    runner = JudgedRunner(pipe, prompts, args.seed, args.batch, args.decode_batch, args.judge_workers)
    runs: dict[float, JudgedRun] = {}
    try:
        for thr in list(thresholds):
            if args.budget_s is not None and time.time() - args.t_start > args.budget_s:
                print(f"[bundled] time budget spent: thresholds {thresholds[thresholds.index(thr):]} not run",
                      flush=True)
                del thresholds[thresholds.index(thr):]
                break
            counts = [0, 0]  # row-steps computed fully, row-steps seen

            def count(counts=counts) -> None:
                cache = pipe.last_step_cache
                if cache is not None:
                    counts[0] += sum(sum(v) for v in cache.computed.values())
                    counts[1] += sum(len(v) for v in cache.computed.values())

            run = runs[thr] = runner.run(after_batch=count, step_cache=thr, **kw)
            out["rows"][thr] = run.rows
            r = {"table": summarize(run.rows), "pass": run.pass_rate,
                 "full_fraction": counts[0] / counts[1] if counts[1] else 1.0,
                 "latent_distance": run.latent_distance(runs[0.0]), "dit_s_in_run": run.dit_s,
                 "same_verdict": run.same_verdict(runs[0.0])}
            out[thr] = r
            print(f"[bundled] threshold {thr:g}: pass {100 * r['pass']:.1f} %, full steps "
                  f"{100 * r['full_fraction']:.1f} %, latent distance {r['latent_distance']:.3f}, "
                  f"DiT {run.dit_s:.1f} s in the judged run", flush=True)

        # Speed, with nothing else running: a batch of --batch prompts and one prompt, best of --repeats.
        for label, size in (("batch", min(args.batch, len(prompts))), ("one", 1)):
            runner.time_per_video(size, 1, **kw)  # warm-up
            for thr in thresholds:
                out[thr][f"dit_s_per_video_{label}"] = runner.time_per_video(size, args.repeats, step_cache=thr, **kw)
            out[f"{label}_size"] = size
    finally:
        runner.close()
    out["rows"] = {str(k): v for k, v in out["rows"].items()}
    return out


# ---------------------------------------------------------------------------------------- (b) 30B shapes


def dit_30b(args: argparse.Namespace, device: torch.device) -> dict:
    dtype = torch.bfloat16 if device.type == "cuda" else torch.float32
    if args.tiny:
        cfg = dit_config("tiny", num_layers=args.layers)
        grid, text_len = (3, 4, 6), 16
    else:
        cfg = dit_config("stepvideo-t2v", num_layers=args.layers)
        grid, text_len = (args.frames // 17 * 3, args.height30 // 16, args.width30 // 16), 320
    model = build_random_dit(cfg, device, dtype, seed=0)
    text = dit_inputs(cfg, grid, 2, text_len, device, dtype, text_valid=[text_len, 40], seed=0)
    del text["hidden_states"], text["timestep"]
    noise = initial_noise((1, grid[0], cfg.in_channels, grid[1], grid[2]), seed=0, device=device)
    tau = flow_schedule(args.steps30, 13.0)

    def run(threshold: float, split: bool = False) -> tuple[torch.Tensor, float, StepCache | None]:
        cache = None if threshold == 0 else _LoggedCache(StepCacheConfig(threshold), args.steps30)

        def velocity(x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
            if cache is not None:
                cache.next_step()
            extra = {} if cache is None else {"step_cache": cache}
            if not split:
                return model(hidden_states=x, timestep=t, **text, **extra)
            return torch.cat([model(hidden_states=x[i:i + 1], timestep=t[i:i + 1],
                                    **{k: v[i:i + 1] for k, v in text.items()}, **extra,
                                    **({"step_cache_rows": torch.tensor([i])} if cache else {}))
                              for i in range(2)])

        sync(device)
        t0 = time.perf_counter()
        with torch.no_grad():
            x = sample_euler(velocity, noise, tau, 9.0, model_dtype=dtype)
        sync(device)
        return x, time.perf_counter() - t0, cache

    run(0.0)  # warm-up (kernels, allocator)
    exact, t_exact, _ = run(0.0)
    split, _, _ = run(0.0, split=True)
    moved = exact - noise
    _, _, probe = run(1e-9)  # every step computed: the first block's step-to-step changes under these weights
    out = {"preset": "tiny" if args.tiny else "stepvideo-t2v", "layers": cfg.num_layers, "grid": list(grid),
           "tokens": grid[0] * grid[1] * grid[2], "steps": args.steps30, "dtype": str(dtype).removeprefix("torch."),
           "exact_s_per_step": t_exact / args.steps30,
           "move_over_output": float(moved.double().norm() / exact.double().norm()),
           "split_distance_moved": rel(split, exact, moved), "split_distance_out": rel(split, exact),
           "changes": sorted(round(c, 4) for c in probe.changes), "runs": {}}
    thresholds = args.thresholds30
    if thresholds is None:  # the given thresholds, plus the median and upper quartile of what these weights show
        q = np.quantile(probe.changes, [0.5, 0.75])
        thresholds = sorted({*args.thresholds, *(float(f"{v:.2g}") for v in q)})
    for thr in thresholds:
        x, t, cache = run(thr)
        out["runs"][thr] = {"s_per_step": t / args.steps30, "full_fraction": cache.computed_fraction,
                            "computed": {str(r): v for r, v in cache.computed.items()},
                            "distance_moved": rel(x, exact, moved), "distance_out": rel(x, exact)}
        print(f"[30b] threshold {thr:g}: {cache.summary()}, distance {out['runs'][thr]['distance_moved']:.4f} of "
              f"the move, {t / args.steps30:.3f} s/step (exact {t_exact / args.steps30:.3f})", flush=True)
    # With the block streamer (--offload blocks): the cached run of the threshold that reused most, streamed,
    # must equal the resident one bit for bit, and reused steps must not copy the skipped blocks.
    thr = min(out["runs"], key=lambda k: out["runs"][k]["full_fraction"])
    ref, _, c_ref = run(thr)
    streamer = stream_blocks(model, device)
    before = streamer.loads
    got, t, c_got = run(thr)
    out["streamed"] = {"threshold": thr, "bit_identical": bool(torch.equal(got, ref)),
                       "same_decisions": c_got.computed == c_ref.computed, "block_loads": streamer.loads - before,
                       "exact_block_loads": 2 + args.steps30 * cfg.num_layers, "s_per_step": t / args.steps30}
    print(f"[30b] streamed blocks at threshold {thr:g}: {out['streamed']}", flush=True)
    return out


# ------------------------------------------------------------------------------------------------ report


def report(res: dict, device_name: str, tiny: bool) -> list[str]:
    date = datetime.date.today().isoformat()
    lines = []
    b = res.get("bundled")
    if b:
        thr = [t for t in (0.0, *res["thresholds"]) if t in b]
        print(f"\n(a) bundled model, {b['prompts']} held-out natural prompts (world rewriter), seed {b['seed']}, "
              f"{b['steps']} steps; DiT time per video against exact (batch {b['batch_size']} / one prompt)")
        print("| threshold | full steps | 1obj EN | 1obj ZH | 2obj EN | 2obj ZH | all | same verdict | latent dist "
              "| DiT time (batch) | DiT time (one) |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        e = b[0.0]
        for t in thr:
            r, tab = b[t], b[t]["table"]
            cells = " | ".join(f"{100 * tab[k]['pass']:.0f} %" if k in tab else "-"
                               for k in ("1obj/en", "1obj/zh", "2obj/en", "2obj/zh"))
            print(f"| {t:g} | {100 * r['full_fraction']:.1f} % | {cells} | {100 * r['pass']:.1f} % | "
                  f"{100 * r['same_verdict']:.1f} % | {r['latent_distance']:.3f} | "
                  f"{r['dit_s_per_video_batch'] / e['dit_s_per_video_batch']:.2f}x "
                  f"({r['dit_s_per_video_batch']:.3f} s) | {r['dit_s_per_video_one'] / e['dit_s_per_video_one']:.2f}x "
                  f"({r['dit_s_per_video_one']:.3f} s) |")
        n = b["prompts"] // 2

        def cells(t: float) -> str:
            tab = b[t]["table"]
            return " / ".join(f"{100 * tab[k]['pass']:.0f}" for k in ("1obj/en", "1obj/zh", "2obj/en", "2obj/zh")
                              if k in tab)

        parts = "; ".join(
            f"{t:g}: {100 * b[t]['pass']:.1f} % ({cells(t)} %), "
            f"{100 * b[t]['full_fraction']:.0f} % full steps, same verdict {100 * b[t]['same_verdict']:.0f} %, "
            f"latent distance {b[t]['latent_distance']:.3f}, DiT time "
            f"{b[t]['dit_s_per_video_batch'] / e['dit_s_per_video_batch']:.2f}x (batch {b['batch_size']}) / "
            f"{b[t]['dit_s_per_video_one'] / e['dit_s_per_video_one']:.2f}x (one video)"
            for t in thr)
        lines.append(
            f"- Step caching (first-block cache, per-row decisions; warm-up 1, last step computed) on the bundled "
            f"model, {n} held-out natural-phrasing prompts per object count (EN + ZH from each scene's request, "
            f"world rewriter), seed {b['seed']}, {b['steps']} steps, judge pass (1obj EN/ZH, 2obj EN/ZH) by "
            f"threshold — {parts} (exact 1x = {e['dit_s_per_video_batch']:.3f} / {e['dit_s_per_video_one']:.3f} s "
            f"per video) — `{res['command']}`, {device_name}, {date}")
    d = res.get("dit30b")
    if d:
        print(f"\n(b) {d['preset']} DiT, {d['layers']} blocks, random {d['dtype']} weights, latent grid {d['grid']} "
              f"({d['tokens']:,} tokens), {d['steps']} guided steps; distance = ||x - x_exact|| / ||x_exact - noise||")
        print(f"exact {d['exact_s_per_step']:.3f} s/step; CFG-split exact run ({d['dtype']} batching alone): distance "
              f"{d['split_distance_moved']:.2e}; first-block step-to-step changes {d['changes'][0]:.3f}-"
              f"{d['changes'][-1]:.3f} (median {float(np.median(d['changes'])):.3f})")
        print("| threshold | full steps | distance (of the move) | distance (of the output) | s/step | vs exact |")
        print("|---|---|---|---|---|---|")
        for t, r in d["runs"].items():
            print(f"| {t:g} | {100 * r['full_fraction']:.0f} % | {r['distance_moved']:.2e} | {r['distance_out']:.2e} | "
                  f"{r['s_per_step']:.3f} | {r['s_per_step'] / d['exact_s_per_step']:.2f}x |")
        st = d["streamed"]
        print(f"streamed blocks at threshold {st['threshold']:g}: bit-identical to resident {st['bit_identical']}, "
              f"same decisions {st['same_decisions']}, {st['block_loads']} block copies (exact run: "
              f"{st['exact_block_loads']}), {st['s_per_step']:.3f} s/step")
        parts = "; ".join(f"{t:g}: {100 * r['full_fraction']:.0f} % full steps, distance {r['distance_moved']:.2e}, "
                          f"{r['s_per_step'] / d['exact_s_per_step']:.2f}x time" for t, r in d["runs"].items())
        lines.append(
            f"- Step caching at the released DiT width ({d['layers']} of 48 blocks, random {d['dtype']} weights, "
            f"{d['tokens']:,} tokens = {res['size30']}x{res['frames']}, batch-2 CFG 9, {d['steps']} steps): distance of the "
            f"final latents to the exact run relative to the exact run's move from the noise — {parts}; exact "
            f"{d['exact_s_per_step']:.3f} s/step, the same exact run with CFG split ({d['dtype']} batching alone) "
            f"{d['split_distance_moved']:.2e}; first-block changes under these weights "
            f"{d['changes'][0]:.3f}-{d['changes'][-1]:.3f} per step; with --offload blocks streaming at "
            f"{st['threshold']:g}: {'bit-identical' if st['bit_identical'] else 'NOT identical'} to resident, "
            f"{st['block_loads']} block copies vs {st['exact_block_loads']} exact — `{res['command']}`, {device_name}, "
            f"{date}")
    print_lines(lines, tiny)
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_run_args(ap, "CPU smoke test: a few prompts, few steps, tiny DiT")
    ap.add_argument("--thresholds", type=float, nargs="+", default=[0.05, 0.1, 0.2])
    ap.add_argument("--layers", type=int, default=4, help="(b): DiT blocks")
    ap.add_argument("--steps30", type=int, default=10, help="(b): sampler steps")
    ap.add_argument("--height30", type=int, default=544, help="(b): video height (a multiple of 16)")
    ap.add_argument("--width30", type=int, default=992, help="(b): video width (a multiple of 16)")
    ap.add_argument("--thresholds30", type=float, nargs="+", default=None,
                    help="(b): default: --thresholds plus the median and upper quartile of the first block's "
                    "step-to-step changes under the random weights (so that some steps are reused)")
    ap.add_argument("--budget-s", type=float, default=None,
                    help="(a): start no further threshold after this many seconds of the whole run")
    ap.add_argument("--skip", choices=["bundled", "dit30b"], nargs="*", default=[])
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    if args.frames not in (17, 34):
        ap.error("--frames must be 17 or 34")
    if min(args.height30, args.width30) < 16 or args.height30 % 16 or args.width30 % 16:
        ap.error("--height30 and --width30 are positive multiples of 16")
    if any(t <= 0 for t in args.thresholds):
        ap.error("--thresholds are > 0 (threshold 0, the exact path, is always run)")
    if args.tiny:
        shrink_for_tiny(args)
        args.steps30, args.layers = 3, 3
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "CPU"
    res: dict = {"thresholds": args.thresholds, "frames": args.frames, "device": name,
                 "command": recorded_command(COMMAND, argv),
                 "size30": f"{args.height30}x{args.width30}"}
    t0 = args.t_start = time.time()
    if "dit30b" not in args.skip:
        res["dit30b"] = dit_30b(args, device)
        torch.cuda.empty_cache() if device.type == "cuda" else None
    if "bundled" not in args.skip:
        res["bundled"] = bundled_quality(args, device)
    finish(res, report(res, name, args.tiny), args.json, t0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
