"""Video-DPO preference pairs: K candidates per prompt from the model itself, ranked by a scorer, kept as
(chosen, rejected) latents.

    stepvid dpo pairs --prompts prompts.jsonl --seeds 4 --out pairs/            # the bundled model, world judge
    stepvid dpo pairs --model M --prompts p.jsonl --out pairs/ --shard 0/8      # one of 8 processes (GPUs)

A pair set is a folder; each shard ``I/N`` (the prompts with index % N == I) writes its own files, so shards
run in parallel into one folder and a killed shard resumes where it stopped:

    settings.json                     how candidates were made and scored (a resumed or added shard must agree)
    candidates-IofN.jsonl             one row per finished prompt: its seeds, scores and verdicts
    pairs-IofN.jsonl                  one row per pair: prompt, text, chosen/rejected {seed, score, passed}, the
                                      latents file and key, the latent shape
    latents/IofN-<index>.safetensors  ``<key>.chosen`` / ``<key>.rejected`` latents [F, C, h, w] of one batch

A batch is committed in this order: latents file (temp + rename), pair rows, candidate rows (the prompts'
"done" marks, flushed and fsynced). On resume the prompts without a done mark are generated again, and pair rows
of prompts without one (a crash between the two appends) are dropped first, so nothing is duplicated or lost.
Candidates share nothing but the prompt: seed ``k`` of prompt ``i`` is ``sample_seed(seed, i, k)``. The
chosen/rejected pair is the best/worst candidate (ties are no preference); ``pairs_per_prompt`` > 1 also pairs
the second best with the second worst, and so on, while the scores differ by at least ``min_margin``;
``pair_rule="pass-fail"`` keeps only pairs of a candidate that passed the scorer's check and one that failed.
With a guide rewriter (``--guide world --guide-seeds G``) G more candidates per prompt come from the rewriter's
restatement; they may be chosen, never rejected, and the pair keeps the prompt as written. With ``--reference``
each prompt row's own clip (``"video"``: real footage, or a world render) joins the ranking the same way: the
chosen side may be real data and the rejected one the model's own sample (as in self-play fine-tuning).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from stepvid.dpo.config import PAIR_RULES

__all__ = [
    "JudgeScorer",
    "PairSet",
    "PromptRow",
    "Score",
    "Scorer",
    "candidate_seeds",
    "load_prompts",
    "make_pairs",
    "read_pairs",
    "reference_latents",
    "select_pairs",
    "submit_scores",
]

SETTINGS = "settings.json"


@dataclass
class PromptRow:
    """One prompt of a prompt file: ``request`` (a partial scene spec, ``stepvid.world.request``) is what the
    world judge checks; without it the judge parses the prompt."""

    index: int
    id: str
    prompt: str
    request: dict | None = None
    video: str | None = None  # a reference clip of the prompt (absolute path), for ``make_pairs(reference=True)``


@dataclass
class Score:
    score: float
    passed: bool


class Scorer(Protocol):
    name: str
    needs_video: bool  # False: ranks latents alone (no VAE decode)

    def check(self, rows: Sequence[PromptRow]) -> None:
        """Raise ValueError naming the first row the scorer cannot score (before any generation)."""

    def submit(self, videos: Sequence[np.ndarray] | None, rows: Sequence[PromptRow],
               latents: Any = None) -> Callable[[], list[Score]]:
        """Start scoring (uint8 frames [T, H, W, 3] and/or latents [B, F, C, h, w], one prompt row each); the
        returned function waits for and returns one score per candidate, so the next batch can be generated
        meanwhile."""

    def close(self) -> None: ...


def input_lines(path: Path, what: str) -> list[tuple[int, str]]:
    """(line number, text) of the non-blank lines of a UTF-8 input file; errors name the file."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise FileNotFoundError(f"{what} file not found: {path}") from None
    except UnicodeDecodeError as e:
        raise ValueError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    return [(n, line) for n, line in enumerate(lines, 1) if line.strip()]


