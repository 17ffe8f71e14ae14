"""Video-DPO: pair sets (generation, ranking, resume, shards, refusals) and the trainer (first-step loss,
direction, resume after SIGKILL, LoRA reference and export, the online loop), on a tiny random model."""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch

from stepvid.dpo.pairs import PromptRow, Score, load_prompts, make_pairs, read_pairs, select_pairs
from stepvid.testing.scripts import run_cli_one_thread

GEN = {"num_frames": 17, "height": 32, "width": 32, "steps": 3, "cfg": 3.0, "shift": 3.0,
       "positive_suffix": "", "negative_prompt": ""}
PROMPTS = ["a red circle moves to the right", "一个蓝色的正方形向左移动", "a green triangle moves up",
           "two yellow stars", "a white cross spins"]


class Brightness:
    """A deterministic scorer for tests: mean brightness of the clip (the judge needs a trained model)."""

    name = "brightness"
    needs_video = True

    def __init__(self, passes_above: float = 127.0):
        self.passes_above = passes_above  # a clip "passes" when brighter than this

    def check(self, rows):
        pass

    def submit(self, videos, rows, latents=None):
        out = [Score(float(v.mean()) / 255.0, float(v.mean()) > self.passes_above) for v in videos]
        return lambda: out

    def close(self):
        pass


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> Path:
    return random_tiny_model(tmp_path_factory.mktemp("m") / "m", GEN)


def random_tiny_model(folder: Path, defaults: dict) -> Path:
    """The tiny model folder with every DiT weight random (its zero-initialised gates would hide gradients)."""
    from safetensors.torch import load_file

    from stepvid.checkpoints import save_sharded_safetensors
    from stepvid.testing.checkpoint_fixtures import write_tiny_small_model

    root = write_tiny_small_model(folder, seed=0, defaults=defaults, corpus=PROMPTS)
    f = root / "transformer" / "diffusion_pytorch_model.safetensors"
    g = torch.Generator().manual_seed(0)
    sd = {k: (torch.randn(v.shape, generator=g) * 0.05 if v.is_floating_point() else v)
          for k, v in load_file(str(f)).items()}
    save_sharded_safetensors(sd, root / "transformer")
    return root


@pytest.fixture(scope="module")
def pipe(model):
    from stepvid.pipeline import TextToVideoPipeline

    return TextToVideoPipeline.from_pretrained(model, device="cpu")


def _rows(n: int | None = None):
    return [PromptRow(i, f"p{i}", p) for i, p in enumerate(PROMPTS[:n])]


