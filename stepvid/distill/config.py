"""Turbo distillation settings (``stepvid train distill``, ``stepvid distill decoder``); no torch import, so the
CLI registers cheaply."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from stepvid.dpo.config import _lora_targets, check_schedule

__all__ = ["DecoderDistillConfig", "DistillConfig"]

_RESUME_KEYS = ("teacher", "cache", "lr", "batch_size", "lora_rank", "lora_alpha", "lora_targets", "timestep",
                "weighting", "max_weight", "cfg_distill", "text_dropout", "seed", "objective", "turbo_steps", "teacher_substeps", "start",
                "passed_only", "dmd_weight", "reg_weight", "dmd_cfg", "fake_lr")


@dataclass
class DistillConfig:
    teacher: str                                # model folder: the student starts as a copy of its DiT
    cache: list[str]                            # teacher caches (`stepvid distill cache`)
    run_dir: str
    out: str | None = None                      # exported student model folder
    passed_only: bool = False                   # learn only the samples the cache's scorer passed (`--judge`)
    steps: int = 2000
    batch_size: int = 32                        # samples per step and process
    lr: float = 1e-4
    warmup: int = 50
    lr_schedule: str = "constant"               # constant | cosine (to 0 at ``steps``; --max-minutes stops early)
    ema_decay: float = 0.0                      # > 0: EMA of the student's weights, checkpointed and exported
    weight_decay: float = 0.0
    grad_clip: float = 1.0
    timestep: Any = field(default_factory=lambda: {"name": "u_shape", "a": 5.0})   # report: e^{5u} + e^{-5u}
    weighting: str = "inv_t2"                   # report: 1/t^2 (t = our tau, clamped); "none": plain mean
    max_weight: float = 100.0                   # cap of the 1/t^2 weight (its mean over the batch normalises it)
    objective: str = "reflow"                   # "reflow": straight paths (report §5); "progressive", "trajectory": see trainer
    teacher_substeps: int = 2                   # progressive: guided teacher Euler steps per student step
    start: str = "line"                         # progressive: "line" (cached noise-to-video line) or "student"
    dmd_weight: float = 0.0                     # trajectory: > 0 adds distribution matching (DMD) of its end points
    reg_weight: float = 1.0                     # trajectory: weight of the end point's regression to the teacher's
    dmd_cfg: float | None = None                # DMD: the real score's guidance (default: the cache's CFG)
    fake_lr: float | None = None                # DMD: the fake score's learning rate (default: lr)
    cfg_distill: bool = True                    # the student reads the teacher's guided samples without CFG
    text_dropout: float = 0.1                   # cfg_distill false: empty-prompt rows, so the student keeps CFG
    turbo_steps: int = 8                        # the exported model's default sampler settings
    turbo_shift: float | None = None            # default: the teacher's shift
    turbo_cfg: float | None = None              # default: 1 with cfg_distill, else the teacher's CFG
    lora_rank: int = 0
    lora_alpha: float | None = None
    lora_targets: list[str] = field(default_factory=lambda: list(_lora_targets()))
    seed: int = 0
    checkpoint_every: int = 200
    log_every: int = 25
    device: str | None = None
    precision: str = "bf16"
    compile: bool = False                       # torch.compile the student's forward (CUDA; ~3x steps/s)
    max_minutes: float | None = None            # wall-time budget: stop (checkpoint, export) once it is spent

    @property
    def init(self) -> str:
        return self.teacher

    def check(self) -> None:
        for k in ("steps", "batch_size", "checkpoint_every", "log_every", "turbo_steps", "teacher_substeps"):
            if int(getattr(self, k)) < 1:
                raise ValueError(f"distill: {k} must be >= 1; got {getattr(self, k)}")
        if self.lr <= 0 or self.max_weight <= 0:
            raise ValueError(f"distill: lr and max_weight must be > 0; got {self.lr}, {self.max_weight}")
        if self.objective not in ("reflow", "progressive", "trajectory"):
            raise ValueError(f"distill: objective must be reflow, progressive or trajectory; got {self.objective!r}")
        if self.dmd_weight < 0 or self.reg_weight < 0 or (self.fake_lr is not None and self.fake_lr <= 0):
            raise ValueError(f"distill: dmd_weight and reg_weight must be >= 0 and fake_lr > 0; got "
                             f"{self.dmd_weight}, {self.reg_weight}, {self.fake_lr}")
        if self.dmd_weight > 0 and (self.objective != "trajectory" or self.lora_rank > 0):
            raise ValueError("distill: distribution matching (dmd_weight > 0) needs the trajectory objective and "
                             f"full fine-tuning; got objective {self.objective!r}, lora_rank {self.lora_rank}")
        if self.dmd_weight == 0 and self.reg_weight == 0:
            raise ValueError("distill: reg_weight 0 needs dmd_weight > 0 (nothing to learn)")
        if self.start not in ("line", "student"):
            raise ValueError(f"distill: start must be line or student; got {self.start!r}")
        if self.objective == "progressive" and not self.cfg_distill:
            raise ValueError("distill: the progressive objective distils the teacher's guided steps (cfg_distill)")
        if self.weighting not in ("inv_t2", "none"):
            raise ValueError(f"distill: weighting must be inv_t2 or none; got {self.weighting!r}")
        if not 0 <= self.text_dropout < 1:
            raise ValueError(f"distill: text_dropout must be in [0, 1); got {self.text_dropout}")
        if self.max_minutes is not None and self.max_minutes <= 0:
            raise ValueError(f"distill: max_minutes must be > 0; got {self.max_minutes}")
        if self.precision not in ("bf16", "fp32"):
            raise ValueError(f"distill: precision must be bf16 or fp32; got {self.precision!r}")
        check_schedule("distill", self.lr_schedule, self.ema_decay)


@dataclass
class DecoderDistillConfig:
    """``stepvid distill decoder`` (stepvid.distill.decoder.distill_decoder)."""

    vae: str                                    # the teacher VAE: a file, or a model folder holding one
    cache: list[str]                            # teacher caches (`stepvid distill cache`): the latents to decode
    run_dir: str
    decoder: dict[str, Any] = field(default_factory=lambda: {"decoder_ch": 16, "decoder_ch_mult": [1, 1, 2, 4]})
    out: str | None = None                      # the student VAE file (atomic write; breaks a hard link)
    steps: int = 2000
    batch_size: int = 8                         # latent chunks per step
    lr: float = 5e-4
    warmup: int = 100
    holdout: int = 16                           # the cache's last rows: not trained on, PSNR measured on them
    seed: int = 0
    checkpoint_every: int = 500
    log_every: int = 50
    warm_start: bool = True                     # start from the teacher decoder's tensors where the shapes match
    max_minutes: float | None = None            # wall-time budget: the cosine anneals over it if it is shorter
    device: str | None = None
    precision: str = "bf16"                     # bf16 autocast on CUDA, fp32 on the CPU

    def check(self) -> None:
        for k in ("steps", "batch_size", "checkpoint_every", "log_every"):
            if int(getattr(self, k)) < 1:
                raise ValueError(f"distill decoder: {k} must be >= 1; got {getattr(self, k)}")
        if self.max_minutes is not None and self.max_minutes <= 0:
            raise ValueError(f"distill decoder: max_minutes must be > 0; got {self.max_minutes}")
        if self.lr <= 0 or self.holdout < 1:
            raise ValueError(f"distill decoder: lr must be > 0 and holdout >= 1; got {self.lr}, {self.holdout}")
        bad = [k for k in self.decoder if not k.startswith("decoder_")]
        if bad:
            raise ValueError(f"distill decoder: only decoder_* fields of the VAE config may change; got {bad}")
        if self.precision not in ("bf16", "fp32"):
            raise ValueError(f"distill decoder: precision must be bf16 or fp32; got {self.precision!r}")
