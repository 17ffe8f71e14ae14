"""Flow-matching DiT training: the report's stage cascade run back to back, FSDP2 + Ulysses, resumable.

One readable class to fork. A step: take one bucket-shaped batch (raw clips encoded by the frozen VAE and
text encoder, or a pre-encoded cache), draw per-sample noise / tau / text-dropout from generators seeded by
(seed, step, global sample index) — so any process layout and any resume sees the same draws — regress
the velocity ``data - noise`` at ``x_tau = (1 - tau) noise + tau data``, clip, AdamW, EMA.
"""

from __future__ import annotations

import logging
import math
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import torch
from torch import nn

from stepvid.data.buckets import BucketScheme
from stepvid.diffusion.flow import interpolate, make_density, per_sample_mse, velocity_target
from stepvid.models.text.base import TextEmbeddings
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
    measure_matmul_tflops,
    set_determinism,
    step_generator,
    truncate_metrics,
)
from stepvid.train.config import DataConfig, DiTTrainConfig, StageConfig, config_to_dict
from stepvid.train.distributed import DistInfo, all_reduce_mean, apply_fsdp, init_distributed

log = logging.getLogger("stepvid.train")

__all__ = ["DiTTrainer", "build_dit", "build_text_encoder", "build_vae"]


def build_dit(spec: dict[str, Any]) -> nn.Module:
    """``{"preset": name, **overrides}`` -> StepVideoDiT, or ``{"factory": "mod:fn", **kwargs}``."""
    spec = dict(spec)
    if "factory" in spec:
        return import_factory(spec.pop("factory"))(**spec)
    from stepvid.models.dit import StepVideoDiT

    return StepVideoDiT.from_preset(spec.pop("preset", "stepvideo-t2v"), **spec)


def build_vae(spec: dict[str, Any] | None) -> nn.Module | None:
    """``{"preset": "tiny"}``, ``{"path": "…/vae"}`` (+ optional preset), ``{"factory": …}``; None = pixels."""
    if spec is None:
        return None
    spec = dict(spec)
    if "factory" in spec:
        return import_factory(spec.pop("factory"))(**spec)
    from stepvid.models.vae import VideoVAE

    if spec.get("path"):
        return VideoVAE.from_pretrained(spec["path"], config=spec.get("preset"))
    return VideoVAE.from_preset(spec.get("preset", "stepvideo-vae-v2"))


def build_text_encoder(spec: dict[str, Any], captions: list[str] | None = None) -> Any:
    """The frozen text encoder: ``{"type": "small", "path": dir}``, ``{"type": "stepvideo", "path": ckpt}``,
    ``{"type": "small", "random_init": true, "seed": 0}`` (vocabulary from the training captions; smoke tests
    and toy runs), or ``{"factory": "mod:fn", **kwargs}``."""
    spec = dict(spec)
    if "factory" in spec:
        return import_factory(spec.pop("factory"))(**spec)
    kind = spec.get("type", "small")
    if kind == "small":
        from stepvid.models.text.small import SmallBilingualEncoder, SmallTextConfig, WordCharTokenizer

        if spec.get("path"):
            return SmallBilingualEncoder.from_pretrained(spec["path"])
        if not spec.get("random_init"):
            raise ValueError("text_encoder: give a 'path' (a trained small encoder), or random_init: true")
        torch.manual_seed(int(spec.get("seed", 0)))
        tok = WordCharTokenizer.build(captions or [])
        fields = {k: v for k, v in spec.items() if k in SmallTextConfig.__dataclass_fields__}
        enc = SmallBilingualEncoder(SmallTextConfig(vocab_size=len(tok), **fields), tok)
        return enc.eval().requires_grad_(False)
    if kind == "stepvideo":
        from stepvid.models.text.step_video import StepVideoTextEncoder

        return StepVideoTextEncoder.from_pretrained(spec["path"])
    raise ValueError(f"text_encoder: unknown type {kind!r} (small | stepvideo | factory)")


