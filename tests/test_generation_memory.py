"""The up-front memory estimate (stepvid.generation_memory) against closed-form numbers for a tiny model."""

from __future__ import annotations

import pytest
import torch

import stepvid.generation_memory as gm
from stepvid.generation_memory import MemoryEstimate, check_generation_memory, estimate_generation_memory
from stepvid.model_folder import plan_model
from stepvid.testing.checkpoint_fixtures import write_tiny_small_model

F32 = torch.float32


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    """Tiny DiT (2 heads x 128 = 256 wide, patch 1), tiny VAE (decoder 16 x (1, 1, 2, 2), 16x spatial)."""
    return plan_model(write_tiny_small_model(tmp_path_factory.mktemp("mem"), seed=0))


def test_parts_match_the_closed_form(plan):
    est = estimate_generation_memory(plan, 17, 32, 48, guided=True, dtype=F32)
    # 17 frames -> 3 latent frames of 2 x 3 tokens; 2 rows (CFG); width 256; fp32; factor 12
    assert est.dit_activations == 12 * 2 * (3 * 2 * 3) * 256 * 4 == 442_368
    # widest decoder tensor: 20 frames x 16 channels x 32 x 48 at full resolution; factor 7
    assert est.vae_activations == 7 * (20 * 16 * 32 * 48) * 4 == 13_762_560
    # 17 x 3 x 32 x 48 values: fp32 decode output + 3 fp32 post-processing temporaries + uint8
    assert est.output == 17 * 3 * 32 * 48 * (4 + 12 + 1) == 1_331_712
    assert est.weights == {role: c.info.params * 4 for role, c in plan.components.items()}
    assert est.device_peak("cpu", "none") == sum(est.weights.values()) + 13_762_560 + 1_331_712

    one = estimate_generation_memory(plan, 1, 32, 48, guided=False, dtype=torch.bfloat16)
    assert one.dit_activations == 12 * 1 * (1 * 2 * 3) * 256 * 2  # one latent frame, unguided, bf16
    assert one.vae_activations == 7 * (4 * 16 * 32 * 48) * 2  # an image: 4 frames at full resolution
    assert one.weights["vae"] == plan.components["vae"].info.params * 2

    tiled = estimate_generation_memory(plan, 17, 32, 48, guided=True, dtype=F32, vae_tile=16)
    assert tiled.vae_activations == 7 * (20 * 16 * 16 * 16) * 4  # the tile's pixels, not the frame's


def test_time_sliced_vae_decode_counts_one_slice_and_the_carried_frames(plan, monkeypatch):
    """CUDA decodes a video's upsampling levels one mid-level frame at a time: 5 x the widest slice tensor plus the
    frames every causal conv carries. Tiny VAE (16 x (1, 1, 2, 2), one block per level) at 32 x 48, by hand."""
    est = estimate_generation_memory(plan, 17, 32, 48, guided=True, dtype=F32, vae_time_slice=1)
    widest = 4 * 16 * 32 * 48  # 4 frames per slice at full resolution, 16 channels (level 1: 4 x 32 x 16 x 24, less)
    carried = (2 * (32 + 32) * 4 * 6 + 32 * 4 * 6 + 2 * 32 * 8 * 12  # 1/8: block; temporal upsampling conv1, conv2
               + 2 * (32 + 32) * 8 * 12 + 32 * 8 * 12 + 2 * 32 * 16 * 24  # 1/4: block; temporal upsampling
               + 2 * (32 + 16) * 16 * 24  # 1/2: block 32 -> 16 (its 2-D upsampling carries nothing)
               + 2 * (16 + 16) * 32 * 48 + 2 * 16 * 32 * 48)  # full: block; conv_out
    assert est.vae_activations == (5 * widest + carried) * 4 == 2_903_040
    # an image, or spatial tiles, decode as before
    assert estimate_generation_memory(plan, 1, 32, 48, guided=True, dtype=F32, vae_time_slice=1).vae_activations == \
        estimate_generation_memory(plan, 1, 32, 48, guided=True, dtype=F32).vae_activations
    # the CUDA check uses it (the pipeline's CUDA decode); the CPU's stays one pass
    monkeypatch.setattr(gm, "available_memory", lambda device: (2**40, "plenty"))
    monkeypatch.setattr(gm, "_host_available", lambda: 2**40)
    assert check_generation_memory(plan, 17, 32, 48, True, torch.device("cuda"), F32).vae_activations == 2_903_040
    assert check_generation_memory(plan, 17, 32, 48, True, torch.device("cpu"), F32).vae_activations == 13_762_560


