"""SDPA's cuDNN kernel at the released DiT's self-attention shape (75,888 tokens x 48 heads x 128, bf16):
q, k, v as token-major views [B, N, H, D] transposed (stepvid's layout: the chunked block writes them so) against
head-major contiguous copies [B, H, N, D]. Interleaved rounds; prints the median time and TFLOP/s of each and
the largest difference between the two outputs (the same kernel on the same values: 0).

    python benchmarks/attention_layout.py [--tokens 75888 --heads 48 --rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
import torch.nn.functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tokens", type=int, default=75888)
    ap.add_argument("--heads", type=int, default=48)
    ap.add_argument("--head-dim", type=int, default=128)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    n, h, d = args.tokens, args.heads, args.head_dim
    g = torch.Generator(device="cuda").manual_seed(0)
    token_major = [torch.randn(1, n, h, d, device="cuda", dtype=torch.bfloat16, generator=g) for _ in range(3)]
    layouts = {
        "token-major views": [t.transpose(1, 2) for t in token_major],
        "head-major contiguous": [t.transpose(1, 2).contiguous() for t in token_major],
    }
    times: dict[str, list[float]] = {name: [] for name in layouts}
    with torch.no_grad(), sdpa_kernel([SDPBackend.CUDNN_ATTENTION]):
        a, b = (F.scaled_dot_product_attention(*qkv) for qkv in layouts.values())
        print(f"max |diff| {(a - b).abs().max().item()}; output strides {a.stride()} / {b.stride()}")
        del a, b
        for _ in range(args.rounds):
            for name, qkv in layouts.items():
                torch.cuda.synchronize()
                t0 = time.perf_counter()
                F.scaled_dot_product_attention(*qkv)
                torch.cuda.synchronize()
                times[name].append(time.perf_counter() - t0)
    flops = 4 * n * n * d * h
    for name, ts in times.items():
        s = statistics.median(ts)
        print(f"{name}: median {s * 1e3:.1f} ms, {flops / s / 1e12:.0f} TFLOP/s ({torch.cuda.get_device_name()})")


if __name__ == "__main__":
    main()