class DiTTrainer:
    def __init__(
        self,
        cfg: DiTTrainConfig,
        model: nn.Module | None = None,
        text_encoder: Any = None,
        vae: nn.Module | None = None,
        info: DistInfo | None = None,
    ) -> None:
        self.cfg = cfg
        self.info = info or init_distributed(cfg.parallel.sp)
        self.device = self.info.device
        set_determinism(cfg.run.deterministic)
        torch.manual_seed(cfg.run.seed)
        self.run_dir = Path(cfg.run.dir)
        self.logger = RunLogger(self.run_dir, self.info.is_main, cfg.run.tensorboard)
        self.logger.write_config(config_to_dict(cfg))
        self._model_in, self._text_in, self._vae_in = model, text_encoder, vae
        self.global_step, self.stage_index, self.stage_step = 0, 0, 0
        self.skipped = 0
        self.peak_tflops: float | None = cfg.run.peak_tflops

    # ---- setup --------------------------------------------------------------------------------------
    def _data_cfg(self, stage: StageConfig) -> DataConfig:
        return stage.data or self.cfg.data

    def _is_cache(self, dc: DataConfig) -> bool:
        from stepvid.data.cache import is_cache

        return dc.kind == "cache" or (dc.kind == "auto" and is_cache(dc.source))

    def setup(self) -> None:
        cfg, info = self.cfg, self.info
        meta = cfg.parallel.meta_init and self._model_in is None and info.distributed and cfg.parallel.fsdp
        if meta:
            with torch.device("meta"):
                model = build_dit(cfg.model)
        else:
            model = self._model_in if self._model_in is not None else build_dit(cfg.model)
        if cfg.init_from and not meta:
            load_weights(model, cfg.init_from, strict=True)
        self.lora_names: list[str] = []
        if cfg.lora.rank > 0:
            from stepvid.train.lora import apply_lora

            self.lora_names = apply_lora(
                model, cfg.lora.rank, cfg.lora.targets, cfg.lora.alpha, cfg.lora.dropout
            )
        if cfg.run.activation_checkpointing:
            if not hasattr(model, "gradient_checkpointing"):
                raise ValueError(
                    "run.activation_checkpointing: the model has no 'gradient_checkpointing' flag"
                )
            model.gradient_checkpointing = True
        if cfg.parallel.sp > 1:
            model.set_sequence_parallel(info.sp_group)
        if not meta:
            model.to(self.device)
        self.compute_dtype = torch.bfloat16 if cfg.run.precision == "bf16" else None
        self.fsdp = info.distributed and cfg.parallel.fsdp
        if self.fsdp:
            blocks = getattr(model, "transformer_blocks", None)
            if blocks is None:
                raise ValueError("FSDP: the model needs a 'transformer_blocks' ModuleList to shard per block")
            apply_fsdp(model, info, blocks, self.compute_dtype, cfg.parallel.reshard_after_forward)
            if meta:
                self._materialize(model)
        elif info.distributed:
            raise ValueError("parallel.fsdp=false with several processes is not supported; use FSDP2")
        self.model = model
        if cfg.run.compile and hasattr(model, "capture_safe"):
            model.capture_safe = True  # dense text mask: no per-batch text lengths to guard on, so no recompiles
        self.fwd = torch.compile(model) if cfg.run.compile else model
        params = [p for p in model.parameters() if p.requires_grad]
        o = cfg.optim
        self.optimizer = torch.optim.AdamW(
            params, lr=o.lr, betas=tuple(o.betas), eps=o.eps, weight_decay=o.weight_decay
        )
        self.ema = None
        if cfg.ema_decay > 0:
            from stepvid.train.ema import EMA

            self.ema = EMA(model, cfg.ema_decay)
        self.vae = self._vae_in if self._vae_in is not None else None
        self.text_encoder = self._text_in
        need_online = any(not self._is_cache(self._data_cfg(s)) for s in cfg.stages)
        if need_online or cfg.run.sample_every:  # the VAE encodes raw clips and decodes samples
            if self.vae is None and cfg.vae is not None:
                self.vae = build_vae(cfg.vae)
            if self.vae is not None:
                self.vae.to(self.device).eval().requires_grad_(False)
        self._text_cache: dict[str, tuple[torch.Tensor, torch.Tensor, torch.Tensor]] = {}

    def _materialize(self, model: nn.Module) -> None:
        """Meta-device model -> real sharded tensors: fresh init, then ``init_from`` shard by shard."""
        from stepvid.train.checkpoint import load_weights_sharded
        from stepvid.train.lora import LoRALinear

        model.to_empty(device=self.device)
        if hasattr(model, "initialize_weights"):  # to_empty left every tensor uninitialised
            import inspect

            full = "all_parameters" in inspect.signature(model.initialize_weights).parameters
            model.initialize_weights(**({"all_parameters": True} if full else {}))
        for m in model.modules():
            if isinstance(m, LoRALinear):
                m.reset_lora()
        if self.cfg.init_from:
            load_weights_sharded(model, self.cfg.init_from, allow_missing=(".lora_",))

    def _ensure_text_encoder(self, captions: list[str]) -> None:
        if self.text_encoder is None:
            self.text_encoder = build_text_encoder(
                self.cfg.text_encoder, captions + [self.cfg.negative_prompt]
            )
        if isinstance(self.text_encoder, nn.Module):
            self.text_encoder.to(self.device)

    # ---- data ---------------------------------------------------------------------------------------
    def stage_data(self, stage: StageConfig) -> tuple[Any, Any]:
        dc = self._data_cfg(stage)
        if not dc.source:
            raise ValueError(
                f"stage {stage.name!r}: no data source (set data.source or stages[].data.source)"
            )
        info = self.info
        if self._is_cache(dc):
            from stepvid.data.cache import CachedLatentDataset

            b = stage.buckets
            ds = CachedLatentDataset(
                dc.source,
                int(b.get("batch_size", 1)),
                bool(b.get("balance", False)),
                int(b.get("max_batch_size", 1 << 30)),
            )
            self._negative = {k: v for k, v in ds.negative().items()}
        else:
            from stepvid.data.dataset import VideoDataset, load_rows

            rows = load_rows(dc.source, dc.split)
            ds = VideoDataset(
                rows,
                BucketScheme.from_config(stage.buckets),
                seed=self.cfg.run.seed,
                random_crop=dc.random_crop,
                frame_stride=dc.frame_stride,
                caption_keys=dc.caption_keys,
            )
            self._ensure_text_encoder([r["caption"] for r in rows])
        sampler = ds.batch_sampler(self.cfg.run.seed + 7919 * self.stage_index, info.dp_rank, info.dp_size)
        return ds, sampler

    def _loader(self, ds, sampler, start: int) -> Iterator[dict[str, Any]]:
        from stepvid.data.dataset import collate

        sampler.seek(start)
        dc = self._data_cfg(self.cfg.stages[self.stage_index])
        return iter(
            torch.utils.data.DataLoader(
                ds,
                batch_sampler=sampler,
                num_workers=dc.num_workers,
                collate_fn=collate,
                pin_memory=self.device.type == "cuda",
                persistent_workers=False,
            )
        )

    # ---- one step -----------------------------------------------------------------------------------
    def _text(self, captions: list[str]) -> TextEmbeddings:
        missing = [c for c in dict.fromkeys(captions) if c not in self._text_cache]
        if missing:
            emb = self.text_encoder.encode(missing, device=self.device)
            for i, c in enumerate(missing):  # kept on the CPU: Step-LLM states are 7.5 MB per caption
                self._text_cache[c] = (
                    emb.llm[i].float().cpu(),
                    emb.llm_mask[i].cpu(),
                    emb.clip[i].float().cpu(),
                )
            if len(self._text_cache) > 512:  # bounded: a frozen encoder's states for recent captions
                for k in list(self._text_cache)[: len(self._text_cache) - 512]:
                    del self._text_cache[k]
        rows = [self._text_cache[c] for c in captions]
        return TextEmbeddings(*(torch.stack([r[j] for r in rows]).to(self.device) for j in range(3)))

    def prepare(self, batch: dict[str, Any], stage: StageConfig, gens: list[torch.Generator]):
        """-> (latents [B,F,C,h,w] fp32, TextEmbeddings) with per-sample text dropout applied."""
        drop = [float(torch.rand((), generator=g)) < stage.text_dropout for g in gens]
        if "mean" in batch:  # cache
            mean = batch["mean"].to(self.device)
            if "logvar" in batch:
                eps = torch.stack([torch.randn(mean.shape[1:], generator=g) for g in gens]).to(self.device)
                mean = mean + torch.exp(0.5 * batch["logvar"].to(self.device)) * eps
            llm, mask, clip = (batch[k].to(self.device) for k in ("llm", "llm_mask", "clip"))
            for i, d in enumerate(drop):
                if d:
                    llm[i], mask[i], clip[i] = (
                        self._negative[k].to(self.device, llm.dtype if k != "llm_mask" else mask.dtype)
                        for k in ("llm", "llm_mask", "clip")
                    )
            return mean.float(), TextEmbeddings(llm, mask, clip)
        video = batch["video"].to(self.device)
        with torch.no_grad():
            if self.vae is not None:
                mean, logvar = self.vae.encode_moments(video)
                eps = torch.stack([torch.randn(mean.shape[1:], generator=g) for g in gens]).to(
                    self.device, mean.dtype
                )
                latents = (mean + torch.exp(0.5 * logvar) * eps).float()
            else:
                latents = video.float()
            captions = [self.cfg.negative_prompt if d else c for c, d in zip(batch["caption"], drop)]
            text = self._text(captions)
        return latents, text

    def loss(
        self, batch: dict[str, Any], stage: StageConfig, density, step: int
    ) -> tuple[torch.Tensor, dict[str, float]]:
        b = len(batch["caption"])
        offset = self.info.dp_rank * b
        gens = [step_generator(self.cfg.run.seed, step, offset + i) for i in range(b)]
        latents, text = self.prepare(batch, stage, gens)
        noise = torch.stack([torch.randn(latents.shape[1:], generator=g) for g in gens]).to(self.device)
        tau = torch.cat([density.sample(1, generator=g) for g in gens]).to(self.device)
        x = interpolate(noise, latents, tau)
        amp = torch.autocast(
            self.device.type,
            dtype=self.compute_dtype,
            enabled=self.compute_dtype is not None and not self.fsdp,
        )
        with amp:
            v = self.fwd(x, tau, text.llm, text.clip, text.cross_attention_mask())
        mse = per_sample_mse(v, velocity_target(noise, latents))
        w = stage.image_weight if latents.shape[1] == 1 else 1.0
        loss = mse.mean() * w
        return loss, {
            "tokens": latents.shape[1] * latents.shape[3] * latents.shape[4] * b,
            "frames": latents.shape[1],
            "text_len": text.llm.shape[1] + text.clip.shape[1],
        }

    def _flops(self, tokens_per_sample: int, text_len: int, batch: int) -> float | None:
        est = getattr(self.model, "estimate_flops", None)
        if est is None:
            return None
        return est(tokens_per_sample, text_len, batch, backward=True) / self.info.sp

    # ---- samples ----------------------------------------------------------------------------------------
    @torch.no_grad()
    def write_samples(
        self, captions: list[str], shape: tuple[int, ...], cond: TextEmbeddings | None = None
    ) -> list[Path]:
        """Euler + CFG samples for ``captions`` at latent ``shape`` [F, C, h, w] -> ``<run>/samples/*.mp4``.

        Every rank runs the model (FSDP / sequence parallel need all of them); rank 0 writes the files.
        """
        from stepvid.diffusion.sampler import flow_schedule, initial_noise, sample_euler
        from stepvid.video import write_video

        r = self.cfg.run
        self.model.eval()
        cond = cond if cond is not None else self._text_or_cache(captions)
        neg = self._text_or_cache([self.cfg.negative_prompt] * len(captions))
        both = TextEmbeddings.cat([cond, neg])
        mask = both.cross_attention_mask()
        amp = torch.autocast(
            self.device.type,
            dtype=self.compute_dtype,
            enabled=self.compute_dtype is not None and not self.fsdp,
        )

        def velocity(x, t):
            with amp:
                return self.model(x, t, both.llm, both.clip, mask).float()

        noise = initial_noise((len(captions), *shape), seed=r.seed, device=self.device)
        x = sample_euler(velocity, noise, flow_schedule(r.sample_steps, r.sample_shift), r.sample_cfg)
        self.model.train()
        frames = self.vae.decode(x.to(next(self.vae.parameters()).dtype)) if self.vae is not None else x
        paths = []
        if self.info.is_main:
            video = (
                ((frames.float().clamp(-1, 1) + 1) * 127.5)
                .round()
                .to(torch.uint8)
                .permute(0, 1, 3, 4, 2)
                .cpu()
                .numpy()
            )
            for i, v in enumerate(video):
                paths.append(
                    write_video(self.run_dir / "samples" / f"step-{self.global_step:08d}-{i}.mp4", v, fps=12)
                )
        return paths

    def _text_or_cache(self, captions: list[str]) -> TextEmbeddings:
        if self.text_encoder is None:  # cache-only run: the cache's stored negative prompt
            neg = self._negative
            n = len(captions)
            return TextEmbeddings(
                neg["llm"][None].float().expand(n, -1, -1).to(self.device),
                neg["llm_mask"][None].expand(n, -1).to(self.device),
                neg["clip"][None].float().expand(n, -1, -1).to(self.device),
            )
        return self._text(captions)

    # ---- checkpoints --------------------------------------------------------------------------------
    def save(self) -> Path:
        state = {
            "global_step": self.global_step,
            "stage_index": self.stage_index,
            "stage_step": self.stage_step,
            "stage": self.cfg.stages[self.stage_index].name,
            "skipped": self.skipped,
        }
        ema = self.ema.shadow if self.ema else None
        path = save_checkpoint(
            self.run_dir,
            self.global_step,
            self.model,
            self.optimizer,
            state,
            self.info.rank,
            self.info.world_size,
            ema,
            self.cfg.run.keep_last,
            only_trainable=self.cfg.lora.rank > 0,
        )
        return path

    def resume(self) -> bool:
        ck = latest_checkpoint(self.run_dir)
        if ck is None:
            return False
        ema = self.ema.shadow if self.ema else None
        meta = load_checkpoint(ck, self.model, self.optimizer, self.info.rank, self.info.world_size, ema)
        self.global_step, self.stage_index, self.stage_step = (
            meta["global_step"],
            meta["stage_index"],
            meta["stage_step"],
        )
        self.skipped = meta.get("skipped", 0)
        if self.info.is_main:
            truncate_metrics(self.run_dir / "metrics.jsonl", self.global_step)
            log.info("resumed from %s (step %d, stage %s)", ck, self.global_step, meta["stage"])
        return True

    def export(self) -> None:
        """Final weights for inference: ``model.safetensors`` (+ ``ema.safetensors``, or ``lora.safetensors``)."""
        out = self.run_dir / "final"
        if self.cfg.lora.rank > 0:
            from stepvid.train.lora import lora_state_dict

            export_full_weights(
                self.model, out / "lora.safetensors", self.info.rank, tensors=lora_state_dict(self.model)
            )
            return
        export_full_weights(self.model, out / "model.safetensors", self.info.rank)
        if self.ema is not None:
            export_full_weights(self.model, out / "ema.safetensors", self.info.rank, tensors=self.ema.shadow)

    # ---- loop ---------------------------------------------------------------------------------------
    def fit(self) -> dict[str, Any]:
        self.setup()
        self.resume()
        cfg, info = self.cfg, self.info
        if cfg.run.peak_tflops is None and self.device.type == "cuda":
            self.peak_tflops = measure_matmul_tflops(self.device)
        total = sum(s.steps for s in cfg.stages)
        from tqdm.auto import tqdm

        bar = tqdm(
            total=total,
            initial=self.global_step,
            desc="train dit",
            unit="step",
            disable=not (info.is_main and cfg.run.progress),
            file=sys.stderr,
        )
        last: dict[str, Any] = {}
        first_loss = None
        while self.stage_index < len(cfg.stages):
            stage = cfg.stages[self.stage_index]
            if self.stage_step >= stage.steps:
                self.stage_index, self.stage_step = self.stage_index + 1, 0
                continue
            density = make_density(stage.timestep)
            ds, sampler = self.stage_data(stage)
            it = self._loader(ds, sampler, self.stage_step)
            base_lr = stage.lr if stage.lr is not None else cfg.optim.lr
            warm = stage.warmup_steps if stage.warmup_steps is not None else cfg.optim.warmup_steps
            self.model.train()
            t_log, acc_flops, acc_tokens, acc_n = time.perf_counter(), 0.0, 0, 0
            while self.stage_step < stage.steps:
                batch = next(it)
                self.skipped += int(batch.get("num_skipped", 0))
                lr = lr_at(
                    self.stage_step, stage.steps, base_lr, warm, cfg.optim.schedule, cfg.optim.min_lr_ratio
                )
                for g in self.optimizer.param_groups:
                    g["lr"] = lr
                loss, meta = self.loss(batch, stage, density, self.global_step)
                self.optimizer.zero_grad(set_to_none=True)
                loss.backward()
                gn = self._clip_grad()
                self.optimizer.step()
                if self.ema is not None:
                    self.ema.update(self.model)
                self.global_step += 1
                self.stage_step += 1
                fl = self._flops(
                    meta["tokens"] // len(batch["caption"]), meta["text_len"], len(batch["caption"])
                )
                acc_flops += fl or 0.0
                acc_tokens += meta["tokens"]
                acc_n += 1
                lv = float(all_reduce_mean(loss.detach()))  # global-batch mean (equal per-rank batches)
                first_loss = lv if first_loss is None else first_loss
                bar.update(1)
                bar.set_postfix(loss=f"{lv:.4f}", stage=stage.name)
                if self.global_step % cfg.run.log_every == 0 or self.stage_step == stage.steps:
                    if self.device.type == "cuda":
                        torch.cuda.synchronize(self.device)
                    dt = time.perf_counter() - t_log
                    last = {
                        "loss": lv,
                        "grad_norm": gn,
                        "lr": lr,
                        "stage": stage.name,
                        "stage_step": self.stage_step,
                        "step_time_s": dt / acc_n,
                        "tokens_per_s": acc_tokens / dt,
                        "skipped": self.skipped,
                    }
                    if fl and self.peak_tflops:
                        last["mfu"] = acc_flops / dt / (self.peak_tflops * 1e12)
                        bar.set_postfix(loss=f"{lv:.4f}", mfu=f"{last['mfu']:.1%}", stage=stage.name)
                    self.logger.log(self.global_step, last)
                    if info.is_main and not cfg.run.progress:
                        log.info(
                            "step %d %s loss %.4f lr %.3g%s",
                            self.global_step,
                            stage.name,
                            lv,
                            lr,
                            f" mfu {last['mfu']:.1%}" if "mfu" in last else "",
                        )
                    t_log, acc_flops, acc_tokens, acc_n = time.perf_counter(), 0.0, 0, 0
                if cfg.run.ckpt_every and self.global_step % cfg.run.ckpt_every == 0:
                    self.save()
                if cfg.run.sample_every and self.global_step % cfg.run.sample_every == 0:
                    shape = tuple(batch["video" if "video" in batch else "mean"].shape[1:])
                    if "video" in batch and self.vae is not None:
                        shape = (
                            self.vae.num_latent_frames(shape[0]),
                            self.vae.config.z_channels,
                            shape[2] // 16,
                            shape[3] // 16,
                        )
                    n = cfg.run.sample_count
                    cond = (
                        None
                        if "llm" not in batch
                        else TextEmbeddings(
                            batch["llm"][:n].to(self.device),
                            batch["llm_mask"][:n].to(self.device),
                            batch["clip"][:n].to(self.device),
                        )
                    )
                    self.write_samples(list(batch["caption"][:n]), shape, cond)
            del it
            self.stage_index, self.stage_step = self.stage_index + 1, 0
        bar.close()
        self.stage_index = len(cfg.stages) - 1
        self.stage_step = cfg.stages[-1].steps
        if (
            not latest_checkpoint(self.run_dir)
            or latest_checkpoint(self.run_dir).name != f"step-{self.global_step:08d}"
        ):
            self.save()
        self.export()
        self.logger.close()
        summary = {
            "steps": self.global_step,
            "first_loss": first_loss,
            "last": last,
            "skipped": self.skipped,
            "run_dir": str(self.run_dir),
        }
        if info.is_main and cfg.run.progress:
            print(
                f"done: {self.global_step} steps, loss {first_loss} -> {last.get('loss')}, "
                f"{self.skipped} samples skipped; weights in {self.run_dir / 'final'}",
                file=sys.stderr,
            )
        return summary

    def _clip_grad(self) -> float:
        params = [p for p in self.model.parameters() if p.requires_grad and p.grad is not None]
        max_norm = self.cfg.optim.grad_clip if self.cfg.optim.grad_clip > 0 else math.inf
        gn = torch.nn.utils.clip_grad_norm_(params, max_norm)
        if hasattr(gn, "full_tensor"):
            gn = gn.full_tensor()
        return float(gn)
