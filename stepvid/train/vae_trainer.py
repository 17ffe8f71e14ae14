"""Video-VAE training (report §9.2): L1 + perceptual + KL, then an optional 3D-patch GAN phase (hinge).

Progressive schedule (``progressive``, report §9.2). Steps [0, stage1_steps) train the 4×8×8 model
(``dual_path=False``); at ``stage1_steps`` its weights are written to ``<run>/stage1/`` and loaded into the
dual-path 8×16×16 model with :meth:`VideoVAE.load_progressive` (the dual-path layers and the two convs
around them start fresh), a fresh AdamW is built, and for ``warmup_steps`` only ``warmup_trainable``
(default: those new layers) trains before everything is unfrozen. A run resumes in either stage: the
checkpoint's step decides which model is built. Finer unfreezing (dual-path → mid → backbone) is still
possible as later runs with ``trainable`` prefixes and ``init_from``. PSNR / SSIM on a held-out set are
logged at every evaluation.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

import torch
from torch import nn

from stepvid.data.buckets import BucketScheme
from stepvid.data.dataset import VideoDataset, collate, load_rows
from stepvid.train.checkpoint import (
    export_full_weights,
    latest_checkpoint,
    load_checkpoint,
    load_weights,
    save_checkpoint,
)
from stepvid.train.common import (
    RunLogger,
    import_factory,
    lr_at,
    set_determinism,
    step_generator,
    truncate_metrics,
)
from stepvid.train.config import VAETrainConfig, config_to_dict
from stepvid.train.distributed import DistInfo, all_reduce_mean, init_distributed
from stepvid.train.vae_losses import (
    PatchDiscriminator3D,
    RandomConvPerceptual,
    hinge_d_loss,
    hinge_g_loss,
    kl_loss,
    psnr,
    ssim,
)

log = logging.getLogger("stepvid.train")

__all__ = ["VAETrainer"]


def build_vae_for_training(spec: dict[str, Any]) -> nn.Module:
    spec = dict(spec)
    if "factory" in spec:
        return import_factory(spec.pop("factory"))(**spec)
    from stepvid.models.vae import VideoVAE

    return VideoVAE.from_preset(spec.pop("preset", "tiny"), **spec)


class VAETrainer:
    def __init__(
        self, cfg: VAETrainConfig, model: nn.Module | None = None, info: DistInfo | None = None
    ) -> None:
        self.cfg, self.info = cfg, info or init_distributed()
        self.device = self.info.device
        set_determinism(cfg.run.deterministic)
        torch.manual_seed(cfg.run.seed)
        self.run_dir = Path(cfg.run.dir)
        self.logger = RunLogger(self.run_dir, self.info.is_main, cfg.run.tensorboard)
        self.logger.write_config(config_to_dict(cfg))
        if model is not None and cfg.progressive is not None:
            raise ValueError("VAETrainer: progressive builds its two models from cfg.model; do not pass model")
        self._model_in = model
        self.step = 0

    # -- progressive schedule ----------------------------------------------------------------------------

    def _in_stage2(self) -> bool:
        pg = self.cfg.progressive
        return pg is not None and self.step >= pg.stage1_steps

    def _build_vae(self) -> nn.Module:
        if self._model_in is not None:
            return self._model_in
        spec = dict(self.cfg.model)
        if self.cfg.progressive is not None:
            spec["dual_path"] = self._in_stage2()
        return build_vae_for_training(spec)

    def _warmup_prefixes(self) -> tuple[str, ...]:
        from stepvid.models.vae import PROGRESSIVE_NEW_LAYERS

        pg = self.cfg.progressive
        return tuple(pg.warmup_trainable) if pg.warmup_trainable is not None else PROGRESSIVE_NEW_LAYERS

    def _apply_warmup_freeze(self) -> None:
        """Stage-2 warm-up: only the warm-up prefixes get gradients (frozen ones are skipped by AdamW)."""
        pg = self.cfg.progressive
        if pg is None or not self._in_stage2():
            return
        warm = self.step < pg.stage1_steps + pg.warmup_steps
        prefixes = self._warmup_prefixes()
        n = 0
        for name, p in self.net["vae"].named_parameters():
            p.requires_grad_(not warm or name.startswith(prefixes))
            n += p.requires_grad
        if n == 0:
            raise ValueError(f"progressive.warmup_trainable: no VAE parameter name starts with {list(prefixes)}")

    def _build_optimizer(self) -> None:
        o, vae = self.cfg.optim, self.net["vae"]
        # With progressive, every VAE parameter is in the optimizer; the warm-up freeze toggles requires_grad.
        groups = [{"params": [p for p in vae.parameters() if p.requires_grad], "lr": o.lr}]
        if "disc" in self.net:
            groups.append({"params": list(self.net["disc"].parameters()), "lr": self.cfg.disc_lr})
        self.optimizer = torch.optim.AdamW(
            groups, betas=tuple(o.betas), eps=o.eps, weight_decay=o.weight_decay
        )

    def _enter_stage2(self) -> None:
        """Save the stage-1 weights, build the dual-path model, load them into it and restart AdamW."""
        stage1 = self.net["vae"]
        if self.info.is_main and hasattr(stage1, "save_pretrained"):
            stage1.save_pretrained(self.run_dir / "stage1")
        vae = self._build_vae()
        if not hasattr(vae, "load_progressive"):
            raise ValueError(f"progressive: {type(vae).__name__} has no load_progressive(stage1_state)")
        new = vae.load_progressive({k: v.detach().cpu() for k, v in stage1.state_dict().items()})
        log.info("progressive: stage 2 (dual path) from step %d; %d new tensors: %s", self.step, len(new), new)
        self.net["vae"] = vae.to(self.device)
        self._build_optimizer()
        self._apply_warmup_freeze()

    def setup(self) -> None:
        cfg = self.cfg
        vae = self._build_vae()
        if cfg.init_from and not self._in_stage2():
            missing = load_weights(vae, cfg.init_from, strict=False)
            if missing:
                log.warning(
                    "init_from %s: %d parameters start fresh (e.g. %s)",
                    cfg.init_from,
                    len(missing),
                    missing[:3],
                )
        if cfg.trainable is not None:
            prefixes = tuple(cfg.trainable)
            n = 0
            for name, p in vae.named_parameters():
                p.requires_grad_(name.startswith(prefixes))
                n += p.requires_grad
            if n == 0:
                raise ValueError(f"trainable: no VAE parameter name starts with {list(prefixes)}")
        self.net = nn.ModuleDict({"vae": vae})
        if cfg.gan_start >= 0:
            self.net["disc"] = PatchDiscriminator3D(cfg.disc_channels)
        self.net.to(self.device)
        self.perceptual = RandomConvPerceptual().to(self.device)
        self._build_optimizer()
        self._apply_warmup_freeze()
        rows = load_rows(cfg.data.source, cfg.data.split)
        scheme = BucketScheme.from_config(cfg.buckets)
        self.dataset = VideoDataset(
            rows,
            scheme,
            seed=cfg.run.seed,
            random_crop=cfg.data.random_crop,
            frame_stride=cfg.data.frame_stride,
        )
        ev = cfg.eval_data or type(cfg.data)(source=cfg.data.source, split="val")
        ev_rows = load_rows(ev.source, ev.split)
        if not ev_rows:
            raise ValueError(f"eval: no held-out rows in {ev.source} (split {ev.split!r}); set eval_data")
        self.eval_set = VideoDataset(ev_rows, scheme, seed=0, random_crop=False)

    @torch.no_grad()
    def _save_checkpoint(self) -> None:
        """Atomic, resumable checkpoint of the networks, optimizers and step (keeps the last N)."""
        info = self.info
        save_checkpoint(self.run_dir, self.step, self.net, self.optimizer, {"global_step": self.step},
                        info.rank, info.world_size, keep_last=self.cfg.run.keep_last)

    @torch.no_grad()
    def evaluate(self) -> dict[str, float]:
        """Held-out PSNR/SSIM of posterior-mean reconstructions (no graph: evaluation only)."""
        vae = self.net["vae"]
        vae.eval()
        ps, ss = [], []
        idx = [i for i, g in enumerate(self.eval_set.groups) if g is not None][: self.cfg.eval_samples]
        for i in idx:
            video = self.eval_set[i]["video"][None].to(self.device)
            mean, _ = vae.encode_moments(video)
            rec = vae.decode(mean)
            ps.append(psnr(rec, video))
            ss.append(ssim(rec, video))
        vae.train()
        return {
            "psnr": float(torch.cat(ps).mean()),
            "ssim": float(torch.cat(ss).mean()),
            "eval_samples": len(idx),
        }

    def train_step(self, video: torch.Tensor) -> dict[str, float]:
        cfg = self.cfg
        vae = self.net["vae"]
        g = step_generator(cfg.run.seed, self.step, self.info.rank)
        mean, logvar = vae.encode_moments(video)
        z = mean + torch.exp(0.5 * logvar) * torch.randn(mean.shape, generator=g).to(mean.device, mean.dtype)
        rec = vae.decode(z)
        err = rec.float() - video.float()
        l1, mse = err.abs().mean(), err.pow(2).mean()
        perc = self.perceptual(rec, video) if cfg.perceptual_weight > 0 else rec.new_zeros(())
        kl = kl_loss(mean, logvar)
        loss = cfg.l1_weight * l1 + cfg.mse_weight * mse + cfg.perceptual_weight * perc + cfg.kl_weight * kl
        gan_on = "disc" in self.net and self.step >= cfg.gan_start
        out = {"l1": float(l1.detach()), "mse": float(mse.detach()), "perceptual": float(perc.detach()),
               "kl": float(kl.detach())}
        if gan_on:
            disc = self.net["disc"]
            disc.requires_grad_(False)
            g_adv = hinge_g_loss(disc(rec))
            disc.requires_grad_(True)
            loss = loss + cfg.gan_weight * g_adv
            out["g_adv"] = float(g_adv.detach())
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if gan_on:
            d_loss = hinge_d_loss(self.net["disc"](video), self.net["disc"](rec.detach()))
            d_loss.backward()
            out["d_loss"] = float(d_loss.detach())
        params = [p for p in self.net.parameters() if p.grad is not None]
        if self.info.distributed:  # data parallel: average gradients (the VAE is small enough to replicate)
            import torch.distributed as dist

            for p in params:
                dist.all_reduce(p.grad)
                p.grad /= self.info.world_size
        gn = torch.nn.utils.clip_grad_norm_(
            params, cfg.optim.grad_clip if cfg.optim.grad_clip > 0 else float("inf")
        )
        self.optimizer.step()
        out.update(loss=float(all_reduce_mean(loss.detach())), grad_norm=float(gn))
        return out

    def fit(self) -> dict[str, Any]:
        cfg, info = self.cfg, self.info
        ck = latest_checkpoint(self.run_dir)
        if ck is not None:  # the checkpoint's step picks the progressive stage to build
            self.step = int(json.loads((ck / "state.json").read_text())["global_step"])
        self.setup()
        if ck is not None:
            meta = load_checkpoint(ck, self.net, self.optimizer, info.rank, info.world_size)
            self.step = meta["global_step"]
            if info.is_main:
                truncate_metrics(self.run_dir / "metrics.jsonl", self.step)
                log.info("resumed from %s (step %d)", ck, self.step)
        sampler = self.dataset.batch_sampler(cfg.run.seed, info.rank, info.world_size)
        sampler.seek(self.step)
        loader = iter(
            torch.utils.data.DataLoader(
                self.dataset, batch_sampler=sampler, num_workers=cfg.data.num_workers, collate_fn=collate
            )
        )
        from tqdm.auto import tqdm

        bar = tqdm(
            total=cfg.steps,
            initial=self.step,
            desc="train vae",
            unit="step",
            disable=not (info.is_main and cfg.run.progress),
            file=sys.stderr,
        )
        first = self.evaluate() if self.step == 0 else None
        if first:
            self.logger.log(0, {f"eval_{k}": v for k, v in first.items()})
        last: dict[str, Any] = {}
        self.net.train()
        while self.step < cfg.steps:
            batch = next(loader)
            base = cfg.optim.lr
            lr = lr_at(
                self.step, cfg.steps, base, cfg.optim.warmup_steps, cfg.optim.schedule, cfg.optim.min_lr_ratio
            )
            self.optimizer.param_groups[0]["lr"] = lr
            m = self.train_step(batch["video"].to(self.device))
            self.step += 1
            bar.update(1)
            bar.set_postfix(loss=f"{m['loss']:.4f}")
            if self.step % cfg.run.log_every == 0 or self.step == cfg.steps:
                last = dict(m, lr=lr, skipped=int(batch.get("num_skipped", 0)))
                if cfg.run.eval_every and (self.step % cfg.run.eval_every == 0 or self.step == cfg.steps):
                    last.update({f"eval_{k}": v for k, v in self.evaluate().items()})
                self.logger.log(self.step, last)
            pg = cfg.progressive
            if pg is not None and self.step == pg.stage1_steps:
                self._enter_stage2()
            elif pg is not None and self.step == pg.stage1_steps + pg.warmup_steps:
                self._apply_warmup_freeze()  # end of the stage-2 warm-up: unfreeze everything
            if cfg.run.ckpt_every and self.step % cfg.run.ckpt_every == 0:
                self._save_checkpoint()
        bar.close()
        final = self.evaluate()
        self.logger.log(self.step, {f"eval_{k}": v for k, v in final.items()})
        self._save_checkpoint()
        vae = self.net["vae"]
        if info.is_main:
            if hasattr(vae, "save_pretrained"):
                vae.save_pretrained(self.run_dir / "final")
            else:
                export_full_weights(vae, self.run_dir / "final" / "model.safetensors")
            print(
                f"done: {self.step} steps; held-out PSNR {first['psnr'] if first else float('nan'):.2f} -> "
                f"{final['psnr']:.2f} dB, SSIM {final['ssim']:.4f}; weights in {self.run_dir / 'final'}",
                file=sys.stderr,
            )
        self.logger.close()
        return {"first": first, "final": final, "last": last}
