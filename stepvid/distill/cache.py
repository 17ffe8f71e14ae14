"""Turbo self-distillation data (report §5): the teacher's (noise, video) pairs, as latents.

    stepvid distill cache --teacher M --prompts p.jsonl --out cache/ --per-prompt 4      # 50 steps, CFG decay
    stepvid distill cache --teacher M --prompts p.jsonl --out cache/ --shard 3/8         # one of 8 processes

For each prompt the teacher samples ``per_prompt`` videos with its own settings (by default the report's
linearly decaying CFG); a sample is stored as its denoised latent and the seed of its initial noise (the noise
is redrawn bit for bit from the seed: ``TextToVideoPipeline.prepare_latents`` draws it on the CPU). The folder
is a shardable, resumable cache with the commit order of a DPO pair set (``stepvid.dpo.pairs``): latents file
(temp + rename), then the sample rows, then the prompts' done marks (both fsynced); a resumed shard drops
sample rows of prompts without a done mark, torn last lines and latents files no row names, and redoes exactly
those prompts — no duplicates, nothing lost after SIGKILL.

    settings.json  samples-IofN.jsonl (index, id, prompt, text, seed, key, latents, shape[, score, passed])
    done-IofN.jsonl
    latents/IofN-*.safetensors
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stepvid.dpo.pairs import (
    PromptRow,
    Scorer,
    _append,
    _check_settings,
    _read_jsonl,
    _resume,
    _shard_tag,
    candidate_seeds,
    submit_scores,
)

__all__ = ["TeacherCache", "make_teacher_cache", "read_teacher_cache"]


def make_teacher_cache(
    pipe: Any,
    prompts: Sequence[PromptRow],
    out: str | os.PathLike,
    per_prompt: int = 4,
    seed: int = 0,
    shard: tuple[int, int] = (0, 1),
    batch: int = 32,
    generation: dict | None = None,
    progress: bool = True,
    scorer: Scorer | None = None,
    decode_batch: int = 16,
) -> dict:
    """Sample ``per_prompt`` teacher videos per prompt of this shard into the cache ``out``; returns a summary.

    ``scorer`` (e.g. the world judge): each sample is also decoded and scored, its row keeps ``score`` and
    ``passed`` (the next batch is sampled while one is scored), so a student can learn from the passing ones only
    (:meth:`TeacherCache.passed_only`)."""
    import torch
    from safetensors.torch import save_file
    from tqdm.auto import tqdm

    from stepvid.video import atomic_path

    if per_prompt < 1:
        raise ValueError(f"per_prompt must be >= 1; got {per_prompt}")
    i, n = shard
    if not 0 <= i < n:
        raise ValueError(f"shard {i}/{n}: need 0 <= I < N")
    gen = {"cfg_decay": True, **(generation or {})}
    out = Path(out)
    (out / "latents").mkdir(parents=True, exist_ok=True)
    _check_settings(out, {"per_prompt": per_prompt, "seed": seed, **dict(sorted(gen.items())),
                          **({"scorer": scorer.name} if scorer is not None else {})})
    if scorer is not None:
        scorer.check(prompts)
    tag = _shard_tag(shard)
    done = _resume(out, tag, rows="samples", done="done")
    todo = [p for p in prompts if p.index % n == i and p.index not in done]
    per = max(1, batch // per_prompt)
    rewrite = gen.pop("prompt_rewrite", "none")
    t0, count, passed = time.time(), 0, 0
    bar = tqdm(total=len(todo), desc=f"teacher {i}/{n}", unit="prompt", mininterval=5, disable=not progress)

    def commit(group: list[PromptRow], texts: list[str], seeds: list[int], lat: Any, wait: Any) -> None:
        nonlocal count, passed
        scores = wait() if wait is not None else None
        fname = f"latents/{tag}-{group[0].index:07d}.safetensors"
        tensors, rows = {}, []
        for g, (p, text) in enumerate(zip(group, texts)):
            for k in range(per_prompt):
                j = g * per_prompt + k
                key = f"p{p.index:07d}-{k}"
                tensors[key] = lat[j].contiguous()
                rows.append({"index": p.index, "id": p.id, "prompt": p.prompt, "text": text, "seed": seeds[j],
                             "key": key, "latents": fname, "shape": list(lat.shape[1:]),
                             **({"score": scores[j].score, "passed": scores[j].passed} if scores is not None else {})})
        with atomic_path(out / fname, keep_suffix=False) as tmp:
            save_file(tensors, str(tmp))
        _append(out / f"samples-{tag}.jsonl", rows)
        _append(out / f"done-{tag}.jsonl", [{"index": p.index} for p in group])
        count += len(rows)
        passed += sum(bool(r.get("passed")) for r in rows)
        bar.update(len(group))

    pending = None  # the batch being scored while the next one is sampled
    try:
        for start in range(0, len(todo), per):
            group = todo[start : start + per]
            texts = [pipe.rewrite(p.prompt, rewrite).text for p in group]
            seeds = [s for p in group for s in candidate_seeds(seed, p.index, per_prompt)]
            lat = pipe.sample_latents([t for t in texts for _ in range(per_prompt)], seeds, prompt_rewrite="none",
                                      **gen)
            wait = None
            if scorer is not None:
                wait = submit_scores(scorer, pipe, lat, [p for p in group for _ in range(per_prompt)], decode_batch)
            if pending is not None:
                commit(*pending)
            pending = (group, texts, seeds, lat.to("cpu", torch.float32), wait)
        if pending is not None:
            commit(*pending)
    finally:
        bar.close()
    summary = {"prompts": len(todo), "samples": count, "already_done": len(done), "seconds": round(time.time() - t0, 1)}
    if scorer is not None:
        summary["passed"] = passed
    return summary


@dataclass
class TeacherCache:
    """The rows of one or more caches, checked; ``latent(i)`` is sample i's fp32 latent."""

    rows: list[dict]
    shape: tuple[int, ...]
    settings: dict
    _data: dict = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def texts(self) -> list[str]:
        return [r["text"] for r in self.rows]

    def passed_only(self) -> TeacherCache:
        """The samples the cache's scorer passed (a cache made with ``scorer``, e.g. `distill cache --judge`): a
        student then learns the teacher's paths to right videos only, and its own noise-to-video map is left where
        it was for the noises the teacher got wrong."""
        if (bad := next((r for r in self.rows if "passed" not in r), None)) is not None:
            raise ValueError(f"{bad['_file'].parent.parent}: sample {bad['key']!r} has no verdict; make the cache "
                             f"with a scorer (`stepvid distill cache --judge`) to keep the passing samples only")
        rows = [r for r in self.rows if r["passed"]]
        if not rows:
            raise ValueError(f"none of the {len(self.rows)} teacher samples passed its scorer")
        return TeacherCache(rows, self.shape, self.settings)

    def latent(self, i: int):
        from safetensors import safe_open

        if i not in self._data:
            r = self.rows[i]
            with safe_open(str(r["_file"]), framework="pt") as f:
                self._data[i] = f.get_tensor(r["key"]).float()
        return self._data[i]


