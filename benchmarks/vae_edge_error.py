"""Where a Video-VAE's reconstruction error sits: whole frame vs a band along the frame edges, on held-out world
clips. Run 2's bundled VAE leaves a small blob at the right edge that the world judge counts as an extra object;
this script measures that band so a fix can be shown.

    python benchmarks/vae_edge_error.py --vae stepvid/bundled/vae [--vae other/vae ...] --clips 8

Prints, per VAE: the mean per-clip PSNR (as the recipe reports it), PSNR of all pixels inside the edge band
(``--band`` px) and outside it, and the mean absolute error (0-255) of the outermost 4 pixel columns on the left
and on the right (the artefact raises the right one; a symmetric decoder keeps them equal).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vae", type=Path, nargs="+", required=True, help="VAE folders or .safetensors files")
    ap.add_argument("--clips", type=int, default=8)
    ap.add_argument("--size", type=int, default=192)
    ap.add_argument("--frames", type=int, default=34)
    ap.add_argument("--band", type=int, default=8, help="edge band width in pixels")
    ap.add_argument("--seed", type=int, default=99)
    args = ap.parse_args(argv)

    import torch
    from tqdm.auto import tqdm

    from stepvid.models.vae import VideoVAE
    from stepvid.train.vae_losses import psnr_255 as psnr
    from stepvid.world import render_video, sample_scene

    clips = [render_video(sample_scene(np.random.default_rng([args.seed, i]), "heldout"), args.size, args.size,
                          args.frames) for i in range(args.clips)]
    h = w = args.size
    band = np.zeros((h, w), bool)
    band[: args.band], band[-args.band :], band[:, : args.band], band[:, -args.band :] = True, True, True, True
    print("| VAE | PSNR (mean per clip) | PSNR edge band | PSNR interior | MAE left 4 cols | MAE right 4 cols |")
    print("|---|---|---|---|---|---|")
    for path in args.vae:
        t0 = time.time()
        vae = VideoVAE.from_pretrained(path, dtype=torch.float32).eval()
        errs = []
        for c in tqdm(clips, desc=path.name, unit="clip", mininterval=5):
            errs.append(vae.reconstruct(c).astype(np.float64) - c)
        e = np.stack(errs)  # [N, T, H, W, 3]
        col = np.abs(e).mean(axis=(0, 1, 2, 4))  # [W]
        print(f"| {path} | {np.mean([psnr(x) for x in e]):.2f} | {psnr(e[:, :, band]):.2f} | "
              f"{psnr(e[:, :, ~band]):.2f} | {col[:4].mean():.2f} | {col[-4:].mean():.2f} |  ({time.time() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
