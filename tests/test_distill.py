"""Turbo distillation: the teacher cache (the teacher's own noise redrawn exactly, resume without duplicates or
losses, shards) and the student (straighter paths after training, Turbo defaults in the exported folder)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from test_dpo import GEN as DPO_GEN
from test_dpo import PROMPTS, Brightness, random_tiny_model

from stepvid.distill.cache import make_teacher_cache, read_teacher_cache
from stepvid.dpo.pairs import PromptRow

# The DPO tests' tiny random model at 64x64 (4x4 latents): the trajectory student's margin over the teacher's own
# 2-step sample needs that size (at the DPO tests' 32x32 it beat it by 3 %, not the 20 % asserted).
GEN = DPO_GEN | {"height": 64, "width": 64}


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> Path:
    return random_tiny_model(tmp_path_factory.mktemp("m") / "m", GEN)


@pytest.fixture(scope="module")
def pipe(model):
    from stepvid.pipeline import TextToVideoPipeline

    return TextToVideoPipeline.from_pretrained(model, device="cpu")


def _rows(n: int | None = None) -> list[PromptRow]:
    return [PromptRow(i, f"p{i}", p) for i, p in enumerate(PROMPTS[:n])]


@pytest.fixture(scope="module")
def cache(pipe, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cache") / "c"
    make_teacher_cache(pipe, _rows(3), out, per_prompt=2, batch=6, progress=False)
    return out


def test_cache_holds_the_teachers_samples_and_their_noise_seeds(pipe, cache):
    c = read_teacher_cache(cache)
    assert len(c) == 6 and c.settings["cfg_decay"] is True
    for i in (0, 3):
        r = c.rows[i]
        again = pipe.sample_latents([r["text"]], [r["seed"]], cfg_decay=True)[0]
        torch.testing.assert_close(c.latent(i), again.float(), rtol=0, atol=1e-5)  # batch of 1 vs 6: fp32 sums


def test_cache_resume_after_a_torn_write_has_no_duplicates_or_losses(pipe, cache, tmp_path):
    import shutil

    c2 = tmp_path / "c"
    shutil.copytree(cache, c2)
    path = c2 / "samples-0of1.jsonl"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:-1]) + "\n" + lines[-1][:15])  # killed while appending the last rows
    marks = c2 / "done-0of1.jsonl"
    marks.write_text("".join(x + "\n" for x in marks.read_text().splitlines()[:-1]))  # ... before its mark
    make_teacher_cache(pipe, _rows(3), c2, per_prompt=2, batch=6, progress=False)
    rows = [json.loads(x) for x in path.read_text().splitlines()]
    keys = [(r["index"], r["key"]) for r in rows]
    assert len(keys) == len(set(keys)) == 6  # the torn prompt redone once, nothing lost
    ref = {r["key"]: r["seed"] for r in read_teacher_cache(cache).rows}
    assert {r["key"]: r["seed"] for r in rows} == ref
    sharded = tmp_path / "s"
    for s in range(2):
        make_teacher_cache(pipe, _rows(3), sharded, per_prompt=2, batch=6, shard=(s, 2), progress=False)
    assert {r["key"]: r["seed"] for r in read_teacher_cache(sharded).rows} == ref
    with pytest.raises(ValueError, match="made with per_prompt=2, this run has per_prompt=3"):
        make_teacher_cache(pipe, _rows(3), sharded, per_prompt=3, progress=False)


def test_judged_cache_keeps_each_samples_verdict_and_the_student_learns_the_passing_ones(model, pipe, cache,
                                                                                       tmp_path):
    """A cache made with a scorer: each row's score is the scorer's on that sample's own decode (recomputed here one
    sample at a time), its verdict follows it, a resume after a torn write keeps them; ``passed_only`` (the
    trainer's ``passed_only``) keeps exactly the passing samples, and an unjudged cache says how to make one."""
    from stepvid.distill.config import DistillConfig
    from stepvid.distill.trainer import DistillTrainer
    from stepvid.pipeline import postprocess_video

    plain = read_teacher_cache(cache)
    bright = [float(postprocess_video(pipe.decode_batch(plain.latent(i)[None])[0].float()).mean()) / 255.0
              for i in range(len(plain))]
    lo, hi = max(zip(*[sorted(bright)[k:] for k in (0, 1)]), key=lambda ab: ab[1] - ab[0])
    out = tmp_path / "judged"
    summary = make_teacher_cache(pipe, _rows(3), out, per_prompt=2, batch=4, progress=False,
                                 scorer=Brightness(255 * (lo + hi) / 2), decode_batch=3)
    judged = read_teacher_cache(out)
    assert summary["samples"] == 6 and 0 < summary["passed"] < 6 and judged.settings["scorer"] == "brightness"
    want = dict(zip((r["key"] for r in plain.rows), bright))
    for r in judged.rows:
        assert r["score"] == pytest.approx(want[r["key"]], abs=2e-3) and r["passed"] == (r["score"] > (lo + hi) / 2)
    passing = sorted(r["key"] for r in judged.rows if r["passed"])
    path = out / "samples-0of1.jsonl"  # killed while appending the last prompt's rows, before its done mark
    path.write_text(path.read_text()[:-20])
    marks = out / "done-0of1.jsonl"
    marks.write_text("".join(x + "\n" for x in marks.read_text().splitlines()[:-1]))
    make_teacher_cache(pipe, _rows(3), out, per_prompt=2, batch=4, progress=False,
                       scorer=Brightness(255 * (lo + hi) / 2), decode_batch=3)
    again = read_teacher_cache(out)
    assert len(again) == 6 and sorted(r["key"] for r in again.passed_only().rows) == passing
    with pytest.raises(ValueError, match="no verdict; make the cache with a scorer"):
        plain.passed_only()
    with pytest.raises(ValueError, match="made with .*scorer"):  # one cache folder, one way of making it
        make_teacher_cache(pipe, _rows(3), out, per_prompt=2, batch=4, progress=False)
    trainer = DistillTrainer(DistillConfig(teacher=str(model), cache=[str(out)], run_dir=str(tmp_path / "run"),
                                           device="cpu", passed_only=True))
    trainer._load_data()  # what setup() reads before the model
    assert sorted(r["key"] for r in trainer.cache.rows) == passing and trainer._data_size() == len(passing)


def test_student_takes_straighter_paths_and_exports_turbo_defaults(model, pipe, cache, tmp_path):
    """After distillation one Euler step from a cached sample's noise lands closer to the teacher's 3-step
    sample than the teacher's own single step does (what a few-step student is for)."""
    from stepvid.diffusion.sampler import initial_noise
    from stepvid.distill.config import DistillConfig
    from stepvid.distill.trainer import DistillTrainer
    from stepvid.pipeline import TextToVideoPipeline

    before = {f: f.read_bytes() for f in model.rglob("*") if f.is_file()}
    cfg = DistillConfig(teacher=str(model), cache=[str(cache)], run_dir=str(tmp_path / "run"),
                        out=str(tmp_path / "turbo"), steps=40, batch_size=6, lr=1e-3, warmup=0, device="cpu",
                        turbo_steps=2, log_every=10)
    summary = DistillTrainer(cfg).fit()
    rows = [json.loads(x) for x in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    assert rows[-1]["mse"] < rows[0]["mse"]
    c = read_teacher_cache(cache)
    student = TextToVideoPipeline.from_pretrained(tmp_path / "turbo", device="cpu")
    assert (student.defaults.steps, student.defaults.cfg, student.defaults.shift) == (2, 1.0, GEN["shift"])
    assert summary["pairs"] == len(c)

    def one_step(p, text, seed, cfg):
        z = initial_noise((1, *c.shape), seed=seed)
        return p.sample_latents([text], [seed], steps=1, cfg=cfg, shift=1.0)[0], z[0]

    gaps = []
    for i in range(len(c)):
        r = c.rows[i]
        s1, _ = one_step(student, r["text"], r["seed"], 1.0)
        t1, _ = one_step(pipe, r["text"], r["seed"], GEN["cfg"])
        x = c.latent(i)
        gaps.append(((s1 - x).pow(2).mean() < (t1 - x).pow(2).mean()).item())
    assert all(gaps), gaps
    assert {f: f.read_bytes() for f in model.rglob("*") if f.is_file()} == before  # the teacher is untouched


@pytest.mark.slow  # ~9 s of training on one core: CI's slow set, beside the default suite
def test_progressive_student_does_three_guided_teacher_steps_in_one(model, pipe, cache, tmp_path):
    """Progressive objective, S = 1, m = 3 teacher substeps: the student's single unguided step from a cached
    sample's noise lands > 3x closer to the teacher's three guided steps (its 3-step grid: decaying CFG, the
    teacher's shift) than the teacher's own single guided step and than the student before training (the
    objective's target equals the pipeline's m-step result to ~2e-7 for m = 2 and 3, checked while writing it)."""
    from stepvid.distill.config import DistillConfig
    from stepvid.distill.trainer import DistillTrainer
    from stepvid.pipeline import TextToVideoPipeline

    cfg = DistillConfig(teacher=str(model), cache=[str(cache)], run_dir=str(tmp_path / "run"),
                        out=str(tmp_path / "pd"), steps=15, batch_size=6, lr=2e-4, warmup=0, device="cpu",
                        turbo_steps=1, teacher_substeps=3, log_every=10, objective="progressive")
    trainer = DistillTrainer(cfg)
    trainer.fit()
    student = TextToVideoPipeline.from_pretrained(tmp_path / "pd", device="cpu")
    assert (student.defaults.steps, student.defaults.cfg) == (1, 1.0)
    c = read_teacher_cache(cache)
    x1, z, rows, gens = trainer._samples(0)
    x_a, t_a, v = trainer._progressive(x1, z, [r["text"] for r in rows], gens)  # from the noise: the whole path
    ref = pipe.sample_latents([r["text"] for r in rows], [r["seed"] for r in rows], steps=3, cfg=GEN["cfg"],
                              cfg_decay=True)
    torch.testing.assert_close(x_a + (1 - t_a).view(-1, 1, 1, 1, 1) * v, ref.float(), rtol=0, atol=1e-5)
    wins = []
    for r in c.rows:
        three = pipe.sample_latents([r["text"]], [r["seed"]], steps=3, cfg=GEN["cfg"], cfg_decay=True)[0]
        one = pipe.sample_latents([r["text"]], [r["seed"]], steps=1, cfg=GEN["cfg"], cfg_decay=True)[0]
        s1 = student.sample_latents([r["text"]], [r["seed"]], steps=1, cfg=1.0)[0]
        start = pipe.sample_latents([r["text"]], [r["seed"]], steps=1, cfg=1.0)[0]  # the student before training
        err = (s1 - three).pow(2).mean()
        wins.append((err < 0.3 * (one - three).pow(2).mean() and err < 0.3 * (start - three).pow(2).mean()).item())
    assert all(wins), wins
    with pytest.raises(ValueError, match="progressive objective distils the teacher's guided steps"):
        DistillConfig(teacher="m", cache=["c"], run_dir="r", objective="progressive", cfg_distill=False).check()


@pytest.mark.slow  # ~26 s of training on one core: CI's slow set, beside the default suite
def test_trajectory_student_unrolls_its_own_sampler_and_lands_on_the_teachers_samples(model, pipe, cache, tmp_path):
    """Trajectory objective, S = 2 guided steps: the trainer's unrolled rollout from a cached sample's noise is the
    exported student's own 2-step sample (the pipeline's sampler, the cache's constant CFG), and after training
    every cached sample's 2-step student rollout lands closer to the teacher's many-step sample than the teacher's
    own 2-step sample does."""
    from stepvid.diffusion.flow import per_sample_mse
    from stepvid.distill.config import DistillConfig
    from stepvid.distill.trainer import DistillTrainer
    from stepvid.pipeline import TextToVideoPipeline

    cfg = DistillConfig(teacher=str(model), cache=[str(cache)], run_dir=str(tmp_path / "run"),
                        out=str(tmp_path / "tj"), steps=30, batch_size=6, lr=1e-3, warmup=0, device="cpu",
                        turbo_steps=2, log_every=10, objective="trajectory", cfg_distill=False)
    trainer = DistillTrainer(cfg)
    trainer.fit()
    student = TextToVideoPipeline.from_pretrained(tmp_path / "tj", device="cpu")
    assert (student.defaults.steps, student.defaults.cfg, student.defaults.shift) == (2, GEN["cfg"], GEN["shift"])
    x1, z, rows, _ = trainer._samples(0)
    texts, seeds = [r["text"] for r in rows], [r["seed"] for r in rows]
    with torch.no_grad():
        err = per_sample_mse(trainer._unroll(z, texts), x1)
    mine = student.sample_latents(texts, seeds, steps=2, cfg=GEN["cfg"]).float()
    torch.testing.assert_close(err, per_sample_mse(mine, x1), rtol=1e-4, atol=1e-7)
    c = read_teacher_cache(cache)
    for i, r in enumerate(c.rows):
        s2 = student.sample_latents([r["text"]], [r["seed"]], steps=2, cfg=GEN["cfg"])[0].float()
        t2 = pipe.sample_latents([r["text"]], [r["seed"]], steps=2, cfg=GEN["cfg"])[0].float()
        x = c.latent(i)
        assert (s2 - x).pow(2).mean() < 0.8 * (t2 - x).pow(2).mean(), i


def test_time_budget_stops_checkpoints_and_exports(model, cache, tmp_path):
    """--max-minutes: a run whose budget is spent after its first step stops there, leaves that step's checkpoint
    (so it resumes) and still exports; the budget's schedule step is the spent share of the total, never less
    than the real step."""
    from stepvid.distill.config import DistillConfig
    from stepvid.distill.trainer import DistillTrainer
    from stepvid.train.checkpoint import list_checkpoints
    from stepvid.train.common import budget_step

    assert [budget_step(s, 100, e, 10.0) for s, e in ((5, 0.0), (5, 60.0), (50, 60.0), (5, 600.0), (5, 1e4))] == [
        5, 10, 50, 100, 100]
    assert budget_step(7, 100, 1e9, None) == 7
    cfg = DistillConfig(teacher=str(model), cache=[str(cache)], run_dir=str(tmp_path / "run"), out=str(tmp_path / "s"),
                        steps=1000, batch_size=2, warmup=0, device="cpu", max_minutes=1e-6)
    summary = DistillTrainer(cfg).fit()
    assert summary["steps"] == 1 and "mse" in summary["last"] and (tmp_path / "s" / "stepvid.json").is_file()
    assert [p.name for p in list_checkpoints(tmp_path / "run")] == ["step-00000001"]
    with pytest.raises(ValueError, match="max_minutes must be > 0"):
        DistillConfig(teacher="m", cache=["c"], run_dir="r", max_minutes=0).check()


def test_train_distill_needs_data(model, tmp_path, capsys):
    from stepvid.cli import main

    assert main(["train", "distill", "--run-dir", str(tmp_path / "r"), "--teacher", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "give --cache" in err
    assert main(["train", "distill", "--run-dir", str(tmp_path / "r"), "--teacher", str(model),
                 "--cache", str(tmp_path)]) == 2
    assert "not a teacher cache" in capsys.readouterr().err


@pytest.mark.slow  # ~11 s of training on one core: CI's slow set, beside the default suite
def test_slim_decoder_learns_the_teachers_decode_resumes_exactly_and_keeps_the_encoder(model, cache, tmp_path):
    """Decoder distillation: the narrower decoder gets closer to the teacher decoder's pixels on held-out latents
    than its initialisation; a run killed after a checkpoint resumes to the same bytes; the written VAE keeps the
    teacher's encoder bit for bit and decodes full latents like the teacher (same frames and size)."""
    import shutil

    from safetensors.torch import load_file

    from stepvid.distill.decoder import (
        DecoderDistillConfig,
        _Chunks,
        distill_decoder,
        held_out_psnr,
        slim_vae,
    )
    from stepvid.models.vae import VideoVAE

    def cfg(run: str, **kw) -> DecoderDistillConfig:
        kw = {"decoder": {"decoder_ch": 8}, **kw}
        return DecoderDistillConfig(vae=str(model), cache=[str(cache)], run_dir=str(tmp_path / run),
                                    out=str(tmp_path / f"{run}.safetensors"), steps=6, batch_size=2, lr=5e-3,
                                    warmup=0, holdout=1, device="cpu", log_every=3, checkpoint_every=3, **kw)

    s = distill_decoder(cfg("a"), progress=False)
    teacher = VideoVAE.from_pretrained(model, dtype=torch.float32).eval()
    torch.manual_seed(0)
    fresh = slim_vae(teacher, {"decoder_ch": 8}).eval()
    c = read_teacher_cache(cache)
    held = _Chunks(c, range(len(c) - 1, len(c)), teacher.config.latents_per_chunk, torch.device("cpu")).all()
    untrained = held_out_psnr(teacher, fresh, held, torch.no_grad)["psnr_to_teacher"]
    warm = slim_vae(teacher, {"decoder_ch": 8}, warm_start=True).decoder.state_dict()
    ref = teacher.decoder.state_dict()
    same = [k for k, v in warm.items() if v.shape == ref[k].shape]
    assert 0 < len(same) < len(warm) and all(torch.equal(warm[k], ref[k]) for k in same)
    assert s["psnr_to_teacher"] > untrained + 3, (s["psnr_to_teacher"], untrained)

    student = VideoVAE.from_pretrained(tmp_path / "a.safetensors", dtype=torch.float32)
    assert student.config.decoder_ch == 8 and student.config.z_channels == teacher.config.z_channels
    t_sd, s_sd = load_file(VideoVAE.weights_file(model)), load_file(tmp_path / "a.safetensors")
    enc = [k for k in t_sd if k.startswith("encoder.")]
    assert enc and all(torch.equal(t_sd[k], s_sd[k]) for k in enc)
    z = c.latent(0)[None]
    assert student.decode(z).shape == teacher.decode(z).shape

    shutil.copytree(tmp_path / "a", tmp_path / "b")  # "killed" after the step-3 checkpoint
    from stepvid.train.checkpoint import list_checkpoints

    shutil.rmtree(list_checkpoints(tmp_path / "b")[-1])
    (tmp_path / "b" / "config.json").write_text((tmp_path / "b" / "config.json").read_text().replace(
        str(tmp_path / "a.safetensors"), str(tmp_path / "b.safetensors")).replace(str(tmp_path / "a"), str(tmp_path / "b")))
    r = distill_decoder(cfg("b"), progress=False)
    assert r["resumed_from"] == str(list_checkpoints(tmp_path / "b")[0])
    assert (tmp_path / "b.safetensors").read_bytes() == (tmp_path / "a.safetensors").read_bytes()
    with pytest.raises(ValueError, match="only decoder_\\* fields"):
        distill_decoder(cfg("c", decoder={"z_channels": 8}), progress=False)


def test_progressive_student_start_is_the_students_own_sampling_path(model, pipe, cache, tmp_path):
    """``start="student"``: the teacher's steps start where the student's own first k unguided Euler steps land —
    with k = S for every row that is the exported student's S-step CFG-1 sample, rows with k = 0 stay at their
    noise, and a row's state does not depend on the other rows' k."""
    from stepvid.distill.config import DistillConfig
    from stepvid.distill.trainer import DistillTrainer
    from stepvid.pipeline import TextToVideoPipeline

    cfg = DistillConfig(teacher=str(model), cache=[str(cache)], run_dir=str(tmp_path / "run"),
                        out=str(tmp_path / "pd"), steps=4, batch_size=6, lr=1e-4, warmup=0, device="cpu",
                        turbo_steps=3, teacher_substeps=2, log_every=2, objective="progressive", start="student")
    trainer = DistillTrainer(cfg)
    trainer.fit()
    student = TextToVideoPipeline.from_pretrained(tmp_path / "pd", device="cpu")
    x1, z, rows, gens = trainer._samples(0)
    texts = [r["text"] for r in rows]
    tau, _ = trainer._teacher_grid()
    emb = trainer._text_states(texts)
    prompt = (emb.llm, emb.clip, emb.cross_attention_mask())
    full = trainer._rollout(z, torch.full((len(texts),), 3), tau[::2], *prompt)
    ref = student.sample_latents(texts, [r["seed"] for r in rows], steps=3, cfg=1.0)
    torch.testing.assert_close(full, ref.float(), rtol=0, atol=1e-5)
    k = torch.tensor([0, 3, 1, 0, 2, 3])
    mixed = trainer._rollout(z, k, tau[::2], *prompt)
    torch.testing.assert_close(mixed[k == 0], z[k == 0], rtol=0, atol=0)
    torch.testing.assert_close(mixed[k == 3], full[k == 3], rtol=0, atol=1e-5)
    one = trainer._rollout(z, torch.ones(len(texts), dtype=torch.long), tau[::2], *prompt)
    torch.testing.assert_close(mixed[k == 1], one[k == 1], rtol=0, atol=1e-5)
    x_a, t_a, _ = trainer._progressive(x1, z, texts, gens)  # the training starts: rollouts to each row's step
    k_a = torch.stack([(tau[::2] - t).abs().argmin() for t in t_a.cpu()])
    torch.testing.assert_close(x_a, trainer._rollout(z, k_a, tau[::2], *prompt), rtol=0, atol=1e-6)
    with pytest.raises(ValueError, match="start must be line or student"):
        DistillConfig(teacher="m", cache=["c"], run_dir="r", start="teacher").check()


def test_distribution_matching_moves_end_points_by_the_closed_form_and_keeps_the_two_losses_apart(model, cache,
                                                                                                   tmp_path):
    """DMD: the loss's gradient in the student's end point x is (x̂_fake − x̂_real) / mean|x − x̂_real| per
    element over the element count (x̂ = x_t + (1 − t) v; real: the teacher's guided velocity, its conditional and
    unconditional rows run apart here; fake: the fake score's), recomputed in fp64; the DMD loss leaves the fake
    score untouched, and the fake's flow-matching loss leaves x untouched but trains the fake."""
    from stepvid.diffusion.flow import interpolate
    from stepvid.distill.config import DistillConfig
    from stepvid.distill.trainer import DistillTrainer

    cfg = DistillConfig(teacher=str(model), cache=[str(cache)], run_dir=str(tmp_path / "run"), batch_size=3,
                        device="cpu", turbo_steps=2, objective="trajectory", cfg_distill=False, dmd_weight=1.0,
                        dmd_cfg=2.5, precision="fp32")
    tr = DistillTrainer(cfg)
    tr.setup()
    g = torch.Generator().manual_seed(0)
    with torch.no_grad():  # the fake score apart from the teacher (a copy at the start)
        for p in tr.fake.parameters():
            p.add_(0.05 * torch.randn(p.shape, generator=g))
    x1, _, rows, gens = tr._samples(0)
    texts = [r["text"] for r in rows]
    x = (x1 + 0.3 * torch.randn(x1.shape, generator=g)).requires_grad_(True)
    dmd, fake_err = tr._distribution_matching(x, texts, gens)
    dmd.mean().backward(retain_graph=True)
    assert all(p.grad is None for p in tr.fake.parameters())
    got = x.grad.clone()
    fake_err.mean().backward()
    torch.testing.assert_close(x.grad, got, rtol=0, atol=0)
    assert sum(float(p.grad.abs().sum()) for p in tr.fake.parameters() if p.grad is not None) > 0

    _, _, _, gens = tr._samples(0)  # the same draws again: t ~ U[0.02, 0.98], then the fresh noise
    t = torch.cat([torch.rand(1, generator=g) for g in gens]) * 0.96 + 0.02
    noise = torch.stack([torch.randn(x1.shape[1:], generator=g) for g in gens])
    xt = interpolate(noise, x.detach(), t)
    e, neg = tr._text_states(texts), tr._text_states([tr._negative] * len(texts))

    def v(m, emb):
        with torch.no_grad():
            return m(hidden_states=xt, timestep=t, encoder_hidden_states=emb.llm, encoder_hidden_states_2=emb.clip,
                     encoder_attention_mask=emb.cross_attention_mask()).double()

    cond, uncond, fake = v(tr.reference, e), v(tr.reference, neg), v(tr.fake, e)
    real = uncond + 2.5 * (cond - uncond)
    s = (1 - t.double()).view(-1, 1, 1, 1, 1)
    x_real, x_fake = xt.double() + s * real, xt.double() + s * fake
    norm = (x.detach().double() - x_real).abs().flatten(1).mean(1).view(-1, 1, 1, 1, 1)
    want = (x_fake - x_real) / norm / x[0].numel() / len(texts)
    # fp32 forwards (the trainer batches the teacher's two rows, here they run apart): rounding of ~1e-7 of the
    # velocities' size, which a near-cancelling x̂_fake − x̂_real element turns into a large relative error.
    torch.testing.assert_close(got.double(), want, rtol=1e-4, atol=1e-4 * float(want.abs().max()))
    assert float(want.abs().max()) > 0


@pytest.mark.slow  # ~12 s of training on one core: CI's slow set
def test_distribution_matching_run_resumes_the_fake_score_and_its_optimizer_exactly(model, cache, tmp_path):
    """A DMD run stopped after 2 steps and resumed to 4 ends with the same student and fake score, bit for bit,
    as one run of 4 (the fake and its Adam state are in the checkpoints); the fake has moved off the teacher, and
    the student's export is the student, not the fake."""
    from safetensors.torch import load_file

    from stepvid.distill.config import DistillConfig
    from stepvid.distill.trainer import DistillTrainer
    from stepvid.train.checkpoint import latest_checkpoint

    def run(name: str, steps: int) -> None:
        DistillTrainer(DistillConfig(
            teacher=str(model), cache=[str(cache)], run_dir=str(tmp_path / name), out=str(tmp_path / f"{name}-out"),
            steps=steps, batch_size=2, lr=1e-4, fake_lr=3e-4, warmup=0, device="cpu", turbo_steps=2,
            checkpoint_every=2, objective="trajectory", cfg_distill=False, dmd_weight=1.0, precision="fp32")).fit()

    def state(name: str) -> tuple[dict, dict]:
        ck = load_file(str(latest_checkpoint(tmp_path / name) / "model-rank00000.safetensors"))
        out = load_file(str(tmp_path / f"{name}-out" / "transformer" / "diffusion_pytorch_model.safetensors"))
        return ck, out

    run("once", 4)
    run("twice", 2)
    run("twice", 4)
    (ck1, out1), (ck2, out2) = state("once"), state("twice")
    assert ck1.keys() == ck2.keys() and any(k.startswith("fake.") for k in ck1)
    for k in ck1:
        torch.testing.assert_close(ck1[k], ck2[k], rtol=0, atol=0, msg=k)
    teacher = load_file(str(model / "transformer" / "diffusion_pytorch_model.safetensors"))
    moved = [k for k in teacher if not torch.equal(ck1[f"fake.{k}"], teacher[k].float())]
    assert moved, "the fake score did not train"
    for k, v in out1.items():
        torch.testing.assert_close(v.float(), ck1[f"dit.{k}"].to(v.dtype).float(), rtol=0, atol=0, msg=k)
        torch.testing.assert_close(v, out2[k], rtol=0, atol=0, msg=k)
