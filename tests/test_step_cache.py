"""Step caching (stepvid.diffusion.step_cache): the skip rule, the reused output in closed form, rows cached
separately (batch, cfg_split, block streaming), the exact path when off, bad options refused."""

from __future__ import annotations

import copy
import math

import pytest
import torch

from stepvid.bench import build_random_dit, dit_inputs
from stepvid.diffusion.step_cache import StepCache, StepCacheConfig, step_cache_config
from stepvid.models.dit import dit_config
from stepvid.models.streaming import stream_blocks
from stepvid.pipeline import TextToVideoPipeline

CPU = torch.device("cpu")
CFG = dit_config("tiny", num_layers=4, num_attention_heads=2, attention_head_dim=64, rope_split=(32, 16, 16))


@pytest.fixture(scope="module")
def model():
    return build_random_dit(CFG, CPU, torch.float32, seed=3)


def _inputs(seed: int) -> dict:
    # Two rows with different text lengths, as a prompt and a shorter negative prompt have.
    return dit_inputs(CFG, (2, 3, 4), 2, 10, CPU, torch.float32, text_valid=[10, 4], seed=seed)


class _Probe:
    """Records block 0's input and output and the final layer's input (the blocks' output) per forward."""

    def __init__(self, model):
        self.b0_in, self.b0_out, self.last = [], [], []
        def block0(m, args, out) -> None:
            self.b0_in.append(args[0])
            self.b0_out.append(out)

        def final(m, args) -> None:
            self.last.append(args[0])

        self.hooks = [model.transformer_blocks[0].register_forward_hook(block0),
                      model.norm_out.register_forward_pre_hook(final)]

    def remove(self):
        for h in self.hooks:
            h.remove()


def _rel_l1(a: torch.Tensor, b: torch.Tensor) -> list[float]:
    """Per row: sum |a - b| / sum |b|, in fp64 (the reference for the cache's fp32 sums)."""
    a, b = a.double(), b.double()
    return [float((a[i] - b[i]).abs().sum() / b[i].abs().sum()) for i in range(a.shape[0])]


@torch.no_grad()
def test_identical_inputs_skip_exactly_as_the_rule_says(model):
    """Identical inputs every step: change 0 < any threshold, so a row skips exactly when the warm-up, the
    last step and the cap allow, and every reused step reproduces the exact output."""
    x = _inputs(1)
    exact = model(**x)
    cache = StepCache(StepCacheConfig(1e-12, warmup=2, final=1, max_skips=2), steps=8)
    outs = []
    for _ in range(8):
        cache.next_step()
        outs.append(model(**x, step_cache=cache))
    want = [True, True, False, False, True, False, False, True]
    assert cache.computed == {0: want, 1: want}
    assert cache.full_steps() == {0: 4, 1: 4} and cache.computed_fraction == 0.5
    assert cache.summary() == "step cache 1e-12: 4 of 8 steps computed fully"
    for out in outs:
        torch.testing.assert_close(out, exact, rtol=1e-6, atol=1e-6)
    with pytest.raises(RuntimeError, match="all 8 steps have run"):
        cache.next_step()


@torch.no_grad()
def test_threshold_against_a_manual_relative_change_and_the_closed_form(model):
    """Step 0 on inputs A, step 1 on B. The rows' first-block residual changes are computed by hand; a
    threshold between them makes one row reuse and the other compute (a mixed batch). The reusing row's
    blocks output is block 0's output + (last full step's blocks output - its block-0 output), and the
    computing row equals the exact model on B."""
    a, b = _inputs(1), _inputs(1)
    b["hidden_states"] = a["hidden_states"] + 0.3 * _inputs(2)["hidden_states"]
    b["hidden_states"][1] += 0.5 * _inputs(4)["hidden_states"][1]  # row 1 changes more
    b["timestep"] = torch.full((2,), 0.55)
    probe = _Probe(model)
    try:
        exact_b = model(**b)
        model(**a)
        r_a = probe.b0_out[1] - probe.b0_in[1]
        model(**b)
        r_b = probe.b0_out[2] - probe.b0_in[2]
        change = _rel_l1(r_b, r_a)
        assert 0 < change[0] < change[1]
        for thr, want in [(change[0] * 0.99, [True, True]), (change[0] * 1.01, [False, True]),
                          (change[1] * 1.01, [False, False])]:
            probe.b0_out.clear()
            probe.last.clear()
            cache = StepCache(StepCacheConfig(thr, final=0), steps=2)
            cache.next_step()
            model(**a, step_cache=cache)
            cache.next_step()
            out = model(**b, step_cache=cache)
            assert [cache.computed[r][1] for r in (0, 1)] == want, thr
            b0_a, last_a, b0_b, last_b = probe.b0_out[0], probe.last[0], probe.b0_out[1], probe.last[1]
            for row, computed in enumerate(want):
                if computed:
                    torch.testing.assert_close(out[row], exact_b[row], rtol=1e-5, atol=1e-5)
                else:  # closed form, bit for bit: the same additions the cache makes
                    assert torch.equal(last_b[row], b0_b[row] + (last_a[row] - b0_a[row]))
    finally:
        probe.remove()


