"""stepvid.diffusers_api: the diffusers-style pipeline against TextToVideoPipeline, round trips, both modes."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch

from stepvid.diffusers_api import (
    HAVE_DIFFUSERS,
    StepVideoFlowScheduler,
    StepVideoPipeline,
    _convert,
)
from stepvid.diffusion.sampler import flow_schedule, sample_euler
from stepvid.pipeline import TextToVideoPipeline
from stepvid.pipeline_cli import bundled_model_dir

PROMPT = "a red circle moving to the right"
SMALL = {"num_frames": 17, "height": 64, "width": 64}  # a tiny clip of the bundled model: 2 steps, ~1 s


def _state(module: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {k: v for k, v in module.state_dict().items()}


def _bit_equal(a: torch.nn.Module, b: torch.nn.Module) -> bool:
    sa, sb = _state(a), _state(b)
    return sa.keys() == sb.keys() and all(
        sa[k].dtype == sb[k].dtype and torch.equal(sa[k], sb[k]) for k in sa
    )


@pytest.fixture(scope="module")
def bundled():
    if bundled_model_dir() is None:
        pytest.skip("this install has no bundled model (stepvid/bundled/)")
    pipe = StepVideoPipeline.from_pretrained("bundled", torch_dtype=torch.float32)
    pipe.set_progress_bar_config(disable=True)
    out = pipe(
        prompt=PROMPT,
        **SMALL,
        num_inference_steps=2,
        guidance_scale=3.0,
        generator=torch.Generator().manual_seed(7),
    )
    return pipe, out


def test_bundled_model_loads_diffusers_style_and_matches_text_to_video(bundled):
    """The same prompt, settings and seed give TextToVideoPipeline's video exactly (frames are uint8 / 255)."""
    pipe, out = bundled
    assert sorted(pipe.components) == ["scheduler", "text_encoder", "transformer", "vae"]
    assert pipe.transformer.config.num_layers == len(pipe.transformer.model.transformer_blocks)
    assert pipe.scheduler.config.shift == 3.0 and pipe.config["defaults"]["prompt_rewrite"] == "world"
    assert (pipe.device, pipe.dtype) == (torch.device("cpu"), torch.float32)
    frames = out.frames
    assert (
        isinstance(frames, np.ndarray) and frames.shape == (1, 17, 64, 64, 3) and frames.dtype == np.float32
    )
    assert out[0] is frames and out["frames"] is frames
    ref = TextToVideoPipeline.from_pretrained(bundled_model_dir(), dtype=torch.float32)
    want = ref(PROMPT, **SMALL, steps=2, cfg=3.0, seed=7, progress=False, tries=1)  # one clip: no world check
    assert np.array_equal((frames[0] * 255).astype(np.uint8), want)  # diffusers' export_to_video arithmetic
    assert want.std() > 0  # a real video, not a constant