def test_time_sliced_vae_estimate_matches_the_measured_peak():
    """Released VAE at 544x992 in bf16 (allocator history over one chunk, H200, 2026-12-06): carried frames
    3.804 GiB and the widest slice tensor 1.029 GiB as measured; peak 9.00 GiB, estimate within 1 %."""
    from stepvid.models.vae import VAEConfig

    cfg = VAEConfig.preset("stepvideo-vae-v2")
    carried, widest = gm._vae_carried(cfg, 544, 992) * 2 / 2**30, gm._vae_widest(cfg, 204, 544, 992, None, 1) * 2 / 2**30
    assert abs(carried - 3.804) < 0.01 and abs(widest - 1.029) < 0.01
    assert abs(gm.VAE_SLICE_FACTOR * widest + carried - 9.00) < 0.09
    one_pass = gm.VAE_ACTIVATION_FACTOR * gm._vae_widest(cfg, 204, 544, 992, None) * 2 / 2**30
    assert one_pass > 3.5 * (gm.VAE_SLICE_FACTOR * widest + carried)  # what the CUDA estimate used to say


def test_token_chunked_videos_count_five_widths_plus_one_plain_chunk(plan, monkeypatch):
    """Above TOKEN_CHUNK tokens the blocks run in chunks (the pipeline sets it): 5 x R·N·D + 12 x R·chunk·D."""
    from stepvid.pipeline import TextToVideoPipeline

    monkeypatch.setattr(gm, "TOKEN_CHUNK", 7)  # 18 tokens > 7
    est = estimate_generation_memory(plan, 17, 32, 48, guided=True, dtype=F32)
    assert est.dit_activations == (5 * 18 + 12 * 7) * 2 * 256 * 4 < 12 * 2 * 18 * 256 * 4
    pipe = TextToVideoPipeline.from_plan(plan, device="cpu", dtype=torch.float32)
    assert {b.token_chunk for b in pipe.transformer.transformer_blocks} == {7}


def test_step_cache_adds_the_residuals_it_keeps(plan):
    """The estimate's step-cache term equals the bytes the cache really holds after a guided run."""
    from stepvid.pipeline import TextToVideoPipeline

    base = estimate_generation_memory(plan, 17, 32, 48, guided=True, dtype=F32).dit_activations
    est = estimate_generation_memory(plan, 17, 32, 48, guided=True, dtype=F32, step_cache=True).dit_activations
    assert est - base == 2 * 2 * (3 * 2 * 3) * 256 * 4  # 2 tensors x 2 CFG rows x tokens x width x fp32
    pipe = TextToVideoPipeline.from_plan(plan, device="cpu", dtype=torch.float32)
    emb = pipe.encode_prompt("a red circle moves to the right", "blurry", guided=True)
    for split in (False, True):
        pipe.cfg_split = split
        pipe.denoise(pipe.prepare_latents(17, 32, 48, 3, False), emb, 3, 7.0, 5.0, progress=False, step_cache=0.05)
        rows = pipe.last_step_cache._rows
        held = sum(t.numel() * t.element_size() for r in rows.values() for t in (r.first, r.rest))
        assert len(rows) == 2 and held == est - base


def test_sparse_attention_term_covers_what_the_gather_kernel_holds(monkeypatch):
    """The gather kernel's gathered keys and values (largest chunk) fit in the estimate's one R·N·D; the flex
    kernel is counted at four (tile-major q, k, v and output)."""
    import stepvid.models.sparse_attention as sa

    held, real = [], torch.nn.functional.scaled_dot_product_attention

    def sdpa(q, k, v, **kw):
        held.append(k.numel() + v.numel())
        return real(q, k, v, **kw)

    monkeypatch.setattr(torch.nn.functional, "scaled_dot_product_attention", sdpa)
    for grid, tile, window in [((3, 2, 3), (1, 1, 1), (1, 2, 1)), ((6, 12, 12), (2, 4, 4), (2, 2, 2)),
                               ((5, 7, 9), (2, 3, 4), (3, 1, 2))]:
        plan = sa.SparseAttentionConfig(window, tile).plan(grid, "cpu")
        q, k, v = (torch.randn(2, plan.tokens, 2, 8) for _ in range(3))
        held.clear()
        plan(q, k, v)
        assert max(held) <= k.numel(), (grid, max(held), k.numel())  # R·N·D with R = 2 rows


