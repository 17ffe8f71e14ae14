"""fp8 matmuls in the DiT blocks (``--fp8-matmul``, stepvid/models/fp8.py): quality cost, speed and memory.

(a) Bundled model, real weights: held-out natural-phrasing prompts through the world rewriter (as
    ``benchmarks/sparse_attention.py`` (a)), exact vs fp8 matmuls: judge pass rate per object count and
    language, share of prompts with the exact verdict, final latents' relative L2 distance, sampling time per
    video (one prompt).
(b) One block's linears at the released width (6144, FFN 24576) on ``--tokens`` tokens of a batch-2 CFG
    forward: the model dtype's ``nn.Linear`` vs ``Fp8Linear`` (activation quantisation included), seconds.
(c) Released DiT width, random weights (``--layers`` blocks, latent grid ``--grid30``): one guided forward
    exact vs fp8; relative L2 distance of the output (an error scale under random weights, not a quality),
    seconds, and the blocks' weight bytes.

    PYTHONPATH=. python benchmarks/fp8_matmul.py --json fp8.json      # device: all parts
    PYTHONPATH=. python benchmarks/fp8_matmul.py --tiny               # CPU smoke test, ~1 minute
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
    JudgedRunner,
    add_run_args,
    best_time,
    finish,
    grid_arg,
    print_lines,
    recorded_command,
    rel,
    shrink_for_tiny,
    sync,
)

from stepvid.bench import build_random_dit, dit_inputs
from stepvid.models.dit import dit_config
from stepvid.models.fp8 import Fp8Linear, use_fp8_matmuls

COMMAND = "PYTHONPATH=. python benchmarks/fp8_matmul.py"
KEYS = ("1obj/en", "1obj/zh", "2obj/en", "2obj/zh")


def bundled_quality(args: argparse.Namespace, device: torch.device) -> dict:
    from stepvid.pipeline import TextToVideoPipeline
    from stepvid.pipeline_cli import bundled_model_dir

    model_dir = args.model or bundled_model_dir()
    prompts = [p for k in (1, 2) for p in heldout_prompts(args.n, k, "short", phrasing="natural")]
    kw = {"steps": args.steps, "num_frames": args.frames}
    out: dict = {"prompts": len(prompts), "seed": args.seed, "settings": {}}
    exact = None
    for setting in ("exact", "fp8"):
        pipe = TextToVideoPipeline.from_pretrained(model_dir, device=device)
        out["steps"], out["dtype"] = args.steps or pipe.defaults.steps, str(pipe.dtype).removeprefix("torch.")
        if setting == "fp8":
            pipe.use_fp8_matmuls()
        runner = JudgedRunner(pipe, prompts, args.seed, args.batch, args.decode_batch, args.judge_workers)
        try:
            run = runner.run(**kw)
            exact = exact or run
            runner.time_per_video(1, 1, **kw)  # warm-up
            r = {"table": summarize(run.rows), "pass": run.pass_rate, "same_verdict": run.same_verdict(exact),
                 "latent_distance": run.latent_distance(exact),
                 "dit_s_per_video_one": runner.time_per_video(1, args.repeats, **kw)}
        finally:
            runner.close()
        out["settings"][setting] = r
        print(f"[bundled] {setting}: pass {100 * r['pass']:.1f} %, same verdict {100 * r['same_verdict']:.1f} %, "
              f"latent distance {r['latent_distance']:.3f}, {r['dit_s_per_video_one']:.2f} s per video", flush=True)
    return out


def linears(args: argparse.Namespace, device: torch.device, dtype: torch.dtype) -> dict:
    d, mult = (256, 4) if args.tiny else (6144, 4)
    shapes = {"wqkv": (d, 3 * d), "wo": (d, d), "ff_in": (d, mult * d), "ff_out": (mult * d, d)}
    x_rows = 2 * args.tokens
    out: dict = {"tokens": args.tokens, "rows": x_rows, "width": d, "dtype": str(dtype).removeprefix("torch."),
                 "layers": {}}
    g = torch.Generator(device="cpu").manual_seed(0)
    with torch.no_grad():
        for name, (i, o) in shapes.items():
            lin = torch.nn.Linear(i, o, bias=False).to(device, dtype)
            lin.weight.copy_(torch.randn(o, i, generator=g) * 0.02)
            f8 = Fp8Linear(lin)
            x = torch.randn(x_rows, i, generator=g).to(device, dtype)
            r = {"model_s": best_time(lambda lin=lin, x=x: lin(x), device, args.repeats),
                 "fp8_s": best_time(lambda f8=f8, x=x: f8(x), device, args.repeats),
                 "distance": rel(f8(x), lin(x))}
            out["layers"][name] = r
            print(f"[linear] {name} {i}->{o}: {r['model_s']:.4f} s vs fp8 {r['fp8_s']:.4f} s "
                  f"({r['model_s'] / r['fp8_s']:.2f}x), distance {r['distance']:.4f}", flush=True)
            del lin, f8, x
    return out


def dit_30b(args: argparse.Namespace, device: torch.device, dtype: torch.dtype) -> dict:
    cfg = dit_config("tiny" if args.tiny else "stepvideo-t2v", num_layers=args.layers)
    model = build_random_dit(cfg, device, dtype, seed=0).eval()
    inputs = dit_inputs(cfg, args.grid30, 2, 16 if args.tiny else 320, device, dtype, seed=0)
    inputs["timestep"] = torch.full((2,), 0.5, device=device)

    def block_bytes() -> int:
        return sum(t.numel() * t.element_size() for t in [*model.transformer_blocks.parameters(),
                                                           *model.transformer_blocks.buffers()])

    out: dict = {"preset": "tiny" if args.tiny else "stepvideo-t2v", "layers": cfg.num_layers,
                 "grid": list(args.grid30), "tokens": int(np.prod(args.grid30)), "dtype": str(dtype).removeprefix("torch.")}
    with torch.no_grad():
        ref = model(**inputs)
        out["exact_s"], out["exact_block_bytes"] = best_time(lambda: model(**inputs), device, args.repeats), block_bytes()
        use_fp8_matmuls(model)
        out["distance"] = rel(model(**inputs), ref)
        out["fp8_s"], out["fp8_block_bytes"] = best_time(lambda: model(**inputs), device, args.repeats), block_bytes()
    print(f"[30b] {out}", flush=True)
    return out


def report(res: dict, device_name: str, tiny: bool) -> list[str]:
    date = datetime.date.today().isoformat()
    lines = []
    b = res.get("bundled")
    if b:
        e = b["settings"]["exact"]
        parts = "; ".join(
            f"{s}: {100 * r['pass']:.1f} % (" + " / ".join(f"{100 * r['table'][k]['pass']:.0f}" for k in KEYS
                                                            if k in r["table"])
            + f" %), same verdict {100 * r['same_verdict']:.0f} %, latent distance {r['latent_distance']:.3f}, "
            f"{r['dit_s_per_video_one']:.2f} s per video ({r['dit_s_per_video_one'] / e['dit_s_per_video_one']:.2f}x)"
            for s, r in b["settings"].items())
        lines.append(f"- fp8 matmuls (`--fp8-matmul`) on the bundled model ({b['dtype']}), {b['prompts'] // 2} held-out "
                     f"natural-phrasing prompts per object count (EN + ZH, world rewriter), seed {b['seed']}, "
                     f"{b['steps']} steps, judge pass (1obj EN / ZH, 2obj EN / ZH) — {parts} — `{res['command']}`, "
                     f"{device_name}, {date}")
    k = res.get("linears")
    if k:
        parts = "; ".join(f"{n} {r['model_s'] * 1e3:.1f} vs {r['fp8_s'] * 1e3:.1f} ms ({r['model_s'] / r['fp8_s']:.2f}x, "
                          f"distance {r['distance']:.3f})" for n, r in k["layers"].items())
        tm, tf = (sum(r[key] for r in k["layers"].values()) for key in ("model_s", "fp8_s"))
        lines.append(f"- fp8 matmuls, one block's self-attention and feed-forward linears at width {k['width']} on "
                     f"{k['rows']:,} rows ({k['tokens']:,} tokens x 2 CFG rows), {k['dtype']} vs `Fp8Linear` "
                     f"(activation quantisation included): {parts}; together {tm / tf:.2f}x — `{res['command']}`, "
                     f"{device_name}, {date}")
    d = res.get("dit30b")
    if d:
        lines.append(f"- fp8 matmuls at the released DiT width ({d['layers']} of 48 blocks, random {d['dtype']} weights, "
                     f"{d['tokens']:,} tokens, batch 2, τ 0.5): output {d['distance']:.4f} relative L2 from the exact "
                     f"forward (an error scale under random weights, not a quality); {d['exact_s']:.3f} vs "
                     f"{d['fp8_s']:.3f} s ({d['exact_s'] / d['fp8_s']:.2f}x); block weights "
                     f"{d['exact_block_bytes'] / 2**30:.2f} vs {d['fp8_block_bytes'] / 2**30:.2f} GiB — "
                     f"`{res['command']}`, {device_name}, {date}")
    print_lines(lines, tiny)
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_run_args(ap, "CPU smoke test")
    ap.add_argument("--tokens", type=int, default=75888, help="(b): video tokens (x 2 CFG rows)")
    ap.add_argument("--layers", type=int, default=2, help="(c): DiT blocks")
    ap.add_argument("--grid30", type=grid_arg, default=(36, 34, 62), help="(c): latent grid FxHxW")
    ap.add_argument("--skip", choices=["bundled", "linears", "dit30b"], nargs="*", default=[])
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    if args.tiny:
        shrink_for_tiny(args)
        args.tokens, args.grid30 = 512, (4, 8, 8)
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    dtype = torch.bfloat16 if device.type == "cuda" else torch.float32
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "CPU"
    res: dict = {"device": name, "command": recorded_command(COMMAND, argv)}
    t0 = time.time()
    if "linears" not in args.skip:
        res["linears"] = linears(args, device, dtype)
    if "dit30b" not in args.skip:
        res["dit30b"] = dit_30b(args, device, dtype)
        sync(device)
        torch.cuda.empty_cache() if device.type == "cuda" else None
    if "bundled" not in args.skip:
        res["bundled"] = bundled_quality(args, device)
    finish(res, report(res, name, args.tiny), args.json, t0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
