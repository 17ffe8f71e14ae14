"""Training-step MFU of the DiT at full 30B width with FSDP2 + activation checkpointing.

    torchrun --standalone --nproc-per-node 4 benchmarks/train_mfu.py            # 4 H100s, 8 layers
    torchrun --standalone --nproc-per-node 2 benchmarks/train_mfu.py --layers 6

One step = forward + backward + AdamW on a random 204×256×256 video batch (latent grid 36×16×16 = 9,216
tokens, one sample per GPU) with random Step-LLM (320×6144) and CLIP (77×1024) text states. Width and heads
are the released model's (6144, 48×128); only the depth is cut so it fits. MFU = model FLOPs of forward +
backward (3× forward, from ``StepVideoDiT.estimate_flops``; activation recomputation is not counted, as
usual) divided by step time and by the bf16 dense matmul rate **measured in this script on the same GPU**
(also shown against the nominal 989 TFLOP/s of an H100 SXM). Prints a table; exits with advice on OOM.
CPU smoke test: ``torchrun --nproc-per-node 2 benchmarks/train_mfu.py --device cpu --tiny``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import torch
import torch.distributed as dist

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from stepvid.models.dit import StepVideoDiT
from stepvid.train.common import measure_matmul_tflops
from stepvid.train.distributed import apply_fsdp, init_distributed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--layers", type=int, default=8, help="DiT blocks (the released model has 48)")
    ap.add_argument(
        "--grid",
        type=int,
        nargs=3,
        default=[36, 16, 16],
        metavar=("F", "H", "W"),
        help="latent grid per sample (default 204x256x256 video -> 36x16x16)",
    )
    ap.add_argument("--batch", type=int, default=1, help="samples per GPU")
    ap.add_argument("--text-len", type=int, default=320, help="Step-LLM tokens (CLIP adds 77)")
    ap.add_argument("--steps", type=int, default=6, help="timed steps (after 2 warm-up steps)")
    ap.add_argument(
        "--ac-fraction", type=float, default=1.0, help="fraction of blocks with activation checkpointing"
    )
    ap.add_argument(
        "--no-reshard",
        action="store_true",
        help="keep gathered params after forward (more memory, less comm)",
    )
    ap.add_argument("--compile", action="store_true", help="torch.compile each block")
    ap.add_argument(
        "--peak-tflops", type=float, default=None, help="MFU denominator (default: measured matmul rate)"
    )
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--tiny", action="store_true", help="CPU smoke test: 2 heads x 64, grid 2x4x4, text 8")
    args = ap.parse_args()

    info = init_distributed(device=args.device)
    dev = info.device
    main_rank = info.rank == 0
    kw = {"num_layers": args.layers}
    if args.tiny:
        kw.update(
            num_attention_heads=2, attention_head_dim=64, rope_split=(32, 16, 16), caption_channels=(64, 32)
        )
        args.grid, args.text_len = [2, 4, 4], 8
    f, h, w = args.grid
    tokens = f * h * w

    peak = args.peak_tflops
    if peak is None:
        peak = measure_matmul_tflops(
            dev, n=8192 if dev.type == "cuda" else 512, iters=20 if dev.type == "cuda" else 2
        )
        if info.distributed:  # one denominator for all ranks: the slowest GPU's rate
            t = torch.tensor([peak], device=dev)
            dist.all_reduce(t, op=dist.ReduceOp.MIN)
            peak = float(t)

    with torch.device("meta"):
        model = StepVideoDiT.from_preset("stepvideo-t2v", **kw)
    cfg = model.config
    n_blocks_ac = round(args.ac_fraction * cfg.num_layers)
    if n_blocks_ac:
        from torch.distributed.algorithms._checkpoint.checkpoint_wrapper import checkpoint_wrapper

        for i in range(n_blocks_ac):
            model.transformer_blocks[i] = checkpoint_wrapper(model.transformer_blocks[i])
    if args.compile:
        for blk in model.transformer_blocks:
            blk.compile()
    if info.distributed:
        apply_fsdp(model, info, model.transformer_blocks, torch.bfloat16, not args.no_reshard)
    model.to_empty(device=dev)
    with torch.no_grad():
        for p in model.parameters():  # random init on the sharded params (values do not matter for speed)
            p.normal_(0, 0.02)
    if not info.distributed:
        model.to(torch.bfloat16)
    opt = torch.optim.AdamW([p for p in model.parameters()], lr=1e-5, fused=dev.type == "cuda")

    b, dt = args.batch, torch.bfloat16
    g = torch.Generator(device=dev).manual_seed(info.rank)
    x = torch.randn(b, f, cfg.in_channels, h, w, device=dev, dtype=dt, generator=g)
    target = torch.randn_like(x)
    tau = torch.rand(b, device=dev, generator=g)
    llm = torch.randn(b, args.text_len, cfg.caption_channels[0], device=dev, dtype=dt, generator=g)
    clip = torch.randn(b, 77, cfg.caption_channels[1], device=dev, dtype=dt, generator=g)
    mask = torch.ones(b, 77 + args.text_len, device=dev, dtype=torch.long)
    flops = _flops(cfg, tokens, 77 + args.text_len, b)

    def step() -> float:
        v = model(x, tau, llm, clip, mask)
        loss = (v.float() - target.float()).pow(2).mean()
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        return float(loss.detach())

    times = []
    try:
        for i in range(2 + args.steps):
            if dev.type == "cuda":
                torch.cuda.synchronize(dev)
            t0 = time.perf_counter()
            step()
            if dev.type == "cuda":
                torch.cuda.synchronize(dev)
            if i >= 2:
                times.append(time.perf_counter() - t0)
    except torch.cuda.OutOfMemoryError:
        mem = torch.cuda.max_memory_allocated(dev) / 2**30
        print(
            f"[rank {info.rank}] CUDA out of memory at {args.layers} layers (peak {mem:.1f} GiB): rerun with "
            f"fewer layers, e.g. --layers {max(1, args.layers // 2)}, or more GPUs",
            file=sys.stderr,
        )
        return 3
    t = torch.tensor([sorted(times)[len(times) // 2]], device=dev)
    if info.distributed:
        dist.all_reduce(t, op=dist.ReduceOp.MAX)
    step_s = float(t)
    achieved = flops / step_s / 1e12
    mem = torch.cuda.max_memory_allocated(dev) / 2**30 if dev.type == "cuda" else float("nan")
    if main_rank:
        name = torch.cuda.get_device_name(dev) if dev.type == "cuda" else "cpu"
        params = sum(p.numel() for p in model.parameters())  # a DTensor's numel is the global size
        rows = [
            ("device", f"{info.world_size} x {name}"),
            (
                "model",
                f"width {cfg.hidden_size}, {cfg.num_attention_heads} heads, {cfg.num_layers} layers, "
                f"{params / 1e9:.2f} B params",
            ),
            ("batch / GPU", f"{b} x {f}x{h}x{w} latent = {tokens} video tokens, text {77 + args.text_len}"),
            (
                "parallel",
                (f"FSDP2 over {info.world_size} ranks, bf16 params / fp32 reduce" if info.distributed
                 else "single process, bf16 params and AdamW state (no FSDP)") + ", AC on "
                f"{n_blocks_ac}/{cfg.num_layers} blocks{', compiled' if args.compile else ''}",
            ),
            ("step time (median)", f"{step_s * 1e3:.1f} ms"),
            ("model TFLOP / step / GPU", f"{flops / 1e12:.1f}"),
            ("achieved TFLOP/s / GPU", f"{achieved:.1f}"),
            ("bf16 matmul rate (measured)", f"{peak:.1f} TFLOP/s"),
            ("MFU vs measured matmul", f"{achieved / peak:.1%}"),
            ("MFU vs 989 TFLOP/s (H100 SXM)", f"{achieved / 989:.1%}"),
            ("peak memory / GPU", f"{mem:.1f} GiB"),
        ]
        width = max(len(k) for k, _ in rows)
        print("\n".join(f"{k:<{width}}  {v}" for k, v in rows))
        print(
            f"- DiT training MFU (30B width, {cfg.num_layers} layers, 204x256x256, FSDP2+AC): "
            f"{achieved / peak:.1%} of measured bf16 matmul ({achieved:.0f} TFLOP/s/GPU) — "
            f"torchrun --nproc-per-node {info.world_size} benchmarks/train_mfu.py --layers {cfg.num_layers}, "
            f"{info.world_size}x {name}, {time.strftime('%Y-%m-%d')}"
        )
    if info.distributed:
        dist.destroy_process_group()
    return 0


def _flops(cfg, tokens: int, text_len: int, batch: int) -> float:
    from stepvid.models.dit import estimate_flops

    return estimate_flops(cfg, tokens, text_len, batch, backward=True)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except torch.cuda.OutOfMemoryError:  # during model materialisation / sharding
        print(
            "CUDA out of memory while building the model: rerun with fewer --layers or more GPUs",
            file=sys.stderr,
        )
        sys.exit(3)