@pytest.fixture(scope="module")
def pairset(pipe, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pairs") / "set"
    make_pairs(pipe, _rows(), out, Brightness(), num_candidates=3, batch=6, progress=False)
    return out


def _pair_rows(folder: Path) -> dict:
    rows = {}
    for f in sorted(folder.glob("pairs-*.jsonl")):
        for line in f.read_text().splitlines():
            r = json.loads(line)
            rows[r["index"]] = r
    return rows


def test_select_pairs_best_with_worst_while_scores_differ():
    assert select_pairs([0.2, 0.9, 0.5, 0.1]) == [(1, 3)]
    assert select_pairs([0.2, 0.9, 0.5, 0.1], max_pairs=2) == [(1, 3), (2, 0)]
    assert select_pairs([0.5, 0.5, 0.5]) == []                       # no preference
    assert select_pairs([0.5, 0.5, 0.4, 0.4], max_pairs=2) == [(0, 3), (1, 2)]
    assert select_pairs([0.3, 0.31], min_margin=0.05) == []
    assert select_pairs([1.0, 0.0, 1.0, 0.0, 0.5], max_pairs=3) == [(0, 3), (2, 1)]  # never a candidate twice


def test_select_pairs_pass_fail_rule():
    """``pair_rule="pass-fail"``: a pair only of a candidate that passed with one that failed."""
    scores, passed = [0.9, 0.8, 0.5, 0.1], [True, True, False, False]
    assert select_pairs(scores, max_pairs=2, passed=passed) == [(0, 3), (1, 2)]
    assert select_pairs(scores, max_pairs=2, passed=[True, False, False, False]) == [(0, 3)]  # 0.8 failed too
    assert select_pairs([0.9, 0.2], passed=[False, False]) == []  # both failed: scores alone apart
    assert select_pairs([0.9, 0.2], passed=[True, True]) == []
    assert select_pairs([0.9, 0.2]) == [(0, 1)]  # the score rule pairs them


def test_select_pairs_guided_candidates_are_chosen_never_rejected():
    """``rejectable`` marks the model's own candidates (0-2 here); the guided one (3) may only be chosen."""
    own = [True, True, True, False]
    assert select_pairs([0.2, 0.1, 0.3, 0.9], rejectable=own) == [(3, 1)]
    assert select_pairs([0.2, 0.1, 0.3, 0.9], max_pairs=2, rejectable=own) == [(3, 1), (2, 0)]
    assert select_pairs([0.9, 0.9, 0.9, 0.1], rejectable=own) == []  # worst is guided; the own ones tie
    assert select_pairs([0.5, 0.6, 0.4, 1.0], max_pairs=2, passed=[False, False, False, True],
                        rejectable=own) == [(3, 2)]  # second pair: two failing own clips, no pair
    for scores in ([0.2, 0.9, 0.5, 0.1], [1.0, 0.0, 1.0, 0.0, 0.5], [0.5, 0.5, 0.4, 0.4]):
        assert (select_pairs(scores, max_pairs=3, rejectable=[True] * len(scores))
                == select_pairs(scores, max_pairs=3))
    assert select_pairs([0.9, 0.1, 0.9], rejectable=[True, True, False]) == [(2, 1)]  # a tie: the guided one


def _clip(frames: int, level: int, size: int = GEN["height"]) -> np.ndarray:
    """A clip whose brightness (the test scorer) is ``level``, with a moving bar so the VAE sees structure."""
    v = np.full((frames, size, size, 3), level, np.uint8)
    for t in range(frames):
        v[t, :, (3 * t) % size : (3 * t) % size + 6] = 255 - level
    return v


def _reference_prompts(tmp_path: Path, frames: int = 17) -> Path:
    from stepvid.video import write_video

    (tmp_path / "clips").mkdir()
    rows = []
    for i, p in enumerate(PROMPTS[:3]):
        write_video(tmp_path / "clips" / f"{i}.mp4", _clip(frames if i != 2 else 17, 200), fps=12, crf=4)
        rows.append({"id": f"r{i}", "prompt": p, "video": f"clips/{i}.mp4"})
    f = tmp_path / "p.jsonl"
    f.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return f


def test_reference_clips_are_chosen_as_the_vae_encodes_them_never_rejected(pipe, tmp_path):
    """``reference=True``: each row's clip joins the ranking after the model's own samples; the scorer (GuidedPass:
    by position alone, on the decoded videos, so no random VAE's brightness decides) ranks it best, and it is chosen
    with its latents the VAE posterior mean of the clip as read back (``vae.encode``, bf16 storage); the rejected
    side is the model's own worst sample, the pair keeps the prompt, and the clip's side names it."""
    from stepvid.video import read_video

    rows = load_prompts(_reference_prompts(tmp_path))
    assert rows[0].video == str((tmp_path / "clips" / "0.mp4").resolve())
    stats = make_pairs(pipe, rows, tmp_path / "set", GuidedPass(2, 1), num_candidates=2, batch=4, reference=True,
                       progress=False)
    assert stats["reference_pairs"] == stats["pairs"] == 3 and stats["candidates"] == 6
    ps = read_pairs(tmp_path / "set")
    for i, r in enumerate(ps.rows):
        assert r["chosen"]["reference"] and r["chosen"]["seed"] is None and "reference" not in r["rejected"]
        assert r["chosen"]["video"] == rows[r["index"]].video and r["text"] == r["prompt"]
        assert r["rejected"]["score"] == 0.0  # the worst own candidate (GuidedPass: own #0)
        frames = torch.from_numpy(read_video(r["chosen"]["video"])).permute(0, 3, 1, 2)[None].float() / 127.5 - 1
        with torch.no_grad():
            want = pipe.vae.encode(frames.to(next(pipe.vae.parameters()).dtype)).float()[0]
        chosen, rejected = ps.get(i)
        assert torch.allclose(chosen, want, atol=1e-2 * float(want.abs().max()))
        alone = pipe.sample_latents([r["text"]], [r["rejected"]["seed"]])[0].float()
        assert torch.allclose(rejected, alone, atol=2e-2 * float(alone.abs().max()))
    with pytest.raises(ValueError, match="reference=True"):  # a set made another way is not extended
        make_pairs(pipe, rows, tmp_path / "set", Brightness(), num_candidates=2, progress=False)
    # A clip tied with the model's best sample takes the chosen side (the scorer: own #0 and the clip score 1).
    # (It ranks latents alone, needing no decode, and one prompt shows the rule.)
    tie = GuidedPass(2, 1)
    tie.needs_video = False
    tie.submit = lambda videos, rows, latents=None: (
        lambda: [Score(float(i % 3 != 1), i % 3 != 1) for i in range(len(latents))])
    make_pairs(pipe, rows[:1], tmp_path / "tie", tie, num_candidates=2, batch=4, reference=True, progress=False)
    tied = read_pairs(tmp_path / "tie").rows
    assert len(tied) == 1 and all(r["chosen"].get("reference") for r in tied)


def test_reference_clips_of_another_size_or_missing_are_refused_naming_the_row(pipe, tmp_path):
    from stepvid.video import write_video

    f = _reference_prompts(tmp_path, frames=16)  # rows r0, r1: 16 frames; the model makes 17
    with pytest.raises(ValueError, match=r"prompt 'r0': reference video .*0\.mp4 is 16x32x32 .* are 17x32x32"):
        make_pairs(pipe, load_prompts(f), tmp_path / "a", Brightness(), num_candidates=2, reference=True,
                   progress=False)
    (tmp_path / "clips" / "1.mp4").write_bytes(b"not a video")
    with pytest.raises(ValueError, match=r"prompt 'r1': reference video unreadable: .*1\.mp4"):
        make_pairs(pipe, load_prompts(f)[1:], tmp_path / "b", Brightness(), num_candidates=2, reference=True,
                   progress=False)
    with pytest.raises(ValueError, match=r"prompt 'p0' .* has no 'video'"):
        make_pairs(pipe, _rows(2), tmp_path / "c", Brightness(), num_candidates=2, reference=True, progress=False)
    write_video(tmp_path / "ok.mp4", _clip(17, 200), fps=12)
    for line, err, message in [('{"prompt": "x", "video": "gone.mp4"}', FileNotFoundError, "video 'gone.mp4' not found"),
                               ('{"prompt": "x", "video": 3}', ValueError, "'video' must be a non-empty path")]:
        g = tmp_path / "q.jsonl"
        g.write_text('{"prompt": "a red circle", "video": "ok.mp4"}\n' + line + "\n")
        with pytest.raises(err, match=rf"q.jsonl:2: {message}"):
            load_prompts(g)


class GuidedPass:
    """Passes a prompt's last ``guided`` candidates only (make_pairs scores the own ones first, then the guided)."""

    name = "guided-pass"
    needs_video = True

    def __init__(self, own: int, guided: int):
        self.own, self.per = own, own + guided

    def check(self, rows):
        pass

    def submit(self, videos, rows, latents=None):
        out = [Score(1.0 if i % self.per >= self.own else 0.1 * (i % self.per), i % self.per >= self.own)
               for i in range(len(videos))]
        return lambda: out

    def close(self):
        pass


class LastWins(GuidedPass):
    """``GuidedPass`` ranking latents alone (no decode): a prompt's last ``guided`` candidates score 1, the own
    ones 0, 0.1, ..."""

    needs_video = False

    def submit(self, videos, rows, latents=None):
        return super().submit(latents, rows)


def test_guided_candidates_are_sampled_from_the_rewritten_prompt(pipe, tmp_path):
    """With a guide, the chosen clip is sampled from the rewriter's text (the same latents come back when that
    text is sampled with the chosen seed alone) while the pair keeps the prompt as written for training."""
    prompts = [PromptRow(0, "a", "hey could you make a red circle go to the right please"),
               PromptRow(1, "b", "a green triangle moves up")]
    stats = make_pairs(pipe, prompts, tmp_path / "g", GuidedPass(2, 1), num_candidates=2, batch=6,
                       pair_rule="pass-fail", guide="world", guide_candidates=1, progress=False,
                       generation={"prompt_rewrite": "none"})
    assert stats["pairs"] == stats["guided_pairs"] == 2 and stats["guided_pass_rate"] == 1.0
    assert stats["pass_rate"] == 0.0 and stats["candidates"] == 4
    ps = read_pairs(tmp_path / "g")
    for i, r in enumerate(ps.rows):
        assert r["text"] == r["prompt"] and r["chosen"]["guided"] and "guided" not in r["rejected"]
        assert r["chosen"]["text"] == pipe.rewrite(r["prompt"], "world").text
        assert r["rejected"]["score"] == 0.0  # the worst own candidate
        w, lose = ps.get(i)
        alone_w = pipe.sample_latents([r["chosen"]["text"]], [r["chosen"]["seed"]])[0].float()
        alone_l = pipe.sample_latents([r["text"]], [r["rejected"]["seed"]])[0].float()
        # bf16 storage: relative error ~2^-8
        assert torch.allclose(w, alone_w, atol=2e-2 * float(alone_w.abs().max()))
        assert torch.allclose(lose, alone_l, atol=2e-2 * float(alone_l.abs().max()))
        assert not torch.allclose(w, lose, atol=2e-2 * float(alone_w.abs().max()))
    assert ps.rows[0]["chosen"]["text"] == "A red circle moves to the right."
    with pytest.raises(ValueError, match="go together"):
        make_pairs(pipe, prompts, tmp_path / "h", GuidedPass(2, 1), num_candidates=2, guide="world")
    with pytest.raises(ValueError, match="guide_candidates=1"):  # a set made another way is not extended
        make_pairs(pipe, prompts, tmp_path / "g", GuidedPass(2, 2), num_candidates=2, guide="world",
                   guide_candidates=2, progress=False, generation={"prompt_rewrite": "none"})


@pytest.mark.parametrize("line, message", [
    ('{"prompt": ', "not JSON"),
    ('["a red circle"]', "expected a JSON object"),
    ('{"prompt": ""}', "'prompt' must be a non-empty string"),
    ('{"prompt": "x", "request": {"objects": [{"color": "mauve"}]}}', "unknown value 'mauve'"),
    ('{"prompt": "x", "id": "a"}', "id 'a' already used on line 1"),
])
def test_prompt_file_errors_name_the_line(tmp_path, line, message):
    f = tmp_path / "p.jsonl"
    f.write_text('{"prompt": "a red circle", "id": "a"}\n' + line + "\n")
    with pytest.raises(ValueError, match=rf"p.jsonl:2: .*{message}"):
        load_prompts(f)


def test_text_prompt_file(tmp_path):
    f = tmp_path / "p.txt"
    f.write_text("a red circle\n\n一个蓝色的圆\n")
    rows = load_prompts(f)
    assert [(r.index, r.prompt, r.request) for r in rows] == [(0, "a red circle", None), (1, "一个蓝色的圆", None)]


def test_pairs_are_the_best_and_worst_candidates(pipe, pairset):
    """Each pair's latents decode to the videos that were scored, and chosen is the best, rejected the worst."""
    from stepvid.pipeline import postprocess_video

    ps = read_pairs(pairset)
    cands = {json.loads(x)["index"]: json.loads(x) for x in (pairset / "candidates-0of1.jsonl").read_text().splitlines()}
    assert len(cands) == len(PROMPTS) and len(ps) == sum(c["pairs"] for c in cands.values()) > 0
    for i, r in enumerate(ps.rows):
        c = cands[r["index"]]
        assert r["chosen"]["score"] == max(c["scores"]) and r["rejected"]["score"] == min(c["scores"])
        assert r["chosen"]["seed"] == c["seeds"][c["scores"].index(max(c["scores"]))]
        w, _ = ps.get(i)
        video = postprocess_video(pipe.decode_batch(w[None])[0].float())
        # bf16 storage of the latents moves the brightness by well under one grey level
        assert abs(video.mean() / 255 - r["chosen"]["score"]) < 2 / 255


def test_sample_latents_are_what_generate_batch_decodes(pipe):
    from stepvid.pipeline import postprocess_video

    lat = pipe.sample_latents(PROMPTS[:2], [3, 4])
    frames = pipe.generate_batch(PROMPTS[:2], [3, 4])
    for z, f in zip(lat, frames):
        assert np.array_equal(postprocess_video(pipe.decode_batch(z[None])[0].float()), f)


def test_shards_and_a_crash_resume_give_the_same_pair_set(pipe, pairset, tmp_path):
    import shutil

    ref = _pair_rows(pairset)
    sharded = tmp_path / "sharded"
    for s in range(2):
        make_pairs(pipe, _rows(), sharded, Brightness(), num_candidates=3, batch=6, shard=(s, 2), progress=False)
    got = _pair_rows(sharded)
    assert got.keys() == ref.keys()
    for k in ref:
        assert got[k]["chosen"]["seed"] == ref[k]["chosen"]["seed"]
        assert got[k]["rejected"]["seed"] == ref[k]["rejected"]["seed"]
        assert got[k]["chosen"]["score"] == pytest.approx(ref[k]["chosen"]["score"], abs=1e-4)

    # A crash after a batch's pair rows were appended but before its "done" marks: resume must redo that
    # prompt once, not duplicate its pair.
    # (The module's set, made in batches of 2 prompts, stands for the crashed run: its last batch is prompt 4.)
    crash = tmp_path / "crash"
    shutil.copytree(pairset, crash)
    cpath = crash / "candidates-0of1.jsonl"
    lines = cpath.read_text().splitlines()
    cpath.write_text("\n".join(lines[:-1]) + "\n" + lines[-1][:10])  # the last mark torn mid-write
    stats = make_pairs(pipe, _rows(), crash, Brightness(), num_candidates=3, batch=6, progress=False)
    assert stats["prompts"] == 1 and stats["already_done"] == len(PROMPTS) - 1
    rows = [json.loads(x) for x in (crash / "pairs-0of1.jsonl").read_text().splitlines()]
    assert sorted(r["index"] for r in rows) == sorted(ref)
    assert len(read_pairs(crash)) == len(ref)
    used = {r["latents"] for r in rows}
    assert {f"latents/{f.name}" for f in (crash / "latents").iterdir()} == used  # no orphan latents

    with pytest.raises(ValueError, match="made with num_candidates=3, this run has num_candidates=4"):
        make_pairs(pipe, _rows(), crash, Brightness(), num_candidates=4, batch=4, progress=False)


def test_pass_fail_pairs_are_the_score_pairs_across_the_check(pipe, pairset, tmp_path):
    """The same candidates (seeds) paired by the pass-fail rule: exactly the score rule's pairs whose chosen
    video passed and rejected one failed; the rule is part of the set's settings."""
    ref = _pair_rows(pairset)  # the score rule's pairs do not depend on where passing starts
    best = sorted(r["chosen"]["score"] for r in ref.values())
    cut = (best[1] + best[2]) / 2  # between two prompts' best clips: some prompts have a passing clip, some not
    out = tmp_path / "pf"
    make_pairs(pipe, _rows(), out, Brightness(cut * 255), num_candidates=3, batch=6, pair_rule="pass-fail",
               progress=False)
    got = _pair_rows(out)
    want = {k for k, r in ref.items() if r["chosen"]["score"] > cut > r["rejected"]["score"]}
    assert got.keys() == want and 0 < len(want) < len(ref)
    for k in want:
        assert (got[k]["chosen"]["seed"], got[k]["rejected"]["seed"]) == (ref[k]["chosen"]["seed"],
                                                                          ref[k]["rejected"]["seed"])
        assert got[k]["chosen"]["passed"] and not got[k]["rejected"]["passed"]
    with pytest.raises(ValueError, match="pair_rule"):
        make_pairs(pipe, _rows(), out, Brightness(cut * 255), num_candidates=3, batch=6, progress=False)
    with pytest.raises(ValueError, match="pair_rule must be one of"):
        make_pairs(pipe, _rows(), tmp_path / "x", Brightness(), pair_rule="margin", progress=False)


def _rewrite_row(folder: Path, change) -> None:
    p = folder / "pairs-0of1.jsonl"
    rows = [json.loads(x) for x in p.read_text().splitlines()]
    change(rows[0])
    p.write_text("".join(json.dumps(r) + "\n" for r in rows))


@pytest.mark.parametrize("change, message", [
    (lambda r: r.pop("key"), "pair row lacks 'key'"),
    (lambda r: r.update(shape=[1, 2, 3, 4]), "has shape .* the row says \\[1, 2, 3, 4\\]"),
    (lambda r: r["chosen"].update(score=r["rejected"]["score"]), "is not above rejected score"),
    (lambda r: r.update(key="nope"), "has no tensor 'nope.chosen'"),
    (lambda r: r.update(latents="../../etc/passwd"), "leaves the pair set"),
    (lambda r: r.update(latents="latents/missing.safetensors"), "is missing"),
    (lambda r: r.update(text=" "), "empty prompt text"),
])
def test_bad_pair_rows_are_refused_naming_the_row(pairset, tmp_path, change, message):
    import shutil

    folder = tmp_path / "set"
    shutil.copytree(pairset, folder)
    _rewrite_row(folder, change)
    with pytest.raises(ValueError, match=rf"pairs-0of1.jsonl:1: .*{message}"):
        read_pairs(folder)


def test_latents_of_another_size_are_refused(pipe, pairset, tmp_path):
    import shutil

    folder = tmp_path / "set"
    shutil.copytree(pairset, folder)
    other = tmp_path / "other"
    make_pairs(pipe, _rows(2), other, Brightness(), num_candidates=3, batch=6, progress=False,
               generation={"height": 16, "width": 16})
    with pytest.raises(ValueError, match="latent shape .* differs from"):
        read_pairs([folder, other])


# ------------------------------------------------------------------------------------------------ trainer
def _cfg(model, pairs, run, **kw):
    from stepvid.dpo.config import DPOConfig

    base = {"init": str(model), "pairs": [str(pairs)], "run_dir": str(run), "steps": 2, "batch_size": 2,
            "lr": 1e-4, "warmup": 0, "beta": 100.0, "log_every": 1, "checkpoint_every": 100, "device": "cpu",
            "seed": 0}
    return DPOConfig(**{**base, **kw})


def _metrics(run: Path) -> list[dict]:
    return [json.loads(x) for x in (run / "metrics.jsonl").read_text().splitlines()]


def test_first_step_is_log2_and_the_step_prefers_the_chosen_sample(model, pairset, tmp_path):
    """policy == reference: z = 0 exactly, so the loss is log 2; one small step raises the implicit reward
    margin on the same batch (Adam's first step moves against the gradient's sign: a first-order decrease)."""
    from stepvid.dpo.trainer import DPOTrainer
    from stepvid.train.dpo import dpo_step_loss

    tr = DPOTrainer(_cfg(model, pairset, tmp_path / "run", steps=1, lr=1e-5))
    tr.fit()
    first = _metrics(tmp_path / "run")[0]
    assert first["dpo_loss"] == pytest.approx(math.log(2), abs=1e-7) and first["dpo_margin"] == 0.0
    win, lose, noise, tau, emb, _ = tr._batch(tr.pairs, 0)
    with torch.no_grad():
        _, m = dpo_step_loss(tr._call(tr.policy), tr._reference(), win, lose, noise, tau,
                             (emb.llm, emb.clip, emb.cross_attention_mask()), 100.0)
    assert m["dpo_margin"].item() > 0 and m["dpo_acc"].item() == 1.0


def test_beta_scales_the_margin_as_the_formula_says():
    from stepvid.diffusion.flow import dpo_loss

    g = torch.Generator().manual_seed(0)
    e = [torch.rand(16, generator=g, dtype=torch.float64) for _ in range(4)]
    _, m1 = dpo_loss(*e, beta=10.0)
    loss3, m3 = dpo_loss(*e, beta=30.0)
    z = -30.0 * ((e[0] - e[2]) - (e[1] - e[3]))
    assert m3["dpo_margin"].item() == pytest.approx(3 * m1["dpo_margin"].item(), rel=1e-12)
    assert loss3.item() == pytest.approx(torch.log1p(torch.exp(-z)).mean().item(), rel=1e-12)


def _transformer_state(folder: Path) -> dict:
    from safetensors.torch import load_file

    out = {}
    for f in sorted((folder / "transformer").glob("*.safetensors")):
        out.update(load_file(str(f)))
    return out


def _train_cmd(model, pairs, run, out, steps):
    return [sys.executable, "-m", "stepvid.cli", "train", "dpo", "--init", str(model), "--pairs", str(pairs),
            "--run-dir", str(run), "--out", str(out), "--steps", str(steps), "--batch-size", "2", "--lr", "1e-4",
            "--warmup", "0", "--beta", "100", "--checkpoint-every", "1", "--log-every", "1", "--device", "cpu"]


def _train_here(cmd: list[str]) -> None:
    """A `_train_cmd` in this process (no interpreter and torch start-up), on one thread like the subprocess."""
    run_cli_one_thread(cmd[3:])


def test_resume_after_sigkill_matches_an_uninterrupted_run(model, pairset, tmp_path):
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}  # one thread, as `_train_here`
    steps = 6
    _train_here(_train_cmd(model, pairset, tmp_path / "a", tmp_path / "ma", steps))  # the uninterrupted run
    cmd = _train_cmd(model, pairset, tmp_path / "b", tmp_path / "mb", steps)
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while not (tmp_path / "b" / "checkpoints" / "step-00000002").is_dir() and p.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    p.send_signal(signal.SIGKILL)
    p.wait()
    assert not (tmp_path / "mb").exists()  # killed before it exported
    _train_here(cmd)  # the resume reads what the SIGKILLed process left on disk
    a, b = _transformer_state(tmp_path / "ma"), _transformer_state(tmp_path / "mb")
    assert a.keys() == b.keys()
    for k in a:
        assert torch.equal(a[k], b[k]), k  # same draws, same optimizer state: bit for bit on one thread
    steps_logged = [r["step"] for r in _metrics(tmp_path / "b") if "loss" in r]
    assert steps_logged == list(range(1, steps + 1))  # rows after the checkpoint were rewritten, not doubled


