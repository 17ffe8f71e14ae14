"""Check a world model's clip against what its prompt asks, and try the next seed when it fails.

A model trained on the synthetic world draws most requests right, but not on every seed: on writers' natural
prompts the bundled model passes about three in four one-object clips at a given seed, and most of the rest at
the next one or two (docs/world.md). The world judge reads exactly what a prompt states, so it is a precise
verifier, the way DALL-E ranked its samples with CLIP: generate with one seed, judge the clip against the
prompt, and when the judge says it fails, generate with the next seed, up to ``tries`` clips; the first clip
that passes is kept, else the one with the highest judge score (the earliest of equals).

Only for models whose rewriter is ``world`` (their prompts are the world's captions after rewriting); a prompt
the judge cannot read gets one try. Each attempt is reported (:class:`Attempt`), so a kept clip is reproduced
with ``--seed <its seed> --tries 1``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from stepvid.world.request import Request


@dataclass(frozen=True)
class Attempt:
    """One generated clip's verdict: its seed, whether the judge passed it, its 0-1 score and what failed."""

    seed: int
    passed: bool
    score: float
    failed: tuple[str, ...] = ()

    def describe(self) -> str:
        return f"seed {self.seed} " + ("passed" if self.passed else f"failed ({', '.join(self.failed)})")


def world_request(text: str) -> Request | None:
    """What ``text`` asks, as the world judge reads it, or None when it cannot read it."""
    from stepvid.world.judge import resolve_request
    from stepvid.world.request import CannotJudge

    try:
        return resolve_request(prompt=text)[0]
    except CannotJudge:
        return None


def check_clip(frames: np.ndarray, request: Request, seed: int = 0) -> Attempt:
    """The world judge's verdict on uint8 frames [T, H, W, 3] made with ``seed`` against ``request``."""
    from stepvid.world.judge import judge

    res = judge(frames, request=request)
    failed = tuple(dict.fromkeys(k.split(".")[-1] for k, ok in res.attributes.items() if not ok))
    return Attempt(seed, res.passed, res.score, failed)


def world_checker(text: str) -> Callable[[np.ndarray, int], Attempt] | None:
    """``check(frames, seed)`` against what ``text`` asks, or None when the judge cannot read ``text`` (then
    there is nothing to check against)."""
    request = world_request(text)
    return None if request is None else partial(check_clip, request=request)


def kept(attempts: list[Attempt]) -> Attempt:
    """The attempt whose clip is kept: the first that passed, else the best-scoring (the earliest of equals)."""
    return next((a for a in attempts if a.passed), None) or max(attempts, key=lambda a: a.score)


def best_of(make: Callable[[int], np.ndarray], check: Callable[[np.ndarray, int], Attempt] | None,
            seeds: list[int], on_attempt: Callable[[Attempt], None] | None = None,
            ) -> tuple[np.ndarray, list[Attempt]]:
    """Make a clip per seed in order until ``check`` passes one; return the kept clip (that of ``kept(attempts)``,
    tracked as the clips come) and every attempt.
    Without ``check`` only the first seed is made (and no attempt is recorded)."""
    if not seeds:
        raise ValueError("best_of needs at least one seed")
    if check is None:
        return make(seeds[0]), []
    attempts: list[Attempt] = []
    best: tuple[float, np.ndarray] | None = None
    for seed in seeds:
        frames = make(seed)
        a = check(frames, seed=seed)
        attempts.append(a)
        if on_attempt is not None:
            on_attempt(a)
        if a.passed:
            return frames, attempts
        if best is None or a.score > best[0]:
            best = (a.score, frames)
    return best[1], attempts
