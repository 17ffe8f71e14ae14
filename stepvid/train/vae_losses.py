"""Video-VAE training losses and metrics: KL, a self-built LPIPS-like perceptual loss, a 3D patch
discriminator with hinge loss, PSNR and SSIM.

Perceptual feature network — what and why. LPIPS needs ImageNet-trained VGG/AlexNet weights, which we
cannot download, and a network we trained ourselves on the synthetic world would only know that world.
We use a **fixed random convolutional pyramid**: 4 scales of 3×3 convolutions (16→32→64→96 channels,
ReLU, 2× average pooling), weights drawn once from a seeded generator with zero-mean filters, frozen.
Untrained conv features are a known-good perceptual proxy (random-weight VGG features already separate
textures and structure, cf. "deep image prior" / random-feature style-transfer results): each layer responds
to local oriented edges and their combinations at growing scales, so blur and ringing are penalised far more
than by L1. As in LPIPS, features are unit-normalised over channels per position before the squared
difference, and every scale counts equally. "Video" part: the same pyramid is also applied to temporal
differences ``x[t+1] - x[t]``, so flicker and wrong motion cost more than by per-frame comparison alone.
It is deterministic from its seed (identical on every machine and rank) and adds no files to ship.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

__all__ = [
    "PatchDiscriminator3D",
    "RandomConvPerceptual",
    "hinge_d_loss",
    "hinge_g_loss",
    "kl_loss",
    "psnr",
    "psnr_255",
    "ssim",
]


def kl_loss(mean: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(N(mean, exp(logvar)) || N(0, 1)), averaged over elements (fp32)."""
    mean, logvar = mean.float(), logvar.float()
    return 0.5 * (mean.pow(2) + logvar.exp() - 1.0 - logvar).mean()


class RandomConvPerceptual(nn.Module):
    """Fixed random-conv feature pyramid distance for videos [B, T, 3, H, W] in [-1, 1] (see module doc)."""

    def __init__(
        self, widths: tuple[int, ...] = (16, 32, 64, 96), seed: int = 0, temporal: bool = True
    ) -> None:
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        self.temporal = temporal
        self.weights = nn.ParameterList()
        c_in = 3
        for c in widths:
            w = torch.randn(c, c_in, 3, 3, generator=g)
            w = w - w.mean(
                dim=(2, 3), keepdim=True
            )  # zero-mean filters: respond to structure, not flat colour
            w = w / w.flatten(1).norm(dim=1).clamp_min(1e-8)[:, None, None, None]
            self.weights.append(nn.Parameter(w, requires_grad=False))
            c_in = c

    def features(self, x: torch.Tensor) -> list[torch.Tensor]:
        feats = []
        for i, w in enumerate(self.weights):
            if i:
                x = F.avg_pool2d(x, 2) if min(x.shape[-2:]) >= 2 else x
            x = F.relu(F.conv2d(x, w.to(x.dtype), padding=1))
            feats.append(x / (x.pow(2).sum(1, keepdim=True) + 1e-10).sqrt())
        return feats

    def _dist(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return sum(
            (fa - fb).pow(2).sum(1).mean() for fa, fb in zip(self.features(a), self.features(b))
        ) / len(self.weights)

    def forward(self, recon: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        if recon.shape != target.shape or recon.ndim != 5:
            raise ValueError(
                f"perceptual loss wants equal [B, T, C, H, W] shapes, got {list(recon.shape)} vs {list(target.shape)}"
            )
        loss = self._dist(recon.flatten(0, 1).float(), target.flatten(0, 1).float())
        if self.temporal and recon.shape[1] > 1:
            dr, dt = recon[:, 1:] - recon[:, :-1], target[:, 1:] - target[:, :-1]
            loss = loss + self._dist(dr.flatten(0, 1).float(), dt.flatten(0, 1).float())
        return loss


class PatchDiscriminator3D(nn.Module):
    """3D PatchGAN: strided Conv3d stack → a logit per spatio-temporal patch. Input [B, T, 3, H, W]."""

    def __init__(self, channels: int = 64, layers: int = 3) -> None:
        super().__init__()
        mods: list[nn.Module] = [nn.Conv3d(3, channels, 3, stride=(1, 2, 2), padding=1), nn.LeakyReLU(0.2)]
        c = channels
        for i in range(1, layers):
            c_out = channels * min(2**i, 8)
            stride = (2, 2, 2) if i < layers - 1 else (1, 1, 1)
            mods += [
                nn.Conv3d(c, c_out, 3, stride=stride, padding=1),
                nn.GroupNorm(min(32, c_out // 4), c_out),
                nn.LeakyReLU(0.2),
            ]
            c = c_out
        mods.append(nn.Conv3d(c, 1, 3, padding=1))
        self.net = nn.Sequential(*mods)

    def forward(self, video: torch.Tensor) -> torch.Tensor:
        return self.net(video.permute(0, 2, 1, 3, 4))


def hinge_d_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    return 0.5 * (F.relu(1.0 - real_logits).mean() + F.relu(1.0 + fake_logits).mean())


def hinge_g_loss(fake_logits: torch.Tensor) -> torch.Tensor:
    return -fake_logits.mean()


def psnr(recon: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """PSNR in dB per sample for videos in [-1, 1] (peak-to-peak 2)."""
    mse = (recon.float().clamp(-1, 1) - target.float()).pow(2).flatten(1).mean(1)
    return 10 * torch.log10(4.0 / mse.clamp_min(1e-12))


def psnr_255(error: np.ndarray) -> float:
    """PSNR in dB of a reconstruction error on the 0-255 scale (e.g. ``reconstruction - frames`` of uint8
    videos, or any subset of its pixels), computed in float64; inf for an exact reconstruction."""
    mse = float(np.mean(np.asarray(error, dtype=np.float64) ** 2))
    return float("inf") if mse == 0 else float(10 * np.log10(255.0**2 / mse))


def ssim(recon: torch.Tensor, target: torch.Tensor, window: int = 11, sigma: float = 1.5) -> torch.Tensor:
    """Mean SSIM per sample (Wang et al. 2004, Gaussian window, on [0, 1] intensities, per frame and channel)."""
    x = (recon.float().clamp(-1, 1) + 1) / 2
    y = (target.float() + 1) / 2
    b = x.shape[0]
    x, y = x.flatten(0, -3)[:, None], y.flatten(0, -3)[:, None]  # [N, 1, H, W]
    window = min(window, x.shape[-1], x.shape[-2])
    coords = torch.arange(window, dtype=torch.float32) - (window - 1) / 2
    g1 = torch.exp(-coords.pow(2) / (2 * sigma**2))
    g1 = g1 / g1.sum()
    k = (g1[:, None] * g1[None, :])[None, None].to(x.device)
    mu_x, mu_y = F.conv2d(x, k), F.conv2d(y, k)
    sxx = F.conv2d(x * x, k) - mu_x.pow(2)
    syy = F.conv2d(y * y, k) - mu_y.pow(2)
    sxy = F.conv2d(x * y, k) - mu_x * mu_y
    c1, c2 = 0.01**2, 0.03**2
    s = ((2 * mu_x * mu_y + c1) * (2 * sxy + c2)) / ((mu_x.pow(2) + mu_y.pow(2) + c1) * (sxx + syy + c2))
    return s.reshape(b, -1).mean(1)