def test_text_encoder_trains_beside_the_policy_resumes_and_is_exported(model, pairset, tmp_path):
    """``text_lr`` > 0: the first step is still log 2 (the live encoder reads the prompts as the reference's cached
    states do), the encoder's weights move, the reference keeps the starting encoder's states, a run stopped and
    resumed ends where an uninterrupted one does, and the export holds the trained encoder."""
    from stepvid.dpo.trainer import DPOTrainer
    from stepvid.models.text.small import SmallBilingualEncoder

    torch.set_num_threads(1)  # bit-for-bit comparison of two runs
    kw = {"text_lr": 1e-3, "checkpoint_every": 1}
    whole = DPOTrainer(_cfg(model, pairset, tmp_path / "a", steps=3, out=str(tmp_path / "ma"), **kw))
    whole.fit()
    assert _metrics(tmp_path / "a")[0]["dpo_loss"] == pytest.approx(math.log(2), abs=1e-7)
    start = SmallBilingualEncoder.from_pretrained(model / "text_encoder")
    ref_states = start.encode(whole.pairs.texts)
    assert torch.equal(whole._text_states(whole.pairs.texts).llm, ref_states.llm)  # the reference's conditioning
    DPOTrainer(_cfg(model, pairset, tmp_path / "b", steps=1, **kw)).fit()            # stopped after one step
    DPOTrainer(_cfg(model, pairset, tmp_path / "b", steps=3, out=str(tmp_path / "mb"), **kw)).fit()  # resumed
    a = SmallBilingualEncoder.from_pretrained(tmp_path / "ma" / "text_encoder").state_dict()
    b = SmallBilingualEncoder.from_pretrained(tmp_path / "mb" / "text_encoder").state_dict()
    s0 = start.state_dict()
    assert max(float((a[k] - s0[k]).abs().max()) for k in s0) > 1e-4  # it trained
    for k in s0:
        assert torch.equal(a[k], b[k]), k
    ta, tb = _transformer_state(tmp_path / "ma"), _transformer_state(tmp_path / "mb")
    assert all(torch.equal(ta[k], tb[k]) for k in ta)
    with pytest.raises(ValueError, match="text_lr must be >= 0"):
        _cfg(model, pairset, tmp_path / "x", text_lr=-1.0).check()


