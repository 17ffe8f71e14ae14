"""Generation jobs: parameter checks, a persistent queue in SQLite, and one worker thread per device.

The queue is the table ``jobs`` of ``OUT/jobs.sqlite`` (WAL): a job is ``queued`` → ``running`` → ``done`` |
``failed`` | ``cancelled``. Workers claim the oldest queued job in one ``BEGIN IMMEDIATE`` transaction, so two
workers never run the same job. Progress comes from the pipeline's per-step ``callback``, which is also where a
running job stops: on cancel (→ ``cancelled``) or on server shutdown (→ back to ``queued``). A job left
``running`` by a crash goes back to ``queued`` when the store is opened again, so jobs survive restarts; one
interrupted :data:`MAX_ATTEMPTS` times is marked failed instead of being retried forever.
Results are written atomically: ``OUT/jobs/<id>.mp4`` and ``OUT/jobs/<id>.json`` (the parameters and timings).
"""

from __future__ import annotations

import json
import logging
import math
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stepvid.serve.db import connect, create, transaction

__all__ = [
    "FIELDS",
    "MAX_ATTEMPTS",
    "Generator",
    "JobError",
    "JobStore",
    "Limits",
    "ParamError",
    "Worker",
    "validate_params",
]

log = logging.getLogger("stepvid.serve")

FIELDS = ("prompt", "negative_prompt", "num_frames", "height", "width", "steps", "cfg", "seed")
STATES = ("queued", "running", "done", "failed", "cancelled")
MAX_ATTEMPTS = 3
FRAMES_PER_CHUNK = 17  # stepvid.pipeline.FRAMES_PER_CHUNK (not imported: that module imports torch)
DEFAULT_SEED = 1234  # `stepvid generate`'s default


# ------------------------------------------------------------------------------------------ parameters


@dataclass(frozen=True)
class Limits:
    """What the server accepts; ``size_multiple`` is the model's (VAE spatial ratio x DiT patch)."""

    size_multiple: int
    max_frames: int = 204
    max_side: int = 1024
    max_steps: int = 1000
    max_cfg: float = 100.0
    max_prompt_chars: int = 2000
    max_seed: int = 2**53 - 1  # the largest integer a browser's JSON keeps exactly

    @classmethod
    def for_model(cls, defaults: Any, size_multiple: int) -> Limits:
        """Limits that always admit the model's own defaults."""
        m = int(size_multiple)
        side = max(1024, defaults.height, defaults.width)
        return cls(size_multiple=m, max_frames=max(204, defaults.num_frames), max_side=side - side % m,
                   max_steps=max(1000, defaults.steps))