def json_object(line: str, where: str, hint: str = "") -> dict:
    """One JSONL row that must be an object; errors name ``where`` (file:line)."""
    try:
        d = json.loads(line)
    except json.JSONDecodeError as e:
        raise ValueError(f"{where}: not JSON ({e.msg})") from None
    if not isinstance(d, dict):
        raise ValueError(f"{where}: expected a JSON object{hint}; got {type(d).__name__}")  # noqa: TRY004
    return d


def load_prompts(path: str | os.PathLike) -> list[PromptRow]:
    """A prompt file: ``.jsonl`` rows ``{"prompt": str, "id"?: str, "request"?: spec dict, "video"?: path}`` (e.g.
    from ``stepvid world prompts [--videos DIR]``; a relative ``video`` is relative to the prompt file's folder and
    must exist), or text with one prompt per line. Errors name the file and line."""
    from stepvid.world.request import check_request

    path = Path(path)
    rows: list[PromptRow] = []
    seen: dict[str, int] = {}
    jsonl = path.suffix == ".jsonl"
    for n, line in input_lines(path, "prompt"):
        where = f"{path}:{n}"
        if jsonl:
            d = json_object(line, where, " with a 'prompt'")
            prompt, rid, req = d.get("prompt"), d.get("id", f"line{n}"), d.get("request")
            if req is not None:
                check_request(req, where)
            video = _video_path(d.get("video"), path, where)
        else:
            prompt, rid, req, video = line.strip(), f"line{n}", None, None
        if not isinstance(prompt, str) or not prompt.strip():
            raise ValueError(f"{where}: 'prompt' must be a non-empty string; got {prompt!r}")
        rid = str(rid)
        if rid in seen:
            raise ValueError(f"{where}: id {rid!r} already used on line {seen[rid]}")
        seen[rid] = n
        rows.append(PromptRow(len(rows), rid, prompt, req, video))
    if not rows:
        raise ValueError(f"{path}: no prompts")
    return rows


def _video_path(value: object, prompt_file: Path, where: str) -> str | None:
    """A row's ``video``: None, or an existing file (relative paths from the prompt file's folder)."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: 'video' must be a non-empty path string; got {value!r}")
    p = Path(value) if os.path.isabs(value) else prompt_file.parent / value
    if not p.is_file():
        raise FileNotFoundError(f"{where}: video {value!r} not found ({p})")
    return str(p.resolve())


def candidate_seeds(seed: int, index: int, k: int) -> list[int]:
    """The ``k`` noise seeds of prompt ``index`` (31-bit: any generator accepts them)."""
    from stepvid.data.dataset import sample_seed

    return [sample_seed(seed, index, j) & 0x7FFFFFFF for j in range(k)]


def select_pairs(scores: Sequence[float], min_margin: float = 1e-6, max_pairs: int = 1,
                 passed: Sequence[bool] | None = None,
                 rejectable: Sequence[bool] | None = None) -> list[tuple[int, int]]:
    """(chosen, rejected) candidate indices: best with worst, second best with second worst, ... while the
    scores differ by at least ``min_margin`` and, given ``passed`` (the ``pass-fail`` rule), the chosen one
    passed and the rejected one did not. ``rejectable`` (default: all) marks the candidates that may be
    rejected — the model's own samples when guided or reference clips join the ranking; on a tie those win
    the chosen side. Otherwise ties keep the candidates' order."""
    own = rejectable or [True] * len(scores)
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], bool(own[i]), i))
    rank = {c: r for r, c in enumerate(order)}
    worst = [c for c in reversed(order) if own[c]]
    out = []
    for j in range(min(max_pairs, len(worst))):
        hi, lo = order[j], worst[j]
        if rank[hi] >= rank[lo] or scores[hi] - scores[lo] < min_margin:
            break
        if passed is not None and not (passed[hi] and not passed[lo]):
            break
        out.append((hi, lo))
    return out


# ------------------------------------------------------------------------------------------------ scorers
def _judge_target(row: PromptRow) -> dict:
    return {"spec": row.request} if row.request is not None else {"prompt": row.prompt}


