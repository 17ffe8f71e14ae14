"""DiT forward per layer with each SDPA backend forced, and with stepvid's "auto" (cuDNN first on CUDA).

Released width (48 heads x 128), random bf16 weights, 544x992x204 latents (75,888 video tokens), text 320 + 77
with one sample's LLM stream padded; prints seconds per layer, activation peak and the output's relative
difference to the flash run at batch 2.

    python benchmarks/dit_attention_backends.py [--layers 4]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stepvid.runtime import configure_cuda_allocator

configure_cuda_allocator()

import torch

from stepvid.models import attention as A
from stepvid.models.dit import StepVideoDiT, dit_config


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--backends", default="flash,auto,efficient,cudnn")
    args = ap.parse_args()
    torch.manual_seed(0)
    with torch.device("meta"):
        dit = StepVideoDiT(dit_config("stepvideo-t2v", num_layers=args.layers))
    dit = dit.to(torch.bfloat16).to_empty(device="cuda")
    dit.initialize_weights(all_parameters=True)
    dit.eval().requires_grad_(False)
    with torch.no_grad():  # the init zeroes output projections; random ones make the outputs comparable
        for p in dit.parameters():
            if p.ndim >= 2:
                p.normal_(0, 0.02)
    kw = {"device": "cuda", "dtype": torch.bfloat16}
    x = torch.randn(2, 36, 64, 34, 62, **kw)
    t = torch.full((2,), 0.5, **kw)
    llm, clip = torch.randn(2, 320, 6144, **kw), torch.randn(2, 77, 1024, **kw)
    mask = torch.ones(2, 397, dtype=torch.long, device="cuda")
    mask[1, 77 + 40:] = 0

    def fwd(b: int) -> torch.Tensor:
        with torch.no_grad():
            return dit(hidden_states=x[:b], timestep=t[:b], encoder_hidden_states=llm[:b],
                       encoder_hidden_states_2=clip[:b], encoder_attention_mask=mask[:b])

    print(f"# {torch.cuda.get_device_name(0)}, {args.layers} layers, 75,888 video tokens")
    ref = None
    for be in args.backends.split(","):
        A.set_attention_backend(be)
        for b in (1, 2):
            try:
                fwd(b)
                torch.cuda.synchronize()
                torch.cuda.reset_peak_memory_stats()
                base = torch.cuda.memory_allocated()
                t0 = time.perf_counter()
                out = fwd(b)
                out = fwd(b)
                torch.cuda.synchronize()
                s = (time.perf_counter() - t0) / 2 / args.layers
            except RuntimeError as e:
                print(f"{be:9s} B={b}: not available ({str(e)[:80]})")
                continue
            peak = (torch.cuda.max_memory_allocated() - base) / 2**30
            err = ""
            if b == 2:
                ref = out.float() if ref is None else ref
                err = f", rel. max diff to the first backend {((out.float() - ref).abs().max() / ref.abs().max()).item():.1e}"
            print(f"{be:9s} B={b}: {s:.3f} s/layer, activation peak {peak:.2f} GiB{err}", flush=True)
    A.set_attention_backend("auto")


if __name__ == "__main__":
    main()
