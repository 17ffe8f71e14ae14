"""Settle the Step-LLM positional scheme against the released attention kernel (spec §5.1, Unverified).

The released ``lib/liboptimus_ths-torch{2.2,2.3,2.5}-*.so`` registers ``torch.ops.Optimus.fwd``; it only
loads into the matching torch build (2.2/2.3 + cu121 or 2.5 + cu124) on sm_80/86/90 GPUs. This script feeds
it random bf16 q, k, v (KV already expanded to all heads, as the official model does) and compares the
output with SDPA under each candidate bias of :func:`stepvid.models.text.step_llm.position_bias`, plus the
reversed slope order. The candidate with the smallest error (at bf16 noise level, ~1e-2) is the kernel's.

    python benchmarks/check_step_llm_kernel.py --lib /ckpt/stepvideo-t2v/lib/liboptimus_ths-torch2.5-cu124.cpython-310-x86_64-linux-gnu.so
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stepvid.models.text.step_llm import position_bias


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lib", required=True, help="path to the released liboptimus_ths-*.so")
    ap.add_argument("--heads", type=int, default=48)
    ap.add_argument("--length", type=int, default=320)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    torch.ops.load_library(args.lib)
    dev = torch.device("cuda")
    gen = torch.Generator(device=dev).manual_seed(args.seed)
    b, s, h, d = 2, args.length, args.heads, 128
    # logits of order 1-10 so that a bias of up to ~15 visibly changes the attention pattern
    q, k, v = (torch.randn(b, s, h, d, device=dev, generator=gen).mul(2.0).to(torch.bfloat16) for _ in range(3))
    scale = d**-0.5
    out = torch.ops.Optimus.fwd(q, k, v, None, 0.0, scale, True, False, None, 0, 1)[0].float()

    qf, kf, vf = (t.float().transpose(1, 2) for t in (q, k, v))
    print(f"Optimus.fwd vs SDPA candidates (b={b}, s={s}, h={h}); |out| max {out.abs().max():.3f}")
    print(f"{'candidate':<28}{'max abs err':>14}{'rel err':>12}")
    for kind in ("sqrt_alibi", "alibi", "none"):
        for order in ("standard", "reversed"):
            if kind == "none" and order == "reversed":
                continue
            bias = position_bias(kind, h, s, device=dev)
            if order == "reversed":
                bias = bias.flip(0)
            ref = F.scaled_dot_product_attention(qf, kf, vf, attn_mask=bias, scale=scale).transpose(1, 2)
            err = (out - ref).abs().max().item()
            rel = ((out - ref).norm() / ref.norm()).item()
            print(f"{kind + ', ' + order:<28}{err:>14.4e}{rel:>12.4e}")


if __name__ == "__main__":
    main()
