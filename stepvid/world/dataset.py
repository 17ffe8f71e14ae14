"""Write a world dataset: mp4 clips and png stills with bilingual captions and a manifest.

Every sample is a pure function of ``(seed, split, kind, index)``, so runs are reproducible whatever the
number of workers, and resumable: files already on disk (writes are atomic, so they are complete) are
kept and only their manifest rows are recomputed. A ``world.json`` next to the manifest records the
render settings; resuming into a folder made with different settings is refused.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from stepvid.world.captions import LANGS, STYLES, caption
from stepvid.world.render import render_image, render_video
from stepvid.world.scene import SceneSpec, is_heldout, sample_scene

__all__ = ["WorldConfig", "make_dataset", "sample_row"]

_SPLIT_ID = {"train": 0, "heldout": 1}
_KIND_ID = {"video": 0, "image": 1}


@dataclass
class WorldConfig:
    height: int = 256
    width: int = 256
    frames: int = 17
    fps: float = 12.0
    split: str = "train"
    seed: int = 0
    lang: str = "both"  # language of the primary ``caption`` column: en, zh or both (random per sample)
    crf: int = 18
    preset: str = "ultrafast"  # fastest x264 preset; ~2.5x the file size of veryfast at the same crf
    shape_weights: dict[str, float] | None = None  # rebalanced mix (``sample_scene``); None = uniform shapes
    count_weights: list[float] | None = None  # of 1, 2, 3 objects; None = the world's 45 / 35 / 20 %

    def render_key(self) -> dict[str, Any]:
        """Settings that change the files (a resume must match them). The mix weights only when set, so
        folders made before they existed still resume."""
        key = {k: getattr(self, k) for k in ("height", "width", "frames", "fps", "split", "seed", "crf")}
        if self.shape_weights is not None:  # as JSON will read them back
            key["shape_weights"] = {k: float(v) for k, v in sorted(self.shape_weights.items())}
        if self.count_weights is not None:
            key["count_weights"] = [float(x) for x in self.count_weights]
        return key


def _rng(cfg: WorldConfig, kind: str, index: int) -> np.random.Generator:
    return np.random.default_rng([cfg.seed, _SPLIT_ID[cfg.split], _KIND_ID[kind], index])


def sample_row(cfg: WorldConfig, kind: str, index: int) -> tuple[SceneSpec, dict[str, Any]]:
    """The spec and manifest row of sample ``index`` (deterministic; renders nothing)."""
    rng = _rng(cfg, kind, index)
    spec = sample_scene(rng, split=cfg.split, motions=("still",) if kind == "image" else None,
                        shape_weights=cfg.shape_weights, count_weights=cfg.count_weights)
    captions = {f"{lang}_{style}": caption(spec, lang, style, rng=rng, kind=kind) for lang in LANGS for style in STYLES}
    lang = cfg.lang if cfg.lang != "both" else LANGS[int(rng.integers(2))]
    style = STYLES[int(rng.integers(2))]
    ext = "mp4" if kind == "video" else "png"
    row = {
        "path": f"{kind}s/{cfg.split}_{index:07d}.{ext}",
        "kind": kind,
        "caption": captions[f"{lang}_{style}"],
        "captions": captions,
        "width": cfg.width,
        "height": cfg.height,
        "num_frames": cfg.frames if kind == "video" else 1,
        "fps": cfg.fps if kind == "video" else None,
        "split": cfg.split,
        "heldout": is_heldout(spec),
        "spec": spec.to_dict(),
    }
    return spec, row


def _work(args: tuple[WorldConfig, str, int, str]) -> tuple[dict[str, Any], bool]:
    """Render and write one sample unless its file exists; returns (row, written)."""
    from stepvid.video import write_png, write_video

    cfg, kind, index, out = args
    spec, row = sample_row(cfg, kind, index)
    path = Path(out) / row["path"]
    if path.exists() and path.stat().st_size > 0:
        return row, False
    if kind == "video":
        write_video(path, render_video(spec, cfg.height, cfg.width, cfg.frames, cfg.fps), fps=cfg.fps, crf=cfg.crf,
                    preset=cfg.preset)
    else:
        write_png(path, render_image(spec, cfg.height, cfg.width))
    return row, True


def make_dataset(out: str | os.PathLike, videos: int, images: int = 0, cfg: WorldConfig | None = None,
                 workers: int = 1, manifest: str = "manifest.jsonl", progress: bool = True) -> dict[str, Any]:
    """Write ``videos`` clips and ``images`` stills under ``out`` plus ``out/manifest``; returns a summary."""
    from tqdm import tqdm

    from stepvid.data.manifest import write_manifest

    cfg = cfg or WorldConfig()
    if cfg.split not in _SPLIT_ID:
        raise ValueError(f"split must be train or heldout; got {cfg.split!r}")
    if cfg.lang not in (*LANGS, "both"):
        raise ValueError(f"lang must be en, zh or both; got {cfg.lang!r}")
    if videos < 0 or images < 0 or videos + images == 0:
        raise ValueError(f"need a positive number of samples; got videos={videos} images={images}")
    sample_scene(0, shape_weights=cfg.shape_weights, count_weights=cfg.count_weights)  # bad weights fail here
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    meta_path = out / f"world_{cfg.split}.json"
    if meta_path.exists():
        old = json.loads(meta_path.read_text())
        before, now = old.get("render", {}), cfg.render_key()
        if before != now:
            diff = {k: (before.get(k), now.get(k)) for k in sorted(set(before) | set(now))
                    if before.get(k) != now.get(k)}
            raise ValueError(f"{out} was made with different settings {diff} (old, new); use another --out")
    meta_path.write_text(json.dumps({"render": cfg.render_key(), "config": asdict(cfg)}, indent=1))
    jobs = [(cfg, "video", i, str(out)) for i in range(videos)] + [(cfg, "image", i, str(out)) for i in range(images)]
    rows: list[dict[str, Any]] = []
    written = 0
    t0 = time.time()
    bar = tqdm(total=len(jobs), desc=f"world {cfg.split}", unit="sample", disable=not progress)
    if workers > 1:
        import multiprocessing as mp

        with mp.get_context("spawn" if os.name == "nt" else "fork").Pool(workers) as pool:
            for row, w in pool.imap(_work, jobs, chunksize=8):
                rows.append(row)
                written += w
                bar.update()
    else:
        for job in jobs:
            row, w = _work(job)
            rows.append(row)
            written += w
            bar.update()
    bar.close()
    manifest_path = write_manifest(out / manifest, rows)
    dt = time.time() - t0
    summary = {"manifest": str(manifest_path), "samples": len(rows), "written": written,
               "skipped": len(rows) - written, "seconds": round(dt, 2),
               "samples_per_minute": round(written / dt * 60, 1) if written else 0.0}
    return summary
