"""``stepvid eval``'s engine: one video per (model, prompt, seed), each with its offline metrics and, where the
prompt is a world prompt, the world judge's verdict, written into an eval run folder (layout: docs/eval.md).

The folder is the unit of work: ``run.json`` fixes the prompts, seeds and settings (a rerun that differs is
refused, naming the setting), each shard appends finished items to its own ``items-IofN.jsonl`` (video written
atomically first, row fsynced after), and ``items.jsonl`` is the merged view of every shard's rows, rewritten
atomically after each item. An item is done when its row is in some ``items-*of*.jsonl``; a torn last line
(a crash mid-append) is ignored, so an interrupted run resumes without redoing finished work. Models are
loaded one at a time. Torch is imported only when generating.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "EvalModel",
    "EvalPrompt",
    "judge_target",
    "load_prompts",
    "load_run",
    "parse_model_arg",
    "plan_models",
    "read_items",
    "run_eval",
    "write_items_view",
]

SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
RUN_FILE, PROMPTS_FILE, ITEMS_FILE, LOCK_FILE = "run.json", "prompts.jsonl", "items.jsonl", ".lock"
SHARD_GLOB = "items-*of*.jsonl"
SETTING_KEYS = ("num_frames", "height", "width", "steps", "cfg", "shift", "prompt_rewrite", "tries")
_BEFORE_TRIES = {"tries": 1}  # what a folder made before a setting existed ran with
_FLAGS = {"num_frames": "--frames", "prompt_rewrite": "--prompt-rewrite"}  # others: --<key>
ROW_KEYS = {"model": str, "prompt_id": str, "seed": int, "video": str, "seconds": (int, float), "metrics": dict}


def safe_name(text: str, what: str, where: str = "") -> str:
    """``text`` if it is a short filesystem-safe name ([A-Za-z0-9_.-], starting with a letter or digit)."""
    if not isinstance(text, str) or not SAFE_NAME.fullmatch(text):
        raise ValueError(f"{where}{what} {text!r} is not a safe name: use 1-100 of A-Z a-z 0-9 _ . - "
                         f"starting with a letter or digit")
    return text


# ------------------------------------------------------------------------------------------------ prompts


@dataclass(frozen=True)
class EvalPrompt:
    """One benchmark prompt: a stable filesystem-safe ``id``, the text, an optional category, and the partial
    world spec the prompt states (``request``, from ``stepvid world prompts`` files), when given."""

    id: str
    prompt: str
    category: str | None = None
    request: dict | None = None

    def to_dict(self) -> dict:
        return {"id": self.id, "prompt": self.prompt, "category": self.category, "request": self.request}


def _line_id(n: int) -> str:
    return f"line{n:05d}"


def load_prompts(source: str) -> tuple[list[EvalPrompt], str]:
    """The prompts of ``source`` and how to name it in run.json: ``official`` (the shipped 128
    Step-Video-T2V-Eval prompts with their categories), a ``.jsonl`` file of rows ``{"prompt", "id"?,
    "category"?, "request"?}`` (``stepvid world prompts`` files are such rows; without a category, theirs is
    "<k> object(s), <lang>"), or a text file with one prompt per line (ids ``line00001``, ...).
    ValueError names the file and line of a bad row."""
    from stepvid.dpo.pairs import input_lines, json_object
    from stepvid.world.request import check_request

    if source == "official":
        from stepvid.eval.benchmark import load_benchmark

        return [EvalPrompt(r["id"], r["prompt"], r["category"]) for r in load_benchmark()], "official"
    path = Path(source)
    if path.is_dir():
        raise ValueError(f"--prompts {source} is a folder; give a .txt or .jsonl file, or 'official'")
    rows: list[EvalPrompt] = []
    seen: dict[str, int] = {}
    jsonl = path.suffix.lower() == ".jsonl"
    for n, line in input_lines(path, "prompt"):
        where = f"{path}:{n}: "
        if jsonl:
            d = json_object(line, where[:-2], " with a 'prompt'")
            prompt, category, request = d.get("prompt"), d.get("category"), d.get("request")
            pid = safe_name(d["id"], "id", where) if "id" in d else _line_id(n)
            if category is None and isinstance(d.get("objects"), int) and isinstance(d.get("lang"), str):
                category = f"{d['objects']} object{'s' if d['objects'] != 1 else ''}, {d['lang']}"
            if category is not None and (not isinstance(category, str) or not category.strip()):
                raise ValueError(f"{where}'category' must be a non-empty string or null; got {category!r}")
            if request is not None:
                check_request(request, f"{path}:{n}")
        else:
            if not rows and line.lstrip().startswith("{"):
                try:
                    json.loads(line)
                except ValueError:
                    pass
                else:
                    raise ValueError(f"{where}a JSON row in a text prompt file; name the file .jsonl")
            prompt, category, request, pid = line.strip(), None, None, _line_id(n)
        if not isinstance(prompt, str) or not prompt.strip():
            raise ValueError(f"{where}'prompt' must be a non-empty string; got {prompt!r}")
        if pid in seen:
            raise ValueError(f"{where}id {pid!r} already used on line {seen[pid]}")
        seen[pid] = n
        rows.append(EvalPrompt(pid, prompt.strip(), category.strip() if category else None, request))
    if not rows:
        raise ValueError(f"{path}: no prompts")
    return rows, str(path.resolve())


def judge_target(p: EvalPrompt) -> tuple[Any, list[str], str | None, str]:
    """(request or None, prompt words the parser read past, how the request was found — "request" (the
    row's spec) or "prompt" (the world parser) — or None, and the reason there is none, or "")."""
    from stepvid.world.judge import resolve_request

    if p.request is not None:
        req, ignored = resolve_request(spec=p.request)
        return req, ignored, "request", ""
    try:
        req, ignored = resolve_request(prompt=p.prompt)
    except ValueError as e:  # CannotJudge, or a request the world's rules refuse: not a world prompt
        return None, [], None, str(e)
    return req, ignored, "prompt", ""


# ------------------------------------------------------------------------------------------------ models


@dataclass
class EvalModel:
    """A model of the run: its tag (the videos/<tag>/ folder), folder, resolved generation settings, and
    ``domain`` ("world" for models trained on the synthetic world: their default rewriter is ``world``)."""

    tag: str
    path: Path
    settings: dict
    fps: float
    name: str | None = None
    domain: str | None = None
    plan: Any = field(default=None, repr=False)

    def to_dict(self) -> dict:
        return {"tag": self.tag, "path": str(self.path), "name": self.name, "domain": self.domain,
                "settings": dict(self.settings)}


def parse_model_arg(text: str) -> tuple[str, Path]:
    """``--model`` value -> (tag, folder): ``bundled``, ``TAG=PATH`` or ``PATH`` (tag: the folder's name,
    made safe)."""
    from stepvid.pipeline_cli import bundled_model_dir

    tag, sep, rest = text.partition("=")
    if sep and SAFE_NAME.fullmatch(tag) and rest:
        spec = rest
    else:
        tag, spec = "", text
    if spec == "bundled":
        path = bundled_model_dir()
        if path is None:
            raise ValueError("--model bundled: this install has no bundled model (stepvid/bundled/)")
        return tag or "bundled", path
    path = Path(spec).expanduser()
    if not tag:
        tag = re.sub(r"[^A-Za-z0-9_.-]+", "-", path.resolve().name).strip("-._") or "model"
    return safe_name(tag[:100], "model tag"), path


def plan_models(specs: Sequence[str], overrides: dict) -> list[EvalModel]:
    """Check every ``--model`` (folder, weights' headers, settings it can generate) before any is loaded."""
    from stepvid.model_folder import plan_model, with_default_preset
    from stepvid.pipeline import check_generation_args

    models: list[EvalModel] = []
    for text in specs:
        tag, path = parse_model_arg(text)
        if any(m.tag == tag for m in models):
            raise ValueError(f"two models have the tag {tag!r}; name them with TAG=PATH")
        try:
            plan = with_default_preset(plan_model(path))  # what `stepvid generate` makes (bundled: Turbo)
        except (ValueError, FileNotFoundError) as e:
            raise ValueError(f"--model {text}: {e}") from None
        d = plan.defaults
        own = {"num_frames": d.num_frames, "height": d.height, "width": d.width, "steps": d.steps,
               "cfg": d.cfg, "shift": d.shift, "prompt_rewrite": d.prompt_rewrite,
               "tries": 1}  # one clip per seed: the model's own pass rate, not the world check's best of N
        settings = {k: own[k] if overrides.get(k) is None else overrides[k] for k in SETTING_KEYS}
        try:
            check_generation_args("x", settings["num_frames"], settings["height"], settings["width"],
                                  settings["steps"], plan.size_multiple, cfg=settings["cfg"], shift=settings["shift"])
        except ValueError as e:
            raise ValueError(f"model {tag}: {e}") from None
        domain = "world" if d.prompt_rewrite == "world" else None
        models.append(EvalModel(tag, path.resolve(), settings, d.fps, plan.name, domain, plan))
    return models


# ------------------------------------------------------------------------------------------------ folder


@contextlib.contextmanager
def _locked(out: Path) -> Iterator[None]:
    """Exclusive lock on OUT/.lock: shards sharing OUT update run.json and items.jsonl one at a time."""
    import fcntl

    out.mkdir(parents=True, exist_ok=True)
    with open(out / LOCK_FILE, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _write_text(path: Path, text: str) -> None:
    from stepvid.video import atomic_path

    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def _jsonl(rows: Sequence[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def _show(key: str, value: Any) -> str:
    return f"{_FLAGS.get(key, '--' + key)} " + ("(the model's default)" if value is None else repr(value))


def _prepare(out: Path, run: dict, prompts: list[dict]) -> dict:
    """Create run.json and prompts.jsonl, or check this run against them (adding new model tags); returns the
    run.json now in force. ValueError names the first differing setting."""
    refuse = "; use another --out, or this folder's settings"
    old_path, p_path = out / RUN_FILE, out / PROMPTS_FILE
    if not old_path.is_file():
        _write_text(p_path, _jsonl(prompts))
        _write_text(old_path, json.dumps(run, indent=1, ensure_ascii=False) + "\n")
        return run
    old = json.loads(old_path.read_text(encoding="utf-8"))
    for key in SETTING_KEYS:
        a, b = old["settings"].get(key), run["settings"].get(key)
        if a != b:
            raise ValueError(f"{out} was made with {_show(key, a)}; this run has {_show(key, b)}{refuse}")
    if old["seeds"] != run["seeds"]:
        raise ValueError(f"{out} was made with --seeds {old['seeds']}; this run has --seeds {run['seeds']}{refuse}")
    stored = [json.loads(line) for line in p_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for i, (a, b) in enumerate(zip(stored, prompts)):
        if a != b:
            raise ValueError(f"{out} was made with other prompts ({old['prompts_file']}): prompt {i + 1} is "
                             f"{a['id']!r} {a['prompt'][:60]!r} there, {b['id']!r} {b['prompt'][:60]!r} here{refuse}")
    if len(stored) != len(prompts):
        raise ValueError(f"{out} was made with {len(stored)} prompts ({old['prompts_file']}); this run has "
                         f"{len(prompts)}{refuse}")
    by_tag = {m["tag"]: m for m in old["models"]}
    for m in run["models"]:
        was = by_tag.get(m["tag"])
        if was is None:
            old["models"].append(m)
            continue
        if was["path"] != m["path"]:
            raise ValueError(f"model tag {m['tag']!r} is {was['path']} in {out}; this run gives {m['path']} "
                             f"(use another tag)")
        for key in SETTING_KEYS:
            if was["settings"].get(key, _BEFORE_TRIES.get(key)) != m["settings"].get(key):
                raise ValueError(f"model {m['tag']}: {out} was made with {key}="
                                 f"{was['settings'].get(key, _BEFORE_TRIES.get(key))!r}; "
                                 f"this run resolves {key}={m['settings'].get(key)!r}{refuse}")
    if len(old["models"]) != len(by_tag):
        _write_text(old_path, json.dumps(old, indent=1, ensure_ascii=False) + "\n")
    return old


def _repair(path: Path) -> None:
    """Cut a torn last line (no newline: a crash mid-append) off this shard's own file before appending."""
    if path.is_file():
        data = path.read_bytes()
        if data and not data.endswith(b"\n"):
            keep = data[: data.rfind(b"\n") + 1]
            from stepvid.video import atomic_path

            with atomic_path(path) as tmp:
                tmp.write_bytes(keep)


def _check_row(d: Any, where: str) -> dict:
    if not isinstance(d, dict):
        raise ValueError(f"{where}: expected a JSON object; got {type(d).__name__}")  # noqa: TRY004
    for key, typ in ROW_KEYS.items():
        if not isinstance(d.get(key), typ) or isinstance(d.get(key), bool):
            raise ValueError(f"{where}: item row needs {key!r} ({getattr(typ, '__name__', 'number')}); "  # noqa: TRY004
                             f"got {d.get(key)!r}")
    if d.get("judge") is not None and not isinstance(d["judge"], dict):
        raise ValueError(f"{where}: 'judge' must be an object or null; got {d['judge']!r}")
    return d


def read_items(out: str | os.PathLike) -> list[dict]:
    """Every finished item of ``out``: the rows of all shard files ``items-*of*.jsonl`` (a torn last line
    ignored; the first row of a (model, prompt_id, seed) wins). ValueError names file:line of a bad row."""
    out = Path(out)
    rows, seen = [], set()
    for f in sorted(out.glob(SHARD_GLOB)):
        text = f.read_text(encoding="utf-8")
        lines = text.split("\n")[:-1]  # the part after the last newline is empty or a torn row
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
            except json.JSONDecodeError as e:
                raise ValueError(f"{f}:{n}: not JSON ({e.msg}); delete the line to redo that item") from None
            d = _check_row(d, f"{f}:{n}")
            key = (d["model"], d["prompt_id"], d["seed"])
            if key not in seen:
                seen.add(key)
                rows.append(d)
    return rows


def _order(run: dict, prompts: list[dict]) -> Callable[[dict], tuple]:
    mi = {m["tag"]: i for i, m in enumerate(run["models"])}
    pi = {p["id"]: i for i, p in enumerate(prompts)}
    si = {s: i for i, s in enumerate(run["seeds"])}
    big = 1 << 30
    return lambda r: (mi.get(r["model"], big), pi.get(r["prompt_id"], big), si.get(r["seed"], big))


def write_items_view(out: str | os.PathLike) -> list[dict]:
    """Rewrite ``items.jsonl`` (atomically, under the folder lock) as every shard's rows, ordered by model,
    prompt and seed; returns those rows."""
    out = Path(out)
    with _locked(out):
        run, prompts = _read_run(out)
        rows = sorted(read_items(out), key=_order(run, prompts))
        _write_text(out / ITEMS_FILE, _jsonl(rows))
    return rows


def _read_run(out: Path) -> tuple[dict, list[dict]]:
    if not (out / RUN_FILE).is_file():
        raise FileNotFoundError(f"{out} is not an eval run folder (no {RUN_FILE})")
    run = json.loads((out / RUN_FILE).read_text(encoding="utf-8"))
    prompts = [json.loads(s) for s in (out / PROMPTS_FILE).read_text(encoding="utf-8").splitlines() if s.strip()]
    return run, prompts


def load_run(out: str | os.PathLike) -> tuple[dict, list[dict], list[dict]]:
    """(run.json, the prompt rows of prompts.jsonl, every finished item in run order) of an eval folder."""
    out = Path(out)
    run, prompts = _read_run(out)
    return run, prompts, sorted(read_items(out), key=_order(run, prompts))


# ------------------------------------------------------------------------------------------------ running


def analyse(frames: np.ndarray, request: Any, ignored: list[str], source: str | None) -> tuple[dict, dict | None]:
    """(metrics, judge verdict or None) of one video; module-level so a process pool can run it."""
    from stepvid.eval.metrics import compute_metrics

    metrics = compute_metrics(frames)
    if request is None:
        return metrics, None
    from stepvid.world.judge import analyze, score

    res = score(analyze(frames), request)
    res.ignored = list(ignored)
    return metrics, {**res.to_dict(), "source": source}


def _append(path: Path, row: dict) -> None:
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(row, ensure_ascii=False) + "\n")
        f.flush()
        os.fsync(f.fileno())


def _pool(workers: int):
    if workers <= 0:
        return contextlib.nullcontext(None)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn: the parent may hold a CUDA context, which forked children must not inherit
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))


def run_eval(
    out: str | os.PathLike,
    prompts: Sequence[EvalPrompt],
    models: Sequence[EvalModel],
    seeds: Sequence[int],
    *,
    prompts_file: str,
    overrides: dict | None = None,
    shard: tuple[int, int] = (0, 1),
    device: Any = None,
    dtype: str | None = None,
    offload: str = "none",
    limit: int | None = None,
    workers: int = 0,
    progress: bool = True,
    log: Callable[[str], None] = print,
) -> dict:
    """Generate, measure and judge this shard's unfinished items of ``models`` x ``prompts`` x ``seeds`` into
    ``out``. Work item k = prompt index x len(seeds) + seed index of each model; shard (I, N) does k % N == I.
    ``limit``: only the first ``limit`` prompts this time (the folder keeps the whole set). ``workers`` > 0:
    metrics and judge run in that many processes while the next video generates. Returns counts and times."""
    from tqdm import tqdm

    from stepvid.pipeline import resolve_device

    out = Path(out)
    seeds = [int(s) for s in seeds]
    if not seeds or len(set(seeds)) != len(seeds):
        raise ValueError(f"--seeds must be distinct integers; got {seeds}")
    if not models:
        raise ValueError("no models to evaluate")
    device = resolve_device(device)
    requested = {k: (overrides or {}).get(k) for k in SETTING_KEYS}
    run = {"version": 1, "prompts_file": prompts_file, "models": [m.to_dict() for m in models],
           "seeds": seeds, "settings": requested, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    with _locked(out):
        _prepare(out, run, [p.to_dict() for p in prompts])
        mine = out / f"items-{shard[0]}of{shard[1]}.jsonl"
        _repair(mine)
        done = {(r["model"], r["prompt_id"], r["seed"]) for r in read_items(out)}
    targets = {p.id: judge_target(p) for p in prompts}
    chosen = list(prompts)[:limit]
    ours = [(pi, p, s) for pi, p in enumerate(chosen) for si, s in enumerate(seeds)
            if (pi * len(seeds) + si) % shard[1] == shard[0]]
    work = {m.tag: [(p, s) for _, p, s in ours if (m.tag, p.id, s) not in done] for m in models}
    total = sum(len(w) for w in work.values())
    stats = {"generated": 0, "already_done": len(models) * len(ours) - total, "seconds": 0.0,
             "load_seconds": {}, "device": str(device)}
    t_start = time.perf_counter()
    bar = tqdm(total=total, desc="eval", unit="video", disable=not progress, dynamic_ncols=True)
    try:
        with _pool(workers) as pool:
            for m in models:
                if work[m.tag]:
                    _run_model(m, work[m.tag], targets, out, mine, device, dtype, offload, pool, workers, bar,
                               stats, log)
    finally:
        bar.close()
    stats["seconds"] = time.perf_counter() - t_start
    write_items_view(out)
    return stats


def _run_model(m: EvalModel, work, targets, out: Path, mine: Path, device, dtype, offload, pool, workers, bar,
               stats: dict, log) -> None:
    """Load one model, make its items, free it."""
    import torch

    from stepvid.pipeline import TextToVideoPipeline
    from stepvid.video import write_video

    t0 = time.perf_counter()
    pipe = TextToVideoPipeline.from_plan(m.plan, device=device, dtype=dtype, offload=offload)
    stats["load_seconds"][m.tag] = round(time.perf_counter() - t0, 3)
    log(f"eval: model {m.tag} ({m.path}) on {pipe.device} ({str(pipe.dtype).removeprefix('torch.')}) loaded in "
        f"{stats['load_seconds'][m.tag]:.1f} s; {len(work)} videos to make")
    s = m.settings
    pending: deque = deque()

    def finish(fut, row) -> None:
        row["metrics"], row["judge"] = fut.result() if pool is not None else fut
        _append(mine, row)
        write_items_view(out)
        bar.update(1)

    try:
        for p, seed in work:
            rw = pipe.rewrite(p.prompt, s["prompt_rewrite"])
            t1 = time.perf_counter()
            frames = pipe(rw.text, num_frames=s["num_frames"], height=s["height"], width=s["width"],
                          steps=s["steps"], cfg=s["cfg"], shift=s["shift"], seed=seed, prompt_rewrite="none",
                          progress=False, tries=s["tries"])
            seconds = time.perf_counter() - t1
            video = f"videos/{m.tag}/{p.id}-s{seed}.mp4"
            write_video(out / video, frames, fps=m.fps)
            row = {"model": m.tag, "prompt_id": p.id, "prompt": p.prompt, "category": p.category, "seed": seed,
                   "video": video, "seconds": round(seconds, 4), "metrics": None, "judge": None,
                   "text": rw.text, "shape": list(frames.shape[:3])}
            if pipe.last_attempts:  # --tries > 1: the world check's verdict on each clip made
                row["attempts"] = [{"seed": a.seed, "passed": a.passed, "score": round(a.score, 4)}
                                   for a in pipe.last_attempts]
            request, ignored, source, _ = targets[p.id]
            stats["generated"] += 1
            bar.set_postfix(model=m.tag, last=f"{seconds:.1f}s")
            if pool is None:
                finish(analyse(frames, request, ignored, source), row)
                continue
            pending.append((pool.submit(analyse, frames, request, ignored, source), row))
            while len(pending) > 2 * workers or (pending and pending[0][0].done()):
                finish(*pending.popleft())
        while pending:
            finish(*pending.popleft())
    finally:
        for fut, _ in pending:
            fut.cancel()
        del pipe
        if device.type == "cuda":
            torch.cuda.empty_cache()

