"""Replace a trained VAE decoder's 3x3x3 dual-path unpatchify conv by the 1x1x1 conv that best reproduces it.

The k3 conv holds 27,648·z² weights (7.1 M at z = 16: 14 MB of bf16, a third of the bundle). On the world's
latents its output is almost a per-position linear function of its input (R² ≈ 0.98 for the bundled decoders),
so the least-squares 1x1x1 conv fitted on the conv's own input/output pairs — over the latents of rendered
train-split clips, plus noised copies like a DiT's samples — keeps the decoder's function at 1/27 of the
weights (~0.3 dB PSNR lost before any training; the freed megabytes pay for wider upper levels). The encoder
and every other decoder tensor are copied, so the latents, and a DiT trained on them, stay valid
(``run.py --phase install --vae DST/vae_v2.safetensors`` accepts the result).

    python recipes/bundled/unpatchify_k1.py SRC_VAE_DIR DST_VAE_DIR [--clips 96] [--noise 0.05] [--seed 5]
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from collections.abc import Iterable
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from stepvid.models.vae import VideoVAE


def unpatchify_pairs(vae: VideoVAE, latents: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(input, output) rows [N, C_in], [N, C_out] of the decoder's unpatchify conv for latents [B, T_lat, z, h, w],
    chunked exactly as ``VideoVAE.decode`` does (each chunk on its own, causal zero padding)."""
    dec, xs, ys = vae.decoder, [], []
    p = next(dec.parameters())
    with torch.no_grad():
        for chunk in latents.split(vae.config.latents_per_chunk, dim=1):
            x = chunk.to(device=p.device, dtype=p.dtype).permute(0, 2, 1, 3, 4)
            h = dec.unpatchify_input(x)
            y = dec.conv_unpatchify.conv(h)
            xs.append(h.permute(0, 2, 3, 4, 1).reshape(-1, h.shape[1]))
            ys.append(y.permute(0, 2, 3, 4, 1).reshape(-1, y.shape[1]))
    return torch.cat(xs), torch.cat(ys)


def fit_k1(vae: VideoVAE, latents: Iterable[torch.Tensor], ridge: float = 1e-6) -> tuple[VideoVAE, float]:
    """A copy of ``vae`` with ``unpatchify_kernel=1`` whose 1x1x1 conv (weight and bias) is the least-squares fit
    of the k3 conv's outputs on its inputs over ``latents`` (normal equations in float64, accumulated batch by
    batch; ``ridge`` · mean diagonal added for conditioning). Returns (new VAE, R² of the fit)."""
    cfg = vae.config
    if not cfg.dual_path or cfg.unpatchify_kernel != 3:
        raise ValueError(f"fit_k1 needs a dual-path VAE with a 3x3x3 unpatchify conv; got dual_path={cfg.dual_path}, "
                         f"unpatchify_kernel={cfg.unpatchify_kernel}")
    gram = cross = None
    n, y_sum, y_sq = 0, 0.0, 0.0
    for z in latents:
        x, y = (t.double().cpu() for t in unpatchify_pairs(vae, z))
        xa = torch.cat([x, torch.ones(len(x), 1, dtype=x.dtype)], 1)
        gram = xa.T @ xa if gram is None else gram + xa.T @ xa
        cross = xa.T @ y if cross is None else cross + xa.T @ y
        n, y_sum, y_sq = n + len(y), y_sum + y.sum(0), y_sq + y.pow(2).sum(0)
    if gram is None:
        raise ValueError("fit_k1: no latents given")
    a = gram + ridge * gram.diagonal().mean() * torch.eye(len(gram), dtype=gram.dtype)
    wb = torch.linalg.solve(a, cross)  # [C_in + 1, C_out]
    # residual sum of squares from the normal equations: sum y² - 2 tr(Wᵀ Xᵀy) + tr(Wᵀ XᵀX W)
    rss = (y_sq.sum() - 2 * (wb * cross).sum() + (wb * (gram @ wb)).sum()).item()
    tss = (y_sq - y_sum.pow(2) / n).sum().item()
    new = VideoVAE(dataclasses.replace(cfg, unpatchify_kernel=1))
    p = next(vae.parameters())
    new.to(device=p.device, dtype=p.dtype)
    own = {k: v for k, v in vae.state_dict().items() if not k.startswith("decoder.conv_unpatchify.")}
    missing, unexpected = new.load_state_dict(own, strict=False)
    assert not unexpected and all(k.startswith("decoder.conv_unpatchify.") for k in missing), (missing, unexpected)
    conv = new.decoder.conv_unpatchify.conv.conv
    with torch.no_grad():
        conv.weight.copy_(wb[:-1].T.reshape(conv.weight.shape))
        conv.bias.copy_(wb[-1])
    return new.eval(), 1.0 - rss / max(tss, 1e-30)


def main(argv: list[str] | None = None) -> None:
    import world_data as wd
    from tqdm import tqdm

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("src", type=Path, help="VAE folder with a k3 vae_v2.safetensors (e.g. stepvid/bundled/vae)")
    ap.add_argument("dst", type=Path, help="output VAE folder (bf16)")
    ap.add_argument("--clips", type=int, default=96, help="train-split clips whose latents the fit uses")
    ap.add_argument("--noise", type=float, default=0.05, help="σ of a noised copy of each clip's latents (0: none)")
    ap.add_argument("--seed", type=int, default=5, help="world seed of the clips (not the recipe's 11/12/13)")
    ap.add_argument("--size", type=int, nargs=3, default=(192, 192, 34), metavar=("H", "W", "FRAMES"))
    ap.add_argument("--device", default="cpu")
    args = ap.parse_args(argv)
    if args.clips < 1 or args.noise < 0:
        ap.error(f"--clips must be >= 1 and --noise >= 0; got {args.clips}, {args.noise}")
    t0 = time.time()
    vae = VideoVAE.from_pretrained(args.src, device=args.device, dtype=torch.float32).eval()
    gen = torch.Generator().manual_seed(args.seed)

    def latents():
        for i in tqdm(range(args.clips), desc="latents of world clips"):
            h, w, f = args.size
            z = vae.encode_frames(wd.render_video(wd.scene(args.seed, i), h, w, f))
            yield z
            if args.noise:
                yield z + args.noise * torch.randn(z.shape, generator=gen).to(z)

    new, r2 = fit_k1(vae, latents())
    new.to(torch.bfloat16).save_pretrained(args.dst)
    before = sum(p.numel() for p in vae.parameters())
    after = sum(p.numel() for p in new.parameters())
    print(f"unpatchify k3 -> k1: R² {r2:.4f} on {args.clips} clips (noise σ {args.noise}); "
          f"{before / 1e6:.2f} M -> {after / 1e6:.2f} M parameters; {args.dst} in {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
