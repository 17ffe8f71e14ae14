"""Where the Video-VAE decode's memory goes, stage by stage, and the whole 204-frame decode (random weights).

Released width, bf16, 544x992: one chunk's latent path (dual-path unpatchify + mid block with its causal
single-head attention over 42,160 tokens of width 512, with each SDPA backend), its upsampling levels in one
pass and time-sliced, then the full 36-latent decode to host memory, one pass and with time_slice 1 and 2.
Prints ms and the peak allocated beyond what was resident.

    python benchmarks/vae_decode_memory.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch
import torch.nn.functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel

from stepvid.models.vae import VideoVAE

KERNELS = {"efficient": SDPBackend.EFFICIENT_ATTENTION, "cudnn": SDPBackend.CUDNN_ATTENTION,
           "flash": SDPBackend.FLASH_ATTENTION, "math": SDPBackend.MATH}


def measure(name: str, fn, repeats: int = 2):
    torch.cuda.synchronize()
    torch.cuda.empty_cache()
    base = torch.cuda.memory_allocated()
    torch.cuda.reset_peak_memory_stats()
    try:
        for _ in range(repeats):
            t = time.perf_counter()
            out = fn()
            torch.cuda.synchronize()
            sec = time.perf_counter() - t
    except RuntimeError as e:
        print(f"{name:44s} not available ({str(e)[:60]})")
        return None
    peak = (torch.cuda.max_memory_allocated() - base) / 2**30
    print(f"{name:44s} {sec * 1000:9.1f} ms  peak +{peak:6.2f} GiB", flush=True)
    return out


def main() -> None:
    torch.manual_seed(0)
    with torch.device("cuda"):
        vae = VideoVAE.from_preset("stepvideo-vae-v2")
    vae = vae.to(torch.bfloat16).eval().requires_grad_(False)
    d = vae.decoder
    kw = {"device": "cuda", "dtype": torch.bfloat16}
    print(f"# {torch.cuda.get_device_name(0)}, stepvideo-vae-v2 bf16, 544x992")
    with torch.no_grad():
        x = torch.randn(1, 64, 3, 34, 62, **kw)
        h0 = d.conv_unpatchify(d.unpatchify_input(x))
        n = h0.shape[2] * h0.shape[3] * h0.shape[4]
        q, k, v = (torch.randn(1, 1, n, 512, **kw) for _ in range(3))
        for name, kind in KERNELS.items():
            def attn(kind=kind):
                with sdpa_kernel(kind):
                    return F.scaled_dot_product_attention(q, k, v, is_causal=True)
            measure(f"mid attention {name} (N={n}, d=512)", attn)
        h = measure("latent path (stepvid dispatch)", lambda: d.latent_path(x))
        measure("upsampling levels, one pass", lambda: d.up_path(h))
        measure("upsampling levels, time_slice 1", lambda: d.up_path(h, 1))
        lat = torch.randn(1, 36, 64, 34, 62, **kw)
        for ts in (None, 1, 2):
            measure(f"decode 204 frames to host, time_slice {ts}",
                    lambda ts=ts: vae.decode(lat, output_device="cpu", time_slice=ts), repeats=1)


if __name__ == "__main__":
    main()
