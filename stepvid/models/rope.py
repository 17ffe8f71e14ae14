"""RoPE-3D for the Step-Video DiT (spec §2.7).

Each head's dims are split into contiguous chunks (64/32/32 for head dim 128) driven by the frame, row and
column index of the token. Within a chunk of width D the D/2 angles ``pos / theta**(2j/D)`` are duplicated
as ``[a, a]`` and applied rotate-half (GPT-NeoX) style. Positions are raw integer latent-grid indices.

The official code casts the angle table to the activation dtype *before* cos/sin and rotates in that dtype;
``bf16_angles=True`` reproduces this (a no-op in fp32). ``bf16_angles=False`` is the clean variant: fp32
angles, fp32 rotation, result cast back.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch


def rope_positions(
    frames: int, height: int, width: int, device: torch.device | str | None = None
) -> torch.Tensor:
    """Integer (f, h, w) index of every token in frame-row-column order: [F*H*W, 3] int64."""
    f, h, w = (torch.arange(n, device=device) for n in (frames, height, width))
    return torch.cartesian_prod(f, h, w).view(-1, 3)


def rope_cos_sin(
    positions: torch.Tensor,
    split: Sequence[int] = (64, 32, 32),
    theta: float = 10000.0,
    dtype: torch.dtype = torch.float32,
    bf16_angles: bool = True,
) -> tuple[torch.Tensor, torch.Tensor]:
    """cos/sin tables [N, sum(split)] for integer positions [N, len(split)].

    Angles are fp32 (fp64 when ``dtype`` is float64). With ``bf16_angles`` the angles are rounded to
    ``dtype`` before cos/sin (official numerics) and the tables come back in ``dtype``; otherwise they
    stay fp32 (fp64).
    """
    if positions.ndim != 2 or positions.shape[1] != len(split):
        raise ValueError(f"positions must be [N, {len(split)}], got {list(positions.shape)}")
    if any(d % 2 for d in split):
        raise ValueError(f"every RoPE chunk width must be even, got split {tuple(split)}")
    angles, adt = [], torch.float64 if dtype == torch.float64 else torch.float32
    for axis, d in enumerate(split):
        inv = 1.0 / theta ** (torch.arange(0, d, 2, dtype=adt, device=positions.device) / d)
        a = positions[:, axis].to(adt)[:, None] * inv[None]
        angles += [a, a]
    ang = torch.cat(angles, dim=-1)
    if bf16_angles:
        ang = ang.to(dtype)
    return ang.cos(), ang.sin()


def rotate_half(x: torch.Tensor, split: Sequence[int]) -> torch.Tensor:
    """Per-chunk rotate-half: each chunk [x1, x2] -> [-x2, x1]."""
    parts = []
    for c in x.split(list(split), dim=-1):
        c1, c2 = c.chunk(2, dim=-1)
        parts += [-c2, c1]
    return torch.cat(parts, dim=-1)


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, split: Sequence[int]) -> torch.Tensor:
    """Rotate ``x`` [B, N, H, D] with tables [N, D]; computes in the tables' dtype, returns ``x.dtype``."""
    cos, sin = cos[None, :, None], sin[None, :, None]
    xc = x.to(cos.dtype)
    return (xc * cos + rotate_half(xc, split) * sin).to(x.dtype)
