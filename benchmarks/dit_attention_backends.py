"""DiT forward per layer with each SDPA backend forced, and with stepvid's "auto" (cuDNN first on CUDA).

Released width (48 heads x 128), random bf16 weights, 544x992x204 latents (75,888 video tokens), text 320 + 77
with the second sample's Step-LLM stream padded to 40 tokens (a guided step's negative prompt); prints seconds
per layer, MFU, activation peak and the output's relative difference to the first backend, at batch 1 and 2.
The measuring is ``stepvid.bench.bench_dit`` (what ``stepvid bench --attention ...`` runs, there without the
padding).

    python benchmarks/dit_attention_backends.py [--layers 4]
    python benchmarks/dit_attention_backends.py --device cpu --preset tiny --size 17x64x64 --backends auto,math
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stepvid.runtime import configure_cuda_allocator

configure_cuda_allocator()

import torch

from stepvid.bench import bench_dit, measure_matmul_rate
from stepvid.pipeline import parse_dtype, resolve_device


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--backends", default="flash,auto,efficient,cudnn")
    ap.add_argument("--preset", default="stepvideo-t2v")
    ap.add_argument("--size", default="204x544x992", help="FRAMESxHEIGHTxWIDTH in pixels")
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--negative-len", type=int, default=40, help="valid Step-LLM tokens of sample 2")
    args = ap.parse_args(argv)
    device = resolve_device(args.device)
    dtype = parse_dtype(None, device)
    video = tuple(int(v) for v in args.size.lower().split("x"))
    rate = measure_matmul_rate(device, dtype)["flops_per_s"]
    results = {}
    for b in (1, 2):
        results[b] = bench_dit(args.preset, args.layers, video, b, 320, device, dtype, rate,
                               args.backends.split(","), warmup=1, repeats=2,
                               text_valid=[320, args.negative_len][:b], progress=True)
    d = results[1]
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "CPU"
    print(f"# {name}, {args.preset}, {args.layers} layers, {d['video_tokens']:,} video tokens, "
          f"matmul {rate / 1e12:.1f} TFLOP/s")
    for be in args.backends.split(","):
        for b in (1, 2):
            r = next(r for r in results[b]["runs"] if r["attention"] == be)
            if not r["ok"]:
                print(f"{be:9s} B={b}: not available ({r['error'][:80]})")
                continue
            peak = "n/a" if r["activation_peak_bytes"] is None else f"{r['activation_peak_bytes'] / 2**30:.2f} GiB"
            print(f"{be:9s} B={b}: {r['per_layer_s']:.3f} s/layer, MFU {r['layer_mfu']:.1%}, activation peak "
                  f"{peak}, rel. max diff to {results[b]['reference_run']} {r['max_rel_diff']:.1e}", flush=True)


if __name__ == "__main__":
    main()
