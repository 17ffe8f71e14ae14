"""Curation accuracy on raw-footage mode (known ground truth): scene cuts and per-defect precision/recall.

    python benchmarks/curate_accuracy.py [--videos 12] [--height 360] [--width 640] [--workers 2] [--seed 4]
        [--text-detector heuristic|rapidocr]

Generates raw videos (stepvid.world.raw, cached in --data), runs `stepvid curate` stages split+tags+dedup,
and scores:
* scene boundaries: a detected boundary matches a true one when it falls within the true transition span
  widened by ±2 frames (a hard cut's span is its single frame); one-to-one greedy matching;
* defects per clip: each clip is assigned the true scene it overlaps most; the clip is positive for a
  scene defect when that scene has it, for the watermark when the watermark covers >= half the clip, for
  near-duplicate when the scene is a re-upload of an earlier one.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PRED = {
    "static": "is_static",
    "subtitle": "has_subtitle",
    "watermark": "has_watermark",
    "black_border": "has_black_border",
    "blur": "is_blurry",
    "near_duplicate": "is_duplicate",
    "shake": "is_shaky",
    "saturation": ("is_undersaturated", "is_oversaturated"),
}
REQUIRED = ("static", "subtitle", "watermark", "black_border", "blur", "near_duplicate")


def score_boundaries(truth: list[dict], found: list[dict], tol: int = 2) -> tuple[int, int, int]:
    used = set()
    hit = 0
    for b in truth:
        for j, f in enumerate(found):
            if j not in used and b["start"] - tol <= f["frame"] <= b["end"] + tol:
                used.add(j)
                hit += 1
                break
    return hit, len(truth), len(found)


def clip_truth(clip: dict, truth: dict) -> dict[str, bool]:
    s, e = clip["start_frame"], clip["end_frame"]
    scene = max(truth["scenes"], key=lambda sc: min(sc["end"], e) - max(sc["start"], s))
    out = {k: k in scene["defects"] for k in PRED if k != "watermark"}
    wm = truth.get("watermark")
    out["watermark"] = bool(wm) and (min(wm["end"], e) - max(wm["start"], s)) >= 0.5 * (e - s)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--videos", type=int, default=12)
    ap.add_argument("--height", type=int, default=360)
    ap.add_argument("--width", type=int, default=640)
    ap.add_argument("--seed", type=int, default=4, help="thresholds were tuned on seeds 1-3; 4 is held out")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--data", default="/tmp/stepvid_curate_bench/raw")
    ap.add_argument("--out", default="/tmp/stepvid_curate_bench/out")
    ap.add_argument("--fresh", action="store_true", help="re-run curation even if shards exist")
    ap.add_argument("--text-detector", default="heuristic", choices=("heuristic", "rapidocr"))
    args = ap.parse_args()

    import shutil

    from stepvid.data.curate.config import CurateConfig
    from stepvid.data.curate.engine import run_curation, shard_key
    from stepvid.world.raw import RawConfig, procedural_scene, sidecar_path, write_raw_dataset

    t0 = time.perf_counter()
    data = Path(args.data) / f"{args.height}x{args.width}_s{args.seed}"
    rcfg = RawConfig(height=args.height, width=args.width)
    if args.workers > 1:  # generate in parallel; write_raw_dataset below then only lists the files
        from concurrent.futures import ProcessPoolExecutor

        from stepvid.world.raw import write_raw_video

        data.mkdir(parents=True, exist_ok=True)
        todo = [i for i in range(args.videos) if not sidecar_path(data / f"raw_{i:05d}.mp4").exists()]
        with ProcessPoolExecutor(args.workers) as pool:
            list(
                pool.map(
                    write_raw_video,
                    [data / f"raw_{i:05d}.mp4" for i in todo],
                    [args.seed * 100003 + i for i in todo],
                    [rcfg] * len(todo),
                )
            )
    paths = write_raw_dataset(data, args.videos, args.seed, rcfg, procedural_scene)
    t_gen = time.perf_counter() - t0
    out = Path(args.out) / args.text_detector  # shards of one detector are never reused for the other
    if args.fresh:
        shutil.rmtree(out, ignore_errors=True)
    t1 = time.perf_counter()
    res = run_curation(
        [str(p) for p in paths],
        out,
        CurateConfig().update(text_detector=args.text_detector),
        stages=("split", "tags", "dedup"),
        workers=args.workers,
        report=True,
    )
    t_cur = time.perf_counter() - t1
    hit = ntrue = nfound = 0
    t_tags = 0.0
    counts = {k: [0, 0, 0] for k in PRED}  # tp, fp, fn
    by_src: dict[str, list[dict]] = {}
    for c in res.clips:
        by_src.setdefault(c["source"], []).append(c)
    for p in paths:
        truth = json.loads(sidecar_path(p).read_text())
        shard = json.loads((out / "shards" / f"{shard_key(str(p))}.json").read_text())
        t_tags += shard.get("seconds", {}).get("tags", 0.0)
        h, t, f = score_boundaries(truth["boundaries"], shard.get("boundaries", []))
        hit, ntrue, nfound = hit + h, ntrue + t, nfound + f
        for c in by_src.get(str(p), []):
            gt = clip_truth(c, truth)
            for k, col in PRED.items():
                pred = any(c.get(x) for x in col) if isinstance(col, tuple) else bool(c.get(col))
                counts[k][0] += pred and gt[k]
                counts[k][1] += pred and not gt[k]
                counts[k][2] += gt[k] and not pred
    frames = sum(json.loads(sidecar_path(p).read_text())["num_frames"] for p in paths)
    print(
        f"{len(paths)} videos, {frames} frames ({frames / 24:.0f} s) at {args.height}x{args.width}, "
        f"{len(res.clips)} clips; generation {t_gen:.0f} s, curation {t_cur:.0f} s; "
        f"tags stage {t_tags / max(len(res.clips), 1):.2f} s/clip (text detector: {args.text_detector})"
    )
    print(f"{'what':16s} {'prec':>6s} {'recall':>6s}  tp/fp/fn")
    rec = hit / max(ntrue, 1)
    prec = hit / max(nfound, 1)
    print(f"{'scene cuts':16s} {prec:6.3f} {rec:6.3f}  {hit}/{nfound - hit}/{ntrue - hit}")
    ok = rec >= 0.95 and prec >= 0.95
    for k, (tp, fp, fn) in counts.items():
        p_, r_ = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
        req = k in REQUIRED
        ok &= (not req) or (p_ >= 0.9 and r_ >= 0.9)
        print(f"{k:16s} {p_:6.3f} {r_:6.3f}  {tp}/{fp}/{fn}{'' if req else '  (info)'}")
    print("PASS" if ok else "BELOW TARGET (cuts >= 0.95, required defects >= 0.9)")


if __name__ == "__main__":
    main()
