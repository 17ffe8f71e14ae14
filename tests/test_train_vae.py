"""Video-VAE training on world clips: held-out PSNR rises; losses and metrics vs closed forms."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from test_train_dit import world_clips

from stepvid.data.manifest import read_manifest, write_manifest
from stepvid.train.config import VAETrainConfig, load_config
from stepvid.train.vae_losses import (
    PatchDiscriminator3D,
    RandomConvPerceptual,
    hinge_d_loss,
    kl_loss,
    psnr,
    psnr_255,
    ssim,
)
from stepvid.train.vae_trainer import VAETrainer


def _world_run_spec(tmp_path, clips: int, steps: int, **over) -> dict:
    """A `stepvid train vae` config (as a mapping) of a tiny VAE on ``clips`` 16 px world clips, evaluated on them."""
    rows = read_manifest(world_clips(tmp_path, n=clips, frames=17, size=16), resolve_paths=False)
    for r in rows:
        r["split"] = "train"
    man = write_manifest(tmp_path / "split.jsonl", rows)
    return {
        "model": {"preset": "tiny"},
        "data": {"source": str(man), "split": "train", "num_workers": 0},
        "eval_data": {"source": str(man), "split": "train"},
        "eval_samples": clips,
        "buckets": {"frames": [17], "sizes": [[16, 16]], "batch_size": 1},
        "steps": steps,
        "optim": {"lr": 5e-4, "betas": [0.9, 0.99], "warmup_steps": 2},
        "run": {"dir": str(tmp_path / "run"), "precision": "fp32", "log_every": 2, "ckpt_every": 0,
                "progress": False, "tensorboard": False},
        **over,
    }


def test_tiny_vae_psnr_rises_on_world_clips(tmp_path):
    spec = _world_run_spec(tmp_path, 3, 8, gan_start=4, gan_weight=0.05, disc_channels=8)
    cfg = load_config(VAETrainConfig, spec)
    out = VAETrainer(cfg).fit()
    first, final = out["first"]["psnr"], out["final"]["psnr"]
    print(
        f"vae PSNR {first:.2f} -> {final:.2f} dB, SSIM {out['first']['ssim']:.3f} -> {out['final']['ssim']:.3f}"
    )
    assert final > first + 0.5 and out["final"]["ssim"] > out["first"]["ssim"]
    rows = [json.loads(ln) for ln in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    assert any("d_loss" in r for r in rows) and not any(
        "d_loss" in r for r in rows if r["step"] <= 4
    )  # GAN phase
    from stepvid.models.vae import VideoVAE

    VideoVAE.from_pretrained(tmp_path / "run" / "final")  # loadable by the model's own loader


def test_mse_only_vae_training_logs_mse_and_raises_psnr(tmp_path):
    """l1_weight 0 + mse_weight 1: the MSE term alone trains the VAE (held-out PSNR rises), the logged mse is the
    mean square of the same error whose mean absolute value is the logged l1 (so mse >= l1², Jensen); negative
    weights are refused before anything is written."""
    spec = _world_run_spec(tmp_path, 4, 12, l1_weight=0.0, mse_weight=1.0, perceptual_weight=0.0)
    out = VAETrainer(load_config(VAETrainConfig, spec)).fit()
    assert out["final"]["psnr"] > out["first"]["psnr"] + 0.5
    logged = [json.loads(ln) for ln in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    steps = [r for r in logged if "mse" in r]
    assert steps and all(r["mse"] >= r["l1"] ** 2 * (1 - 1e-6) for r in steps)
    bad = dict(spec, mse_weight=-1.0, run=dict(spec["run"], dir=str(tmp_path / "bad")))
    with pytest.raises(ValueError, match="mse_weight"):
        VAETrainer(load_config(VAETrainConfig, bad))
    assert not (tmp_path / "bad").exists()


def test_metrics_and_losses_closed_form():
    x = torch.rand(2, 3, 3, 16, 16) * 2 - 1
    assert torch.all(psnr(x, x) > 100) and torch.allclose(ssim(x, x), torch.ones(2))
    y = (x + 0.1).clamp(-1, 1)
    mse = (y - x).pow(2).flatten(1).mean(1)
    torch.testing.assert_close(psnr(y, x), 10 * torch.log10(4 / mse))
    assert torch.all(ssim(y, x) < 1)
    assert kl_loss(torch.zeros(3), torch.zeros(3)).item() == 0.0
    err = np.full((2, 4, 4, 3), 5, np.int16)  # uint8-scale error 5 everywhere: 10 log10(255² / 25)
    assert abs(psnr_255(err) - 20 * np.log10(51.0)) < 1e-12 and psnr_255(np.zeros(3)) == float("inf")
    assert kl_loss(torch.ones(4), torch.zeros(4)).item() == pytest.approx(0.5)  # 0.5 * mu^2
    assert hinge_d_loss(torch.full((4,), 2.0), torch.full((4,), -2.0)).item() == 0.0  # both margins met
    d = PatchDiscriminator3D(8)
    assert d(torch.randn(1, 5, 3, 32, 32)).ndim == 5


def test_perceptual_loss_prefers_sharp_to_blurred():
    g = torch.Generator().manual_seed(0)
    img = (torch.rand(1, 2, 3, 32, 32, generator=g) > 0.5).float() * 2 - 1  # high-frequency pattern
    blur = torch.nn.functional.avg_pool2d(img.flatten(0, 1), 3, 1, 1).reshape(img.shape)
    noise = img + 0.0  # same L1 error budget, spread as a flat offset
    l1_blur = (blur - img).abs().mean()
    noise = (img + l1_blur * torch.sign(torch.randn(img.shape, generator=g))).clamp(-1, 1)
    p = RandomConvPerceptual()
    assert p(img, img).item() == pytest.approx(0.0, abs=1e-6)
    assert p(blur, img) > p(noise, img)  # structure loss costs more than equal-L1 pixel noise
    assert all(not w.requires_grad for w in p.parameters())
