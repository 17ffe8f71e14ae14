"""Attention dispatch vs fp64 naive masked attention; key-padding paths; argument checks."""

from __future__ import annotations

import pytest
import torch
from numerics import assert_reorder_close

import stepvid.models.attention as A
from stepvid.models.attention import attention, set_attention_backend


def naive_fp64(q, k, v, lens=None):
    """Dense fp64 softmax attention over [B, S, H, D] with a key-padding mask from lens."""
    q, k, v = (t.double().transpose(1, 2) for t in (q, k, v))
    s = q @ k.transpose(-1, -2) / q.shape[-1] ** 0.5
    if lens is not None:
        keep = torch.arange(k.shape[2])[None] < torch.tensor(lens)[:, None]
        s = s.masked_fill(~keep[:, None, None, :], float("-inf"))
    return (s.softmax(-1) @ v).transpose(1, 2)


# fp32 attention: q.k over 16 dims, the softmax sum and attn.v over <= 11 keys: 3 chained reductions of <= 16.
N, DEPTH = 16, 3


def close(actual, expected):
    assert_reorder_close(actual, expected, n=N, depth=DEPTH, dtype=torch.float32)


def _qkv(b=5, nq=7, nkv=11, h=3, d=16, seed=0):
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(b, n, h, d, generator=g) for n in (nq, nkv, nkv)]


@pytest.mark.parametrize("lens", [[11, 11, 11, 11, 11], [4, 11, 4, 4, 11], [1, 2, 3, 4, 11]])
def test_key_padding_matches_fp64(lens):
    """Few distinct lengths -> grouped unmasked calls; many -> one broadcast-masked call. Both exact."""
    q, k, v = _qkv()
    out = attention(q, k, v, kv_lens=lens)
    assert out.shape == q.shape
    close(out, naive_fp64(q, k, v, lens))
    # padded keys must not matter: scramble them and get the same answer
    k2, v2 = k.clone(), v.clone()
    for i, n in enumerate(lens):
        k2[i, n:] = 1e3
        v2[i, n:] = -1e3
    close(attention(q, k2, v2, kv_lens=torch.tensor(lens)), out)


def test_masked_path_used_for_many_lengths(monkeypatch):
    calls = []
    real = A._sdpa
    monkeypatch.setattr(A, "_sdpa", lambda *a, **kw: calls.append(kw.get("mask")) or real(*a, **kw))
    q, k, v = _qkv()
    attention(q, k, v, kv_lens=[1, 2, 3, 4, 5])
    assert len(calls) == 1 and calls[0].shape == (5, 1, 1, 11)  # broadcast mask, never [B, H, Nq, Nkv]
    calls.clear()
    attention(q, k, v, kv_lens=[4, 11, 4, 4, 11])
    assert len(calls) == 2 and all(m is None for m in calls)  # grouped, unmasked (flash-eligible)


def test_grouped_path_under_autocast_takes_the_kernels_dtype():
    """fp32 inputs under bf16 autocast: each group's kernel returns bf16, and so does the whole (the output buffer
    once took q's fp32 and the grouped write failed); the values are the fp64 reference to bf16 rounding."""
    q, k, v = _qkv()
    lens = [4, 11, 4, 4, 11]
    with torch.autocast("cpu", dtype=torch.bfloat16):
        out = attention(q, k, v, kv_lens=lens)
    assert out.dtype == torch.bfloat16
    # inputs rounded to bf16, then the same three chained reductions in bf16
    assert_reorder_close(out, naive_fp64(q, k, v, lens), n=N, depth=DEPTH + 1, dtype=torch.bfloat16)


def test_all_valid_lengths_equal_no_mask():
    q, k, v = _qkv()
    torch.testing.assert_close(attention(q, k, v, kv_lens=[11] * 5), attention(q, k, v), rtol=0, atol=0)


def test_gradients_flow_through_grouped_path():
    q, k, v = (t.double().requires_grad_() for t in _qkv(b=3))
    lens = [5, 11, 5]
    attention(q, k, v, kv_lens=lens).square().sum().backward()
    q2, k2, v2 = (t.detach().clone().requires_grad_() for t in (q, k, v))
    naive_fp64(q2, k2, v2, lens).square().sum().backward()
    for a, b in ((q, q2), (k, k2), (v, v2)):
        assert_reorder_close(a.grad, b.grad, n=N, depth=2 * DEPTH)  # fp64; backward doubles the chain
    assert k.grad[0, 5:].abs().max() == 0  # padded keys get no gradient


def test_forced_backend_and_errors():
    q, k, v = _qkv()
    out = attention(q, k, v, backend="math")
    close(out, attention(q, k, v))
    with pytest.raises(ValueError, match="backend"):
        attention(q, k, v, backend="nope")
    with pytest.raises(ValueError, match="backend"):
        set_attention_backend("nope")
    with pytest.raises(ValueError, match=r"\[B, S, H, D\]"):
        attention(q[0], k, v)
    with pytest.raises(ValueError, match="kv_lens has 2 entries"):
        attention(q, k, v, kv_lens=[3, 4])
    with pytest.raises(ValueError, match="out of range"):
        attention(q, k, v, kv_lens=[3, 4, 0, 1, 2])


def _naive_general(q, k, v, lens=None, causal=False, bias=None):
    q, k, v = (t.double().transpose(1, 2) for t in (q, k, v))
    s = q @ k.transpose(-1, -2) / q.shape[-1] ** 0.5
    if bias is not None:
        s = s + bias.double()
    keep = torch.ones(s.shape[-2:], dtype=torch.bool)
    if causal:
        keep = keep.tril()
    keep = keep[None, None]
    if lens is not None:
        keep = keep & (torch.arange(k.shape[2])[None] < torch.tensor(lens)[:, None])[:, None, None, :]
    return (s.masked_fill(~keep, float("-inf")).softmax(-1) @ v).transpose(1, 2)


@pytest.mark.parametrize("lens", [None, [7, 9, 7, 11, 8]])
@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("with_bias", [False, True])
def test_causal_and_bias_match_fp64(lens, causal, with_bias):
    q, k, v = _qkv(nq=11, nkv=11)
    g = torch.Generator().manual_seed(5)
    bias = torch.randn(1, 3, 11, 11, generator=g) if with_bias else None
    out = attention(q, k, v, kv_lens=lens, causal=causal, attn_bias=bias)
    close(out, _naive_general(q, k, v, lens, causal, bias))
