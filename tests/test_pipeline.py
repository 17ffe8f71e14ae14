"""TextToVideoPipeline on a tiny random checkpoint in the official layout (CPU, fp32)."""

from __future__ import annotations

import json
import shutil
import warnings

import numpy as np
import pytest
import torch

from stepvid.checkpoints import CheckpointError
from stepvid.diffusion import NEGATIVE_PROMPT, POSITIVE_SUFFIX
from stepvid.pipeline import (
    GenerationDefaults,
    TextToVideoPipeline,
    crop_540x960,
    cut_message,
    default_device,
    dit_config_from_json,
    postprocess_video,
    resolve_device,
)
from stepvid.testing.checkpoint_fixtures import TINY_DIT_CONFIG
from stepvid.testing.spies import dit_batch_sizes

SMALL = {"num_frames": 17, "height": 32, "width": 48, "steps": 2}
IMG = {"num_frames": 1, "height": 32, "width": 32, "steps": 2}  # one latent frame: the cheapest full pass


@pytest.fixture(scope="module")
def pipe(tiny_dir):
    return TextToVideoPipeline.from_pretrained(tiny_dir, device="cpu", dtype="fp32")


def test_fixture_layout(tiny_dir):
    t = tiny_dir / "transformer"
    assert json.loads((t / "config.json").read_text())["num_attention_heads"] == 2
    index = json.loads((t / "diffusion_pytorch_model.safetensors.index.json").read_text())
    assert len(set(index["weight_map"].values())) >= 2
    from safetensors import safe_open

    with safe_open(str(tiny_dir / "vae" / "vae_v2.safetensors"), "pt") as f:
        keys = set(f.keys())
    assert "decoder.conv_out.weight" in keys and "decoder.conv_out.conv.weight" not in keys  # released quirk
    for sub in ("step_llm/config.json", "hunyuan_clip/clip_text_encoder/config.json", "model_index.json"):
        assert (tiny_dir / sub).is_file()


def test_from_pretrained_official_layout(pipe):
    from stepvid.models.dit import StepVideoDiT
    from stepvid.models.text.step_video import StepVideoTextEncoder
    from stepvid.models.vae import VideoVAE

    assert isinstance(pipe.transformer, StepVideoDiT) and isinstance(pipe.vae, VideoVAE)
    assert isinstance(pipe.text_encoder, StepVideoTextEncoder)
    assert pipe.transformer.config.caption_channels == (96, 48) and pipe.transformer_dtype == torch.float32
    assert not any(p.is_meta or p.requires_grad for p in pipe.transformer.parameters())
    d = pipe.defaults  # no stepvid.json: the official defaults
    assert (d.num_frames, d.height, d.width, d.steps, d.cfg, d.shift, d.fps) == (
        204,
        544,
        992,
        50,
        9.0,
        13.0,
        25.0,
    )
    assert (d.positive_suffix, d.negative_prompt) == (POSITIVE_SUFFIX, NEGATIVE_PROMPT)


def test_generate_video_shape(pipe):
    v = pipe("a cat runs across the green grass", seed=7, progress=False, **SMALL)
    assert v.shape == (17, 32, 48, 3) and v.dtype == np.uint8
    assert np.abs(v[1:].astype(int) - v[:-1].astype(int)).mean() > 0.5  # frames differ over time


@pytest.fixture(scope="module")
def reference_image(pipe):
    """One cheap generation shared by the tests that compare against it."""
    return pipe("a cat runs across the green grass", seed=7, progress=False, **IMG)


def test_seed_determinism_and_prompt(pipe, reference_image):
    calls = []
    a = reference_image
    b = pipe(
        "a cat runs across the green grass",
        seed=7,
        progress=False,
        callback=lambda i, t, x: calls.append(i),
        **IMG,
    )
    c = pipe("a cat runs across the green grass", seed=8, progress=False, **IMG)
    d = pipe("一只猫在草地上奔跑", seed=7, progress=False, **IMG)
    assert calls == [0, 1]
    assert np.array_equal(a, b)  # same seed, same video
    assert np.abs(a.astype(int) - c.astype(int)).mean() > 1.0  # another seed: another video
    assert not np.array_equal(a, d)  # the prompt reaches the model
    assert a.std() > 1.0  # not a constant image


