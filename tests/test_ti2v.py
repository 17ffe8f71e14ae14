"""Image-to-video: the first-frame condition path against recorded official Step-Video-TI2V outputs, the image
checks and refusals, and `stepvid generate --image` end to end on a tiny random TI2V model.

The recording (tests/fixtures/reference/golden/ti2v_small_*, made by recording/record_ti2v.py with the official
code; provenance in tests/fixtures/reference/README.md) covers three levels: the image -> condition latents path
(PIL reading, resize-to-cover + centre crop, one-frame VAE encode, posterior sample, zero padding, CFG
doubling), one TI2V DiT forward (channel concat, motion-score embedder), and the official sampling loop (2
steps, CFG 3) with an image condition.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import torch
from golden import load_case, seeded_weights, weights_sha256
from numerics import assert_reorder_close, reductions
from PIL import Image
from safetensors.torch import load_file

from stepvid.cli import main
from stepvid.model_folder import GenerationDefaults, dit_config_from_json, plan_model
from stepvid.models.dit import StepVideoDiT
from stepvid.models.text.base import TextEmbeddings
from stepvid.models.vae import VideoVAE
from stepvid.pipeline import TextToVideoPipeline
from stepvid.testing.checkpoint_fixtures import write_tiny_checkpoint, write_tiny_small_model
from stepvid.ti2v import (
    TI2V_POSITIVE_SUFFIX,
    condition_generator,
    condition_latents,
    cover_crop_size,
    encode_first_frame,
    first_frame,
    load_image,
    resize_crop,
)
from stepvid.video import probe, read_video

GOLDEN = Path(__file__).resolve().parent / "fixtures" / "reference" / "golden"


# ---- the recording ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def rec(tmp_path_factory):
    """The recorded tensors, the meta, the PNG files, and stepvid's VAE and DiT with the recording's weights."""
    io = load_file(str(GOLDEN / "ti2v_small_io.safetensors"))
    meta = json.loads((GOLDEN / "ti2v_small_config.json").read_text())
    tmp = tmp_path_factory.mktemp("ti2v_rec")
    pngs = {}
    for k in ("a", "b"):
        pngs[k] = tmp / f"{k}.png"
        pngs[k].write_bytes(io[f"png_{k}"].numpy().tobytes())
    vae_case = load_case("vae", "in-repo", GOLDEN)  # the in-repo golden VAE (sha256-checked)
    vae = VideoVAE.from_pretrained(vae_case.weights_file(tmp), dtype=torch.float32).eval()
    d = meta["dit"]
    weights = seeded_weights(d["seed"], d["shapes"])
    assert weights_sha256(weights) == d["weights_sha256"]
    official = {k: v for k, v in d.items() if k not in ("seed", "shapes", "weights_sha256", "rope_ch_split")}
    cfg = dit_config_from_json({**official, "rope_split": d["rope_ch_split"]})
    assert (cfg.in_channels, cfg.out_channels, cfg.motion_score_embedder) == (
        4,
        2,
        True,
    )  # 2 latents + 2 cond
    dit = StepVideoDiT(cfg)
    dit.load_state_dict({k: v.float() for k, v in weights.items()}, strict=True)
    return {"io": io, "meta": meta, "png": pngs, "vae": vae, "dit": dit.eval()}


def _dit_tol(dit, io) -> dict:
    fan_in, depth = reductions(dit)
    f, _, h, w = io["latents"].shape[1:]
    keys = max(f * h * w, io["clip_states"].shape[1] + io["llm_mask"].shape[1])
    return {"n": max(fan_in, keys), "depth": depth + 6 * dit.config.num_layers}


def _vae_depth(vae) -> tuple[int, int]:
    fan_in, depth = reductions(vae.encoder)
    norm = max(
        vae.config.encoder_ch * m // 32 * (32 >> i) * (48 >> i)
        for i, m in enumerate(vae.config.encoder_ch_mult)
    )
    return max(fan_in, norm), depth


@pytest.mark.parametrize("case", ["a", "b"])
def test_first_frame_preprocessing_matches_official(rec, case):
    """PIL read (an RGB PNG, a palette PNG) -> [-1, 1] -> resize to cover 32x48 -> centre crop: what the official
    pipeline hands its VAE. Same interpolation kernel: equal up to the order of a few-tap sum."""
    h, w, _ = rec["meta"]["size"]
    got = first_frame(rec["png"][case], h, w, min_kept=0)
    assert_reorder_close(got, rec["io"][f"resized_{case}"][0, 0], n=16, depth=2, msg=case)


@pytest.mark.parametrize("case", ["a", "b"])
def test_condition_latents_match_official(rec, case):
    """One-frame VAE encode, posterior sample (eps from the recorded seed), zeros after latent frame 0; the
    official tensor is CFG-doubled with the same condition in both branches."""
    io, (h, w, frames) = rec["io"], rec["meta"]["size"]
    ref = io[f"cond_{case}"]
    assert torch.equal(ref[0], ref[1]) and not ref[:, 1:].any()  # both branches the same; zeros after frame 0
    frame = first_frame(rec["png"][case], h, w, min_kept=0)
    gen = torch.Generator().manual_seed(rec["meta"]["eps_seed"])
    with torch.no_grad():
        moments = rec["vae"].encode_raw(frame[None, None])
        cond = condition_latents(encode_first_frame(rec["vae"], frame, gen), 3)
    n, depth = _vae_depth(rec["vae"])
    assert_reorder_close(moments, io[f"moments_{case}"], n=n, depth=depth, msg=f"moments {case}")
    assert cond.shape == (1, frames // 17 * 3, 2, h // 16, w // 16)
    assert_reorder_close(cond[0], ref[0], n=n, depth=depth + 2, msg=f"condition {case}")
    mean = condition_latents(encode_first_frame(rec["vae"], frame, sample=False), 3)
    assert (cond - mean).abs().max() > 1e-3  # a posterior sample, not the mean


def test_ti2v_dit_forward_matches_official(rec):
    """[latents ; condition] on the channel axis, motion score 5 through its own embedder."""
    io = rec["io"]
    mask = torch.cat([torch.ones(2, 77, dtype=torch.long), io["llm_mask"]], dim=1)
    with torch.no_grad():
        v = rec["dit"](
            io["latents"],
            io["timestep"],
            io["llm_states"],
            io["clip_states"],
            mask,
            motion_score=5.0,
            condition_hidden_states=io["cond_a"],
        )
    assert_reorder_close(v, io["velocity"], **_dit_tol(rec["dit"], io))


def test_ti2v_sampling_matches_official(rec):
    """The official loop: 2 Euler steps, CFG 3, shift 13, motion score 2.7, first frame png_b (bf16 condition,
    as the official code hard-codes; ``official_numerics``). Our own image path builds the condition."""
    io, (h, w, _) = rec["io"], rec["meta"]["size"]
    s = rec["meta"]["sampled"]
    pipe = TextToVideoPipeline(rec["dit"], rec["vae"], None, defaults=GenerationDefaults())
    frame = first_frame(rec["png"]["b"], h, w, min_kept=0)
    cond = condition_latents(
        encode_first_frame(rec["vae"], frame, torch.Generator().manual_seed(rec["meta"]["eps_seed"])), 3
    )
    emb = TextEmbeddings(io["llm_states"], io["llm_mask"], io["clip_states"])
    out = pipe.denoise(
        io["noise"],
        emb,
        s["steps"],
        s["cfg"],
        s["shift"],
        official_numerics=True,
        progress=False,
        condition=cond,
        motion_score=s["motion_score"],
    )
    tol = _dit_tol(rec["dit"], io)
    assert_reorder_close(out, io["sampled"], n=tol["n"], depth=2 * tol["depth"] + _vae_depth(rec["vae"])[1])
    pipe.cfg_split = True  # the two CFG halves as two DiT calls: each gets the condition
    split = pipe.denoise(
        io["noise"],
        emb,
        s["steps"],
        s["cfg"],
        s["shift"],
        official_numerics=True,
        progress=False,
        condition=cond,
        motion_score=s["motion_score"],
    )
    assert_reorder_close(split, out, n=tol["n"], depth=2 * tol["depth"])
    no_motion = pipe.denoise(
        io["noise"],
        emb,
        s["steps"],
        s["cfg"],
        s["shift"],
        official_numerics=True,
        progress=False,
        condition=cond,
        motion_score=20.0,
    )
    assert (no_motion - out).abs().max() > 1e-3  # the motion score reaches the sample


# ---- size handling ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "h,w,H,W",
    [
        (40, 70, 32, 48),
        (36, 40, 32, 48),
        (544, 992, 544, 992),
        (100, 100, 32, 48),
        (1080, 1920, 544, 992),
        (1920, 1080, 992, 544),
        (7, 3, 16, 16),
    ],
)
def test_cover_crop_size_closed_form(h, w, H, W):
    """Covers the target exactly on one side, the crop is centred (floor), and the aspect ratio is kept to
    within rounding: compared with the fp64 maths of 'scale = max(H / h, W / w)'."""
    sh, sw, top, left = cover_crop_size(h, w, H, W)
    scale = max(H / h, W / w)
    assert (sh, sw) == (round(h * scale), round(w * scale))
    assert sh >= H and sw >= W and (sh == H or sw == W)
    assert (top, left) == ((sh - H) // 2, (sw - W) // 2)


def test_resize_crop_identity_constant_and_centre():
    x = torch.rand(3, 32, 48) * 2 - 1
    assert torch.equal(resize_crop(x, 32, 48), x)  # already the video size: untouched
    const = torch.full((3, 40, 70), 0.25)
    assert torch.allclose(resize_crop(const, 32, 48), const[:, :32, :48], atol=1e-6)  # weights sum to 1
    # a wide image, left half -1 and right half +1: the centre crop straddles the edge at its middle
    wide = torch.cat([torch.full((3, 20, 40), -1.0), torch.full((3, 20, 40), 1.0)], dim=2)
    out = resize_crop(wide, 16, 16)  # 20x80 -> 16x64, columns 24..40
    assert torch.allclose(out[..., :7], torch.tensor(-1.0)) and torch.allclose(
        out[..., 9:], torch.tensor(1.0)
    )
    assert torch.allclose(out[..., :8].mean(), -out[..., 8:].mean(), atol=1e-6)  # symmetric about the middle


def test_aspect_ratio_far_off_is_refused():
    with pytest.raises(ValueError, match=r"would lose 70 % of its area .* 992x544 video"):
        resize_crop(torch.zeros(3, 992, 544), 544, 992, min_kept=0.5)  # portrait image, landscape video
    assert resize_crop(torch.zeros(3, 600, 600), 544, 992, min_kept=0.5).shape == (3, 544, 992)  # keeps 55 %


# ---- reading and refusing images --------------------------------------------------------------------------
def _save(img: Image.Image, path: Path) -> Path:
    img.save(path)
    return path


def test_image_inputs_agree(tmp_path):
    """Path, PIL image, uint8 array, float array and tensor give the same frame: x / 255 * 2 - 1."""
    rgb = np.random.default_rng(0).integers(0, 256, (9, 7, 3), dtype=np.uint8)
    ref = torch.from_numpy(rgb).permute(2, 0, 1).double() / 255 * 2 - 1
    path = _save(Image.fromarray(rgb), tmp_path / "x.png")
    for src in (
        path,
        str(path),
        Image.fromarray(rgb),
        rgb,
        torch.from_numpy(rgb),
        rgb / 255.0,
        Image.fromarray(np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)]), "RGBA"),
    ):
        got = load_image(src)
        assert got.dtype == torch.float32 and got.shape == (3, 9, 7)
        assert (got.double() - ref).abs().max() < 1e-6, type(src)
    grey = load_image(Image.fromarray(rgb[..., 0], "L"))  # L: the grey value in all three channels
    assert torch.equal(grey[0], grey[2]) and torch.allclose(grey[0].double(), ref[0], atol=1e-6)


def test_bad_images_are_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="image file not found: .*nope.png"):
        load_image(tmp_path / "nope.png")
    with pytest.raises(ValueError, match="is not a file"):
        load_image(tmp_path)
    (tmp_path / "junk.png").write_bytes(b"\x89PNG not really")
    with pytest.raises(ValueError, match=r"cannot read image .*junk.png"):
        load_image(tmp_path / "junk.png")
    rgba = np.full((4, 5, 4), 255, np.uint8)
    rgba[0, 0, 3] = 10
    with pytest.raises(ValueError, match=r"1 of 20 pixels \(partly\) transparent"):
        load_image(_save(Image.fromarray(rgba, "RGBA"), tmp_path / "alpha.png"))
    deep = Image.fromarray(np.full((4, 4), 40000, np.uint16)).convert("I;16")
    with pytest.raises(ValueError, match="image mode 'I;16'"):
        load_image(_save(deep, tmp_path / "deep.png"))
    with pytest.raises(ValueError, match=r"must be \[H, W, 3\].*\[3, 8, 8\]"):
        load_image(np.zeros((3, 8, 8), np.uint8))
    with pytest.raises(ValueError, match=r"in \[0, 1\]; got min 0, max 255"):
        load_image(np.array([[[0.0, 0.5, 255.0]]]))
    with pytest.raises(ValueError, match="uint8 .* or float .*; got int16"):
        load_image(np.zeros((2, 2, 3), np.int16))
    with pytest.raises(ValueError, match="file path, a PIL image .*; got list"):
        load_image([[0, 0, 0]])


# ---- the pipeline and the CLI ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ti2v_dir(tmp_path_factory):
    defaults = {"num_frames": 17, "height": 32, "width": 32, "steps": 2, "cfg": 3.0, "shift": 7.0, "fps": 8}
    return write_tiny_small_model(
        tmp_path_factory.mktemp("ti2v_model"),
        seed=3,
        defaults=defaults,
        image_conditioned=True,
        motion_score=True,
    )


@pytest.fixture(scope="module")
def t2v_dir(tmp_path_factory):
    return write_tiny_small_model(
        tmp_path_factory.mktemp("t2v_model"),
        seed=3,
        defaults={"num_frames": 17, "height": 32, "width": 32, "steps": 2},
    )


@pytest.fixture(scope="module")
def first_png(tmp_path_factory):
    rgb = np.zeros((48, 64, 3), np.uint8)
    rgb[:, :32] = (220, 30, 30)
    rgb[:, 32:] = (30, 30, 220)
    return _save(Image.fromarray(rgb), tmp_path_factory.mktemp("img") / "first.png")


def test_pipeline_condition_and_refusals(ti2v_dir, t2v_dir, first_png):
    pipe = TextToVideoPipeline.from_pretrained(ti2v_dir, device="cpu")
    assert pipe.image_conditioned and pipe.motion_scored and pipe.latent_channels == 4
    c1 = pipe.prepare_condition(first_png, 34, 32, 32, seed=1)
    assert c1.shape == (1, 6, 4, 2, 2) and not c1[:, 1:].any()
    assert torch.equal(c1, pipe.prepare_condition(first_png, 34, 32, 32, seed=1))  # the seed fixes the eps
    assert not torch.equal(c1, pipe.prepare_condition(first_png, 34, 32, 32, seed=2))
    noise = pipe.prepare_latents(34, 32, 32, seed=1)
    eps_gen = condition_generator(1)  # the eps stream is not the noise stream of the same seed
    assert not torch.equal(torch.randn(noise[:, :1].shape, generator=eps_gen), noise[:, :1])
    kw = {"steps": 1, "progress": False}
    with pytest.raises(ValueError, match="image-to-video .* pass image="):
        pipe("a red circle", **kw)
    with pytest.raises(ValueError, match="motion score must be a finite number >= 0; got -1"):
        pipe("a red circle", image=first_png, motion_score=-1, **kw)
    a = pipe("a red circle", image=first_png, seed=4, **kw)
    b = pipe("a red circle", image=np.asarray(Image.open(first_png)), seed=4, **kw)
    assert a.shape == (17, 32, 32, 3) and np.array_equal(a, b)
    c = pipe("a red circle", image=np.asarray(Image.open(first_png))[:, ::-1].copy(), seed=4, **kw)
    assert not np.array_equal(a, c)  # the image reaches the video
    batch = pipe.generate_batch(["a red circle"], [4], images=[first_png], steps=1)
    assert np.abs(batch[0].astype(int) - a.astype(int)).max() <= 1
    t2v = TextToVideoPipeline.from_pretrained(t2v_dir, device="cpu")
    with pytest.raises(ValueError, match="text-to-video only"):
        t2v("a red circle", image=first_png, **kw)
    with pytest.raises(ValueError, match="no motion-score input"):
        t2v("a red circle", motion_score=5, **kw)


def test_official_ti2v_folder_gets_ti2v_defaults(tmp_path):
    """An official-layout folder whose DiT config says use_additional_conditions: the TI2V release's defaults
    (102 frames, its own magic words, motion score 5), its DiT with condition channels."""
    root = write_tiny_checkpoint(tmp_path / "ti2v", ti2v=True).root
    plan = plan_model(root)
    assert (
        plan.dit_config.in_channels == 2 * plan.dit_config.out_channels
        and plan.dit_config.motion_score_embedder
    )
    d = plan.defaults
    assert (d.num_frames, d.shift, d.motion_score, d.positive_suffix) == (
        102,
        13.0,
        5.0,
        TI2V_POSITIVE_SUFFIX,
    )
    assert d.negative_prompt != GenerationDefaults().negative_prompt


def _generate(model: Path, out: Path, *extra: str) -> int:
    return main(
        [
            "generate",
            "a red circle moving to the right",
            "--model",
            str(model),
            "--device",
            "cpu",
            "--seed",
            "4",
            "-o",
            str(out),
            *extra,
        ]
    )


def test_cli_generate_image_end_to_end(ti2v_dir, first_png, tmp_path, capsys, monkeypatch):
    import stepvid.video

    written = []
    real = stepvid.video.write_video
    monkeypatch.setattr(
        stepvid.video,
        "write_video",
        lambda path, frames, **kw: (written.append(frames), real(path, frames, **kw))[1],
    )
    out = tmp_path / "v.mp4"
    assert _generate(ti2v_dir, out, "--image", str(first_png), "--motion-score", "2", "--steps", "1") == 0
    info = probe(out)
    assert (info.width, info.height, info.num_frames, info.fps) == (32, 32, 17, 8.0)
    err = capsys.readouterr().err
    assert f"first frame {first_png}, motion score 2" in err
    pipe = TextToVideoPipeline.from_pretrained(ti2v_dir, device="cpu")
    ref = pipe(
        "a red circle moving to the right",
        image=first_png,
        motion_score=2,
        steps=1,
        seed=4,
        prompt_rewrite="none",
        progress=False,
    )
    assert np.array_equal(written[0], ref)  # the CLI made the Python API's video
    assert read_video(out).shape == ref.shape


def test_cli_image_refusals(ti2v_dir, t2v_dir, first_png, tmp_path, capsys):
    out = tmp_path / "v.mp4"
    cases = [
        ((t2v_dir, "--image", str(first_png)), f"--image: model folder {t2v_dir} is text-to-video only"),
        ((ti2v_dir,), f"model folder {ti2v_dir} is image-to-video: give the first frame with --image"),
        ((ti2v_dir, "--image", str(tmp_path / "missing.png")), "image file not found: .*missing.png"),
        (
            (t2v_dir, "--motion-score", "3"),
            f"--motion-score: model folder {t2v_dir} has no motion-score input",
        ),
        (
            (ti2v_dir, "--image", str(first_png), "--motion-score", "nan"),
            "--motion-score must be a finite number",
        ),
        (
            (ti2v_dir, "--image", str(first_png), "--height", "16", "--width", "64"),
            "would lose 67 % of its area",
        ),
    ]
    for (model, *extra), message in cases:
        assert _generate(model, out, *extra) == 2, message
        err = capsys.readouterr().err
        assert err.startswith("stepvid generate: error: ") and re.search(message, err), err
    assert not out.exists()


# ---- the bundled TI2V recipe ------------------------------------------------------------------------------
def _small_t2v_dit() -> StepVideoDiT:
    from stepvid.models.dit import dit_config

    torch.manual_seed(0)
    cfg = dit_config(
        "tiny",
        num_layers=1,
        num_attention_heads=2,
        attention_head_dim=16,
        rope_split=(8, 4, 4),
        in_channels=4,
        out_channels=4,
        caption_channels=(32, 32),
    )
    dit = StepVideoDiT(cfg)
    with (
        torch.no_grad()
    ):  # random everywhere (a fresh DiT's zero-initialised layers would hide the condition)
        for p in dit.parameters():
            p.copy_(torch.randn(p.shape) * 0.1 + (1.0 if p.ndim == 1 and p.shape[0] == 16 else 0.0))
    return dit.eval()


def test_ti2v_from_t2v_starts_as_the_t2v_model():
    """Zero weights on the new condition inputs: the widened DiT gives the T2V output for any condition, and its
    condition does reach the output once those weights move."""
    from stepvid.ti2v import ti2v_from_t2v

    t2v = _small_t2v_dit()
    ti2v = ti2v_from_t2v(t2v).eval()
    assert (ti2v.config.in_channels, ti2v.config.out_channels, ti2v.config.motion_score_embedder) == (
        8,
        4,
        False,
    )
    g = torch.Generator().manual_seed(1)
    x, cond = torch.randn(2, 3, 4, 2, 2, generator=g), torch.randn(2, 3, 4, 2, 2, generator=g)
    args = (torch.tensor([0.3, 0.8]), torch.randn(2, 5, 32, generator=g), torch.randn(2, 77, 32, generator=g))
    with torch.no_grad():
        ref = t2v(x, *args)
        out = ti2v(x, *args, condition_hidden_states=cond)
        fan_in, depth = reductions(ti2v)
        assert_reorder_close(out, ref, n=max(fan_in, 77 + 5), depth=depth + 6)
        ti2v.pos_embed.proj.weight[:, 4:] = 0.1
        assert (ti2v(x, *args, condition_hidden_states=cond) - ref).abs().max() > 1e-3
    with pytest.raises(ValueError, match="expected a text-to-video DiT"):
        ti2v_from_t2v(ti2v)


def test_recipe_loop_conditions_each_step_on_its_first_frames():
    """recipes/bundled/dit_loop.py: with first-frame moments in the data, every training forward gets condition
    latents [B, F, C, h, w] = a posterior sample of the drawn clips' first frames, then zeros (std 0: the mean
    exactly); without them, none."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "recipes" / "bundled"))
    from dit_loop import FastDiTLoop, StageData, first_frame_condition, tokenize_captions

    from stepvid.models.text.small import SmallBilingualEncoder, SmallTextConfig, WordCharTokenizer
    from stepvid.ti2v import ti2v_from_t2v
    from stepvid.train.distributed import DistInfo

    tok = WordCharTokenizer.build(["a red circle moves right"])
    torch.manual_seed(0)
    enc = SmallBilingualEncoder(
        SmallTextConfig(
            vocab_size=len(tok),
            llm_dim=32,
            llm_layers=1,
            llm_heads=2,
            llm_len=16,
            clip_dim=32,
            clip_layers=1,
            clip_heads=2,
        ),
        tok,
    )
    means = torch.arange(2.0).view(2, 1, 1, 1, 1).expand(2, 1, 4, 2, 2).clone()  # sample i's frame is all i
    data = StageData(
        torch.randn(2, 3, 4, 2, 2),
        *tokenize_captions(tok, [["a red circle moves right"]] * 2, 16),
        cond_mean=means,
        cond_std=torch.zeros_like(means),
    )
    idx = torch.tensor([1, 0, 1])
    c = first_frame_condition(data, idx, 3, torch.Generator().manual_seed(0))
    assert c.shape == (3, 3, 4, 2, 2) and torch.equal(c[:, 0], means[idx, 0]) and not c[:, 1:].any()
    noisy = StageData(
        data.latents,
        *tokenize_captions(tok, [["a"]] * 2, 16),
        cond_mean=means,
        cond_std=torch.full_like(means, 0.5),
    )
    s = first_frame_condition(noisy, torch.zeros(4000, dtype=torch.long), 1, torch.Generator().manual_seed(0))
    assert abs(float(s.std()) - 0.5) < 0.02 and abs(float(s.mean())) < 0.02  # mean + std * N(0, 1)
    model = ti2v_from_t2v(_small_t2v_dit())
    seen = []
    model.register_forward_pre_hook(
        lambda m, a, kw: seen.append(kw.get("condition_hidden_states")), with_kwargs=True
    )
    loop = FastDiTLoop(
        model,
        enc,
        enc.encode([""]),
        DistInfo(),
        lr=1e-3,
        warmup_steps=1,
        ema_decay=0.9,
        text_dropout=0.5,
        timestep={"name": "uniform"},
        seed=0,
    )
    loop.run_stage("t", data, steps=3, batch=4, until=float("inf"))
    assert len(seen) == 3 and all(c.shape == (4, 3, 4, 2, 2) and not c[:, 1:].any() for c in seen)
    assert all(
        set(c[:, 0].flatten().tolist()) <= {0.0, 1.0} for c in seen
    )  # each row: its clip's first frame


