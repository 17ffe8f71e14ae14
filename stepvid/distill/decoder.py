"""Decoder distillation: a lighter VAE decoder for the latents a model's DiT makes.

On 2 CPU cores the VAE decode is most of a few-step generation (the bundled model: ~9 s of decode after 3 s of
8 DiT steps), and its cost is the full-resolution 3D convolutions, quadratic in the decoder's width. This trains a
narrower decoder (any ``decoder_*`` fields of :class:`~stepvid.models.vae.VAEConfig`) to reproduce the model's own
decoder on the latents of a teacher cache (``stepvid distill cache``: exactly the distribution generation
decodes), one latent chunk at a time, as :meth:`VideoVAE.decode` runs it. The encoder is copied bit for bit, so
the latent space, the DiT and every cached latent stay valid; the result is a complete VAE file (config in its
metadata) that replaces ``vae/vae_v2.safetensors`` in a model folder.

Loss: L1 + MSE to the teacher decoder's pixels; quality: PSNR to the teacher on held-out cache rows. Resumable
(checkpoints in the run folder, batch draws seeded by (seed, step)); one process.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F

from stepvid.distill.config import DecoderDistillConfig

__all__ = ["DecoderDistillConfig", "distill_decoder", "slim_vae"]

log = logging.getLogger(__name__)

_RESUME_KEYS = ("vae", "cache", "decoder", "batch_size", "lr", "holdout", "seed", "warm_start")


def slim_vae(teacher, decoder: dict[str, Any], warm_start: bool = False):
    """A VideoVAE with ``teacher``'s config changed by ``decoder`` (decoder_* fields), the teacher's encoder
    weights copied in and a freshly initialised decoder — with ``warm_start``, every decoder tensor whose name
    and shape the teacher's decoder shares is copied too (e.g. the latent-resolution levels, where a slimmer
    top keeps the teacher's widths)."""
    from stepvid.models.vae import VideoVAE

    fields = {k: tuple(v) if isinstance(v, list) else v for k, v in decoder.items()}
    try:
        config = replace(teacher.config, **fields)
    except TypeError as e:
        raise ValueError(f"distill decoder: {e}") from None
    student = VideoVAE(config)
    student.encoder.load_state_dict(teacher.encoder.state_dict())
    if warm_start:
        ref = teacher.decoder.state_dict()
        own = student.decoder.state_dict()
        shared = {k: v for k, v in ref.items() if k in own and own[k].shape == v.shape}
        student.decoder.load_state_dict(shared, strict=False)
        log.info("distill decoder: %d of %d decoder tensors start from the teacher's", len(shared), len(own))
    return student


def _decode_chunks(vae, x: torch.Tensor) -> torch.Tensor:
    """Latent chunks [B, T_chunk, z, h, w] -> pixels [B, C, T, H, W], as ``VideoVAE.decode`` runs one chunk."""
    return vae.decoder.up_path(vae.decoder.latent_path(x.permute(0, 2, 1, 3, 4)))


class _Chunks:
    """Every full latent chunk of the cache rows, stacked on the device: [N_rows, n_chunks, l, z, h, w]."""

    def __init__(self, cache, rows: range, per_chunk: int, device: torch.device) -> None:
        t = cache.shape[0]
        self.n = t // per_chunk
        if self.n < 1:
            raise ValueError(f"distill decoder: cache latents have {t} frames, fewer than one chunk ({per_chunk})")
        lat = torch.stack([cache.latent(i)[: self.n * per_chunk] for i in rows])
        self.data = lat.reshape(len(rows), self.n, per_chunk, *lat.shape[2:]).to(device)

    def draw(self, k: int, g: torch.Generator) -> torch.Tensor:
        r = torch.randint(self.data.shape[0], (k,), generator=g)
        c = torch.randint(self.n, (k,), generator=g)
        return self.data[r.to(self.data.device), c.to(self.data.device)]

    def all(self) -> torch.Tensor:
        return self.data.flatten(0, 1)