def test_frozen_text_encoder_is_exported_unchanged(model, pairset, tmp_path):
    from stepvid.dpo.trainer import DPOTrainer

    DPOTrainer(_cfg(model, pairset, tmp_path / "r", steps=1, out=str(tmp_path / "m"))).fit()
    for f in (model / "text_encoder").iterdir():
        assert (tmp_path / "m" / "text_encoder" / f.name).read_bytes() == f.read_bytes()


def test_lora_reference_is_the_base_model_and_export_merges(model, pairset, tmp_path):
    from stepvid.dpo.trainer import DPOTrainer
    from stepvid.pipeline import TextToVideoPipeline
    from stepvid.train.lora import lora_disabled

    before = {f: f.read_bytes() for f in model.rglob("*") if f.is_file()}
    tr = DPOTrainer(_cfg(model, pairset, tmp_path / "run", lora_rank=4, lr=1e-2, steps=3, out=str(tmp_path / "out")))
    tr.fit()
    base = TextToVideoPipeline.from_pretrained(model, device="cpu").transformer
    new = TextToVideoPipeline.from_pretrained(tmp_path / "out", device="cpu").transformer
    _, _, noise, tau, emb, _ = tr._batch(tr.pairs, 0)
    args = (noise, tau, emb.llm, emb.clip, emb.cross_attention_mask())
    with torch.no_grad():
        from stepvid.train.lora import unmerge_lora

        merged = tr._call(tr.policy)(*args)         # export merged the adapters into the weights
        unmerge_lora(tr.policy)
        with lora_disabled(tr.policy):
            off = tr._call(tr.policy)(*args)
        on = tr._call(tr.policy)(*args)
        b, n = tr._call(base)(*args), tr._call(new)(*args)
    torch.testing.assert_close(off, b, rtol=0, atol=1e-6)   # adapters off = the starting model
    assert (on - b).abs().max() > 1e-3                      # the adapters learned something
    torch.testing.assert_close(n, on, rtol=1e-5, atol=1e-5)  # the exported folder is the trained policy
    torch.testing.assert_close(merged, on, rtol=1e-5, atol=1e-5)
    assert {f: f.read_bytes() for f in model.rglob("*") if f.is_file()} == before  # the start is untouched
    prov = json.loads((tmp_path / "out" / "dpo.json").read_text())
    assert prov["config"]["lora_rank"] == 4 and prov["summary"]["steps"] == 3


