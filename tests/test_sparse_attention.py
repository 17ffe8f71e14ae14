"""Sliding-tile sparse attention: the window rule against a brute-force mask, both kernels against dense masked
attention in fp64, the exact cases, and the DiT / CLI wiring."""

from __future__ import annotations

import functools
import itertools

import pytest
import torch
import torch.nn.functional as F

from stepvid.bench import build_random_dit, dit_inputs
from stepvid.models.dit import dit_config
from stepvid.models.sparse_attention import (
    SparseAttentionConfig,
    parse_sparse_attention,
    tile_block_lists,
    window_starts,
)

CASES = [  # grid, tile, window (in tiles)
    ((6, 12, 12), (2, 4, 4), (2, 2, 2)),  # the bundled model's grid, dividing tiles
    ((5, 7, 9), (2, 3, 4), (3, 1, 2)),  # padding on every axis
    ((3, 4, 5), (1, 1, 1), (1, 3, 3)),  # per-token windows (a 3D sliding window)
    ((4, 6, 3), (4, 2, 5), (1, 2, 4)),  # a tile and a window wider than the grid on some axes
]


@functools.cache
def brute_force_mask(grid, tile, window) -> torch.Tensor:
    """[N, N] keep mask by the rule as stated, one token pair at a time (independent of the module's tables)."""
    tile = [min(t, g) for t, g in zip(tile, grid)]
    n_tiles = [-(-g // t) for g, t in zip(grid, tile)]
    coords = list(itertools.product(*(range(g) for g in grid)))  # raster order: frame, row, column

    def span(axis: int, tile_index: int) -> range:
        w = min(window[axis], n_tiles[axis])
        start = min(max(tile_index - (w - 1) // 2, 0), n_tiles[axis] - w)
        return range(start, start + w)

    rows = []  # plain lists, one tensor at the end (a per-element tensor write took ~8 s at 864 tokens)
    for qc in coords:
        spans = [span(a, qc[a] // tile[a]) for a in range(3)]
        rows.append([all(kc[a] // tile[a] in spans[a] for a in range(3)) for kc in coords])
    return torch.tensor(rows, dtype=torch.bool)


def dense(q, k, v, mask=None):
    return F.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2),
                                          attn_mask=mask).transpose(1, 2)


def qkv(n: int, seed: int = 0, dtype=torch.float64, heads: int = 3, dim: int = 8):
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(2, n, heads, dim, generator=g, dtype=dtype) for _ in range(3)]


def test_window_starts_centre_and_shift_inward_at_the_borders():
    assert window_starts(6, 3).tolist() == [0, 0, 1, 2, 3, 3]
    assert window_starts(5, 2).tolist() == [0, 1, 2, 3, 3]  # even window: its own tile and the next
    assert window_starts(4, 9).tolist() == [0, 0, 0, 0]  # wider than the axis: the whole axis


@pytest.mark.parametrize("grid,tile,window", CASES)
def test_plan_mask_is_the_stated_rule(grid, tile, window):
    plan = SparseAttentionConfig(window, tile).plan(grid, "cpu")
    assert torch.equal(plan.keep_mask(), brute_force_mask(grid, tile, window))


@pytest.mark.parametrize("backend", ["gather", "flex"])
@pytest.mark.parametrize("grid,tile,window", CASES)
def test_kernels_equal_dense_attention_under_the_mask_fp64(grid, tile, window, backend):
    plan = SparseAttentionConfig(window, tile, backend=backend).plan(grid, "cpu")
    q, k, v = qkv(plan.tokens)
    ref = dense(q, k, v, brute_force_mask(grid, tile, window))
    torch.testing.assert_close(plan(q, k, v), ref, rtol=0, atol=1e-12)


@pytest.mark.parametrize("block", [4, 16, 128])
@pytest.mark.parametrize("grid,tile,window", CASES)
def test_flex_block_lists_cover_exactly_the_mask(grid, tile, window, block):
    """Blocks listed full hold only kept pairs; every kept pair lies in a listed block; unlisted blocks hold none
    (the tile-major keep mask, from the brute-force rule, is the reference)."""
    plan = SparseAttentionConfig(window, tile).plan(grid, "cpu")
    n_pad = plan.order.numel()
    valid = plan.valid if plan.valid is not None else torch.ones(n_pad, dtype=torch.bool)
    real = torch.nonzero(valid).squeeze(1)
    keep = torch.zeros(n_pad, n_pad, dtype=torch.bool)  # tile-major; padding keys and queries dropped
    raster = plan.order[real]
    keep[real[:, None], real[None, :]] = brute_force_mask(grid, tile, window)[raster[:, None], raster[None, :]]
    (pn, pi), (fn, fi) = tile_block_lists(plan.allowed_tiles(), valid, plan.tile_tokens, block)
    nb = -(-n_pad // block)
    assert pn.shape == fn.shape == (1, 1, nb) and pi.shape == fi.shape == (1, 1, nb, nb)
    padded = torch.zeros(nb * block, nb * block, dtype=torch.bool)
    padded[:n_pad, :n_pad] = keep
    per_block = padded.view(nb, block, nb, block).permute(0, 2, 1, 3)  # [Qb, Kb, block, block]
    listed = torch.zeros(nb, nb, dtype=torch.bool)
    for qb in range(nb):
        full = fi[0, 0, qb, : fn[0, 0, qb]].tolist()
        part = pi[0, 0, qb, : pn[0, 0, qb]].tolist()
        assert full == sorted(full) and part == sorted(part) and not set(full) & set(part)
        listed[qb, full + part] = True
        for kb in full:  # every key real and every pair kept, for the real queries of the block
            rows = valid[qb * block: (qb + 1) * block] if qb * block < n_pad else torch.zeros(0, dtype=torch.bool)
            assert valid[kb * block: (kb + 1) * block].all() and per_block[qb, kb][: len(rows)][rows].all()
    assert not per_block[~listed].any()  # nothing kept outside the listed blocks
    if block == 4:  # blocks smaller than the windows: some are skipped
        assert (pn + fn).sum() < nb * nb


def test_auto_backend_is_flex_on_cuda_only():
    cfg = parse_sparse_attention("3x3x3")
    assert cfg.backend == "auto" and cfg.kernel("cpu") == "gather" and cfg.kernel("cuda") == "flex"
    assert parse_sparse_attention("3x3x3,backend=gather").kernel("cuda") == "gather"
    assert cfg.plan((6, 12, 12), "cpu").backend == "gather"


def test_a_window_covering_the_grid_is_dense_attention():
    grid = (4, 6, 5)
    q, k, v = qkv(120, seed=1)
    for tile in [(2, 2, 2), (1, 3, 2), (4, 6, 5)]:
        plan = SparseAttentionConfig((8, 8, 8), tile).plan(grid, "cpu")
        assert plan.density == 1.0
        torch.testing.assert_close(plan(q, k, v), dense(q, k, v), rtol=0, atol=1e-12)


def test_gather_kernel_gradients_equal_masked_dense_fp64():
    grid, tile, window = (5, 7, 9), (2, 3, 4), (3, 1, 2)
    plan = SparseAttentionConfig(window, tile).plan(grid, "cpu")
    mask = brute_force_mask(grid, tile, window)
    a = [t.requires_grad_() for t in qkv(plan.tokens, seed=2)]
    b = [t.detach().clone().requires_grad_() for t in a]
    w = torch.randn_like(a[0])
    (plan(*a) * w).sum().backward()
    (dense(*b, mask) * w).sum().backward()
    for x, y in zip(a, b):
        torch.testing.assert_close(x.grad, y.grad, rtol=0, atol=1e-12)


def test_density_counts_window_tiles():
    plan = SparseAttentionConfig((3, 3, 3), (1, 2, 2)).plan((6, 12, 12), "cpu")
    assert plan.tiles == (6, 6, 6) and plan.density == pytest.approx(27 / 216)


def test_wrong_token_count_is_refused():
    plan = SparseAttentionConfig(2, 2).plan((4, 4, 4), "cpu")
    q, k, v = qkv(63)
    with pytest.raises(ValueError, match=r"grid \(4, 4, 4\) \(64 tokens\)"):
        plan(q, k, v)


@pytest.mark.parametrize(
    "spec,expected",
    [
        ("3x3x3", SparseAttentionConfig((3, 3, 3))),
        ("window=1x3x5, tile=1x2x2 ,dense-until=0.3", SparseAttentionConfig((1, 3, 5), (1, 2, 2), 0.3)),
        ("2x2x2,backend=flex", SparseAttentionConfig((2, 2, 2), backend="flex")),
    ],
)
def test_parse_spec(spec, expected):
    assert parse_sparse_attention(spec) == expected


@pytest.mark.parametrize(
    "spec,message",
    [
        ("", "needs a window"),
        ("3x3", "three positive integers"),
        ("3x0x3", "three positive integers"),
        ("axbxc", "FxHxW positive integers"),
        ("tile=2x2x2", "names no window"),
        ("3x3x3,speed=9", "cannot read 'speed=9'"),
        ("3x3x3,dense-until=1.5", r"model time in \[0, 1\]"),
        ("3x3x3,dense-until=high", "dense-until must be a number"),
        ("3x3x3,backend=cuda", "backend must be one of"),
    ],
)
def test_bad_specs_are_refused_by_name(spec, message):
    with pytest.raises(ValueError, match=message):
        parse_sparse_attention(spec)


# ------------------------------------------------------------------------------------------------ the DiT


@pytest.fixture(scope="module")
def tiny_dit():
    cfg = dit_config("tiny", num_layers=2)
    model = build_random_dit(cfg, torch.device("cpu"), torch.float64, seed=0).eval()
    grid = (3, 4, 6)
    inputs = dit_inputs(cfg, grid, 2, 16, torch.device("cpu"), torch.float64, text_valid=[16, 5], seed=0)
    return model, grid, inputs


def _forward(model, inputs, config, tau, **kw):
    model.set_sparse_attention(config)
    try:
        with torch.no_grad():
            return model(**{**inputs, "timestep": torch.full((2,), tau, dtype=torch.float64)}, **kw)
    finally:
        model.set_sparse_attention(None)


def test_dit_sparse_window_over_the_whole_grid_equals_dense(tiny_dit):
    model, _, inputs = tiny_dit
    ref = _forward(model, inputs, None, 0.5)
    got = _forward(model, inputs, SparseAttentionConfig((9, 9, 9), (1, 2, 2)), 0.5)
    torch.testing.assert_close(got, ref, rtol=0, atol=1e-10)


def test_dit_sparse_equals_a_dit_whose_attention_is_masked(tiny_dit, monkeypatch):
    """A narrow window through the whole model equals the dense model with the brute-force mask applied."""
    import stepvid.models.dit as dit_module

    model, grid, inputs = tiny_dit
    config = SparseAttentionConfig((1, 1, 2), (1, 2, 2))
    got = _forward(model, inputs, config, 0.5)
    mask = brute_force_mask(grid, config.tile, config.window)
    monkeypatch.setattr(dit_module, "self_attention", lambda q, k, v, *a: dense(q, k, v, mask))
    ref = _forward(model, inputs, None, 0.5)
    torch.testing.assert_close(got, ref, rtol=0, atol=1e-10)
    assert (got - _forward(model, inputs, None, 0.5)).abs().max() > 0  # and the window mattered


def test_dit_runs_dense_until_the_model_time_threshold(tiny_dit):
    """τ is the sampler's model time (0 = noise, as flow_schedule starts): dense below dense_until, sparse from it."""
    from stepvid.diffusion.sampler import flow_schedule

    assert flow_schedule(4, 3.0)[0] == 0  # the first, noisiest step is at τ = 0
    model, _, inputs = tiny_dit
    config = SparseAttentionConfig((1, 1, 1), (1, 2, 2), dense_until=0.3)
    assert torch.equal(_forward(model, inputs, config, 0.2), _forward(model, inputs, None, 0.2))
    assert not torch.equal(_forward(model, inputs, config, 0.3), _forward(model, inputs, None, 0.3))


def test_dit_sparse_in_token_chunks_equals_unchunked(tiny_dit):
    model, _, inputs = tiny_dit
    config = SparseAttentionConfig((2, 1, 2), (1, 2, 2))
    ref = _forward(model, inputs, config, 0.5)
    model.set_token_chunk(7)
    try:
        got = _forward(model, inputs, config, 0.5)
    finally:
        model.set_token_chunk(0)
    torch.testing.assert_close(got, ref, rtol=0, atol=1e-10)


def test_dit_refuses_sparse_with_gradient_checkpointing(tiny_dit):
    model, _, inputs = tiny_dit
    model.set_sparse_attention(SparseAttentionConfig(1))
    model.gradient_checkpointing = True
    try:
        with pytest.raises(ValueError, match="gradient checkpointing"):
            model(**inputs)
    finally:
        model.gradient_checkpointing = False
        model.set_sparse_attention(None)
    with pytest.raises(TypeError, match="SparseAttentionConfig"):
        model.set_sparse_attention("3x3x3")
