"""Building blocks of the Step-Video Video-VAE v2 (spec §3): encoder and decoder of one chunk.

Tensors are [B, C, T, H, W] inside this module. Every conv is causal in time (zero frames in front, none at
the back), every GroupNorm is per-frame, and each chunk is processed with fresh padding (no cache), so the
modules are plain functions of their input and train with autograd. Module attribute names reproduce the
released checkpoint's keys exactly (``stepvideo_vae_v2.json``), including ``decoder.conv_out.weight``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.checkpoint import checkpoint

from stepvid.models.attention import attention

if TYPE_CHECKING:
    from stepvid.models.vae import VAEConfig

__all__ = [
    "CausalAttnBlock",
    "CausalConv3d",
    "Decoder",
    "Downsample2d",
    "Downsample3d",
    "Encoder",
    "FrameGroupNorm",
    "ResBlock3d",
    "Upsample2d",
    "Upsample3d",
    "causal_pad",
    "channel_average",
    "channel_duplicate",
    "conv3d_by_frames",
    "pixel_shuffle_3d",
    "pixel_unshuffle_3d",
    "upsample_conv",
]


# ----------------------------------------------------------------------------- parameter-free maps

def pixel_unshuffle_3d(x: torch.Tensor, factor: int = 2) -> torch.Tensor:
    """[B, C, T, H, W] -> [B, C*f^3, (T+f-1)/f, H/f, W/f]; first zero-pads f-1 frames in front.

    Output channel ``c*f^3 + ft*f^2 + fh*f + fw`` holds input channel c at offset (ft, fh, fw).
    """
    if factor == 1:
        return x
    x = F.pad(x, (0, 0, 0, 0, factor - 1, 0))
    b, c, t, h, w = x.shape
    if t % factor or h % factor or w % factor:
        raise ValueError(f"pixel_unshuffle_3d: padded shape (T={t}, H={h}, W={w}) not divisible by {factor}")
    x = x.view(b, c, t // factor, factor, h // factor, factor, w // factor, factor)
    x = x.permute(0, 1, 3, 5, 7, 2, 4, 6)
    return x.reshape(b, c * factor**3, t // factor, h // factor, w // factor)


def pixel_shuffle_3d(x: torch.Tensor, factor: int = 2) -> torch.Tensor:
    """Exact inverse of :func:`pixel_unshuffle_3d`'s channel order, then drop the first f-1 frames.

    [B, C*f^3, T, H, W] -> [B, C, T*f - (f-1), H*f, W*f].
    """
    if factor == 1:
        return x
    b, c, t, h, w = x.shape
    if c % factor**3:
        raise ValueError(f"pixel_shuffle_3d: {c} channels not divisible by {factor ** 3}")
    x = x.view(b, c // factor**3, factor, factor, factor, t, h, w)
    x = x.permute(0, 1, 5, 2, 6, 3, 7, 4)
    x = x.reshape(b, c // factor**3, t * factor, h * factor, w * factor)
    return x[:, :, factor - 1:]


def channel_average(x: torch.Tensor, out_channels: int) -> torch.Tensor:
    """Output channel k = mean of the consecutive input channels k*g .. k*g+g-1 (g = C_in / C_out)."""
    b, c = x.shape[:2]
    if c % out_channels:
        raise ValueError(f"channel_average: {c} channels not divisible into {out_channels} groups")
    return x.view(b, out_channels, c // out_channels, *x.shape[2:]).mean(dim=2)


def channel_duplicate(x: torch.Tensor, out_channels: int) -> torch.Tensor:
    """Channel c becomes copies c*r .. c*r+r-1 (r = C_out / C_in)."""
    c = x.shape[1]
    if out_channels % c:
        raise ValueError(f"channel_duplicate: {out_channels} not a multiple of {c} channels")
    return x.repeat_interleave(out_channels // c, dim=1)


# ----------------------------------------------------------------------------- nearest x2 + conv, sub-pixel

# A 3-tap kernel (w0, w1, w2) on a nearest-x2 input reads each source sample through one or two taps, so per
# output phase it is a 2-tap kernel on the low-resolution input with those taps summed: [phase][new tap][tap].
# Spatial, padding 1: even 2i = x[i-1]·w0 + x[i]·(w1+w2), odd 2i+1 = x[i]·(w0+w1) + x[i+1]·w2 (one zero of
# padding of x each side; the odd phase is one position to the right). Causal time (taps t-2, t-1, t):
# even 2j = x[j-1]·(w0+w1) + x[j]·w2, odd 2j+1 = x[j-1]·w0 + x[j]·(w1+w2) (one zero frame of x in front).
_SPACE_FOLD = (((1, 0, 0), (0, 1, 1)), ((1, 1, 0), (0, 0, 1)))
_TIME_FOLD = _SPACE_FOLD[::-1]


def _subpixel_weight(weight: torch.Tensor) -> torch.Tensor:
    """[O, I, (3,) 3, 3] -> phase kernels [2, 2, F*O, I, F | 1, 2, 2]: per spatial phase (i, j), the F time
    phases (2 for a 3-D kernel, else 1) stacked in the output channels. Derived from the stored weight on every
    call (differentiable; ~0.1 s on 2 CPU cores at 512 channels, small against the conv it serves)."""
    s = torch.tensor(_SPACE_FOLD, dtype=weight.dtype, device=weight.device)
    if weight.dim() == 4:
        return torch.einsum("bql,crm,oilm->bcoiqr", s, s, weight).unsqueeze(-3)
    t = torch.tensor(_TIME_FOLD, dtype=weight.dtype, device=weight.device)
    return torch.einsum("apk,bql,crm,oiklm->bcaoipqr", t, s, s, weight).flatten(2, 3)


def conv3d_by_frames(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None,
                     stride: tuple[int, int, int] = (1, 1, 1),
                     padding: tuple[int, int, int] = (0, 1, 1), channels_last: bool = False) -> torch.Tensor:
    """``F.conv3d`` without time padding, computed as ONE 2-D conv over all output frames: the k_t input frames
    an output frame reads are stacked tap-major into the channels ([B·T_out, k_t·C, H, W]) against the weight
    reordered to [O, k_t·C, kh, kw]. Same products, summed in another order; the GPU's 2-D implicit-GEMM
    kernels instead of its 3-D ones. The result is a [B, O, T_out, H', W'] view of frame-major memory
    ([B, T_out, O, H', W'] contiguous, the layout the per-frame GroupNorm reads without a copy), or with
    ``channels_last`` of [B, T_out, H', W', O] memory (channels-last-3d; the 2-D conv runs NHWC)."""
    if padding[0] != 0:
        raise ValueError(f"conv3d_by_frames: time padding must be applied to the input, got padding {padding}")
    o, c, kt, kh, kw = weight.shape
    b, t_in = x.shape[0], x.shape[2]
    st = stride[0]
    t = (t_in - kt) // st + 1
    xf = x.transpose(1, 2)  # [B, T_in, C, H, W]
    xs = xf[:, : (t - 1) * st + 1 : st].unsqueeze(2) if kt == 1 else xf.unfold(1, kt, st).movedim(-1, 2)
    h, w = x.shape[-2:]  # xs: [B, T, k_t, C, H, W]
    wt = weight.transpose(1, 2).reshape(o, kt * c, kh, kw)
    if channels_last:
        xs = xs.permute(0, 1, 4, 5, 2, 3).reshape(b * t, h, w, kt * c).permute(0, 3, 1, 2)
        wt = wt.contiguous(memory_format=torch.channels_last)
    else:
        xs = xs.reshape(b * t, kt * c, h, w)
    y = F.conv2d(xs, wt, bias, stride[1:], padding[1:])
    return y.unflatten(0, (b, t)).transpose(1, 2)


def upsample_conv(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None,
                  channels_last: bool = False, by_frames: bool = False) -> torch.Tensor:
    """conv(nearest_x2(x)) for a 3x3 (2-D weight, per frame) or causal 3x3x3 kernel with spatial padding 1,
    computed on x: per spatial phase one conv with 2x2(x2) kernels, then the phases interleaved. Exact; 64
    instead of 216 MACs per input voxel and channel pair in 3-D, 16 instead of 36 in 2-D.

    2-D: x [B, I, T, H, W] -> [B, O, T, 2H, 2W]. 3-D: x is already causally padded by ONE frame (for the
    upsampled input's two), [B, I, T+1, H, W] -> [B, O, 2T, 2H, 2W].
    """
    k = _subpixel_weight(weight)
    o, ft = weight.shape[0], k.shape[-3]
    channels_last = channels_last or x.is_contiguous(memory_format=torch.channels_last_3d)  # as conv3d would
    x = F.pad(x, (1, 1, 1, 1))
    if channels_last:
        x = x.contiguous(memory_format=torch.channels_last_3d)
    (b, _, t, h, w), bias = x.shape, None if bias is None else bias.repeat(ft)
    t, h, w = t - ft + 1, h - 2, w - 2
    out = None
    for i, j in itertools.product((0, 1), (0, 1)):  # the odd spatial phases read one position further on
        xij = x[:, :, :, i:i + h + 1, j:j + w + 1]
        if by_frames:
            y = conv3d_by_frames(xij, k[i, j], bias, padding=(0, 0, 0), channels_last=channels_last)
        else:
            kij = k[i, j].contiguous(memory_format=torch.channels_last_3d) if channels_last else k[i, j]
            y = F.conv3d(xij, kij, bias)
        if out is None and by_frames and not channels_last:  # keep conv3d_by_frames' frame-major layout
            out = y.new_empty(b, ft * t, o, 2 * h, 2 * w).transpose(1, 2)
        elif out is None:
            cl = y.is_contiguous(memory_format=torch.channels_last_3d)
            fmt = torch.channels_last_3d if cl else torch.contiguous_format
            out = torch.empty(b, o, ft * t, 2 * h, 2 * w, dtype=y.dtype, device=y.device, memory_format=fmt)
        out.unflatten(2, (t, ft))[..., i::2, j::2] = y.unflatten(1, (ft, o)).movedim(1, 3)
    return out


# ----------------------------------------------------------------------------- layers

def causal_pad(x: torch.Tensor, frames: int, cache: list[torch.Tensor] | None = None) -> torch.Tensor:
    """Prepend ``frames`` frames to x [B, C, T, H, W]: zeros, or while streaming (``cache`` is a list) the
    last ``frames`` frames of the previous slice's padded input, which makes slice-by-slice processing exact.
    """
    if cache:
        x = torch.cat([cache[0], x], dim=2)
    else:  # F.pad's zero fill of the whole output, then the copy: only the new frames are zeroed here
        b, c, t, h, w = x.shape
        last = x.is_contiguous(memory_format=torch.channels_last_3d) and not x.is_contiguous()
        fmt = torch.channels_last_3d if last else torch.contiguous_format
        out = torch.empty((b, c, frames + t, h, w), dtype=x.dtype, device=x.device, memory_format=fmt)
        out[:, :, :frames].zero_()
        out[:, :, frames:].copy_(x)
        x = out
    if cache is not None:
        cache[:] = [x[:, :, -frames:].clone()]
    return x


def frame_norm_stats(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor, groups: int, eps: float,
                     x_bias: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-frame GroupNorm of [B, C, T, H, W] as a per-(channel, frame) affine map: ``(scale, shift)`` [B, C, T]
    in fp32 (fp64 stays fp64) with ``norm(x) = x * scale + shift``. Statistics of each channel's frame (its
    H x W plane, one contiguous row in the default layout) are combined into each group's (equal counts: the
    mean of the means; the mean of the variances plus the variance of the means). ``x_bias`` [C]: normalise
    ``x + x_bias`` instead (a conv's bias left out of its output and folded in here: one pass fewer)."""
    c, acc = x.shape[1], torch.promote_types(x.dtype, torch.float32)
    var_c, mean_c = torch.var_mean(x.to(acc), dim=(3, 4), correction=0)  # [B, C, T]
    if x_bias is not None:
        mean_c = mean_c + x_bias.to(acc).view(1, c, 1)
    var_c, mean_c = var_c.unflatten(1, (groups, c // groups)), mean_c.unflatten(1, (groups, c // groups))
    mean = mean_c.mean(2, keepdim=True)  # [B, G, 1, T]
    var = var_c.mean(2, keepdim=True) + (mean_c - mean).square().mean(2, keepdim=True)
    scale = torch.rsqrt(var + eps) * weight.to(acc).view(1, groups, c // groups, 1)  # [B, G, C/G, T]
    shift = bias.to(acc).view(1, groups, c // groups, 1) - mean * scale
    if x_bias is not None:
        shift = shift + x_bias.to(acc).view(1, groups, c // groups, 1) * scale
    return scale.flatten(1, 2), shift.flatten(1, 2)


def frame_affine(x: torch.Tensor, scale: torch.Tensor, shift: torch.Tensor, silu: bool) -> torch.Tensor:
    """``x * scale + shift`` per (channel, frame) ([B, C, T] maps), then SiLU if ``silu``; in x's dtype."""
    y = x.to(scale.dtype) * scale[..., None, None] + shift[..., None, None]
    return (F.silu(y) if silu else y).to(x.dtype)


def frame_group_norm(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor, groups: int, eps: float,
                     silu: bool = False) -> torch.Tensor:
    """Per-frame GroupNorm (then SiLU if ``silu``) of [B, C, T, H, W] in its own layout, without the
    [B·T, C, H, W] transposes: :func:`frame_norm_stats`, then one scale-shift (and SiLU) pass."""
    return frame_affine(x, *frame_norm_stats(x, weight, bias, groups, eps), silu)


def add_channel_bias(x: torch.Tensor, bias: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
    """``x + bias[c] + residual`` in one pass (a conv's output without its bias, then the block's shortcut)."""
    return x + bias.view(1, -1, 1, 1, 1).to(x.dtype) + residual


def _frame_affine_silu(x: torch.Tensor, scale: torch.Tensor, shift: torch.Tensor) -> torch.Tensor:
    return frame_affine(x, scale, shift, True)


def _frame_affine_plain(x: torch.Tensor, scale: torch.Tensor, shift: torch.Tensor) -> torch.Tensor:
    return frame_affine(x, scale, shift, False)


_COMPILED: dict = {}  # torch.compile'd frame_norm_stats, the two affine variants above, add_channel_bias
# A decode meets each entry at a few layouts (channels-last or not) and frame counts (1 or more: a size of 1 is
# always specialised); with dynamic shapes and parameters that is ~4 graphs an entry, under this limit, where
# the default 8 was hit by one entry called with and without x_bias / silu at every width (then run eager).
_RECOMPILE_LIMIT = 32
# Static shapes (``FrameGroupNorm.static``): one graph per shape a decode meets (a few dozen per resolution).
_RECOMPILE_LIMIT_STATIC = 256


def _compiled(fn, dynamic: bool = True):
    """``fn`` under torch.compile with dynamic shapes (built once); call it through :func:`_run_compiled`. The
    norm's statistics and its pointwise pass are compiled apart so the per-element pass reads a materialised
    [B, C, T] scale and shift instead of recomputing the group statistics for every element (what one fused
    graph did: 5x slower than the memory traffic). Each variant (with or without SiLU) is its own function: the
    compiled graphs are cached per function, and Python-level switches would multiply one function's graphs.
    ``dynamic=False``: a graph per shape, its index arithmetic on constants instead of runtime sizes."""
    if (fn, dynamic) not in _COMPILED:
        _COMPILED[(fn, dynamic)] = torch.compile(fn, dynamic=dynamic)
    return _COMPILED[(fn, dynamic)]


def _run_compiled(fn, *args, static: bool = False):
    """Call :func:`_compiled` ``fn`` with parameters treated as dynamic-shaped inputs (one graph for every
    width) and the recompile limit above: never the silent eager fallback. ``static``: one graph per shape."""
    limit = _RECOMPILE_LIMIT_STATIC if static else _RECOMPILE_LIMIT
    with torch._dynamo.config.patch(recompile_limit=limit, force_parameter_static_shapes=static,
                                    automatic_dynamic_shapes=not static):
        return _compiled(fn, not static)(*args)


class FrameGroupNorm(nn.GroupNorm):
    """GroupNorm whose statistics are taken over (C/groups, H, W) of each frame separately, never over time.

    ``forward(x, silu=True)`` applies the SiLU that follows every norm of the VAE but the attention's. With
    ``fused`` (:meth:`VideoVAE.set_fused_norm`) 5-D inputs take :func:`frame_norm_stats` and
    :func:`frame_affine` under torch.compile (one row reduction, one pointwise pass), and ``x_bias`` (the bias of
    the conv before it, left out of that conv's output) is folded in.
    """

    fused = False
    static = False  # fused passes compiled per shape (VideoVAE.set_fused_norm(static=True))

    def forward(self, x: torch.Tensor, silu: bool = False, x_bias: torch.Tensor | None = None) -> torch.Tensor:
        if x.dim() == 5 and self.fused:
            # always a plain tensor: a None, or a Parameter here and a Tensor there, is another graph each
            x_bias = torch.zeros_like(self.bias) if x_bias is None else x_bias.view(-1)
            stats = _run_compiled(frame_norm_stats, x, self.weight, self.bias, self.num_groups, self.eps, x_bias,
                                  static=self.static)
            return _run_compiled(_frame_affine_silu if silu else _frame_affine_plain, x, *stats, static=self.static)
        if x_bias is not None:
            x = x + x_bias.view(1, -1, *([1] * (x.dim() - 2))).to(x.dtype)
        if x.dim() != 5:
            y = super().forward(x)
        else:
            b, c, t, h, w = x.shape
            y = x.transpose(1, 2).reshape(b * t, c, h, w)
            y = F.group_norm(y, self.num_groups, self.weight, self.bias, self.eps)
            y = y.view(b, t, c, h, w).transpose(1, 2)
        return F.silu(y, inplace=not torch.is_grad_enabled()) if silu else y  # y: this call's own tensor


class CausalConv3d(nn.Module):
    """Conv3d with spatial zero padding k//2 and causal time padding (k_t - 1 + max(1 - s_t, 0)) in front.

    The inner conv is ``self.conv`` (checkpoint keys ``<name>.conv.weight/bias``). Spatial padding is done by
    the conv itself, time padding by an explicit zero pad of the input, so applied to an already activated
    tensor it is the spec's "conv after norm" (zeros in the activated domain).
    """

    def __init__(self, cin: int, cout: int, kernel_size: int = 3, stride: int | tuple[int, int, int] = 1):
        super().__init__()
        stride = (stride, 1, 1) if isinstance(stride, int) else tuple(stride)
        k = kernel_size
        self.time_pad = (k - 1) + max(1 - stride[0], 0)
        self.conv = nn.Conv3d(cin, cout, k, stride=stride, padding=(0, k // 2, k // 2))
        self.cache: list[torch.Tensor] | None = None  # a list while streaming (see Decoder.up_path)
        self.channels_last = False  # see set_channels_last
        self.by_frames = False  # see VideoVAE.set_conv_by_frames

    def set_channels_last(self, on: bool) -> None:
        """Run the conv in channels-last-3d layout (weight and input; the result is the same maths, summed in
        another order): oneDNN's fast layout on the CPU, ~25 % faster for 3x3x3 kernels on 2 AVX2 cores."""
        fmt = torch.channels_last_3d if on else torch.contiguous_format
        self.conv.weight.data = self.conv.weight.data.contiguous(memory_format=fmt)
        self.channels_last = on

    def forward(self, x: torch.Tensor, with_bias: bool = True) -> torch.Tensor:
        """``with_bias=False``: the conv's output without its bias, for a caller that folds the bias into the
        next pass (:class:`FrameGroupNorm`'s ``x_bias``, :func:`add_channel_bias`)."""
        if self.time_pad:
            x = causal_pad(x, self.time_pad, self.cache)
        c = self.conv
        bias = c.bias if with_bias else None
        if self.by_frames:
            return conv3d_by_frames(x, c.weight, bias, c.stride, c.padding, self.channels_last)
        if self.channels_last:
            x = x.contiguous(memory_format=torch.channels_last_3d)
        return c(x) if with_bias else F.conv3d(x, c.weight, None, c.stride, c.padding)


class ResBlock3d(nn.Module):
    """h = conv1(SiLU(GN1 x)); h = conv2(SiLU(GN2 h)); out = h + shortcut(x). Causal pads after SiLU."""

    def __init__(self, cin: int, cout: int, groups: int, eps: float):
        super().__init__()
        self.norm1 = FrameGroupNorm(groups, cin, eps=eps)
        self.conv1 = CausalConv3d(cin, cout, 3)
        self.norm2 = FrameGroupNorm(groups, cout, eps=eps)
        self.conv2 = CausalConv3d(cout, cout, 3)
        self.nin_shortcut = CausalConv3d(cin, cout, 1) if cin != cout else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.norm2.fused:
            h = self.conv2(self.norm2(self.conv1(self.norm1(x, silu=True)), silu=True))
            return h + (x if self.nin_shortcut is None else self.nin_shortcut(x))
        # fused (CUDA): conv1's bias goes into norm2's statistics, conv2's into the residual add
        h = self.conv1(self.norm1(x, silu=True), with_bias=False)
        h = self.conv2(self.norm2(h, silu=True, x_bias=self.conv1.conv.bias), with_bias=False)
        shortcut = x if self.nin_shortcut is None else self.nin_shortcut(x)
        b = self.conv2.conv.bias
        return h + shortcut if b is None else _run_compiled(add_channel_bias, h, b, shortcut)


class CausalAttnBlock(nn.Module):
    """Single-head self-attention over all T*H*W tokens in (t, h, w) raster order with a causal mask."""

    def __init__(self, channels: int, groups: int, eps: float):
        super().__init__()
        self.norm = FrameGroupNorm(groups, channels, eps=eps)
        self.q = CausalConv3d(channels, channels, 1)
        self.k = CausalConv3d(channels, channels, 1)
        self.v = CausalConv3d(channels, channels, 1)
        self.proj_out = CausalConv3d(channels, channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, c, t, h, w = x.shape
        y = self.norm(x)
        # Token-major [B, N, 1 head, C] through the project's attention dispatch (SDPA kernels), scale 1/sqrt(C).
        q, k, v = (m(y).flatten(2).transpose(1, 2).unsqueeze(2) for m in (self.q, self.k, self.v))
        o = attention(q, k, v, causal=True)
        o = o.squeeze(2).transpose(1, 2).reshape(b, c, t, h, w)
        return x + self.proj_out(o)


class Downsample2d(nn.Module):
    """Per frame: zero-pad right and bottom by 1, 3x3 conv stride 2 (2-D weight, key ``conv.weight``)."""

    def __init__(self, channels: int):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, stride=2, padding=0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.pad(x, (0, 1, 0, 1))
        # The 2-D kernel applied frame by frame equals a (1, 3, 3) 3-D conv: no transposes needed.
        return F.conv3d(x, self.conv.weight.unsqueeze(2), self.conv.bias, stride=(1, 2, 2))


class Downsample3d(nn.Module):
    """Causal 3x3x3 conv with stride 2 in t, h, w: T -> (T - 1)//2 + 1 (key ``conv.conv.weight``)."""

    def __init__(self, channels: int):
        super().__init__()
        self.conv = CausalConv3d(channels, channels, 3, stride=(2, 2, 2))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(x)


class Upsample2d(nn.Module):
    """Per frame: nearest x2 in h and w, then 3x3 conv with padding 1 (2-D weight, key ``conv.weight``).

    ``subpixel`` (default) computes the same on the low-resolution input (:func:`upsample_conv`)."""

    def __init__(self, channels: int):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)
        self.subpixel = True
        self.by_frames = False

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.subpixel:
            return upsample_conv(x, self.conv.weight, self.conv.bias, by_frames=self.by_frames)
        x = F.interpolate(x, scale_factor=(1.0, 2.0, 2.0), mode="nearest")
        return F.conv3d(x, self.conv.weight.unsqueeze(2), self.conv.bias, padding=(0, 1, 1))


class _UpsampleResidual(nn.Module):
    """h = GN2(conv2(SiLU(GN1(conv1 u)))); out = SiLU(h + u) + u (keys ``conv3d.{conv1.conv,norm1,...}``)."""

    def __init__(self, channels: int, groups: int, eps: float):
        super().__init__()
        self.conv1 = CausalConv3d(channels, channels, 3)
        self.norm1 = FrameGroupNorm(groups, channels, eps=eps)
        self.conv2 = CausalConv3d(channels, channels, 3)
        self.norm2 = FrameGroupNorm(groups, channels, eps=eps)

    def forward(self, u: torch.Tensor, conv1_u: torch.Tensor | None = None) -> torch.Tensor:
        """``conv1_u``: conv1(u) when the caller computed it already (sub-pixel)."""
        h = self.norm1(self.conv1(u) if conv1_u is None else conv1_u, silu=True)
        if not self.norm2.fused:
            h = self.norm2(self.conv2(h))
        else:  # conv2's bias folded into norm2
            h = self.norm2(self.conv2(h, with_bias=False), x_bias=self.conv2.conv.bias)
        return F.silu(h + u) + u


class Upsample3d(nn.Module):
    """Nearest x2 in t, h and w, then a residual block of two causal convs.

    ``subpixel`` (default) runs conv1 on the low-resolution input (:func:`upsample_conv`; while streaming its
    cache holds the last input frame, not two upsampled ones); conv2 and the residual stay at full resolution.
    """

    def __init__(self, channels: int, groups: int, eps: float):
        super().__init__()
        self.conv3d = _UpsampleResidual(channels, groups, eps)
        self.subpixel = True

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        u = F.interpolate(x, scale_factor=2.0, mode="nearest")
        if not self.subpixel:
            return self.conv3d(u)
        c = self.conv3d.conv1
        return self.conv3d(u, upsample_conv(causal_pad(x, 1, c.cache), c.conv.weight, c.conv.bias, c.channels_last,
                                                 c.by_frames))


class ConvUnshuffle(nn.Module):
    """CausalConv cin -> cout/8 (k3), then 3-D pixel unshuffle (f=2) to cout channels."""

    def __init__(self, cin: int, cout: int):
        super().__init__()
        self.conv = CausalConv3d(cin, cout // 8, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return pixel_unshuffle_3d(self.conv(x), 2)


class ConvShuffle(nn.Module):
    """CausalConv cin -> cout*8 (k3, or ``kernel``), then 3-D pixel shuffle (f=2, drops the first frame)."""

    def __init__(self, cin: int, cout: int, kernel: int = 3):
        super().__init__()
        self.conv = CausalConv3d(cin, cout * 8, kernel)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return pixel_shuffle_3d(self.conv(x), 2)


# ----------------------------------------------------------------------------- encoder / decoder

class _Checkpointed(nn.Module):
    """Mixin: run heavy sub-blocks under activation checkpointing when ``gradient_checkpointing`` is set."""

    gradient_checkpointing: bool = False

    def _run(self, block: nn.Module, x: torch.Tensor) -> torch.Tensor:
        if self.gradient_checkpointing and torch.is_grad_enabled():
            return checkpoint(block, x, use_reentrant=False)
        return block(x)


def _mid(channels: int, groups: int, eps: float) -> nn.Module:
    mid = nn.Module()
    mid.block_1 = ResBlock3d(channels, channels, groups, eps)
    mid.attn_1 = CausalAttnBlock(channels, groups, eps)
    mid.block_2 = ResBlock3d(channels, channels, groups, eps)
    return mid


class Encoder(_Checkpointed):
    """[B, 3, T, H, W] (one chunk, T = 17 or 1) -> raw moments [B, 2*z, T_lat, H/16, W/16] (mean ‖ logvar).

    Without dual path (stage 1): [B, 2*z, 5 or 1, H/8, W/8].
    """

    def __init__(self, cfg: VAEConfig):
        super().__init__()
        g, eps, ch, mult = cfg.num_groups, cfg.eps, cfg.encoder_ch, cfg.encoder_ch_mult
        self.z_channels, self.patch_channels = cfg.z_channels, cfg.patch_channels
        self.conv_in = CausalConv3d(cfg.in_channels, ch, 3)
        self.down = nn.ModuleList()
        cin = ch
        for i, m in enumerate(mult):
            level = nn.Module()
            blocks = []
            for _ in range(cfg.encoder_num_res_blocks):
                blocks.append(ResBlock3d(cin, ch * m, g, eps))
                cin = ch * m
            level.block = nn.ModuleList(blocks)
            if i != len(mult) - 1:
                level.downsample = Downsample3d(cin) if i in cfg.encoder_temporal_down else Downsample2d(cin)
            self.down.append(level)
        self.mid = _mid(cin, g, eps)
        self.norm_out = FrameGroupNorm(g, cin, eps=eps)
        self.dual_path = cfg.dual_path
        if cfg.dual_path:
            self.conv_patchify = ConvUnshuffle(cin, self.patch_channels)
            self.conv_out = CausalConv3d(self.patch_channels, 2 * cfg.z_channels, 3)
        else:  # stage-1 model (report §9.2): the latent is the mid-block resolution
            self.conv_out = CausalConv3d(cin, 2 * cfg.z_channels, 3)

    def down_path(self, x: torch.Tensor) -> torch.Tensor:
        """Full-resolution part: [B, 3, T, H, W] -> features [B, C_mid, T', H/8, W/8] (spatially tileable)."""
        h = self.conv_in(x)
        for level in self.down:
            for block in level.block:
                h = self._run(block, h)
            if hasattr(level, "downsample"):
                h = level.downsample(h)
        return h

    def latent_path(self, h: torch.Tensor) -> torch.Tensor:
        """Mid block (global causal attention), norm and dual-path patchify: features -> raw moments."""
        h = self._run(self.mid.block_1, h)
        h = self._run(self.mid.attn_1, h)
        h = self._run(self.mid.block_2, h)
        h = self.norm_out(h, silu=True)
        if not self.dual_path:
            return self.conv_out(h)
        # Dual path: learned conv path + parameter-free (un)shuffle/averaging shortcut.
        h = self.conv_patchify(h) + channel_average(pixel_unshuffle_3d(h, 2), self.patch_channels)
        return self.conv_out(h) + channel_average(h, 2 * self.z_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.latent_path(self.down_path(x))


class Decoder(_Checkpointed):
    """Latents [B, z, T_lat, h, w] (one chunk, T_lat = 3 or 1) -> frames [B, 3, T, 16h, 16w] (T = 17 or 1).

    Without dual path (stage 1): [B, z, 5 or 1, h, w] -> [B, 3, 17 or 1, 8h, 8w].
    """

    def __init__(self, cfg: VAEConfig):
        super().__init__()
        g, eps, ch, mult = cfg.num_groups, cfg.eps, cfg.decoder_ch, cfg.decoder_ch_mult
        self.patch_channels = cfg.patch_channels
        block_in = ch * mult[-1]
        self.mid_channels = block_in
        self.dual_path = cfg.dual_path
        if cfg.dual_path:
            self.conv_in = CausalConv3d(cfg.z_channels, self.patch_channels, 3)
            self.conv_unpatchify = ConvShuffle(self.patch_channels, block_in, cfg.unpatchify_kernel)
        else:  # stage-1 model (report §9.2): latents are at the mid-block resolution
            self.conv_in = CausalConv3d(cfg.z_channels, block_in, 3)
        self.mid = _mid(block_in, g, eps)
        levels: dict[int, nn.Module] = {}
        for i in reversed(range(len(mult))):
            level = nn.Module()
            blocks = []
            for _ in range(cfg.decoder_num_res_blocks):
                blocks.append(ResBlock3d(block_in, ch * mult[i], g, eps))
                block_in = ch * mult[i]
            level.block = nn.ModuleList(blocks)
            if i != 0:
                level.upsample = (Upsample3d(block_in, g, eps) if i in cfg.decoder_temporal_up
                                  else Upsample2d(block_in))
            levels[i] = level
        self.up = nn.ModuleList(levels[i] for i in range(len(mult)))
        self.norm_out = FrameGroupNorm(g, block_in, eps=eps)
        # A bare Conv3d (spatial padding only) so the key is ``decoder.conv_out.weight`` as in the file.
        self.conv_out = nn.Conv3d(block_in, cfg.out_channels, 3, padding=(0, 1, 1))
        self.drop_frames = 2 ** len(cfg.decoder_temporal_up) - 1
        self._out_cache: list[torch.Tensor] | None = None

    def unpatchify_input(self, z: torch.Tensor) -> torch.Tensor:
        """Dual path: what ``conv_unpatchify`` (and its shuffle shortcut) reads — conv_in(z) plus z's channels
        duplicated to ``patch_channels``."""
        return self.conv_in(z) + channel_duplicate(z, self.patch_channels)

    def latent_path(self, z: torch.Tensor) -> torch.Tensor:
        """Dual-path unpatchify (or stage 1's plain conv_in) and mid block: latents -> features at H/8."""
        if self.dual_path:
            h = self.unpatchify_input(z)
            h = self.conv_unpatchify(h) + pixel_shuffle_3d(channel_duplicate(h, self.mid_channels * 8), 2)
        else:
            h = self.conv_in(z)
        h = self._run(self.mid.block_1, h)
        h = self._run(self.mid.attn_1, h)
        return self._run(self.mid.block_2, h)

    def up_path(self, h: torch.Tensor, time_slice: int | None = None) -> torch.Tensor:
        """Upsampling levels and output conv: features [B, C_mid, T', h, w] -> frames [B, 3, T, 8h, 8w].

        With ``time_slice`` the levels run on ``time_slice`` feature frames at a time, each causal conv
        carrying its last input frames over to the next slice. Everything after the mid block is per-frame
        or causal in time, so the result equals the one-shot pass (up to float rounding) while the
        full-resolution activations exist for only a few frames at once. Not combinable with activation
        checkpointing (the recomputation would see the advanced caches).
        """
        if time_slice is None or time_slice >= h.shape[2]:
            return self._up(h, first=True)
        if time_slice < 1:
            raise ValueError(f"time_slice must be >= 1, got {time_slice}")
        if self.gradient_checkpointing and torch.is_grad_enabled():
            raise ValueError("time_slice cannot be combined with gradient checkpointing")
        with self._streaming():
            return torch.cat([self._up(s, first=i == 0) for i, s in enumerate(h.split(time_slice, dim=2))], dim=2)

    @contextmanager
    def _streaming(self) -> Iterator[None]:
        convs = [m for m in self.up.modules() if isinstance(m, CausalConv3d)]
        for m in convs:
            m.cache = []
        self._out_cache = []
        try:
            yield
        finally:
            for m in convs:
                m.cache = None
            self._out_cache = None

    def _up(self, h: torch.Tensor, first: bool) -> torch.Tensor:
        for level in reversed(self.up):
            for block in level.block:
                h = self._run(block, h)
            if hasattr(level, "upsample"):
                h = self._run(level.upsample, h)
        h = self.conv_out(causal_pad(self.norm_out(h, silu=True), 2, self._out_cache))
        return h[:, :, self.drop_frames:] if first else h

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.up_path(self.latent_path(z))
