"""World → training data for the bundled model: rendered clips, bilingual captions, text-encoder labels.

Everything is generated on the machine from ``stepvid.world`` (no downloads), deterministically from
(seed, index): a scene's spec, its render and its captions depend only on those, so any number of worker
processes gives the same data and a rerun regenerates it exactly.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

from stepvid.models.text.small import PretrainExample
from stepvid.world import caption, render_image, render_video, sample_scene
from stepvid.world.captions import request_from_spec
from stepvid.world.scene import BACKGROUNDS, COLORS, MOTIONS, SHAPES, SIZES, SPEEDS

MAX_GROUPS = 3  # the world has 1-3 objects, hence at most 3 caption groups
LANGS = ("en", "zh")
STYLES = ("short", "dense")

# Text-encoder pre-training heads: per caption group g0..g2 and the background; class 0 = "not mentioned".
LABEL_VALUES: dict[str, tuple] = {
    "count": (None, 1, 2, 3),
    "color": (None, *COLORS),
    "shape": (None, *SHAPES),
    "size": (None, *SIZES),
    "motion": (None, *MOTIONS),
    "speed": (None, *SPEEDS),
}
BG_VALUES: dict[str, tuple] = {"color": (None, *COLORS), "kind": (None, *BACKGROUNDS)}


def label_sizes() -> dict[str, int]:
    out = {f"g{g}.{k}": len(v) for g in range(MAX_GROUPS) for k, v in LABEL_VALUES.items()}
    out.update({f"bg.{k}": len(v) for k, v in BG_VALUES.items()})
    return out


def spec_labels(spec, style: str, kind: str = "video") -> dict[str, int]:
    """What a caption of ``style`` (and ``kind``) says about ``spec``, as class indices (0 = not said).

    Groups are in caption order (first appearance), the order the captions name them."""
    req = request_from_spec(spec, style, motion=kind == "video")
    if len(req.groups) > MAX_GROUPS:
        raise ValueError(f"scene has {len(req.groups)} caption groups; at most {MAX_GROUPS} are labelled")
    lab: dict[str, int] = {}
    for g in range(MAX_GROUPS):
        gr = req.groups[g] if g < len(req.groups) else None
        for k, values in LABEL_VALUES.items():
            lab[f"g{g}.{k}"] = values.index(getattr(gr, k)) if gr is not None else 0
    lab["bg.color"] = BG_VALUES["color"].index(req.bg_color)
    lab["bg.kind"] = BG_VALUES["kind"].index(req.bg_kind)
    return lab


@dataclass(frozen=True)
class Mix:
    """A rebalanced training mix (a DiT stage's ``mix: {shapes: {star: 2}, objects: [1, 2, 1]}``): relative
    weights of shapes (missing ones 1) and of 1/2/3-object scenes; see ``sample_scene``. Hashable, so a
    RenderJob carries it to the workers."""

    shapes: tuple[tuple[str, float], ...] = ()
    objects: tuple[float, ...] = ()

    @classmethod
    def from_config(cls, cfg: dict | None, where: str = "mix") -> Mix | None:
        if not cfg:
            return None
        unknown = sorted(set(cfg) - {"shapes", "objects"})
        if unknown:
            raise ValueError(f"{where}: unknown key(s) {unknown}; expected shapes and/or objects")
        mix = cls(tuple(sorted((str(k), float(v)) for k, v in (cfg.get("shapes") or {}).items())),
                  tuple(float(x) for x in (cfg.get("objects") or ())))
        try:
            sample_scene(0, **mix.kwargs())  # the world's own checks, now rather than in a worker
        except ValueError as e:
            raise ValueError(f"{where}: {e}") from None
        return mix

    def kwargs(self) -> dict:
        return {"shape_weights": dict(self.shapes) if self.shapes else None,
                "count_weights": self.objects or None}


def scene(seed: int, index: int, split: str = "train", num_objects: int | None = None, mix: Mix | None = None):
    """The scene of (seed, index): a pure function, so every worker and every rerun agrees."""
    rng = np.random.default_rng([seed, index, 0 if split == "train" else 1])
    return sample_scene(rng, split, num_objects=num_objects, **(mix.kwargs() if mix else {}))


def captions_of(spec, seed: int, index: int, kind: str = "video") -> dict[str, str]:
    """``{"en_short", "en_dense", "zh_short", "zh_dense"}`` with templates drawn from (seed, index)."""
    rng = np.random.default_rng([seed, index, 2])
    return {f"{lang}_{style}": caption(spec, lang, style, rng=rng, kind=kind) for lang in LANGS for style in STYLES}


NATURAL_LANGS = ("en", "zh", "en", "zh", "mix", "en", "zh")  # languages of a scene's natural captions, in turn


def natural_captions_of(spec, seed: int, index: int, n: int, kind: str = "video", split: str = "train"
                        ) -> list[tuple[str, str]]:
    """``n`` (natural caption, teacher caption) pairs of ``spec``: a caption in the phrasing families of
    ``split`` (``stepvid.world.phrasing``; "train" keeps the held-out families out) and the template-vocabulary
    caption of exactly the request it states (``captions.caption_request``), in the same language (a random
    one for code-switched captions). Drawn from (seed, index) like ``captions_of``."""
    if n <= 0:
        return []
    from stepvid.world.captions import caption_request
    from stepvid.world.phrasing import natural_caption

    rng = np.random.default_rng([seed, index, 4])
    out = []
    for j in range(n):
        lang = NATURAL_LANGS[j % len(NATURAL_LANGS)]
        text, req = natural_caption(spec, lang, rng, split=split, kind=kind)
        tlang = lang if lang != "mix" else LANGS[int(rng.integers(2))]
        out.append((text, caption_request(req, tlang, int(rng.integers(2)))))
    return out


def text_example(seed: int, index: int) -> PretrainExample:
    """One pre-training example: an EN and a ZH caption of the same scene, same style and kind, + labels."""
    rng = np.random.default_rng([seed, index, 3])
    spec = scene(seed, index)
    style = STYLES[int(rng.integers(2))]
    kind = "image" if rng.random() < 0.2 else "video"
    caps = captions_of(spec, seed, index, kind)
    return PretrainExample((caps[f"en_{style}"], caps[f"zh_{style}"]), spec_labels(spec, style, kind))


def _text_examples(args: tuple[int, int, int]) -> list[PretrainExample]:
    seed, start, stop = args
    return [text_example(seed, i) for i in range(start, stop)]


def text_examples(seed: int, n: int, workers: int | None = None) -> list[PretrainExample]:
    """``text_example(seed, i)`` for i < n, computed in worker processes (~1 ms each serially)."""
    workers = workers if workers is not None else max(1, (os.cpu_count() or 2) - 1)
    step = 2000
    spans = [(seed, s, min(n, s + step)) for s in range(0, n, step)]
    if workers <= 1:
        return [ex for sp in spans for ex in _text_examples(sp)]
    with ProcessPoolExecutor(workers) as pool:
        return [ex for part in pool.map(_text_examples, spans) for ex in part]


def vocabulary_texts(seed: int = 0, n: int = 4000) -> Iterator[str]:
    """Captions covering every template, language, style and kind (for the tokenizer's vocabulary)."""
    from stepvid.world.captions import num_templates

    for i in range(n):
        spec = scene(seed + 1_000_003, i, "any")
        for lang in LANGS:
            for style in STYLES:
                for kind in ("video", "image"):
                    t = i % num_templates(lang, style)
                    yield caption(spec, lang, style, template=t, kind=kind)


# ------------------------------------------------------------------------------------------- rendering
@dataclass(frozen=True)
class RenderJob:
    seed: int
    index: int
    height: int
    width: int
    frames: int  # 1 = still image
    split: str = "train"
    mix: Mix | None = None
    natural: int = 0  # also this many natural captions ("nat{j}") and their teacher captions ("tch{j}")
    phrasing: str = "train"  # the natural captions' phrasing families: train / heldout / any


def _render(job: RenderJob) -> tuple[np.ndarray, dict[str, str]]:
    spec = scene(job.seed, job.index, job.split, mix=job.mix)
    kind = "image" if job.frames == 1 else "video"
    caps = captions_of(spec, job.seed, job.index, kind)
    for j, (nat, tch) in enumerate(natural_captions_of(spec, job.seed, job.index, job.natural, kind, job.phrasing)):
        caps[f"nat{j}"], caps[f"tch{j}"] = nat, tch
    if job.frames == 1:
        return render_image(spec, job.height, job.width)[None], caps
    return render_video(spec, job.height, job.width, job.frames), caps


def _render_into(args: tuple[RenderJob, str, int, tuple[int, ...]]) -> dict[str, str]:
    """Worker: render one job straight into slot ``slot`` of the shared-memory block ``name``."""
    from multiprocessing import shared_memory

    job, name, slot, shape = args
    frames, caps = _render(job)
    shm = shared_memory.SharedMemory(name=name)
    try:
        np.ndarray((slot + 1, *shape), np.uint8, shm.buf)[slot] = frames
    finally:
        shm.close()
    return caps


def render_many(jobs: Sequence[RenderJob], workers: int | None = None, chunk: int = 256
                ) -> Iterator[tuple[np.ndarray, list[dict[str, str]]]]:
    """Yield ``(frames uint8 [n, T, H, W, 3], captions)`` for ``jobs``, ``chunk`` at a time, in order.

    All jobs must share one shape. With workers, clips are rendered into shared memory (no pickling of
    frames: a 34x192x192 clip is 3.8 MB), and the yielded array is a view that is only valid until the next
    iteration — copy what you keep.
    """
    if not jobs:
        return
    shape = (jobs[0].frames, jobs[0].height, jobs[0].width, 3)
    if any((j.frames, j.height, j.width, 3) != shape for j in jobs):
        raise ValueError("render_many: all jobs must have the same frames/height/width")
    workers = workers if workers is not None else max(1, (os.cpu_count() or 2) - 1)
    if workers <= 1:
        for s in range(0, len(jobs), chunk):
            out = [_render(j) for j in jobs[s : s + chunk]]
            yield np.stack([f for f, _ in out]), [c for _, c in out]
        return
    from multiprocessing import shared_memory

    n = min(chunk, len(jobs))
    shm = shared_memory.SharedMemory(create=True, size=n * math.prod(shape))
    try:
        block = np.ndarray((n, *shape), np.uint8, shm.buf)
        with ProcessPoolExecutor(workers) as pool:
            for s in range(0, len(jobs), chunk):
                part = jobs[s : s + chunk]
                caps = list(pool.map(_render_into, [(j, shm.name, k, shape) for k, j in enumerate(part)],
                                     chunksize=max(1, math.ceil(len(part) / workers / 4))))
                yield block[: len(part)], caps
        del block
    finally:
        shm.close()
        shm.unlink()