def test_online_loop_adds_the_policys_ranked_samples(model, pairset, tmp_path):
    from stepvid.dpo.trainer import DPOTrainer

    f = tmp_path / "online.txt"
    f.write_text("a purple circle bounces\na grey square moves down\na blue star\n")
    cfg = _cfg(model, pairset, tmp_path / "run", steps=5, online_prompts=str(f), online_every=2,
               online_per_round=2, online_candidates=3)
    summary = DPOTrainer(cfg, scorer=Brightness()).fit()
    offline = len(read_pairs(pairset))
    rounds = summary["online_rounds"]
    assert [r["round"] for r in rounds] == [1, 2] and [r["prompts"] for r in rounds] == [2, 1]
    online = read_pairs(tmp_path / "run" / "online")
    assert {r["prompt"] for r in online.rows} <= set(f.read_text().splitlines())
    pool = [r["pairs"] for r in _metrics(tmp_path / "run") if "pairs" in r]
    assert pool[0] == offline and pool[-1] == offline + len(online) > offline


def test_online_loop_with_guided_candidates(model, pairset, tmp_path):
    from stepvid.dpo.trainer import DPOTrainer

    f = tmp_path / "online.txt"
    f.write_text("please make a purple circle bounce around\na grey square moves down\n")
    cfg = _cfg(model, pairset, tmp_path / "run", steps=3, online_prompts=str(f), online_every=2,
               online_per_round=2, online_candidates=2, online_guide="world", online_guide_candidates=1,
               online_pair_rule="pass-fail")
    DPOTrainer(cfg, scorer=GuidedPass(2, 1)).fit()
    online = read_pairs(tmp_path / "run" / "online")
    assert len(online) == 2 and all(r["chosen"]["guided"] and r["text"] == r["prompt"] for r in online.rows)
    assert online.rows[0]["chosen"]["text"] == "A purple circle bounces off the walls."
    with pytest.raises(ValueError, match="online_guide and online_guide_candidates"):
        _cfg(model, pairset, tmp_path / "x", online_guide="world").check()


