"""Calibrate the bundled model's sizes: CPU time of random-weight DiT / VAE-decoder / text-encoder candidates.

For each candidate this prints parameters, bf16 storage, FLOPs of one DiT forward (``estimate_flops``) and the
measured CPU time of one DiT forward at batch 2 (the CFG batch) and of one VAE decode, at the bundled
target size, then the projected generation time ``steps x t_dit + t_vae + t_text``. The numbers feed
docs/bundled-recipe.md.

    python benchmarks/bundled_sizing.py --threads 2                     # the default candidate grid
    python benchmarks/bundled_sizing.py --dit 8x256 10x256 --vae small --steps 16 20

On a shared box pass ``--repeat 3`` and read the ``min`` column; the CPU-seconds column (process time /
threads) is less sensitive to other load than wall time.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch

from stepvid.models.dit import StepVideoDiT, dit_config, estimate_flops
from stepvid.models.text.small import SmallBilingualEncoder, SmallTextConfig, WordCharTokenizer
from stepvid.models.vae import VideoVAE


def timed(fn, repeat: int) -> tuple[float, float]:
    """(min wall seconds, min process-CPU seconds) over ``repeat`` calls after one warm-up."""
    fn()
    walls, cpus = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return min(walls), min(cpus)


def dit_candidate(spec: str, z: int, text: tuple[int, int]) -> StepVideoDiT:
    """``LxD`` (layers x width), head dim 64."""
    layers, width = (int(v) for v in spec.lower().split("x"))
    heads = width // 64
    return StepVideoDiT(dit_config("small", num_layers=layers, num_attention_heads=heads, attention_head_dim=64,
                                   rope_split=(32, 16, 16), in_channels=z, out_channels=z,
                                   caption_channels=text)).eval()


def vae_candidate(spec: str) -> VideoVAE:
    """``preset[:field=value,...]``; tuple fields as dash-separated ints (``decoder_ch_mult=1-2-4-4``)."""
    name, _, rest = spec.partition(":")
    over = {}
    for item in filter(None, rest.split(",")):
        key, _, value = item.partition("=")
        over[key] = tuple(int(v) for v in value.split("-")) if "-" in value else int(value)
    return VideoVAE.from_preset(name, **over)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dit", nargs="+", default=["6x256", "8x256", "8x320", "12x256"], help="LAYERSxWIDTH")
    ap.add_argument("--vae", nargs="+", default=["small"],
                    help="VAE preset[:field=value,...] (e.g. small:z_channels=8,decoder_ch=8)")
    ap.add_argument("--height", type=int, default=192)
    ap.add_argument("--width", type=int, default=192)
    ap.add_argument("--frames", type=int, default=34)
    ap.add_argument("--steps", type=int, nargs="+", default=[16, 20, 24])
    ap.add_argument("--text-len", type=int, default=48, help="LLM-stream length (CLIP stream: 77)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    lat_t = args.frames // 17 * 3
    h, w = args.height // 16, args.width // 16
    tokens = lat_t * h * w
    print(f"target {args.frames}x{args.height}x{args.width}: latent {lat_t}x{h}x{w} = {tokens} tokens; "
          f"{args.threads} threads, {os.cpu_count()} CPUs visible")

    tok = WordCharTokenizer.build(["a red circle moving to the right", "一个红色的圆向右移动"])
    enc = SmallBilingualEncoder(SmallTextConfig(vocab_size=len(tok), llm_len=args.text_len), tok).eval()
    t_text, _ = timed(lambda: enc.encode(["a red circle moving to the right", ""]), args.repeat)
    n_text = sum(p.numel() for p in enc.parameters())
    print(f"text encoder: {n_text / 1e6:.2f} M params, encode x2: {t_text * 1e3:.1f} ms")

    vae_times: dict[str, float] = {}
    for spec in args.vae:
        vae = vae_candidate(spec).eval()
        zc = vae.config.z_channels
        n_dec = sum(p.numel() for p in vae.decoder.parameters())
        n_enc = sum(p.numel() for p in vae.encoder.parameters())
        lat = torch.randn(1, lat_t, zc, h, w)
        with torch.no_grad():
            wall, cpu = timed(lambda: vae.decode(lat), args.repeat)
        vae_times[spec] = wall
        print(f"VAE {spec}: z={zc}, decoder {n_dec / 1e6:.2f} M, encoder {n_enc / 1e6:.2f} M params; "
              f"decode {lat_t} latents: {wall:.2f} s wall, {cpu / args.threads:.2f} s CPU/thread")

    print("\n| DiT | params (M) | bf16 MB | GFLOP/fwd (B=1) | fwd B=2 wall s | CPU/thread s | "
          + " | ".join(f"{s} steps + VAE s" for s in args.steps) + " |")
    print("|---|---|---|---|---|---|" + "---|" * len(args.steps))
    for spec in args.dit:
        zc = vae_candidate(args.vae[0]).config.z_channels
        dit = dit_candidate(spec, zc, (enc.llm_dim, enc.clip_dim))
        n = sum(p.numel() for p in dit.parameters())
        gflop = estimate_flops(dit.config, tokens, 77 + args.text_len) / 1e9
        x = torch.randn(2, lat_t, zc, h, w)
        llm = torch.randn(2, args.text_len, enc.llm_dim)
        clip = torch.randn(2, 77, enc.clip_dim)
        mask = torch.ones(2, 77 + args.text_len, dtype=torch.long)
        mask[:, 77 + 12 :] = 0
        t = torch.tensor([0.3, 0.3])
        with torch.no_grad():
            wall, cpu = timed(lambda: dit(hidden_states=x, timestep=t, encoder_hidden_states=llm,
                                          encoder_hidden_states_2=clip, encoder_attention_mask=mask), args.repeat)
        vt = vae_times[args.vae[0]]
        proj = " | ".join(f"{s * wall + vt + t_text:.1f}" for s in args.steps)
        print(f"| {spec} | {n / 1e6:.2f} | {2 * n / 2**20:.1f} | {gflop:.1f} | {wall:.3f} | {cpu / args.threads:.3f} | {proj} |")
        print(f"  effective {2 * gflop / wall:.1f} GFLOP/s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
