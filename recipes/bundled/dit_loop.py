"""Fast flow-matching loop for the bundled DiT: device-resident data, no host syncs, data parallel.

Run 1 trained the bundled DiT with ``stepvid.train.dit_trainer.DiTTrainer`` (the general loop behind ``stepvid
train dit``) and reached 4-5 % MFU: at 9 M parameters every step is short, and the general loop's per-sample
host RNG, cache reads and per-step host reads of the text lengths and the loss left the GPU waiting for
Python. This loop computes the same objective from the same library pieces (``StepVideoDiT`` in
``capture_safe`` mode, ``stepvid.diffusion.flow``, the frozen ``SmallBilingualEncoder``) but keeps everything
on the device:

* a stage's latents (VAE posterior means) and its captions' token ids live in device memory; a step indexes
  them with device RNG, encodes the captions with the frozen text encoder (cheap at this size, and each
  sample has four captions: EN/ZH x short/dense, one drawn per step), applies text dropout with
  ``torch.where``, draws noise and tau on the device;
* the host reads a tensor only every ``log_every`` steps, and the ranks agree on when to stop every 10 steps;
* each rank holds its own shard of the data; gradients are averaged by one all-reduce (``dist_util``);
* optional ``torch.compile`` of the DiT (no recompiles: the text mask is a dense boolean key mask).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import torch
from dist_util import agree, average_gradients, broadcast_parameters

from stepvid.diffusion.flow import flow_matching_loss, interpolate, make_density
from stepvid.models.text.base import TextEmbeddings
from stepvid.models.text.small import CLIP_LEN
from stepvid.train.ema import EMA


@dataclass
class StageData:
    """One stage's training set on the device: latents [N, F, C, h, w] and K captions per sample."""

    latents: torch.Tensor
    llm_ids: torch.Tensor  # [N, K, L] int32
    llm_len: torch.Tensor  # [N, K] int32
    clip_ids: torch.Tensor  # [N, K, 77] int32
    clip_len: torch.Tensor  # [N, K] int32
    # Image-to-video (recipes/bundled/ti2v.py): each clip's first frame encoded alone (a one-frame clip), its
    # posterior mean and std [N, 1, C, h, w]; a step conditions on a fresh sample of it (see first_frame_condition).
    cond_mean: torch.Tensor | None = field(default=None, kw_only=True)  # keyword-only: subclasses add positional
    cond_std: torch.Tensor | None = field(default=None, kw_only=True)  # fields (distill_loop.DistillData)

    def __len__(self) -> int:
        return self.latents.shape[0]


def first_frame_condition(data: StageData, idx: torch.Tensor, frames: int, gen: torch.Generator) -> torch.Tensor:
    """The DiT's condition latents for samples ``idx``: a posterior sample of each first frame at latent frame 0,
    zeros after it — what the pipeline builds from an image at generation time (stepvid.ti2v)."""
    from stepvid.ti2v import condition_latents

    mean, std = data.cond_mean[idx].float(), data.cond_std[idx].float()
    return condition_latents(mean + std * torch.randn(mean.shape, generator=gen, device=mean.device), frames)


def tokenize_captions(tokenizer, captions: list[list[str]], llm_len: int) -> tuple[torch.Tensor, ...]:
    """K captions per sample -> (llm_ids [N,K,L], llm_len [N,K], clip_ids [N,K,77], clip_len [N,K]) int32."""
    n, k = len(captions), len(captions[0])
    encoded = [tokenizer.encode(c) for caps in captions for c in caps]
    lid, lmask = tokenizer.pad(encoded, llm_len)
    cid, cmask = tokenizer.pad(encoded, CLIP_LEN)
    return (lid.int().view(n, k, -1), lmask.sum(1).int().view(n, k),
            cid.int().view(n, k, -1), cmask.sum(1).int().view(n, k))


def _prefix_mask(lengths: torch.Tensor, size: int) -> torch.Tensor:
    return (torch.arange(size, device=lengths.device)[None] < lengths[:, None]).long()


