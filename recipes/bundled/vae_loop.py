"""Minimal Video-VAE training loop for the bundled model (in-memory world clips, L1 + MSE + KL).

Used because the world renders clips faster than they can be written and read back as files, and because
``stepvid train vae`` (stepvid/train/vae_trainer.py) had not landed when this recipe was written. No
perceptual or GAN loss: both need pretrained networks (downloads); the world's flat colours and sharp edges
are reconstructed well by pixel losses. Resumable through ``state.pt``-free checkpoints: the weights file is
the whole state (AdamW restarts with a short warm-up), so a run can continue on a fresh machine from the
weights the previous call returned.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable

import numpy as np
import torch

from stepvid.models.vae import VideoVAE
from stepvid.train.vae_losses import kl_loss, psnr_255


def to_video(frames: np.ndarray | torch.Tensor) -> torch.Tensor:
    """uint8 [..., T, H, W, 3] → float [..., T, 3, H, W] in [-1, 1]."""
    x = torch.as_tensor(frames)
    return (x.float() / 127.5 - 1).movedim(-1, -3)


def clip_psnrs(vae: VideoVAE, clips: list[np.ndarray], device: torch.device | str) -> list[float]:
    """PSNR (dB) of :meth:`VideoVAE.reconstruct` of each of ``clips`` (uint8 [T, H, W, 3], T = 1 or 17k)."""
    vae.to(device).eval()
    return [psnr_255(vae.reconstruct(c).astype(np.float64) - c) for c in clips]


def eval_psnr(vae: VideoVAE, clips: list[np.ndarray], device: torch.device) -> float:
    """Mean per-clip PSNR (dB) over ``clips`` (:func:`clip_psnrs`)."""
    return float(np.mean(clip_psnrs(vae, clips, device)))


def latent_drift(vae: VideoVAE, start: VideoVAE, clips: list[np.ndarray], device: torch.device) -> float:
    """RMS of (posterior mean of ``vae`` − that of ``start``) over ``clips``, relative to the RMS of ``start``'s:
    how far a continued encoder moved the latent space a DiT was trained on (0: not at all)."""
    num = den = 0.0
    vae.to(device).eval()
    start.to(device).eval()
    for c in clips:
        with torch.no_grad():
            new, old = vae.encode_frames(c).double(), start.encode_frames(c).double()
        num, den = num + float((new - old).pow(2).sum()), den + float(old.pow(2).sum())
    return math.sqrt(num / max(den, 1e-30))


def border_weights(h: int, w: int, weight: float, px: int, device, corner_weight: float = 1.0,
                   corner_px: int = 16) -> torch.Tensor:
    """[H, W] loss weights: ``weight`` on the outermost pixel ring, falling linearly to 1 at ``px`` pixels from
    the edge (run 2's decoder errs most on the outer 1-3 px and in the corners), 1 inside; then the bottom-right
    ``corner_px`` square is multiplied by ``corner_weight``. That square is the last latent cell, which the
    bundled encoder codes unlike all others for warm colours (``vae_edge_error.py --latent-borders``): runs 3
    and 4's decoders paint a speck there on every yellow background, even from exact latents (``--flat``)."""
    ys, xs = torch.arange(h, device=device), torch.arange(w, device=device)
    dy = torch.minimum(ys, h - 1 - ys)[:, None]
    dx = torch.minimum(xs, w - 1 - xs)[None, :]
    ramp = (1.0 - torch.minimum(dy, dx).float() / px).clamp(min=0.0)
    out = 1.0 + (float(weight) - 1.0) * ramp
    out[h - min(corner_px, h):, w - min(corner_px, w):] *= float(corner_weight)
    return out


def pixel_loss(err: torch.Tensor, w: torch.Tensor, l1_weight: float = 1.0, mse_weight: float = 1.0) -> torch.Tensor:
    """``w``-weighted mean of ``l1_weight``·|err| + ``mse_weight``·err² (``w`` [H, W] broadcasts over ``err``'s
    trailing dims). Near 32 dB (|err| ~ 0.05 on [-1, 1]) the L1 term's gradient is ~10× the MSE term's, so the
    default trains mostly a median fit; PSNR is a mean-square figure, which ``l1_weight`` 0 optimises directly."""
    return ((l1_weight * err.abs() + mse_weight * err.pow(2)) * w).mean() / w.mean()


def train_vae(
    vae: VideoVAE,
    clips: torch.Tensor,  # uint8 [N, 17, H, W, 3], ideally already on the device
    images: torch.Tensor | None,  # uint8 [M, 1, H, W, 3] or None
    *,
    steps: int,
    batch_size: int = 8,
    image_batch_size: int = 16,
    crop: int = 128,
    lr: float = 3e-4,
    warmup: int = 100,
    kl_weight: float = 1e-6,
    l1_weight: float = 1.0,
    mse_weight: float = 1.0,
    device: torch.device | str = "cuda",
    bf16: bool = True,
    deadline: float | None = None,
    log: Callable[[dict], None] | None = None,
    log_every: int = 50,
    seed: int = 0,
    dist=None,
    freeze_encoder: bool = False,
    latent_noise: float = 0.0,
    border_weight: float = 1.0,
    border_px: int = 16,
    corner_weight: float = 1.0,
    corner_px: int = 16,
    anchor_weight: float = 0.0,
    checkpoint: Callable[[], None] | None = None,
    checkpoint_every_s: float = 120.0,
) -> dict:
    """Train in place for ``steps`` (or until ``deadline``, a ``time.time()`` value); returns a summary.

    Every step takes a batch of 17-frame clips and (if given) a batch of images, each cropped at one random
    16-aligned offset to ``crop`` pixels; the loss is ``l1_weight``·L1 + ``mse_weight``·MSE on pixels
    (:func:`pixel_loss`) plus
    ``kl_weight``·KL of the posterior. The step never reads a tensor on the host (data, crops and
    statistics stay on the device; the host syncs only every ``log_every`` steps), so the GPU is never idle
    waiting for Python. With ``dist`` (``stepvid.train.distributed.DistInfo``) every rank trains on its own
    data and gradients are averaged; the deadline is agreed on by rank 0.

    ``freeze_encoder``: train the decoder only (encoder frozen, no KL), so the latent space — and a DiT trained
    on it — stays valid while reconstructions improve. ``border_weight``: the training crop's outermost pixels
    (the frame's, with whole-frame crops) weigh this much in L1 and MSE, falling linearly to 1 at
    ``border_px`` from the edge (weighted means; the logged PSNR stays unweighted), against decoders that leave
    artefacts at the edges; ``corner_weight`` multiplies the bottom-right ``corner_px`` square on top (see
    :func:`border_weights`).
    ``latent_noise`` (decoder-only): Gaussian noise of this σ (latent units) added to the decoder's input, so
    latents slightly off the encoder's manifold — a DiT's samples — still decode cleanly (the bundled VAE's
    posterior σ is ~5e-4 against a latent spread of ~0.2, so its decoder had only ever seen exact latents).
    ``anchor_weight`` (encoder trained): adds ``anchor_weight``·‖μ − μ₀‖² / ‖μ₀‖² (batch means), μ₀ the posterior
    mean of a frozen copy of the encoder as it was at the start — the whole VAE improves while its latents stay
    near the ones a DiT was trained on, so that DiT needs a short continuation, not a new training. The logged
    ``latent_drift`` is √ of that ratio: the latents' RMS drift relative to their RMS.
    ``checkpoint()`` is called on rank 0 at a log step about every ``checkpoint_every_s`` seconds (the caller
    saves the weights: they are the whole state, a rerun continues from them with a fresh warm-up).
    """
    from dist_util import agree, average_gradients, broadcast_parameters

    from stepvid.train.distributed import DistInfo, all_reduce_mean

    if latent_noise and not freeze_encoder:
        raise ValueError(f"latent_noise={latent_noise} needs freeze_encoder=True (decoder-only training)")
    if min(l1_weight, mse_weight) < 0 or l1_weight + mse_weight <= 0:
        raise ValueError(f"l1_weight={l1_weight}, mse_weight={mse_weight}: both must be >= 0, not both 0")
    if anchor_weight < 0 or anchor_weight and freeze_encoder:
        raise ValueError(f"anchor_weight={anchor_weight} must be >= 0 and needs freeze_encoder=False "
                         "(a frozen encoder cannot drift)")
    d = dist or DistInfo(device=torch.device(device))
    device = torch.device(device)
    vae.to(device).train()
    broadcast_parameters(vae, d)
    ref = copy.deepcopy(vae).eval().requires_grad_(False) if anchor_weight else None  # the start's encoder
    g = torch.Generator(device=device).manual_seed(seed * 1000 + d.rank)
    if freeze_encoder:
        vae.encoder.requires_grad_(False)
    params = [p for p in vae.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=lr, betas=(0.9, 0.99), weight_decay=0.0,
                            fused=device.type == "cuda")
    clips = clips.to(device)
    images = images.to(device) if images is not None and image_batch_size else None
    _, _, h, w, _ = clips.shape
    crop = min(crop, h, w)
    t0, done, hist = time.time(), 0, []
    acc = {k: torch.zeros((), device=device) for k in ("loss", "video_mse", "image_mse", "drift")}
    n_acc = 0

    def batch(arr: torch.Tensor, b: int) -> torch.Tensor:
        idx = torch.randint(len(arr), (b,), generator=g, device=device)
        off = torch.randint(0, (h - crop) // 16 + 1, (2,), generator=torch.Generator().manual_seed(
            seed * 7919 + d.rank * 104729 + done)) * 16  # host RNG: no device read
        y0, x0 = int(off[0]), int(off[1])
        return to_video(arr[idx, :, y0 : y0 + crop, x0 : x0 + crop])

    # every batch is crop x crop
    w = border_weights(crop, crop, border_weight, border_px, device, corner_weight, corner_px)
    t_cal = t_ckpt = t0
    for step in range(steps):
        if step % 10 == 0 and deadline is not None and agree(float(time.time() > deadline), d):
            break  # all ranks stop at the same step
        if deadline is not None and step in (10, 40):  # fit the planned steps to the budget (LR ends annealed)
            if device.type == "cuda":
                torch.cuda.synchronize()
            if step == 10:
                t_cal = time.time()
            else:
                per = (time.time() - t_cal) / 30
                fit = agree(float(min(steps, step + int((deadline - time.time()) / per))), d)
                steps = max(step + 1, int(fit))
                if log is not None and d.is_main:
                    log({"event": "calibrated", "s_per_step": round(per, 4), "steps": steps})
        if step >= steps:
            break
        for grp in opt.param_groups:
            grp["lr"] = lr * min(1.0, (step + 1) / warmup) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * step / steps)))
        parts = [("video", batch(clips, batch_size))]
        if images is not None:
            parts.append(("image", batch(images, image_batch_size)))
        opt.zero_grad(set_to_none=True)
        for name, x in parts:
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16 and device.type == "cuda"):
                if freeze_encoder:
                    with torch.no_grad():
                        mean, logvar = vae.encode_moments(x)
                        z = mean + torch.exp(0.5 * logvar) * torch.randn(mean.shape, generator=g, device=device,
                                                                         dtype=mean.dtype)
                        if latent_noise:
                            z = z + latent_noise * torch.randn(z.shape, generator=g, device=device, dtype=z.dtype)
                    rec = vae.decode(z)
                else:
                    rec, mean, logvar = vae(x)
                    if ref is not None:
                        with torch.no_grad():
                            mean0 = ref.encode_moments(x)[0].float()
            rec = rec.float()
            err = rec - x
            mse = err.pow(2).mean()
            loss = pixel_loss(err, w, l1_weight, mse_weight)
            if not freeze_encoder:
                loss = loss + kl_weight * kl_loss(mean, logvar)
                if ref is not None:
                    drift = (mean.float() - mean0).pow(2).mean() / mean0.pow(2).mean().clamp(min=1e-12)
                    loss = loss + anchor_weight * drift
                    acc["drift"] += drift.detach() / len(parts)
            loss.backward()
            acc["loss"] += loss.detach()
            acc[f"{name}_mse"] += mse.detach()
        average_gradients(params, d)
        gn = torch.nn.utils.clip_grad_norm_(params, 1.0, foreach=device.type == "cuda")
        opt.step()
        done, n_acc = step + 1, n_acc + 1
        if step % log_every == 0 or step == steps - 1:
            vals = dict(zip(acc, all_reduce_mean(torch.stack(list(acc.values())) / n_acc).tolist()))
            rec_ = {"step": step, "loss": vals["loss"], "grad_norm": float(gn), "lr": opt.param_groups[0]["lr"],
                    "elapsed_s": time.time() - t0, "steps_per_s": done / (time.time() - t0),
                    "video_psnr": float(10 * math.log10(4.0 / max(vals["video_mse"], 1e-10)))}
            if images is not None:
                rec_["image_psnr"] = float(10 * math.log10(4.0 / max(vals["image_mse"], 1e-10)))
            if ref is not None:
                rec_["latent_drift"] = math.sqrt(max(vals["drift"], 0.0))
            for v in acc.values():
                v.zero_()
            n_acc = 0
            hist.append(rec_)
            if d.is_main and log is not None:
                log(rec_)
            if d.is_main and checkpoint is not None and time.time() - t_ckpt > checkpoint_every_s:
                checkpoint()
                t_ckpt = time.time()
    vae.eval()
    return {"steps": done, "seconds": time.time() - t0, "history": hist}
