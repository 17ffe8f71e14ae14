"""fp8 matmuls in the DiT blocks: a fast mode (approximate; off by default) that also halves the blocks' weights.

:func:`use_fp8_matmuls` replaces every ``nn.Linear`` inside the transformer blocks (self-attention q|k|v and
output, cross-attention q, k|v and output, the feed-forward pair) with :class:`Fp8Linear`:

* the weight is stored once as float8 e4m3 with one fp32 scale per output row (``amax / 448``, as the
  streamer's fp8 storage: :func:`stepvid.models.streaming.quantize_fp8`);
* each call quantises its input per token (row) the same way and multiplies with ``torch._scaled_mm``, which
  accumulates in fp32 and applies both scales: on Hopper-class GPUs (sm89+) this is the fp8 tensor-core path
  at about twice the bf16 rate; on the CPU it runs (slowly) with the same maths, which is what the tests use.

Norms, modulation, RoPE, attention and everything outside the blocks stay in the model dtype. Each product
carries the rounding of two e4m3 operands (3 mantissa bits: up to 1/16 relative per element), so outputs move;
the quality cost is measured in docs/benchmarks.md. Irreversible on a loaded model (the original weights are
freed); not combined with block streaming (whose ``--stream-weights fp8`` stores fp8 but multiplies in bf16).
"""

from __future__ import annotations

import torch
from torch import nn

from .streaming import quantize_fp8


def quantize_rows(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-row e4m3 quantisation of a 2-D activation: ``(q, scale)`` with ``scale`` fp32 [rows, 1] = amax / 448
    (1 for an all-zero row), so ``q * scale ~ x``: the weights' per-row quantiser, scales as a column."""
    q, scale = quantize_fp8(x)
    return q, scale[:, None]


class Fp8Linear(nn.Module):
    """An ``nn.Linear`` computed as an fp8 x fp8 matmul (module docstring); built from the linear it replaces."""

    def __init__(self, linear: nn.Linear) -> None:
        super().__init__()
        out_f, in_f = linear.weight.shape
        if in_f % 16 or out_f % 16:
            raise ValueError(f"fp8 matmuls need in and out features divisible by 16; got a linear {in_f} -> {out_f}")
        q, scale = quantize_fp8(linear.weight)
        self.in_features, self.out_features = in_f, out_f
        self.register_buffer("weight_fp8", q)
        self.register_buffer("weight_scale", scale[None, :])  # [1, out]
        self.bias = linear.bias

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[-1] != self.in_features:
            raise ValueError(f"Fp8Linear expects {self.in_features} input features; got shape {list(x.shape)}")
        xq, sx = quantize_rows(x.reshape(-1, self.in_features))
        out = torch._scaled_mm(xq, self.weight_fp8.t(), scale_a=sx, scale_b=self.weight_scale, out_dtype=x.dtype)
        if self.bias is not None:
            out = out + self.bias
        return out.reshape(*x.shape[:-1], self.out_features)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


def use_fp8_matmuls(model: nn.Module) -> int:
    """Replace the ``nn.Linear`` layers of ``model.transformer_blocks`` with :class:`Fp8Linear`; returns how many.
    On CUDA the model must be bf16 (the row-scaled fp8 kernel writes bf16)."""
    blocks = getattr(model, "transformer_blocks", None)
    if blocks is None:
        raise TypeError(f"fp8 matmuls run in a StepVideoDiT's blocks; got {type(model).__name__}")
    if getattr(model, "block_streamer", None) is not None:
        raise ValueError("fp8 matmuls do not combine with block streaming (--offload blocks); use "
                         "--stream-weights fp8 there for fp8 storage")
    linears = [(parent, name, child) for parent in blocks.modules() for name, child in parent.named_children()
               if isinstance(child, nn.Linear)]
    for _, _, lin in linears:
        if lin.weight.device.type == "cuda" and lin.weight.dtype != torch.bfloat16:
            raise ValueError(f"fp8 matmuls on CUDA need a bf16 model (the kernel writes bf16); this one is "
                             f"{str(lin.weight.dtype).removeprefix('torch.')}")
    with torch.no_grad():
        for parent, name, lin in linears:
            setattr(parent, name, Fp8Linear(lin))
    return len(linears)


def fp8_block_linear_params(hidden_size: int, ff_mult: int, num_layers: int) -> int:
    """Weights the blocks' linears hold (what fp8 matmuls store in one byte each): per block q|k|v, output,
    cross q, k|v, output and the feed-forward pair."""
    return num_layers * (8 + 2 * ff_mult) * hidden_size * hidden_size


def fp8_block_linear_rows(hidden_size: int, ff_mult: int, num_layers: int) -> int:
    """Output rows of those linears (one fp32 weight scale each): q|k|v 3d, output d, cross q d, k|v 2d, output
    d, feed-forward mult·d and d."""
    return num_layers * (9 + ff_mult) * hidden_size


__all__ = ["Fp8Linear", "fp8_block_linear_params", "fp8_block_linear_rows", "quantize_rows", "use_fp8_matmuls"]
