"""DiT training end to end on world clips: overfitting, SIGKILL + resume, stages, LoRA, EMA, averaging, config errors."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from numerics import assert_reorder_close, reductions
from safetensors.torch import load_file

from stepvid.data.manifest import write_manifest
from stepvid.testing.scripts import run_cli_one_thread
from stepvid.train.config import DiTTrainConfig, load_config
from stepvid.train.dit_trainer import DiTTrainer

REPO = Path(__file__).resolve().parent.parent

TINY_DIT = {
    "preset": "tiny",
    "num_layers": 2,
    "num_attention_heads": 2,
    "attention_head_dim": 32,
    "rope_split": [16, 8, 8],
    "in_channels": 3,
    "out_channels": 3,
    "caption_channels": [32, 32],
}
TINY_TEXT = {
    "type": "small",
    "random_init": True,
    "seed": 0,
    "llm_dim": 32,
    "clip_dim": 32,
    "llm_layers": 1,
    "clip_layers": 1,
    "llm_len": 24,
}
BUCKETS = {"frames": [2], "sizes": [[8, 8]], "frame_multiple": 1, "spatial_multiple": 8, "batch_size": 4}


def world_clips(root: Path, n: int = 4, frames: int = 4, size: int = 16) -> Path:
    from stepvid.video import write_video
    from stepvid.world.captions import caption
    from stepvid.world.render import render_video
    from stepvid.world.scene import sample_scene

    rows = []
    for i in range(n):
        spec = sample_scene(
            np.random.default_rng(i), num_objects=1, bg_kinds=("solid", "vgradient", "hgradient")
        )
        write_video(root / f"clip{i}.mp4", render_video(spec, size, size, frames), fps=12)
        rows.append(
            {
                "path": f"clip{i}.mp4",
                "kind": "video",
                "caption": caption(spec),
                "width": size,
                "height": size,
                "num_frames": frames,
            }
        )
    return write_manifest(root / "manifest.jsonl", rows)


def tiny_config(run_dir: Path, manifest: Path, steps: int, **extra) -> dict:
    cfg = {
        "model": dict(TINY_DIT),
        "vae": None,
        "text_encoder": dict(TINY_TEXT),
        "data": {"source": str(manifest), "num_workers": 0},
        "stages": [{"name": "video", "steps": steps, "buckets": dict(BUCKETS), "text_dropout": 0.0}],
        "optim": {"lr": 3e-3, "warmup_steps": 5, "grad_clip": 10.0},
        "run": {
            "dir": str(run_dir),
            "precision": "fp32",
            "log_every": 1,
            "ckpt_every": 0,
            "progress": False,
            "tensorboard": False,
            "deterministic": True,
        },
    }
    for k, v in extra.items():
        cfg[k] = {**cfg[k], **v} if isinstance(v, dict) and isinstance(cfg.get(k), dict) else v
    return cfg


def losses(run_dir: Path) -> list[float]:
    return [json.loads(ln)["loss"] for ln in (run_dir / "metrics.jsonl").read_text().splitlines()]


def test_tiny_dit_overfits_world_clips(tmp_path):
    from stepvid.data.manifest import read_manifest

    man = write_manifest(
        tmp_path / "two.jsonl", read_manifest(world_clips(tmp_path, n=2)) * 2
    )  # 2 clips, batch 4
    raw = tiny_config(
        tmp_path / "run", man, 120, optim={"lr": 5e-3, "schedule": "cosine", "min_lr_ratio": 0.05}
    )
    raw["stages"][0]["timestep"] = {"name": "logit_normal"}
    t0 = time.time()
    DiTTrainer(load_config(DiTTrainConfig, raw)).fit()
    ls = losses(tmp_path / "run")
    first, last = np.mean(ls[:3]), np.mean(ls[-15:])
    print(f"overfit: loss {first:.4f} -> {last:.4f} ({first / last:.1f}x) in {time.time() - t0:.1f}s")
    assert first / last > 10
    final = load_file(str(tmp_path / "run" / "final" / "model.safetensors"))
    assert "transformer_blocks.0.attn1.wqkv.weight" in final  # released key names


def _train_here(cfg_file: Path) -> None:
    """`stepvid train dit --config FILE` in this process (no interpreter and torch start-up), on one thread like
    the subprocess (torch may give a subprocess fewer threads than this process has: it caps OMP_NUM_THREADS at
    the core count)."""
    run_cli_one_thread(["train", "dit", "--config", str(cfg_file)])


def test_kill_and_resume_matches_uninterrupted_run(tmp_path, caplog):
    man = world_clips(tmp_path)
    steps = 10
    raw = tiny_config(
        tmp_path / "killed",
        man,
        steps,
        run={"ckpt_every": 3, "keep_last": 2},
        ema_decay=0.9,
        optim={"schedule": "cosine"},
    )
    cfg_file = tmp_path / "cfg.json"
    cfg_file.write_text(json.dumps(raw))
    env = dict(os.environ, PYTHONPATH=str(REPO), OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    cmd = [sys.executable, "-m", "stepvid.cli", "train", "dit", "--config", str(cfg_file)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    ck = tmp_path / "killed" / "checkpoints"
    deadline = time.time() + 120
    while not any(p.name.startswith("step-") for p in ck.glob("step-*")) and time.time() < deadline:
        assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = max(int(p.name[5:]) for p in ck.glob("step-*"))
    assert done < steps, "the run finished before it could be killed"
    with caplog.at_level(logging.INFO, logger="stepvid.train"):
        _train_here(cfg_file)  # the resume reads what the SIGKILLed process left on disk
    assert "resumed from" in caplog.text

    ref_file = tmp_path / "ref.json"  # the uninterrupted reference
    straight = dict(raw, run={**raw["run"], "dir": str(tmp_path / "straight"), "ckpt_every": 0})
    ref_file.write_text(json.dumps(straight))
    _train_here(ref_file)
    a = load_file(str(tmp_path / "killed" / "final" / "model.safetensors"))
    b = load_file(str(tmp_path / "straight" / "final" / "model.safetensors"))
    assert a.keys() == b.keys()
    for k in a:
        torch.testing.assert_close(a[k], b[k], rtol=0, atol=0, msg=k)
    ea = load_file(str(tmp_path / "killed" / "final" / "ema.safetensors"))
    eb = load_file(str(tmp_path / "straight" / "final" / "ema.safetensors"))
    for k in ea:
        torch.testing.assert_close(ea[k], eb[k], rtol=0, atol=0, msg=k)
    la, lb = losses(tmp_path / "killed"), losses(tmp_path / "straight")
    assert len(la) == len(lb) == steps and la == lb  # the same loss curve, no duplicated steps


def test_stage_cascade_and_lora(tmp_path):
    man = world_clips(tmp_path, n=4, frames=4)
    stages = [
        {
            "name": "t2i",
            "steps": 3,
            "buckets": {**BUCKETS, "frames": [1], "videos_as_images": True},
            "lr": 1e-3,
            "warmup_steps": 0,
        },
        {
            "name": "video",
            "steps": 3,
            "buckets": BUCKETS,
            "lr": 5e-4,
            "warmup_steps": 0,
            "timestep": {"name": "logit_normal"},
        },
    ]
    cfg = load_config(DiTTrainConfig, tiny_config(tmp_path / "base", man, 1, stages=stages))
    DiTTrainer(cfg).fit()
    rows = [json.loads(ln) for ln in (tmp_path / "base" / "metrics.jsonl").read_text().splitlines()]
    assert [r["stage"] for r in rows] == ["t2i"] * 3 + ["video"] * 3
    assert [r["lr"] for r in rows][2:4] == [1e-3, 5e-4]

    # LoRA fine-tune from the base: only LoRA tensors are saved, and merging reproduces the wrapped outputs.
    lcfg = load_config(
        DiTTrainConfig,
        tiny_config(
            tmp_path / "lora",
            man,
            4,
            init_from=str(tmp_path / "base" / "final" / "model.safetensors"),
            lora={"rank": 4, "targets": ["attn1.wqkv", "ff.net.2"]},
        ),
    )
    tr = DiTTrainer(lcfg)
    tr.fit()
    saved = load_file(str(tmp_path / "lora" / "final" / "lora.safetensors"))
    assert saved and all(".lora_A" in k or ".lora_B" in k for k in saved)
    assert any(v.abs().sum() > 0 for k, v in saved.items() if "lora_B" in k)  # it trained
    base = load_file(str(tmp_path / "base" / "final" / "model.safetensors"))
    sd = tr.model.state_dict()
    torch.testing.assert_close(
        sd["transformer_blocks.0.attn1.wqkv.weight"], base["transformer_blocks.0.attn1.wqkv.weight"]
    )
    from stepvid.train.lora import merge_lora, unmerge_lora

    x, t = torch.randn(1, 2, 3, 8, 8), torch.tensor([0.3])
    llm, clip = torch.randn(1, 24, 32), torch.randn(1, 77, 32)
    tr.model.eval()
    with torch.no_grad():
        y0 = tr.model(x, t, llm, clip)
        merge_lora(tr.model)
        y1 = tr.model(x, t, llm, clip)
        unmerge_lora(tr.model)
        y2 = tr.model(x, t, llm, clip)
    # merged weights W + BA (and W after unmerging) are the same maths rounded in another order
    fan_in, depth = reductions(tr.model)
    assert_reorder_close(y1, y0, n=fan_in, depth=depth)
    assert_reorder_close(y2, y0, n=fan_in, depth=depth)


def test_average_and_ema_closed_form(tmp_path):
    from safetensors.torch import save_file

    from stepvid.train.ema import EMA, average_weights

    save_file({"w": torch.tensor([1.0, 2.0]), "n": torch.tensor([3])}, str(tmp_path / "a.safetensors"))
    save_file({"w": torch.tensor([3.0, 6.0]), "n": torch.tensor([3])}, str(tmp_path / "b.safetensors"))
    from stepvid.cli import main

    assert (
        main(
            [
                "train",
                "average",
                str(tmp_path / "a.safetensors"),
                str(tmp_path / "b.safetensors"),
                "-o",
                str(tmp_path / "avg.safetensors"),
            ]
        )
        == 0
    )
    out = load_file(str(tmp_path / "avg.safetensors"))
    torch.testing.assert_close(out["w"], torch.tensor([2.0, 4.0]))
    assert out["n"].item() == 3
    save_file({"w": torch.tensor([1.0])}, str(tmp_path / "c.safetensors"))
    with pytest.raises(ValueError, match="different keys"):
        average_weights([tmp_path / "a.safetensors", tmp_path / "c.safetensors"], tmp_path / "x.safetensors")
    lin = torch.nn.Linear(1, 1, bias=False)
    with torch.no_grad():
        lin.weight.fill_(0.0)
    ema = EMA(lin, 0.5)
    for v in (1.0, 1.0):
        with torch.no_grad():
            lin.weight.fill_(v)
        ema.update(lin)
    assert ema.shadow["weight"].item() == pytest.approx(0.75)  # 0 -> 0.5 -> 0.75


@pytest.mark.parametrize(
    "patch,msg",
    [
        ({"optim": {"lrr": 1}}, r"unknown key optim\.lrr"),
        (
            {"stages": [{"name": "a", "buckets": {"frames": [1, 30]}}]},
            r"stages\[0\] \(a\).*invalid frame count 30",
        ),
        ({"stages": [{"name": "a", "steps": "many"}]}, r"stages\[0\]\.steps: expected int"),
        ({"stages": [{"name": "a", "timestep": {"name": "beta"}}]}, "unknown name 'beta'"),
        ({"run": {"precision": "fp8"}}, "run.precision"),
    ],
)
def test_config_errors_name_the_key(tmp_path, patch, msg):
    raw = {"data": {"source": "x.jsonl"}, **patch}
    with pytest.raises(ValueError, match=msg):
        load_config(DiTTrainConfig, raw)
    (tmp_path / "c.json").write_text(json.dumps(raw))
    from stepvid.cli import main

    assert (
        main(["train", "dit", "--config", str(tmp_path / "c.json")]) == 2
    )  # clean CLI error, before training


def test_cli_set_override_and_dry_run(tmp_path, capsys):
    (tmp_path / "c.yaml").write_text("data: {source: x.jsonl}\nstages:\n  - {name: s, steps: 5}\n")
    from stepvid.cli import main

    assert (
        main(
            [
                "train",
                "dit",
                "--config",
                str(tmp_path / "c.yaml"),
                "--set",
                "stages.0.steps=7",
                "--set",
                "optim.lr=2e-5",
                "--dry-run",
            ]
        )
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert out["stages"][0]["steps"] == 7 and out["optim"]["lr"] == 2e-5


def test_cache_then_train_from_cache_with_samples(tmp_path):
    """`stepvid train cache` (tiny VAE + text encoder) -> shards + index -> DiT training reads the cache."""
    from stepvid.cli import main
    from stepvid.data.cache import CachedLatentDataset

    man = world_clips(tmp_path, n=3, frames=17, size=32)
    raw = tiny_config(
        tmp_path / "run",
        man,
        3,
        vae={"preset": "tiny"},
        model={**TINY_DIT, "in_channels": 4, "out_channels": 4},
    )
    raw["stages"][0]["buckets"] = {"frames": [17], "sizes": [[32, 32]], "batch_size": 1}
    (tmp_path / "cfg.json").write_text(json.dumps(raw))
    assert (
        main(
            [
                "train",
                "cache",
                "--config",
                str(tmp_path / "cfg.json"),
                "--out",
                str(tmp_path / "cache"),
                "--shard-size",
                "2",
                "--device",
                "cpu",
            ]
        )
        == 0
    )
    ds = CachedLatentDataset(tmp_path / "cache", batch_size=1)
    assert len(ds) == 3 and ds.index["complete"] and len(ds.index["shards"]) == 2
    item = ds[0]
    assert item["mean"].shape == (3, 4, 2, 2) and item["logvar"].shape == (3, 4, 2, 2)
    assert item["llm"].shape == (24, 32) and item["clip"].shape == (77, 32)
    raw["data"] = {"source": str(tmp_path / "cache"), "num_workers": 0}
    raw["run"].update(sample_every=3, sample_count=1, sample_steps=2, precision="bf16")  # CPU bf16 autocast
    raw["stages"][0]["text_dropout"] = 0.5
    out = DiTTrainer(load_config(DiTTrainConfig, raw)).fit()
    assert out["steps"] == 3 and np.isfinite(out["last"]["loss"])
    from stepvid.video import read_video

    assert read_video(tmp_path / "run" / "samples" / "step-00000003-0.mp4").shape == (17, 32, 32, 3)


def test_video_dpo_step_moves_policy_towards_winner():
    import copy
    import math

    from stepvid.models.dit import StepVideoDiT
    from stepvid.train.dpo import dpo_step_loss

    torch.manual_seed(0)
    policy = StepVideoDiT.from_preset("tiny", **{k: v for k, v in TINY_DIT.items() if k != "preset"})
    with torch.no_grad():  # a non-trivial starting model (a fresh DiT predicts exactly 0)
        policy.proj_out.weight.normal_(0, 0.02)
    reference = copy.deepcopy(policy).requires_grad_(False)
    g = torch.Generator().manual_seed(1)
    win, lose, noise = (torch.randn(2, 2, 3, 8, 8, generator=g) for _ in range(3))
    tau = torch.tensor([0.3, 0.7])
    cond = (torch.randn(2, 24, 32, generator=g), torch.randn(2, 77, 32, generator=g))
    opt = torch.optim.AdamW(policy.parameters(), lr=1e-3)
    first = None
    for _ in range(8):
        loss, m = dpo_step_loss(policy, reference, win, lose, noise, tau, cond, beta=50.0)
        first = loss.item() if first is None else first
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert first == pytest.approx(math.log(2), abs=1e-6)  # policy == reference at the start
    assert loss.item() < first and m["dpo_acc"].item() == 1.0 and m["dpo_margin"].item() > 0