def test_single_frame_and_unguided(pipe):
    with dit_batch_sizes(pipe) as seen:
        img = pipe("a panda", num_frames=1, height=32, width=32, steps=1, cfg=1.0, progress=False)
        pipe("a panda", num_frames=1, height=32, width=32, steps=1, cfg=4.0, progress=False)
    assert img.shape == (1, 32, 32, 3)
    assert seen == [1, 2]  # cfg = 1: conditional branch only; otherwise [cond, uncond] in one batch


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"height": 40}, r"height 40 is not a positive multiple of 16 \(nearest: 32 or 48\)"),
        ({"width": 50}, r"width 50 is not a positive multiple of 16 \(nearest: 48 or 64\)"),
        (
            {"num_frames": 20},
            r"num_frames 20 does not fit the 17-frame chunking.*1 .*multiple of 17 \(nearest: 17 or 34\)",
        ),
        ({"num_frames": 0}, r"num_frames 0 does not fit.*\(nearest: 1 or 17\)$"),
        ({"num_frames": -17}, r"num_frames -17 does not fit.*\(nearest: 1 or 17\)$"),
        ({"num_frames": 5}, r"\(nearest: 1 or 17\)$"),
        ({"num_frames": 17.5}, r"num_frames 17.5 does not fit .*multiple of 17$"),
        ({"height": -16}, r"height -16 is not a positive multiple of 16 \(nearest: 16\)$"),
        ({"width": 0}, r"width 0 is not a positive multiple of 16 \(nearest: 16\)$"),
        ({"height": 10**9 + 1}, r"\(nearest: 1000000000 or 1000000016\)$"),
        ({"steps": 0}, r"steps must be an integer from 1 to 10,000; got 0"),
        ({"steps": 10_001}, r"steps must be an integer from 1 to 10,000; got 10001"),
        ({"cfg": float("nan")}, r"cfg must be a finite number >= 0 \(1 = no guidance\); got nan"),
        ({"cfg": -2.0}, r"cfg must be a finite number >= 0"),
        ({"shift": 0.0}, r"shift must be a finite number > 0; got 0.0"),
        ({"shift": float("inf")}, r"shift must be a finite number > 0; got inf"),
        ({"prompt": "   "}, r"prompt is empty"),
    ],
)
def test_bad_inputs(pipe, kwargs, match):
    args = dict(SMALL, prompt="a cat")
    args.update(kwargs)
    prompt = args.pop("prompt")
    with pytest.raises(ValueError, match=match):
        pipe(prompt, progress=False, **args)


def test_postprocess_values_and_crop():
    x = torch.tensor([-2.0, -1.0, 0.0, 0.999, 1.0, 3.0]).view(1, 1, 1, 6).expand(2, 3, 1, 6)
    out = postprocess_video(x)
    assert out.shape == (2, 1, 6, 3) and out.dtype == np.uint8
    assert out[0, 0, :, 0].tolist() == [0, 0, 127, 254, 255, 255]  # (clamp + 1) * 127.5, truncated
    land = np.zeros((1, 544, 992, 3), np.uint8)
    land[:, 2:542, 16:976] = 1
    assert crop_540x960(land).shape == (1, 540, 960, 3) and crop_540x960(land).min() == 1
    assert crop_540x960(np.zeros((1, 992, 544, 3), np.uint8)).shape == (1, 960, 540, 3)
    assert crop_540x960(np.zeros((1, 64, 64, 3), np.uint8)).shape == (1, 64, 64, 3)
    with pytest.raises(ValueError, match="smaller than the crop"):
        crop_540x960(np.zeros((1, 32, 48, 3), np.uint8))


def test_crop_is_opt_in(pipe):
    with pytest.raises(ValueError, match="540"):
        pipe("a cat", crop_540x960=True, progress=False, **SMALL)