@dataclass
class JudgeScorer:
    """The world judge (``stepvid.world.judge``): score = the fraction of stated attributes right, passed = all
    right. ``workers`` > 1 judges in a process pool (spawned, so it never forks a CUDA process)."""

    workers: int = 0
    name: str = "judge"
    needs_video: bool = True
    _pool: Any = field(default=None, repr=False)

    def check(self, rows: Sequence[PromptRow]) -> None:
        from stepvid.world.judge import resolve_request

        for r in rows:
            try:
                resolve_request(**_judge_target(r))
            except ValueError as e:  # CannotJudge is a ValueError
                raise ValueError(f"prompt {r.id!r} ({r.prompt!r}): the world judge cannot score it: {e}") from None

    def submit(self, videos: Sequence[np.ndarray], rows: Sequence[PromptRow],
               latents: Any = None) -> Callable[[], list[Score]]:
        from stepvid.world.judge import judge

        def as_score(x) -> Score:
            return Score(float(x.score), bool(x.passed))

        if self.workers > 1 and self._pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))
        if self._pool is None:
            done = [as_score(judge(v, **_judge_target(r))) for v, r in zip(videos, rows)]
            return lambda: done
        futs = [self._pool.submit(judge, v, **_judge_target(r)) for v, r in zip(videos, rows)]
        return lambda: [as_score(f.result()) for f in futs]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def submit_scores(scorer: Scorer, pipe: Any, lat: Any, rows: Sequence[PromptRow], decode_batch: int) -> Callable:
    """Start scoring a batch of sampled latents (one prompt row each): decoded to uint8 frames first when the
    scorer looks at videos; returns the scorer's wait function."""
    from stepvid.pipeline import postprocess_video

    videos = None
    if getattr(scorer, "needs_video", True):
        videos = [postprocess_video(v.float()) for v in pipe.decode_batch(lat, batch_size=decode_batch)]
    return scorer.submit(videos, rows, lat)


# ------------------------------------------------------------------------------------------ writing pairs
def _shard_tag(shard: tuple[int, int]) -> str:
    return f"{shard[0]}of{shard[1]}"


def _read_jsonl(path: Path) -> list[tuple[int, dict]]:
    """(line number, row) of a JSONL file; a torn last line (crash mid-write) is dropped."""
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    out = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            out.append((n, json.loads(line)))
        except json.JSONDecodeError:
            if n == len(lines):
                break
            raise ValueError(f"{path}:{n}: not JSON") from None
    return out


def _append(path: Path, rows: list[dict]) -> None:
    if not rows:
        return
    with open(path, "a", encoding="utf-8") as f:
        f.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
        f.flush()
        os.fsync(f.fileno())


def _check_settings(out: Path, settings: dict) -> None:
    """Write ``settings.json`` once; every later run or shard must use the same settings."""
    from stepvid.video import atomic_path

    path = out / SETTINGS
    if path.is_file():
        old = json.loads(path.read_text())
        diff = sorted(k for k in set(old) | set(settings) if old.get(k) != settings.get(k))
        if diff:
            k = diff[0]
            raise ValueError(f"{out}: made with {k}={old.get(k)!r}, this run has {k}={settings.get(k)!r}; "
                             f"use another --out (a pair set holds candidates made one way)")
        return
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(settings, indent=1, ensure_ascii=False) + "\n")


def _resume(out: Path, tag: str, rows: str = "pairs", done: str = "candidates") -> set[int]:
    """Indices of this shard's finished prompts (``{done}-{tag}.jsonl``); drops the rows of ``{rows}-{tag}.jsonl``
    of unfinished ones, a torn last line of either file, and latents files no kept row names."""
    from stepvid.video import atomic_path

    def rewrite(path: Path, keep: list[dict]) -> None:
        with atomic_path(path) as tmp:
            tmp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in keep), encoding="utf-8")

    dpath, rpath = out / f"{done}-{tag}.jsonl", out / f"{rows}-{tag}.jsonl"
    marks = [r for _, r in _read_jsonl(dpath)]
    finished = {int(r["index"]) for r in marks}
    if dpath.is_file() and not dpath.read_text(encoding="utf-8").endswith("\n"):  # torn last line
        rewrite(dpath, marks)
    all_rows = [r for _, r in _read_jsonl(rpath)]
    keep = [r for r in all_rows if int(r["index"]) in finished]
    if len(keep) != len(all_rows) or (rpath.is_file() and not rpath.read_text(encoding="utf-8").endswith("\n")):
        rewrite(rpath, keep)
    used = {r["latents"] for r in keep}
    for f in (out / "latents").glob(f"{tag}-*.safetensors"):
        if f"latents/{f.name}" not in used:
            f.unlink()
    return finished


