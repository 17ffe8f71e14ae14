"""Running the stages over many videos: per-input shards (resumable), a deterministic merge, outputs.

Per-input work (decode, split, tags, watermark) runs in parallel — local processes by default, or Ray Data
with ``engine="ray"`` — and each input's result is one JSON shard written atomically under
``OUT/shards/``. A killed job restarts where it stopped: inputs with a shard are skipped, so no row is
lost or duplicated. The merge then runs the whole-corpus stages in input order (near-duplicates, captions
with a resumable cache, balancing, filters) and writes:

    OUT/manifest.parquet   kept clips (path/kind/caption + frame range + tags), ready for training
    OUT/clips.parquet      every clip with its tags, keep flag and drop_reason
    OUT/failed.jsonl       inputs that could not be curated, with the reason
    OUT/report.html        the funnel, tag histograms with thresholds, sample thumbnails
    OUT/clips/*.mp4        with write_clips: kept clips cut (and border-cropped) into their own files
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from stepvid.data.curate.config import CurateConfig
from stepvid.optional import require
from stepvid.video import atomic_path

VIDEO_EXTS = {".mp4", ".mkv", ".mov", ".webm", ".avi", ".m4v", ".ts", ".flv", ".mpg", ".mpeg", ".wmv", ".gif"}
STAGES = ("split", "tags", "dedup", "caption", "balance", "filter")
DEFAULT_STAGES = ("split", "tags", "dedup", "caption", "balance", "filter")
DEFAULT_FILTERS = (
    "not is_static",
    "not is_shaky",
    "not is_blurry",
    "not has_subtitle",
    "not has_watermark",
    "not is_undersaturated and not is_oversaturated",
    "not is_duplicate",
)


def list_inputs(spec: str | os.PathLike) -> list[str]:
    """A folder (recursive, by video extension), a .txt list (one path a line) or a manifest's paths."""
    p = Path(spec)
    if p.is_dir():
        return sorted(str(f) for f in p.rglob("*") if f.is_file() and f.suffix.lower() in VIDEO_EXTS)
    if not p.exists():
        raise FileNotFoundError(f"input not found: {p}")
    if p.suffix in (".jsonl", ".parquet"):
        from stepvid.data.manifest import read_manifest

        return [r["path"] for r in read_manifest(p, validate=False)]
    lines = [ln.strip() for ln in p.read_text(encoding="utf-8").splitlines()]
    return [
        str((p.parent / ln) if not os.path.isabs(ln) else ln) for ln in lines if ln and not ln.startswith("#")
    ]


def shard_key(path: str) -> str:
    return hashlib.sha1(os.path.abspath(path).encode()).hexdigest()[:16]


def process_input(path: str, cfg: CurateConfig, stages: tuple[str, ...]) -> dict:
    """All per-input stages for one video; never raises for a bad input (it returns status 'failed')."""
    from stepvid.data.curate.decode import BadInput, decode_lowres, grab_frames
    from stepvid.data.curate.split import split_video
    from stepvid.data.curate.tags import clip_tags, sample_indices, watermark_tags

    t0 = time.perf_counter()
    timing: dict[str, float] = {}
    base = {"source": path, "key": shard_key(path)}
    try:
        st = os.stat(path)
        base.update(size=st.st_size, mtime=st.st_mtime)
        src = decode_lowres(path, cfg.analysis_width, cfg.max_bytes, cfg.max_frames)
        timing["decode"] = time.perf_counter() - t0
        t = time.perf_counter()
        boundaries, clips, short = split_video(src.small, src.fps, cfg)
        timing["split"] = time.perf_counter() - t
        info = {
            "width": src.width,
            "height": src.height,
            "fps": src.fps,
            "codec": src.codec,
            "num_frames": src.num_frames,
        }
        if "tags" in stages and clips:
            t = time.perf_counter()
            wanted = {
                c["start_frame"]: sample_indices(c["start_frame"], c["end_frame"], cfg.sample_frames)
                for c in clips
            }
            frames = grab_frames(path, sorted({i for v in wanted.values() for i in v}))
            timing["decode"] += time.perf_counter() - t
            t = time.perf_counter()
            import numpy as np

            for c in clips:
                idx = wanted[c["start_frame"]]
                c.update(
                    clip_tags(
                        np.stack([frames[i] for i in idx]), src.small[c["start_frame"] : c["end_frame"]], cfg
                    )
                )
            watermark_tags(clips, cfg)
            for c in clips:
                c["_corners"] = None
                del c["_corners"]
            timing["tags"] = time.perf_counter() - t
        return {
            **base,
            "status": "ok",
            **info,
            "boundaries": boundaries,
            "num_shots": len(boundaries) + 1,
            "short_shots": short,
            "clips": clips,
            "seconds": timing,
        }
    except BadInput as exc:
        return {**base, "status": "failed", "reason": str(exc)}
    except Exception as exc:  # noqa: BLE001 - one bad input must never stop the job; the reason is recorded
        return {**base, "status": "failed", "reason": f"{path}: {type(exc).__name__}: {exc}"}


