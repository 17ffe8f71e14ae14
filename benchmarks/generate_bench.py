"""Time each stage of text-to-video generation: load, text encoding, DiT steps, VAE decode (+ peak memory).

Usage (GPU, released weights):
    python benchmarks/generate_bench.py --model /path/to/stepvideo-t2v --frames 17 --height 544 --width 992 \
        --steps 4 --device cuda --dtype bf16 --offload model
CPU smoke test on the tiny random checkpoint (no download):
    python benchmarks/generate_bench.py --tiny --frames 17 --height 64 --width 64 --steps 4

Prints a table and one ``docs/benchmarks.md`` line. Seconds per DiT step are the mean over all steps after
the first (warm-up); the 50-step estimate is load-free: encode + 50 x step + decode.
"""

from __future__ import annotations

import argparse
import datetime
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stepvid.pipeline import TextToVideoPipeline, num_latent_frames


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _peak_gib(device: torch.device) -> str:
    return f"{torch.cuda.max_memory_allocated(device) / 2**30:.2f}" if device.type == "cuda" else "-"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--model", help="checkpoint folder (official layout or stepvid.json)")
    src.add_argument("--tiny", action="store_true", help="use a freshly written tiny random checkpoint")
    ap.add_argument("--prompt", default="一只熊猫在竹林里吃竹子，阳光透过树叶洒下来")
    ap.add_argument("--frames", type=int, default=17)
    ap.add_argument("--height", type=int, default=544)
    ap.add_argument("--width", type=int, default=992)
    ap.add_argument("--steps", type=int, default=4)
    ap.add_argument("--cfg", type=float, default=9.0)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--dtype", default="auto", choices=["auto", "bf16", "fp16", "fp32"])
    ap.add_argument("--offload", default="none", choices=["none", "text", "model"])
    ap.add_argument("--vae-tile", type=int, default=None)
    args = ap.parse_args()
    device = torch.device(args.device)

    with tempfile.TemporaryDirectory(prefix="stepvid-bench-") as tmp:
        model_dir = Path(args.model) if args.model else None
        if args.tiny:
            from stepvid.testing.checkpoint_fixtures import write_tiny_checkpoint

            model_dir = write_tiny_checkpoint(tmp).root
        t0 = time.perf_counter()
        pipe = TextToVideoPipeline.from_pretrained(
            model_dir, device=device, dtype=None if args.dtype == "auto" else args.dtype, offload=args.offload
        )
        _sync(device)
        t_load = time.perf_counter() - t0
        if device.type == "cuda":
            torch.cuda.reset_peak_memory_stats(device)

        t0 = time.perf_counter()
        emb = pipe.encode_prompt(
            args.prompt + pipe.defaults.positive_suffix, pipe.defaults.negative_prompt, True
        )
        _sync(device)
        t_enc = time.perf_counter() - t0

        stamps: list[float] = []

        def tick(i: int, tau: float, x: torch.Tensor) -> None:
            _sync(device)
            stamps.append(time.perf_counter())

        latents = pipe.prepare_latents(args.frames, args.height, args.width, seed=0)
        t0 = time.perf_counter()
        latents = pipe.denoise(latents, emb, args.steps, args.cfg, 13.0, callback=tick, progress=True)
        steps = [b - a for a, b in zip([t0] + stamps[:-1], stamps)]
        t_step = sum(steps[1:]) / max(len(steps) - 1, 1) if len(steps) > 1 else steps[0]

        t0 = time.perf_counter()
        video = pipe.decode(latents, tile_size=args.vae_tile)
        _sync(device)
        t_dec = time.perf_counter() - t0

    f = pipe.spatial_factor
    tokens = num_latent_frames(args.frames) * (args.height // f) * (args.width // f)
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "2-core CPU (dev box)"
    rows = [
        ("load", t_load),
        ("text encode", t_enc),
        ("DiT step (CFG, batch 2)", t_step),
        ("VAE decode", t_dec),
        ("est. 50 steps, no load", t_enc + 50 * t_step + t_dec),
    ]
    print(
        f"\n{args.frames}x{args.height}x{args.width} ({tokens} video tokens), dtype {pipe.dtype}, "
        f"offload {args.offload}, {name}; output {tuple(video.shape)}"
    )
    print(f"{'stage':<28}{'seconds':>10}")
    for stage, sec in rows:
        print(f"{stage:<28}{sec:>10.2f}")
    print(f"{'peak GPU memory (GiB)':<28}{_peak_gib(device):>10}")
    src_name = "tiny random checkpoint" if args.tiny else Path(model_dir).name
    print(
        f"\n- Generation {args.frames}x{args.height}x{args.width}, {src_name}, seconds per DiT step (CFG): "
        f"{t_step:.3f} s — `python benchmarks/generate_bench.py {' '.join(sys.argv[1:])}`, {name}, "
        f"{datetime.date.today().isoformat()}"
    )


if __name__ == "__main__":
    main()