def test_long_videos_run_in_token_chunks_and_compile_is_a_switch(tiny_dir, pipe, reference_image):
    """Every pipeline sets the DiT's token chunk (16,384: the tiny videos here stay plain); chunk compilation
    is off on the CPU by default, and set_compile toggles it on every block (compiled lazily, not run here).
    A chunk below the video's token count gives the same frames."""
    blocks = pipe.transformer.transformer_blocks
    assert {b.token_chunk for b in blocks} == {16384} and {b._chunk_fns for b in blocks} == {None}
    pipe.set_compile(True)
    assert all(len(b._chunk_fns) == 3 for b in blocks)
    pipe.set_compile(False)
    assert {b._chunk_fns for b in blocks} == {None}
    chunked = TextToVideoPipeline.from_pretrained(tiny_dir, device="cpu", dtype="fp32")
    chunked.transformer.set_token_chunk(3)  # 4 tokens: chunks of 3 and 1
    frames = chunked("a cat runs across the green grass", seed=7, progress=False, **IMG)
    assert np.abs(frames.astype(int) - reference_image.astype(int)).max() <= 1  # fp32 rounding -> uint8


def test_solver_default_reaches_the_sampler(tiny_dir):
    """The model default ``solver`` (CLI --solver) is what the pipeline samples with: ab2's first step is Euler's,
    its later steps differ."""
    from dataclasses import replace

    p = TextToVideoPipeline.from_pretrained(tiny_dir, device="cpu", dtype="fp32")
    kw = {"num_frames": 1, "height": 32, "width": 32, "cfg": 3.0}
    euler = [p.sample_latents(["a cat"], [7], steps=n, **kw) for n in (1, 3)]
    p.defaults = replace(p.defaults, solver="ab2")
    ab2 = [p.sample_latents(["a cat"], [7], steps=n, **kw) for n in (1, 3)]
    assert torch.equal(ab2[0], euler[0]) and not torch.allclose(ab2[1], euler[1])


def test_offload_model_gives_same_video(tiny_dir, reference_image):
    off = TextToVideoPipeline.from_pretrained(tiny_dir, device="cpu", dtype="fp32", offload="model")
    assert off.offload == "model"
    assert np.array_equal(
        off("a cat runs across the green grass", seed=7, progress=False, **IMG), reference_image
    )


def test_transformer_override(tiny_dir, pipe, reference_image, tmp_path):
    """Turbo-style: another DiT (here: the tiny one with its output layer negated) with the base components."""
    from stepvid.checkpoints import save_sharded_safetensors

    state = {k: (-v if k.startswith("proj_out.") else v) for k, v in pipe.transformer.state_dict().items()}
    save_sharded_safetensors(state, tmp_path / "turbo" / "transformer", max_shard_bytes=1 << 20)
    shutil.copy(tiny_dir / "transformer" / "config.json", tmp_path / "turbo" / "transformer")
    other = TextToVideoPipeline.from_pretrained(tiny_dir, device="cpu", transformer_path=tmp_path / "turbo")
    torch.testing.assert_close(other.transformer.proj_out.weight, -pipe.transformer.proj_out.weight)
    assert not np.array_equal(
        other("a cat runs across the green grass", seed=7, progress=False, **IMG), reference_image
    )
    with pytest.raises(FileNotFoundError, match="has no config.json"):
        TextToVideoPipeline.from_pretrained(tiny_dir, device="cpu", transformer_path=tmp_path)


