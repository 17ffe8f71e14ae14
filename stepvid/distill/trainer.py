"""Turbo self-distillation (report §5): the student, a copy of the teacher's DiT, learns straight paths from
the teacher's noise to the teacher's video (2-rectified flow), so that a few Euler steps land where the teacher's
50 do.

Per sample (a teacher latent x and the seed of its noise z, from ``stepvid.distill.cache``): tau from the U-shaped
density p(u) ∝ e^{5v} + e^{−5v}, v = 2u − 1 (most mass near both ends), x_tau = (1 − tau) z + tau x, and the
student's velocity regresses the constant x − z, weighted by 1/tau² (capped at ``max_weight``; the batch's mean
weight normalises the loss). With ``cfg_distill`` (default) the teacher's samples were made with guidance and the
student reads only the prompt: it is sampled with CFG 1, one DiT forward per step instead of two. Otherwise
``text_dropout`` of the rows read the negative prompt, so the student keeps a usable unconditional branch.

``objective="progressive"`` (progressive distillation, Salimans & Ho 2022, on the flow path): the teacher (a frozen
copy of the starting DiT) takes m = ``teacher_substeps`` guided Euler steps of its mS-step grid (S = ``turbo_steps``,
the teacher's shift and decaying CFG) from a point on a cached sample's noise-to-video line, and the student's one
step of the S-step grid must land where those m did: target velocity (x_b − x_a) / (tau_b − tau_a), student step
drawn uniformly. It learns the teacher's curved paths instead of assuming straight ones. With ``start="student"``
the teacher's steps start where the student's own first k unguided steps from the noise land (on-policy, as in
DAgger): on the line the student fits the teacher's steps to 3e-4 yet samples no better, because its few-step
path leaves the line. m = 2 is the paper's halving (repeat with the student as the next teacher: 16 → 8 → 4); a
larger m distils many teacher steps in one round (TRACT, Berthelot et al. 2023, without its bootstrapping): m = 6
at S = 8 is the teacher's 48-step path.

``objective="trajectory"`` (trajectory matching): the student's own S-step Euler sampler is unrolled from a
cached sample's noise — with the teacher's guidance (constant ``turbo_cfg``, default the cache's CFG; CFG 1 under
``cfg_distill``) — and its end point regresses the teacher's 50-step video from the same noise; the gradient runs
back through every step (each step's forward recomputed in the backward pass). It fits what sampling does, so
the few-step path cannot leave the points it was trained on (the failure of the line-start objectives above), and
it starts from the teacher, whose own S-step samples are already close.

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

    def __init__(self, cfg: DistillConfig) -> None:
        super().__init__(cfg)  # type: ignore[arg-type]

    @property
    def needs_reference(self) -> bool:  # the frozen teacher of the progressive objective
        return self.cfg.objective == "progressive"

    def _load_data(self) -> list[str]:
        self.cache = read_teacher_cache(self.cfg.cache)
        if self.cfg.passed_only:
            self.cache = self.cache.passed_only()
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

    def _turbo_shift(self) -> float:
        """The student's sampler shift: ``turbo_shift``, else the teacher's."""
        return float(self.cfg.turbo_shift if self.cfg.turbo_shift is not None else self.plan.defaults.shift)

    def _teacher_grid(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The teacher's mS-step times (S = turbo_steps, m = teacher_substeps; the student's grid is every m-th)
        and its guidance scale per teacher step (the cache's CFG and decay, the student's shift)."""
        from stepvid.diffusion.sampler import cfg_schedule, flow_schedule

        cfg, d, st = self.cfg, self.plan.defaults, self.cache.settings
        tau = flow_schedule(cfg.teacher_substeps * cfg.turbo_steps, self._turbo_shift())
        return tau, cfg_schedule(float(st.get("cfg", d.cfg)), tau, decay=bool(st.get("cfg_decay", True)))

    def _teacher(self):
        """The frozen teacher's velocity (compiled with the student under ``compile``: m forwards per step)."""
        if not self.cfg.compile or self.reference is None:  # LoRA: the policy with its adapters off
            return self._reference()
        if getattr(self, "_teacher_fwd", None) is None:
            self.reference.capture_safe = True
            self._teacher_fwd = self._call(torch.compile(self.reference))
        return self._teacher_fwd

    def _progressive(self, x1: torch.Tensor, z: torch.Tensor, texts: list[str], gens: list) -> tuple:
        """(student input x_a, its time tau_a, target velocity) for the progressive objective: m guided teacher
        Euler steps from x_a (a point of the sample's noise-to-video line at a student grid time)."""
        from stepvid.diffusion.flow import _bcast, interpolate

        m = self.cfg.teacher_substeps
        tau, scale = self._teacher_grid()
        k = torch.cat([torch.randint(self.cfg.turbo_steps, (1,), generator=g) for g in gens]) * m
        dev, b = self.device, len(texts)
        emb = self._text_states(texts + [self._negative] * b)
        mask = emb.cross_attention_mask()
        if self.cfg.start == "student":
            x_a = x = self._rollout(z, k // m, tau[::m], emb.llm[:b], emb.clip[:b], mask[:b])
        else:
            x_a = x = interpolate(z, x1, tau[k].to(dev))
        teacher = self._teacher()
        with torch.no_grad():
            for i in range(m):
                t, s = tau[k + i].to(dev), scale[k + i].to(dev)
                v = teacher(torch.cat([x, x]), torch.cat([t, t]), emb.llm, emb.clip, mask).float()
                cond, uncond = v[:b], v[b:]
                x = x + _bcast(tau[k + i + 1].to(dev) - t, x) * (uncond + _bcast(s, uncond) * (cond - uncond))
        t_a, t_b = tau[k].to(dev), tau[k + m].to(dev)
        return x_a, t_a, (x - x_a) / _bcast(t_b - t_a, x_a)

    def _rollout(self, z: torch.Tensor, k: torch.Tensor, grid: torch.Tensor, llm: torch.Tensor, clip: torch.Tensor,
                 mask: torch.Tensor) -> torch.Tensor:
        """Row i after the student's own first k[i] unguided Euler steps of its grid from the noise z (prompt
        states ``llm``, ``clip``, ``mask`` of the same rows) — the points it meets when it samples (on-policy
        starts). The whole batch runs every step (one graph shape under compile); rows past their k keep their
        state."""
        from stepvid.diffusion.flow import _bcast

        dev, b, x = self.device, z.shape[0], z
        k = k.to(dev)
        with torch.no_grad():
            for j in range(int(k.max())):
                t = grid[j].to(dev).expand(b)
                v = self._call(self.policy_fwd)(x, t, llm, clip, mask)
                step = _bcast((k > j).to(x.dtype) * (grid[j + 1] - grid[j]).to(dev), x)
                x = x + step * v.float()
        return x

    def _trajectory(self, x1: torch.Tensor, z: torch.Tensor, texts: list[str]) -> torch.Tensor:
        """Per-sample MSE between the end of the student's unrolled S-step sampler from the noise z and the teacher's
        latent x1 (the trajectory objective); guided with a constant scale unless ``cfg_distill``."""
        from torch.utils.checkpoint import checkpoint

        from stepvid.diffusion.flow import _bcast, per_sample_mse
        from stepvid.diffusion.sampler import flow_schedule

        cfg, b, dev = self.cfg, len(texts), self.device
        guided = not cfg.cfg_distill
        scale = self._turbo_cfg()
        emb = self._text_states(texts + [self._negative] * b if guided else texts)
        llm, clip, mask = emb.llm, emb.clip, emb.cross_attention_mask()
        fwd = self._call(self.policy_fwd)

        def velocity(x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
            if not guided:
                return fwd(x, t, llm, clip, mask).float()
            v = fwd(torch.cat([x, x]), torch.cat([t, t]), llm, clip, mask).float()
            return v[b:] + scale * (v[:b] - v[b:])

        tau = flow_schedule(cfg.turbo_steps, self._turbo_shift()).to(dev)
        x = z
        for j in range(cfg.turbo_steps):
            t = tau[j].expand(b)
            v = checkpoint(velocity, x, t, use_reentrant=False) if torch.is_grad_enabled() else velocity(x, t)
            x = x + _bcast((tau[j + 1] - tau[j]).expand(b), x) * v
        return per_sample_mse(x, x1)

    def _turbo_cfg(self) -> float:
        """The student's guidance scale: ``turbo_cfg``, else 1 under ``cfg_distill``, else the teacher cache's CFG
        (the model's default when the cache does not say)."""
        cfg = self.cfg
        if cfg.turbo_cfg is not None:
            return float(cfg.turbo_cfg)
        if cfg.cfg_distill:
            return 1.0
        return float(self.cache.settings.get("cfg", self.plan.defaults.cfg))

    def _samples(self, step: int) -> tuple[torch.Tensor, torch.Tensor, list[dict], list[torch.Generator]]:
        """This step's cache draws: the teacher's latents and their own initial noise (redrawn from the seed) on
        the device, the rows, and each sample's generator."""
        from stepvid.diffusion.sampler import initial_noise

        draws = self._draws(step, len(self.cache))
        rows = [self.cache.rows[i] for i, _ in draws]
        x1 = torch.stack([self.cache.latent(i) for i, _ in draws])
        z = torch.stack([initial_noise((1, *self.cache.shape), seed=int(r["seed"]))[0] for r in rows])
        return x1.to(self.device), z.to(self.device), rows, [g for _, g in draws]

    def _step(self, step: int, logger) -> tuple[torch.Tensor, dict, dict]:
        from stepvid.diffusion.flow import distill_weight, interpolate, per_sample_mse, velocity_target

        cfg = self.cfg
        x1, z, rows, gens = self._samples(step)
        if cfg.objective == "trajectory":
            err = self._trajectory(x1, z, [r["text"] for r in rows])
            loss = err.mean()
            return loss, {"mse": err.detach().mean(), "weighted_mse": loss.detach()}, {"samples": len(self.cache)}
        if cfg.objective == "progressive":
            texts = [r["text"] for r in rows]
            x, t, target = self._progressive(x1, z, texts, gens)
            w = torch.ones_like(t)
        else:
            tau, texts = [], []
            for r, g in zip(rows, gens):
                tau.append(self.density.sample(1, generator=g))
                drop = not cfg.cfg_distill and float(torch.rand(1, generator=g)) < cfg.text_dropout
                texts.append(self._negative if drop else r["text"])
            t = torch.cat(tau).to(self.device)
            x, target = interpolate(z, x1, t), velocity_target(z, x1)
            w = distill_weight(t, max_weight=cfg.max_weight) if cfg.weighting == "inv_t2" else torch.ones_like(t)
        emb = self._text_states(texts)
        pred = self._call(self.policy_fwd)(x, t, emb.llm, emb.clip, emb.cross_attention_mask())
        err = per_sample_mse(pred, target)
        loss = (w * err).sum() / w.sum()
        return loss, {"mse": err.detach().mean(), "weighted_mse": loss.detach()}, {"samples": len(self.cache)}

    def _write_extra(self, folder: Path, summary: dict) -> None:
        """Provenance, and the Turbo sampler settings as the folder's generation defaults."""
        from stepvid.video import atomic_path

        super()._write_extra(folder, summary)
        cfg = self.cfg
        turbo = {"steps": cfg.turbo_steps, "cfg": self._turbo_cfg(), "shift": self._turbo_shift()}
        desc = folder / "stepvid.json"
        if desc.is_file():  # a hard link to the teacher's file: replaced, never written through
            meta = json.loads(desc.read_text())
            meta["defaults"] = {**meta.get("defaults", {}), **turbo}
            meta.pop("presets", None)  # the teacher's named sampler settings; they do not describe the student
            with atomic_path(desc) as tmp:
                tmp.write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n")
