"""Preference pairs from votes on existing videos (human raters, another tool's picks): each row names a prompt
and the chosen and the rejected video; the model's own VAE encodes both (posterior mean) into a pair set that
``stepvid train dpo`` reads like one made by ``stepvid dpo pairs``.

    stepvid dpo import --votes votes.jsonl --model M --out pairs-votes/

Rows: ``{"prompt": str, "chosen": path, "rejected": path, "id"?: str, "chosen_score"?: float,
"rejected_score"?: float}`` (paths relative to the votes file; scores default to 1 and 0). Every row is checked
before anything is encoded — fields, both files decodable, the same frame count and size in both, a size the
VAE takes (multiples of its spatial factor) and a frame count of 1 or a multiple of 17 — and each refusal names
the file and line. Written in the pair-set layout and commit order (``stepvid.dpo.pairs``), so an interrupted
import resumes without duplicates.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from stepvid.dpo.pairs import _append, _check_settings, _resume, input_lines, json_object

__all__ = ["import_votes", "read_votes"]

TAG = "votes"


def read_votes(path: str | os.PathLike, spatial: int = 16) -> list[dict]:
    """The checked rows of a votes file, each with its decoded ``frames`` pair (uint8 [T, H, W, 3])."""
    from stepvid.pipeline import FRAMES_PER_CHUNK
    from stepvid.video import read_video

    path = Path(path)
    rows, seen = [], set()
    for n, line in input_lines(path, "votes"):
        where = f"{path}:{n}"
        d = json_object(line, where)
        for k in ("prompt", "chosen", "rejected"):
            if not isinstance(d.get(k), str) or not d[k].strip():
                raise ValueError(f"{where}: {k!r} must be a non-empty string; got {d.get(k)!r}")
        cs, rs = d.get("chosen_score", 1.0), d.get("rejected_score", 0.0)
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (cs, rs)) or cs <= rs:
            raise ValueError(f"{where}: chosen_score must be a number above rejected_score; got {cs!r}, {rs!r}")
        rid = str(d.get("id", f"line{n}"))
        if rid in seen:
            raise ValueError(f"{where}: id {rid!r} used twice")
        seen.add(rid)
        frames = {}
        for side in ("chosen", "rejected"):
            f = (path.parent / d[side]).resolve()
            try:
                frames[side] = read_video(f)
            except (OSError, ValueError) as e:
                raise ValueError(f"{where}: {side} video {d[side]!r}: {e}") from None
        a, b = frames["chosen"].shape, frames["rejected"].shape
        if a != b:
            raise ValueError(f"{where}: chosen is {a[0]} frames of {a[2]}x{a[1]}, rejected {b[0]} frames of "
                             f"{b[2]}x{b[1]}; a pair must share its size")
        t, h, w = a[:3]
        if h % spatial or w % spatial:
            raise ValueError(f"{where}: {w}x{h} is not a multiple of the VAE's {spatial} pixels")
        if t != 1 and t % FRAMES_PER_CHUNK:
            raise ValueError(f"{where}: {t} frames; the VAE takes 1 or a multiple of {FRAMES_PER_CHUNK}")
        rows.append({"index": len(rows), "id": rid, "prompt": d["prompt"], "frames": frames,
                     "scores": (float(cs), float(rs)), "files": (d["chosen"], d["rejected"])})
    if not rows:
        raise ValueError(f"{path}: no votes")
    return rows


def import_votes(vae: Any, votes: str | os.PathLike, out: str | os.PathLike, batch: int = 16,
                 latent_dtype: str = "bf16", rows: list[dict] | None = None) -> dict:
    """Encode every voted pair of ``votes`` with ``vae`` into the pair set ``out``; returns a summary.
    ``rows``: :func:`read_votes`'s result when the caller already checked the file."""
    import torch
    from safetensors.torch import save_file

    from stepvid.video import atomic_path

    store = {"bf16": torch.bfloat16, "fp32": torch.float32}[latent_dtype]
    if rows is None:
        rows = read_votes(votes, int(getattr(getattr(vae, "config", None), "spatial_ratio", 16)))
    out = Path(out)
    (out / "latents").mkdir(parents=True, exist_ok=True)
    _check_settings(out, {"scorer": "votes", "votes": str(Path(votes).resolve()), "latent_dtype": latent_dtype})
    done = _resume(out, TAG)
    todo = [r for r in rows if r["index"] not in done]
    for start in range(0, len(todo), batch):
        group = todo[start : start + batch]
        fname = f"latents/{TAG}-{group[0]['index']:07d}.safetensors"
        tensors, prow = {}, []
        for r in group:
            key = f"v{r['index']:07d}"
            with torch.no_grad():
                for side in ("chosen", "rejected"):
                    tensors[f"{key}.{side}"] = vae.encode_frames(r["frames"][side])[0].to("cpu", store).contiguous()
            prow.append({"index": r["index"], "id": r["id"], "prompt": r["prompt"], "text": r["prompt"],
                         "request": None, "latents": fname, "key": key,
                         "shape": list(tensors[f"{key}.chosen"].shape),
                         "chosen": {"seed": None, "score": r["scores"][0], "passed": True, "video": r["files"][0]},
                         "rejected": {"seed": None, "score": r["scores"][1], "passed": False, "video": r["files"][1]}})
        with atomic_path(out / fname, keep_suffix=False) as tmp:
            save_file(tensors, str(tmp))
        _append(out / f"pairs-{TAG}.jsonl", prow)
        _append(out / f"candidates-{TAG}.jsonl", [{"index": r["index"], "id": r["id"]} for r in group])
    return {"pairs": len(rows), "imported": len(todo), "already_done": len(done)}
