"""Prompt sets from the world: scenes of a split, phrased per language, each with the exact request it states.

:func:`world_prompts` makes the rows ``stepvid world prompts`` writes (DPO and evaluation prompt files)::

    {"id": "2obj-00007-zh", "prompt": "...", "lang": "zh", "objects": 2, "phrasing": "natural",
     "request": {"objects": [{"count": 1, "color": "red", "shape": "star", "motion": "up"}, ...]}}

``request`` is the partial spec (``stepvid.world.request``) the prompt is judged against:
``judge(frames, spec=row["request"])``. Scene ``i`` with ``k`` objects is
``sample_scene(np.random.default_rng([seed, k, i]), split, num_objects=k)`` (:func:`prompt_scene`), the same
scenes ``benchmarks/bundled_adherence.py`` uses for the held-out split; every language phrases the same scene.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from stepvid.world.captions import caption, request_from_spec
from stepvid.world.request import MAX_OBJECTS, request_to_spec
from stepvid.world.scene import SceneSpec, sample_scene

__all__ = ["LANGS", "PHRASINGS", "SPLITS", "STYLES", "prompt_scene", "scene_videos", "world_prompts"]

SPLITS = ("train", "heldout")
PHRASINGS = ("natural", "template", "mixed")
LANGS = ("en", "zh", "mix")  # "mix" (code-switched) only has natural phrasings
STYLES = ("short", "dense")
_LANG_INDEX = {"en": 0, "zh": 1, "mix": 2}  # fixed, so a language's prompts do not depend on the others asked for


def prompt_scene(seed: int, num_objects: int, i: int, split: str = "train") -> SceneSpec:
    """Scene ``i`` with ``num_objects`` objects of ``split``: the scene row ``{k}obj-{i:05d}-*`` describes."""
    return sample_scene(np.random.default_rng([seed, num_objects, i]), split, num_objects=num_objects)


def _validate(n, objects, split, phrasing, langs, seed, style) -> tuple[list[int], list[str]]:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer; got {n!r}")
    if isinstance(objects, (str, int)) or not objects:
        raise ValueError(f"objects must be a non-empty list of object counts (1-{MAX_OBJECTS}); got {objects!r}")
    objects = list(objects)
    for k in objects:
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= MAX_OBJECTS:
            raise ValueError(f"objects: each count must be 1-{MAX_OBJECTS}; got {k!r}")
    if len(set(objects)) != len(objects):
        raise ValueError(f"objects: {objects} lists a count twice")
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}; got {split!r}")
    if phrasing not in PHRASINGS:
        raise ValueError(f"phrasing must be one of {PHRASINGS}; got {phrasing!r}")
    if style not in STYLES:
        raise ValueError(f"style must be one of {STYLES}; got {style!r}")
    if isinstance(langs, str) or not langs:
        raise ValueError(f"langs must be a non-empty list of languages {LANGS}; got {langs!r}")
    langs = list(langs)
    for lang in langs:
        if lang not in LANGS:
            raise ValueError(f"langs: unknown language {lang!r}; choose from {LANGS}")
        if lang == "mix" and phrasing != "natural":
            raise ValueError(f"langs: 'mix' has no template captions; use phrasing='natural' (got {phrasing!r})")
    if len(set(langs)) != len(langs):
        raise ValueError(f"langs: {langs} lists a language twice")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer; got {seed!r}")
    return [int(k) for k in objects], langs


def _template_row(spec: SceneSpec, lang: str, style: str, rng: np.random.Generator) -> tuple[str, dict]:
    """A template caption and the parser's reading of it, which must be exactly what the template states."""
    from stepvid.world.judge import resolve_request

    text = caption(spec, lang, style, rng=rng)
    try:
        req, _ = resolve_request(prompt=text)
    except ValueError as exc:
        raise RuntimeError(f"the world parser cannot read its own template caption {text!r}: {exc}") from exc
    want = request_from_spec(spec, style)
    if req != want:
        raise RuntimeError(f"the world parser reads template caption {text!r} as {req}, not {want}")
    return text, request_to_spec(req)


