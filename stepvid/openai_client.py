"""A small client for OpenAI-compatible chat-completions endpoints (``POST {base_url}/chat/completions``).

Shared by curation's VLM captioner (:mod:`stepvid.data.curate.caption`) and the LLM prompt rewriter
(:mod:`stepvid.llm_rewrite`). Standard library only. The API key is read from the environment variable named
by ``api_key_env`` — never from a flag or a file — and sent as ``Authorization: Bearer``. Retries (with
exponential backoff, honouring ``Retry-After``) cover 408/409/429/5xx answers and network errors; every
other failure raises :class:`ChatError` at once, its ``reason`` saying what went wrong in one line.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import threading
import time
import urllib.error
import urllib.request
from typing import Any

__all__ = ["ChatClient", "ChatError", "RateLimiter"]

MAX_RESPONSE_BYTES = 8 << 20  # a chat answer is a few KiB; more is a wrong endpoint, not an answer


class ChatError(RuntimeError):
    """A chat request failed; ``reason`` says why (no URL), the message is ``"{url}: {reason}"``."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url, self.reason = url, reason


class RateLimiter:
    """At most ``per_second`` requests per second across threads (0 = no limit)."""

    def __init__(self, per_second: float) -> None:
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self.next = 0.0
        self.lock = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self.lock:
            now = time.monotonic()
            delay = max(0.0, self.next - now)
            self.next = max(now, self.next) + self.interval
        if delay:
            time.sleep(delay)


def _network_reason(exc: BaseException, timeout: float) -> str:
    """One line for a failed connection: refused, unresolvable, timed out, reset."""
    inner = getattr(exc, "reason", exc)  # URLError wraps the socket error
    if isinstance(inner, TimeoutError):
        return f"no answer within {timeout:g} s"
    if isinstance(inner, ConnectionRefusedError):
        return "cannot connect (connection refused)"
    if isinstance(inner, socket.gaierror):
        return f"cannot resolve the host ({inner.strerror or inner})"
    detail = getattr(inner, "strerror", None) or str(inner) or type(inner).__name__
    return f"cannot connect ({detail})"


class ChatClient:
    """One OpenAI-compatible chat endpoint: ``complete(messages) -> str`` (the first choice's text)."""

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key_env: str = "OPENAI_API_KEY",
        timeout: float = 120.0,
        max_retries: int = 5,
        backoff: float = 1.0,
        requests_per_second: float = 0.0,
    ) -> None:
        if not isinstance(base_url, str) or not base_url.startswith(("http://", "https://")):
            raise ValueError(f"endpoint URL must start with http:// or https://; got {base_url!r}")
        if not isinstance(model, str) or not model.strip():
            raise ValueError("the endpoint's model name is empty")
        if not (isinstance(timeout, (int, float)) and timeout > 0):
            raise ValueError(f"timeout must be a number of seconds > 0; got {timeout!r}")
        if not (isinstance(max_retries, int) and max_retries >= 0):
            raise ValueError(f"max_retries must be an integer >= 0; got {max_retries!r}")
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model, self.api_key_env = model, api_key_env
        self.timeout, self.max_retries, self.backoff = float(timeout), max_retries, backoff
        self.limiter = RateLimiter(requests_per_second)

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json"}
        key = os.environ.get(self.api_key_env, "") if self.api_key_env else ""
        if key:
            headers["Authorization"] = f"Bearer {key}"
        return headers

    def _answer(self, raw: bytes) -> str:
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ChatError(self.url, f"malformed answer (not JSON: {exc})") from None
        try:
            content = data["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise ChatError(self.url, "malformed answer (no choices[0].message.content)") from None
        if content is None:
            return ""
        if not isinstance(content, str):
            raise ChatError(self.url, f"malformed answer (content is {type(content).__name__}, not text)")
        return content.strip()

    def complete(
        self, messages: list[dict[str, Any]], max_tokens: int = 300, temperature: float = 0.2
    ) -> str:
        """The first choice's message text (stripped; '' when the endpoint sent none). Raises ChatError."""
        body = json.dumps(
            {"model": self.model, "messages": messages, "max_tokens": max_tokens, "temperature": temperature}
        ).encode()
        headers = self._headers()
        last = ""
        for attempt in range(self.max_retries + 1):
            self.limiter.wait()
            req = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
            delay = None
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                    raw = resp.read(MAX_RESPONSE_BYTES + 1)
                if len(raw) > MAX_RESPONSE_BYTES:
                    raise ChatError(self.url, f"answer larger than {MAX_RESPONSE_BYTES >> 20} MiB")
                return self._answer(raw)
            except urllib.error.HTTPError as exc:
                last = f"HTTP {exc.code}: {exc.read()[:200]!r}"
                if exc.code not in (408, 409, 429) and exc.code < 500:
                    raise ChatError(self.url, last) from None
                retry_after = exc.headers.get("Retry-After") if exc.headers else None
                delay = float(retry_after) if retry_after and retry_after.replace(".", "").isdigit() else None
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                last = _network_reason(exc, self.timeout)
            except http.client.HTTPException as exc:  # a cut or garbled HTTP answer
                last = f"broken HTTP answer ({type(exc).__name__}: {exc})"
            if attempt < self.max_retries:
                time.sleep(delay if delay is not None else self.backoff * 2**attempt)
        if self.max_retries == 0:
            raise ChatError(self.url, last)
        raise ChatError(self.url, f"giving up after {self.max_retries + 1} attempts ({last})")