class ParamError(ValueError):
    """A rejected request field; ``status`` 400 (the body's shape) or 422 (a field's value)."""

    def __init__(self, field: str | None, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.field, self.status = field, status


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _check_int(body: dict, name: str, lo: int, hi: int, value: int, rule: str) -> int:
    v = body.get(name, value)
    if not _is_int(v) or not lo <= v <= hi:
        raise ParamError(name, f"{name} must be {rule}; got {json.dumps(v)}")
    return v


def validate_params(body: Any, defaults: Any, limits: Limits) -> dict:
    """A job's parameters from a request body, defaults filled in from the model; :class:`ParamError` naming
    the field and the allowed values otherwise. Finally checked with the pipeline's own
    :func:`stepvid.pipeline.check_generation_args`."""
    if not isinstance(body, dict):
        raise ParamError(None, f"expected a JSON object with fields {list(FIELDS)}", 400)
    unknown = sorted(set(body) - set(FIELDS))
    if unknown:
        raise ParamError(unknown[0], f"unknown field(s) {unknown}; allowed: {list(FIELDS)}", 400)
    n = limits.max_prompt_chars
    prompt = body.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip() or len(prompt) > n:
        raise ParamError("prompt", f"prompt must be a non-empty string of at most {n} characters; got "
                                   f"{json.dumps(prompt)[:80]}")
    negative = body.get("negative_prompt")
    if negative is None:
        negative = defaults.negative_prompt
    if not isinstance(negative, str) or len(negative) > n:
        raise ParamError("negative_prompt", f"negative_prompt must be a string of at most {n} characters")
    m, side = limits.size_multiple, limits.max_side
    out = {"prompt": prompt, "negative_prompt": negative}
    frames = body.get("num_frames", defaults.num_frames)
    if not _is_int(frames) or not (frames == 1 or (frames % FRAMES_PER_CHUNK == 0
                                                    and FRAMES_PER_CHUNK <= frames <= limits.max_frames)):
        raise ParamError("num_frames", f"num_frames must be 1 (an image) or a multiple of {FRAMES_PER_CHUNK} "
                                       f"from {FRAMES_PER_CHUNK} to {limits.max_frames}; got {json.dumps(frames)}")
    out["num_frames"] = frames
    for name in ("height", "width"):
        v = body.get(name, getattr(defaults, name))
        if not _is_int(v) or v % m or not m <= v <= side:
            raise ParamError(name, f"{name} must be a multiple of {m} from {m} to {side}; got {json.dumps(v)}")
        out[name] = v
    out["steps"] = _check_int(body, "steps", 1, limits.max_steps, defaults.steps,
                              f"an integer from 1 to {limits.max_steps}")
    cfg = body.get("cfg", defaults.cfg)
    if (isinstance(cfg, bool) or not isinstance(cfg, (int, float)) or not math.isfinite(cfg)
            or not 0 <= cfg <= limits.max_cfg):
        raise ParamError("cfg", f"cfg must be a number from 0 to {limits.max_cfg:g} (1 = no guidance); got "
                                f"{json.dumps(cfg)}")
    out["cfg"] = float(cfg)
    out["seed"] = _check_int(body, "seed", 0, limits.max_seed, DEFAULT_SEED,
                             f"an integer from 0 to {limits.max_seed}")
    from stepvid.pipeline import check_generation_args

    try:
        check_generation_args(prompt, out["num_frames"], out["height"], out["width"], out["steps"], m,
                              cfg=out["cfg"])
    except ValueError as e:  # the pipeline's rules are the last word; its messages start with the field
        raise ParamError(str(e).split(" ")[0], str(e)) from None
    return out


# ------------------------------------------------------------------------------------------------ store


class JobError(Exception):
    """A job request that cannot be honoured; ``status`` 404 (no such job), 409 (wrong state), 429 (full)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,  -- submission order: the queue's order
    id       TEXT NOT NULL UNIQUE,               -- 16 hex digits; names OUT/jobs/<id>.mp4
    params   TEXT NOT NULL,                      -- JSON: validate_params' result
    state    TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled')),
    step     INTEGER NOT NULL DEFAULT 0,         -- sampler steps done ...
    total    INTEGER NOT NULL DEFAULT 0,         -- ... of this many
    phase    TEXT NOT NULL DEFAULT '',           -- loading model | sampling | decoding | writing
    cancel   INTEGER NOT NULL DEFAULT 0,         -- 1: a running job stops at its next step
    attempts INTEGER NOT NULL DEFAULT 0,         -- times a worker started it
    device   TEXT,
    created  REAL NOT NULL,
    started  REAL,
    finished REAL,
    result   TEXT,                               -- path relative to OUT
    seconds  REAL,                               -- generation time
    error    TEXT
);
CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs (state, seq);
"""


class JobStore:
    """The job table; every method is one short transaction on its own connection (thread-safe)."""

    def __init__(self, path: str | os.PathLike, queue_limit: int = 100) -> None:
        self.path = create(path, _SCHEMA)
        self.queue_limit = int(queue_limit)

    def recover(self) -> dict[str, int]:
        """After a crash or kill: running jobs go back to the queue (or to ``cancelled`` when a cancel was
        asked for, or to ``failed`` after :data:`MAX_ATTEMPTS` starts). Returns how many went where."""
        now = time.time()
        with transaction(self.path) as con:
            cancelled = con.execute("UPDATE jobs SET state = 'cancelled', finished = ? WHERE state = 'running' "
                                    "AND cancel = 1", (now,)).rowcount
            failed = con.execute(
                "UPDATE jobs SET state = 'failed', finished = ?, error = ? WHERE state = 'running' AND attempts >= ?",
                (now, f"interrupted {MAX_ATTEMPTS} times (server stopped or crashed while running it)",
                 MAX_ATTEMPTS)).rowcount
            queued = con.execute("UPDATE jobs SET state = 'queued', step = 0, phase = '', started = NULL, "
                                 "device = NULL WHERE state = 'running'").rowcount
        return {"requeued": queued, "cancelled": cancelled, "failed": failed}

    def submit(self, params: dict) -> dict:
        """Queue a job (parameters already validated); :class:`JobError` 429 when the queue is full."""
        jid = uuid.uuid4().hex[:16]
        with transaction(self.path) as con:
            (n,) = con.execute("SELECT COUNT(*) FROM jobs WHERE state = 'queued'").fetchone()
            if n >= self.queue_limit:
                raise JobError(429, f"the queue is full ({n} jobs waiting; limit {self.queue_limit}); try later")
            con.execute("INSERT INTO jobs (id, params, state, total, created) VALUES (?, ?, 'queued', ?, ?)",
                        (jid, json.dumps(params), params["steps"], time.time()))
        return self.get(jid)

    def get(self, jid: str) -> dict:
        with closing(connect(self.path)) as con:
            row = con.execute("SELECT * FROM jobs WHERE id = ?", (jid,)).fetchone()
            if row is None:
                raise JobError(404, f"no job {jid!r}")
            ahead = None
            if row["state"] == "queued":
                (ahead,) = con.execute("SELECT COUNT(*) FROM jobs WHERE state = 'queued' AND seq < ?",
                                       (row["seq"],)).fetchone()
        return _public(row, ahead)

    def list(self, limit: int = 200) -> list[dict]:
        """Newest first (the gallery)."""
        with closing(connect(self.path)) as con:
            queued = [r for (r,) in con.execute("SELECT seq FROM jobs WHERE state = 'queued' ORDER BY seq")]
            rows = con.execute("SELECT * FROM jobs ORDER BY seq DESC LIMIT ?", (limit,)).fetchall()
        where = {seq: i for i, seq in enumerate(queued)}
        return [_public(r, where.get(r["seq"])) for r in rows]

    def claim(self, device: str) -> dict | None:
        """Start the oldest queued job on ``device``; None when the queue is empty."""
        with transaction(self.path) as con:
            row = con.execute("SELECT seq FROM jobs WHERE state = 'queued' ORDER BY seq LIMIT 1").fetchone()
            if row is None:
                return None
            con.execute("UPDATE jobs SET state = 'running', started = ?, device = ?, step = 0, phase = '', "
                        "attempts = attempts + 1 WHERE seq = ?", (time.time(), device, row["seq"]))
            row = con.execute("SELECT * FROM jobs WHERE seq = ?", (row["seq"],)).fetchone()
        return _public(row, None)

    def progress(self, jid: str, step: int, total: int, phase: str) -> None:
        with closing(connect(self.path)) as con:
            con.execute("UPDATE jobs SET step = ?, total = ?, phase = ? WHERE id = ? AND state = 'running'",
                        (step, total, phase, jid))

    def cancel_requested(self, jid: str) -> bool:
        with closing(connect(self.path)) as con:
            row = con.execute("SELECT cancel FROM jobs WHERE id = ?", (jid,)).fetchone()
        return bool(row and row["cancel"])

    def cancel(self, jid: str) -> dict:
        """A queued job is cancelled at once; a running one is flagged and stops at its next step.
        :class:`JobError` 404 for an unknown job, 409 for one already finished."""
        with transaction(self.path) as con:
            row = con.execute("SELECT state FROM jobs WHERE id = ?", (jid,)).fetchone()
            if row is None:
                raise JobError(404, f"no job {jid!r}")
            if row["state"] == "queued":
                con.execute("UPDATE jobs SET state = 'cancelled', cancel = 1, finished = ? WHERE id = ?",
                            (time.time(), jid))
            elif row["state"] == "running":
                con.execute("UPDATE jobs SET cancel = 1 WHERE id = ?", (jid,))
            else:
                raise JobError(409, f"job {jid} is already {row['state']}; only queued or running jobs can be "
                                    "cancelled")
        return self.get(jid)

    def _end(self, jid: str, sql: str, args: tuple) -> None:
        with closing(connect(self.path)) as con:
            con.execute(f"UPDATE jobs SET {sql} WHERE id = ? AND state = 'running'", (*args, jid))

    def finish(self, jid: str, result: str, seconds: float) -> None:
        self._end(jid, "state = 'done', finished = ?, result = ?, seconds = ?, phase = ''",
                  (time.time(), result, seconds))

    def fail(self, jid: str, error: str) -> None:
        self._end(jid, "state = 'failed', finished = ?, error = ?", (time.time(), error))

    def mark_cancelled(self, jid: str) -> None:
        self._end(jid, "state = 'cancelled', finished = ?", (time.time(),))

    def requeue(self, jid: str) -> None:
        self._end(jid, "state = 'queued', step = 0, phase = '', started = NULL, device = NULL", ())

    def counts(self) -> dict[str, int]:
        with closing(connect(self.path)) as con:
            got = dict(con.execute("SELECT state, COUNT(*) FROM jobs GROUP BY state").fetchall())
        return {s: got.get(s, 0) for s in STATES}


def _public(row: sqlite3.Row, ahead: int | None) -> dict:
    """A job as the API shows it."""
    return {
        "id": row["id"],
        "state": row["state"],
        "params": json.loads(row["params"]),
        "progress": {"step": row["step"], "total": row["total"], "phase": row["phase"]},
        "queue_position": ahead,
        "cancel_requested": bool(row["cancel"]),
        "device": row["device"],
        "created": row["created"],
        "started": row["started"],
        "finished": row["finished"],
        "seconds": row["seconds"],
        "error": row["error"],
        "result": f"/media/{row['result']}" if row["result"] else None,
    }


# ----------------------------------------------------------------------------------------------- worker


class Generator:
    """One device's model, loaded on first use and kept (a lock keeps it to one load and one job at a time)."""

    def __init__(self, plan: Any, device: str | None = None, tries: int | None = None) -> None:
        """``tries``: clips a job may make until the world check passes one (default: the model's; 1 = off, so a
        job's time is what its steps say)."""
        if tries is not None and (not isinstance(tries, int) or tries < 1):
            raise ValueError(f"tries must be an integer >= 1; got {tries!r}")
        self.plan, self.device, self.tries = plan, device, tries
        self._pipe = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._pipe is not None

    @property
    def fps(self) -> float:
        return float(self.plan.defaults.fps)

    def load(self) -> Any:
        """The pipeline, loaded on the first call."""
        with self._lock:
            if self._pipe is None:
                from stepvid.pipeline import TextToVideoPipeline

                self._pipe = TextToVideoPipeline.from_plan(self.plan, device=self.device)
            return self._pipe

    def generate(self, params: dict, callback: Callable[[int, float, Any], None]) -> Any:
        """uint8 frames [T, H, W, 3] for validated ``params``; ``callback(i, tau, x)`` after each step."""
        pipe = self.load()
        with self._lock:
            return pipe(
                params["prompt"], params["negative_prompt"], num_frames=params["num_frames"],
                height=params["height"], width=params["width"], steps=params["steps"], cfg=params["cfg"],
                seed=params["seed"], callback=callback, progress=False, tries=self.tries,
            )


class _Cancelled(Exception):
    """Raised inside the sampler's callback: the job's cancel flag is set."""


class _Stopping(Exception):
    """Raised inside the sampler's callback: the server is shutting down; the job goes back to the queue."""


class Worker(threading.Thread):
    """Runs queued jobs one at a time on one device, in submission order."""

    def __init__(self, store: JobStore, generator: Generator, out: str | os.PathLike, wake: threading.Event,
                 name: str = "cpu") -> None:
        super().__init__(name=f"stepvid-serve-worker-{name}", daemon=True)
        self.store, self.generator, self.out, self.wake = store, generator, Path(out), wake
        self.device_name = name
        self._stopping = threading.Event()

    def stop(self) -> None:
        """Ask the worker to stop; a running job goes back to the queue at its next step."""
        self._stopping.set()
        self.wake.set()

    def run(self) -> None:
        while not self._stopping.is_set():
            try:
                job = self.store.claim(self.device_name)
            except sqlite3.Error:
                log.exception("cannot read the job queue")
                job = None
            if job is None:
                self.wake.wait(1.0)
                self.wake.clear()
                continue
            self.run_job(job)

    def run_job(self, job: dict) -> None:
        jid, p = job["id"], job["params"]
        total = p["steps"]
        if not self.generator.loaded:
            self.store.progress(jid, 0, total, "loading model")
            try:
                self.generator.load()
            except Exception as e:  # a model that cannot load fails this job with the reason; the next retries
                log.exception("cannot load the model")
                self.store.fail(jid, f"cannot load the model: {type(e).__name__}: {e}")
                return
        self.store.progress(jid, 0, total, "sampling")

        def callback(i: int, tau: float, x: Any) -> None:
            if self._stopping.is_set():
                raise _Stopping
            if self.store.cancel_requested(jid):
                raise _Cancelled
            self.store.progress(jid, i + 1, total, "sampling" if i + 1 < total else "decoding")

        t0 = time.perf_counter()
        try:
            frames = self.generator.generate(p, callback)
            if self.store.cancel_requested(jid):
                raise _Cancelled
            seconds = time.perf_counter() - t0
            self.store.progress(jid, total, total, "writing")
            self._write(jid, p, frames, seconds)
            self.store.finish(jid, f"jobs/{jid}.mp4", seconds)
            log.info("job %s done in %.1f s", jid, seconds)
        except _Cancelled:
            self.store.mark_cancelled(jid)
            log.info("job %s cancelled", jid)
        except _Stopping:
            self.store.requeue(jid)
            log.info("job %s put back in the queue (server stopping)", jid)
        except Exception as e:  # a failed job must not stop the worker: record the error, go on
            log.exception("job %s failed", jid)
            self.store.fail(jid, f"{type(e).__name__}: {e}")

    def _write(self, jid: str, params: dict, frames: Any, seconds: float) -> None:
        from stepvid.video import atomic_path, write_video

        folder = self.out / "jobs"
        folder.mkdir(parents=True, exist_ok=True)
        fps = self.generator.fps
        write_video(folder / f"{jid}.mp4", frames, fps=fps)
        meta = {"id": jid, "params": params, "model": str(self.generator.plan.root), "device": self.device_name,
                "frames": int(frames.shape[0]), "height": int(frames.shape[1]), "width": int(frames.shape[2]),
                "fps": fps, "seconds": round(seconds, 3)}
        with atomic_path(folder / f"{jid}.json") as tmp:
            tmp.write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
