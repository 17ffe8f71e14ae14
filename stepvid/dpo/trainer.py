"""Video-DPO training (report §4): the policy DiT learns to prefer the chosen latents of each pair over the
rejected ones, relative to a frozen reference (the starting model), full or LoRA, resumable.

    stepvid train dpo --init M --pairs pairs/ --run-dir runs/dpo --out M-dpo           # full fine-tuning
    stepvid train dpo --init M --pairs pairs/ --run-dir runs/dpo --out M-dpo --lora-rank 16
    torchrun --nproc-per-node 8 -m stepvid.cli train dpo ...                            # FSDP2, data parallel

A step draws a global batch of pairs (with replacement) and, per pair, one noise and one tau shared by chosen
and rejected, from generators seeded by (seed, step, sample) — so a resumed run or another process layout
sees the same draws. Prompts are encoded once up front by the model's text encoder. The reference is a
frozen copy of the starting DiT (LoRA: the same DiT with its adapters switched off, no second copy).

``--online``: every ``online_every`` steps the current policy generates candidates for the next
``online_per_round`` prompts of ``online_prompts``, the scorer ranks them, and their pairs join the pool (round
``r`` uses prompts ``[(r-1)·P, r·P)``, so a resumed run rebuilds the same pool). Single process only.

The run folder holds ``config.json`` (a resumed run must match it), ``metrics.jsonl``, checkpoints (every
``checkpoint_every`` steps, atomic) and ``online/`` (the online pair set). The result is a model folder
(``out``): the starting folder's files with the DiT replaced (adapters merged) and ``dpo.json`` (provenance).
"""

from __future__ import annotations

import copy
import json
import logging
import os
import shutil
import time
from dataclasses import asdict
from pathlib import Path

import torch

from stepvid.dpo.config import _RESUME_KEYS, DPOConfig
from stepvid.dpo.pairs import JudgeScorer, PairSet, Scorer, load_prompts, make_pairs, read_pairs
from stepvid.models.text.base import TextEmbeddings

log = logging.getLogger("stepvid.dpo")

__all__ = ["DPOConfig", "DPOTrainer"]

