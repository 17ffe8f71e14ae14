"""The one attention entry point of stepvid, plus Ulysses sequence parallelism.

``attention(q, k, v, kv_lens=..., sp_group=..., backend=...)`` takes token-major tensors [B, S, H, D] (the
layout projections produce) and returns the same layout. It

* runs ``torch.nn.functional.scaled_dot_product_attention`` and lets PyTorch pick cuDNN / flash /
  memory-efficient kernels, unless a backend is forced (argument, :func:`set_attention_backend`, or the
  ``STEPVID_ATTN_BACKEND`` environment variable);
* handles key padding from per-sample key lengths without a dense [B, H, Nq, Nkv] mask: samples sharing a
  length run unmasked on a truncated key range (flash/cuDNN eligible); with many distinct lengths a
  broadcast [B, 1, 1, Nkv] boolean mask is used instead; causal masks and additive biases (ALiBi) too;
* implements Ulysses sequence parallelism: with a process group of size P, each rank holds S/P query/key
  tokens of all H heads; an all-to-all turns that into all S tokens of H/P heads, attention runs locally,
  and the inverse all-to-all restores the token split. The collectives are autograd functions, so the
  same code trains. When P does not divide H, zero q/k/v heads are appended up to the next multiple of P
  and their outputs dropped: the real heads are computed exactly as without padding (a zero head's
  output is zero and never leaves the call), at the cost of the padded heads' attention.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence

import torch
import torch.distributed as dist
import torch.nn.functional as F

_BACKENDS = ("auto", "flash", "efficient", "cudnn", "math")
_default_backend: str = os.environ.get("STEPVID_ATTN_BACKEND", "auto")
# With more distinct key lengths than this, one masked call beats a loop of unmasked calls.
_MAX_LENGTH_GROUPS = 4


def set_attention_backend(name: str) -> None:
    """Force the SDPA backend used by default: one of auto, flash, efficient, cudnn, math."""
    global _default_backend
    if name not in _BACKENDS:
        raise ValueError(f"unknown attention backend {name!r}; choose from {_BACKENDS}")
    _default_backend = name


def _sdpa_context(backend: str, device: torch.device):
    """The SDPA kernel choice. "auto" on CUDA tries cuDNN first, then flash, memory-efficient, math: PyTorch's
    own order puts flash first, and at the DiT's shapes (head dim 128, 76k tokens) cuDNN's kernel is ~1.5x
    faster on Hopper; anything cuDNN does not take (the VAE's head dim 512) falls through to the next."""
    from torch.nn.attention import SDPBackend, sdpa_kernel

    if backend == "auto":
        if device.type != "cuda":
            return contextlib.nullcontext()
        order = [SDPBackend.CUDNN_ATTENTION, SDPBackend.FLASH_ATTENTION, SDPBackend.EFFICIENT_ATTENTION,
                 SDPBackend.MATH]
        return sdpa_kernel(order, set_priority=True)
    kinds = {
        "flash": SDPBackend.FLASH_ATTENTION,
        "efficient": SDPBackend.EFFICIENT_ATTENTION,
        "cudnn": SDPBackend.CUDNN_ATTENTION,
        "math": SDPBackend.MATH,
    }
    return sdpa_kernel(kinds[backend])


# --------------------------------------------------------------------------------------------------------
# Autograd-aware collectives for sequence parallelism
# --------------------------------------------------------------------------------------------------------
class _AllToAll(torch.autograd.Function):
    """Equal-split all-to-all along dim 0; its own adjoint, so backward is the same exchange."""

    @staticmethod
    def forward(ctx, x: torch.Tensor, group) -> torch.Tensor:
        ctx.group = group
        x = x.contiguous()
        out = torch.empty_like(x)
        dist.all_to_all_single(out, x, group=group)
        return out

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        grad = grad.contiguous()
        out = torch.empty_like(grad)
        dist.all_to_all_single(out, grad, group=ctx.group)
        return out, None


class _GatherSeq(torch.autograd.Function):
    """All-gather along ``dim``. Backward sums the incoming gradients over ranks and keeps the local slice.

    Convention: every rank computes the same loss on the gathered output, so after backward each rank holds
    a partial gradient and the *mean* over the group equals the single-process gradient (what DDP/FSDP
    gradient averaging over all data x sequence-parallel ranks computes).
    """

    @staticmethod
    def forward(ctx, x: torch.Tensor, dim: int, group) -> torch.Tensor:
        ctx.dim, ctx.group = dim, group
        x = x.contiguous()
        parts = [torch.empty_like(x) for _ in range(dist.get_world_size(group))]
        dist.all_gather(parts, x, group=group)
        return torch.cat(parts, dim=dim)

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        grad = grad.contiguous()
        dist.all_reduce(grad, group=ctx.group)
        rank = dist.get_rank(ctx.group)
        return grad.chunk(dist.get_world_size(ctx.group), dim=ctx.dim)[rank].contiguous(), None, None


def sp_world_size(group) -> int:
    """Size of a sequence-parallel group (1 for ``None``)."""
    return 1 if group is None else dist.get_world_size(group)


def sp_scatter(x: torch.Tensor, group, dim: int = 1) -> torch.Tensor:
    """This rank's ``torch.chunk`` slice of ``x`` along ``dim`` (the size must divide evenly)."""
    p = sp_world_size(group)
    if p == 1:
        return x
    if x.shape[dim] % p:
        raise ValueError(f"sequence length {x.shape[dim]} is not divisible by the sequence-parallel size {p}")
    return x.chunk(p, dim=dim)[dist.get_rank(group)]


def sp_gather(x: torch.Tensor, group, dim: int = 1) -> torch.Tensor:
    """Concatenate every rank's slice along ``dim`` (autograd-aware; see :class:`_GatherSeq`)."""
    return x if sp_world_size(group) == 1 else _GatherSeq.apply(x, dim, group)


def _seq_to_heads(x: torch.Tensor, group) -> torch.Tensor:
    """[B, S/P, H, D] (all heads, local tokens) -> [B, S, H/P, D] (local heads, all tokens)."""
    p = sp_world_size(group)
    b, s, h, d = x.shape
    x = x.reshape(b, s, p, h // p, d).permute(2, 0, 1, 3, 4)  # [P(head group), B, S/P, H/P, D]
    x = _AllToAll.apply(x, group)  # [P(token chunk), B, S/P, H/P, D]
    return x.permute(1, 0, 2, 3, 4).reshape(b, p * s, h // p, d)


def _heads_to_seq(x: torch.Tensor, group) -> torch.Tensor:
    """Inverse of :func:`_seq_to_heads`: [B, S, H/P, D] -> [B, S/P, H, D]."""
    p = sp_world_size(group)
    b, s, h, d = x.shape
    x = x.reshape(b, p, s // p, h, d).permute(1, 0, 2, 3, 4)  # [P(token chunk), B, S/P, H/P, D]
    x = _AllToAll.apply(x, group)  # [P(head group), B, S/P, H/P, D]
    return x.permute(1, 2, 0, 3, 4).reshape(b, s // p, p * h, d)


def _from_heads(x: torch.Tensor, group, heads: int) -> torch.Tensor:
    """:func:`_heads_to_seq`, then drop the zero heads padding added for a group that does not divide ``heads``."""
    x = _heads_to_seq(x, group)
    return x if x.shape[2] == heads else x[:, :, :heads]


# --------------------------------------------------------------------------------------------------------
# Dispatch
# --------------------------------------------------------------------------------------------------------
def _sdpa(q, k, v, mask=None, scale=None, causal=False):
    """SDPA on token-major tensors [B, S, H, D].

    The fused kernels (flash, memory-efficient, cuDNN) need a unit stride in the head dimension; a view without
    one (e.g. channels-first features transposed to tokens, as in the VAE's attention) would silently fall back
    to the math kernel, which materialises the N x N scores (22 GiB at the VAE's 42k tokens), so it is copied.
    """
    q, k, v = (t if t.stride(-1) == 1 else t.contiguous() for t in (q, k, v))
    out = F.scaled_dot_product_attention(
        q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2), attn_mask=mask, scale=scale, is_causal=causal
    )
    return out.transpose(1, 2)


def _dense_mask(q, k, lens, causal, bias):
    """Boolean keep-mask (or additive bias with -inf) combining key padding, causality and a bias."""
    b, nq, nkv = q.shape[0], q.shape[1], k.shape[1]
    keep = torch.ones(1, 1, 1, nkv, dtype=torch.bool, device=q.device)
    if lens is not None:
        keep = torch.arange(nkv, device=q.device)[None] < torch.tensor(lens, device=q.device)[:, None]
        keep = keep.view(b, 1, 1, nkv)
    if causal:  # top-left aligned, as SDPA's is_causal
        keep = keep & torch.ones(nq, nkv, dtype=torch.bool, device=q.device).tril()
    return keep if bias is None else bias.to(q.dtype).masked_fill(~keep, float("-inf"))


def _key_padding_attention(q, k, v, lens: list[int], scale):
    groups = sorted(set(lens))
    if len(groups) == 1:  # one length (e.g. Ulysses token padding): a truncated key range, no copies
        return _sdpa(q, k[:, : groups[0]], v[:, : groups[0]], scale=scale)
    if len(groups) <= _MAX_LENGTH_GROUPS:
        out = None
        for n in groups:
            idx = [i for i, m in enumerate(lens) if m == n]
            sel = slice(idx[0], idx[0] + 1) if len(idx) == 1 else torch.tensor(idx, device=q.device)
            part = _sdpa(q[sel], k[sel, :n], v[sel, :n], scale=scale)
            if out is None:  # the kernel's dtype, which autocast may have lowered from q's
                out = part.new_empty(q.shape[:-1] + (v.shape[-1],))
            out[sel] = part
        return out
    return _sdpa(q, k, v, mask=_dense_mask(q, k, lens, False, None), scale=scale)  # [B, 1, 1, Nkv]


def attention(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    *,
    kv_lens: Sequence[int] | torch.Tensor | None = None,
    causal: bool = False,
    attn_bias: torch.Tensor | None = None,
    sp_group=None,
    backend: str | None = None,
    scale: float | None = None,
) -> torch.Tensor:
    """Scaled dot-product attention on token-major tensors.

    Args:
        q: [B, Nq, H, D]; k, v: [B, Nkv, H, D] (with ``sp_group``: this rank's token slice of each).
        kv_lens: valid key count per sample (key j of sample b is visible iff j < kv_lens[b]); None = all.
            A boolean tensor [B, Nkv] is taken as the key mask itself (True = visible) and applied as one
            dense mask without reading it on the host: no device sync, so the call can be CUDA-graphed or
            compiled without recompiles (``StepVideoDiT.capture_safe``).
        causal: query i sees keys j <= i (top-left aligned, like SDPA's ``is_causal``).
        attn_bias: additive logit bias broadcastable to [B, H, Nq, Nkv] (e.g. ALiBi); with ``sp_group`` its
            head axis must be 1 or H (this rank's heads are selected).
        sp_group: process group for Ulysses sequence parallelism (None or size 1 = local attention); any
            head count works (padded with zero heads to a multiple of the group size). ``kv_lens`` then
            counts keys of the whole gathered sequence (e.g. ``[S_real] * B`` to hide token padding).
        backend: force an SDPA backend (auto, flash, efficient, cudnn, math); default: the global setting.
        scale: softmax scale, default 1/sqrt(D).
    Returns: [B, Nq, H, D] (with ``sp_group``: this rank's query slice).
    """
    if q.ndim != 4 or k.ndim != 4 or v.ndim != 4:
        raise ValueError(
            f"q, k, v must be [B, S, H, D]; got {list(q.shape)}, {list(k.shape)}, {list(v.shape)}"
        )
    backend = backend or _default_backend
    if backend not in _BACKENDS:
        raise ValueError(f"unknown attention backend {backend!r}; choose from {_BACKENDS}")
    p = sp_world_size(sp_group)
    heads = q.shape[2]
    pad = -heads % p  # zero heads appended so that the group divides the head count
    if p > 1:
        if k.shape[2] != heads or v.shape[2] != heads:
            raise ValueError(f"q, k, v head counts differ: {heads}, {k.shape[2]}, {v.shape[2]}")
        if pad:
            q, k, v = (F.pad(t, (0, 0, 0, pad)) for t in (q, k, v))
        q, k, v = (_seq_to_heads(t, sp_group) for t in (q, k, v))
        if attn_bias is not None and attn_bias.ndim == 4 and attn_bias.shape[1] > 1:
            if attn_bias.shape[1] != heads:
                raise ValueError(f"attn_bias has {attn_bias.shape[1]} heads for {heads} attention heads")
            if pad:
                attn_bias = F.pad(attn_bias, (0, 0, 0, 0, 0, pad))
            attn_bias = attn_bias.chunk(p, dim=1)[dist.get_rank(sp_group)]
    lens = None
    if isinstance(kv_lens, torch.Tensor) and kv_lens.dtype == torch.bool:
        if kv_lens.shape != (q.shape[0], k.shape[1]):
            raise ValueError(f"key mask must be [B, Nkv] = {[q.shape[0], k.shape[1]]}, got {list(kv_lens.shape)}")
        if attn_bias is not None or causal:
            raise ValueError("a boolean key mask cannot be combined with causal or attn_bias")
        with _sdpa_context(backend, q.device):
            out = _sdpa(q, k, v, mask=kv_lens[:, None, None, :], scale=scale)
        return _from_heads(out, sp_group, heads) if p > 1 else out
    if kv_lens is not None:
        lens = kv_lens.tolist() if isinstance(kv_lens, torch.Tensor) else [int(n) for n in kv_lens]
        if len(lens) != q.shape[0]:
            raise ValueError(f"kv_lens has {len(lens)} entries for a batch of {q.shape[0]}")
        if any(n < 1 or n > k.shape[1] for n in lens):
            raise ValueError(f"kv_lens {lens} out of range [1, {k.shape[1]}]")
    with _sdpa_context(backend, q.device):
        if attn_bias is None and lens is None:
            out = _sdpa(q, k, v, scale=scale, causal=causal)
        elif attn_bias is None and not causal:
            out = _key_padding_attention(q, k, v, lens, scale)
        else:
            out = _sdpa(q, k, v, mask=_dense_mask(q, k, lens, causal, attn_bias), scale=scale)
    return _from_heads(out, sp_group, heads) if p > 1 else out
