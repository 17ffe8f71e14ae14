"""Where a Video-VAE's reconstruction error sits: whole frame vs a band along the frame edges, on held-out world
clips. Run 2's bundled VAE leaves a small blob at the right edge that the world judge counts as an extra object;
this script measures that band so a fix can be shown.

    python benchmarks/vae_edge_error.py --vae stepvid/bundled/vae [--vae other/vae ...] --clips 8

Prints, per VAE: the mean per-clip PSNR (as the recipe reports it), PSNR of all pixels inside the edge band
(``--band`` px) and outside it, and the mean absolute error (0-255) of the outermost 4 pixel columns on the left
and on the right (the artefact raises the right one; a symmetric decoder keeps them equal).

``--flat`` adds a second table: each world colour as a flat background clip, and per VAE the worst corner's mean
RGB distance of its reconstruction (8x8 px corner blocks; which corner in brackets). Above the judge's
foreground threshold (48) the corner reads as an extra object: run 3/4's decoders paint an orange speck at the
bottom-right of every yellow background, even from exact latents.

``--latent-borders`` adds, per VAE, where the *encoder* treats a flat clip's borders unlike its interior: the
mean L2 distance (over latent channels and frames) of each border's latent cells from the interior's mean
latent. A well-behaved encoder keeps the four edges alike; the run-5 one departs most along the bottom row.
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
    ap.add_argument("--clips", type=int, default=8, help="held-out clips (0: only the --flat table)")
    ap.add_argument("--size", type=int, default=192)
    ap.add_argument("--frames", type=int, default=34)
    ap.add_argument("--band", type=int, default=8, help="edge band width in pixels")
    ap.add_argument("--seed", type=int, default=99)
    ap.add_argument("--flat", action="store_true", help="also the corner error on flat world-colour clips")
    ap.add_argument("--latent-borders", action="store_true",
                    help="also the encoder's border latents vs its interior on flat world-colour clips")
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
    vaes = {path: VideoVAE.from_pretrained(path, dtype=torch.float32).eval() for path in args.vae}
    if args.clips:  # --clips 0: only the --flat table
        print("| VAE | PSNR (mean per clip) | PSNR edge band | PSNR interior | MAE left 4 cols | MAE right 4 cols |")
        print("|---|---|---|---|---|---|")
        for path, vae in vaes.items():
            t0 = time.time()
            errs = []
            for c in tqdm(clips, desc=path.name, unit="clip", mininterval=5):
                errs.append(vae.reconstruct(c).astype(np.float64) - c)
            e = np.stack(errs)  # [N, T, H, W, 3]
            col = np.abs(e).mean(axis=(0, 1, 2, 4))  # [W]
            print(f"| {path} | {np.mean([psnr(x) for x in e]):.2f} | {psnr(e[:, :, band]):.2f} | "
                  f"{psnr(e[:, :, ~band]):.2f} | {col[:4].mean():.2f} | {col[-4:].mean():.2f} |  ({time.time() - t0:.0f} s)")
    from stepvid.world.scene import COLORS

    def flat_clip(rgb) -> np.ndarray:  # a whole clip of one world colour
        return np.broadcast_to(np.array(rgb, np.uint8), (args.frames, h, w, 3)).copy()

    if args.flat:
        from stepvid.world.judge import FG_THRESHOLD

        print(f"\nworst corner of a flat background clip ({args.frames}x{h}x{w}): mean RGB distance, 8x8 px "
              f"(> {FG_THRESHOLD:.0f}: the judge sees an object)")
        print("| VAE | " + " | ".join(COLORS) + " |")
        print("|---|" + "---|" * len(COLORS))
        for path, vae in vaes.items():
            cells = []
            for rgb in COLORS.values():
                clip = flat_clip(rgb)
                name, dist = worst_corner(vae.reconstruct(clip), clip)
                cells.append(f"{dist:.0f} ({name})" + (" !" if dist > FG_THRESHOLD else ""))
            print(f"| {path} | " + " | ".join(cells) + " |")
    if args.latent_borders:
        for path, vae in vaes.items():
            print(f"\n{path}: encoder latent of a flat clip ({args.frames}x{h}x{w}), mean L2 distance from the "
                  "interior's mean latent")
            print("| colour | " + " | ".join(BORDERS) + " |")
            print("|---|" + "---|" * len(BORDERS))
            for name, rgb in COLORS.items():
                with torch.no_grad():
                    lat = vae.encode_frames(flat_clip(rgb))[0].float().cpu().numpy()  # [T, C, h, w]
                dev = border_deviation(lat)
                print(f"| {name} | " + " | ".join(f"{dev[k]:.2f}" for k in BORDERS) + " |")
    return 0


BORDERS = ("top", "bottom", "left", "right", "TL", "TR", "BL", "BR", "interior")


def border_deviation(lat: np.ndarray, margin: int = 2) -> dict[str, float]:
    """Per border of a [T, C, h, w] latent: the mean L2 distance (over channels) of its cells from the mean
    latent of the interior (cells at least ``margin`` away from every edge), averaged over frames and cells.
    Edges exclude the corners; "interior" is the interior's own spread."""
    ref = lat[:, :, margin:-margin, margin:-margin].mean(axis=(2, 3), keepdims=True)
    d = np.linalg.norm(lat - ref, axis=1).mean(axis=0)  # [h, w]
    return {"top": float(d[0, 1:-1].mean()), "bottom": float(d[-1, 1:-1].mean()),
            "left": float(d[1:-1, 0].mean()), "right": float(d[1:-1, -1].mean()),
            "TL": float(d[0, 0]), "TR": float(d[0, -1]), "BL": float(d[-1, 0]), "BR": float(d[-1, -1]),
            "interior": float(d[margin:-margin, margin:-margin].mean())}


def worst_corner(rec: np.ndarray, ref: np.ndarray, block: int = 8) -> tuple[str, float]:
    """The corner (TL, TR, BL, BR) of [T, H, W, 3] frames whose ``block``-px square has the largest mean RGB
    (Euclidean) distance between ``rec`` and ``ref``, and that distance."""
    d = np.linalg.norm(rec.astype(np.float64) - ref.astype(np.float64), axis=-1)  # [T, H, W]
    b = block
    corners = {"TL": d[:, :b, :b], "TR": d[:, :b, -b:], "BL": d[:, -b:, :b], "BR": d[:, -b:, -b:]}
    name = max(corners, key=lambda k: corners[k].mean())
    return name, float(corners[name].mean())


if __name__ == "__main__":
    sys.exit(main())
