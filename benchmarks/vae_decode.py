"""Video-VAE decode throughput and peak memory, untiled vs spatially tiled (random weights).

GPU (the released width, bf16, 544x992, 2 chunks = 34 frames):
    python benchmarks/vae_decode.py --device cuda
CPU (the bundled-size preset at 192x192x34, fp32):
    python benchmarks/vae_decode.py --device cpu --preset small --height 192 --width 192 --dtype fp32 --tiles none \
        --repeats 1
CPU, the bundled VAE, default layout vs channels-last-3d convs (``cl``, what the CPU pipeline uses):
    python benchmarks/vae_decode.py --device cpu --model stepvid/bundled --height 192 --width 192 --dtype fp32 \
        --tiles none,cl,none,cl --repeats 1
CPU, the bundled VAE, sub-pixel upsampling convs (the default) vs interpolate + conv (``nosub``), channels-last:
    python benchmarks/vae_decode.py --device cpu --model stepvid/bundled --height 192 --width 192 --dtype fp32 \
        --tiles cl,cl+nosub,cl,cl+nosub --repeats 1

Prints one row per setting: seconds per decode, frames/s, and peak device memory (CUDA only; on CPU the
process's peak RSS growth is shown instead).
"""

from __future__ import annotations

import argparse
import resource
import time

import torch
import torch._dynamo

from stepvid.bench import profile_table
from stepvid.models.vae import VideoVAE

DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", default="stepvideo-vae-v2")
    ap.add_argument("--model", default=None, help="a VAE file or model folder (its weights) instead of --preset")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--dtype", default="bf16", choices=sorted(DTYPES))
    ap.add_argument("--height", type=int, default=544)
    ap.add_argument("--width", type=int, default=992)
    ap.add_argument("--frames", type=int, default=34, help="pixel frames (multiple of 17)")
    ap.add_argument("--tiles", default="none,s1,256:64,384:128,256:64+s1",
                    help="comma list of settings: 'none', TILE:OVERLAP (spatial tiles, pixels), sN (time_slice=N, "
                         "exact causal slicing of the upsampling levels), cl (channels-last-3d convs), nosub (the "
                         "decoder's upsampling convs on the interpolated tensor instead of sub-pixel), bm "
                         "(torch.backends.cudnn.benchmark: cuDNN times its conv algorithms), fu (fused compiled GroupNorm + "
                         "SiLU with the conv biases folded in, VideoVAE.set_fused_norm; st: compiled per shape), c2 (each causal conv as one 2-D conv over its output frames, "
                         "VideoVAE.set_conv_by_frames), or "
                         "combinations joined by + (TILE:OVERLAP+sN+cl)")
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--check", action="store_true",
                    help="compare each setting's video with the first setting's: max |diff| and relative L2")
    ap.add_argument("--fp32-reference", action="store_true",
                    help="with --check: compare with an fp32 decode of the same latents (TF32 off, time_slice 1) "
                         "instead of the first setting, so each setting's own rounding error is shown")
    ap.add_argument("--cap-gib", type=float, default=None,
                    help="CUDA: cap this process's GPU memory (torch.cuda.set_per_process_memory_fraction) — what a "
                         "smaller card leaves; cuDNN then picks algorithms whose workspace fits")
    ap.add_argument("--profile", type=int, default=0,
                    help="after the timings, profile one decode of the last setting and print its N costliest ops")
    args = ap.parse_args()

    device, dtype = torch.device(args.device), DTYPES[args.dtype]
    # fused norms compile per shape family: several settings in one process need room
    torch._dynamo.config.recompile_limit = max(torch._dynamo.config.recompile_limit, 64)
    if args.cap_gib and device.type == "cuda":
        total = torch.cuda.get_device_properties(device).total_memory
        torch.cuda.set_per_process_memory_fraction(args.cap_gib * 2**30 / total, device.index or 0)
    torch.manual_seed(0)
    if args.model:
        vae = VideoVAE.from_pretrained(args.model, device=device)
    else:
        with torch.device(device):
            vae = VideoVAE.from_preset(args.preset)
    vae = vae.to(dtype).eval().requires_grad_(False)
    t_lat = vae.num_latent_frames(args.frames)
    z = vae.config.z_channels
    latents = torch.randn(1, t_lat, z, args.height // 16, args.width // 16, device=device, dtype=dtype)
    cuda = device.type == "cuda"
    n_params = sum(p.numel() for p in vae.parameters())
    print(f"# {args.model or args.preset} ({n_params / 1e6:.1f} M params), {args.dtype}, {args.frames}x{args.height}x{args.width}"
          f" ({t_lat} latent frames), device {torch.cuda.get_device_name(device) if cuda else 'cpu'}"
          + (f", capped at {args.cap_gib} GiB" if args.cap_gib and cuda else ""))

    mem_col = "peak GPU mem (GiB)" if cuda else "peak RSS growth (GiB)"
    print(f"| tiling (px) / time slice | s / decode | frames/s | {mem_col} |"
          + ((" vs fp32 |" if args.fp32_reference else " vs first |") if args.check else ""))
    print("|---|---|---|---|" + ("---|" if args.check else ""), flush=True)
    first = None
    if args.check and args.fp32_reference:
        import copy

        ref = copy.deepcopy(vae).float()
        tf32 = torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32
        torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = False
        with torch.inference_mode():
            first = ref.decode(latents.float(), time_slice=1).float().cpu()
        torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = tf32
        del ref
        if cuda:
            torch.cuda.empty_cache()
    for setting in args.tiles.split(","):
        kw = {}
        parts = setting.split("+")
        vae.set_channels_last("cl" in parts).set_subpixel_upsample("nosub" not in parts)
        vae.set_fused_norm("fu" in parts, static="st" in parts).set_conv_by_frames("c2" in parts)
        torch.backends.cudnn.benchmark = "bm" in parts
        for part in parts:
            if part in ("cl", "nosub", "bm", "fu", "st", "c2"):
                continue
            if part.startswith("s"):
                kw["time_slice"] = int(part[1:])
            elif part != "none":
                tile, overlap = (int(v) for v in part.split(":"))
                kw.update(tile_size=tile, tile_overlap=overlap)
        with torch.inference_mode():
            t0 = time.perf_counter()
            vae.decode(latents[:, :3], **kw)  # warm-up on one chunk: kernels, allocator, compiled shapes
            if cuda:
                torch.cuda.synchronize(device)
            warm = time.perf_counter() - t0
            if cuda:
                torch.cuda.synchronize(device)
                torch.cuda.reset_peak_memory_stats(device)
            rss0 = _peak_rss_mib()
            times = []
            for _ in range(args.repeats):
                t0 = time.perf_counter()
                video = vae.decode(latents, **kw)
                if cuda:
                    torch.cuda.synchronize(device)
                times.append(time.perf_counter() - t0)
        sec = min(times)
        peak = (torch.cuda.max_memory_allocated(device) / 2**30 if cuda else (_peak_rss_mib() - rss0) / 1024)
        diff = ""
        if args.check:
            if first is None:
                first = video.float().cpu()
            else:
                d = video.float().cpu() - first
                diff = f" | max {d.abs().max().item():.3g}, rel L2 {(d.norm() / first.norm()).item():.2e}"
        print(f"| {setting} (first chunk {warm:.1f} s) | {sec:.2f} | {video.shape[1] / sec:.2f} | {peak:.2f}{diff} |",
              flush=True)  # as each ends; the first chunk's time includes compiles and cuDNN's timing
        del video
    if args.profile:
        print(profile_table(lambda: vae.decode(latents, **kw), args.profile, device))


if __name__ == "__main__":
    main()
