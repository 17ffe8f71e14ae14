"""TextToVideoPipeline.generate_batch == one __call__ per (prompt, seed), on a tiny random checkpoint (CPU, fp32)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from numerics import assert_reorder_close, reductions

from stepvid.pipeline import TextToVideoPipeline
from stepvid.testing.checkpoint_fixtures import write_tiny_checkpoint
from stepvid.testing.spies import dit_batch_sizes

# 17 frames (3 latent frames: one VAE chunk in time), guided, 2 steps; prompts of different token lengths in
# both languages, so the batched text mask differs per row.
KW = {"num_frames": 17, "height": 32, "width": 32, "steps": 2, "cfg": 4.0, "shift": 5.0}
PROMPTS = ["a cat runs across the green grass", "一只猫在草地上奔跑", "a red ball"]
SEEDS = [7, 3, 11]


@pytest.fixture(scope="module")
def pipe(tmp_path_factory):
    root = write_tiny_checkpoint(tmp_path_factory.mktemp("tiny"), seed=0).root
    return TextToVideoPipeline.from_pretrained(root, device="cpu", dtype="fp32")


@pytest.fixture(scope="module")
def single(pipe):
    return [pipe(p, seed=s, progress=False, **KW) for p, s in zip(PROMPTS, SEEDS)]


def test_batch_matches_per_prompt_calls(pipe, single):
    batch = pipe.generate_batch(PROMPTS, SEEDS, decode_batch_size=2, **KW)  # decode in chunks of 2 and 1
    assert len(batch) == 3
    for b, s in zip(batch, single):
        assert b.shape == s.shape == (17, 32, 32, 3) and b.dtype == np.uint8
        diff = np.abs(b.astype(int) - s.astype(int))
        # uint8 truncation can flip a value lying within float rounding of an integer; nothing more.
        assert diff.max() <= 1 and (diff > 0).mean() < 1e-3
    # The comparison is meaningful: prompts and seeds change the video.
    assert np.abs(single[0].astype(int) - single[2].astype(int)).mean() > 1.0
    other_prompt = pipe.generate_batch([PROMPTS[1]], [SEEDS[0]], **KW)[0]
    assert np.abs(other_prompt.astype(int) - single[0].astype(int)).mean() > 0.1


def test_batched_stages_match_single_stages_in_fp32(pipe):
    """Before uint8 quantisation: text states, sampled latents and decoded video agree at fp32 tolerance."""
    neg = "low quality"
    emb = pipe.encode_prompts(PROMPTS, neg, guided=True)
    assert emb.llm.shape[0] == 6
    lat = torch.cat([pipe.prepare_latents(17, 32, 32, s) for s in SEEDS])
    out = pipe.denoise(lat, emb, 2, 4.0, 5.0, progress=False)
    video = pipe.decode_batch(out, batch_size=2)
    # Batching only reorders sums: bounds from the chained reductions of each stage (tests/numerics.py);
    # latents went through the text encoders and 2 guided DiT steps, the video through the VAE decoder too
    # (its norm groups: 2 channels x 32 x 32 pixels).
    text = reductions(pipe.text_encoder)
    dit = reductions(pipe.transformer)
    latent = (max(text[0], dit[0]), text[1] + 2 * dit[1])
    vae = reductions(pipe.vae.decoder)
    pixel = (max(latent[0], vae[0], 2 * 32 * 32), latent[1] + vae[1])
    for i, (p, s) in enumerate(zip(PROMPTS, SEEDS)):
        e1 = pipe.encode_prompt(p, neg, guided=True)  # [p, neg]
        assert torch.equal(emb.llm_mask[[i, 3 + i]], e1.llm_mask)
        for a, b in ((emb.llm, e1.llm), (emb.clip, e1.clip)):
            assert_reorder_close(a[[i, 3 + i]], b, n=text[0], depth=text[1])
        x1 = pipe.denoise(pipe.prepare_latents(17, 32, 32, s), e1, 2, 4.0, 5.0, progress=False)
        assert_reorder_close(out[i : i + 1], x1, n=latent[0], depth=latent[1])
        assert_reorder_close(video[i], pipe.decode(x1), n=pixel[0], depth=pixel[1])


def test_unguided_batch(pipe):
    kw = {**KW, "num_frames": 1, "cfg": 1.0, "steps": 1}
    with dit_batch_sizes(pipe) as seen:
        batch = pipe.generate_batch(PROMPTS[:2], SEEDS[:2], **kw)
    assert seen == [2]  # cfg = 1: the conditional rows only
    for b, p, s in zip(batch, PROMPTS, SEEDS):
        assert np.abs(b.astype(int) - pipe(p, seed=s, progress=False, **kw).astype(int)).max() <= 1


def test_bad_batch_arguments(pipe):
    with pytest.raises(ValueError, match="one seed per prompt; got 2 prompts and 1 seeds"):
        pipe.generate_batch(PROMPTS[:2], [0], **KW)
    with pytest.raises(ValueError, match="prompt is empty"):
        pipe.generate_batch(["a cat", " "], [0, 1], **KW)
    with pytest.raises(ValueError, match="height 40 is not a positive multiple of 16"):
        pipe.generate_batch(["a cat"], [0], **{**KW, "height": 40})
