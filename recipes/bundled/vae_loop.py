"""Minimal Video-VAE training loop for the bundled model (in-memory world clips, L1 + MSE + KL).

Used because the world renders clips faster than they can be written and read back as files, and because
``stepvid train vae`` (stepvid/train/vae_trainer.py) had not landed when this recipe was written. No
perceptual or GAN loss: both need pretrained networks (downloads); the world's flat colours and sharp edges
are reconstructed well by pixel losses. Resumable through ``state.pt``-free checkpoints: the weights file is
the whole state (AdamW restarts with a short warm-up), so a run can continue on a fresh machine from the
weights the previous call returned.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np
import torch

from stepvid.models.vae import VideoVAE


def to_video(frames: np.ndarray | torch.Tensor) -> torch.Tensor:
    """uint8 [..., T, H, W, 3] → float [..., T, 3, H, W] in [-1, 1]."""
    x = torch.as_tensor(frames)
    return (x.float() / 127.5 - 1).movedim(-1, -3)


def psnr(a: torch.Tensor, b: torch.Tensor) -> float:
    """PSNR in dB of two uint8 tensors."""
    mse = (a.double() - b.double()).pow(2).mean()
    return float("inf") if mse == 0 else float(10 * torch.log10(255.0**2 / mse))


@torch.no_grad()
def eval_psnr(vae: VideoVAE, clips: list[np.ndarray], device: torch.device, dtype=torch.float32) -> float:
    """Mean PSNR (dB) of encode(mean) → decode over ``clips`` (uint8 [T, H, W, 3], T = 1 or 17k)."""
    vae.eval()
    vals = []
    for c in clips:
        x = to_video(c)[None].to(device)
        with torch.autocast(device.type, dtype=dtype, enabled=dtype != torch.float32):
            z = vae.encode(x)
            y = vae.decode(z)
        rec = ((y.float().clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).cpu()
        vals.append(psnr(rec, torch.as_tensor(c).movedim(-1, -3)[None]))
    return float(np.mean(vals))


def train_vae(
    vae: VideoVAE,
    clips: np.ndarray,  # uint8 [N, 17, H, W, 3]
    images: np.ndarray | None,  # uint8 [M, 1, H, W, 3] or None
    *,
    steps: int,
    batch_size: int = 8,
    image_batch_size: int = 16,
    crop: int = 128,
    lr: float = 3e-4,
    warmup: int = 100,
    kl_weight: float = 1e-6,
    mse_weight: float = 1.0,
    device: torch.device | str = "cuda",
    bf16: bool = True,
    deadline: float | None = None,
    log: Callable[[dict], None] | None = None,
    seed: int = 0,
) -> dict:
    """Train in place for ``steps`` (or until ``deadline``, a ``time.time()`` value); returns a summary.

    Every step takes a batch of 17-frame clips and (if given) a batch of images, each randomly cropped to
    ``crop`` pixels; the loss is L1 + ``mse_weight``·MSE on pixels plus ``kl_weight``·KL of the posterior.
    """
    device = torch.device(device)
    vae.to(device).train()
    g = torch.Generator().manual_seed(seed)
    opt = torch.optim.AdamW(vae.parameters(), lr=lr, betas=(0.9, 0.99), weight_decay=0.0)
    _, _, h, w, _ = clips.shape
    crop = min(crop, h, w)
    t0, done, hist = time.time(), 0, []

    def batch(arr: np.ndarray, b: int) -> torch.Tensor:
        idx = torch.randint(len(arr), (b,), generator=g).tolist()
        y0 = int(torch.randint(0, arr.shape[2] - crop + 1, (), generator=g)) // 16 * 16
        x0 = int(torch.randint(0, arr.shape[3] - crop + 1, (), generator=g)) // 16 * 16
        sub = np.stack([arr[i, :, y0 : y0 + crop, x0 : x0 + crop] for i in idx])
        return to_video(torch.from_numpy(sub)).to(device, non_blocking=True)

    for step in range(steps):
        if deadline is not None and time.time() > deadline:
            break
        for grp in opt.param_groups:
            grp["lr"] = lr * min(1.0, (step + 1) / warmup) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * step / steps)))
        parts = [batch(clips, batch_size)]
        if images is not None and image_batch_size:
            parts.append(batch(images, image_batch_size))
        loss_sum, stats = 0.0, {}
        opt.zero_grad(set_to_none=True)
        for name, x in zip(("video", "image"), parts):
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16 and device.type == "cuda"):
                rec, mean, logvar = vae(x)
            rec = rec.float()
            l1 = (rec - x).abs().mean()
            mse = (rec - x).pow(2).mean()
            kl = 0.5 * (mean.float().pow(2) + logvar.float().exp() - 1 - logvar.float()).mean()
            loss = l1 + mse_weight * mse + kl_weight * kl
            loss.backward()
            loss_sum += float(loss.detach())
            stats[f"{name}_psnr"] = float(10 * torch.log10(4.0 / mse.detach().clamp_min(1e-10)))
        gn = float(torch.nn.utils.clip_grad_norm_(vae.parameters(), 1.0))
        opt.step()
        done = step + 1
        if log is not None and (step % 50 == 0 or step == steps - 1):
            rec_ = {"step": step, "loss": loss_sum, "grad_norm": gn, "lr": opt.param_groups[0]["lr"],
                    "elapsed_s": time.time() - t0, **stats}
            hist.append(rec_)
            log(rec_)
    vae.eval()
    return {"steps": done, "seconds": time.time() - t0, "history": hist}