def test_save_pretrained_round_trips_bit_equal(bundled, tmp_path):
    """save_pretrained writes a stepvid model folder (safetensors only); loaded again it has bit-equal weights
    and makes the same video for the same generator; TextToVideoPipeline and plan_model read it too."""
    from stepvid.model_folder import plan_model

    pipe, out = bundled
    saved = pipe.save_pretrained(tmp_path / "saved")
    files = sorted(p.relative_to(saved).as_posix() for p in saved.rglob("*") if p.is_file())
    assert files == [
        "MODEL_CARD.md",
        "stepvid.json",
        "text_encoder/config.json",
        "text_encoder/model.safetensors",
        "text_encoder/tokenizer.json",
        "transformer/config.json",
        "transformer/diffusion_pytorch_model.safetensors",
        "vae/vae_v2.safetensors",
    ]
    assert [p.name for p in tmp_path.iterdir()] == ["saved"]  # no temporary folder left
    plan = plan_model(saved)
    assert plan.defaults == pipe.defaults
    again = StepVideoPipeline.from_pretrained(saved)
    again.set_progress_bar_config(disable=True)
    for name in ("transformer", "vae", "text_encoder"):
        assert _bit_equal(getattr(pipe, name).model, getattr(again, name).model), name
    assert dict(again.transformer.config) == dict(pipe.transformer.config)
    redo = again(
        prompt=PROMPT,
        **SMALL,
        num_inference_steps=2,
        guidance_scale=3.0,
        generator=torch.Generator().manual_seed(7),
    )
    assert np.array_equal(redo.frames, out.frames)

    again.save_pretrained(saved)  # replacing a folder save_pretrained wrote is allowed (atomically)
    assert json.loads((saved / "stepvid.json").read_text())["text_encoder"]["path"] == "text_encoder"
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.txt").write_text("keep me")
    with pytest.raises(ValueError, match="not empty and has no stepvid.json"):
        pipe.save_pretrained(tmp_path / "notes")
    assert (tmp_path / "notes" / "todo.txt").read_text() == "keep me"
    with pytest.raises(ValueError, match="safetensors only"):
        pipe.save_pretrained(tmp_path / "x", safe_serialization=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes", "saved"]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A random tiny model (1 frame 32x32, guided, 3 steps; a fraction of a second per video). The DiT's
    zero-initialised layers (adaLN, cross-attention output, final projection) get random values, so the
    video depends on the prompt and the noise."""
    from stepvid.testing.checkpoint_fixtures import write_tiny_small_model

    defaults = {
        "num_frames": 1,
        "height": 32,
        "width": 32,
        "steps": 3,
        "cfg": 4.0,
        "shift": 5.0,
        "positive_suffix": "",
        "negative_prompt": "",
    }
    root = tmp_path_factory.mktemp("tiny_dapi")
    pipe = StepVideoPipeline.from_pretrained(write_tiny_small_model(root / "init", seed=0, defaults=defaults))
    gen = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for p in pipe.transformer.model.parameters():
            if not p.any():
                p.copy_(torch.randn(p.shape, generator=gen) * 0.2)
    folder = pipe.save_pretrained(root / "model")
    pipe = StepVideoPipeline.from_pretrained(folder)
    pipe.set_progress_bar_config(disable=True)
    return folder, pipe


def test_generators_latents_and_batches(tiny):
    folder, pipe = tiny
    shape = (1, 1, 4, 2, 2)  # one latent frame, 4 channels, 32 / 16 pixels

    def noise(*seeds):
        return torch.cat([torch.randn(shape, generator=torch.Generator().manual_seed(s)) for s in seeds])

    lat = pipe(
        prompt=["a red circle", "a blue square"],
        generator=[torch.Generator().manual_seed(s) for s in (1, 2)],
        output_type="latent",
    ).frames
    assert torch.equal(
        lat, pipe(prompt=["a red circle", "a blue square"], latents=noise(1, 2), output_type="latent").frames
    )
    g = torch.Generator().manual_seed(3)  # one generator: consecutive draws, one per video
    two = pipe(
        prompt="a red circle",
        num_videos_per_prompt=2,
        generator=torch.Generator().manual_seed(3),
        output_type="latent",
    ).frames
    assert torch.equal(
        two,
        pipe(
            prompt="a red circle",
            num_videos_per_prompt=2,
            latents=torch.cat([torch.randn(shape, generator=g) for _ in range(2)]),
            output_type="latent",
        ).frames,
    )
    ref = TextToVideoPipeline.from_pretrained(folder)
    single = ref("a blue square", seed=2, progress=False)
    video = pipe(prompt="a blue square", generator=torch.Generator().manual_seed(2), return_dict=False)[0]
    assert np.array_equal((video[0] * 255).astype(np.uint8), single)
    for kwargs, message in [
        ({"output_type": "mp4"}, "output_type must be one of np, pt, pil, latent"),
        ({"prompt": ""}, "prompt is empty"),
        ({"prompt": []}, "prompt must be a string or a non-empty list"),
        ({"generator": [torch.Generator()] * 3}, "got 3 generators for 1 videos"),
        ({"latents": torch.zeros(1, 2, 3)}, r"latents must have shape \[1, 1, 4, 2, 2\]"),
        ({"num_videos_per_prompt": 0}, "num_videos_per_prompt must be an integer >= 1"),
        ({"negative_prompt": ["a", "b"]}, "one negative prompt per call"),
        ({"callback_on_step_end_tensor_inputs": ["noise_pred"]}, r"\['noise_pred'\] are not available"),
        ({"height": 40}, "height 40 is not a positive multiple of 16"),
    ]:
        with pytest.raises(ValueError, match=message):
            pipe(**{"prompt": "a red circle", **kwargs})


def test_callback_on_step_end_sees_every_step_and_can_replace_or_stop(tiny):
    _, pipe = tiny
    seen = []

    def record(p, i, t, kw):
        seen.append((i, float(t), kw["latents"].clone()))
        return {"latents": torch.zeros_like(kw["latents"])} if i == 2 else None

    out = pipe(
        prompt="a red circle",
        generator=torch.Generator().manual_seed(5),
        output_type="latent",
        callback_on_step_end=record,
    ).frames
    tau = flow_schedule(3, 5.0)
    assert [(i, t) for i, t, _ in seen] == [(i, float(tau[i])) for i in range(3)]
    assert torch.equal(out, torch.zeros_like(out))  # the replacement after the last step is what came out

    def stop(p, i, t, kw):
        p._interrupt = True
        return {}

    first = pipe(
        prompt="a red circle",
        generator=torch.Generator().manual_seed(5),
        output_type="latent",
        callback_on_step_end=stop,
    ).frames
    assert torch.equal(first, seen[0][2]) and pipe.num_timesteps == 3 and pipe.guidance_scale == 4.0


def test_output_types_are_uint8_over_255_exactly():
    videos = [np.random.default_rng(0).integers(0, 256, (2, 4, 6, 3), dtype=np.uint8) for _ in range(2)]
    as_np, as_pt, as_pil = _convert(videos, "np"), _convert(videos, "pt"), _convert(videos, "pil")
    assert as_np.shape == (2, 2, 4, 6, 3) and 0 <= as_np.min() and as_np.max() <= 1
    assert np.array_equal((as_np * 255).astype(np.uint8), np.stack(videos))
    assert as_pt.shape == (2, 2, 3, 4, 6) and torch.equal(
        as_pt.permute(0, 1, 3, 4, 2), torch.from_numpy(as_np)
    )
    assert len(as_pil) == 2 and len(as_pil[1]) == 2 and np.array_equal(np.asarray(as_pil[1][0]), videos[1][0])


def test_offload_placement_and_loading_errors(tiny, monkeypatch, tmp_path):
    folder, pipe = tiny
    kw = {"prompt": "a red circle", "generator": torch.Generator().manual_seed(9)}
    plain = pipe(**kw).frames
    pipe.enable_model_cpu_offload(device="cpu")  # the same schedule, run where there is no accelerator
    assert pipe._offload == "model" and pipe.device == torch.device("cpu")
    assert np.array_equal(pipe(**{**kw, "generator": torch.Generator().manual_seed(9)}).frames, plain)
    pipe.to("cpu")
    assert pipe._offload == "none"
    streamed = StepVideoPipeline.from_pretrained(folder)  # block streaming changes the DiT for good: a fresh copy
    streamed.enable_sequential_cpu_offload(device="cpu")
    assert streamed._offload == "blocks" and streamed.transformer.model.block_streamer is not None
    assert np.array_equal(streamed(**{**kw, "generator": torch.Generator().manual_seed(9)}).frames, plain)
    with pytest.raises(ValueError, match=r"to\(\): the DiT's blocks are streamed"):
        streamed.to("cpu")
    with pytest.raises(ValueError, match="blocks are streamed"):
        streamed.enable_model_cpu_offload(device="cpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ValueError, match="this machine has no CUDA device; pass device='cpu'"):
        pipe.enable_model_cpu_offload()
    with pytest.raises(ValueError, match=r"enable_sequential_cpu_offload\(\) moves weights .* no CUDA device"):
        pipe.enable_sequential_cpu_offload()
    with pytest.raises(FileNotFoundError, match="stepvid loads local folders only"):
        StepVideoPipeline.from_pretrained("stepfun-ai/stepvideo-t2v")
    with pytest.raises(ValueError, match="device_map='balanced' is not supported"):
        StepVideoPipeline.from_pretrained(folder, device_map="balanced")
    with pytest.raises(TypeError, match=r"unexpected argument\(s\) \['variant'\]"):
        StepVideoPipeline.from_pretrained(folder, variant="fp16")
    with pytest.raises(TypeError, match="transformer must be a StepVideoTransformer3DModel"):
        StepVideoPipeline(pipe.transformer.model, pipe.vae, pipe.text_encoder, pipe.scheduler)
    half = StepVideoPipeline.from_pretrained(folder, torch_dtype="bf16")
    assert half.transformer.dtype == half.vae.dtype == torch.bfloat16
    assert half.to(torch.float32).dtype == torch.float32
    rebuilt = StepVideoPipeline(**pipe.components, defaults=dict(pipe.config["defaults"]))
    assert rebuilt.defaults == pipe.defaults


def test_scheduler_loop_by_hand_is_the_sampler():
    """A diffusers-style loop with StepVideoFlowScheduler gives sample_euler's result bit for bit."""
    x0 = torch.randn(2, 3, 4, generator=torch.Generator().manual_seed(0))

    def velocity(x, t):
        return -x * (1 + t.view(-1, 1, 1)) + 0.1

    want = sample_euler(velocity, x0, flow_schedule(7, 3.0))
    sched = StepVideoFlowScheduler(shift=3.0)
    sched.set_timesteps(7)
    x = x0
    for t in sched.timesteps:
        x = sched.step(velocity(x, t.expand(2)), t, x).prev_sample
    assert torch.equal(x, want)
    with pytest.raises(RuntimeError, match="all 7 steps are done"):
        sched.step(x, sched.timesteps[0], x)
    sched.set_timesteps(7)
    with pytest.raises(ValueError, match="step 0 expects timestep 0.0"):
        sched.step(x, 0.5, x)
    with pytest.raises(ValueError, match="shift must be a number > 0"):
        StepVideoFlowScheduler(shift=0)


def test_official_layout_round_trip_converts_the_clip_pickle(tmp_path):
    """Step-LLM + Hunyuan-CLIP are copied from the folder they came from; the released CLIP pickle becomes
    model.safetensors, and the reloaded encoder encodes exactly as before."""
    pytest.importorskip(
        "transformers", reason="the Step-Video text encoders need the [text] extra (transformers)"
    )
    from stepvid.testing.checkpoint_fixtures import write_tiny_checkpoint

    src = write_tiny_checkpoint(tmp_path / "official").root
    assert (src / "hunyuan_clip" / "clip_text_encoder" / "pytorch_model.bin").is_file()
    pipe = StepVideoPipeline.from_pretrained(src)
    saved = pipe.save_pretrained(tmp_path / "saved")
    weights = sorted(p.name for p in saved.rglob("*") if p.suffix in (".bin", ".safetensors"))
    assert "pytorch_model.bin" not in weights and "model.safetensors" in weights
    again = StepVideoPipeline.from_pretrained(saved)
    a, b = pipe.text_encoder.encode(["a cat runs"]), again.text_encoder.encode(["a cat runs"])
    assert torch.equal(a.llm, b.llm) and torch.equal(a.clip, b.clip) and torch.equal(a.llm_mask, b.llm_mask)
    assert _bit_equal(pipe.transformer.model, again.transformer.model) and _bit_equal(
        pipe.vae.model, again.vae.model
    )


@pytest.mark.skipif(
    not HAVE_DIFFUSERS, reason="needs the optional package diffusers: pip install 'stepvid[diffusers]'"
)
def test_with_diffusers_the_components_are_diffusers_classes(tiny):
    from diffusers import ConfigMixin, DiffusionPipeline, ModelMixin, SchedulerMixin
    from diffusers.utils import BaseOutput

    _, pipe = tiny
    assert isinstance(pipe, DiffusionPipeline)
    for name in ("transformer", "vae", "text_encoder"):
        assert isinstance(getattr(pipe, name), (ModelMixin, ConfigMixin)), name
    assert isinstance(pipe.scheduler, SchedulerMixin)
    assert pipe.transformer.config["num_layers"] == pipe.transformer.config.num_layers == 2
    assert pipe.config["transformer"] == ("stepvid.diffusers_api", "StepVideoTransformer3DModel")
    out = pipe(prompt="a red circle", generator=torch.Generator().manual_seed(1))
    assert isinstance(out, BaseOutput) and out.frames.shape == (1, 1, 32, 32, 3)
    assert "StepVideoPipeline" in repr(pipe)  # diffusers' repr serialises the config


@pytest.mark.skipif(
    not HAVE_DIFFUSERS, reason="without diffusers installed the tests above already cover that mode"
)
def test_without_diffusers_the_same_api_works(tiny):
    """diffusers blocked in a fresh interpreter: local bases, same calls, same video."""
    folder, _ = tiny
    code = textwrap.dedent(f"""
        import sys
        sys.modules["diffusers"] = None  # as if it were not installed
        import numpy as np, torch
        from stepvid.diffusers_api import HAVE_DIFFUSERS, StepVideoPipeline
        from stepvid.pipeline import TextToVideoPipeline
        assert not HAVE_DIFFUSERS
        pipe = StepVideoPipeline.from_pretrained({str(folder)!r})
        pipe.set_progress_bar_config(disable=True)
        assert pipe.transformer.config.num_layers == 2 and sorted(pipe.components)[0] == "scheduler"
        try:
            pipe.transformer.config["num_layers"] = 3
            raise SystemExit("config was writable")
        except TypeError:
            pass
        out = pipe(prompt="a blue square", generator=torch.Generator().manual_seed(2))
        ref = TextToVideoPipeline.from_pretrained({str(folder)!r})("a blue square", seed=2, progress=False)
        assert np.array_equal((out.frames[0] * 255).astype(np.uint8), ref) and out[0] is out.frames
        print("ok")
    """)
    run = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stderr[-3000:]


def test_llm_rewriter_attribute_reaches_the_text_encoder(tiny):
    """``pipe.llm_rewriter`` expands prompts before the model's rewriter, as in TextToVideoPipeline."""
    _, pipe = tiny

    class Expander:
        def expand(self, prompt, style="dense"):
            return "a blue square", None

    want = pipe(
        prompt="a blue square", generator=torch.Generator().manual_seed(2), output_type="latent"
    ).frames
    typed = pipe(prompt="a square", generator=torch.Generator().manual_seed(2), output_type="latent").frames
    assert not torch.equal(typed, want)  # the prompt matters, so the check below can fail
    pipe.llm_rewriter = Expander()
    try:
        got = pipe(prompt="a square", generator=torch.Generator().manual_seed(2), output_type="latent").frames
    finally:
        pipe.llm_rewriter = None
    assert torch.equal(got, want)
