"""Golden parity cases: recorded inputs/outputs of the official Step-Video-T2V forward passes.

Two sources, both recorded by running the official code on CPU with random bf16-exact weights:

* ``shared``: ``$STEPVID_SHARED/reference/golden`` (``configs.json``, ``{dit,vae}_tiny_{weights,io}``); the
  weights are files (18 MB), so these cases run only where ../shared is present.
* ``in-repo``: ``tests/fixtures/reference/golden/small_configs.json`` and ``{dit,vae}_small_io.safetensors``
  (smaller configs, ~0.6 MB). Their weights are not stored: :func:`seeded_weights` regenerates them bit for
  bit from the seed and the key -> shape manifest in ``small_configs.json`` with integer arithmetic only
  (no library RNG whose stream could change), and the sha256 recorded there pins the result.

Provenance, the recording's import patches and its reproduction of the shared recordings:
tests/fixtures/reference/README.md.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file

SOURCES = ("shared", "in-repo")
SMALL_CONFIGS = "small_configs.json"


def _bits(seed: int, key: str, n: int) -> np.ndarray:
    """n uniform 64-bit words for tensor ``key``: splitmix64 of a counter that starts at a key hash."""
    start = int.from_bytes(hashlib.sha256(f"{seed}/{key}".encode()).digest()[:8], "little")
    z = np.uint64(start) + np.arange(n, dtype=np.uint64)  # wraps mod 2^64
    z = z * np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def seeded_tensor(seed: int, key: str, shape: list[int]) -> torch.Tensor:
    """A bf16 tensor of exactly representable values, a function of (seed, key, shape) only.

    Values are k * 2^-s with k uniform in [-128, 127] (8 significant bits: exact in bf16). Matrices and
    convs (ndim >= 2) get a half-range of 2^round(log2(sqrt(3 / fan_in))), i.e. std ~ 1/sqrt(fan_in), so
    activations keep their scale through the stack; norm weights (1-D ``*norm*.weight``) are
    1 + floor(k/4)/128 (0.75 .. 1.24); other 1-D tensors (biases) are k/512 (+-0.25).
    """
    n = int(np.prod(shape))
    k = (_bits(seed, key, n) >> np.uint64(56)).astype(np.int64) - 128
    if len(shape) >= 2:
        fan_in = n // shape[0]
        values = np.ldexp(k.astype(np.float64), round(np.log2(np.sqrt(3 / fan_in))) - 7)
    elif "norm" in key and key.endswith(".weight"):
        values = 1 + np.ldexp((k >> 2).astype(np.float64), -7)  # bf16 spacing in [1, 2) is 2^-7
    else:
        values = np.ldexp(k.astype(np.float64), -9)
    out = torch.from_numpy(values.reshape(shape)).to(torch.bfloat16)
    assert torch.equal(out.double(), torch.from_numpy(values.reshape(shape))), f"{key}: not bf16-exact"
    return out


def seeded_weights(seed: int, shapes: dict[str, list[int]]) -> dict[str, torch.Tensor]:
    return {key: seeded_tensor(seed, key, shape) for key, shape in shapes.items()}


def weights_sha256(state: dict[str, torch.Tensor]) -> str:
    """sha256 over the keys (sorted) and the bf16 bit patterns (little-endian) of a state dict."""
    h = hashlib.sha256()
    for key in sorted(state):
        h.update(key.encode() + b"\0")
        h.update(state[key].contiguous().view(torch.int16).numpy().astype("<i2").tobytes())
    return h.hexdigest()


@dataclass
class GoldenCase:
    """One recorded forward pass: official constructor kwargs, bf16 weights (official / released key names)
    and the recorded tensors."""

    source: str
    config: dict
    weights: dict[str, torch.Tensor]
    io: dict[str, torch.Tensor]
    weights_path: Path | None = None  # the shared weights file; None when regenerated

    def weights_file(self, tmp_dir: Path) -> Path:
        """A safetensors file holding the weights (the shared file itself, or a temporary copy)."""
        if self.weights_path is None:
            self.weights_path = Path(tmp_dir) / f"golden_{self.source}_weights.safetensors"
            save_file(self.weights, str(self.weights_path))
        return self.weights_path


def load_case(kind: str, source: str, golden_dir: Path) -> GoldenCase:
    """The ``kind`` ('dit' or 'vae') case of ``source`` from its folder."""
    if source == "shared":
        config = json.loads((golden_dir / "configs.json").read_text())[kind]
        path = golden_dir / f"{kind}_tiny_weights.safetensors"
        return GoldenCase(source, config, load_file(str(path)),
                          load_file(str(golden_dir / f"{kind}_tiny_io.safetensors")), path)
    meta = json.loads((golden_dir / SMALL_CONFIGS).read_text())
    config = meta[kind]
    weights = seeded_weights(meta["seed"], config["shapes"])
    digest = weights_sha256(weights)
    if digest != config["weights_sha256"]:
        raise AssertionError(f"{SMALL_CONFIGS} [{kind}]: regenerated weights have sha256 {digest}, the "
                             f"recording used {config['weights_sha256']} (tests/golden.py changed?)")
    return GoldenCase(source, config, weights, load_file(str(golden_dir / f"{kind}_small_io.safetensors")))