class FastDiTLoop:
    """Trains ``model`` through a list of stages, each fitted to its share of a wall-clock budget."""

    def __init__(self, model: torch.nn.Module, encoder, negative: TextEmbeddings, d, *, lr: float,
                 warmup_steps: int, ema_decay: float, text_dropout: float, timestep: dict, seed: int,
                 grad_clip: float = 1.0, min_lr_ratio: float = 0.1, log: Callable[[dict], None] | None = None,
                 log_every: int = 100, trained: torch.nn.Module | None = None):
        """``trained``: the module whose weights are optimised, averaged and checkpointed (default ``model``,
        the DiT; the text distillation trains an encoder through a frozen DiT)."""
        self.d, self.model, self.enc = d, model, encoder
        self.trained = model if trained is None else trained
        self.device = d.device
        self.model.to(self.device).train()
        self.model.capture_safe = True
        self.trained.to(self.device).train()
        broadcast_parameters(self.trained, d)
        if self.trained is not encoder:
            self.enc.to(self.device).eval().requires_grad_(False)
        self.negative = TextEmbeddings(*(t.to(self.device) for t in (negative.llm, negative.llm_mask, negative.clip)))
        self.params = [p for p in self.trained.parameters() if p.requires_grad]
        cuda = self.device.type == "cuda"
        self.opt = torch.optim.AdamW(self.params, lr=lr, betas=(0.9, 0.99), weight_decay=0.0, fused=cuda)
        self.ema = EMA(self.trained, ema_decay)
        self.lr, self.warmup, self.min_lr_ratio = lr, warmup_steps, min_lr_ratio
        self.text_dropout, self.grad_clip = text_dropout, grad_clip
        self.density = make_density(timestep)
        self.gen = torch.Generator(device=self.device).manual_seed(seed * 1000 + d.rank)
        self.amp = torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=cuda)
        self.log, self.log_every = log, log_every
        self.global_step = 0
        self.history: list[dict] = []

    # ---- one step -------------------------------------------------------------------------------------
    def _text(self, data: StageData, idx: torch.Tensor, b: int) -> TextEmbeddings:
        k = torch.randint(data.llm_ids.shape[1], (b,), generator=self.gen, device=self.device)
        llm_ids, clip_ids = data.llm_ids[idx, k].long(), data.clip_ids[idx, k].long()
        llm_mask = _prefix_mask(data.llm_len[idx, k], llm_ids.shape[1])
        clip_mask = _prefix_mask(data.clip_len[idx, k], CLIP_LEN)
        with torch.no_grad(), self.amp:
            e = self.enc(llm_ids, llm_mask, clip_ids, clip_mask)
        drop = torch.rand(b, generator=self.gen, device=self.device) < self.text_dropout
        neg = self.negative
        return TextEmbeddings(
            torch.where(drop[:, None, None], neg.llm.to(e.llm.dtype), e.llm),
            torch.where(drop[:, None], neg.llm_mask.to(e.llm_mask.dtype), e.llm_mask),
            torch.where(drop[:, None, None], neg.clip.to(e.clip.dtype), e.clip),
        )

    def step(self, fwd, data: StageData, batch: int, lr: float, weight: float) -> torch.Tensor:
        idx = torch.randint(len(data), (batch,), generator=self.gen, device=self.device)
        x1 = data.latents[idx].float()
        text = self._text(data, idx, batch)
        noise = torch.randn(x1.shape, generator=self.gen, device=self.device)
        tau = self.density.sample(batch, generator=self.gen, device=self.device)
        x = interpolate(noise, x1, tau)
        kw = {}
        if data.cond_mean is not None:  # image-to-video: the same first-frame condition with or without text
            kw["condition_hidden_states"] = first_frame_condition(data, idx, x1.shape[1], self.gen)
        with self.amp:
            v = fwd(x, tau, text.llm, text.clip, text.cross_attention_mask(), **kw)
        loss = flow_matching_loss(v, noise, x1) * weight
        for g in self.opt.param_groups:
            g["lr"] = lr
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        average_gradients(self.params, self.d)
        torch.nn.utils.clip_grad_norm_(self.params, self.grad_clip, foreach=self.device.type == "cuda")
        self.opt.step()
        self.ema.update(self.trained)
        self.global_step += 1
        return loss.detach()

    # ---- a stage --------------------------------------------------------------------------------------
    def run_stage(self, name: str, data: StageData | Sequence[StageData], *, steps: int, batch: int, until: float,
                  compile: bool = False, weight: float = 1.0, calib: tuple[int, int] = (10, 40), start: int = 0,
                  checkpoint: Callable[[dict], None] | None = None, checkpoint_every_s: float = 120.0) -> dict:
        """Train one stage for ``steps`` or until ``until`` (time.time()); after ``calib`` steps the planned
        step count is cut to what fits, so the cosine schedule still ends at the stage's end. ``start``:
        resume at this stage step (``steps`` is then the planned count saved with the checkpoint). ``data``: one
        set, or a cycle of sets (e.g. clip lengths [34, 34, 34, 17] frames): step ``i`` draws from ``data[i % k]``,
        so a stage can keep several clip lengths working.
        ``checkpoint(position)`` is called on every rank about every ``checkpoint_every_s`` seconds (rank 0's
        clock decides) and at the end."""
        cycle = [data] if isinstance(data, StageData) else list(data)
        fwd = self.model
        if compile:
            fwd = torch.compile(self.model, dynamic=False)  # one static graph per clip length of a cycle
        t0 = t_ckpt = time.time()
        loss_sum = torch.zeros((), device=self.device)
        n_sum, done, t_cal, stopped = 0, start, t0, False
        if start:  # re-fit from here; min() below keeps the count fitted before the interruption
            calib = (start + calib[0], start + calib[1])
        while done < steps:
            if done % 10 == 0 and agree(float(time.time() > until), self.d):
                stopped = True
                break
            if (checkpoint is not None and done % 10 == 0 and done > start
                    and agree(float(time.time() - t_ckpt > checkpoint_every_s), self.d)):  # all ranks save
                checkpoint({"stage": name, "stage_step": done, "planned": steps})
                t_ckpt = time.time()
            if done == calib[0]:
                if self.device.type == "cuda":
                    torch.cuda.synchronize()
                t_cal = time.time()
            if done == calib[1] and math.isfinite(until):
                if self.device.type == "cuda":
                    torch.cuda.synchronize()
                per = (time.time() - t_cal) / (calib[1] - calib[0])
                fit = done + int((until - time.time()) / per)  # steps is the planned (or resumed) count
                steps = int(agree(float(max(done + 1, min(steps, fit))), self.d))
                self._emit({"stage": name, "event": "calibrated", "s_per_step": round(per, 4), "steps": steps})
            frac = done / max(1, steps)
            lr = self.lr * min(1.0, (done + 1) / self.warmup) * (
                self.min_lr_ratio + (1 - self.min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * frac)))
            try:
                loss_sum += self.step(fwd, cycle[done % len(cycle)], batch, lr, weight)
            except Exception as e:
                if fwd is self.model or done > 0:
                    raise
                self._emit({"stage": name, "event": "compile_failed", "error": repr(e)[:300]})
                fwd = self.model
                continue
            done += 1
            n_sum += 1
            if done % self.log_every == 0 or done == steps:
                row = {"stage": name, "step": done, "global_step": self.global_step, "lr": lr,
                       "loss": float(loss_sum) / n_sum, "elapsed_s": round(time.time() - t0, 1),
                       "samples_per_s": round((done - start) * batch * self.d.world_size / (time.time() - t0), 1)}
                loss_sum.zero_()
                n_sum = 0
                self.history.append(row)
                self._emit(row)
        if checkpoint is not None and done > start:
            checkpoint({"stage": name, "stage_step": done, "planned": steps})
        return {"stage": name, "steps": done, "planned": steps, "stopped_by_budget": stopped, "batch": batch,
                "ranks": self.d.world_size, "seconds": round(time.time() - t0, 1),
                "last_loss": self.history[-1]["loss"] if self.history else None}

    def _emit(self, row: dict) -> None:
        if self.log is not None and self.d.is_main:
            self.log(row)

    # ---- checkpoints ---------------------------------------------------------------------------------
    def save(self, run_dir: Path, position: dict, key: str) -> None:
        """All ranks: :func:`stepvid.train.checkpoint.save_checkpoint` (weights, AdamW, EMA, atomic folder)
        under ``run_dir/checkpoints``, with the loop position, history and run ``key`` in its state."""
        from stepvid.train.checkpoint import save_checkpoint

        save_checkpoint(run_dir, self.global_step, self.trained, self.opt,
                        {"key": key, "position": position, "history": self.history}, self.d.rank,
                        self.d.world_size, ema=self.ema.shadow, keep_last=1)

    def load(self, run_dir: Path, key: str, seed: int) -> dict | None:
        """Restore the latest checkpoint in ``run_dir`` on every rank; None when there is none of run ``key``.
        The data/noise generator is reseeded from (seed, rank, step): weights, optimizer and position resume
        exactly, the random stream does not."""
        from stepvid.train.checkpoint import latest_checkpoint, load_checkpoint

        ck = latest_checkpoint(run_dir)
        if ck is None or json.loads((ck / "state.json").read_text()).get("key") != key:
            return None
        meta = load_checkpoint(ck, self.trained, self.opt, self.d.rank, self.d.world_size, ema=self.ema.shadow)
        self.global_step, self.history = meta["step"], meta["history"]
        self.gen.manual_seed(seed * 1000 + self.d.rank + 7919 * self.global_step)
        return meta["position"]

    def ema_state_dict(self) -> dict[str, torch.Tensor]:
        out = {k: v.detach().cpu().clone() for k, v in self.trained.state_dict().items()}
        out.update({n: e.cpu().clone() for n, e in self.ema.shadow.items()})
        return out