def test_sparse_attention_adds_its_kernels_buffers(plan):
    base = estimate_generation_memory(plan, 17, 32, 48, guided=True, dtype=F32).dit_activations
    for backend, widths in (("gather", 1), ("flex", 4)):
        est = estimate_generation_memory(plan, 17, 32, 48, guided=True, dtype=F32, sparse_attention=backend)
        assert est.dit_activations - base == widths * 2 * 18 * 256 * 4  # x 2 rows x 18 tokens x width x fp32


def test_math_attention_adds_the_score_matrix(plan, monkeypatch):
    base = estimate_generation_memory(plan, 17, 32, 48, guided=True, dtype=F32).dit_activations
    monkeypatch.setenv("STEPVID_ATTN_BACKEND", "math")
    est = estimate_generation_memory(plan, 17, 32, 48, guided=True, dtype=F32)
    assert est.dit_activations - base == 2 * 2 * 2 * 18 * 18 * 4  # 2 rows x 2 heads x N^2 fp32, twice


def test_where_each_part_lives():
    est = MemoryEstimate({"transformer": 50, "vae": 5, "text_encoder": 40}, 1, 20, 30, 7)
    assert est.device_peak("cpu", "none") == 95 + 30 + 7  # everything in RAM, output included
    assert est.device_peak("cpu", "model") == 132  # offload changes nothing on the CPU
    assert est.device_peak("cuda", "none") == 95 + 30
    assert est.device_peak("cuda", "text") == 55 + max(40 + 1, 20, 30)  # DiT + VAE resident; encoder joins
    assert est.device_peak("cuda", "model") == max(40 + 1, 50 + 20, 5 + 30)  # one component at a time
    assert [est.host_peak("cuda", o) for o in ("none", "text", "model")] == [7, 47, 102]
    assert est.host_peak("cpu", "none") == 0


def test_refusals_name_the_numbers(plan, monkeypatch):
    monkeypatch.setattr(gm, "_host_available", lambda: 3 * 2**30)
    est = check_generation_memory(plan, 17, 32, 48, True, torch.device("cpu"), F32)  # fits
    assert est.device_peak("cpu", "none") < 3 * 2**30
    with pytest.raises(
        ValueError,
        match=r"^1700 frames at 4096x4096 needs about [\d,.]+ GiB \(weights [\d.]+ MiB, "
        r"DiT activations [\d,.]+ GiB, VAE decode [\d,.]+ GiB, decoded video "
        r"[\d,.]+ GiB\) but this machine has 3\.0 GiB of RAM available; try fewer "
        r"frames or a smaller size$",
    ):
        check_generation_memory(plan, 1700, 4096, 4096, True, torch.device("cpu"), F32)

    monkeypatch.setattr(torch.cuda, "mem_get_info", lambda device=None: (2**30, 80 * 2**30))
    with pytest.raises(
        ValueError,
        match=r"needs about [\d,.]+ GiB .* but cuda has 1\.0 GiB free of 80\.0 GiB; try "
        r"fewer frames or a smaller size, or --offload model, or --cfg-split on$",  # (the time-sliced VAE is smaller)
    ):
        check_generation_memory(plan, 340, 1024, 1024, True, torch.device("cuda"), torch.bfloat16)
    monkeypatch.setattr(torch.cuda, "mem_get_info", lambda device=None: (200 * 2**30, 200 * 2**30))
    with pytest.raises(
        ValueError,
        match=r"of host RAM for offloaded weights and the decoded video but this machine "
        r"has 3\.0 GiB available",
    ):
        check_generation_memory(plan, 340, 1024, 1024, True, torch.device("cuda"), torch.bfloat16, "model")