def _work(args: tuple[str, str, dict, tuple[str, ...]]) -> str:
    path, shard_dir, cfgd, stages = args
    result = process_input(path, CurateConfig(**cfgd), stages)
    shard = Path(shard_dir) / f"{result['key']}.json"
    with atomic_path(shard) as tmp:
        tmp.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return path


def _shard_ok(shard: Path, path: str) -> bool:
    """A shard is reusable when it exists and was made from the same file (size and mtime)."""
    try:
        data = json.loads(shard.read_text(encoding="utf-8"))
        st = os.stat(path)
        return data.get("size") in (None, st.st_size) and data.get("mtime") in (None, st.st_mtime)
    except (OSError, json.JSONDecodeError):
        return os.path.exists(shard) and not os.path.exists(path)


def run_shards(
    inputs: list[str],
    out: Path,
    cfg: CurateConfig,
    stages: tuple[str, ...],
    workers: int = 1,
    engine: str = "local",
    progress: bool = True,
) -> int:
    """Process every input without a valid shard; returns how many were processed now."""
    from tqdm import tqdm

    shard_dir = out / "shards"
    shard_dir.mkdir(parents=True, exist_ok=True)
    pending = [p for p in inputs if not _shard_ok(shard_dir / f"{shard_key(p)}.json", p)]
    jobs = [(p, str(shard_dir), cfg.to_dict(), tuple(stages)) for p in pending]
    if not jobs:
        return 0
    if "tags" in stages:  # a missing OCR package must stop the run, not fail every input one by one
        from stepvid.data.curate.ocr import check_text_detector

        check_text_detector(cfg.text_detector)
    if engine == "ray":
        run_ray(jobs, workers)
    elif engine != "local":
        raise ValueError(f"unknown engine {engine!r}; expected 'local' or 'ray'")
    elif workers <= 1:
        for j in tqdm(jobs, desc="curate", unit="video", disable=not progress):
            _work(j)
    else:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor, as_completed

        with ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn")) as pool:
            futs = [pool.submit(_work, j) for j in jobs]
            for f in tqdm(
                as_completed(futs), total=len(futs), desc="curate", unit="video", disable=not progress
            ):
                f.result()
    return len(jobs)


def run_ray(jobs: list[tuple], workers: int) -> None:
    """The same per-input work on Ray Data (``pip install 'stepvid[ray]'``). OUT must be on storage every
    node can write (a shared filesystem) since shards are written by the workers."""
    ray = require("ray", "ray", "--engine ray")
    if not ray.is_initialized():
        ray.init(
            num_cpus=max(1, workers) if not os.environ.get("RAY_ADDRESS") else None,
            include_dashboard=False,
            ignore_reinit_error=True,
            log_to_driver=False,
        )
    ds = ray.data.from_items([{"job": json.dumps(j)} for j in jobs], override_num_blocks=len(jobs))

    def work(row: dict) -> dict:
        p, d, c, s = json.loads(row["job"])
        return {"path": _work((p, d, c, tuple(s)))}

    done = ds.map(work).take_all()
    if len(done) != len(jobs):
        raise RuntimeError(f"ray engine: {len(done)} of {len(jobs)} inputs came back")


@dataclass
class CurateResult:
    kept: list[dict]
    clips: list[dict]
    failed: list[dict]
    funnel: list[tuple[str, int]]
    seconds: dict[str, float] = field(default_factory=dict)


