"""Progressive Video-VAE schedule (report §9.2): the 4x8x8 stage-1 model, stage-1 -> stage-2 loading, and a
two-stage training run through the trainer, including a resume in the middle of stage 2."""

from __future__ import annotations

import json

import pytest
import torch
from safetensors.torch import load_file
from test_train_dit import world_clips

from stepvid.data.manifest import read_manifest, write_manifest
from stepvid.models.vae import PROGRESSIVE_NEW_LAYERS, VAEConfig, VideoVAE
from stepvid.train.config import VAETrainConfig, load_config
from stepvid.train.vae_trainer import VAETrainer

NEW_KEYS = [  # tiny preset: the dual-path layers plus the two convs that change width (see vae.py)
    "decoder.conv_in.conv.bias",
    "decoder.conv_in.conv.weight",
    "decoder.conv_unpatchify.conv.conv.bias",
    "decoder.conv_unpatchify.conv.conv.weight",
    "encoder.conv_out.conv.bias",
    "encoder.conv_out.conv.weight",
    "encoder.conv_patchify.conv.conv.bias",
    "encoder.conv_patchify.conv.conv.weight",
]


def test_stage1_model_is_4x8x8():
    torch.manual_seed(0)
    vae = VideoVAE.from_preset("tiny", dual_path=False).eval()
    c = vae.config
    assert (c.spatial_ratio, c.latents_per_chunk, c.feature_scale) == (8, 5, 1)
    assert not hasattr(vae.encoder, "conv_patchify") and not hasattr(vae.decoder, "conv_unpatchify")
    # Mid width 32 (tiny) -> 2z = 8 straight from the mid block; z = 4 -> mid width on the way back.
    assert tuple(vae.encoder.conv_out.conv.weight.shape) == (8, 32, 3, 3, 3)
    assert tuple(vae.decoder.conv_in.conv.weight.shape) == (32, 4, 3, 3, 3)
    video = torch.rand(1, 34, 3, 32, 48) * 2 - 1
    with torch.no_grad():
        z = vae.encode(video)
        assert z.shape == (1, 10, 4, 4, 6)  # 2 chunks x 5 latent frames, H/8 x W/8
        assert vae.decode(z).shape == (1, 34, 3, 32, 48)
        assert vae.encode(video[:, :1]).shape == (1, 1, 4, 4, 6)  # an image -> 1 latent frame
        assert vae.decode(z[:, :1]).shape == (1, 1, 3, 32, 48)
        # Tiling works at the stage-1 scales (features and latents both at H/8).
        zt = vae.encode(video[:, :17], tile_size=16, tile_overlap=8)
        assert zt.shape == (1, 5, 4, 4, 6)
        assert vae.decode(z[:, :5], tile_size=16, tile_overlap=8).shape == (1, 17, 3, 32, 48)
    assert vae.num_latent_frames(34) == 10 and vae.num_frames(10) == 34
    with pytest.raises(ValueError, match="multiple of 5"):
        vae.num_frames(3)
    # The 4*z divisibility rule belongs to the dual-path shortcut only.
    VAEConfig.preset("tiny", z_channels=16, dual_path=False)
    with pytest.raises(ValueError, match="dual-path shortcut"):
        VAEConfig.preset("tiny", z_channels=16)


def test_released_config_unchanged_by_default():
    c = VAEConfig()
    assert c.dual_path and (c.spatial_ratio, c.latents_per_chunk, c.patch_channels) == (16, 3, 2048)
    assert VAEConfig.from_json(c.to_json()) == c
    legacy = {k: v for k, v in json.loads(c.to_json()).items() if k != "dual_path"}  # files saved before
    assert VAEConfig(**legacy).dual_path


def test_load_progressive_reports_new_keys_and_inherits_the_rest(tmp_path):
    torch.manual_seed(0)
    stage1 = VideoVAE.from_preset("tiny", dual_path=False)
    with torch.no_grad():
        for p in stage1.parameters():
            p.add_(torch.randn_like(p))  # distinguish from any fresh init
    stage1.save_pretrained(tmp_path / "s1")
    reloaded = VideoVAE.from_pretrained(tmp_path / "s1")  # config (dual_path=False) from the metadata
    assert not reloaded.config.dual_path
    state1 = load_file(str(tmp_path / "s1" / "vae_v2.safetensors"))

    stage2 = VideoVAE.from_preset("tiny")
    fresh = {k: v.clone() for k, v in stage2.state_dict().items()}
    new = stage2.load_progressive(state1)
    assert new == NEW_KEYS
    assert all(k.startswith(PROGRESSIVE_NEW_LAYERS) for k in new)
    s2 = stage2.state_dict()
    inherited = [k for k in state1 if k not in NEW_KEYS]
    assert len(inherited) + len(NEW_KEYS) == len(s2) and len(state1) == len(inherited) + 4
    for k in inherited:
        assert torch.equal(s2[k], state1[k]), k
    for k in NEW_KEYS:
        assert torch.equal(s2[k], fresh[k]), k
    # Shared layers compute the same thing: full-resolution encoder path and decoder upsampling path.
    x = torch.rand(1, 3, 17, 16, 16) * 2 - 1
    with torch.no_grad():
        torch.testing.assert_close(stage2.encoder.down_path(x), stage1.encoder.down_path(x), rtol=0, atol=0)
        h = torch.randn(1, 32, 5, 2, 2)
        torch.testing.assert_close(stage2.decoder.up_path(h), stage1.decoder.up_path(h), rtol=0, atol=0)


