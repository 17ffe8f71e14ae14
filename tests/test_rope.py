"""RoPE-3D against independent references: fp64 maths, norm preservation, relativity, the bf16 quirk."""

from __future__ import annotations

import math

import pytest
import torch
from numerics import unit_roundoff

from stepvid.models.rope import apply_rope, rope_cos_sin, rope_positions

SPLIT = (64, 32, 32)


def rope_fp64(x: torch.Tensor, pos: torch.Tensor, split=SPLIT, theta=1e4) -> torch.Tensor:
    """fp64 reference written per pair: dims (i, i + D/2) of each chunk rotate by pos * theta^(-2i/D)."""
    x = x.double()
    out = torch.empty_like(x)
    start = 0
    for axis, d in enumerate(split):
        for i in range(d // 2):
            a = pos[:, axis].double() * theta ** (-2 * i / d)  # [N]
            c, s = torch.cos(a)[None, :, None], torch.sin(a)[None, :, None]
            x1, x2 = x[..., start + i], x[..., start + i + d // 2]
            out[..., start + i] = x1 * c - x2 * s
            out[..., start + i + d // 2] = x2 * c + x1 * s
        start += d
    return out


def _rope(x, pos, dtype=torch.float32, bf16_angles=True):
    return apply_rope(x, *rope_cos_sin(pos, SPLIT, 1e4, dtype=dtype, bf16_angles=bf16_angles), SPLIT)


def test_positions_are_frame_row_column_order():
    pos = rope_positions(2, 3, 4)
    assert pos.shape == (24, 3)
    assert pos[0].tolist() == [0, 0, 0] and pos[1].tolist() == [0, 0, 1] and pos[4].tolist() == [0, 1, 0]
    assert pos[12].tolist() == [1, 0, 0] and pos[-1].tolist() == [1, 2, 3]


def test_rope_matches_fp64_reference():
    torch.manual_seed(0)
    pos = rope_positions(5, 7, 61)[::7]  # includes column positions up to 60
    x = torch.randn(2, pos.shape[0], 3, 128)
    err = (_rope(x, pos).double() - rope_fp64(x, pos)).abs().max().item()
    # fp32 angle pos * theta^(-2i/D): <= 4 roundings (power, division, product, cast), so off by <= 4u * pos;
    # a rotated pair moves by <= 2 |x| per radian, plus ~3 roundings of x1 c - x2 s: elementwise, any threads.
    u, max_pos = unit_roundoff(torch.float32), pos.max().item()
    assert err < u * x.abs().max().item() * (8 * max_pos + 6), err


def test_rope_preserves_norms():
    torch.manual_seed(1)
    pos = rope_positions(36, 4, 62)[::11]
    x = torch.randn(1, pos.shape[0], 2, 128, dtype=torch.float64)
    y = apply_rope(x, *rope_cos_sin(pos, SPLIT, dtype=torch.float64, bf16_angles=False), SPLIT)
    torch.testing.assert_close(y.norm(dim=-1), x.norm(dim=-1), rtol=1e-6, atol=1e-6)
    # the norm of each chunk pair (i, i + D/2) is preserved too, so every chunk keeps its norm
    for a, b in zip(x.split(list(SPLIT), -1), y.split(list(SPLIT), -1)):
        torch.testing.assert_close(b.norm(dim=-1), a.norm(dim=-1), rtol=1e-6, atol=1e-6)


def test_rope_is_relative():
    """q.k after RoPE depends only on the position difference (per axis)."""
    torch.manual_seed(2)
    q, k = torch.randn(1, 1, 1, 128, dtype=torch.float64), torch.randn(1, 1, 1, 128, dtype=torch.float64)

    def score(pq, pk):
        pq, pk = torch.tensor([pq]), torch.tensor([pk])
        cs = lambda p: rope_cos_sin(p, SPLIT, dtype=torch.float64, bf16_angles=False)
        return (apply_rope(q, *cs(pq), SPLIT) * apply_rope(k, *cs(pk), SPLIT)).sum().item()

    base = score([3, 5, 7], [1, 2, 4])
    assert score([13, 25, 47], [11, 22, 44]) == pytest.approx(base, rel=1e-9, abs=1e-9)
    assert score([2, 3, 3], [0, 0, 0]) == pytest.approx(base, rel=1e-9, abs=1e-9)
    assert abs(score([4, 5, 7], [1, 2, 4]) - base) > 1e-3  # a different offset changes the score


def test_bf16_angle_quirk_rounds_angles_before_cos():
    pos = torch.tensor([[35, 33, 61]])
    cos_q, _sin_q = rope_cos_sin(pos, SPLIT, dtype=torch.bfloat16, bf16_angles=True)
    cos_c, _ = rope_cos_sin(pos, SPLIT, dtype=torch.bfloat16, bf16_angles=False)
    assert cos_q.dtype == torch.bfloat16 and cos_c.dtype == torch.float32
    # frame chunk, frequency index 0: angle 35 is exact in bf16; column chunk index 0: 61 exact as well;
    # row chunk index 1: 33 * 10000^(-2/32) = 18.56... -> bf16 spacing 0.125 -> 18.5
    a = 33 * 1e4 ** (-2 / 32)
    a_bf16 = torch.tensor(a, dtype=torch.float32).to(torch.bfloat16).float().item()
    assert a_bf16 != pytest.approx(a, abs=1e-3)
    assert cos_q[0, 64 + 1].float().item() == pytest.approx(math.cos(a_bf16), abs=4e-3)
    assert cos_c[0, 64 + 1].item() == pytest.approx(math.cos(a), abs=1e-5)
    # in fp32 the quirk is a no-op
    c32, _ = rope_cos_sin(pos, SPLIT, dtype=torch.float32, bf16_angles=True)
    torch.testing.assert_close(c32, cos_c)


def test_rope_rejects_bad_split():
    with pytest.raises(ValueError, match="even"):
        rope_cos_sin(torch.zeros(2, 3, dtype=torch.long), (63, 33, 32))
    with pytest.raises(ValueError, match="positions"):
        rope_cos_sin(torch.zeros(2, 2, dtype=torch.long), SPLIT)