def merge(
    inputs: list[str],
    out: Path,
    cfg: CurateConfig,
    stages: tuple[str, ...],
    filters: list[str],
    captioner: Callable | None = None,
    write_clips: bool = False,
) -> CurateResult:
    """Whole-corpus stages over the shards, in input order, and the output files."""
    from stepvid.data.curate.balance import balance
    from stepvid.data.curate.caption import caption_rows
    from stepvid.data.curate.dedup import mark_duplicates
    from stepvid.data.curate.expr import compile_filter
    from stepvid.data.manifest import write_manifest

    seconds: dict[str, float] = {}
    shards = [
        json.loads((out / "shards" / f"{shard_key(p)}.json").read_text(encoding="utf-8")) for p in inputs
    ]
    failed = [{"source": s["source"], "reason": s["reason"]} for s in shards if s["status"] != "ok"]
    ok = [s for s in shards if s["status"] == "ok"]
    for s in ok:
        for k, v in s.get("seconds", {}).items():
            seconds[k] = seconds.get(k, 0.0) + v
    rows: list[dict] = []
    for s in ok:
        stem = Path(s["source"]).stem
        for c in s["clips"]:
            rel = os.path.relpath(os.path.abspath(s["source"]), out.resolve())
            rows.append(
                {
                    "clip_id": f"{stem}-{s['key'][:6]}-{c['shot']:04d}-{c['part']}",
                    "path": rel,
                    "kind": "video",
                    "caption": "",
                    "source": s["source"],
                    "fps": s["fps"],
                    "width": s["width"],
                    "height": s["height"],
                    **c,
                }
            )
    funnel = [
        ("inputs", len(inputs)),
        ("decoded", len(ok)),
        ("shots", sum(s["num_shots"] for s in ok)),
        ("clips (trimmed, >= min length)", len(rows)),
    ]
    t = time.perf_counter()
    if "dedup" in stages:
        mark_duplicates(rows, cfg.dup_hamming)
    seconds["dedup"] = time.perf_counter() - t
    t = time.perf_counter()
    if "balance" in stages:
        balance(rows, cfg.clusters, cfg.cluster_cap, cfg.min_center_sim)
    seconds["balance"] = time.perf_counter() - t
    alive = list(rows)
    for r in rows:
        r["keep"], r["drop_reason"] = True, ""
    if "filter" in stages and rows:
        columns = set().union(*(r.keys() for r in rows))
        preds = [compile_filter(f, columns) for f in filters]
        if "balance" in stages:
            preds.append(compile_filter("balance_keep", columns))
        for pred in preds:
            nxt = []
            for r in alive:
                if pred(r):
                    nxt.append(r)
                else:
                    r["keep"], r["drop_reason"] = False, pred.expr
            alive = nxt
            funnel.append((pred.expr, len(alive)))
    t = time.perf_counter()
    if "caption" in stages and alive:
        from stepvid.data.curate.caption import SidecarCaptioner

        caption_rows(alive, captioner or SidecarCaptioner(), out / "captions.jsonl")
        funnel.append(("captioned", sum(1 for r in alive if r["caption"])))
    seconds["caption"] = time.perf_counter() - t
    if write_clips:
        _write_clips(alive, out)
    public = [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]
    write_manifest(out / "clips.parquet", public)
    write_manifest(out / "manifest.parquet", [r for r in public if r["keep"]])
    with atomic_path(out / "failed.jsonl") as tmp:
        tmp.write_text("".join(json.dumps(f, ensure_ascii=False) + "\n" for f in failed), encoding="utf-8")
    return CurateResult(alive, rows, failed, funnel, seconds)


def _write_clips(rows: list[dict], out: Path) -> None:
    from tqdm import tqdm

    from stepvid.video import read_video, write_video

    for r in tqdm(rows, desc="write clips", unit="clip"):
        dst = out / "clips" / f"{r['clip_id']}.mp4"
        if not dst.exists():
            frames = read_video(r["source"], start=r["start_frame"], num_frames=r["num_frames"])
            if "crop_top" in r:
                frames = frames[:, r["crop_top"] : r["crop_bottom"], r["crop_left"] : r["crop_right"]]
            write_video(dst, frames, fps=r["fps"])
        r["path"] = os.path.relpath(dst, out)


def run_curation(
    input_spec: str | list[str],
    out: str | os.PathLike,
    cfg: CurateConfig | None = None,
    stages: tuple[str, ...] = DEFAULT_STAGES,
    filters: list[str] | None = None,
    workers: int = 1,
    engine: str = "local",
    captioner: Callable | None = None,
    write_clips: bool = False,
    report: bool = True,
    progress: bool = True,
) -> CurateResult:
    """The whole pipeline: shards (resumable, parallel), merge, manifests and the HTML report."""
    cfg = cfg or CurateConfig()
    unknown = set(stages) - set(STAGES)
    if unknown:
        raise ValueError(f"unknown stage(s) {sorted(unknown)}; known: {', '.join(STAGES)}")
    if "split" not in stages:
        stages = ("split", *stages)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    inputs = list_inputs(input_spec) if isinstance(input_spec, (str, os.PathLike)) else list(input_spec)
    if not inputs:
        raise ValueError(f"no video inputs found in {input_spec}")
    with atomic_path(out / "curate_config.json") as tmp:
        tmp.write_text(
            json.dumps({"config": cfg.to_dict(), "stages": list(stages), "filters": filters}, indent=1)
        )
    t = time.perf_counter()
    run_shards(inputs, out, cfg, stages, workers, engine, progress)
    wall = time.perf_counter() - t
    filters = list(DEFAULT_FILTERS if filters is None else filters)
    res = merge(inputs, out, cfg, stages, filters, captioner, write_clips)
    res.seconds["shards_wall"] = wall
    if report:
        from stepvid.data.curate.report import write_report

        write_report(out / "report.html", res, cfg)
    return res