def test_load_progressive_rejects_other_mismatches():
    stage1 = VideoVAE.from_preset("tiny", dual_path=False)
    stage2 = VideoVAE.from_preset("tiny")
    bad = dict(stage1.state_dict())
    bad["encoder.mid.block_1.conv1.conv.weight"] = bad["encoder.mid.block_1.conv1.conv.weight"][:16]
    with pytest.raises(ValueError, match=r"shape mismatch 1: encoder\.mid\.block_1\.conv1\.conv\.weight"):
        stage2.load_progressive(bad)
    del bad["encoder.mid.block_1.conv1.conv.weight"]
    with pytest.raises(ValueError, match="missing 1"):
        stage2.load_progressive(bad)
    with pytest.raises(ValueError, match="unexpected 4: decoder.conv_unpatchify"):
        stage2.load_progressive(VideoVAE.from_preset("tiny").state_dict())  # a stage-2 state is not stage 1
    with pytest.raises(ValueError, match="dual_path=False"):
        stage1.load_progressive(stage1.state_dict())


def _cfg(tmp_path, man, run: str, steps: int) -> VAETrainConfig:
    return load_config(
        VAETrainConfig,
        {
            "model": {"preset": "tiny"},
            "data": {"source": str(man), "split": "train", "num_workers": 0},
            "eval_data": {"source": str(man), "split": "train"},
            "eval_samples": 1,
            "buckets": {"frames": [17], "sizes": [[16, 16]], "batch_size": 1},
            "steps": steps,
            "optim": {"lr": 1e-3, "betas": [0.9, 0.99]},
            "perceptual_weight": 0.0,
            "progressive": {"stage1_steps": 2, "warmup_steps": 1},
            "run": {"dir": str(tmp_path / run), "precision": "fp32", "deterministic": True, "log_every": 1,
                    "ckpt_every": 1, "keep_last": 0, "progress": False, "tensorboard": False},
        },
    )


def test_two_stage_training_run_and_resume_mid_stage2(tmp_path):
    rows = read_manifest(world_clips(tmp_path, n=2, frames=17, size=16), resolve_paths=False)
    for r in rows:
        r["split"] = "train"
    man = write_manifest(tmp_path / "split.jsonl", rows)

    VAETrainer(_cfg(tmp_path, man, "a", steps=4)).fit()
    run = tmp_path / "a"
    s1 = VideoVAE.from_pretrained(run / "stage1")
    final = VideoVAE.from_pretrained(run / "final")
    assert not s1.config.dual_path and final.config.dual_path
    with torch.no_grad():
        assert s1.encode(torch.zeros(1, 17, 3, 16, 16)).shape == (1, 5, 4, 2, 2)  # 4x8x8
        assert final.encode(torch.zeros(1, 17, 3, 16, 16)).shape == (1, 3, 4, 1, 1)  # 8x16x16

    def ck(step: int) -> dict[str, torch.Tensor]:
        t = load_file(str(run / "checkpoints" / f"step-{step:08d}" / "model-rank00000.safetensors"))
        return {k[len("vae."):]: v for k, v in t.items() if k.startswith("vae.")}

    w1 = {k: v for k, v in s1.state_dict().items()}
    c2, c3, c4 = ck(2), ck(3), ck(4)
    assert "encoder.conv_patchify.conv.conv.weight" not in ck(1) and sorted(c2.keys() - w1.keys()) == [
        k for k in NEW_KEYS if k not in w1]
    inherited = [k for k in w1 if k not in NEW_KEYS]
    # Step 2 = stage-1 weights inherited; step 3 = one warm-up step: only the new layers moved; step 4: all.
    assert all(torch.equal(c2[k], w1[k]) and torch.equal(c3[k], w1[k]) for k in inherited)
    assert all(not torch.equal(c3[k], c2[k]) for k in NEW_KEYS if k.endswith("weight"))
    assert sum(not torch.equal(c4[k], c3[k]) for k in inherited) > len(inherited) // 2

    # Resume in the middle of stage 2: a 3-step run, then the same run extended to 4 steps.
    VAETrainer(_cfg(tmp_path, man, "b", steps=3)).fit()
    VAETrainer(_cfg(tmp_path, man, "b", steps=4)).fit()
    resumed = load_file(str(tmp_path / "b" / "final" / "vae_v2.safetensors"))
    for k, v in final.state_dict().items():
        torch.testing.assert_close(resumed[k], v, rtol=0, atol=0, msg=k)


def test_progressive_config_errors(tmp_path):
    base = {"data": {"source": "x.jsonl"}, "steps": 10}
    with pytest.raises(ValueError, match="stage1_steps"):
        load_config(VAETrainConfig, dict(base, progressive={"stage1_steps": 10}))
    with pytest.raises(ValueError, match="warmup_steps"):
        load_config(VAETrainConfig, dict(base, progressive={"stage1_steps": 5, "warmup_steps": 6}))
    with pytest.raises(ValueError, match="trainable and progressive"):
        load_config(VAETrainConfig, dict(base, progressive={"stage1_steps": 5}, trainable=["encoder."]))
    with pytest.raises(ValueError, match="model.dual_path"):
        load_config(VAETrainConfig, dict(base, progressive={"stage1_steps": 5},
                                         model={"preset": "tiny", "dual_path": True}))
