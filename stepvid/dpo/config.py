"""Video-DPO training settings (``stepvid train dpo``); no torch import, so the CLI registers cheaply."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["PAIR_RULES", "DPOConfig"]

PAIR_RULES = ("score", "pass-fail")  # how ranked candidates pair (stepvid.dpo.pairs.select_pairs)

# Fields a resumed run must share with the run it continues (the rest, e.g. steps, may change).
_RESUME_KEYS = ("init", "pairs", "beta", "lr", "batch_size", "lora_rank", "lora_alpha", "lora_targets",
                "sft_weight", "timestep", "seed", "online_prompts", "online_every", "online_per_round",
                "online_candidates", "online_reward", "text_lr", "online_guide", "online_guide_candidates",
                "online_reference", "sft_data", "sft_data_weight")  # online_pair_rule: the online pair set's settings check it


def check_schedule(kind: str, lr_schedule: str, ema_decay: float) -> None:
    """The learning-rate schedule and EMA settings the DPO and distillation trainers share."""
    if lr_schedule not in ("constant", "cosine"):
        raise ValueError(f"{kind}: lr_schedule must be constant or cosine; got {lr_schedule!r}")
    if not 0 <= ema_decay < 1:
        raise ValueError(f"{kind}: ema_decay must be in [0, 1); got {ema_decay}")


def _lora_targets() -> list[str]:
    from stepvid.train.config import LoraConfig

    return LoraConfig().targets


@dataclass
class DPOConfig:
    init: str                                   # model folder: policy and reference start here
    pairs: list[str]                            # pair-set folders (`stepvid dpo pairs`)
    run_dir: str
    out: str | None = None                      # exported model folder (None: checkpoints only)
    steps: int = 500
    batch_size: int = 8                         # pairs per step and process
    lr: float = 1e-5
    warmup: int = 20
    lr_schedule: str = "constant"               # constant | cosine (to 0 at ``steps``; --max-minutes stops early)
    ema_decay: float = 0.0                      # > 0: EMA of the trained weights, checkpointed and exported
    weight_decay: float = 0.0
    grad_clip: float = 1.0
    beta: float = 500.0
    sft_weight: float = 0.0                     # > 0: + weight x the policy's velocity error on chosen samples
    lora_rank: int = 0                          # 0: full fine-tuning
    lora_alpha: float | None = None
    lora_targets: list[str] = field(default_factory=lambda: list(_lora_targets()))   # as `train dit`'s
    timestep: Any = field(default_factory=lambda: {"name": "logit_normal", "mean": 0.0, "std": 1.0})
    seed: int = 0
    checkpoint_every: int = 100
    log_every: int = 10
    device: str | None = None
    precision: str = "bf16"                     # bf16 autocast on CUDA (fp32 master weights); fp32 on the CPU
    compile: bool = False                       # torch.compile the policy's forward (single process)
    max_minutes: float | None = None            # wall-time budget: stop (checkpoint, export) once it is spent
    online_prompts: str | None = None           # prompt file of the online loop (None: offline only)
    online_every: int = 100
    online_per_round: int = 64
    online_candidates: int = 4
    online_batch: int = 32                      # videos per DiT batch while generating
    judge_workers: int = 0
    online_reward: str | None = None            # rank online candidates with this reward model (default: judge)
    online_pair_rule: str = "score"             # how online candidates pair (PAIR_RULES)
    online_guide: str | None = None             # online loop: rewriter of the guided candidates (`dpo pairs --guide`)
    online_guide_candidates: int = 0            # online loop: guided candidates per prompt
    online_reference: bool = False              # online loop: the rows' clips join the ranking (`--reference`)
    text_lr: float = 0.0                        # > 0: the text encoder trains too, at this rate (one process)
    sft_data: str | None = None                 # prompt file with a clip per row ("video"): supervised steps on it
    sft_data_weight: float = 0.0                # weight of that flow-matching loss beside the DPO loss

    def check(self) -> None:
        for k in ("steps", "batch_size", "checkpoint_every", "log_every", "online_every", "online_per_round"):
            if int(getattr(self, k)) < 1:
                raise ValueError(f"dpo: {k} must be >= 1; got {getattr(self, k)}")
        if self.beta <= 0 or self.lr <= 0:
            raise ValueError(f"dpo: beta and lr must be > 0; got beta={self.beta}, lr={self.lr}")
        if self.lora_rank < 0:
            raise ValueError(f"dpo: lora_rank must be >= 0; got {self.lora_rank}")
        check_schedule("dpo", self.lr_schedule, self.ema_decay)
        if self.max_minutes is not None and self.max_minutes <= 0:
            raise ValueError(f"dpo: max_minutes must be > 0; got {self.max_minutes}")
        if self.precision not in ("bf16", "fp32"):
            raise ValueError(f"dpo: precision must be bf16 or fp32; got {self.precision!r}")
        if self.online_pair_rule not in PAIR_RULES:
            raise ValueError(f"dpo: online_pair_rule must be one of {PAIR_RULES}; got {self.online_pair_rule!r}")
        if self.sft_data_weight < 0 or (self.sft_data is None) != (self.sft_data_weight == 0):
            raise ValueError(f"dpo: sft_data and sft_data_weight > 0 go together; got {self.sft_data!r}, "
                             f"{self.sft_data_weight}")
        if self.text_lr < 0:
            raise ValueError(f"dpo: text_lr must be >= 0; got {self.text_lr}")
        if self.online_guide_candidates < 0 or (self.online_guide_candidates > 0) != (self.online_guide is not None):
            raise ValueError(f"dpo: online_guide and online_guide_candidates > 0 go together; got "
                             f"{self.online_guide!r}, {self.online_guide_candidates}")
        if self.online_prompts is not None and self.online_candidates < 2:
            raise ValueError(f"dpo: online_candidates must be >= 2; got {self.online_candidates}")
