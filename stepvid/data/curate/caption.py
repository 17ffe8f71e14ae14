"""Stage 3: captions. Pluggable captioners over clip rows.

* ``SidecarCaptioner`` — ground truth when the source has it: a ``<video>.json`` sidecar (world raw
  footage) whose scenes carry captions; a clip takes the caption of the scene it overlaps most.
* ``OpenAICaptioner`` — any OpenAI-compatible vision-language endpoint (``POST {base}/chat/completions``),
  producing the report's three kinds: ``short`` (subject + action, like a user prompt), ``dense`` (subject,
  events, environment, style, shot type and camera movement) and ``title`` (a video title, standing in
  for original titles when the source has none). The 8 sampled frames go as base64 JPEG data URLs.
  Concurrency ``batch_size`` requests at a time; the HTTP side (rate limit, retries with exponential backoff
  on 429/5xx/network errors honouring Retry-After, the API key from the environment variable named by
  ``api_key_env`` — never from a flag or a file) is :class:`stepvid.openai_client.ChatClient`.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Protocol

import numpy as np

from stepvid.openai_client import ChatClient, ChatError

PROMPTS = {
    "short": "Describe this video in one short sentence: the main subject and what it does, like a prompt a user "
    "would type. Reply with the sentence only.",
    "dense": "Describe this video in detail: the subjects, events, environment and visuals, the type and style of "
    "video, the shot type and the camera movement. Reply with one paragraph only.",
    "title": "Give this video a short title, as its uploader might. Reply with the title only.",
}


class Captioner(Protocol):
    """Optional attributes: ``signature`` (a string that changes whenever the captions it would write
    change: endpoint, model, kinds, prompts) keys the resumable cache; ``cacheable = False`` skips the
    cache for captioners that are cheap and read changing ground truth."""

    def __call__(self, rows: list[dict]) -> list[dict[str, str]]:
        """Captions per row: a dict of named captions (e.g. {"short": ..., "dense": ...}); {} when none."""


class SidecarCaptioner:
    """Captions from a world raw-footage sidecar (``<source>.json`` with ``scenes[i].caption``).

    Not cached: reading a sidecar costs nothing, and a cache would hide an edited sidecar."""

    cacheable = False

    def __init__(self) -> None:
        self._cache: dict[str, dict | None] = {}

    def _truth(self, source: str) -> dict | None:
        if source not in self._cache:
            p = Path(source + ".json")
            try:
                self._cache[source] = json.loads(p.read_text(encoding="utf-8")) if p.exists() else None
            except (OSError, json.JSONDecodeError):
                self._cache[source] = None
        return self._cache[source]

    def __call__(self, rows: list[dict]) -> list[dict[str, str]]:
        out = []
        for r in rows:
            truth = self._truth(r["source"])
            best, cap = 0, None
            for s in (truth or {}).get("scenes", []):
                ov = min(s["end"], r["end_frame"]) - max(s["start"], r["start_frame"])
                if ov > best and s.get("caption"):
                    best, cap = ov, s["caption"]
            out.append({"gt": cap} if cap else {})
        return out


def frames_to_jpeg_b64(frames: np.ndarray, max_side: int = 512, quality: int = 85) -> list[str]:
    from PIL import Image

    out = []
    for f in frames:
        im = Image.fromarray(f)
        im.thumbnail((max_side, max_side))
        buf = io.BytesIO()
        im.save(buf, format="JPEG", quality=quality)
        out.append(base64.b64encode(buf.getvalue()).decode())
    return out


CaptionError = ChatError  # a failed caption request (the shared client's error)


class OpenAICaptioner:
    """Client for an OpenAI-compatible chat-completions endpoint with image inputs."""

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key_env: str = "OPENAI_API_KEY",
        kinds: tuple[str, ...] = ("short", "dense", "title"),
        batch_size: int = 4,
        max_retries: int = 5,
        backoff: float = 1.0,
        requests_per_second: float = 2.0,
        timeout: float = 120.0,
        frames_fn: Callable[[dict], np.ndarray] | None = None,
        max_tokens: int = 300,
    ) -> None:
        unknown = set(kinds) - set(PROMPTS)
        if unknown:
            raise ValueError(f"unknown caption kinds {sorted(unknown)}; known: {sorted(PROMPTS)}")
        self.client = ChatClient(
            base_url,
            model,
            api_key_env,
            timeout=timeout,
            max_retries=max_retries,
            backoff=backoff,
            requests_per_second=requests_per_second,
        )
        self.url, self.model, self.kinds, self.batch_size = (
            self.client.url,
            model,
            tuple(kinds),
            max(1, batch_size),
        )
        self.max_tokens = max_tokens
        self.frames_fn = frames_fn or _default_frames
        prompts = {k: PROMPTS[k] for k in self.kinds}
        self.signature = json.dumps(["openai", self.url, model, prompts, max_tokens], sort_keys=True)

    def request(self, prompt: str, images_b64: list[str]) -> str:
        content = [{"type": "text", "text": prompt}] + [
            {"type": "image_url", "image_url": {"url": f"data:image/jpeg;base64,{b}"}} for b in images_b64
        ]
        return self.client.complete([{"role": "user", "content": content}], self.max_tokens, temperature=0.2)

    def _one(self, row: dict) -> dict[str, str]:
        images = frames_to_jpeg_b64(self.frames_fn(row))
        return {k: self.request(PROMPTS[k], images) for k in self.kinds}

    def __call__(self, rows: list[dict]) -> list[dict[str, str]]:
        with ThreadPoolExecutor(self.batch_size) as pool:
            return list(pool.map(self._one, rows))


def _default_frames(row: dict) -> np.ndarray:
    from stepvid.data.curate.decode import grab_frames
    from stepvid.data.curate.tags import sample_indices

    idx = sample_indices(row["start_frame"], row["end_frame"])
    got = grab_frames(row["source"], idx)
    return np.stack([got[i] for i in idx])


def _cache_key(row: dict, signature: str) -> str:
    """Which captions a cache line holds: the captioner's signature and what the clip's pixels are
    (``_ident``: source version + frame range, set by the merge; the clip_id where absent)."""
    return hashlib.sha1(f"{signature}\n{row['clip_id']}\n{row.get('_ident', '')}".encode()).hexdigest()


def caption_rows(
    rows: list[dict],
    captioner: Captioner,
    cache_path: str | os.PathLike | None = None,
    chunk: int = 16,
    primary: tuple[str, ...] = ("gt", "short", "dense", "title"),
) -> int:
    """Caption rows in place (``captions`` dict + primary ``caption``), reusing and appending a JSONL cache
    so an interrupted job does not pay twice. Returns the number of newly captioned rows.

    Cache lines are keyed by the captioner's ``signature`` and the clip's content identity, so a caption
    made by another model or for another frame range (a run with other settings) is never reused."""
    if not getattr(captioner, "cacheable", True):
        cache_path = None
    signature = getattr(captioner, "signature", None) or getattr(
        captioner, "__qualname__", type(captioner).__qualname__
    )
    keys = [_cache_key(r, signature) for r in rows]
    cache: dict[str, dict] = {}
    if cache_path and os.path.exists(cache_path):
        with open(cache_path, encoding="utf-8") as f:
            for line in f:
                try:
                    item = json.loads(line)
                    cache[item["key"]] = item["captions"]
                except (json.JSONDecodeError, KeyError, TypeError):
                    continue  # a line cut short by a kill, or written by an older version
    todo = [(r, k) for r, k in zip(rows, keys) if k not in cache]
    fh = open(cache_path, "a", encoding="utf-8") if cache_path else None  # noqa: SIM115 - closed below
    try:
        for i in range(0, len(todo), chunk):
            part = todo[i : i + chunk]
            for (r, k), caps in zip(part, captioner([r for r, _ in part])):
                cache[k] = caps
                if fh:
                    line = {"key": k, "clip_id": r["clip_id"], "captions": caps}
                    fh.write(json.dumps(line, ensure_ascii=False) + "\n")
            if fh:
                fh.flush()
                os.fsync(fh.fileno())
    finally:
        if fh:
            fh.close()
    for r, k in zip(rows, keys):
        caps = cache.get(k, {})
        r["captions"] = caps
        r["caption"] = next((caps[c] for c in primary if caps.get(c)), r.get("caption", ""))
    return len(todo)
