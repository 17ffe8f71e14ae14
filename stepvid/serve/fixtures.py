"""Test helpers: tiny eval run folders in ``stepvid eval``'s layout (run.json, items.jsonl,
videos/<tag>/<id>-s<seed>.mp4) with real short mp4s — also handy for trying the voting page without running an
evaluation — and two HTTP clients that send paths exactly as written."""

from __future__ import annotations

import http.client
import json
import os
import socket
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np

__all__ = ["call", "raw_call", "write_eval_run"]


def _clip(k: int, frames: int, size: int) -> np.ndarray:
    """A square moving across a flat background; ``k`` picks colours and direction, so clips differ."""
    rng = np.random.default_rng(k)
    bg, fg = rng.integers(0, 256, 3, dtype=np.uint8), rng.integers(0, 256, 3, dtype=np.uint8)
    video = np.empty((frames, size, size, 3), np.uint8)
    video[:] = bg
    side = max(size // 4, 2)
    for t in range(frames):
        x = (t * (size - side)) // max(frames - 1, 1)
        if k % 2:
            x = size - side - x
        video[t, size // 3 : size // 3 + side, x : x + side] = fg
    return video


def write_eval_run(folder: str | os.PathLike, models: list[str], prompts: list[tuple[str, str, str | None]],
                   seeds: list[int], frames: int = 17, size: int = 32) -> Path:
    """Write an eval run: every model x (prompt_id, prompt, category) x seed as a ``frames``-frame mp4 of
    ``size`` x ``size`` pixels. Returns the folder."""
    from stepvid.video import write_video

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    run = {"version": 1, "prompts_file": "fixture", "models": [{"tag": m, "path": f"fixture/{m}"} for m in models],
           "seeds": list(seeds), "settings": {"num_frames": frames, "height": size, "width": size, "steps": 1,
                                              "cfg": 1.0}}
    (out / "run.json").write_text(json.dumps(run, indent=1) + "\n", encoding="utf-8")
    rows, k = [], 0
    for m in models:
        for pid, prompt, category in prompts:
            for s in seeds:
                rel = f"videos/{m}/{pid}-s{s}.mp4"
                write_video(out / rel, _clip(k, frames, size), fps=8)
                k += 1
                rows.append({"model": m, "prompt_id": pid, "prompt": prompt, "category": category, "seed": s,
                             "video": rel, "seconds": 0.0, "metrics": {}, "judge": None})
    (out / "items.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                     encoding="utf-8")
    return out


def call(url: str, method: str = "GET", body: Any = None, headers: dict[str, str] | None = None,
         data: bytes | None = None, timeout: float = 60) -> tuple[int, dict[str, str], bytes]:
    """One HTTP request to a test server: ``body`` is sent as JSON (or ``data`` as is); returns (status,
    lower-cased headers, body bytes). The path is sent exactly as written (no normalisation)."""
    u = urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    hdrs = {}
    if body is not None:
        data = json.dumps(body).encode("utf-8")
        hdrs["Content-Type"] = "application/json"
    hdrs.update(headers or {})
    try:
        conn.request(method, u.path + (f"?{u.query}" if u.query else ""), body=data, headers=hdrs)
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def raw_call(url: str, request: bytes, timeout: float = 30) -> tuple[int, bytes]:
    """Send raw request bytes (for requests an HTTP library refuses to build); returns (status, whole reply)."""
    u = urlsplit(url)
    with socket.create_connection((u.hostname, u.port), timeout=timeout) as s:
        s.sendall(request)
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    reply = b"".join(chunks)
    return int(reply.split(b" ", 2)[1]), reply
