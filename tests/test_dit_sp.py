"""Ulysses sequence parallelism: a 2-process gloo run matches the 1-process run (output and gradients).

Both runs are float64 and compared with the reduction-order bound of tests/numerics.py: the sharded run sums
the same products in another order (per-rank token slices, all-reduced gradients), nothing else."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from numerics import assert_reorder_close

from stepvid.models.attention import attention, sp_gather, sp_scatter
from stepvid.models.dit import StepVideoDiT, dit_config

WORLD = 2
# Longest reduction: the 256-wide feed-forward inner dimension; chained reductions < 48 forward (see
# test_dit.py), twice that backward; weight gradients also sum over the 2 x 12 tokens.
N, DEPTH = 256, 48


def _model():
    torch.manual_seed(0)
    cfg = dit_config(
        "tiny",
        attention_head_dim=32,
        rope_split=(16, 8, 8),
        caption_channels=(24, 12),
        in_channels=8,
        out_channels=8,
    )
    model = StepVideoDiT(cfg).double()
    with torch.no_grad():  # random everywhere so every gradient is non-trivial
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.05)
    g = torch.Generator().manual_seed(1)
    x = {
        "hidden_states": torch.randn(2, 2, 8, 2, 3, generator=g),
        "timestep": torch.rand(2, generator=g),
        "encoder_hidden_states": torch.randn(2, 5, 24, generator=g),
        "encoder_hidden_states_2": torch.randn(2, 77, 12, generator=g),
        "encoder_attention_mask": torch.cat([torch.ones(2, 79), torch.tensor([[1.0, 1, 1], [0, 0, 0]])], 1),
    }
    return model, {k: v.double() for k, v in x.items()}


def _worker(rank: int, port: int) -> None:
    dist.init_process_group(
        "gloo",
        init_method=f"tcp://127.0.0.1:{port}",
        rank=rank,
        world_size=WORLD,
        timeout=timedelta(seconds=60),
    )
    try:
        group = dist.new_group(list(range(WORLD)))
        model, x = _model()
        target = torch.randn(2, 2, 8, 2, 3, generator=torch.Generator().manual_seed(2), dtype=torch.float64)

        ref = model(**x)  # single-process reference
        (ref * target).sum().backward()
        ref_grads = {n: p.grad.clone() for n, p in model.named_parameters()}
        model.zero_grad()

        model.set_sequence_parallel(group)
        model.gradient_checkpointing = True  # recompute replays the collectives
        out = model(**x)
        (out * target).sum().backward()
        assert_reorder_close(out, ref, n=N, depth=DEPTH)
        for n, p in model.named_parameters():
            g = p.grad.clone()
            dist.all_reduce(g, group=group)
            g /= WORLD  # mean over SP ranks = 1-process grad
            assert ref_grads[n].abs().max() > 0, n
            assert_reorder_close(g, ref_grads[n], n=N, depth=2 * DEPTH + 1, msg=n)

        # raw dispatch: Ulysses attention on token slices equals local attention on the full sequence
        q, k, v = torch.randn(3, 2, 6, 4, 8, generator=torch.Generator().manual_seed(3)).double().unbind(0)
        full = attention(q, k, v)
        part = attention(*(sp_scatter(t, group) for t in (q, k, v)), sp_group=group)
        assert_reorder_close(sp_gather(part, group), full, n=8, depth=3)  # q.k over 8 dims, softmax, attn.v
        # per-head bias (ALiBi-like)
        bias = torch.randn(1, 4, 6, 6, generator=torch.Generator().manual_seed(4)).double()
        full = attention(q, k, v, causal=True, attn_bias=bias)
        part = attention(
            *(sp_scatter(t, group) for t in (q, k, v)), causal=True, attn_bias=bias, sp_group=group
        )
        assert_reorder_close(sp_gather(part, group), full, n=8, depth=3)

        # sizes the group does not divide are padded (zero tokens / zero heads; tests/test_multigpu.py has more)
        one = {**x, "hidden_states": x["hidden_states"][:, :1, :, :1, :1]}  # 1 token on 2 ranks
        sharded = model(**one)
        model.set_sequence_parallel(None)
        assert_reorder_close(sharded, model(**one), n=N, depth=DEPTH)
        q3, k3, v3 = (t[:, :, :3] for t in (q, k, v))  # 3 heads on 2 ranks
        part = attention(*(sp_scatter(t, group) for t in (q3, k3, v3)), sp_group=group)
        assert_reorder_close(sp_gather(part, group), attention(q3, k3, v3), n=8, depth=3)
    finally:
        dist.destroy_process_group()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(not dist.is_available(), reason="torch.distributed unavailable")
def test_ulysses_two_ranks_match_single_process():
    mp.spawn(_worker, args=(_free_port(),), nprocs=WORLD, join=True)