def test_online_loop_with_reference_clips(model, pairset, tmp_path):
    """``online_reference``: each online prompt's clip joins the round's ranking after the policy's own samples.
    The scorer ranks by position alone (``LastWins``: a prompt's last candidate, where the clip goes, scores 1), so
    the chosen side is the clip exactly when the clip was ranked, whatever a random VAE makes of its brightness."""
    from stepvid.dpo.trainer import DPOTrainer

    cfg = _cfg(model, pairset, tmp_path / "run", steps=3, online_prompts=str(_reference_prompts(tmp_path)),
               online_every=2, online_per_round=2, online_candidates=2, online_reference=True)
    DPOTrainer(cfg, scorer=LastWins(2, 1)).fit()
    online = read_pairs(tmp_path / "run" / "online")
    assert len(online) == 2 and all(r["chosen"].get("reference") for r in online.rows)
    assert all("reference" not in r["rejected"] and r["rejected"]["seed"] is not None for r in online.rows)


def test_trained_text_encoder_is_exported_in_its_stored_dtype(model, pairset, tmp_path):
    """A text encoder stored in bf16 (the bundled model's) comes back in bf16 after ``text_lr`` training, not as
    the fp32 it trained in (which doubled the bundle's encoder file)."""
    import shutil

    from safetensors.torch import load_file, save_file

    from stepvid.dpo.trainer import DPOTrainer

    m = tmp_path / "m16"
    shutil.copytree(model, m)
    f = m / "text_encoder" / "model.safetensors"
    save_file({k: v.to(torch.bfloat16) for k, v in load_file(str(f)).items()}, str(f))
    DPOTrainer(_cfg(m, pairset, tmp_path / "run", steps=1, out=str(tmp_path / "out"), text_lr=1e-3)).fit()
    out = load_file(str(tmp_path / "out" / "text_encoder" / "model.safetensors"))
    assert {v.dtype for v in out.values()} == {torch.bfloat16}
    start = load_file(str(f))
    assert any(not torch.equal(out[k], start[k]) for k in start)  # the trained weights, not a copy


def test_sft_data_adds_supervised_steps_on_real_clips(model, pairset, tmp_path):
    """``--sft-data``: each step adds weight x the policy's flow-matching error on a batch of the clips (logged as
    ``sft_data_err``: loss = DPO loss + weight x it, beta tiny so DPO barely moves the policy). The logged error is
    recomputed here from the clips' VAE latents and the step's draws, and one small step lowers that error on the
    same batch (Adam's first step moves each weight against its gradient's sign: a first-order decrease), so the
    term's gradient reaches the policy — whatever a random VAE makes of the clips."""
    from stepvid.diffusion.flow import interpolate, per_sample_mse, velocity_target
    from stepvid.dpo.pairs import reference_latents
    from stepvid.dpo.trainer import DPOTrainer

    rows = load_prompts(_reference_prompts(tmp_path))

    def clip_error(trainer, step: int = 0) -> float:
        """Step ``step``'s ``--sft-data`` error as the trainer draws it (``_draws(sft=True)``), computed apart."""
        draws = trainer._draws(step, len(rows), sft=True)
        data = torch.cat([reference_latents(trainer.pipe, rows[i], {}, trainer.pairs.shape) for i, _ in draws])
        noise = torch.stack([torch.randn(data.shape[1:], generator=g) for _, g in draws])
        tau = torch.cat([trainer.density.sample(1, generator=g) for _, g in draws])
        e = trainer.pipe.text_encoder.encode([rows[i].prompt for i, _ in draws], device="cpu")
        with torch.no_grad():
            v = trainer.policy(hidden_states=interpolate(noise, data, tau), timestep=tau, encoder_hidden_states=e.llm,
                               encoder_hidden_states_2=e.clip, encoder_attention_mask=e.cross_attention_mask())
        return float(per_sample_mse(v, velocity_target(noise, data)).mean())

    cfg = _cfg(model, pairset, tmp_path / "run", steps=1, lr=1e-5, beta=1e-3, sft_data=str(tmp_path / "p.jsonl"),
               sft_data_weight=1.0)
    t = DPOTrainer(cfg)
    t.setup()
    before = clip_error(t)
    t.fit()
    m = _metrics(tmp_path / "run")[0]
    assert m["sft_data_err"] == pytest.approx(before, rel=1e-4)
    assert m["loss"] == pytest.approx(m["dpo_loss"] + m["sft_data_err"], rel=1e-5)
    after = clip_error(t)
    assert after < before
    for kw, message in [({"sft_data_weight": 1.0}, "sft_data and sft_data_weight"),
                        ({"sft_data": "x.jsonl"}, "sft_data and sft_data_weight")]:
        with pytest.raises(ValueError, match=message):
            _cfg(model, pairset, tmp_path / "x", **kw).check()
    bare = tmp_path / "bare.jsonl"
    bare.write_text('{"id": "b0", "prompt": "a red circle"}\n')
    with pytest.raises(ValueError, match="row 'b0' has no 'video'"):
        DPOTrainer(_cfg(model, pairset, tmp_path / "y", sft_data=str(bare), sft_data_weight=1.0)).setup()