def distill_decoder(cfg: DecoderDistillConfig, progress: bool = True) -> dict[str, Any]:
    """Train (or resume) the slim decoder; write ``cfg.out``. Returns the summary (steps, seconds, PSNR)."""
    from tqdm.auto import tqdm

    from stepvid.checkpoints import read_safetensors_header, stored_float_dtype
    from stepvid.distill.cache import read_teacher_cache
    from stepvid.models.vae import VideoVAE
    from stepvid.pipeline import default_device
    from stepvid.train.checkpoint import latest_checkpoint, load_checkpoint, save_checkpoint
    from stepvid.train.common import (
        RunLogger,
        budget_step,
        check_run_config,
        lr_at,
        step_generator,
        truncate_metrics,
    )

    cfg.check()
    cache = read_teacher_cache(cfg.cache)
    if len(cache) <= cfg.holdout:
        raise ValueError(f"distill decoder: {len(cache)} cache rows; need more than --holdout {cfg.holdout}")
    run_dir = Path(cfg.run_dir)
    check_run_config(run_dir, asdict(cfg), _RESUME_KEYS)
    dev = torch.device(cfg.device) if cfg.device else default_device()
    teacher = VideoVAE.from_pretrained(cfg.vae, device=dev, dtype=torch.float32).eval().requires_grad_(False)
    if teacher.config.z_channels != cache.shape[1]:
        raise ValueError(f"distill decoder: cache latents {list(cache.shape)} do not fit the VAE "
                         f"(z_channels {teacher.config.z_channels})")
    student = slim_vae(teacher, cfg.decoder, cfg.warm_start).to(dev)
    student.encoder.requires_grad_(False)
    dec = student.decoder.train()
    opt = torch.optim.AdamW(dec.parameters(), lr=cfg.lr, weight_decay=0.0)
    per = teacher.config.latents_per_chunk
    n = len(cache) - cfg.holdout
    train, held = _Chunks(cache, range(n), per, dev), _Chunks(cache, range(n, len(cache)), per, dev)
    amp = dev.type == "cuda" and cfg.precision == "bf16"

    def autocast():
        return torch.autocast("cuda", torch.bfloat16, enabled=amp)

    start, ck = 0, latest_checkpoint(run_dir)
    if ck is not None:
        start = int(load_checkpoint(ck, dec, opt)["step"])
        truncate_metrics(run_dir / "metrics.jsonl", start)
        log.info("distill decoder: resumed from %s (step %d)", ck, start)
    logger = RunLogger(run_dir, True, False)
    t0, last, sums = time.time(), {}, {"loss": 0.0, "l1": 0.0}
    bar = tqdm(total=cfg.steps, initial=start, desc="decoder", unit="step", mininterval=5, disable=not progress)
    done = saved = start
    for step in range(start, cfg.steps):
        at = budget_step(step, cfg.steps, time.time() - t0, cfg.max_minutes)
        if at >= cfg.steps and step > start:
            log.info("distill decoder: --max-minutes %g reached after %d steps", cfg.max_minutes, step)
            break
        for group in opt.param_groups:
            group["lr"] = lr_at(at, cfg.steps, cfg.lr, cfg.warmup, "cosine", 0.1)
        x = train.draw(cfg.batch_size, step_generator(cfg.seed, step))
        with torch.no_grad(), autocast():
            target = _decode_chunks(teacher, x).float()
        with autocast():
            pred = _decode_chunks(student, x).float()
        l1 = F.l1_loss(pred, target)
        loss = l1 + F.mse_loss(pred, target)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(dec.parameters(), 1.0)
        opt.step()
        sums["loss"] += float(loss.detach())
        sums["l1"] += float(l1.detach())
        done = step + 1
        if done % cfg.log_every == 0 or done == cfg.steps:
            k = cfg.log_every if done % cfg.log_every == 0 else done % cfg.log_every
            last = {key: v / k for key, v in sums.items()}
            logger.log(done, {**last, "lr": opt.param_groups[0]["lr"]})
            bar.set_postfix(l1=f"{last['l1']:.4f}")
            sums = dict.fromkeys(sums, 0.0)
        if done % cfg.checkpoint_every == 0 or done == cfg.steps:
            save_checkpoint(run_dir, done, dec, opt, {"kind": "decoder"}, keep_last=2)
            saved = done
        bar.update(1)
    bar.close()
    if saved != done:  # stopped by the time budget: its last partial log window, then a checkpoint
        if done % cfg.log_every:
            last = {key: v / (done % cfg.log_every) for key, v in sums.items()}
            logger.log(done, {**last, "lr": opt.param_groups[0]["lr"]})
        save_checkpoint(run_dir, done, dec, opt, {"kind": "decoder"}, keep_last=2)
    dec.eval()
    quality = held_out_psnr(teacher, student, held.all(), autocast)
    summary = {"steps": done, "resumed_from": str(ck) if ck else None, "seconds": round(time.time() - t0, 1),
               "rows": n, "last": last, **quality, "config": asdict(student.config)}
    logger.log(done, {k: v for k, v in quality.items()})
    logger.close()
    if cfg.out:
        stored = stored_float_dtype(read_safetensors_header(VideoVAE.weights_file(cfg.vae)))  # as the teacher's file
        summary["out"] = str(student.cpu().to(stored).save_pretrained(cfg.out))
    return summary


@torch.no_grad()
def held_out_psnr(teacher, student, chunks: torch.Tensor, autocast, batch: int = 8) -> dict[str, float]:
    """PSNR (dB, pixels in [-1, 1]) of the student's decode to the teacher's over held-out latent chunks."""
    from stepvid.train.vae_losses import psnr

    vals = []
    for x in chunks.split(batch):
        with autocast():
            vals.append(psnr(_decode_chunks(student, x).float(), _decode_chunks(teacher, x).float().clamp(-1, 1)))
    v = torch.cat(vals)
    return {"psnr_to_teacher": round(float(v.mean()), 2), "psnr_to_teacher_min": round(float(v.min()), 2),
            "held_out_chunks": int(v.numel())}
