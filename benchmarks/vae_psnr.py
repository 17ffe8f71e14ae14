"""Held-out reconstruction PSNR of Video-VAE folders on the two clip sets the bundled model's documents quote.

``recipe``: the 24 held-out clips ``recipes/bundled/run.py`` evaluates after a VAE phase (``world_data.scene(13, i,
"heldout")``, i.e. seed 0 + 13); ``other``: the 32 clips of ``bundled_adherence.py --vae-psnr 32``
(``sample_scene(default_rng([99, i]), "heldout")``). Both come from the same held-out sampler, so they measure one
quantity and the pooled mean over all clips is the best single figure. PSNR is the mean of per-clip PSNR of the
uint8 round trip (``VideoVAE.reconstruct``, posterior mean), at 34x192x192 by default.

    python benchmarks/vae_psnr.py stepvid/bundled/vae runs/r8/e32/vae [--device cuda] [--recipe 24 --other 32]
    python benchmarks/vae_psnr.py stepvid/bundled/vae --by-scene    # + PSNR by number of objects / background
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "recipes" / "bundled"))

import numpy as np


def scene_sets(recipe: int, other: int) -> dict[str, list]:
    """The scene specs (``stepvid.world.SceneSpec``) of the two held-out clip sets."""
    import world_data as wd

    from stepvid.world import sample_scene

    return {"recipe": [wd.scene(13, i, "heldout") for i in range(recipe)],
            "other": [sample_scene(np.random.default_rng([99, i]), "heldout") for i in range(other)]}


def render_sets(specs: dict[str, list], height: int, width: int, frames: int) -> dict[str, list[np.ndarray]]:
    """Each set of scene specs rendered (uint8 [T, H, W, 3] each)."""
    from stepvid.world import render_video

    return {k: [render_video(s, height, width, frames) for s in v] for k, v in specs.items()}


def clip_sets(recipe: int, other: int, height: int, width: int, frames: int) -> dict[str, list[np.ndarray]]:
    """The two held-out clip sets, rendered."""
    return render_sets(scene_sets(recipe, other), height, width, frames)


def by_scene(specs: list, psnrs: list[float]) -> dict[str, dict[str, tuple[float, int]]]:
    """Mean PSNR and clip count grouped by number of objects and by background kind: PSNR falls with scene
    content, so a small set's mean depends on its composition as much as on the VAE."""
    groups: dict[str, dict[str, list[float]]] = {"objects": {}, "background": {}}
    for spec, p in zip(specs, psnrs, strict=True):
        groups["objects"].setdefault(str(len(spec.objects)), []).append(p)
        groups["background"].setdefault(spec.bg_kind, []).append(p)
    return {g: {k: (float(np.mean(v)), len(v)) for k, v in sorted(d.items())} for g, d in groups.items()}


def clip_psnrs(vae_dir: Path, clips: list[np.ndarray], device: str) -> list[float]:
    """Per-clip PSNR (dB) of the VAE in ``vae_dir`` (loaded in float32) on ``clips``: the recipe's own
    ``vae_loop.clip_psnrs``, so these figures and a VAE phase's report are one computation."""
    import torch
    import vae_loop

    from stepvid.models.vae import VideoVAE

    return vae_loop.clip_psnrs(VideoVAE.from_pretrained(vae_dir, device=device, dtype=torch.float32), clips, device)


def main(argv: list[str] | None = None) -> int:
    from tqdm import tqdm

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("vae", type=Path, nargs="+", help="VAE folders (each with vae_v2.safetensors)")
    ap.add_argument("--recipe", type=int, default=24, help="clips of the recipe's eval set")
    ap.add_argument("--other", type=int, default=32, help="clips of the adherence benchmark's set")
    ap.add_argument("--size", type=int, nargs=3, default=(192, 192, 34), metavar=("H", "W", "FRAMES"))
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--by-scene", action="store_true",
                    help="also each VAE's pooled PSNR by number of objects and by background kind")
    args = ap.parse_args(argv)
    missing = [str(v) for v in args.vae if not (v / "vae_v2.safetensors").is_file()]
    if missing:
        ap.error(f"no vae_v2.safetensors in {', '.join(missing)}")
    if args.recipe < 0 or args.other < 0 or args.recipe + args.other == 0:
        ap.error(f"--recipe and --other must be >= 0 and not both 0; got {args.recipe}, {args.other}")
    t0 = time.time()
    specs = scene_sets(args.recipe, args.other)
    sets = render_sets(specs, *args.size)
    rows = []
    for v in tqdm(args.vae, desc="VAEs"):
        per = {name: clip_psnrs(v, clips, args.device) for name, clips in sets.items() if clips}
        pooled = [x for vals in per.values() for x in vals]
        groups = by_scene([s for name in per for s in specs[name]], pooled)
        rows.append((v, {k: float(np.mean(x)) for k, x in per.items()}, float(np.mean(pooled)), len(pooled), groups))
    print("| VAE | recipe (n) | other (n) | pooled (n) |\n|---|---|---|---|")
    for v, m, pooled, n, _ in rows:
        cell = {k: f"{m[k]:.2f} dB ({len(sets[k])})" if k in m else "—" for k in ("recipe", "other")}
        print(f"| {v} | {cell['recipe']} | {cell['other']} | {pooled:.2f} dB ({n}) |")
    if args.by_scene:
        print("\n| VAE | group | value | pooled PSNR (n) |\n|---|---|---|---|")
        for v, *_, groups in rows:
            for g, cells in groups.items():
                for k, (mean, count) in cells.items():
                    print(f"| {v} | {g} | {k} | {mean:.2f} dB ({count}) |")
    print(f"{len(rows)} VAE(s), {sum(len(c) for c in sets.values())} clips each, in {time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
