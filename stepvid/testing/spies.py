"""Test helpers that watch what a pipeline's modules are called with."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator


@contextlib.contextmanager
def dit_batch_sizes(pipe) -> Iterator[list[int]]:
    """Record the batch size of every DiT forward of ``pipe`` (a ``TextToVideoPipeline``) inside the block:
    2 per sample with classifier-free guidance, 1 without."""
    seen: list[int] = []
    forward = pipe.transformer.forward

    def spy(*args, **kw):
        seen.append(kw["hidden_states"].shape[0])
        return forward(*args, **kw)

    pipe.transformer.forward = spy
    try:
        yield seen
    finally:
        del pipe.transformer.forward
