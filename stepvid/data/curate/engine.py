"""Running the stages over many videos: per-input shards (resumable), a deterministic merge, outputs.

Everything that can be checked is checked before any input is decoded (``check_run``: settings, stages,
filter expressions against the columns the stages make, workers, engine; then the inputs and the output
folder). Per-input work (decode, split, tags, watermark) runs in parallel — local processes by default,
or Ray Data with ``engine="ray"`` — and each input's result is one JSON shard written atomically under
``OUT/shards/``, stamped with the input's identity (size, mtime) and a hash of the settings it depends on
(``shard_settings``). A killed job restarts where it stopped: inputs whose shard matches both are
skipped; a shard made from another version of the file or with other settings is recomputed, so a run
into an existing folder gives exactly what a fresh run would. The merge then runs the whole-corpus
stages in input order (near-duplicates, captions with a resumable cache, balancing, filters) and writes:

    OUT/manifest.parquet   kept clips (path/kind/caption + frame range + tags), ready for training
    OUT/clips.parquet      every clip with its tags, keep flag and drop_reason
    OUT/failed.jsonl       inputs that could not be curated, with the reason
    OUT/report.html        the funnel, tag histograms with thresholds, sample thumbnails
    OUT/curate_config.json the settings, stages and filters of the run that wrote these files
    OUT/clips/*.mp4        with write_clips: kept clips cut (and border-cropped) into their own files
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from stepvid.data.curate.config import CurateConfig
from stepvid.data.curate.inputs import resolve_inputs
from stepvid.optional import require
from stepvid.video import atomic_path

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
SHARD_FORMAT = 2  # bump when process_input's output changes for the same settings


def check_run(
    cfg: CurateConfig,
    stages: tuple[str, ...],
    filters: list[str],
    workers: int = 1,
    engine: str = "local",
) -> tuple[tuple[str, ...], list[Callable]]:
    """Validate a run's options without touching any input: (stages with split first, compiled filters).

    Filters are compiled against the columns the chosen stages make (``columns.filter_columns``) and
    evaluated once on a row of plain values of those types, so an unknown column, a forbidden construct
    or a type error (``text_band > 1``) fails here, naming the token."""
    from stepvid.data.curate.columns import filter_columns, missing_hint, sample_row
    from stepvid.data.curate.expr import FilterError, compile_filter

    cfg.validate()
    unknown = [s for s in stages if s not in STAGES]
    if unknown:
        raise ValueError(f"unknown stage(s) {', '.join(map(repr, unknown))}; known: {', '.join(STAGES)}")
    stages = tuple(dict.fromkeys(("split", *stages)))
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a whole number >= 1, got {workers!r}")
    if engine not in ("local", "ray"):
        raise ValueError(f"unknown engine {engine!r}; expected 'local' or 'ray'")
    if engine == "ray":
        require("ray", "ray", "--engine ray")
    columns = filter_columns(stages, cfg)
    preds = []
    if "filter" in stages:
        sample = sample_row(columns)
        for expr in [*filters, *(["balance_keep"] if "balance" in stages else [])]:
            unknown = compile_filter(expr).columns - set(columns)  # syntax and constructs first
            try:
                pred = compile_filter(expr, columns)
            except FilterError as exc:
                hint = missing_hint(unknown, stages)
                if hint and expr in DEFAULT_FILTERS:
                    hint = f"{hint[:-1]}; --no-default-filters drops the default filters)"
                raise FilterError(f"{exc}{hint}") from None
            try:
                pred(sample)  # a type error (str > int, list arithmetic) fails now, not after the run
            except FilterError as exc:
                types = ", ".join(f"{c} is {columns[c].__name__}" for c in sorted(pred.columns))
                raise FilterError(f"{exc} ({types})") from None
            preds.append(pred)
    return stages, preds


def prepare_out(out: Path) -> None:
    """Create ``out`` and prove it writable, so a bad --out fails before any input is processed."""
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out}: exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".write-test.", dir=out)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise ValueError(f"--out {out}: not writable ({exc.strerror or exc})") from None


def shard_key(path: str) -> str:
    return hashlib.sha1(os.path.abspath(path).encode()).hexdigest()[:16]


def input_identity(path: str) -> dict | None:
    """What says the file is unchanged: size and mtime (ns); None for a missing file."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def shard_settings(cfg: CurateConfig, stages: tuple[str, ...]) -> str:
    """A stable hash of everything per-input work depends on: the per-input settings, whether tags run,
    the shard format and the stepvid version (a new version may compute tags differently)."""
    from stepvid import __version__

    spec = {
        "format": SHARD_FORMAT,
        "stepvid": __version__,
        "tags": "tags" in stages,
        "config": cfg.input_settings(),
    }
    return hashlib.sha1(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:16]


