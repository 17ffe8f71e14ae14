"""Multi-GPU inference scaling: DiT seconds per sampler step and the video's time at 1, 2, 4 ... GPUs.

For each GPU count N this starts ``torchrun --nproc-per-node N`` on itself; every worker builds the released
DiT (random bf16 weights, ``--layers`` of its 48 blocks) and Video-VAE on its GPU, wraps them as
``stepvid generate --gpus N`` does (stepvid.parallel: cfg groups x Ulysses sequence parallel, chunk-parallel
VAE decode) and times ``--steps`` guided sampler steps at 204x544x992 (the first is a warm-up) and the
decode of the result. Text encoding is left out: rank 0 alone runs it, the same at any N (38 s for Step-LLM
on one H200, docs/benchmarks.md). The video's time is projected as ``--projected-steps`` x the median step
+ the decode.

    python benchmarks/multigpu_scaling.py --gpus 1,2,4 --json runs/multigpu.json   # on a 4-GPU machine
    python benchmarks/multigpu_scaling.py --tiny --gpus 1,2,3                      # CPU smoke test (gloo)

Prints a table and one docs/benchmarks.md line per N; ``--json`` writes every number (atomically).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from stepvid.parallel.launch import local_env, torchrun_argv

GiB = 2**30


def _args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gpus", default="1,2,4", help="comma list of GPU (process) counts (default: 1,2,4)")
    ap.add_argument(
        "--steps", type=int, default=3, help="sampler steps per run, the first untimed (default: 3)"
    )
    ap.add_argument(
        "--projected-steps", type=int, default=50, help="steps of the projected video (default: 50)"
    )
    ap.add_argument("--frames", type=int, default=None, help="default: 204 (tiny: 51)")
    ap.add_argument("--height", type=int, default=None, help="default: 544 (tiny: 64)")
    ap.add_argument("--width", type=int, default=None, help="default: 992 (tiny: 96)")
    ap.add_argument("--layers", type=int, default=None, help="DiT blocks (default: all 48; tiny: 2)")
    ap.add_argument("--cfg", type=float, default=9.0, help="guidance scale; 1 = unguided (default: 9)")
    ap.add_argument(
        "--no-cfg-parallel", action="store_true", help="all N GPUs in one sequence-parallel group"
    )
    ap.add_argument("--tiny", action="store_true", help="tiny presets, CPU processes (gloo): a smoke test")
    ap.add_argument("--json", metavar="OUT", default=None, help="write every number here")
    ap.add_argument("--worker", metavar="OUT", default=None, help=argparse.SUPPRESS)  # internal: one run
    args = ap.parse_args()
    args.frames = args.frames or (51 if args.tiny else 204)
    args.height = args.height or (64 if args.tiny else 544)
    args.width = args.width or (96 if args.tiny else 992)
    args.layers = args.layers or (2 if args.tiny else 48)
    return args


# --------------------------------------------------------------------------------------------- one run


class _NoText:
    """TextEncoder stand-in: the benchmark feeds random text states straight to the sampler."""

    def __init__(self, llm_dim: int, clip_dim: int) -> None:
        self.llm_dim, self.clip_dim = llm_dim, clip_dim

    def encode(self, prompts, device=None):
        raise RuntimeError("the benchmark does not encode text")


def _worker(args: argparse.Namespace) -> None:
    import torch
    import torch.distributed as dist

    from stepvid.models.dit import StepVideoDiT, dit_config
    from stepvid.models.text.base import TextEmbeddings
    from stepvid.models.vae import VideoVAE
    from stepvid.parallel import BatchParallelDiT, ChunkParallelVAE, InferenceMesh
    from stepvid.pipeline import TextToVideoPipeline
    from stepvid.video import atomic_path

    guided = args.cfg != 1.0
    mesh = InferenceMesh.build(guided, not args.no_cfg_parallel, "cpu" if args.tiny else "cuda")
    dev, cuda = mesh.device, mesh.device.type == "cuda"
    dtype = torch.float32 if args.tiny else torch.bfloat16

    def sync() -> None:
        if cuda:
            torch.cuda.synchronize()

    t0 = time.perf_counter()
    torch.manual_seed(0)  # the same random weights on every rank
    extra = {"in_channels": 4, "out_channels": 4} if args.tiny else {}
    with torch.device("meta"):
        dit = StepVideoDiT(
            dit_config("tiny" if args.tiny else "stepvideo-t2v", num_layers=args.layers, **extra)
        )
    dit = dit.to(dtype).to_empty(device=dev)
    dit.initialize_weights(all_parameters=True)
    with torch.device(dev):
        vae = VideoVAE.from_preset("tiny" if args.tiny else "stepvideo-vae-v2")
    for m in (dit, vae):
        m.to(dtype).eval().requires_grad_(False)
    llm_dim, clip_dim = dit.config.caption_channels
    pipe = TextToVideoPipeline(
        BatchParallelDiT(dit, mesh),
        ChunkParallelVAE(vae, mesh),
        _NoText(llm_dim, clip_dim),
        device=dev,
        dtype=dtype,
    )
    g = torch.Generator().manual_seed(1)
    rows = 2 if guided else 1
    emb = TextEmbeddings(
        torch.randn(rows, 320, llm_dim, generator=g),
        torch.ones(rows, 320, dtype=torch.long),
        torch.randn(rows, 77, clip_dim, generator=g),
    ).to(dev, dtype)
    sync()
    t_init = time.perf_counter() - t0

    steps: list[float] = []
    last = [0.0]

    def on_step(i, tau, x) -> None:
        sync()
        now = time.perf_counter()
        steps.append(now - last[0])
        last[0] = now

    if cuda:
        torch.cuda.reset_peak_memory_stats()
    latents = pipe.prepare_latents(args.frames, args.height, args.width, seed=0)
    sync()
    last[0] = time.perf_counter()
    latents = pipe.denoise(
        latents, emb, args.steps, args.cfg if guided else None, 13.0, callback=on_step, progress=False
    )
    dit_peak = torch.cuda.max_memory_allocated() if cuda else 0
    sync()
    t = time.perf_counter()
    video = pipe.decode(latents)
    sync()
    t_decode = time.perf_counter() - t
    peak = torch.tensor([dit_peak, torch.cuda.max_memory_allocated() if cuda else 0], device=mesh.comm_device)
    if mesh.world > 1:
        dist.all_reduce(peak, op=dist.ReduceOp.MAX)
    if mesh.is_main:
        assert tuple(video.shape) == (args.frames, 3, args.height, args.width), video.shape
        timed = steps[1:] or steps
        result = {
            "gpus": mesh.world,
            "cfg": mesh.cfg,
            "sp": mesh.sp,
            "layers": args.layers,
            "size": [args.frames, args.height, args.width],
            "guided": guided,
            "device": torch.cuda.get_device_name(dev) if cuda else "cpu (tiny presets)",
            "init_s": t_init,
            "step_s": statistics.median(timed),
            "steps_s": steps,
            "decode_s": t_decode,
            "dit_peak_gib": float(peak[0]) / GiB,
            "peak_gib": float(peak[1]) / GiB,
        }
        with atomic_path(args.worker) as tmp:
            Path(tmp).write_text(json.dumps(result, indent=2))
    if mesh.world > 1:
        dist.barrier()
        dist.destroy_process_group()


# --------------------------------------------------------------------------------------------- driver


def _run(args: argparse.Namespace, n: int, out: Path) -> dict:
    forward = _strip(sys.argv[1:], ("--gpus", "--json"))
    cmd = [sys.executable, "-m", "torch.distributed.run",
           *torchrun_argv(n, [str(Path(__file__).resolve()), *forward, "--worker", str(out)])]
    env = {**os.environ, **local_env(n)}
    t = time.perf_counter()
    code = subprocess.call(cmd, env=env)
    if code:
        raise SystemExit(f"the {n}-process run failed (exit code {code})")
    result = json.loads(out.read_text())
    result["wall_s"] = time.perf_counter() - t
    return result


def _strip(argv: list[str], flags: tuple[str, ...]) -> list[str]:
    """``argv`` without the given valued flags (``--flag V`` or ``--flag=V``)."""
    kept, skip = [], False
    for a in argv:
        if skip:
            skip = False
        elif a in flags:
            skip = True
        elif not a.startswith(tuple(f + "=" for f in flags)):
            kept.append(a)
    return kept


def main() -> None:
    args = _args()
    if args.worker:
        _worker(args)
        return
    try:
        counts = [int(v) for v in args.gpus.split(",")]
    except ValueError:
        raise SystemExit(f"--gpus must be a comma list of integers; got {args.gpus!r}") from None
    if min(counts) < 1:
        raise SystemExit(f"--gpus counts must be >= 1; got {counts}")
    if not args.tiny:
        import torch

        have = torch.cuda.device_count() if torch.cuda.is_available() else 0
        if max(counts) > have:
            raise SystemExit(
                f"--gpus {max(counts)} but {have} CUDA GPU(s) are visible (--tiny runs on the CPU)"
            )
    results = []
    with tempfile.TemporaryDirectory(prefix="stepvid-multigpu-") as tmp:
        for i, n in enumerate(counts):
            print(f"[{i + 1}/{len(counts)}] {n} process(es) ...", file=sys.stderr, flush=True)
            results.append(_run(args, n, Path(tmp) / f"{n}.json"))
    base = next((r["step_s"] for r in results if r["gpus"] == 1), None)
    f, h, w = results[0]["size"]
    print(
        f"# {results[0]['device']}, {f}x{h}x{w}, DiT {args.layers} layers, cfg {args.cfg:g}, "
        f"{args.steps} steps (first untimed), projected video = {args.projected_steps} steps + decode"
    )
    print(
        f"{'gpus':>4} {'mesh':>9} {'s/step':>8} {'speedup':>8} {'eff':>6} {'decode s':>9} "
        f"{'video s':>8} {'DiT peak GiB':>13}"
    )
    for r in results:
        r["video_s"] = args.projected_steps * r["step_s"] + r["decode_s"]
        speed = base / r["step_s"] if base else float("nan")
        r["speedup"] = speed
        print(
            f"{r['gpus']:>4} {r['cfg']:>3}x{r['sp']:<5} {r['step_s']:8.2f} {speed:8.2f} "
            f"{speed / r['gpus']:6.2f} {r['decode_s']:9.2f} {r['video_s']:8.1f} {r['dit_peak_gib']:13.2f}"
        )
    for r in results:
        print(
            f"- multi-GPU inference, {r['device']}, {r['gpus']} GPU(s) (cfg {r['cfg']} x sp {r['sp']}), "
            f"{f}x{h}x{w}, {args.layers}-layer DiT, random weights: {r['step_s']:.2f} s per guided step, "
            f"decode {r['decode_s']:.1f} s, projected {args.projected_steps}-step video {r['video_s']:.0f} s "
            f"(`python benchmarks/multigpu_scaling.py --gpus {args.gpus}`)"
        )
    if args.json:
        from stepvid.video import atomic_path

        with atomic_path(args.json) as out:
            Path(out).write_text(json.dumps({"args": vars(args), "results": results}, indent=2))
        print(f"wrote {args.json}", file=sys.stderr)


if __name__ == "__main__":
    main()
