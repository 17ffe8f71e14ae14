"""DiT per-layer speed and activation memory: the official Step-Video-T2V block against stepvid's, same GPU,
same run, same random weights and inputs (issue 21's comparison).

The official code is read from a local copy of its repository (``--official DIR``, e.g. a clone of
stepfun-ai/Step-Video-T2V); it is never committed here and stepvid never imports it. Only its block module
(``stepvideo/modules/blocks.py`` and what that imports) is loaded: the package ``__init__`` is skipped and its
``stepvideo.parallel`` (xfuser) is replaced by a one-GPU stand-in (world size 1), as ``attention_type='torch'``
runs it.

    python benchmarks/official_layer.py --official /path/to/Step-Video-T2V --layers 4 --batch 1

Rows: the official block as released (PyTorch's own SDPA choice, the dense cross-attention mask its model
builds), the same with SDPA's cuDNN kernel first (``--official-cudnn``), and stepvid's blocks in the bench's modes
(exact, chunked, fast, fast-chunked: ``stepvid bench --help``), then the approximate fast modes on one of those
(``--fast-modes``: sliding-tile sparse self-attention per ``--sparse`` spec, fp8 block matmuls, or both). Per row: seconds per layer (median of
``--repeats``), the activation peak (CUDA bytes allocated beyond weights and inputs) and the output's largest
difference to the official output relative to its largest value. The last lines are docs/benchmarks.md lines.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import statistics
import sys
import time
import types
from pathlib import Path

import torch

from stepvid.bench import _set_mode, build_random_dit, latent_grid, profile_table
from stepvid.generation_memory import TOKEN_CHUNK
from stepvid.models import attention as attn
from stepvid.models.dit import GELUProj, dit_config
from stepvid.models.rope import rope_cos_sin, rope_positions

MODES = ("exact", "chunked", "fast", "fast-chunked")


def load_official_blocks(root: Path):
    """The official ``stepvideo.modules.blocks`` module from a local copy of the repository."""
    pkg = root / "stepvideo"
    if not (pkg / "modules" / "blocks.py").is_file():
        raise SystemExit(f"--official {root}: no stepvideo/modules/blocks.py there (a copy of the official repo?)")
    for name, path in (("stepvideo", pkg), ("stepvideo.modules", pkg / "modules")):
        mod = types.ModuleType(name)
        mod.__path__ = [str(path)]  # a namespace: the package __init__ (pipelines, text encoders) is not run
        sys.modules[name] = mod
    par = types.ModuleType("stepvideo.parallel")
    par.get_sequence_parallel_world_size = lambda: 1
    par.get_sequence_parallel_rank = lambda: 0
    sys.modules["stepvideo.parallel"] = par
    return importlib.import_module("stepvideo.modules.blocks")


def timed(fn, device: torch.device, warmup: int, repeats: int) -> tuple[torch.Tensor, float, int]:
    """(output, median seconds, activation peak bytes; 0 off CUDA) of ``fn()``."""
    cuda = device.type == "cuda"
    with torch.no_grad():
        for _ in range(warmup):
            del_me = fn()
            del del_me
        if cuda:
            torch.cuda.synchronize(device)
            torch.cuda.empty_cache()
            base = torch.cuda.memory_allocated(device)
            torch.cuda.reset_peak_memory_stats(device)
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            out = fn()
            if cuda:
                torch.cuda.synchronize(device)
            times.append(time.perf_counter() - t0)
        peak = torch.cuda.max_memory_allocated(device) - base - out.numel() * out.element_size() if cuda else 0
    return out, statistics.median(times), peak


def fast_rows(args, model, blocks, run_ours, grid, device, diff) -> list[tuple[str, float, int, float]]:
    """Rows of the approximate fast modes on ``--fast-base``: sparse per spec, then fp8 matmuls (which replace the
    blocks' linears, so they come last), alone and with each sparse spec. A row that fails says why and the
    others still run."""
    from stepvid.models.fp8 import use_fp8_matmuls
    from stepvid.models.sparse_attention import parse_sparse_attention, use_plan

    wanted = [m for m in args.fast_modes.split(",") if m]
    unknown = set(wanted) - {"sparse", "fp8", "fp8+sparse"}
    if unknown:
        raise SystemExit(f"--fast-modes: unknown {sorted(unknown)}; use sparse, fp8, fp8+sparse")
    plans = {spec: parse_sparse_attention(spec).plan(grid, device) for spec in args.sparse}
    todo = [("sparse", spec) for spec in args.sparse if "sparse" in wanted]
    todo += [("fp8", None)] if "fp8" in wanted else []
    todo += [("fp8+sparse", spec) for spec in args.sparse if "fp8+sparse" in wanted]
    rows, fp8_on = [], False
    for kind, spec in todo:
        label = f"stepvid {args.fast_base} + {kind}" + (f" {spec} (density {plans[spec].density:.3f})" if spec else "")
        try:
            if kind.startswith("fp8") and not fp8_on:
                use_fp8_matmuls(model)
                fp8_on = True
            run, plan = run_ours(_set_mode(model, blocks, args.fast_base, args.token_chunk)), plans.get(spec)

            def fwd(run=run, plan=plan):
                with use_plan(plan):
                    return run()

            out, s, peak = timed(fwd, device, max(args.warmup, 1), args.repeats)
            rows.append((label, s, peak, diff(out)))
            del out
        except (RuntimeError, ValueError) as e:  # OOM, compiler failure: reported, not fatal to the other rows
            print(f"{label}: failed: {type(e).__name__}: {str(e)[:300]}", flush=True)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--official", required=True, type=Path, help="local copy of the official repository")
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--batch", type=int, default=1, choices=[1, 2])
    ap.add_argument("--frames", type=int, default=204)
    ap.add_argument("--height", type=int, default=544)
    ap.add_argument("--width", type=int, default=992)
    ap.add_argument("--heads", type=int, default=48, help="attention heads of 128 (48: the released width)")
    ap.add_argument("--text-len", type=int, default=397, help="text tokens (77 CLIP + Step-LLM)")
    ap.add_argument("--mode", default=",".join(MODES), help=f"stepvid modes, comma list of {', '.join(MODES)}")
    ap.add_argument("--fast-modes", default="",
                    help="approximate rows, comma list of sparse, fp8, fp8+sparse (run on --fast-base)")
    ap.add_argument("--fast-base", default="fast-chunked", choices=MODES, help="the exact mode the fast rows extend")
    ap.add_argument("--sparse", nargs="+", default=["window=3x3x3,tile=4x8x8"],
                    help="--sparse-attention specs of the sparse rows")
    ap.add_argument("--token-chunk", type=int, default=TOKEN_CHUNK)
    ap.add_argument("--official-cudnn", action="store_true", help="also the official block with cuDNN SDPA first")
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--gelu", default="epilogue", choices=("epilogue", "pass"),
                    help="the FFN's GELU in cuBLASLt's matmul epilogue (the CUDA default) or as its own pass")
    ap.add_argument("--rounds", type=int, default=1,
                    help="time the official block and the stepvid modes this many times, interleaved, and report "
                         "the medians (run-to-run drift of the clocks cancels)")
    ap.add_argument("--profile", type=int, default=0, metavar="N",
                    help="profile one forward of the last --mode and print its N costliest ops")
    ap.add_argument("--device", default="cuda", help="cuda (timings, peaks); cpu only checks the outputs, in fp32")
    args = ap.parse_args()
    device = torch.device(args.device)
    GELUProj.cublas_epilogue = args.gelu == "epilogue"
    dtype = torch.bfloat16 if device.type == "cuda" else torch.float32
    blocks_mod = load_official_blocks(args.official)

    cfg = dit_config("stepvideo-t2v", num_layers=args.layers, num_attention_heads=args.heads)
    d, b = cfg.hidden_size, args.batch
    f, h, w = latent_grid(args.frames, args.height, args.width)
    n = f * h * w
    ours = build_random_dit(cfg, device, dtype)
    mine = list(ours.transformer_blocks)
    official = []
    for blk in mine:
        o = blocks_mod.StepVideoTransformerBlock(dim=d, attention_head_dim=cfg.attention_head_dim,
                                                 attention_type="torch")
        o.load_state_dict(blk.state_dict())  # the same names: stepvid is weight-compatible
        official.append(o.to(device, dtype).eval())

    g = torch.Generator(device="cpu").manual_seed(0)
    x = torch.randn(b, n, d, generator=g).to(device, dtype)
    context = torch.randn(b, args.text_len, d, generator=g).to(device, dtype)
    mod = (0.1 * torch.randn(b, 6 * d, generator=g)).to(device, dtype)
    mask = torch.ones(b, n, args.text_len, dtype=torch.bool, device=device)  # as the official model builds it
    rope = rope_cos_sin(rope_positions(f, h, w, device=device), cfg.rope_split, cfg.rope_theta, dtype=dtype,
                        bf16_angles=cfg.rope_bf16_angles)

    def run_official():
        y = x
        for blk in official:
            y = blk(y, context, timestep=mod, attn_mask=mask, rope_positions=[f, h, w])
        return y

    def run_ours(blocks):
        def fwd():
            y = x
            for blk in blocks:
                y = blk(y, context, mod, rope)
            return y
        return fwd

    rows = []
    ref, s, peak = timed(run_official, device, args.warmup, args.repeats)
    rows.append(("official (PyTorch SDPA choice)", s, peak, 0.0))
    scale = ref.float().abs().max()

    def diff(out):
        return float((out.float() - ref.float()).abs().max() / scale)

    if args.official_cudnn:
        from torch.nn.attention import SDPBackend, sdpa_kernel

        order = [SDPBackend.CUDNN_ATTENTION, SDPBackend.FLASH_ATTENTION, SDPBackend.EFFICIENT_ATTENTION,
                 SDPBackend.MATH]
        with sdpa_kernel(order, set_priority=True):
            out, s, peak = timed(run_official, device, args.warmup, args.repeats)
        rows.append(("official (cuDNN SDPA first)", s, peak, diff(out)))
        del out
    modes = [m for m in MODES if m in args.mode.split(",")]
    if args.rounds == 1:
        official.clear()  # frees its weights
        if device.type == "cuda":
            torch.cuda.empty_cache()
    attn.set_attention_backend("auto")
    for mode in modes:
        blocks = _set_mode(ours, mine, mode, args.token_chunk)
        out, s, peak = timed(run_ours(blocks), device, max(args.warmup, 1 if mode.startswith("fast") else 0),
                             args.repeats)
        rows.append((f"stepvid {mode}", s, peak, diff(out)))
        del out
    if args.rounds > 1:  # official and each mode again, interleaved: the medians over rounds cancel clock drift
        mode_rows = range(len(rows) - len(modes), len(rows))
        times = {0: [rows[0][1]], **{i: [rows[i][1]] for i in mode_rows}}
        for _ in range(args.rounds - 1):
            times[0].append(timed(run_official, device, 0, args.repeats)[1])
            for i, mode in zip(mode_rows, modes):
                times[i].append(timed(run_ours(_set_mode(ours, mine, mode, args.token_chunk)), device, 0,
                                      args.repeats)[1])
        for i, ts in times.items():
            rows[i] = (rows[i][0], statistics.median(ts), *rows[i][2:])
        print("per round, s per layer: " + "; ".join(
            f"{rows[i][0]}: " + " ".join(f"{t / args.layers:.4f}" for t in ts) for i, ts in times.items()))
        official.clear()
    if args.profile:  # the last stepvid mode, before the fast rows change the blocks
        print(f"profile of one forward, stepvid {mode}, {args.layers} layers:")
        print(profile_table(run_ours(blocks), args.profile, device), flush=True)
    rows += fast_rows(args, ours, mine, run_ours, (f, h, w), device, diff)

    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "CPU"
    print(f"{args.layers} layers, {args.frames}x{args.height}x{args.width} = {n:,} tokens + {args.text_len} text, "
          f"batch {b}, {str(dtype).removeprefix('torch.')}, {name}")
    print("| block | s per layer | vs official | activation peak GiB | vs official | max rel diff |")
    print("|---|---|---|---|---|---|")
    s0, p0 = rows[0][1], rows[0][2]
    for label, s, peak, dmax in rows:
        print(f"| {label} | {s / args.layers:.4f} | {s0 / s:.3f}x | {peak / 2**30:.2f} | {peak / max(p0, 1):.0%} | {dmax:.1e} |")
    today = datetime.date.today().isoformat()
    argv = list(sys.argv)
    argv[argv.index("--official") + 1] = "<official repo>"
    cmd = "python " + " ".join(argv)
    dt = str(dtype).removeprefix("torch.")
    for label, s, peak, dmax in rows[1:]:
        print(f"- DiT per layer, {label} vs the official block, {n:,} tokens + {args.text_len} text, batch {b}, {dt}: "
              f"{s / args.layers * 1e3:.1f} vs {s0 / args.layers * 1e3:.1f} ms ({s0 / s:.3f}x), activation peak "
              f"{peak / 2**30:.2f} vs {p0 / 2**30:.2f} GiB ({peak / max(p0, 1):.0%}), output max rel diff {dmax:.1e} — "
              f"`{cmd}`, {name}, {today}")


if __name__ == "__main__":
    main()