def read_teacher_cache(folders: str | os.PathLike | Sequence[str | os.PathLike]) -> TeacherCache:
    """Every sample row of the cache folders, checked (fields, latents file inside the folder, tensor present
    with the row's shape, one shape and one set of sampling settings for all). Errors name file and line."""
    from safetensors import safe_open

    if isinstance(folders, (str, os.PathLike)):
        folders = [folders]
    rows, shape, settings = [], None, None
    for folder in folders:
        folder = Path(folder)
        if not (folder / "settings.json").is_file():
            raise FileNotFoundError(f"{folder}: not a teacher cache (no settings.json); make one with "
                                    f"`stepvid distill cache`")
        st = json.loads((folder / "settings.json").read_text())
        if settings is not None and st != settings:
            raise ValueError(f"{folder}: sampled with other settings than {folders[0]} ({st} vs {settings})")
        settings = st
        for path in sorted(folder.glob("samples-*.jsonl")):
            finished = {int(r["index"]) for _, r in _read_jsonl(folder / f"done-{path.stem[len('samples-'):]}.jsonl")}
            for n, r in _read_jsonl(path):
                where = f"{path}:{n}"
                missing = [k for k in ("index", "text", "seed", "key", "latents", "shape") if k not in r]
                if missing:
                    raise ValueError(f"{where}: sample row lacks {missing[0]!r}")
                if int(r["index"]) not in finished:
                    continue  # its batch did not finish; the writer redoes it on resume
                lat = folder / r["latents"]
                if not lat.resolve().is_relative_to(folder.resolve()) or not lat.is_file():
                    raise ValueError(f"{where}: latents file {r['latents']!r} is missing or outside the cache")
                with safe_open(str(lat), framework="pt") as f:
                    if r["key"] not in set(f.keys()):
                        raise ValueError(f"{where}: {lat.name} has no tensor {r['key']!r}")
                    got = tuple(f.get_slice(r["key"]).get_shape())
                if got != tuple(r["shape"]) or (shape is not None and got != shape):
                    raise ValueError(f"{where}: latent shape {list(got)} (row {r['shape']}, cache {shape})")
                shape = got
                rows.append({**r, "_file": lat})
    if not rows:
        raise ValueError(f"no teacher samples in {', '.join(str(f) for f in folders)}")
    return TeacherCache(rows, shape, settings or {})
