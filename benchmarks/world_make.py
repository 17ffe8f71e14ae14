"""Throughput of `stepvid world make`: clips written per minute (render + H.264 encode + manifest).

    python benchmarks/world_make.py                         # 400 clips 256x256x17, 2 workers
    python benchmarks/world_make.py --preset veryfast --clips 200
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing

from stepvid.world.dataset import WorldConfig, make_dataset
from stepvid.world.render import render_video
from stepvid.world.scene import sample_scene


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clips", type=int, default=400)
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--frames", type=int, default=17)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--preset", default="ultrafast")
    ap.add_argument("--crf", type=int, default=18)
    a = ap.parse_args()

    rng = np.random.default_rng(0)
    specs = [sample_scene(rng) for _ in range(50)]
    t0 = time.time()
    for s in specs:
        render_video(s, a.size, a.size, a.frames)
    render_ms = (time.time() - t0) / len(specs) * 1000

    with tempfile.TemporaryDirectory() as tmp:
        cfg = WorldConfig(height=a.size, width=a.size, frames=a.frames, crf=a.crf, preset=a.preset)
        s = make_dataset(tmp, videos=a.clips, cfg=cfg, workers=a.workers, progress=False)
        kb = np.mean([p.stat().st_size for p in Path(tmp, "videos").glob("*.mp4")]) / 1024
    print(f"world make: {a.clips} clips {a.size}x{a.size}x{a.frames}, {a.workers} workers, preset {a.preset} "
          f"crf {a.crf}: {s['samples_per_minute']:.0f} clips/min ({s['seconds']} s); "
          f"render alone {render_ms:.1f} ms/clip/core; {kb:.1f} KiB/clip")


if __name__ == "__main__":
    main()
