"""Sliding-tile sparse attention (``--sparse-attention SPEC``, stepvid/models/sparse_attention.py): its quality
cost and speed.

(a) Bundled model, real weights: held-out scenes, natural phrasing from the held-out families, through the
    model's world rewriter (``benchmarks/bundled_adherence.py``'s prompts, judged by the world judge against
    each prompt's request), one seed, the model's default steps; the exact path and each ``--specs`` setting.
    Per setting: judge pass rate per object count and language, the share of prompts with the exact path's
    verdict, the final latents' relative L2 distance to the exact ones, the attention density, and the
    sampling time per video against exact (one prompt, best of ``--repeats``).
(b) Kernel: one self-attention call of ``--heads`` x ``--head-dim`` on the latent grid ``--grid`` (default: the
    released model's 204x544x992 video, 36x34x62 = 75,888 tokens) in the device's dtype: dense SDPA vs each
    spec's sparse kernels, seconds per call, and the largest difference to masked dense attention on a
    ``--check-grid`` small enough for the dense mask.
(c) Released DiT width, random weights (``--layers`` of the 48 blocks, 6144 wide, grid ``--grid30``): one
    guided forward exact vs sparse; relative L2 distance of the output to the exact one (an error scale under
    random weights, not a quality) and seconds per forward.
(d) docs/benchmarks.md lines.

    PYTHONPATH=. python benchmarks/sparse_attention.py --json sparse.json        # device: all parts
    PYTHONPATH=. python benchmarks/sparse_attention.py --tiny                     # CPU smoke test, ~2 minutes
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
import torch.nn.functional as F
from bundled_adherence import heldout_prompts, summarize
from judged_runs import (
    JudgedRunner,
    add_run_args,
    best_time,
    finish,
    grid_arg,
    print_lines,
    recorded_command,
    rel,
    shrink_for_tiny,
)

from stepvid.bench import build_random_dit, dit_inputs
from stepvid.models.dit import dit_config
from stepvid.models.sparse_attention import parse_sparse_attention

COMMAND = "PYTHONPATH=. python benchmarks/sparse_attention.py"
BUNDLED_SPECS = ["window=1x3x3,tile=1x4x4", "window=2x2x2,tile=2x4x4", "window=3x2x2,tile=2x4x4",
                 "window=2x2x2,tile=2x4x4,dense-until=0.5"]
KERNEL_SPECS = ["window=3x3x3,tile=4x8x8", "window=3x3x3,tile=4x8x8,backend=flex"]


# ------------------------------------------------------------------------------------------- (a) bundled


def bundled_quality(args: argparse.Namespace, device: torch.device) -> dict:
    from stepvid.pipeline import TextToVideoPipeline
    from stepvid.pipeline_cli import bundled_model_dir

    model_dir = args.model or bundled_model_dir()
    pipe = TextToVideoPipeline.from_pretrained(model_dir, device=device)
    prompts = [p for k in (1, 2) for p in heldout_prompts(args.n, k, "short", phrasing="natural")]
    kw = {"steps": args.steps, "num_frames": args.frames}
    grid = (args.frames // 17 * 3, 192 // 16, 192 // 16)
    out: dict = {"model": str(model_dir), "prompts": len(prompts), "steps": args.steps or pipe.defaults.steps,
                 "seed": args.seed, "grid": list(grid), "settings": {}}
    runner = JudgedRunner(pipe, prompts, args.seed, args.batch, args.decode_batch, args.judge_workers)
    try:
        exact = None
        for spec in ["exact", *args.specs]:
            config = None if spec == "exact" else parse_sparse_attention(spec)
            pipe.set_sparse_attention(config)
            run = runner.run(**kw)
            exact = exact or run
            r = {"table": summarize(run.rows), "pass": run.pass_rate, "same_verdict": run.same_verdict(exact),
                 "latent_distance": run.latent_distance(exact), "dit_s_in_run": run.dit_s,
                 "density": 1.0 if config is None else config.plan(grid, "cpu").density,
                 "dense_until": 0.0 if config is None else config.dense_until}
            runner.time_per_video(1, 1, **kw)  # warm-up
            r["dit_s_per_video_one"] = runner.time_per_video(1, args.repeats, **kw)
            out["settings"][spec] = r
            print(f"[bundled] {spec}: pass {100 * r['pass']:.1f} %, same verdict {100 * r['same_verdict']:.1f} %, "
                  f"latent distance {r['latent_distance']:.3f}, density {r['density']:.2f}, "
                  f"{r['dit_s_per_video_one']:.2f} s per video", flush=True)
    finally:
        pipe.set_sparse_attention(None)
        runner.close()
    return out


# --------------------------------------------------------------------------------------------- (b) kernel


def kernel(args: argparse.Namespace, device: torch.device, dtype: torch.dtype) -> dict:
    from stepvid.models.attention import attention

    out: dict = {"grid": list(args.grid), "heads": args.heads, "head_dim": args.head_dim,
                 "dtype": str(dtype).removeprefix("torch."), "specs": {}}
    g = torch.Generator(device="cpu").manual_seed(0)
    n = int(np.prod(args.grid))
    q, k, v = (torch.randn(1, n, args.heads, args.head_dim, generator=g).to(device, dtype) for _ in range(3))
    with torch.no_grad():
        out["dense_s"] = best_time(lambda: attention(q, k, v), device, args.repeats)
        print(f"[kernel] dense {out['dense_s']:.4f} s at {args.grid} ({n:,} tokens)", flush=True)
        small = [torch.randn(2, int(np.prod(args.check_grid)), 2, args.head_dim, generator=g).to(device, dtype)
                 for _ in range(3)]
        for spec in args.kernel_specs:
            config = parse_sparse_attention(spec)
            plan = config.plan(args.grid, device)
            r = {"density": plan.density, "s": best_time(lambda plan=plan: plan(q, k, v), device, args.repeats)}
            check = config.plan(args.check_grid, device)
            ref = F.scaled_dot_product_attention(*(t.transpose(1, 2).float() for t in small),
                                                 attn_mask=check.keep_mask()).transpose(1, 2)
            r["max_abs_diff"] = float((check(*small).float() - ref).abs().max())
            out["specs"][spec] = r
            print(f"[kernel] {spec}: density {r['density']:.3f}, {r['s']:.4f} s ({out['dense_s'] / r['s']:.2f}x "
                  f"dense), max |diff| to masked dense {r['max_abs_diff']:.2e} at {args.check_grid}", flush=True)
    return out


# ---------------------------------------------------------------------------------------- (c) 30B shapes


def dit_30b(args: argparse.Namespace, device: torch.device, dtype: torch.dtype) -> dict:
    cfg = dit_config("tiny" if args.tiny else "stepvideo-t2v", num_layers=args.layers)
    model = build_random_dit(cfg, device, dtype, seed=0).eval()
    inputs = dit_inputs(cfg, args.grid30, 2, 16 if args.tiny else 320, device, dtype, seed=0)
    inputs["timestep"] = torch.full((2,), 0.5, device=device)
    out: dict = {"preset": "tiny" if args.tiny else "stepvideo-t2v", "layers": cfg.num_layers,
                 "grid": list(args.grid30), "tokens": int(np.prod(args.grid30)),
                 "dtype": str(dtype).removeprefix("torch."), "specs": {}}
    with torch.no_grad():
        model.set_sparse_attention(None)
        ref = model(**inputs)
        out["exact_s"] = best_time(lambda: model(**inputs), device, args.repeats)
        for spec in args.kernel_specs:
            config = parse_sparse_attention(spec)
            model.set_sparse_attention(config)
            got = model(**inputs)
            out["specs"][spec] = {"density": config.plan(args.grid30, "cpu").density, "distance": rel(got, ref),
                                  "s": best_time(lambda: model(**inputs), device, args.repeats)}
            print(f"[30b] {spec}: {out['specs'][spec]}", flush=True)
        model.set_sparse_attention(None)
    return out


# ------------------------------------------------------------------------------------------------ report


def report(res: dict, device_name: str, tiny: bool) -> list[str]:
    date = datetime.date.today().isoformat()
    lines = []
    b = res.get("bundled")
    if b:
        print(f"\n(a) bundled model, {b['prompts']} held-out natural prompts (world rewriter), seed {b['seed']}, "
              f"{b['steps']} steps, latent grid {b['grid']}")
        print("| setting | density | 1obj EN | 1obj ZH | 2obj EN | 2obj ZH | all | same verdict | latent dist | DiT time |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        e = b["settings"]["exact"]
        keys = ("1obj/en", "1obj/zh", "2obj/en", "2obj/zh")
        for spec, r in b["settings"].items():
            cells = " | ".join(f"{100 * r['table'][k]['pass']:.0f} %" if k in r["table"] else "-" for k in keys)
            print(f"| {spec} | {r['density']:.2f} | {cells} | {100 * r['pass']:.1f} % | {100 * r['same_verdict']:.1f} % "
                  f"| {r['latent_distance']:.3f} | {r['dit_s_per_video_one'] / e['dit_s_per_video_one']:.2f}x |")
        parts = "; ".join(
            f"{spec}: {100 * r['pass']:.1f} % ("
            + " / ".join(f"{100 * r['table'][k]['pass']:.0f}" for k in keys if k in r["table"])
            + f" %), density {r['density']:.2f}, same verdict {100 * r['same_verdict']:.0f} %, latent distance "
            f"{r['latent_distance']:.3f}, DiT time {r['dit_s_per_video_one'] / e['dit_s_per_video_one']:.2f}x"
            for spec, r in b["settings"].items())
        lines.append(
            f"- Sliding-tile sparse attention (`--sparse-attention`) on the bundled model, {b['prompts'] // 2} held-out "
            f"natural-phrasing prompts per object count (EN + ZH, world rewriter), seed {b['seed']}, {b['steps']} "
            f"steps, latent grid {'x'.join(map(str, b['grid']))}, judge pass (1obj EN / ZH, 2obj EN / ZH) — {parts} "
            f"(exact {e['dit_s_per_video_one']:.2f} s per video) — `{res['command']}`, {device_name}, {date}")
    k = res.get("kernel")
    if k:
        grid = "x".join(map(str, k["grid"]))
        print(f"\n(b) one self-attention call, grid {grid}, {k['heads']} heads x {k['head_dim']}, {k['dtype']}: "
              f"dense {k['dense_s']:.4f} s")
        parts = "; ".join(f"{spec}: density {r['density']:.3f}, {r['s']:.4f} s ({k['dense_s'] / r['s']:.2f}x), "
                          f"max |diff| to masked dense {r['max_abs_diff']:.1e}" for spec, r in k["specs"].items())
        print(parts)
        lines.append(f"- Sliding-tile attention kernel, one call on a {grid} latent grid "
                     f"({int(np.prod(k['grid'])):,} tokens), {k['heads']} heads x {k['head_dim']}, {k['dtype']}: dense "
                     f"SDPA {k['dense_s']:.4f} s; {parts} — `{res['command']}`, {device_name}, {date}")
    d = res.get("dit30b")
    if d:
        parts = "; ".join(f"{spec}: density {r['density']:.3f}, output distance {r['distance']:.3f}, "
                          f"{r['s']:.3f} s ({d['exact_s'] / r['s']:.2f}x)" for spec, r in d["specs"].items())
        print(f"\n(c) {d['preset']} DiT, {d['layers']} blocks, random {d['dtype']} weights, grid {d['grid']}: exact "
              f"{d['exact_s']:.3f} s per batch-2 forward; {parts}")
        lines.append(f"- Sliding-tile attention at the released DiT width ({d['layers']} of 48 blocks, random "
                     f"{d['dtype']} weights, {d['tokens']:,} tokens, batch 2, τ 0.5): relative L2 distance of the "
                     f"output to the exact forward (an error scale under random weights, not a quality) — {parts}; "
                     f"exact {d['exact_s']:.3f} s — `{res['command']}`, {device_name}, {date}")
    print_lines(lines, tiny)
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_run_args(ap, "CPU smoke test: few prompts and steps, small grids")
    ap.add_argument("--specs", nargs="+", default=BUNDLED_SPECS, help="(a): --sparse-attention settings")
    ap.add_argument("--grid", type=grid_arg, default=(36, 34, 62), help="(b): latent grid FxHxW")
    ap.add_argument("--check-grid", type=grid_arg, default=(8, 12, 20), help="(b): grid of the exactness check")
    ap.add_argument("--heads", type=int, default=48, help="(b)")
    ap.add_argument("--head-dim", type=int, default=128, help="(b)")
    ap.add_argument("--kernel-specs", nargs="+", default=KERNEL_SPECS, help="(b) and (c): settings")
    ap.add_argument("--layers", type=int, default=2, help="(c): DiT blocks")
    ap.add_argument("--grid30", type=grid_arg, default=(36, 34, 62), help="(c): latent grid FxHxW")
    ap.add_argument("--skip", choices=["bundled", "kernel", "dit30b"], nargs="*", default=[])
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    if args.frames not in (17, 34):
        ap.error("--frames must be 17 or 34")
    for spec in [*args.specs, *args.kernel_specs]:
        try:
            parse_sparse_attention(spec)
        except ValueError as e:
            ap.error(str(e))
    if args.tiny:
        shrink_for_tiny(args)
        args.specs = args.specs[:1]
        args.grid, args.check_grid, args.heads, args.head_dim = (6, 12, 12), (3, 4, 6), 2, 32
        args.grid30, args.layers = (4, 8, 8), 2
        args.kernel_specs = ["window=1x1x1,tile=2x4x4", "window=1x1x1,tile=2x4x4,backend=flex"]
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    dtype = torch.bfloat16 if device.type == "cuda" else torch.float32
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "CPU"
    res: dict = {"device": name, "command": recorded_command(COMMAND, argv)}
    t0 = time.time()
    if "kernel" not in args.skip:
        res["kernel"] = kernel(args, device, dtype)
    if "dit30b" not in args.skip:
        res["dit30b"] = dit_30b(args, device, dtype)
        torch.cuda.empty_cache() if device.type == "cuda" else None
    if "bundled" not in args.skip:
        res["bundled"] = bundled_quality(args, device)
    finish(res, report(res, name, args.tiny), args.json, t0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
