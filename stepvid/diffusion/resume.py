"""Resumable sampling: the sampler's state after each step in one safetensors file, so a long generation (a
30B model spends ~35 s per guided step at 544x992x204) killed at step k continues from step k.

The file holds the fp32 state ``x``, the multistep solver's last velocity (``ab2``) and the step count, and a
fingerprint of everything the remaining steps depend on (sampler settings, digests of the initial noise, the
text states and the image condition, the DiT's config and dtype). A file whose fingerprint differs is refused
with the fields that differ — never silently continued with other settings. Writes are atomic (temporary file,
then rename), so a kill mid-write leaves the previous step's state. Resumed sampling runs the same operations
on the same values as an uninterrupted run, so it ends on the same latents.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import torch

__all__ = ["SamplerState", "digest", "load_state", "save_state"]

_KEY = "stepvid.sampler_state"


@dataclass
class SamplerState:
    """``step`` sampler steps done; ``x`` the fp32 state after them; ``v_prev`` the last guided velocity
    (``ab2`` only)."""

    step: int
    x: torch.Tensor
    v_prev: torch.Tensor | None = None


def digest(*tensors: torch.Tensor | None) -> str:
    """SHA-256 (first 16 hex digits) of the tensors' shapes, dtypes and bytes (None counts as absent)."""
    h = hashlib.sha256()
    for t in tensors:
        if t is None:
            h.update(b"none")
            continue
        t = t.detach().to("cpu").contiguous()
        h.update(f"{tuple(t.shape)}{t.dtype}".encode())
        h.update(t.view(torch.uint8).numpy().tobytes() if t.numel() else b"")
    return h.hexdigest()[:16]


def save_state(path: str | Path, state: SamplerState, fingerprint: dict[str, str]) -> None:
    """Write ``state`` and its fingerprint to ``path`` atomically."""
    from safetensors.torch import save_file

    from stepvid.video import atomic_path

    tensors = {"x": state.x.detach().to("cpu", torch.float32).contiguous()}
    if state.v_prev is not None:
        tensors["v_prev"] = state.v_prev.detach().to("cpu", torch.float32).contiguous()
    meta = {_KEY: json.dumps({"step": int(state.step), "fingerprint": fingerprint}, sort_keys=True)}
    with atomic_path(path, keep_suffix=False) as tmp:
        save_file(tensors, str(tmp), metadata=meta)


def load_state(path: str | Path, fingerprint: dict[str, str], device: torch.device | str = "cpu") -> SamplerState | None:
    """The state in ``path`` (None when there is no file); ValueError when it is not a sampler state or was
    written for other settings or inputs (naming the fields that differ)."""
    from safetensors import SafetensorError, safe_open

    path = Path(path)
    if not path.exists():
        return None
    try:
        with safe_open(str(path), framework="pt", device="cpu") as f:
            meta = json.loads((f.metadata() or {}).get(_KEY, "null"))
            tensors = {k: f.get_tensor(k) for k in f.keys()}  # noqa: SIM118 (safe_open has no __iter__)
    except (SafetensorError, OSError, json.JSONDecodeError) as e:
        raise ValueError(f"{path}: not a readable sampler state file ({e})") from e
    if not isinstance(meta, dict) or "x" not in tensors:
        raise ValueError(f"{path}: not a stepvid sampler state (no '{_KEY}' metadata or no 'x' tensor)")
    old = meta.get("fingerprint", {})
    bad = sorted(k for k in set(old) | set(fingerprint) if old.get(k) != fingerprint.get(k))
    if bad:
        diff = "; ".join(f"{k}: file {old.get(k)!r}, now {fingerprint.get(k)!r}" for k in bad)
        raise ValueError(f"{path}: sampler state of another run ({diff}); delete it or use another file")
    v_prev = tensors.get("v_prev")
    return SamplerState(int(meta["step"]), tensors["x"].to(device),
                        None if v_prev is None else v_prev.to(device))
