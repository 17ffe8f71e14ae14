"""Curation throughput on 480p input with the default stages, in seconds of video per wall-clock second.

    python benchmarks/curate_throughput.py [--videos 4] [--workers 2] [--height 480] [--width 854]

Inputs are raw-footage videos (stepvid.world.raw, H.264, 24 fps), generated once into --data. Prints the
throughput and each stage's share of the worker time (decode = both decode passes; split = shot
detection; tags = all per-clip tags incl. optical flow, text, watermark, hashes; then the corpus stages).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--videos", type=int, default=4)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--height", type=int, default=480)
    ap.add_argument("--width", type=int, default=854)
    ap.add_argument("--data", default="/tmp/stepvid_curate_bench/raw")
    ap.add_argument("--out", default="/tmp/stepvid_curate_bench/throughput")
    args = ap.parse_args()

    from concurrent.futures import ProcessPoolExecutor

    from stepvid.data.curate.engine import run_curation
    from stepvid.world.raw import RawConfig, sidecar_path, write_raw_video

    data = Path(args.data) / f"{args.height}x{args.width}_s9"
    data.mkdir(parents=True, exist_ok=True)
    cfg = RawConfig(height=args.height, width=args.width)
    paths = [data / f"raw_{i:05d}.mp4" for i in range(args.videos)]
    todo = [p for p in paths if not sidecar_path(p).exists()]
    with ProcessPoolExecutor(max(1, args.workers)) as pool:
        list(pool.map(write_raw_video, todo, [900 + paths.index(p) for p in todo], [cfg] * len(todo)))
    seconds_of_video = sum(json.loads(sidecar_path(p).read_text())["num_frames"] / cfg.fps for p in paths)
    shutil.rmtree(args.out, ignore_errors=True)
    t = time.perf_counter()
    res = run_curation([str(p) for p in paths], args.out, workers=args.workers, progress=False)
    wall = time.perf_counter() - t
    stages = {k: v for k, v in res.seconds.items() if k != "shards_wall"}
    total = sum(stages.values())
    print(
        f"{len(paths)} videos, {seconds_of_video:.0f} s of {args.height}p video, {len(res.clips)} clips, "
        f"{args.workers} workers: {wall:.1f} s wall"
    )
    print(
        f"throughput: {seconds_of_video / wall:.2f} s of video per s ({seconds_of_video / wall / max(1, args.workers):.2f} per worker)"
    )
    for k, v in sorted(stages.items(), key=lambda kv: -kv[1]):
        print(f"  {k:8s} {v:7.1f} s  {100 * v / total:5.1f} %")


if __name__ == "__main__":
    main()
