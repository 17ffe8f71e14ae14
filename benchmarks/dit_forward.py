"""Full-width Step-Video DiT block timing (GPU): forward and forward+backward, achieved TFLOP/s, peak memory.

Builds the released architecture (48 heads x 128, d = 6144) with a few layers and random bf16 weights, and
runs it at the token counts of real generations. FLOPs come from ``stepvid.models.dit.estimate_flops``
(matmuls + attention, 2 per MAC; backward = 2x forward). Prints a table and a docs/benchmarks.md line.

  python benchmarks/dit_forward.py                                  # 1 GPU, 2 layers, both shapes
  python benchmarks/dit_forward.py --layers 4 --checkpointing       # activation checkpointing
  torchrun --nproc_per_node 4 benchmarks/dit_forward.py             # Ulysses sequence parallel over 4 GPUs
  python benchmarks/dit_forward.py --device cpu --preset tiny --shapes 64x64x17   # smoke test, no GPU
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from stepvid.models.attention import set_attention_backend
from stepvid.models.dit import StepVideoDiT, dit_config, estimate_flops


def latent_grid(spec: str) -> tuple[int, int, int]:
    """'HxWxFRAMES' in pixels -> latent (F, h, w) as the VAE v2 maps it (17 frames -> 3, 16x16 spatial)."""
    h, w, frames = (int(v) for v in spec.lower().split("x"))
    return max(frames // 17 * 3, 1), h // 16, w // 16


def timed(fn, warmup: int, iters: int, sync) -> float:
    for _ in range(warmup):
        fn()
    sync()
    t0 = time.perf_counter()
    for _ in range(iters):
        fn()
    sync()
    return (time.perf_counter() - t0) / iters


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shapes", default="256x256x204,544x992x204", help="comma list of HxWxFRAMES (pixels)")
    ap.add_argument("--preset", default="stepvideo-t2v", help="architecture preset (width, heads, channels)")
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--text-len", type=int, default=320, help="Step-LLM tokens (77 CLIP tokens are added)")
    ap.add_argument("--backend", default="auto", help="SDPA backend: auto, flash, efficient, cudnn, math")
    ap.add_argument("--checkpointing", action="store_true", help="activation checkpointing per block")
    ap.add_argument("--compile", action="store_true", help="torch.compile each block")
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--iters", type=int, default=5)
    args = ap.parse_args()
    dev = torch.device(args.device)
    cuda = dev.type == "cuda"
    if cuda and not torch.cuda.is_available():
        raise SystemExit("no CUDA GPU; use --device cpu --preset tiny for a smoke test")
    sync = torch.cuda.synchronize if cuda else (lambda: None)

    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    group = None
    if world > 1:
        import torch.distributed as dist

        if cuda:
            torch.cuda.set_device(int(os.environ["LOCAL_RANK"]))
        dist.init_process_group("nccl" if cuda else "gloo")
        group = dist.group.WORLD
    set_attention_backend(args.backend)

    cfg = dit_config(args.preset, num_layers=args.layers, gradient_checkpointing=args.checkpointing)
    with dev:
        model = StepVideoDiT(cfg).to(torch.bfloat16)
    model.set_sequence_parallel(group)
    if args.compile:
        for i, blk in enumerate(model.transformer_blocks):
            model.transformer_blocks[i] = torch.compile(blk)
    llm_dim, clip_dim = cfg.caption_channels
    rows = []
    for spec in args.shapes.split(","):
        f, h, w = latent_grid(spec)
        n, b = f * h * w, args.batch
        g = torch.Generator(device=dev).manual_seed(0)
        inputs = {
            "hidden_states": torch.randn(
                b, f, cfg.in_channels, h, w, device=dev, dtype=torch.bfloat16, generator=g
            ),
            "timestep": torch.rand(b, device=dev, generator=g),
            "encoder_hidden_states": torch.randn(
                b, args.text_len, llm_dim, device=dev, dtype=torch.bfloat16, generator=g
            ),
            "encoder_hidden_states_2": torch.randn(
                b, 77, clip_dim, device=dev, dtype=torch.bfloat16, generator=g
            ),
        }
        fwd_flops = estimate_flops(cfg, n, 77 + args.text_len, batch=b) / world  # per GPU

        def forward(inputs=inputs):
            with torch.no_grad():
                model(**inputs)

        def train_step(inputs=inputs):
            model(**inputs).float().square().mean().backward()

        row = [spec, f"{f}x{h}x{w}", n]
        for fn, flops in ((forward, fwd_flops), (train_step, 3 * fwd_flops)):
            if cuda:
                torch.cuda.reset_peak_memory_stats()
            try:
                dt = timed(fn, args.warmup, args.iters, sync)
                mem = torch.cuda.max_memory_allocated() / 2**30 if cuda else float("nan")
                row += [dt * 1e3, flops / dt / 1e12, mem]
            except torch.cuda.OutOfMemoryError:
                row += [float("nan")] * 3
            model.zero_grad(set_to_none=True)
            if cuda:
                torch.cuda.empty_cache()
        rows.append(row)

    if rank == 0:
        name = torch.cuda.get_device_name() if cuda else "CPU"
        print(
            f"\nStepVideoDiT {args.preset} width ({cfg.num_attention_heads}x{cfg.attention_head_dim}), "
            f"{args.layers} layers, bf16, batch {args.batch}, text 77+{args.text_len}, backend {args.backend}, "
            f"SP {world}, checkpointing {args.checkpointing}, compile {args.compile} — {name}"
        )
        hdr = (
            f"{'HxWxframes':>13} {'latent':>10} {'tokens':>7} | {'fwd ms':>8} {'TFLOP/s':>8} {'GiB':>6} | "
            f"{'fwd+bwd ms':>10} {'TFLOP/s':>8} {'GiB':>6}"
        )
        print(hdr + "\n" + "-" * len(hdr))
        for r in rows:
            print(
                f"{r[0]:>13} {r[1]:>10} {r[2]:>7} | {r[3]:>8.1f} {r[4]:>8.1f} {r[5]:>6.1f} | "
                f"{r[6]:>10.1f} {r[7]:>8.1f} {r[8]:>6.1f}"
            )
        today = datetime.date.today().isoformat()
        cmd = "python " + " ".join(sys.argv)
        for r in rows:
            print(
                f"- DiT {args.layers}-layer {args.preset}-width fwd+bwd at {r[0]} ({r[2]} tokens, bf16, "
                f"SP {world}): "
                f"{r[7]:.0f} TFLOP/s per GPU ({r[6]:.0f} ms) — `{cmd}`, {name}, {today}"
            )
    if group is not None:
        torch.distributed.destroy_process_group()


if __name__ == "__main__":
    main()
