"""The memory-bounding switches of full-size one-GPU inference, checked for exactness on the CPU.

CFG split (the guided batch as two one-row DiT calls), the VAE's time-sliced decode that the pipeline uses on
CUDA, the SDPA kernel order on CUDA, the fused-kernel-friendly layout of attention inputs, and the allocator
setting every command applies.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from stepvid.generation_memory import estimate_generation_memory
from stepvid.model_folder import plan_model
from stepvid.models import attention as A
from stepvid.pipeline import TextToVideoPipeline
from stepvid.runtime import configure_cuda_allocator
from stepvid.testing.spies import dit_batch_sizes

SMALL = {"num_frames": 17, "height": 32, "width": 48, "steps": 2}


@pytest.fixture(scope="module")
def pipe(tiny_dir):
    return TextToVideoPipeline.from_pretrained(tiny_dir, device="cpu", dtype="fp32")


def test_cfg_split_same_latents_half_batch(pipe):
    emb = pipe.encode_prompt("a red circle moves to the right", "blurry", guided=True)
    x0 = pipe.prepare_latents(17, 32, 48, 3, False)
    with dit_batch_sizes(pipe) as seen:
        a = pipe.denoise(x0, emb, 3, 7.0, 5.0, progress=False)
    pipe.cfg_split = True
    try:
        with dit_batch_sizes(pipe) as seen_split:
            b = pipe.denoise(x0, emb, 3, 7.0, 5.0, progress=False)
    finally:
        pipe.cfg_split = False
    assert seen == [2, 2, 2] and seen_split == [1] * 6
    # Each sample is computed independently: equal up to fp32 GEMM blocking for batch 1 vs 2.
    torch.testing.assert_close(b, a, rtol=1e-5, atol=1e-5)
    assert a.abs().mean() > 0.1


def test_cuda_decode_is_time_sliced_and_exact(pipe, monkeypatch):
    """On CUDA the pipeline asks the VAE for its bounded-memory decode (time_slice=1); the result equals the
    one-pass decode. The device is only relabelled here, so the decode itself runs on the CPU."""
    torch.manual_seed(0)
    latents = torch.randn(1, 6, pipe.latent_channels, 2, 3)
    calls = []
    decode = pipe.vae.decode

    def spy(z, **kw):
        calls.append(kw.get("time_slice"))
        return decode(z, **kw)

    monkeypatch.setattr(pipe.vae, "decode", spy)
    one_pass = pipe.decode(latents)
    monkeypatch.setattr(pipe, "device", torch.device("cuda"))
    sliced = pipe.decode(latents)
    assert calls == [None, 1]
    assert sliced.shape == (34, 3, 32, 48)
    torch.testing.assert_close(sliced, one_pass, rtol=1e-5, atol=1e-5)


def test_cfg_split_halves_the_dit_estimate(tiny_dir):
    plan = plan_model(tiny_dir, None)
    full = estimate_generation_memory(plan, 17, 64, 64, True, torch.bfloat16)
    split = estimate_generation_memory(plan, 17, 64, 64, True, torch.bfloat16, cfg_split=True)
    unguided = estimate_generation_memory(plan, 17, 64, 64, False, torch.bfloat16)
    assert full.dit_activations == 2 * split.dit_activations == 2 * unguided.dit_activations
    assert full.vae_activations == split.vae_activations and full.weights == split.weights


def test_attention_inputs_reach_sdpa_with_unit_head_stride(monkeypatch):
    """Channels-first features viewed as tokens (the VAE's attention) have stride N in the head dim; fused
    kernels refuse that and PyTorch silently falls back to the N x N math kernel. They are copied first."""
    seen = []
    sdpa = F.scaled_dot_product_attention

    def spy(q, k, v, **kw):
        seen.append([t.stride(-1) for t in (q, k, v)])
        return sdpa(q, k, v, **kw)

    monkeypatch.setattr(F, "scaled_dot_product_attention", spy)
    torch.manual_seed(0)
    feats = [torch.randn(1, 16, 40) for _ in range(3)]  # [B, C, N]
    q, k, v = (f.transpose(1, 2).unsqueeze(2) for f in feats)  # [B, N, 1, C], head-dim stride N
    assert q.stride(-1) == 40
    out = A.attention(q, k, v, causal=True)
    assert seen == [[1, 1, 1]]
    # fp64 reference: causal softmax attention with scale 1/sqrt(C)
    qd, kd, vd = (f[0].double().T for f in feats)
    s = qd @ kd.T / 16**0.5
    s = s.masked_fill(torch.ones(40, 40, dtype=torch.bool).triu(1), float("-inf"))
    ref = s.softmax(-1) @ vd
    torch.testing.assert_close(out[0, :, 0].double(), ref, rtol=1e-5, atol=1e-6)


def test_auto_backend_tries_cudnn_first_on_cuda_only():
    from torch.nn.attention import SDPBackend

    before = torch._C._get_sdp_priority_order()
    with A._sdpa_context("auto", torch.device("cuda")):
        assert torch._C._get_sdp_priority_order()[0] == int(SDPBackend.CUDNN_ATTENTION)
    assert torch._C._get_sdp_priority_order() == before
    with A._sdpa_context("auto", torch.device("cpu")):
        assert torch._C._get_sdp_priority_order() == before


@pytest.mark.parametrize("preset", [None, "garbage_collection_threshold:0.8"])
def test_allocator_setting_respects_the_user(monkeypatch, preset):
    monkeypatch.delenv("PYTORCH_ALLOC_CONF", raising=False)
    if preset is None:
        monkeypatch.delenv("PYTORCH_CUDA_ALLOC_CONF", raising=False)
    else:
        monkeypatch.setenv("PYTORCH_CUDA_ALLOC_CONF", preset)
    changed = configure_cuda_allocator()
    import os

    assert changed == (preset is None)
    assert os.environ["PYTORCH_CUDA_ALLOC_CONF"] == (preset or "expandable_segments:True")


def test_generate_cli_cfg_split_on_same_video(tiny_dir, tmp_path):
    from stepvid.cli import main
    from stepvid.video import read_video

    outs = []
    for mode in ("off", "on"):
        out = tmp_path / f"{mode}.gif"  # GIF: x264 may encode the same frames differently (docs/generate.md)
        rc = main(["generate", "a red circle", "--model", str(tiny_dir), "--frames", "17", "--height", "32",
                   "--width", "48", "--steps", "2", "--seed", "3", "--cfg-split", mode, "--output", str(out)])
        assert rc == 0
        outs.append(read_video(out).astype(int))
    # same frames up to float rounding; a GIF palette may flip a pixel, so the mean is what is bounded
    assert np.abs(outs[0] - outs[1]).mean() < 0.05
