"""Prompt rewriting: turn how a person writes a prompt into the text a model reads best.

Video models follow the captions they were trained on far better than free phrasing, which is why released
systems put a prompt rewriter in front of the text encoder. A model folder names its rewriter in
``stepvid.json`` (``defaults.prompt_rewrite``); callers may override it per call. Rewriters, by name:

* ``none``: the prompt as written (the released Step-Video models; any model without a rewriter).
* ``world``: for models trained on stepvid's synthetic world (the bundled model). The world judge's parser
  reads the prompt (natural English, Chinese or code-switched: typos, word order, synonyms, chat framing)
  into the request it states — every object's count, colour, shape, size, motion and speed, and the
  background — and :func:`stepvid.world.captions.caption_request` writes exactly that request in the training
  captions' words, in the prompt's language (Chinese if it has any Chinese character). The world has nothing
  a request cannot hold (positions are never captioned), so nothing the model could draw is lost. A prompt the
  parser refuses (unknown word, ambiguity, something outside the world) or that leaves an object's colour or
  shape open is passed on as written, with the reason.

A rewriter never invents: it only restates what the parser read, and every rewrite is reported.

Optionally (off by default) an LLM expands the prompt first (``llm=``, :class:`stepvid.llm_rewrite.LLMRewriter`;
``stepvid generate --rewrite``), and the named rewriter then works on its answer:

* ``none``: the LLM's answer (Step-Video's dense caption style) goes to the encoder;
* ``world``: the LLM is asked for a caption in the world's vocabulary (it may pick an unstated colour or
  shape), and the world rewriter restates that answer; if it cannot, it restates the prompt as typed instead.

An LLM answer that is not used — the request failed (connection refused, timeout, HTTP error, malformed or
empty answer), the answer is too long for the text encoder (``fits``), or the world rewriter cannot read it —
leaves the prompt as typed for the named rewriter, with one warning saying why (``Rewrite.warning``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol

REWRITERS = ("none", "world")


class PromptExpander(Protocol):
    """An optional first stage (an LLM): ``(answer, None)`` or ``(None, why it gave no usable answer)``."""

    def expand(self, prompt: str, style: str = "dense") -> tuple[str | None, str | None]: ...


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Rewrite:
    """One prompt's rewrite: ``text`` is what the text encoder gets; ``reason`` says why the prompt was kept
    as written (None when it was rewritten, or when the rewriter is ``none``)."""

    original: str
    text: str
    rewriter: str
    reason: str | None = None
    warning: str | None = None  # an LLM answer that was not used, and why

    @property
    def changed(self) -> bool:
        return self.text != self.original

    def message(self) -> str | None:
        """One log line describing what happened, or None for rewriter ``none``."""
        if self.rewriter == "none":
            return None
        if self.reason is not None:
            return f"prompt kept as written (the {self.rewriter} rewriter cannot restate it: {self.reason})"
        if not self.changed:
            return None
        return f"prompt rewritten for this model ({self.rewriter} rewriter): {self.text!r}"


def check_rewriter(name: str, source: str = "prompt_rewrite") -> str:
    """Return ``name`` if it is a known rewriter, else raise ValueError naming the valid ones."""
    if name not in REWRITERS:
        raise ValueError(f"{source}: unknown prompt rewriter {name!r}; valid: {list(REWRITERS)}")
    return name


def prompt_language(text: str) -> str:
    """'zh' when the text has any Chinese character, else 'en'."""
    return "zh" if _CJK.search(text) else "en"


def rewrite_prompt(
    prompt: str,
    rewriter: str = "none",
    llm: PromptExpander | None = None,
    fits: Callable[[str], str | None] | None = None,
) -> Rewrite:
    """Rewrite ``prompt`` with the named rewriter, after ``llm`` if given (see the module docstring); never
    raises for a prompt the rewriter cannot read or an LLM that gave no usable answer — it keeps the prompt
    and says why. ``fits(text)`` returns None, or why the text encoder would cut ``text``."""
    check_rewriter(rewriter)
    if llm is None:
        return _restate(prompt, rewriter)
    answer, why = llm.expand(prompt, "world" if rewriter == "world" else "dense")
    if answer is None:
        return _without_llm(prompt, rewriter, f"no usable answer from {why}")
    text = answer
    if rewriter == "world":
        world = _restate(answer, rewriter)
        if world.reason is not None:
            return _without_llm(
                prompt, rewriter, f"the world rewriter cannot restate its answer {answer!r} ({world.reason})"
            )
        text = world.text
    cut = fits(text) if fits is not None else None
    if cut:
        return _without_llm(prompt, rewriter, f"its answer is too long for the text encoder ({cut})")
    return Rewrite(prompt, text, "llm" if rewriter == "none" else f"llm+{rewriter}")


def _without_llm(prompt: str, rewriter: str, why: str) -> Rewrite:
    return replace(
        _restate(prompt, rewriter),
        warning=f"warning: LLM prompt rewrite not used: {why}; going on with the prompt as typed",
    )


def _restate(prompt: str, rewriter: str) -> Rewrite:
    if rewriter == "none":
        return Rewrite(prompt, prompt, rewriter)
    from stepvid.world.captions import caption_request
    from stepvid.world.parser import parse_prompt
    from stepvid.world.request import CannotJudge

    try:
        request = parse_prompt(prompt)
    except CannotJudge as exc:
        return Rewrite(prompt, prompt, rewriter, str(exc).removeprefix("cannot judge: "))
    for g in request.groups:
        if g.color is None or g.shape is None:
            what = "colour" if g.color is None else "shape"
            return Rewrite(prompt, prompt, rewriter, f"an object's {what} is not stated")
    return Rewrite(prompt, caption_request(request, prompt_language(prompt)), rewriter)