def process_input(path: str, cfg: CurateConfig, stages: tuple[str, ...]) -> dict:
    """All per-input stages for one video; never raises for a bad input (it returns status 'failed')."""
    from stepvid.data.curate.decode import BadInput, decode_lowres, grab_frames
    from stepvid.data.curate.split import split_video
    from stepvid.data.curate.tags import clip_tags, sample_indices, watermark_tags

    t0 = time.perf_counter()
    timing: dict[str, float] = {}
    base = {
        "source": path,
        "key": shard_key(path),
        "identity": input_identity(path),
        "settings": shard_settings(cfg, stages),
    }
    try:
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


def _shard_state(shard: Path, path: str, settings: str) -> str:
    """'ok' (reusable), 'missing' (never made) or 'stale' (another file version, other settings, unreadable)."""
    try:
        data = json.loads(shard.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "missing"
    except (OSError, json.JSONDecodeError):
        return "stale"
    same = data.get("settings") == settings and data.get("identity", "?") == input_identity(path)
    return "ok" if same else "stale"


def _ignore_sigint() -> None:
    """Workers leave Ctrl-C to the parent, which stops them and reports once (no traceback per worker)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ignore SIGINT while worker processes are spawned: an ignored signal stays ignored across exec, so a
    Ctrl-C during a worker's start-up (before its initializer runs) cannot print a traceback either."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


def run_shards(
    inputs: list[str],
    out: Path,
    cfg: CurateConfig,
    stages: tuple[str, ...],
    workers: int = 1,
    engine: str = "local",
    progress: bool = True,
) -> dict[str, int]:
    """Process every input without a reusable shard; returns counts of shards ``reused``, ``new`` (never
    made before) and ``recomputed`` (made from another version of the file or with other settings)."""
    from tqdm import tqdm

    shard_dir = out / "shards"
    shard_dir.mkdir(parents=True, exist_ok=True)
    settings = shard_settings(cfg, stages)
    state = {p: _shard_state(shard_dir / f"{shard_key(p)}.json", p, settings) for p in inputs}
    counts = {k: sum(v == s for v in state.values()) for k, s in (("reused", "ok"), ("new", "missing"))}
    counts["recomputed"] = len(inputs) - counts["reused"] - counts["new"]
    jobs = [(p, str(shard_dir), cfg.to_dict(), tuple(stages)) for p in inputs if state[p] != "ok"]
    if not jobs:
        return counts
    if "tags" in stages:  # a missing OCR package must stop the run, not fail every input one by one
        from stepvid.data.curate.ocr import check_text_detector

        check_text_detector(cfg.text_detector)
    workers = min(workers, len(jobs))
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

        pool = ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn"), initializer=_ignore_sigint)
        try:
            with _sigint_ignored():  # workers start (at submit) ignoring Ctrl-C: the parent stops them
                futs = [pool.submit(_work, j) for j in jobs]
            for f in tqdm(
                as_completed(futs), total=len(futs), desc="curate", unit="video", disable=not progress
            ):
                f.result()
        except BaseException:  # Ctrl-C or a worker error: stop the others now; finished shards are kept
            procs = list((getattr(pool, "_processes", None) or {}).values())  # shutdown() forgets them
            for proc in procs:
                proc.terminate()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
    return counts


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
    shards: dict[str, int] = field(default_factory=dict)  # reused / new / recomputed (run_shards)
    inputs_without_clips: int = 0  # decoded, but every shot was shorter than min_seconds


def merge(
    inputs: list[str],
    out: Path,
    cfg: CurateConfig,
    stages: tuple[str, ...],
    filters: list[str] | list[Callable],
    captioner: Callable | None = None,
    write_clips: bool = False,
) -> CurateResult:
    """Whole-corpus stages over the shards, in input order, and the output files.

    ``filters``: compiled predicates from ``check_run`` (in order, ``balance_keep`` last) or expressions."""
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
        ident = json.dumps([os.path.abspath(s["source"]), s["identity"]], sort_keys=True)
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
                    # what the clip's pixels are: source version + frame range (caption cache, cut files)
                    "_ident": hashlib.sha1(f"{ident}:{c['start_frame']}:{c['end_frame']}".encode()).hexdigest(),
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
        r["keep"], r["drop_reason"], r["captions"] = True, "", {}
    if "filter" in stages and rows:
        preds = [compile_filter(f) if isinstance(f, str) else f for f in filters]
        if "balance" in stages and all(getattr(p, "expr", None) != "balance_keep" for p in preds):
            preds.append(compile_filter("balance_keep"))
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
    no_clips = sum(1 for s in ok if not s["clips"])
    return CurateResult(alive, rows, failed, funnel, seconds, inputs_without_clips=no_clips)


def _write_clips(rows: list[dict], out: Path) -> None:
    """Cut kept clips into ``OUT/clips/<clip_id>-<hash>.mp4``; the hash covers the source version, frame
    range and crop, so a clip cut under other settings is never reused. Cut files this run does not
    reference (left by a run with other settings) are removed, so ``clips/`` matches the manifest."""
    from tqdm import tqdm

    from stepvid.video import read_video, write_video

    crop = ("crop_top", "crop_bottom", "crop_left", "crop_right")
    wanted = set()
    for r in tqdm(rows, desc="write clips", unit="clip"):
        box = [r.get(k) for k in crop]
        digest = hashlib.sha1(f"{r['_ident']}:{box}".encode()).hexdigest()[:10]
        dst = out / "clips" / f"{r['clip_id']}-{digest}.mp4"
        wanted.add(dst.name)
        if not dst.exists():  # write_video is atomic: an existing file is complete
            frames = read_video(r["source"], start=r["start_frame"], num_frames=r["num_frames"])
            if "crop_top" in r:
                frames = frames[:, r["crop_top"] : r["crop_bottom"], r["crop_left"] : r["crop_right"]]
            write_video(dst, frames, fps=r["fps"])
        r["path"] = os.path.relpath(dst, out)
    for old in (out / "clips").glob("*.mp4") if (out / "clips").is_dir() else []:
        if old.name not in wanted:
            old.unlink()


def run_curation(
    input_spec: str | os.PathLike | list[str],
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
    """The whole pipeline: checks, shards (resumable, parallel), merge, manifests and the HTML report.

    ``input_spec``: one path or a list of paths, each a video, a folder, a list file or a manifest
    (``inputs.resolve_inputs``). Nothing is decoded before every option, the inputs and ``out`` passed."""
    cfg = cfg or CurateConfig()
    filters = list(DEFAULT_FILTERS if filters is None else filters)
    stages, preds = check_run(cfg, tuple(stages), filters, workers, engine)
    out = Path(out)
    inputs = resolve_inputs(input_spec, exclude=out)
    prepare_out(out)
    t = time.perf_counter()
    counts = run_shards(inputs, out, cfg, stages, workers, engine, progress)
    wall = time.perf_counter() - t
    res = merge(inputs, out, cfg, stages, preds, captioner, write_clips)
    res.seconds["shards_wall"] = wall
    res.shards = counts
    if report:
        from stepvid.data.curate.report import write_report

        write_report(out / "report.html", res, cfg)
    record = {
        "config": cfg.to_dict(),
        "stages": list(stages),
        "filters": filters,
        "shard_settings": shard_settings(cfg, stages),
        "inputs": len(inputs),
    }
    with atomic_path(out / "curate_config.json") as tmp:  # last: it describes the files written above
        tmp.write_text(json.dumps(record, indent=1), encoding="utf-8")
    return res
