"""Measure the peak memory of one DiT forward and one VAE decode against stepvid.generation_memory's model.

Prints, per case, the measured peak (activations only: weights and the returned tensor excluded) and its
ratio to the unit the estimate multiplies — ``R·N·D`` elements for the DiT (factor DIT_ACTIVATION_FACTOR), the
widest decoder activation for the VAE (factor VAE_ACTIVATION_FACTOR). A ratio above the factor means the
estimate is too low. Random weights; sizes are the shapes only.

    python benchmarks/generation_memory.py --device cuda          # released widths, bf16 (needs ~40 GB)
    python benchmarks/generation_memory.py --device cpu           # small widths, fp32, peak RSS (Linux)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stepvid.generation_memory import DIT_ACTIVATION_FACTOR, VAE_ACTIVATION_FACTOR, _vae_widest
from stepvid.models.dit import DiTConfig, StepVideoDiT
from stepvid.models.vae import VAEConfig, VideoVAE

GiB = 2**30


def _status(field: str) -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) * 1024 for line in f if line.startswith(field))


def peak_bytes(fn, device: torch.device) -> tuple[int, torch.Tensor]:
    """(peak bytes allocated while ``fn()`` ran beyond what was allocated before, its result). CPU: peak
    resident set size after resetting the high-water mark (``/proc/self/clear_refs``)."""
    with torch.no_grad():
        if device.type == "cuda":
            torch.cuda.synchronize(device)
            torch.cuda.reset_peak_memory_stats(device)
            start = torch.cuda.memory_allocated(device)
            out = fn()
            torch.cuda.synchronize(device)
            return torch.cuda.max_memory_allocated(device) - start, out
        start = _status("VmRSS:")
        Path("/proc/self/clear_refs").write_text("5")
        out = fn()
        return _status("VmHWM:") - start, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = ap.parse_args()
    device = torch.device(args.device)
    cuda = device.type == "cuda"
    dtype = torch.bfloat16 if cuda else torch.float32
    size = torch.empty((), dtype=dtype).element_size()
    if not cuda:
        torch.set_num_threads(1)

    dit_cfg = (
        DiTConfig(num_layers=1)
        if cuda
        else DiTConfig(
            num_layers=1,
            num_attention_heads=8,
            attention_head_dim=64,
            rope_split=(32, 16, 16),
            in_channels=16,
            out_channels=16,
            caption_channels=(96, 48),
        )
    )
    dit = StepVideoDiT(dit_cfg).to(device, dtype).eval()
    cases = [(3, 34, 62), (6, 34, 62), (21, 34, 62)] if cuda else [(3, 32, 32), (3, 64, 64)]
    print(f"DiT (width {dit_cfg.hidden_size}, {dtype}, {device}); factor {DIT_ACTIVATION_FACTOR}")
    for f, h, w in cases:
        x = torch.randn(2, f, dit_cfg.in_channels, h, w, device=device, dtype=dtype)
        llm = torch.randn(2, 320, dit_cfg.caption_channels[0], device=device, dtype=dtype)
        clip = torch.randn(2, 77, dit_cfg.caption_channels[1], device=device, dtype=dtype)
        t = torch.rand(2, device=device)
        dit(x, t, llm, clip)  # warm-up: kernels, allocator pools
        peak, _ = peak_bytes(lambda x=x, llm=llm, clip=clip, t=t: dit(x, t, llm, clip), device)
        unit = 2 * f * h * w * dit_cfg.hidden_size * size
        print(f"  {f * h * w:>6} tokens: {peak / GiB:6.2f} GiB = {peak / unit:5.2f} x R·N·D")
    dit = None  # free its memory before the VAE cases

    vae_cfg = VAEConfig() if cuda else VAEConfig.preset("small")
    vae = VideoVAE(vae_cfg).to(device, dtype).eval()
    cases = [(3, 16, 16), (1, 34, 62), (3, 34, 62)] if cuda else [(3, 12, 12), (1, 24, 24), (3, 24, 24)]
    print(
        f"VAE decode (decoder_ch {vae_cfg.decoder_ch} x {vae_cfg.decoder_ch_mult}, {dtype}, {device}); "
        f"factor {VAE_ACTIVATION_FACTOR}"
    )
    for t_lat, h, w in cases:
        z = torch.randn(1, t_lat, vae_cfg.z_channels, h, w, device=device, dtype=dtype)
        vae.decode(z[:, :1])  # warm-up
        peak, out = peak_bytes(lambda z=z: vae.decode(z), device)
        peak -= out.numel() * out.element_size()
        frames = 1 if t_lat == 1 else t_lat // 3 * 17
        unit = _vae_widest(vae_cfg, frames, 16 * h, 16 * w, None) * size
        print(f"  {frames:>3} frames {16 * w}x{16 * h}: {peak / GiB:6.2f} GiB = {peak / unit:5.2f} x widest")


if __name__ == "__main__":
    main()