def make_pairs(
    pipe: Any,
    prompts: Sequence[PromptRow],
    out: str | os.PathLike,
    scorer: Scorer,
    num_candidates: int = 4,
    seed: int = 0,
    shard: tuple[int, int] = (0, 1),
    batch: int = 16,
    decode_batch: int = 8,
    min_margin: float = 1e-6,
    pairs_per_prompt: int = 1,
    pair_rule: str = "score",
    latent_dtype: str = "bf16",
    generation: dict | None = None,
    progress: bool = True,
    guide: str | None = None,
    guide_candidates: int = 0,
    reference: bool = False,
) -> dict:
    """Generate ``num_candidates`` videos per prompt of this shard with ``pipe`` (a TextToVideoPipeline), score
    them, and append the pairs to the pair set ``out`` (resumable; see the module docstring).

    ``pair_rule``: ``score`` pairs by score alone; ``pass-fail`` only a candidate that passed the scorer's check
    with one that failed (no pair from two failing or two passing videos that merely score apart).
    ``batch``: videos per DiT batch (whole prompts; at least one prompt's candidates). ``generation``: keyword
    arguments of :meth:`TextToVideoPipeline.sample_latents` (frames, size, steps, cfg, shift, prompt_rewrite).

    ``guide`` (a rewriter, e.g. ``world``) with ``guide_candidates`` G > 0: G more candidates per prompt are
    sampled from the guide's restatement of the prompt (the words the model reads best) and ranked with the
    model's own; a pair's chosen clip may be one of them, its rejected clip is always one of the model's own, and
    the pair keeps the prompt's own text — so prompts the model misreads every time (all own candidates fail
    alike: no pair without a guide) still teach it what the prompt asks for.

    ``reference``: every prompt row has a ``video`` (a clip of exactly the generated frames and size) whose VAE
    latents (:meth:`TextToVideoPipeline.encode_video`) join the ranking as one more candidate, scored like the
    others (on its VAE round trip) and, like a guided one, chosen, never rejected: real data against the model's
    own sample (with ``--sft-weight`` in training the chosen side is then a supervised target, not the model's own).
    Returns a summary: prompts done, candidates, pairs, pass rate of the candidates, seconds.
    """
    import time

    import torch
    from safetensors.torch import save_file
    from tqdm.auto import tqdm

    from stepvid.video import atomic_path

    if num_candidates < 2:
        raise ValueError(f"need at least 2 candidates per prompt to rank; got {num_candidates}")
    if pairs_per_prompt < 1 or 2 * pairs_per_prompt > num_candidates:
        raise ValueError(f"pairs_per_prompt must be 1..{num_candidates // 2} for {num_candidates} candidates; "
                         f"got {pairs_per_prompt}")
    if pair_rule not in PAIR_RULES:
        raise ValueError(f"pair_rule must be one of {PAIR_RULES}; got {pair_rule!r}")
    if latent_dtype not in ("bf16", "fp32"):
        raise ValueError(f"latent_dtype must be bf16 or fp32; got {latent_dtype!r}")
    if guide_candidates < 0 or (guide_candidates > 0) != (guide is not None):
        raise ValueError(f"a guide rewriter and guide_candidates > 0 go together; got guide={guide!r}, "
                         f"guide_candidates={guide_candidates}")
    i, n = shard
    if not 0 <= i < n:
        raise ValueError(f"shard {i}/{n}: need 0 <= I < N")
    if reference and (bad := next((p for p in prompts if p.video is None), None)) is not None:
        raise ValueError(f"prompt {bad.id!r} ({bad.prompt!r}) has no 'video': reference pairs need a clip per prompt")
    gen = dict(generation or {})
    out = Path(out)
    (out / "latents").mkdir(parents=True, exist_ok=True)
    scorer.check(prompts)
    rewrite = gen.get("prompt_rewrite")
    settings = {"num_candidates": num_candidates, "seed": seed, "scorer": scorer.name, "min_margin": min_margin,
                "pairs_per_prompt": pairs_per_prompt, "latent_dtype": latent_dtype,
                **({"pair_rule": pair_rule} if pair_rule != "score" else {}),  # sets made before it: "score"
                **({"guide": guide, "guide_candidates": guide_candidates} if guide_candidates else {}),
                **({"reference": True} if reference else {}),
                **{k: v for k, v in sorted(gen.items())}}
    _check_settings(out, settings)
    tag = _shard_tag(shard)
    done = _resume(out, tag)
    todo = [p for p in prompts if p.index % n == i and p.index not in done]
    sampled = num_candidates + guide_candidates
    per_prompt = sampled + int(reference)
    per = max(1, batch // sampled)
    store = torch.bfloat16 if latent_dtype == "bf16" else torch.float32
    t0 = time.time()
    stats = {"prompts": 0, "candidates": 0, "pairs": 0, "passed": 0}
    if guide_candidates:
        stats.update(guided_passed=0, guided_pairs=0)
    if reference:
        stats.update(reference_passed=0, reference_pairs=0)
    kind = [{}] * num_candidates + [{"guided": True}] * guide_candidates + [{"reference": True}] * int(reference)
    own = [not k for k in kind]  # the model's own samples: the only ones that may be rejected
    bar = tqdm(total=len(todo), desc=f"dpo pairs {i}/{n}", unit="prompt", mininterval=5, disable=not progress)
    def commit(group: list[PromptRow], texts: list[tuple[str, str]], seeds: list[int], lat: Any,
               wait: Callable) -> None:
        scores = wait()
        tensors, prow, crow = {}, [], []
        fname = f"latents/{tag}-{group[0].index:07d}.safetensors"
        for g, (p, (text, gtext)) in enumerate(zip(group, texts)):
            sc = scores[g * per_prompt : (g + 1) * per_prompt]
            sd = seeds[g * per_prompt : (g + 1) * per_prompt]
            chosen = select_pairs([s.score for s in sc], min_margin, pairs_per_prompt,
                                  [s.passed for s in sc] if pair_rule == "pass-fail" else None,
                                  own if per_prompt > num_candidates else None)

            sides = [{"seed": sd[c], "score": sc[c].score, "passed": sc[c].passed, **kind[c],
                      **({"text": gtext} if "guided" in kind[c] else {}),
                      **({"video": p.video} if "reference" in kind[c] else {})} for c in range(per_prompt)]
            for j, (a, b) in enumerate(chosen):
                key = f"p{p.index:07d}-{j}"
                tensors[f"{key}.chosen"] = lat[g * per_prompt + a].contiguous()
                tensors[f"{key}.rejected"] = lat[g * per_prompt + b].contiguous()
                prow.append({"index": p.index, "id": p.id, "prompt": p.prompt, "text": text,
                             "request": p.request, "latents": fname, "key": key, "shape": list(lat.shape[1:]),
                             "chosen": sides[a], "rejected": sides[b]})
                if not own[a]:
                    stats["reference_pairs" if "reference" in kind[a] else "guided_pairs"] += 1
            crow.append({"index": p.index, "id": p.id, "prompt": p.prompt, "text": text, "seeds": sd,
                         "scores": [s.score for s in sc], "passed": [s.passed for s in sc], "pairs": len(chosen),
                         **({"guide_text": gtext} if guide_candidates else {})})
            stats["passed"] += sum(s.passed for s, o in zip(sc, own) if o)
            for what in ("guided", "reference"):
                if f"{what}_passed" in stats:
                    stats[f"{what}_passed"] += sum(s.passed for s, k in zip(sc, kind) if what in k)
        if tensors:
            with atomic_path(out / fname, keep_suffix=False) as tmp:
                save_file(tensors, str(tmp))
        _append(out / f"pairs-{tag}.jsonl", prow)
        _append(out / f"candidates-{tag}.jsonl", crow)
        stats["prompts"] += len(group)
        stats["candidates"] += len(group) * num_candidates
        stats["pairs"] += len(prow)
        bar.update(len(group))

    pending = None  # the batch being scored while the next one is generated
    try:
        for start in range(0, len(todo), per):
            group = todo[start : start + per]
            seeds = [s for p in group for s in candidate_seeds(seed, p.index, sampled)]
            texts = [(pipe.rewrite(p.prompt, rewrite).text,
                      pipe.rewrite(p.prompt, guide).text if guide_candidates else "") for p in group]
            inputs = [t for own_text, gtext in texts
                      for t in [own_text] * num_candidates + [gtext] * guide_candidates]
            lat = pipe.sample_latents(inputs, seeds,
                                      **{k: v for k, v in gen.items() if k != "prompt_rewrite"},
                                      prompt_rewrite="none")
            if reference:  # each prompt's clip after its sampled candidates
                refs = [reference_latents(pipe, p, gen, lat.shape[1:]) for p in group]
                lat = torch.cat([t for g, r in enumerate(refs) for t in (lat[g * sampled:(g + 1) * sampled], r)])
                seeds = [s for g in range(len(group)) for s in [*seeds[g * sampled:(g + 1) * sampled], None]]
            wait = submit_scores(scorer, pipe, lat, [p for p in group for _ in range(per_prompt)], decode_batch)
            if pending is not None:
                commit(*pending)
            pending = (group, texts, seeds, lat.to("cpu", store), wait)
        if pending is not None:
            commit(*pending)
    finally:
        bar.close()
    stats["pass_rate"] = stats["passed"] / max(1, stats["candidates"])
    if guide_candidates:
        stats["guided_pass_rate"] = stats["guided_passed"] / max(1, stats["prompts"] * guide_candidates)
    if reference:
        stats["reference_pass_rate"] = stats["reference_passed"] / max(1, stats["prompts"])
    stats["seconds"] = round(time.time() - t0, 1)
    stats["already_done"] = len(done)
    return stats


def reference_latents(pipe: Any, row: PromptRow, gen: dict, shape: Sequence[int]) -> Any:
    """The VAE latents [1, F, C, h, w] of ``row``'s clip, which must have the generated frames and size."""
    from stepvid.video import read_clip

    d = pipe.defaults
    want = tuple(int(gen.get(k) or getattr(d, k)) for k in ("num_frames", "height", "width"))
    try:
        frames = read_clip(row.video)
    except (OSError, ValueError) as e:
        raise ValueError(f"prompt {row.id!r}: reference video unreadable: {e}") from None
    if frames.shape[:3] != want:
        raise ValueError(f"prompt {row.id!r}: reference video {row.video} is {'x'.join(map(str, frames.shape[:3]))} "
                         f"(frames x height x width); the candidates are {'x'.join(map(str, want))}")
    lat = pipe.encode_video(frames)
    if tuple(lat.shape[1:]) != tuple(shape):  # a VAE whose frame grouping differs from the sampler's
        raise ValueError(f"prompt {row.id!r}: reference latents {list(lat.shape[1:])} differ from the "
                         f"candidates' {list(shape)}")
    return lat.float()


# ------------------------------------------------------------------------------------------ reading pairs
_PAIR_KEYS = ("index", "prompt", "text", "latents", "key", "shape", "chosen", "rejected")


@dataclass
class PairSet:
    """The pairs of one or more pair-set folders, checked (see :func:`read_pairs`). ``get(i)`` loads one
    pair's (chosen, rejected) latents as fp32 CPU tensors; ``texts`` are what the text encoder reads."""

    rows: list[dict]
    shape: tuple[int, ...]
    _cache: dict = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def texts(self) -> list[str]:
        return [r["text"] for r in self.rows]

    def preload(self, max_bytes: int = 4 << 30) -> bool:
        """Read every pair's latents into memory (as stored) when they take at most ``max_bytes``."""
        from safetensors.torch import load_file

        per = 2 * int(np.prod(self.shape)) * 4
        if per * len(self.rows) > max_bytes:
            return False
        files = {}
        for i, r in enumerate(self.rows):
            if r["_file"] not in files:
                files[r["_file"]] = load_file(str(r["_file"]))
            f = files[r["_file"]]
            self._cache[i] = (f[f"{r['key']}.chosen"], f[f"{r['key']}.rejected"])
        return True

    def get(self, i: int):
        from safetensors import safe_open

        if i in self._cache:
            w, l = self._cache[i]
            return w.float(), l.float()
        r = self.rows[i]
        with safe_open(str(r["_file"]), framework="pt") as f:
            return f.get_tensor(f"{r['key']}.chosen").float(), f.get_tensor(f"{r['key']}.rejected").float()


def read_pairs(folders: str | os.PathLike | Sequence[str | os.PathLike], check_values: bool = True) -> PairSet:
    """Every pair row of the given pair-set folders, checked row by row before any training: required fields,
    a non-empty prompt, chosen scored above rejected, the latents file and both tensors present with the row's
    shape, one latent shape for the whole set, finite values (``check_values``). Errors name file and line."""
    from safetensors import safe_open

    if isinstance(folders, (str, os.PathLike)):
        folders = [folders]
    rows: list[dict] = []
    shape: tuple[int, ...] | None = None
    first = ""
    for folder in folders:
        folder = Path(folder)
        if not (folder / SETTINGS).is_file():
            raise FileNotFoundError(f"{folder}: not a pair set (no {SETTINGS}); make one with `stepvid dpo pairs`")
        files = sorted(folder.glob("pairs-*.jsonl"))
        for path in files:
            tag = path.stem[len("pairs-"):]
            done = {int(r["index"]) for _, r in _read_jsonl(folder / f"candidates-{tag}.jsonl")}
            for n, r in _read_jsonl(path):
                where = f"{path}:{n}"
                if not isinstance(r, dict):
                    raise ValueError(f"{where}: not a pair row")  # noqa: TRY004 (file input)
                missing = [k for k in _PAIR_KEYS if k not in r]
                if missing:
                    raise ValueError(f"{where}: pair row lacks {missing[0]!r}")
                if int(r["index"]) not in done:
                    continue  # a prompt whose batch did not finish (the writer drops it on resume)
                if not isinstance(r["text"], str) or not r["text"].strip():
                    raise ValueError(f"{where}: empty prompt text")
                try:
                    cs, rs = float(r["chosen"]["score"]), float(r["rejected"]["score"])
                except (KeyError, TypeError, ValueError):
                    raise ValueError(f"{where}: chosen/rejected need a numeric 'score'") from None
                if not (math.isfinite(cs) and math.isfinite(rs)) or cs <= rs:
                    raise ValueError(f"{where}: chosen score {cs} is not above rejected score {rs}")
                lat = folder / r["latents"]
                if not lat.resolve().is_relative_to(folder.resolve()):
                    raise ValueError(f"{where}: latents path {r['latents']!r} leaves the pair set")
                if not lat.is_file():
                    raise ValueError(f"{where}: latents file {lat} is missing")
                try:
                    with safe_open(str(lat), framework="pt") as f:
                        keys = set(f.keys())
                        for side in ("chosen", "rejected"):
                            k = f"{r['key']}.{side}"
                            if k not in keys:
                                raise ValueError(f"{where}: {lat.name} has no tensor {k!r}")
                            got = tuple(f.get_slice(k).get_shape())
                            if got != tuple(r["shape"]):
                                raise ValueError(f"{where}: {k} has shape {list(got)}, the row says {r['shape']}")
                            if check_values and not bool(f.get_tensor(k).float().isfinite().all()):
                                raise ValueError(f"{where}: {k} has non-finite values")
                except ValueError:
                    raise
                except Exception as e:  # noqa: BLE001 - a corrupt file: name it
                    raise ValueError(f"{where}: cannot read {lat}: {e}") from None
                s = tuple(int(x) for x in r["shape"])
                if shape is None:
                    shape, first = s, where
                elif s != shape:
                    raise ValueError(f"{where}: latent shape {list(s)} differs from {list(shape)} ({first}); "
                                     f"one pair set holds one video size")
                rows.append({**r, "_file": lat})
    if not rows:
        raise ValueError(f"no pairs in {', '.join(str(f) for f in folders)}")
    return PairSet(rows, shape)