class DPOTrainer:
    """Video-DPO; also the base of ``stepvid.distill.trainer.DistillTrainer`` (same model loading, prompt
    encoding, loop, checkpoints and export; another data source and loss: ``_load_data``, ``_step``)."""

    name = "dpo"
    resume_keys = _RESUME_KEYS
    needs_reference = True

    def __init__(self, cfg: DPOConfig, scorer: Scorer | None = None) -> None:
        """``scorer`` ranks the online loop's candidates (default: the world judge)."""
        from stepvid.train.distributed import init_distributed

        cfg.check()
        self.cfg = cfg
        self._scorer = scorer
        self.info = init_distributed(1, cfg.device)
        if self.info.distributed and getattr(cfg, "online_prompts", None):
            raise ValueError("dpo: the online loop runs in one process; drop --online-prompts or run without torchrun")
        self.device = self.info.device if cfg.device is None or self.info.distributed else torch.device(cfg.device)
        self.run_dir = Path(cfg.run_dir)

    # ---- setup ------------------------------------------------------------------------------------------
    def _check_run_dir(self) -> None:
        from stepvid.train.common import check_run_config

        check_run_config(self.run_dir, asdict(self.cfg), self.resume_keys, write=self.info.is_main)

    def setup(self) -> None:
        from stepvid.diffusion.flow import make_density
        from stepvid.model_folder import plan_model
        from stepvid.pipeline import TextToVideoPipeline

        cfg = self.cfg
        texts = self._load_data()  # the data's errors first, then the model folder's
        self._check_run_dir()
        self.plan = plan_model(cfg.init)
        texts += self._model_texts()
        # fp32 master weights; bf16 autocast does the compute on CUDA.
        self.pipe = TextToVideoPipeline.from_plan(self.plan, device=self.device, dtype=torch.float32)
        self.pipe.defaults.prompt_rewrite = "none"  # pairs store the text the encoder read
        policy = self.pipe.transformer.requires_grad_(True)  # loaded for inference: frozen
        self.autocast = self.device.type == "cuda" and cfg.precision == "bf16"
        if self.autocast:
            self.pipe.vae.to(torch.bfloat16)  # frozen; decodes the online loop's candidates
        self.reference = None
        if cfg.lora_rank > 0:
            from stepvid.train.lora import apply_lora

            apply_lora(policy, cfg.lora_rank, cfg.lora_targets, cfg.lora_alpha)
        elif self.needs_reference:
            self.reference = copy.deepcopy(policy).requires_grad_(False).eval()
            if self.autocast:
                self.reference.to(torch.bfloat16)
        self.policy = policy.train()
        self.policy_fwd = self.policy  # the policy's forward as the loss calls it (compiled with cfg.compile)
        self.text_encoder = self._trainable_text_encoder()
        extra = self._extra_trained(policy)  # other DiTs trained beside the policy: name -> (module, base lr)
        # What checkpoints hold: the DiT, and the text encoder or other models when they train too.
        more = {"text": self.text_encoder} if self.text_encoder is not None else {}
        more.update({k: m for k, (m, _) in extra.items()})
        self.trained = torch.nn.ModuleDict({"dit": self.policy, **more}) if more else self.policy
        if self.info.distributed:
            from stepvid.train.distributed import apply_fsdp

            dt = torch.bfloat16 if self.autocast else None
            for m in [self.policy, self.reference, *(m for m, _ in extra.values())]:
                if m is not None:
                    apply_fsdp(m, self.info, m.transformer_blocks, dt)
            self.autocast = False  # FSDP's mixed-precision policy casts
        if cfg.compile:
            # Dense text mask: no per-batch text lengths to guard on, so one graph serves every step.
            self.policy.capture_safe = True
            self.policy_fwd = torch.compile(self.policy)
        params = [p for p in self.policy.parameters() if p.requires_grad]
        if not params:
            raise ValueError(f"{self.name}: nothing to train (no trainable parameters)")
        groups = [{"params": params, "base_lr": cfg.lr}]
        if self.text_encoder is not None:
            groups.append({"params": list(self.text_encoder.parameters()), "base_lr": cfg.text_lr})
        groups += [{"params": list(m.parameters()), "base_lr": lr} for m, lr in extra.values()]
        self.optimizer = torch.optim.AdamW(groups, lr=cfg.lr, weight_decay=cfg.weight_decay)
        self.ema = None
        if cfg.ema_decay > 0:
            from stepvid.train.ema import EMA

            self.ema = EMA(self.policy, cfg.ema_decay)
        self.density = make_density(cfg.timestep)
        self._emb: dict[str, int] = {}
        self._states: TextEmbeddings | None = None
        self._encode(texts)
        self._sft_latents = self._encode_clips()
        if self.info.is_main:
            log.info("%s: %s, %s, %d trainable parameters", self.name, self._describe_data(),
                     "LoRA" if cfg.lora_rank else "full", sum(p.numel() for p in params))

    def _trainable_text_encoder(self) -> torch.nn.Module | None:
        """The pipeline's text encoder, set to train (``text_lr`` > 0), or None (frozen). The prompts' states
        encoded once up front stay the reference's conditioning; the policy reads the encoder as it trains."""
        if getattr(self.cfg, "text_lr", 0.0) <= 0:
            return None
        enc = self.pipe.text_encoder
        if self.info.distributed:
            raise ValueError(f"{self.name}: --text-lr (a trainable text encoder) runs in one process")
        if not all(hasattr(enc, a) for a in ("tokenize", "save_pretrained")):
            raise ValueError(f"{self.name}: --text-lr needs a text encoder that can train and be saved (the small "
                             f"bilingual one); {type(enc).__name__} cannot")
        return enc.float().requires_grad_(True).train()

    def _extra_trained(self, policy: torch.nn.Module) -> dict[str, tuple[torch.nn.Module, float]]:
        """Models trained beside the policy (checkpointed with it, their own learning rate), made from the
        starting DiT before it is sharded or compiled; none here."""
        return {}

    def _clip_grads(self) -> torch.Tensor:
        """Clip the gradient norm of everything trained; return the norm before clipping."""
        return torch.nn.utils.clip_grad_norm_([p for p in self.trained.parameters() if p.requires_grad],
                                              self.cfg.grad_clip)

    def _load_data(self) -> list[str]:
        """Read the training data; return the texts to encode."""
        self.pairs = read_pairs(self.cfg.pairs)
        self.pairs.preload()
        self.online = load_prompts(self.cfg.online_prompts) if self.cfg.online_prompts else []
        self._rounds: list[dict] = []
        self.sft = self._sft_rows()
        return self.pairs.texts + [r.prompt for r in self.sft]

    def _sft_rows(self) -> list:
        """The rows of ``--sft-data`` (each with a clip), or [] (also for trainers without the option)."""
        path = getattr(self.cfg, "sft_data", None)
        if not path:
            return []
        rows = load_prompts(path)
        bad = next((r for r in rows if r.video is None), None)
        if bad is not None:
            raise ValueError(f"{path}: row {bad.id!r} has no 'video': --sft-data needs a clip per prompt")
        return rows

    def _encode_clips(self) -> torch.Tensor | None:
        """The ``--sft-data`` clips' VAE latents (fp32, on the device), each checked against the pairs' shape;
        one encode per distinct clip (a scene's EN and ZH rows share theirs)."""
        if not getattr(self, "sft", None):  # (trainers built on this one read other data)
            return None
        from tqdm.auto import tqdm

        from stepvid.dpo.pairs import reference_latents

        done: dict[str, torch.Tensor] = {}
        for r in tqdm(self.sft, desc="encoding --sft-data clips", disable=not self.info.is_main):
            if r.video not in done:
                done[r.video] = reference_latents(self.pipe, r, {}, self.pairs.shape).to(self.device)
        return torch.cat([done[r.video] for r in self.sft])

    def _model_texts(self) -> list[str]:
        """Texts to encode that come from the model folder (``self.plan``) rather than the data."""
        return []

    def _describe_data(self) -> str:
        return f"{len(self.pairs)} pairs of latents {list(self.pairs.shape)}"

    def _data_size(self) -> int:
        return len(self._pool(self.cfg.steps))

    def _encode(self, texts: list[str]) -> None:
        """Encode prompts not seen yet (once; the text encoder is frozen)."""
        new = [t for t in dict.fromkeys(texts) if t not in self._emb]
        parts = [self._states] if self._states is not None else []
        for i in range(0, len(new), 256):
            with torch.no_grad():
                e = self.pipe.text_encoder.encode(new[i : i + 256], device=self.device)
            parts.append(e.to(device=self.device, dtype=torch.float32))
        for t in new:
            self._emb[t] = len(self._emb)
        if parts:
            self._states = TextEmbeddings.cat(parts)

    # ---- the online loop --------------------------------------------------------------------------------
    def _online_pool(self, upto_round: int) -> PairSet | None:
        """Online pairs of rounds 1..upto_round (prompt indices below upto_round x per_round)."""
        folder = self.run_dir / "online"
        if upto_round < 1 or not (folder / "settings.json").is_file():
            return None
        try:
            ps = read_pairs(folder)
        except ValueError as e:
            if str(e).startswith("no pairs"):
                return None
            raise
        limit = upto_round * self.cfg.online_per_round
        rows = [r for r in ps.rows if int(r["index"]) < limit]
        return PairSet(rows, ps.shape) if rows else None

    def _online_round(self, r: int) -> dict:
        cfg = self.cfg
        prompts = self.online[(r - 1) * cfg.online_per_round : r * cfg.online_per_round]
        if not prompts:
            return {"round": r, "prompts": 0}
        if self._scorer is None and cfg.online_reward:
            from stepvid.dpo.reward import RewardScorer, load_reward

            self._scorer = RewardScorer(load_reward(cfg.online_reward, self.device), self.pipe.text_encoder,
                                        self.device)
        elif self._scorer is None:
            self._scorer = JudgeScorer(cfg.judge_workers)
        self.trained.eval()
        ctx = torch.autocast("cuda", torch.bfloat16) if self.autocast else _null()
        with ctx:
            stats = make_pairs(self.pipe, prompts, self.run_dir / "online", self._scorer,
                               num_candidates=cfg.online_candidates, seed=cfg.seed + 1000,
                               pair_rule=cfg.online_pair_rule, guide=cfg.online_guide,
                               guide_candidates=cfg.online_guide_candidates, reference=cfg.online_reference,
                               batch=cfg.online_batch, generation={"prompt_rewrite": "none"}, progress=False)
        self.trained.train()
        return {"round": r, **stats}

    def _pool(self, step: int) -> PairSet:
        """The pairs a step draws from: the offline set plus the online rounds finished before ``step``. The
        online pair set is read (and checked) once per round, not at every step."""
        if not self.online:
            return self.pairs
        rnd = step // self.cfg.online_every
        if rnd != getattr(self, "_pool_round", None):
            self._pool_round, self._merged = rnd, self.pairs
            on = self._online_pool(rnd)
            if on is not None:
                if on.shape != self.pairs.shape:
                    raise ValueError(f"dpo: online latents {list(on.shape)} differ from the pair set's "
                                     f"{list(self.pairs.shape)}")
                self._encode(on.texts)
                self._merged = PairSet(self.pairs.rows + on.rows, self.pairs.shape)
                self._merged.preload()
        return self._merged

    # ---- training ---------------------------------------------------------------------------------------
    def _draws(self, step: int, size: int, sft: bool = False) -> list[tuple[int, torch.Generator]]:
        """This process's share of the step's global batch: (data index, the sample's own generator) per sample.
        Indices (with replacement) and generators are seeded by (seed, step[, global sample]), so every process
        layout and every resume draws the same; ``sft``: the ``--sft-data`` batch's draws, seeded by (seed, step,
        -1[ - 1 - sample]) — apart from the pairs'."""
        from stepvid.train.common import step_generator

        cfg, info = self.cfg, self.info
        idx = torch.randint(size, (cfg.batch_size * info.world_size,),
                            generator=step_generator(cfg.seed, step, -1) if sft else step_generator(cfg.seed, step))
        return [(int(idx[j]), step_generator(cfg.seed, step, -2 - j) if sft else step_generator(cfg.seed, step, j))
                for j in range(info.rank * cfg.batch_size, (info.rank + 1) * cfg.batch_size)]

    def _text_states(self, texts: list[str]) -> TextEmbeddings:
        """The encoded states of ``texts`` (encoded once up front), on the device."""
        st = self._states
        ti = torch.tensor([self._emb[t] for t in texts], device=self.device)
        return TextEmbeddings(st.llm[ti], st.llm_mask[ti], st.clip[ti])

    def _policy_states(self, texts: list[str], cached: TextEmbeddings | None = None) -> TextEmbeddings:
        """What the policy reads for ``texts``: the training text encoder's output when it trains, else the cached
        states (``cached``, when the caller has them already)."""
        if self.text_encoder is not None:
            return self.text_encoder(**self.text_encoder.tokenize(texts, self.device))
        return cached if cached is not None else self._text_states(texts)

    def _batch(self, pool: PairSet, step: int) -> tuple:
        """The step's chosen, rejected, noise and tau tensors, the cached text states, and the texts."""
        win, lose, noise, tau, texts = [], [], [], [], []
        for i, g in self._draws(step, len(pool)):
            w, l = pool.get(i)
            noise.append(torch.randn(w.shape, generator=g))
            tau.append(self.density.sample(1, generator=g))
            win.append(w)
            lose.append(l)
            texts.append(pool.rows[i]["text"])
        dev = self.device
        return (torch.stack(win).to(dev), torch.stack(lose).to(dev), torch.stack(noise).to(dev),
                torch.cat(tau).to(dev), self._text_states(texts), texts)

    def _call(self, model: torch.nn.Module):
        def velocity(x, t, llm, clip, mask):
            return model(hidden_states=x, timestep=t, encoder_hidden_states=llm, encoder_hidden_states_2=clip,
                         encoder_attention_mask=mask)
        return velocity

    def _reference(self):
        if self.reference is not None:
            return self._call(self.reference)
        from stepvid.train.lora import lora_disabled

        inner = self._call(self.policy)

        def velocity(*a):
            with lora_disabled(self.policy):
                return inner(*a)
        return velocity

    def _step(self, step: int, logger) -> tuple[torch.Tensor, dict, dict]:
        """One step's loss, its metrics, and what to log beside them (the pool size)."""
        from stepvid.train.dpo import dpo_step_loss

        cfg = self.cfg
        if self.online and step and step % cfg.online_every == 0:
            self._rounds.append(self._online_round(step // cfg.online_every))
            logger.log(step, {f"online_{k}": v for k, v in self._rounds[-1].items() if isinstance(v, (int, float))})
        pool = self._pool(step)
        win, lose, noise, tau, emb, texts = self._batch(pool, step)
        ref_cond = (emb.llm, emb.clip, emb.cross_attention_mask())  # the reference reads the cached states
        pe = self._policy_states(texts, emb)
        cond = (pe.llm, pe.clip, pe.cross_attention_mask())
        loss, m = dpo_step_loss(self._call(self.policy_fwd), self._reference(), win, lose, noise, tau, cond, cfg.beta,
                                cfg.sft_weight, ref_cond=ref_cond)
        if self.sft:
            err = self._sft_loss(step)
            loss = loss + cfg.sft_data_weight * err
            m["sft_data_err"] = err.detach()
        return loss, m, {"pairs": len(pool)}

    def _sft_loss(self, step: int) -> torch.Tensor:
        """The policy's flow-matching error on this step's batch of ``--sft-data`` clips (their own captions; the
        training text encoder when it trains), drawn by ``_draws(sft=True)``: apart from the pairs'."""
        from stepvid.diffusion.flow import interpolate, per_sample_mse, velocity_target

        dev = self.device
        draws = self._draws(step, len(self.sft), sft=True)
        idx = [i for i, _ in draws]
        data = self._sft_latents[torch.tensor(idx, device=dev)]
        noise = torch.stack([torch.randn(data.shape[1:], generator=g) for _, g in draws]).to(dev)
        tau = torch.cat([self.density.sample(1, generator=g) for _, g in draws]).to(dev)
        e = self._policy_states([self.sft[i].prompt for i in idx])
        v = self._call(self.policy_fwd)(interpolate(noise, data, tau), tau, e.llm, e.clip, e.cross_attention_mask())
        return per_sample_mse(v, velocity_target(noise, data)).mean()

    def _postfix(self, last: dict) -> dict:
        return {"acc": f"{last['dpo_acc']:.2f}", "margin": f"{last['dpo_margin']:.3f}"}

    def fit(self) -> dict:
        from tqdm.auto import tqdm

        from stepvid.train.checkpoint import latest_checkpoint, load_checkpoint
        from stepvid.train.common import RunLogger, budget_step, lr_at, truncate_metrics
        from stepvid.train.distributed import all_reduce_mean

        self.setup()
        cfg, info = self.cfg, self.info
        logger = RunLogger(self.run_dir, info.is_main, False)
        start, resumed = 0, None
        ck = latest_checkpoint(self.run_dir)
        if ck is not None:
            meta = load_checkpoint(ck, self.trained, self.optimizer, info.rank, info.world_size,
                                   self.ema.shadow if self.ema else None)
            start, resumed = int(meta["step"]), str(ck)
            truncate_metrics(self.run_dir / "metrics.jsonl", start)
            log.info("%s: resumed from %s (step %d)", self.name, ck, start)
        t0, last = time.time(), {}
        sums: dict[str, float] = {}
        bar = tqdm(total=cfg.steps, initial=start, desc=self.name, unit="step", mininterval=5, disable=not info.is_main)
        done = saved = start
        for step in range(start, cfg.steps):
            if cfg.max_minutes and step > start:  # one clock for every rank: their mean
                elapsed = float(all_reduce_mean(torch.tensor(time.time() - t0, device=self.device)))
                if budget_step(step, cfg.steps, elapsed, cfg.max_minutes) >= cfg.steps:
                    log.info("%s: --max-minutes %g reached after %d steps", self.name, cfg.max_minutes, step)
                    break
            for group in self.optimizer.param_groups:
                group["lr"] = lr_at(step, cfg.steps, group.get("base_lr", cfg.lr), cfg.warmup, cfg.lr_schedule, 0.0)
            ctx = torch.autocast("cuda", torch.bfloat16) if self.autocast else _null()
            with ctx:
                loss, m, info_row = self._step(step, logger)
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            gn = self._clip_grads()
            self.optimizer.step()
            if self.ema is not None:
                self.ema.update(self.policy)
            gn = gn.full_tensor() if hasattr(gn, "full_tensor") else gn  # a DTensor under FSDP2
            m = {"loss": loss.detach(), **m, "grad_norm": gn}
            for k, v in m.items():
                sums[k] = sums.get(k, 0.0) + float(all_reduce_mean(v.detach().float().reshape(())))
            done = step + 1
            if done % cfg.log_every == 0 or done == cfg.steps:
                n = cfg.log_every if done % cfg.log_every == 0 else done % cfg.log_every
                last = {k: v / n for k, v in sums.items()}
                last.update(lr=self.optimizer.param_groups[0]["lr"], **info_row)
                logger.log(done, last)
                bar.set_postfix(self._postfix(last))
                sums = {}
            if done % cfg.checkpoint_every == 0 or done == cfg.steps:
                self._save(done)
                saved = done
            bar.update(1)
        bar.close()
        if saved != done:  # stopped by the time budget: its last partial log window, then a checkpoint
            if sums:
                last = {k: v / (done % cfg.log_every) for k, v in sums.items()}
                logger.log(done, {**last, "lr": self.optimizer.param_groups[0]["lr"]})
            self._save(done)
        if self._scorer is not None:
            self._scorer.close()
        summary = {"steps": done, "resumed_from": resumed, "seconds": round(time.time() - t0, 1),
                   "pairs": self._data_size(), "online_rounds": getattr(self, "_rounds", []), "last": last}
        if cfg.out:
            summary["out"] = str(self.export(Path(cfg.out), summary))
        logger.close()
        return summary

    def _save(self, step: int) -> None:
        from stepvid.train.checkpoint import save_checkpoint

        info = self.info
        save_checkpoint(self.run_dir, step, self.trained, self.optimizer, {"kind": self.name}, info.rank,
                        info.world_size, keep_last=2, only_trainable=self.cfg.lora_rank > 0,
                        ema=self.ema.shadow if self.ema else None)

    # ---- export -----------------------------------------------------------------------------------------
    def export(self, out: Path, summary: dict) -> Path:
        """The starting model folder with the trained DiT (adapters merged, the starting files' dtype and shard
        size), written next to ``out`` and renamed into place; other files are hard links (or copies)."""
        from stepvid.checkpoints import checkpoint_shapes, save_sharded_safetensors, stored_float_dtype
        from stepvid.train.lora import merge_lora

        info = self.info
        tcomp = self.plan.components["transformer"]
        tdir = tcomp.path.resolve()
        tdir = tdir if tdir.is_dir() else tdir.parent
        infos = checkpoint_shapes(tcomp.path)
        dtype = stored_float_dtype(infos)
        old_weights = {i.file.resolve() for i in infos.values()}
        shard_bytes = max(f.stat().st_size for f in old_weights)
        text_dir = None
        if self.text_encoder is not None:  # its folder is written anew below
            text_dir = self.plan.components["text_encoder"].path.resolve()
            old_weights |= {f.resolve() for f in text_dir.rglob("*") if f.is_file()}
            text_dtype = stored_float_dtype(checkpoint_shapes(text_dir / "model.safetensors"))  # as it was stored
        if self.ema is not None:  # the averaged weights are the ones exported (the run's checkpoints keep both)
            with torch.no_grad():
                for n, p in self.policy.named_parameters():
                    if n in self.ema.shadow:
                        p.copy_(self.ema.shadow[n])
        if self.cfg.lora_rank > 0:
            merge_lora(self.policy)
        full = {}
        for k, v in self.policy.state_dict().items():  # every rank takes part in gathering a sharded tensor
            if ".lora_A" in k or ".lora_B" in k:
                continue
            v = v.full_tensor() if hasattr(v, "full_tensor") else v
            if info.is_main:
                full[k] = v.detach().to("cpu", dtype if v.is_floating_point() else v.dtype)
        if not info.is_main:
            return out
        root = self.plan.root.resolve()
        tmp = out.parent / f".{out.name}.tmp"
        if tmp.exists():
            shutil.rmtree(tmp)
        for src in sorted(root.rglob("*")):
            r = src.resolve()
            if src.is_dir() or r in old_weights or (r.parent == tdir and r.name.endswith(".safetensors.index.json")):
                continue
            dst = tmp / src.relative_to(root)
            dst.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(r, dst)
            except OSError:
                shutil.copy2(r, dst)
        save_sharded_safetensors(full, tmp / tdir.relative_to(root), max_shard_bytes=shard_bytes + (1 << 20))
        if text_dir is not None:
            self.text_encoder.save_pretrained(tmp / text_dir.relative_to(root), dtype=text_dtype)
        self._write_extra(tmp, summary)
        if out.exists():
            shutil.rmtree(out)
        os.replace(tmp, out)
        return out


    def _write_extra(self, folder: Path, summary: dict) -> None:
        """Provenance beside the exported weights."""
        prov = {"init": str(self.cfg.init), "config": asdict(self.cfg), "summary": summary}
        (folder / f"{self.name}.json").write_text(json.dumps(prov, indent=1, default=str) + "\n")


class _null:
    def __enter__(self):
        return None

    def __exit__(self, *a):
        return False
