"""LLM prompt rewriting (optional, off by default): a chat model expands a short prompt into a caption.

Step-Video's DiT was trained on dense VLM captions (subject, events, environment, style, shot type, camera
movement: the report's data-curation captioning), and a two-word prompt reaches it far from that distribution.
:class:`LLMRewriter` sends the prompt, with a packaged system prompt, to any OpenAI-compatible chat endpoint
(through :class:`stepvid.openai_client.ChatClient`, the client curation's captioner uses) and returns the answer.
It runs *before* the model's own rewriter (:mod:`stepvid.prompt_rewrite`, which composes the two):

* ``dense`` system prompt (``assets/prompt_rewrite/system.md``): the report's dense caption style, in the
  prompt's language, at most ~120 words; used for models whose rewriter is ``none`` (the released ones);
* ``world`` system prompt (``assets/prompt_rewrite/system-world.md``, filled in with the synthetic world's
  colours, shapes and example captions written by :mod:`stepvid.world.captions`): for world-trained models,
  whose ``world`` rewriter then restates the answer in the training captions' exact words.

Configuration: constructor arguments, or :meth:`LLMRewriter.from_env` reading ``STEPVID_REWRITE_URL``
(default ``http://127.0.0.1:8000/v1``), ``STEPVID_REWRITE_MODEL`` (required), ``STEPVID_REWRITE_KEY_ENV``
(the name of the variable holding the API key; default ``OPENAI_API_KEY``) and ``STEPVID_REWRITE_TIMEOUT``
(seconds, default 30). :meth:`LLMRewriter.expand` never raises for a failed request: it returns the reason
(connection refused, timeout, HTTP error, malformed or empty answer, an answer over ``max_chars``) so the
caller can go on with the prompt as typed.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from stepvid.openai_client import ChatClient, ChatError

__all__ = [
    "ENV_KEY_ENV",
    "ENV_MODEL",
    "ENV_TIMEOUT",
    "ENV_URL",
    "LLMRewriter",
    "clean_answer",
    "system_prompt",
]

ENV_URL, ENV_MODEL = "STEPVID_REWRITE_URL", "STEPVID_REWRITE_MODEL"
ENV_KEY_ENV, ENV_TIMEOUT = "STEPVID_REWRITE_KEY_ENV", "STEPVID_REWRITE_TIMEOUT"
DEFAULT_URL, DEFAULT_KEY_ENV, DEFAULT_TIMEOUT = "http://127.0.0.1:8000/v1", "OPENAI_API_KEY", 30.0
STYLES = ("dense", "world")

_ASSETS = Path(__file__).resolve().parent / "assets" / "prompt_rewrite"
# (motion, object count, seed) of the example captions shown to the LLM in the world system prompt
_WORLD_EXAMPLES = (("right", 1, 0), ("up-left", 2, 1), ("bounce", 1, 2), ("rotate", 1, 3), ("towards", 2, 4))


@cache
def system_prompt(style: str = "dense") -> str:
    """The packaged system prompt for ``style``: ``dense`` (Step-Video's dense captions) or ``world`` (the
    synthetic world's caption vocabulary, with example captions in English and Chinese)."""
    if style not in STYLES:
        raise ValueError(f"unknown system prompt style {style!r}; valid: {list(STYLES)}")
    if style == "dense":
        return (_ASSETS / "system.md").read_text(encoding="utf-8").strip()
    import numpy as np

    from stepvid.world.captions import caption
    from stepvid.world.scene import COLORS, SHAPES, sample_scene

    lines = []
    for i, (motion, count, seed) in enumerate(_WORLD_EXAMPLES):
        spec = sample_scene(np.random.default_rng(seed), motions=(motion,), num_objects=count)
        lines.append(f"- {caption(spec, 'zh' if i % 2 else 'en', 'dense')}")
    template = (_ASSETS / "system-world.md").read_text(encoding="utf-8").strip()
    return (
        template.replace("{colours}", ", ".join(COLORS))
        .replace("{shapes}", ", ".join(SHAPES))
        .replace("{examples}", "\n".join(lines))
    )


_THINK = re.compile(r"^\s*<think>.*?</think>", re.DOTALL)
_QUOTES = {'"': '"', "'": "'", "“": "”", "「": "」", "『": "』", "‘": "’"}


def clean_answer(text: str) -> str:
    """The prompt in a chat answer: a leading ``<think>…</think>`` block (reasoning models) and one pair of
    wrapping quotation marks removed, whitespace runs collapsed to one space."""
    text = " ".join(_THINK.sub("", text).split())
    if len(text) >= 2 and _QUOTES.get(text[0]) == text[-1]:
        text = text[1:-1].strip()
    return text


@dataclass
class LLMRewriter:
    """Expands prompts with a chat model at ``base_url`` (see the module docstring).

    system_prompt: None picks the packaged prompt for the style :meth:`expand` is asked for; a string is
    used for every style. timeout: seconds to connect and for each read. retries: extra attempts after a
    429/5xx/network failure (default 0: one request, then fall back). max_chars: longer answers are refused.
    """

    base_url: str = DEFAULT_URL
    model: str = ""
    api_key_env: str = DEFAULT_KEY_ENV
    timeout: float = DEFAULT_TIMEOUT
    system_prompt: str | None = None
    max_tokens: int = 400
    max_chars: int = 2000
    temperature: float = 0.2
    retries: int = 0
    client: ChatClient = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.model, str) or not self.model.strip():
            raise ValueError(
                f"LLM prompt rewriting needs the endpoint's model name (--rewrite-model or ${ENV_MODEL})"
            )
        for name in ("max_tokens", "max_chars"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"LLM rewriter {name} must be an integer >= 1; got {value!r}")
        if self.system_prompt is not None and not self.system_prompt.strip():
            raise ValueError("LLM rewriter system_prompt is empty")
        self.client = ChatClient(
            self.base_url,
            self.model,
            self.api_key_env,
            timeout=self.timeout,
            max_retries=self.retries,
            backoff=0.5,
        )

    @classmethod
    def from_env(
        cls,
        base_url: str | None = None,
        model: str | None = None,
        api_key_env: str | None = None,
        timeout: float | None = None,
        **kwargs,
    ) -> LLMRewriter:
        """Arguments given win; the rest come from ``STEPVID_REWRITE_*`` (see the module docstring)."""
        if timeout is None:
            raw = os.environ.get(ENV_TIMEOUT)
            try:
                timeout = float(raw) if raw else DEFAULT_TIMEOUT
            except ValueError:
                raise ValueError(f"${ENV_TIMEOUT} must be a number of seconds; got {raw!r}") from None
        return cls(
            base_url=base_url or os.environ.get(ENV_URL) or DEFAULT_URL,
            model=model or os.environ.get(ENV_MODEL, ""),
            api_key_env=api_key_env or os.environ.get(ENV_KEY_ENV) or DEFAULT_KEY_ENV,
            timeout=timeout,
            **kwargs,
        )

    def describe(self) -> str:
        """'MODEL at URL' for log lines."""
        return f"{self.model} at {self.client.url}"

    def expand(self, prompt: str, style: str = "dense") -> tuple[str | None, str | None]:
        """``(answer, None)``, or ``(None, "URL: reason")`` when no usable answer came back (never raises for
        that: connection refused, timeout, HTTP error, malformed, empty or over-long answer)."""
        system = self.system_prompt or system_prompt(style)
        messages = [{"role": "system", "content": system}, {"role": "user", "content": prompt}]
        try:
            raw = self.client.complete(messages, self.max_tokens, self.temperature)
        except ChatError as exc:
            return None, f"{self.client.url}: {exc.reason}"
        answer = clean_answer(raw)
        if not answer:
            return None, f"{self.client.url}: empty answer"
        if len(answer) > self.max_chars:
            return (
                None,
                f"{self.client.url}: answer too long ({len(answer):,} characters; at most {self.max_chars:,})",
            )
        return answer, None