@torch.no_grad()
def test_no_skip_is_the_exact_forward_bit_for_bit(model):
    """A cache that may never skip (warm-up past the last step) runs the same operations as no cache."""
    x = _inputs(1)
    cache = StepCache(StepCacheConfig(1.0, warmup=5), steps=3)
    for _ in range(3):
        cache.next_step()
        assert torch.equal(model(**x, step_cache=cache), model(**x))
    assert cache.full_steps() == {0: 3, 1: 3}


@torch.no_grad()
def test_rows_are_cached_separately(model):
    """One row per call (cfg_split) with its sampler-batch row index makes the batch's decisions and output."""
    xs = [_inputs(1), _inputs(1)]
    xs[1]["hidden_states"] = xs[0]["hidden_states"] + 0.05 * _inputs(2)["hidden_states"]
    config = StepCacheConfig(0.05, final=0)
    whole, split = StepCache(config, 2), StepCache(config, 2)
    for x in xs:
        whole.next_step()
        split.next_step()
        want = model(**x, step_cache=whole)
        got = torch.cat([model(**{k: v[i:i + 1] for k, v in x.items()}, step_cache=split,
                               step_cache_rows=torch.tensor([i])) for i in range(2)])
        torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-5)
    assert split.computed == whole.computed
    assert not all(whole.computed[0]) or not all(whole.computed[1])  # something was reused


@torch.no_grad()
def test_streamed_blocks_with_cache_skip_the_copies(model):
    """With the block streamer: the same output as the resident model, and a step every row reuses copies at
    most the two buffers' worth of blocks (block 0 and its prefetched successor), not all of them."""
    x = _inputs(1)
    streamed = copy.deepcopy(model)
    st = stream_blocks(streamed, CPU, 2)
    config = StepCacheConfig(1e-12, final=0)
    caches = [StepCache(config, 4), StepCache(config, 4)]
    loads = []
    for _ in range(4):
        for c in caches:
            c.next_step()
        before = st.loads
        assert torch.equal(streamed(**x, step_cache=caches[0]), model(**x, step_cache=caches[1]))
        loads.append(st.loads - before)
    assert caches[0].computed[0] == [True, False, False, False]
    assert loads[0] == 2 + CFG.num_layers and all(n <= 2 for n in loads[1:])
    assert torch.equal(streamed(**x), model(**x))  # a plain forward after reused steps


@pytest.fixture(scope="module")
def pipe(tiny_dir):
    return TextToVideoPipeline.from_pretrained(tiny_dir, device="cpu", dtype="fp32")


def test_pipeline_off_is_default_and_cfg_split_composes(pipe):
    emb = pipe.encode_prompt("a red circle moves to the right", "blurry", guided=True)
    x0 = pipe.prepare_latents(17, 32, 48, 3, False)
    seen = []
    forward = pipe.transformer.forward
    pipe.transformer.forward = lambda *a, **kw: seen.append(sorted(kw)) or forward(*a, **kw)
    try:
        ref = pipe.denoise(x0, emb, 6, 7.0, 5.0, progress=False)
        assert pipe.last_step_cache is None and all("step_cache" not in k for k in seen)
        assert torch.equal(pipe.denoise(x0, emb, 6, 7.0, 5.0, progress=False, step_cache=0), ref)
    finally:
        del pipe.transformer.forward
    runs = {}
    for split in (False, True):
        pipe.cfg_split = split
        try:
            runs[split] = pipe.denoise(x0, emb, 6, 7.0, 5.0, progress=False, step_cache=0.35)
        finally:
            pipe.cfg_split = False
        runs[split, "computed"] = pipe.last_step_cache.computed
    assert runs[False, "computed"] == runs[True, "computed"]
    computed = runs[False, "computed"]
    # Changes here are 0.28-0.43 (margin >= 0.005 to 0.35): the rows disagree at steps 2-4 (a mixed batch).
    assert computed == {0: [True, False, True, True, True, True], 1: [True, False, False, False, False, True]}
    torch.testing.assert_close(runs[True], runs[False], rtol=1e-5, atol=1e-5)
    assert not torch.equal(runs[False], ref)  # an approximation: reused steps change the result