def world_prompts(n: int, objects: Sequence[int], split: str = "train", phrasing: str = "natural",
                  langs: Sequence[str] = ("en", "zh"), seed: int = 0, style: str = "short") -> list[dict]:
    """``n`` scenes of ``split`` per object count in ``objects``, one prompt row per scene and language of ``langs``.

    ``phrasing``: "natural" — ``natural_caption`` with the split's own phrasing families (train families only
    for "train"; at least one held-out family per prompt for "heldout"); "template" — the world's caption
    templates of ``style`` ("short"/"dense"; ``style`` applies to template rows only), read back by the world
    parser; "mixed" — natural for even ``i``, template for odd. Rows are ordered by object count, scene, language;
    keys: ``id`` (``"{k}obj-{i:05d}-{lang}"``), ``prompt``, ``lang``, ``objects``, ``phrasing`` ("natural" or
    "template") and ``request`` (the partial spec the prompt states, for ``judge(spec=...)``). Deterministic
    for ``seed``; a language's prompts do not depend on which other languages are asked for. ValueError names
    a bad argument.
    """
    from stepvid.world.phrasing import natural_caption

    objects, langs = _validate(n, objects, split, phrasing, langs, seed, style)
    rows = []
    for k in objects:
        for i in range(n):
            spec = prompt_scene(seed, k, i, split)
            how = phrasing if phrasing != "mixed" else ("natural" if i % 2 == 0 else "template")
            for lang in langs:
                if how == "natural":
                    rng = np.random.default_rng([seed, k, i, 11, _LANG_INDEX[lang]])
                    text, req = natural_caption(spec, lang, rng, split=split)
                    request = request_to_spec(req)
                else:
                    text, request = _template_row(spec, lang, style, np.random.default_rng([seed, k, i, 7]))
                rows.append({"id": f"{k}obj-{i:05d}-{lang}", "prompt": text, "lang": lang, "objects": k,
                             "phrasing": how, "request": request})
    return rows


def _scene_video(job: tuple[str, int, int, int, str, int, int, int, float]) -> None:
    from stepvid.video import atomic_path, write_video
    from stepvid.world.render import render_video

    path, seed, k, i, split, frames, height, width, fps = job
    clip = render_video(prompt_scene(seed, k, i, split), height, width, frames, fps)
    if path.endswith(".npy"):
        with atomic_path(path, keep_suffix=True) as tmp, open(tmp, "wb") as f:
            np.save(f, clip, allow_pickle=False)
    else:
        write_video(path, clip, fps=fps, crf=4, preset="veryfast")


def scene_videos(rows: Sequence[dict], folder: str | os.PathLike, seed: int, split: str, frames: int, height: int,
                 width: int, fps: float = 12.0, relative_to: str | os.PathLike | None = None,
                 workers: int | None = None, fmt: str = "mp4") -> list[dict]:
    """The rows of :func:`world_prompts` (same ``seed`` and ``split``) with ``"video"``: the scene each row states,
    rendered once per scene (every language of a scene shares it) to ``folder/{k}obj-{i:05d}.{fmt}`` — ``mp4``
    (H.264, crf 4: mean error ~1.5 / 255 from yuv420) or ``npy`` (the exact uint8 frames; no FFmpeg needed) — as a
    path relative to ``relative_to`` (the prompt file's folder) when given. Files already there are kept (writes are atomic, so a killed run resumes). Reference clips for
    ``stepvid dpo pairs --reference``: the ground truth of each prompt."""
    import re

    if fmt not in ("mp4", "npy"):
        raise ValueError(f"clip format must be mp4 or npy; got {fmt!r}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    jobs, out = {}, []
    for r in rows:
        m = re.fullmatch(r"(\d)obj-(\d{5})-\w+", str(r.get("id", "")))
        if m is None:
            raise ValueError(f"row id {r.get('id')!r} is not a world prompt id ('{{k}}obj-{{i:05d}}-{{lang}}')")
        path = folder / f"{m[1]}obj-{m[2]}.{fmt}"
        if not path.is_file():
            jobs[str(path)] = (str(path), seed, int(m[1]), int(m[2]), split, frames, height, width, fps)
        rel = os.path.relpath(path, relative_to) if relative_to is not None else str(path)
        out.append({**r, "video": rel})
    if workers is None:
        workers = min(8, os.cpu_count() or 1)
    if workers > 1 and len(jobs) > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            list(pool.map(_scene_video, jobs.values(), chunksize=8))
    else:
        for job in jobs.values():
            _scene_video(job)
    return out
