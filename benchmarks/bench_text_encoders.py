"""Step-LLM encoder speed and memory: forward latency, TFLOP/s and peak memory per attention variant.

Random bf16 weights at the released size (or fewer layers with --layers); batch 2 × 320 tokens as in
generation ([prompt, negative prompt]). With --root, also times loading a real checkpoint and encode().

    python benchmarks/bench_text_encoders.py                 # full 48-layer Step-LLM on cuda (≈39 GB)
    python benchmarks/bench_text_encoders.py --layers 4      # quick
    python benchmarks/bench_text_encoders.py --root /ckpt/stepvideo-t2v
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stepvid.models.text.step_llm import StepLLM, StepLLMConfig


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _random_llm(cfg: StepLLMConfig, device: torch.device, dtype: torch.dtype) -> StepLLM:
    with torch.device("meta"):
        model = StepLLM(cfg)
    model = model.to_empty(device=device).to(dtype)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("norm.weight"):
                p.fill_(1.0)
            else:
                p.normal_(0.0, 0.02)
    return model.eval().requires_grad_(False)


def _time(fn, device: torch.device, warmup: int, iters: int) -> float:
    for _ in range(warmup):
        fn()
    _sync(device)
    t0 = time.perf_counter()
    for _ in range(iters):
        fn()
    _sync(device)
    return (time.perf_counter() - t0) / iters


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--layers", type=int, default=48, help="number of layers (48 = released)")
    ap.add_argument("--batch", type=int, default=2)
    ap.add_argument("--length", type=int, default=320)
    ap.add_argument("--iters", type=int, default=10)
    ap.add_argument("--root", default=None, help="released checkpoint root: also time from_pretrained + encode")
    args = ap.parse_args()
    device = torch.device(args.device)
    dtype = torch.bfloat16

    rows = []
    ids = torch.randint(3, 65536, (args.batch, args.length), device=device)
    base = StepLLMConfig.from_preset("step-llm", num_layers=args.layers)
    model = _random_llm(base, device, dtype)
    flops = 2 * args.batch * args.length * (base.num_params - base.padded_vocab_size * base.hidden_size)
    for kind, fp32 in [("sqrt_alibi", True), ("sqrt_alibi", False), ("none", True)]:
        cfg = StepLLMConfig.from_preset("step-llm", num_layers=args.layers, position_bias=kind, attention_fp32=fp32)
        with torch.device("meta"):
            variant = StepLLM(cfg)
        variant.load_state_dict(model.state_dict(), assign=True)  # shares the weights, no copy
        if device.type == "cuda":
            torch.cuda.reset_peak_memory_stats(device)
        with torch.no_grad():
            sec = _time(lambda m=variant: m(ids), device, warmup=2, iters=args.iters)
        peak = torch.cuda.max_memory_allocated(device) / 2**30 if device.type == "cuda" else float("nan")
        rows.append((f"{kind}, attention_fp32={fp32}", sec * 1e3, flops / sec / 1e12, peak))

    print(f"\nStep-LLM forward, {args.layers} layers, batch {args.batch} x {args.length}, bf16, {device}"
          f" ({torch.cuda.get_device_name(device) if device.type == 'cuda' else 'cpu'})")
    print(f"{'variant':<36}{'ms':>10}{'TFLOP/s':>10}{'peak GiB':>10}")
    for name, ms, tf, peak in rows:
        print(f"{name:<36}{ms:>10.1f}{tf:>10.1f}{peak:>10.2f}")

    if args.root:
        del model, variant
        if device.type == "cuda":
            torch.cuda.empty_cache()
            torch.cuda.reset_peak_memory_stats(device)
        from stepvid.models.text.step_video import StepVideoTextEncoder

        t0 = time.perf_counter()
        enc = StepVideoTextEncoder.from_pretrained(args.root, device=device)
        load_s = time.perf_counter() - t0
        prompts = ["一只熊猫在雪山上慢动作奔跑。", "A white horse runs across the green grass at sunset."]
        sec = _time(lambda: enc.encode(prompts), device, warmup=1, iters=max(1, args.iters // 2))
        peak = torch.cuda.max_memory_allocated(device) / 2**30 if device.type == "cuda" else float("nan")
        print(f"\nfrom_pretrained({args.root}): {load_s:.1f} s; encode(2 prompts): {sec * 1e3:.1f} ms; "
              f"peak {peak:.2f} GiB")


if __name__ == "__main__":
    main()
