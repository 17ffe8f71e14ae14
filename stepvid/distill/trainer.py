"""Turbo self-distillation (report §5): the student, a copy of the teacher's DiT, learns straight paths from
the teacher's noise to the teacher's video (2-rectified flow), so that a few Euler steps land where the teacher's
50 do.

Per sample (a teacher latent x and the seed of its noise z, from ``stepvid.distill.cache``): tau from the U-shaped
density p(u) ∝ e^{5v} + e^{−5v}, v = 2u − 1 (most mass near both ends), x_tau = (1 − tau) z + tau x, and the
student's velocity regresses the constant x − z, weighted by 1/tau² (capped at ``max_weight``; the batch's mean
weight normalises the loss). With ``cfg_distill`` (default) the teacher's samples were made with guidance and the
student reads only the prompt: it is sampled with CFG 1, one DiT forward per step instead of two. Otherwise
``text_dropout`` of the rows read the negative prompt, so the student keeps a usable unconditional branch.

Everything else — model loading, prompt encoding, the resumable loop, FSDP2, LoRA, export — is the Video-DPO
trainer's (``stepvid.dpo.trainer``); the export also writes the Turbo sampler settings into the student folder's
``stepvid.json`` defaults (steps, CFG, shift), so ``stepvid generate --model STUDENT`` uses them.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch

from stepvid.distill.cache import read_teacher_cache
from stepvid.distill.config import _RESUME_KEYS, DistillConfig
from stepvid.dpo.trainer import DPOTrainer

__all__ = ["DistillTrainer"]


class DistillTrainer(DPOTrainer):
    name = "distill"
    resume_keys = _RESUME_KEYS
    needs_reference = False

    def __init__(self, cfg: DistillConfig) -> None:
        super().__init__(cfg)  # type: ignore[arg-type]

    def _load_data(self) -> list[str]:
        self.cache = read_teacher_cache(self.cfg.cache)
        self.online = []
        return self.cache.texts

    def _model_texts(self) -> list[str]:
        self._negative = self.plan.defaults.negative_prompt  # the unconditional rows' text (text dropout)
        return [self._negative]

    def _describe_data(self) -> str:
        return f"{len(self.cache)} teacher samples of latents {list(self.cache.shape)}"

    def _data_size(self) -> int:
        return len(self.cache)

    def _postfix(self, last: dict) -> dict:
        return {"mse": f"{last['mse']:.4f}"}

    def _step(self, step: int, logger) -> tuple[torch.Tensor, dict, dict]:
        from stepvid.diffusion.flow import distill_weight, interpolate, per_sample_mse, velocity_target
        from stepvid.diffusion.sampler import initial_noise

        cfg = self.cfg
        lat, noise, tau, texts = [], [], [], []
        for i, g in self._draws(step, len(self.cache)):
            r = self.cache.rows[i]
            lat.append(self.cache.latent(i))
            noise.append(initial_noise((1, *self.cache.shape), seed=int(r["seed"]))[0])  # the teacher's own noise
            tau.append(self.density.sample(1, generator=g))
            drop = not cfg.cfg_distill and float(torch.rand(1, generator=g)) < cfg.text_dropout
            texts.append(self._negative if drop else r["text"])
        dev = self.device
        x1, z, t = torch.stack(lat).to(dev), torch.stack(noise).to(dev), torch.cat(tau).to(dev)
        emb = self._text_states(texts)
        pred = self._call(self.policy_fwd)(interpolate(z, x1, t), t, emb.llm, emb.clip, emb.cross_attention_mask())
        err = per_sample_mse(pred, velocity_target(z, x1))
        w = distill_weight(t, max_weight=cfg.max_weight) if cfg.weighting == "inv_t2" else torch.ones_like(t)
        loss = (w * err).sum() / w.sum()
        return loss, {"mse": err.detach().mean(), "weighted_mse": loss.detach()}, {"samples": len(self.cache)}

    def _write_extra(self, folder: Path, summary: dict) -> None:
        """Provenance, and the Turbo sampler settings as the folder's generation defaults."""
        from stepvid.video import atomic_path

        super()._write_extra(folder, summary)
        cfg, d = self.cfg, self.plan.defaults
        turbo = {"steps": cfg.turbo_steps,
                 "cfg": float(cfg.turbo_cfg if cfg.turbo_cfg is not None else (1.0 if cfg.cfg_distill else d.cfg)),
                 "shift": float(cfg.turbo_shift if cfg.turbo_shift is not None else d.shift)}
        desc = folder / "stepvid.json"
        if desc.is_file():  # a hard link to the teacher's file: replaced, never written through
            meta = json.loads(desc.read_text())
            meta["defaults"] = {**meta.get("defaults", {}), **turbo}
            with atomic_path(desc) as tmp:
                tmp.write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n")
