"""The model shipped in stepvid/bundled/: it loads by default and follows a prompt better than chance."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from stepvid.pipeline_cli import bundled_model_dir

BUNDLED = bundled_model_dir()
pytestmark = pytest.mark.skipif(
    BUNDLED is None,
    reason="stepvid/bundled/ holds no trained weights yet (train them with recipes/bundled/run.py, then "
    "`python recipes/bundled/run.py --phase install --from <results>`)",
)


@pytest.fixture(scope="module")
def pipe():
    """What `stepvid generate` runs with the bundled model: its default preset (the Turbo DiT, 8 steps, CFG 1)."""
    from stepvid.model_folder import plan_model, with_default_preset
    from stepvid.pipeline import TextToVideoPipeline

    return TextToVideoPipeline.from_plan(with_default_preset(plan_model(BUNDLED)), device="cpu")


MODEL_FILES = {"stepvid.json", "transformer/config.json", "turbo/config.json", "vae/vae_v2.safetensors",
               "text_encoder/model.safetensors", "text_encoder/tokenizer.json"}


# The files the image-to-video variant was trained with (recipes/bundled/ti2v.py): the VAE it reads from the bundled
# model (a bundled: path), so a new bundle that changes it must ship the variant's own copy again; the text encoder
# is its own copy since run 16 retrained the bundled one (docs/dpo.md).
TI2V_SHARED = {"vae/vae_v2.safetensors": "424c1e83c15981ef28c47adaaab6aa389bb620cb45d9f5574fe8ae96a6a9e3e9"}
TI2V_OWN = {"text_encoder/model.safetensors": "436c71b495d033f429097712cd00438fdeb1b7c3dc032ba46ac7bf85876afc8d",
            "text_encoder/tokenizer.json": "913e906df7d36b479173484ad038492ee0426245bd84f6d221e868f8372ab683",
            "text_encoder/config.json": "92ac9812ed084788b3ad1ed7e2db96b6890d541f885a1454de0bee94f8ba3091"}


def test_bundled_folder_is_small_and_complete():
    files = [p for p in BUNDLED.rglob("*") if p.is_file() and p.relative_to(BUNDLED).parts[0] != "ti2v"]
    assert sum(p.stat().st_size for p in files) <= 50e6  # two 18 MB DiTs since Turbo (base and student)
    assert MODEL_FILES <= {p.relative_to(BUNDLED).as_posix() for p in files}


def test_ti2v_variant_reads_the_vae_and_text_encoder_it_was_trained_with():
    """stepvid/bundled/ti2v/ holds its own DiT and text encoder and names the bundled model's VAE (a ``bundled:``
    path: no copy in the package or the working tree); those files are still the ones it was trained with."""
    import hashlib

    from stepvid.model_folder import plan_model

    folder = BUNDLED / "ti2v"
    own = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert "transformer/config.json" in own and not any(f.startswith("vae/") for f in own)
    plan = plan_model(folder)
    assert plan.components["vae"].path == BUNDLED / "vae" / "vae_v2.safetensors"
    assert plan.components["text_encoder"].path == folder / "text_encoder"
    for part, digest in TI2V_SHARED.items():
        assert hashlib.sha256((BUNDLED / part).read_bytes()).hexdigest() == digest, (
            f"{part} changed: ship stepvid/bundled/ti2v/ with its own copy (its stepvid.json path without bundled:)")
    for part, digest in TI2V_OWN.items():
        assert hashlib.sha256((folder / part).read_bytes()).hexdigest() == digest, part


def test_bundled_defaults_meet_the_clip_spec(pipe):
    d = pipe.defaults
    assert d.num_frames / d.fps >= 2.0 and d.fps >= 12 and min(d.height, d.width) >= 192


def test_generate_runs_the_turbo_dit_by_default_and_the_base_dit_with_preset_base():
    """`stepvid generate` with the bundled model: no --preset -> the Turbo DiT (turbo/) at 8 steps, CFG 1; --preset
    base -> the base DiT (transformer/) at 50 steps, CFG 3; --transformer wins over a preset's DiT. The two DiTs
    hold different weights of one architecture."""
    from safetensors.torch import load_file

    from stepvid.checkpoints import resolve_checkpoint
    from stepvid.pipeline_cli import generation_plan

    def weights(folder: str) -> dict:
        return {k: v for f in resolve_checkpoint(BUNDLED / folder)[1] for k, v in load_file(str(f)).items()}

    for name, folder, steps, cfg in ((None, "turbo", 8, 1.0), ("turbo", "turbo", 8, 1.0),
                                     ("base", "transformer", 50, 3.0)):
        plan, preset = generation_plan(BUNDLED, None, name)
        d = {**vars(plan.defaults), **{k: v for k, v in preset.items() if k != "transformer"}}
        assert (plan.components["transformer"].path, d["steps"], d["cfg"]) == (BUNDLED / folder, steps, cfg), name
    plan, _ = generation_plan(BUNDLED, str(BUNDLED / "transformer"), None)
    assert plan.components["transformer"].path == BUNDLED / "transformer"
    base, turbo = weights("transformer"), weights("turbo")
    assert base.keys() == turbo.keys() and all(base[k].shape == turbo[k].shape for k in base)
    assert any(not torch.equal(base[k], turbo[k]) for k in base)


# Fixed prompts at what `stepvid generate` runs (since 2026-12-07 the Turbo DiT at its 8 steps, CFG 1), seed 0: the world's template wording and two held-out natural
# phrasings (a filler frame + "slides" + "slowly"; Chinese 越变越大 without a measure word). Measured with the run-10
# model (docs/benchmarks.md): all three pass on CPU and GPU; with run 11 (DPO) all three pass on CPU at score 1.0, at
# 50 steps and at 25 (the default since 2026-12-04; 20 steps too); with run 16 at 25, 12 and 8 steps (2026-12-07; 12
# keeps CI's slow set inside its budget: ~65 s less than 25); the Turbo DiT passes all three at its 8 steps. Generated
# once, in one batch, as written: the model's own reading, not the world prompt rewriter's template
# (tests/test_prompt_rewrite.py covers that).
BAND_STEPS = 8
BAND_PROMPTS = ["a red circle moving to the right", "watch as a green triangle slowly slides to the left",
                "一个粉色的圆越变越大"]


@pytest.fixture(scope="module")
def band_videos(pipe):
    return pipe.generate_batch(BAND_PROMPTS, [0] * len(BAND_PROMPTS), prompt_rewrite="none", steps=BAND_STEPS)


@pytest.mark.slow  # the 3 videos (8 Turbo steps) on one core: runs in CI's slow set, beside the default suite
def test_generated_clip_scores_above_chance(pipe, band_videos):
    """Each prompt's own video scores higher under the judge than the other prompt's video (chance level:
    a video made for a different prompt), by a clear margin on average. Two languages, contrasting colour,
    shape and motion; the model's default clip length (what users get). A broken or random model scores ~0
    on its own prompts (wrong colour)."""
    from stepvid.world import judge

    prompts, videos = [BAND_PROMPTS[0], BAND_PROMPTS[2]], [band_videos[0], band_videos[2]]
    n = pipe.defaults.num_frames
    assert all(v.shape[0] == n and v.dtype == np.uint8 for v in videos)
    score = [[judge(v, prompt=p).score for v in videos] for p in prompts]  # score[prompt][video]
    assert score[0][0] > score[0][1] and score[1][1] > score[1][0], score
    own, other = (score[0][0] + score[1][1]) / 2, (score[0][1] + score[1][0]) / 2
    assert own - other >= 0.2, score


@pytest.mark.slow
def test_fixed_seed_regression_band(band_videos):
    """The shipped model still follows these prompts (seed 0, the Turbo DiT at 8 steps): at least 2 of 3 pass every judged attribute and
    the mean attribute score is >= 0.9 (all three passed when the model shipped; one may flip on another
    machine's arithmetic). A model that lost the natural phrasings (e.g. an [UNK]-mapping tokenizer) or its
    template skill fails it; it is a guard on the published adherence figures, not a measurement of them."""
    from stepvid.world import judge

    res = [judge(v, prompt=p) for p, v in zip(BAND_PROMPTS, band_videos)]
    passed = sum(r.passed for r in res)
    mean = sum(r.score for r in res) / len(res)
    detail = {p: (r.passed, round(r.score, 3)) for p, r in zip(BAND_PROMPTS, res)}
    assert passed >= 2 and mean >= 0.9, detail


@pytest.mark.slow  # one 12-step image-to-video clip on one CPU core (~35 s)
def test_bundled_image_to_video_follows_the_image_and_the_prompt(tmp_path):
    """`stepvid generate --image` without --model uses the bundled image-to-video variant: from a held-out scene's
    own first frame and its caption, the video starts at the given frame (PSNR against it far above the ~9 dB of
    a model that ignores the image; 22.8 dB mean on held-out scenes) and passes the world judge."""
    from PIL import Image

    from stepvid.cli import main
    from stepvid.video import read_video
    from stepvid.world import caption, judge, render_video, sample_scene

    spec = sample_scene(np.random.default_rng(5), "heldout", num_objects=1)
    prompt = caption(spec, "en", "short", rng=np.random.default_rng(5))
    frame0 = render_video(spec, 192, 192, 34)[0]
    Image.fromarray(frame0).save(tmp_path / "first.png")
    out = tmp_path / "v.mp4"
    # 12 steps (the variant's default is 50): the test is about the image and the prompt being followed, and fewer
    # steps cut its cost in CI; measured on this scene: PSNR 26.3 dB and a judge pass at 50 and 25 steps (2026-12-04,
    # CPU) and at 12 (26.3 dB, score 1.0; 2026-12-07)
    assert main(["generate", prompt, "--image", str(tmp_path / "first.png"), "--seed", "0", "--steps", "12",
                 "--out", str(out)]) == 0
    video = read_video(out)
    mse = float(np.mean((video[0].astype(np.float64) - frame0.astype(np.float64)) ** 2))
    psnr = 10 * np.log10(255**2 / max(mse, 1e-9))
    result = judge(video, prompt=prompt)
    assert psnr >= 16.0 and result.passed, (prompt, psnr, result)