def test_bad_options_refused(model, pipe, tiny_dir, tmp_path, capsys):
    for bad in (-0.1, math.nan, math.inf):
        with pytest.raises(ValueError, match="threshold"):
            step_cache_config(bad)
    with pytest.raises(TypeError, match="threshold"):
        step_cache_config("0.1")
    assert step_cache_config(0) is None and step_cache_config(None) is None
    assert step_cache_config(0.1) == StepCacheConfig(0.1)
    for kw, what in [({"threshold": 0}, "threshold"), ({"threshold": True}, "threshold"),
                     ({"threshold": 0.1, "warmup": 0}, "warmup"), ({"threshold": 0.1, "final": -1}, "final"),
                     ({"threshold": 0.1, "max_skips": 0}, "max_skips"),
                     ({"threshold": 0.1, "warmup": 1.5}, "warmup")]:
        with pytest.raises(ValueError, match=what):
            StepCacheConfig(**kw)
    with pytest.raises(ValueError, match="threshold"):
        pipe("a red circle", num_frames=17, height=32, width=48, steps=2, step_cache=-1)
    cache = StepCache(0.1, steps=2)
    with torch.no_grad(), pytest.raises(RuntimeError, match="next_step"):
        model(**_inputs(1), step_cache=cache)
    cache.next_step()
    with pytest.raises(RuntimeError, match="inference-only"):
        model(**_inputs(1), step_cache=cache)

    from stepvid.cli import main

    rc = main(["generate", "a red circle", "--model", str(tiny_dir), "--frames", "17", "--height", "32",
               "--width", "48", "--steps", "2", "--step-cache", "-1", "--output", str(tmp_path / "x.mp4")])
    assert rc == 2 and not (tmp_path / "x.mp4").exists()
    assert "--step-cache must be a finite threshold >= 0" in capsys.readouterr().err


def test_cli_summary_says_how_many_steps_ran_fully(tiny_dir, tmp_path, capsys):
    from stepvid.cli import main

    rc = main(["generate", "a red circle", "--model", str(tiny_dir), "--frames", "17", "--height", "32",
               "--width", "48", "--steps", "6", "--step-cache", "0.6", "--output", str(tmp_path / "x.mp4")])
    assert rc == 0 and (tmp_path / "x.mp4").is_file()
    # Changes stay below 0.5 on this model: only the first and the last step run every block.
    assert "; step cache 0.6: 2 of 6 steps computed fully" in capsys.readouterr().out


SP_THRESHOLD = 0.2  # the changes of _sp_worker's run are 0.09-0.50, none within 0.035 of it


def _sp_worker(rank: int, port: int, threshold: float) -> None:
    import torch.distributed as dist

    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=2)
    try:
        torch.set_num_threads(1)
        model = build_random_dit(CFG, CPU, torch.float64, seed=3)
        g = torch.Generator().manual_seed(5)
        base = dit_inputs(CFG, (1, 3, 3), 2, 10, CPU, torch.float64, text_valid=[10, 4], seed=1)
        steps = []  # 9 tokens on 2 ranks: one padding token on rank 1
        for t in range(5):
            x = dict(base)
            x["hidden_states"] = base["hidden_states"] + 0.1 * t * torch.randn(
                base["hidden_states"].shape, generator=g, dtype=torch.float64)
            steps.append(x)
        runs = []
        for group in (None, dist.new_group([0, 1])):
            model.set_sequence_parallel(group)
            cache, outs = StepCache(StepCacheConfig(threshold, final=0), 5), []
            with torch.no_grad():
                for x in steps:
                    cache.next_step()
                    outs.append(model(**x, step_cache=cache))
            runs.append((cache.computed, torch.stack(outs)))
        (one, ref), (two, out) = runs
        assert one == two, (one, two)
        assert any(not c for v in one.values() for c in v[1:]) and any(c for v in one.values() for c in v[1:])
        torch.testing.assert_close(out, ref, rtol=1e-10, atol=1e-10)
    finally:
        dist.destroy_process_group()


def test_sequence_parallel_ranks_make_the_single_process_decisions():
    """Two gloo ranks (a padded token slice on rank 1) make the one-process decisions and output."""
    import socket

    import torch.multiprocessing as mp

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # fork: the children need nothing re-imported (spawn would add ~4 s of imports on 2 cores)
    mp.start_processes(_sp_worker, args=(port, SP_THRESHOLD), nprocs=2, join=True, start_method="fork")