def test_cli_refuses_bad_inputs_in_one_line(tmp_path, capsys, pairset):
    from stepvid.cli import main

    bad = tmp_path / "p.jsonl"
    bad.write_text('{"prompt": "a red circle"}\n{"text": "x"}\n')
    assert main(["dpo", "pairs", "--prompts", str(bad), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "p.jsonl:2" in err and "'prompt' must be a non-empty string" in err
    assert main(["train", "dpo", "--init", str(tmp_path), "--pairs", str(tmp_path), "--run-dir", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err.strip()
    assert "not a pair set" in err and err.count("\n") == 0
    txt = tmp_path / "q.txt"
    txt.write_text("a dragon flies\n")
    assert main(["dpo", "pairs", "--prompts", str(txt), "--out", str(tmp_path / "o")]) == 2
    assert "the world judge cannot score it" in capsys.readouterr().err


def test_reward_model_learns_a_ranking_and_scores_latents(pipe, tmp_path):
    """Trained on labelled latents whose score is a known function of the latent (its mean), the reward model
    ranks held-out pairs as that function does; saved as safetensors + JSON and ranks candidates as a scorer."""
    from stepvid.dpo.reward import RewardScorer, load_reward, train_reward

    g = torch.Generator().manual_seed(0)
    n, shape = 96, (2, 4, 4, 4)
    lat = torch.randn(n, 2, *shape, generator=g) * 0.3 + torch.randn(n, 2, 1, 1, 1, 1, generator=g)
    rows = []
    for i in range(n):
        a, b = lat[i, 0].mean().item(), lat[i, 1].mean().item()
        hi, lo = (0, 1) if a > b else (1, 0)
        sc = [float(torch.sigmoid(lat[i, j].mean())) for j in (hi, lo)]
        rows.append({"index": i, "id": f"q{i}", "prompt": PROMPTS[i % 5], "text": PROMPTS[i % 5], "latents": "x",
                     "key": str(i), "shape": list(shape), "chosen": {"score": sc[0]}, "rejected": {"score": sc[1]},
                     "_file": "x"})
        lat[i] = lat[i, [hi, lo]]
    from stepvid.dpo.pairs import PairSet

    ps = PairSet(rows, shape)
    ps._cache.update({i: (lat[i, 0], lat[i, 1]) for i in range(n)})
    ps.preload = lambda *a, **k: True  # already in memory
    s = train_reward(ps, pipe.text_encoder, tmp_path / "rw", epochs=40, width=8, val_fraction=0.3, progress=False)
    assert s["val_pairs"] > 10 and s["val_accuracy"] >= 0.8, s
    model = load_reward(tmp_path / "rw")
    scorer = RewardScorer(model, pipe.text_encoder)
    hi = lat[:, 0].mean((1, 2, 3, 4)) > lat[:, 1].mean((1, 2, 3, 4)) + 1.0
    cand = torch.stack([lat[hi][:4, 0], lat[hi][:4, 1]], 1).reshape(-1, *shape)
    prow = [PromptRow(0, "p", PROMPTS[0])] * len(cand)
    scores = scorer.submit(None, prow, cand)()
    assert all(scores[2 * j].score > scores[2 * j + 1].score for j in range(len(cand) // 2))
    (tmp_path / "rw" / "reward.json").write_text("{}")
    with pytest.raises(ValueError, match="reward.json: not a reward configuration"):
        load_reward(tmp_path / "rw")


@pytest.mark.slow
def test_two_process_fsdp_run_matches_one_process(model, pairset, tmp_path):
    """torchrun, 2 gloo processes, FSDP2 policy and reference, 2 pairs each = the 1-process run of 4 pairs: the
    same global draws, gradients averaged over the ranks; then a relaunch resumes from the sharded checkpoint."""
    import socket

    def port() -> int:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    def cmd(run, out, steps, batch, procs):
        c = _train_cmd(model, pairset, run, out, steps)
        c[c.index("--batch-size") + 1] = str(batch)
        c[c.index("--checkpoint-every") + 1] = "2"
        if procs == 1:
            return c
        return [sys.executable, "-m", "torch.distributed.run", "--nnodes", "1", "--nproc-per-node", str(procs),
                "--master-addr", "127.0.0.1", "--master-port", str(port()), *c[1:]]

    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    subprocess.run(cmd(tmp_path / "one", tmp_path / "m1", 3, 4, 1), check=True, env=env, capture_output=True)
    two = cmd(tmp_path / "two", tmp_path / "m2", 2, 2, 2)
    r = subprocess.run(two, env=env, capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr[-2000:]
    two[two.index("--steps") + 1] = "3"  # relaunch: resumes at step 2 from the 2-rank checkpoint
    two[two.index("--master-port") + 1] = str(port())
    r = subprocess.run(two, env=env, capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr[-2000:]
    a, b = _transformer_state(tmp_path / "m1"), _transformer_state(tmp_path / "m2")
    assert a.keys() == b.keys()
    # Adam moves each weight by at most ~lr per step whatever the gradient's size, and the 2-rank gradient is summed
    # in another order (two halves all-reduced), which perturbs an update by far less than 5 % of that bound.
    for k in a:
        torch.testing.assert_close(b[k], a[k], rtol=0, atol=0.05 * 1e-4 * 3, msg=k)
    la = [r["loss"] for r in _metrics(tmp_path / "one") if "loss" in r]
    lb = [r["loss"] for r in _metrics(tmp_path / "two") if "loss" in r]
    assert la == pytest.approx(lb, rel=1e-4) and len(lb) == 3


def test_votes_on_existing_videos_become_a_pair_set(model, pipe, tmp_path, capsys):
    """Voted videos are encoded by the model's VAE into the pair-set layout `train dpo` reads; bad rows are
    refused by line before anything is encoded."""
    from stepvid.cli import main
    from stepvid.video import read_video, write_video

    vids = pipe.generate_batch(PROMPTS[:2], [1, 2])
    for i, v in enumerate(vids):
        write_video(tmp_path / f"v{i}.mp4", v, fps=12)
    votes = tmp_path / "votes.jsonl"
    votes.write_text(json.dumps({"prompt": PROMPTS[0], "chosen": "v0.mp4", "rejected": "v1.mp4"}) + "\n"
                     + json.dumps({"prompt": PROMPTS[1], "chosen": "v1.mp4", "rejected": "v0.mp4", "id": "b",
                                   "chosen_score": 4, "rejected_score": 2}) + "\n")
    assert main(["dpo", "import", "--votes", str(votes), "--model", str(model), "--out", str(tmp_path / "p"),
                 "--device", "cpu"]) == 0
    ps = read_pairs(tmp_path / "p")
    assert [r["id"] for r in ps.rows] == ["line1", "b"] and ps.rows[1]["chosen"]["score"] == 4
    w, _ = ps.get(0)
    want = pipe.vae.encode_frames(read_video(tmp_path / "v0.mp4"))[0]
    torch.testing.assert_close(w, want.to(torch.bfloat16).float())  # stored as bf16
    torch.testing.assert_close(ps.get(1)[1], w)  # the same video, rejected in row 2
    assert main(["dpo", "import", "--votes", str(votes), "--model", str(model), "--out", str(tmp_path / "p"),
                 "--device", "cpu"]) == 0 and "2 imported before" in capsys.readouterr().out  # resumed: nothing redone

    (tmp_path / "bad.mp4").write_bytes(b"not a video")
    write_video(tmp_path / "short.mp4", vids[0][:10], fps=12)
    for row, message in (
        ({"prompt": "x", "chosen": "v0.mp4"}, "'rejected' must be a non-empty string"),
        ({"prompt": "x", "chosen": "v0.mp4", "rejected": "bad.mp4"}, "rejected video 'bad.mp4'"),
        ({"prompt": "x", "chosen": "v0.mp4", "rejected": "gone.mp4"}, "rejected video 'gone.mp4'"),
        ({"prompt": "x", "chosen": "v0.mp4", "rejected": "short.mp4"}, "a pair must share its size"),
        ({"prompt": "x", "chosen": "short.mp4", "rejected": "short.mp4"}, "10 frames"),
        ({"prompt": "x", "chosen": "v0.mp4", "rejected": "v1.mp4", "chosen_score": 0}, "above rejected_score"),
    ):
        bad = tmp_path / "bad.jsonl"
        bad.write_text(json.dumps({"prompt": "ok", "chosen": "v0.mp4", "rejected": "v1.mp4"}) + "\n" + json.dumps(row) + "\n")
        assert main(["dpo", "import", "--votes", str(bad), "--model", str(model), "--out", str(tmp_path / "q")]) == 2
        err = capsys.readouterr().err
        assert "bad.jsonl:2" in err and message in err and err.count("\n") == 1, err
    assert not (tmp_path / "q").exists()  # refused before anything was written


def test_ema_export_is_the_average_of_the_steps_and_survives_a_resume(model, pairset, tmp_path):
    """``ema_decay`` d: the exported DiT is e_k = d e_{k-1} + (1 - d) w_k over the optimizer steps (e_0 the
    start), recomputed here in fp64 from the plain run's per-step exports; a run stopped at step 2 and resumed
    exports the same weights as one run of 3 steps (the average is checkpointed)."""
    from stepvid.dpo.trainer import DPOTrainer

    d, steps = 0.6, 3
    w = [_transformer_state(model)]
    for k in range(1, steps + 1):  # the plain run, resumed one step at a time: its weights after each step
        DPOTrainer(_cfg(model, pairset, tmp_path / "plain", steps=k, checkpoint_every=1,
                        out=str(tmp_path / f"w{k}"))).fit()
        w.append(_transformer_state(tmp_path / f"w{k}"))
    DPOTrainer(_cfg(model, pairset, tmp_path / "ema", steps=steps, ema_decay=d, out=str(tmp_path / "e"))).fit()
    for k in (2, 3):
        DPOTrainer(_cfg(model, pairset, tmp_path / "ema2", steps=k, ema_decay=d, checkpoint_every=1,
                        out=str(tmp_path / "e2"))).fit()
    got, resumed = _transformer_state(tmp_path / "e"), _transformer_state(tmp_path / "e2")
    moved = 0
    for key, e in w[0].items():
        e = e.double()
        for wk in w[1:]:
            e = d * e + (1 - d) * wk[key].double()
        assert torch.allclose(got[key].double(), e, rtol=1e-5, atol=1e-7), key
        assert torch.equal(got[key], resumed[key]), key
        moved += not torch.equal(w[steps][key], got[key])
    assert moved > 0  # the average is not the last weights


def test_cosine_schedule_anneals_to_zero_at_the_last_step(model, pairset, tmp_path):
    from stepvid.dpo.trainer import DPOTrainer

    DPOTrainer(_cfg(model, pairset, tmp_path / "run", steps=4, warmup=1, lr_schedule="cosine")).fit()
    lrs = [r["lr"] for r in _metrics(tmp_path / "run") if "loss" in r]
    # warm-up step 0 at the peak (1/1), then 1e-4 * (1 + cos(pi * (s - 1) / 3)) / 2 for s = 1, 2, 3
    want = [1e-4] + [1e-4 * (1 + math.cos(math.pi * (s - 1) / 3)) / 2 for s in (1, 2, 3)]
    assert lrs == pytest.approx(want, rel=1e-12)
    with pytest.raises(ValueError, match="lr_schedule must be constant or cosine"):
        _cfg(model, pairset, tmp_path / "x", lr_schedule="linear").check()
    with pytest.raises(ValueError, match=r"ema_decay must be in \[0, 1\)"):
        _cfg(model, pairset, tmp_path / "x", ema_decay=1.0).check()