def test_missing_and_truncated_shard(tiny_dir, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(tiny_dir, broken)
    shard = min((broken / "transformer").glob("*.safetensors"))
    shard.write_bytes(shard.read_bytes()[:-100])
    with pytest.raises(CheckpointError, match=f"truncated .*{shard.name}"):
        TextToVideoPipeline.from_pretrained(broken, device="cpu")
    shard.unlink()
    with pytest.raises(CheckpointError, match=f"missing checkpoint file: .*{shard.name}"):
        TextToVideoPipeline.from_pretrained(broken, device="cpu")


def test_not_a_model_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a stepvid model folder"):
        TextToVideoPipeline.from_pretrained(tmp_path)


def test_dit_config_from_official_json():
    cfg = dit_config_from_json(TINY_DIT_CONFIG)
    assert (cfg.num_layers, cfg.num_attention_heads, cfg.in_channels, cfg.caption_channels) == (
        2,
        2,
        4,
        (96, 48),
    )
    assert dit_config_from_json({"use_additional_conditions": True, "in_channels": 128}).motion_score_embedder
    assert dit_config_from_json({"out_channels": None, "in_channels": 16}).out_channels == 16
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        dit_config_from_json({"num_layers": 1, "mystery": 3})
    assert any("mystery" in str(x.message) for x in w)


def test_stepvid_json_with_another_text_encoder(tmp_path):
    """A stepvid.json folder with the small bilingual encoder and its own defaults loads and generates."""
    from stepvid.models.text.small import SmallBilingualEncoder
    from stepvid.testing.checkpoint_fixtures import write_tiny_small_model

    defaults = {
        "num_frames": 1,
        "height": 32,
        "width": 32,
        "steps": 1,
        "cfg": 3.0,
        "shift": 5.0,
        "positive_suffix": "",
        "negative_prompt": "",
    }
    write_tiny_small_model(tmp_path, seed=0, defaults=defaults, corpus=["a cat runs", "一只猫"])
    p = TextToVideoPipeline.from_pretrained(tmp_path, device="cpu")
    assert isinstance(p.text_encoder, SmallBilingualEncoder)
    assert p.defaults == GenerationDefaults(**defaults)
    assert p("a cat runs", progress=False).shape == (1, 32, 32, 3)

    (tmp_path / "stepvid.json").write_text(json.dumps({"text_encoder": {"class": "nowhere.module:Enc"}}))
    with pytest.raises(ValueError, match="text_encoder.class 'nowhere.module:Enc' is not allowed"):
        TextToVideoPipeline.from_pretrained(tmp_path, device="cpu")
    (tmp_path / "stepvid.json").write_text(json.dumps({"defaults": {"frames": 17}}))
    with pytest.raises(ValueError, match=r"unknown generation default\(s\) \['frames'\]"):
        TextToVideoPipeline.from_pretrained(tmp_path, device="cpu")


def test_incompatible_components_are_named(pipe):
    with pytest.raises(ValueError, match="text encoder dims"):
        TextToVideoPipeline(pipe.transformer, pipe.vae, _FakeDims())


class _FakeDims:
    llm_dim, clip_dim = 7, 5

    def encode(self, prompts, device=None):
        raise AssertionError("not called")


@pytest.mark.slow
def test_official_parity_switches_bf16(tiny_dir):
    """bf16 weights with the official unseeded noise and bf16 numerics: runs, and ignores --seed (spec §6.4)."""
    p = TextToVideoPipeline.from_pretrained(tiny_dir, device="cpu", dtype="bf16")
    assert p.transformer_dtype == torch.bfloat16
    kw = dict(IMG, official_noise=True, official_numerics=True, progress=False)
    a = p("a cat", seed=1, **kw)
    assert np.array_equal(a, p("a cat", seed=2, **kw))
    assert not np.array_equal(a, p("a cat", seed=1, **IMG, progress=False))


def test_official_ti2v_config_maps_to_doubled_patch_input():
    """The released TI2V config says in_channels=64 with use_additional_conditions; weights need 128 inputs."""
    from stepvid.models.dit import DIT_PRESETS
    from stepvid.pipeline import dit_config_from_json

    cfg = dit_config_from_json({"in_channels": 64, "out_channels": 64, "use_additional_conditions": True})
    assert (cfg.in_channels, cfg.out_channels, cfg.motion_score_embedder) == (128, 64, True)
    ref = DIT_PRESETS["stepvideo-ti2v"]
    assert (cfg.in_channels, cfg.out_channels) == (ref.in_channels, ref.out_channels)
    t2v = dit_config_from_json({"in_channels": 64, "use_additional_conditions": False})
    assert (t2v.in_channels, t2v.out_channels, t2v.motion_score_embedder) == (64, 64, False)


class _Cutting:
    """The tiny pipeline's encoder plus an ``overflow`` that reports a fixed cut for long prompts, and checks
    that it was asked before encoding."""

    def __init__(self, inner):
        self.inner, self.llm_dim, self.clip_dim, self.asked = inner, inner.llm_dim, inner.clip_dim, []

    def overflow(self, prompt):
        self.asked.append(prompt)
        return {"llm": (10_002, 320), "clip": (10_002, 77)} if len(prompt) > 100 else {}

    def encode(self, prompts, device=None):
        assert set(prompts) <= set(self.asked), "overflow() must be asked before encoding"
        return self.inner.encode(prompts, device)


def test_prompt_cut_warning_one_line_per_prompt(pipe, caplog):
    import logging

    enc = _Cutting(pipe.text_encoder)
    p = TextToVideoPipeline(pipe.transformer, pipe.vae, enc)
    long = "a cat runs across the green grass " * 5
    cut = "cut to fit the text encoder: llm stream keeps 320 of 10,002 tokens, clip stream keeps 77 of 10,002 tokens"
    one = dict(IMG, steps=1)
    with caplog.at_level(logging.WARNING, logger="stepvid.pipeline"):
        p(long, "blurry", positive_suffix="", progress=False, **one)
        assert [r.getMessage() for r in caplog.records] == [f"warning: prompt {cut}"]
        assert enc.asked == [long, "blurry"]
        caplog.clear()
        enc.asked.clear()
        p.generate_batch([long, "a dog", long], [1, 2, 3], "blurry", positive_suffix="", cfg=1.0, **one)
        assert [r.getMessage() for r in caplog.records] == [f"warning: prompt {cut}"]  # once; no negative unguided
        assert enc.asked == [long, "a dog"]
    assert p.warn_if_cut(["a cat"], long) == [f"warning: negative prompt {cut}"]


def test_long_odd_prompt_with_the_small_open_vocabulary_encoder(tmp_path, caplog):
    """A 10,000-character prompt of emoji, control characters and code-switched text reaches the small encoder
    with no unknown token, is cut with one warning line giving the small encoder's numbers, and generates."""
    import logging

    from stepvid.testing.checkpoint_fixtures import write_tiny_small_model

    pipe = TextToVideoPipeline.from_pretrained(write_tiny_small_model(tmp_path, seed=0), device="cpu")
    unit = "a 红色 circle 🚀 slides\x07 left\u200b; "
    prompt = (unit * (10_000 // len(unit) + 1))[:10_000]
    tok = pipe.text_encoder.tokenizer
    ids = tok.encode(prompt)
    assert tok.unk_id not in ids
    n = len(ids) - 2
    with caplog.at_level(logging.WARNING, logger="stepvid.pipeline"):
        video = pipe(prompt, "", positive_suffix="", progress=False, **dict(IMG, steps=1))
    assert video.dtype == np.uint8
    assert [r.getMessage() for r in caplog.records] == [
        f"warning: prompt cut to fit the text encoder: llm stream keeps 14 of {n:,} tokens, clip stream keeps "
        f"75 of {n:,} tokens"]


def test_prompt_cut_warning_with_the_step_video_encoder(pipe, caplog):
    import logging

    long = "a cat runs across the green grass, " * 60
    total = int(pipe.text_encoder.tokenizer([long], max_length=100_000)[1].sum()) - 2
    with caplog.at_level(logging.WARNING, logger="stepvid.pipeline"):
        pipe(long, "", positive_suffix="", progress=False, **IMG)
    (line,) = [r.getMessage() for r in caplog.records]
    assert line.startswith(f"warning: prompt cut to fit the text encoder: llm stream keeps 318 of {total:,} tokens, "
                           "clip stream keeps 75 of ")
    assert cut_message(_FakeDims(), long) is None  # encoders without overflow() are never reported


def test_resolve_device():
    assert resolve_device("cpu") == torch.device("cpu") and resolve_device(None) == default_device()
    for bad, message in [("gpu0", "invalid device 'gpu0'; valid forms: cpu, cuda"),
                         ("meta", "device 'meta' is not supported; valid forms")]:
        with pytest.raises(ValueError, match=message):
            resolve_device(bad)
