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

With ``dmd_weight`` > 0 the trajectory objective also matches distributions (DMD, Yin et al. 2024; DMD2's
simultaneous fake-score updates): the student's end point x is noised to x_t at t ~ U[0.02, 0.98] with fresh
noise, the frozen teacher's guided velocity (``dmd_cfg``) and a trained "fake" score's unguided one (a copy of the
teacher that keeps learning flow matching on the student's own end points) each give a clean estimate
x̂ = x_t + (1 − t) v, and x moves along x̂_fake − x̂_real, normalised by the mean |x − x̂_real| of its sample:
toward where the teacher's samples are dense and away from where the student's own are. Per-sample regression
pulls each noise to the teacher's one video (an average when the student cannot follow); this pulls the student's
samples, as a set, to the teacher's. ``reg_weight`` keeps (or with 0 drops) the regression beside it.

Everything else — model loading, prompt encoding, the resumable loop, FSDP2, LoRA, export — is the Video-DPO
trainer's (``stepvid.dpo.trainer``); the export also writes the Turbo sampler settings into the student folder's
``stepvid.json`` defaults (steps, CFG, shift), so ``stepvid generate --model STUDENT`` uses them.
"""

from __future__ import annotations

import copy
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
    def needs_reference(self) -> bool:  # the frozen teacher of the progressive objective and of DMD's real score
        return self.cfg.objective == "progressive" or self.cfg.dmd_weight > 0

    def _extra_trained(self, policy: torch.nn.Module) -> dict[str, tuple[torch.nn.Module, float]]:
        """DMD's fake score: a copy of the starting DiT that learns the student's end points."""
        self.fake = self._fake_fwd = None
        if self.cfg.dmd_weight <= 0:
            return {}
        self.fake = copy.deepcopy(policy).requires_grad_(True).train()
        return {"fake": (self.fake, float(self.cfg.fake_lr or self.cfg.lr))}

    def _clip_grads(self) -> torch.Tensor:
        """The student's and the fake score's gradients clipped apart (one must not scale the other's); the
        student's norm is the one logged."""
        if self.fake is None:
            return super()._clip_grads()
        clip = torch.nn.utils.clip_grad_norm_
        clip(list(self.fake.parameters()), self.cfg.grad_clip)
        return clip([p for p in self.policy.parameters() if p.requires_grad], self.cfg.grad_clip)

    def _fake(self):
        """The fake score's velocity (compiled under ``compile``)."""
        if self._fake_fwd is None:
            fake = self.fake
            if self.cfg.compile:
                fake.capture_safe = True
                fake = torch.compile(fake)
            self._fake_fwd = self._call(fake)
        return self._fake_fwd

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
        return {"mse": f"{last['mse']:.4f}", **({"dmd": f"{last['dmd']:.4f}"} if "dmd" in last else {})}

    def _turbo_shift(self) -> float:
        """The student's sampler shift: ``turbo_shift``, else the teacher's."""
        return float(self.cfg.turbo_shift if self.cfg.turbo_shift is not None else self.plan.defaults.shift)

    def _teacher_grid(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The teacher's mS-step times (S = turbo_steps, m = teacher_substeps; the student's grid is every m-th)
        and its guidance scale per teacher step (the cache's CFG and decay, the student's shift)."""
        from stepvid.diffusion.sampler import cfg_schedule, flow_schedule

        cfg = self.cfg
        tau = flow_schedule(cfg.teacher_substeps * cfg.turbo_steps, self._turbo_shift())
        return tau, cfg_schedule(self._cache_cfg(), tau, decay=bool(self.cache.settings.get("cfg_decay", True)))

    def _cache_cfg(self) -> float:
        """The guidance the teacher cache was sampled with (the model's default when the cache does not say)."""
        return float(self.cache.settings.get("cfg", self.plan.defaults.cfg))

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

    def _unroll(self, z: torch.Tensor, texts: list[str]) -> torch.Tensor:
        """The end of the student's S-step Euler sampler from the noise z, differentiable through every step (each
        step's forward recomputed in the backward pass); guided with a constant scale unless ``cfg_distill``."""
        from torch.utils.checkpoint import checkpoint

        from stepvid.diffusion.flow import _bcast
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
        return x

    def _distribution_matching(self, x: torch.Tensor, texts: list[str], gens: list) -> tuple:
        """(DMD loss per sample, fake score's flow-matching error per sample) for the student's end points x.
        The loss's gradient in x is (x̂_fake − x̂_real) / mean|x − x̂_real| per element (over its count); the fake
        learns x detached, so neither loss reaches the other model."""
        from stepvid.diffusion.flow import _bcast, interpolate, per_sample_mse, velocity_target

        b, dev = len(texts), self.device
        x0 = x.detach()

        def draw() -> tuple[torch.Tensor, torch.Tensor]:  # (t ~ U[0.02, 0.98], fresh noise) per sample
            t = torch.cat([torch.rand(1, generator=g) for g in gens]) * 0.96 + 0.02
            return t.to(dev), torch.stack([torch.randn(x0.shape[1:], generator=g) for g in gens]).to(dev)

        emb = self._text_states(texts + [self._negative] * b)
        llm, clip, mask = emb.llm, emb.clip, emb.cross_attention_mask()
        scale = float(self.cfg.dmd_cfg) if self.cfg.dmd_cfg is not None else self._cache_cfg()
        t, noise = draw()
        xt = interpolate(noise, x0, t)
        with torch.no_grad():
            v = self._teacher()(torch.cat([xt, xt]), torch.cat([t, t]), llm, clip, mask).float()
            real = v[b:] + scale * (v[:b] - v[b:])
            fake = self._fake()(xt, t, llm[:b], clip[:b], mask[:b]).float()
            one_minus = _bcast(1 - t, x0)
            norm = (x0 - (xt + one_minus * real)).abs().flatten(1).mean(1).clamp_min(1e-4)
            # contiguous: the gradient that reaches the compiled rollout takes the target's strides, and inductor's
            # backward of the guided rollout asserts the layout it compiled for (the twelfth run's guided student)
            target = (x0 - one_minus * (fake - real) / _bcast(norm, x0)).contiguous()
        dmd = 0.5 * per_sample_mse(x, target)
        t2, noise2 = draw()
        v2 = self._fake()(interpolate(noise2, x0, t2), t2, llm[:b], clip[:b], mask[:b])
        return dmd, per_sample_mse(v2, velocity_target(noise2, x0))

    def _turbo_cfg(self) -> float:
        """The student's guidance scale: ``turbo_cfg``, else 1 under ``cfg_distill``, else the teacher cache's CFG
        (the model's default when the cache does not say)."""
        cfg = self.cfg
        if cfg.turbo_cfg is not None:
            return float(cfg.turbo_cfg)
        if cfg.cfg_distill:
            return 1.0
        return self._cache_cfg()

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
            texts = [r["text"] for r in rows]
            end = self._unroll(z, texts)
            err = per_sample_mse(end, x1)
            loss = cfg.reg_weight * err.mean()
            m = {"mse": err.detach().mean(), "weighted_mse": loss.detach()}
            if self.fake is not None:
                dmd, fake_err = self._distribution_matching(end, texts, gens)
                loss = loss + cfg.dmd_weight * dmd.mean() + fake_err.mean()
                m.update(dmd=dmd.detach().mean(), fake_mse=fake_err.detach().mean())
            return loss, m, {"samples": len(self.cache)}
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