def test_adherence_benchmark_first_frame_modes(ti2v_dir, tmp_path, capsys):
    """benchmarks/bundled_adherence.py --first-frame (each prompt's scene at frame 0 as the image; frame-0 PSNR
    per row) and --static-first-frame (that frame held still: never moves, so it fails every moving prompt)."""
    from stepvid.testing.scripts import load_script

    bench = load_script(
        Path(__file__).resolve().parents[1] / "benchmarks" / "bundled_adherence.py", "adh_ti2v"
    )
    a = np.zeros((4, 4, 3), np.uint8)
    b = a.copy()
    b[0, 0, 0] = 16  # mse = 256 / 48
    assert (
        bench.frame_psnr(a, a) == 100.0
        and abs(bench.frame_psnr(a, b) - 10 * np.log10(255**2 * 48 / 256)) < 1e-9
    )
    out = tmp_path / "ff.jsonl"
    common = ["--n", "1", "--objects", "1", "--langs", "en", "--judge-workers", "0"]
    assert (
        bench.main(["--model", str(ti2v_dir), "--first-frame", "--seeds", "0", "--out", str(out), *common])
        == 0
    )
    (row,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert 0 < row["first_frame_psnr"] < 100 and "frame 0 vs the given first frame" in capsys.readouterr().out
    static = tmp_path / "static.jsonl"
    assert bench.main(["--static-first-frame", "--out", str(static), *common]) == 0
    (srow,) = [json.loads(line) for line in static.read_text().splitlines()]
    scene = bench.heldout_prompts(1, 1, "short", langs=("en",))[0]["spec"]  # the same scene: it bounces
    assert scene.objects[0].motion != "still" and srow["attributes"]["motion"] is False and not srow["passed"]
    assert "first frames held still" in capsys.readouterr().out
