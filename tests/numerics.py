"""Comparison tolerances derived from the dtype and the reduction length, never from one machine's threads.

Two evaluations of the same maths that differ only in summation order (thread count, blocking, time
slicing, sharding, another kernel) differ by rounding alone. Each addition in a sum of n terms errs by at
most u (the unit roundoff, eps / 2) relative to its partial sum; for terms of random sign the partial sums
grow like sqrt(k), so the sum carries an error of about u * sqrt(n) * |result|, and a bound of ``LAM``
times that holds with overwhelming probability (Higham & Mary, "A new approach to probabilistic rounding
error analysis", SIAM J. Sci. Comput. 41(5), 2019). A network chains ``depth`` such reductions whose
relative errors add to first order, and two evaluations are compared, so their errors add too::

    reorder_tol = 2 * LAM * depth * sqrt(n) * u(dtype) * max|expected|

``n`` is the longest reduction in the computation (a conv's C_in * k^3, a linear layer's fan-in, an
attention's key count). Structural-equivalence tests run in float64, where this is ~1e-12 relative: far
above the noise of any summation order and far below the effect of a real bug (a wrong frame, a lost mask).
"""

from __future__ import annotations

import math

import torch

LAM = 4.0  # standard deviations of the probabilistic bound


def unit_roundoff(dtype: torch.dtype) -> float:
    """u = eps / 2: the largest relative error of one rounding (2^-24 fp32, 2^-53 fp64, 2^-8 bf16)."""
    return torch.finfo(dtype).eps / 2


def reorder_tol(dtype: torch.dtype, n: int, depth: int = 1) -> float:
    """Relative bound on the difference of two evaluations of ``depth`` chained n-term reductions."""
    return 2 * LAM * depth * math.sqrt(n) * unit_roundoff(dtype)


def reductions(module: torch.nn.Module) -> tuple[int, int]:
    """(longest fan-in, number of reducing layers) of a network: conv/linear layers reduce over their
    fan-in, norm layers over their groups. The count bounds the depth of any chain of reductions through
    the network (parallel branches are counted too, so it over-estimates: safe). Reductions that depend on
    the input size (a norm's group, attention over tokens) are the caller's to add to ``n``."""
    fan_in, depth = 1, 0
    for m in module.modules():
        if isinstance(m, (torch.nn.Linear, torch.nn.modules.conv._ConvNd)):
            fan_in, depth = max(fan_in, m.weight[0].numel()), depth + 1
        elif isinstance(m, (torch.nn.GroupNorm, torch.nn.LayerNorm)) or type(m).__name__.endswith("RMSNorm"):
            depth += 1
    return fan_in, depth


def max_abs_diff(actual: torch.Tensor, expected: torch.Tensor) -> float:
    return (actual.detach().double() - expected.detach().double()).abs().max().item()


def rel_err(actual: torch.Tensor, expected: torch.Tensor) -> float:
    """max|actual - expected| / max|expected|, computed in float64."""
    return max_abs_diff(actual, expected) / expected.detach().double().abs().max().item()


def rms_rel_err(actual: torch.Tensor, expected: torch.Tensor) -> float:
    """||actual - expected|| / ||expected|| (Frobenius), computed in float64."""
    a, e = actual.detach().double(), expected.detach().double()
    return ((a - e).norm() / e.norm()).item()


def assert_reorder_close(actual: torch.Tensor, expected: torch.Tensor, *, n: int, depth: int = 1,
                         dtype: torch.dtype | None = None, msg: str = "") -> None:
    """``actual`` equals ``expected`` up to summation order: max|a - e| <= reorder_tol * max|e|."""
    assert actual.shape == expected.shape, f"{msg} shape {tuple(actual.shape)} vs {tuple(expected.shape)}"
    dtype = dtype or expected.dtype
    scale = expected.detach().double().abs().max().item()
    tol = reorder_tol(dtype, n, depth) * scale
    err = max_abs_diff(actual, expected)
    assert err <= tol, (f"{msg} max|a - e| = {err:.3g} > {tol:.3g} = 2*{LAM}*{depth}*sqrt({n})*u({dtype})"
                        f" * max|e| ({scale:.3g})")
