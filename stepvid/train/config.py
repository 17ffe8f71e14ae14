"""Training configs: nested dataclasses loaded strictly from YAML/JSON (+ ``--set a.b=value`` overrides).

Every key is checked before anything heavy happens: an unknown key, a wrong type or an invalid bucket raises
``ValueError`` naming the dotted path (``stages[1].buckets: invalid frame count 70 ...``).
"""

from __future__ import annotations

import dataclasses
import json
import os
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "DataConfig",
    "DiTTrainConfig",
    "LoraConfig",
    "OptimConfig",
    "ParallelConfig",
    "RunConfig",
    "StageConfig",
    "VAEProgressiveConfig",
    "VAETrainConfig",
    "apply_overrides",
    "config_to_dict",
    "load_config",
]


@dataclass
class OptimConfig:
    lr: float = 1e-4
    betas: tuple[float, float] = (0.9, 0.999)
    weight_decay: float = 0.0
    eps: float = 1e-8
    warmup_steps: int = 0
    schedule: str = "constant"  # constant | cosine (to min_lr_ratio · lr at the stage's last step)
    min_lr_ratio: float = 0.1
    grad_clip: float = 1.0  # max global grad norm; 0 disables


@dataclass
class DataConfig:
    source: str = ""  # manifest (.jsonl/.parquet), a captioned media folder, or a latent cache folder
    kind: str = "auto"  # manifest | cache | auto (a folder with index.json is a cache)
    split: str | None = None
    num_workers: int = 2
    caption_keys: list[str] | None = None
    frame_stride: int = 1
    random_crop: bool = True


@dataclass
class StageConfig:
    """One stage of the cascade (report §3.1): its own data, buckets, learning rate and length."""

    name: str = "stage"
    steps: int = 1000
    lr: float | None = None  # overrides optim.lr
    warmup_steps: int | None = None
    buckets: dict[str, Any] = field(default_factory=dict)
    data: DataConfig | None = None  # overrides the top-level data
    timestep: Any = "uniform"  # stepvid.diffusion.flow.make_density spec
    text_dropout: float = 0.1  # probability of replacing the caption with the empty/negative prompt (CFG)
    image_weight: float = 1.0  # loss weight of 1-frame samples


@dataclass
class ParallelConfig:
    fsdp: bool = True  # FSDP2 when world size > 1
    sp: int = 1  # Ulysses sequence-parallel degree (the DiT's sp_group)
    reshard_after_forward: bool = True
    meta_init: bool = False  # build on the meta device, shard, then initialise / load shard by shard (30B)


@dataclass
class LoraConfig:
    rank: int = 0  # 0 = off
    alpha: float | None = None  # default: rank
    targets: list[str] = field(
        default_factory=lambda: [
            "attn1.wqkv",
            "attn1.wo",
            "attn2.wq",
            "attn2.wkv",
            "attn2.wo",
            "ff.net.0.proj",
            "ff.net.2",
        ]
    )
    dropout: float = 0.0


@dataclass
class RunConfig:
    dir: str = "runs/run"
    seed: int = 0
    deterministic: bool = False
    precision: str = "bf16"  # bf16 | fp32 (bf16 = autocast; master weights stay fp32)
    log_every: int = 10
    ckpt_every: int = 500
    keep_last: int = 3
    sample_every: int = 0  # 0 = never; writes <run>/samples/step-*.mp4 for the current batch's captions
    sample_count: int = 2
    sample_steps: int = 30
    sample_cfg: float = 9.0
    sample_shift: float = 13.0
    eval_every: int = 0
    tensorboard: bool = True
    peak_tflops: float | None = None  # MFU denominator; None = measured bf16 matmul rate on CUDA
    compile: bool = False
    activation_checkpointing: bool = False
    progress: bool = True


@dataclass
class DiTTrainConfig:
    model: dict[str, Any] = field(
        default_factory=lambda: {"preset": "stepvideo-t2v"}
    )  # preset + overrides, or factory
    init_from: str | None = None  # weights to start from (a checkpoint folder or .safetensors)
    vae: dict[str, Any] | None = (
        None  # {"preset"|"path"|"factory"}; None = train on pixels (tiny experiments)
    )
    text_encoder: dict[str, Any] = field(
        default_factory=dict
    )  # {"factory": "mod:fn", ...} or a named encoder
    negative_prompt: str = ""  # used for text dropout
    data: DataConfig = field(default_factory=DataConfig)
    stages: list[StageConfig] = field(default_factory=lambda: [StageConfig()])
    optim: OptimConfig = field(default_factory=OptimConfig)
    ema_decay: float = 0.0  # 0 = no EMA
    lora: LoraConfig = field(default_factory=LoraConfig)
    parallel: ParallelConfig = field(default_factory=ParallelConfig)
    run: RunConfig = field(default_factory=RunConfig)


@dataclass
class VAEProgressiveConfig:
    """Report §9.2 two-stage VAE schedule (see VAETrainer): 4x8x8 stage 1, then the dual-path 8x16x16 model."""

    stage1_steps: int = 0  # steps on the dual_path=False model; stage 2 runs from here to `steps`
    warmup_steps: int = 0  # first stage-2 steps that train only `warmup_trainable`
    warmup_trainable: list[str] | None = None  # parameter-name prefixes; None = the new dual-path layers


@dataclass
class VAETrainConfig:
    model: dict[str, Any] = field(default_factory=lambda: {"preset": "tiny"})
    init_from: str | None = None
    data: DataConfig = field(default_factory=DataConfig)
    eval_data: DataConfig | None = None  # held-out set for PSNR/SSIM (default: data with split "val")
    buckets: dict[str, Any] = field(default_factory=lambda: {"frames": [17], "sizes": [[256, 256]]})
    steps: int = 10000
    optim: OptimConfig = field(default_factory=lambda: OptimConfig(lr=1e-4, betas=(0.5, 0.9)))
    l1_weight: float = 1.0
    mse_weight: float = 0.0  # > 0: adds MSE, the error PSNR measures (docs/training.md#vae-training)
    perceptual_weight: float = 0.1
    kl_weight: float = 1e-6
    gan_start: int = -1  # step at which the discriminator phase starts; -1 = never
    gan_weight: float = 0.1
    disc_lr: float = 1e-4
    disc_channels: int = 64
    trainable: list[str] | None = None  # parameter-name prefixes to train (progressive schedule); None = all
    progressive: VAEProgressiveConfig | None = None  # two-stage 4x8x8 -> 8x16x16 schedule; None = off
    eval_samples: int = 8
    run: RunConfig = field(default_factory=RunConfig)


# --------------------------------------------------------------------------------------------------------


def _convert(tp: Any, value: Any, where: str) -> Any:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp is Any:
        return value
    if origin is typing.Union or origin is types.UnionType:
        if value is None and type(None) in args:
            return None
        errs = []
        for a in args:
            if a is type(None):
                continue
            try:
                return _convert(a, value, where)
            except ValueError as exc:
                errs.append(str(exc))
        raise ValueError(errs[0] if errs else f"{where}: bad value {value!r}")
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise ValueError(f"{where}: expected a mapping, got {type(value).__name__}")
        return from_dict(tp, value, where)
    if origin in (list, tuple):
        if not isinstance(value, (list, tuple)):
            raise ValueError(f"{where}: expected a list, got {value!r}")
        inner = args[0] if args else Any
        out = [_convert(inner, v, f"{where}[{i}]") for i, v in enumerate(value)]
        if origin is tuple:
            if len(args) != len(value) and not (len(args) == 2 and args[1] is Ellipsis):
                raise ValueError(f"{where}: expected {len(args)} values, got {len(value)}")
            return tuple(out)
        return out
    if origin is dict:
        if not isinstance(value, dict):
            raise ValueError(f"{where}: expected a mapping, got {value!r}")
        return dict(value)
    if tp is bool:
        if not isinstance(value, bool):
            raise ValueError(f"{where}: expected true/false, got {value!r}")
        return value
    if tp in (int, float):
        if isinstance(value, str):  # YAML 1.1 reads "2e-5" (no dot) as a string
            try:
                value = float(value)
            except ValueError:
                raise ValueError(f"{where}: expected {tp.__name__}, got {value!r}") from None
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or (tp is int and not float(value).is_integer())
        ):
            raise ValueError(f"{where}: expected {tp.__name__}, got {value!r}")
        return tp(value)
    if tp is str:
        if not isinstance(value, str):
            raise ValueError(f"{where}: expected a string, got {value!r}")
        return value
    return value


def from_dict(cls: type, data: dict[str, Any], where: str = "") -> Any:
    """Build dataclass ``cls`` from ``data``, rejecting unknown keys and wrong types (dotted path in errors)."""
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - names)
    if unknown:
        prefix = f"{where}." if where else ""
        raise ValueError(f"config: unknown key {prefix}{unknown[0]!s} (known keys here: {sorted(names)})")
    kwargs = {k: _convert(hints[k], v, f"{where}.{k}" if where else k) for k, v in data.items()}
    return cls(**kwargs)


def config_to_dict(cfg: Any) -> dict[str, Any]:
    return json.loads(json.dumps(dataclasses.asdict(cfg)))


def _parse_scalar(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    try:
        import yaml

        return yaml.safe_load(text)
    except Exception:  # noqa: BLE001 - a plain string
        return text


def apply_overrides(data: dict[str, Any], overrides: list[str]) -> dict[str, Any]:
    """``["optim.lr=3e-5", "stages.0.steps=10"]`` -> nested edits of the raw config dict."""
    for item in overrides or []:
        if "=" not in item:
            raise ValueError(f"--set expects key=value, got {item!r}")
        key, text = item.split("=", 1)
        node: Any = data
        parts = key.split(".")
        for p in parts[:-1]:
            if isinstance(node, list):
                node = node[int(p)]
            else:
                node = node.setdefault(p, {})
        last = parts[-1]
        if isinstance(node, list):
            node[int(last)] = _parse_scalar(text)
        else:
            node[last] = _parse_scalar(text)
    return data


def read_config_file(path: str | os.PathLike) -> dict[str, Any]:
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"config not found: {path}")
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".yaml", ".yml"):
        import yaml

        data = yaml.safe_load(text) or {}
    elif path.suffix == ".json":
        data = json.loads(text)
    else:
        raise ValueError(f"{path}: config must be .yaml, .yml or .json")
    if not isinstance(data, dict):
        raise ValueError(f"{path}: top level must be a mapping")
    return data


def load_config(
    cls: type, source: str | os.PathLike | dict[str, Any] | None, overrides: list[str] | None = None
) -> Any:
    """Load and validate a config (file path or dict), then validate its buckets and densities."""
    data = dict(source) if isinstance(source, dict) else (read_config_file(source) if source else {})
    data = apply_overrides(json.loads(json.dumps(data)), overrides or [])
    cfg = from_dict(cls, data)
    validate(cfg)
    return cfg


def validate(cfg: Any) -> None:
    """Semantic checks that need more than types: buckets, densities, ranges."""
    from stepvid.data.buckets import BucketScheme
    from stepvid.diffusion.flow import make_density

    if cfg.run.precision not in ("bf16", "fp32"):
        raise ValueError(f"config: run.precision must be 'bf16' or 'fp32', got {cfg.run.precision!r}")
    if cfg.optim.schedule not in ("constant", "cosine"):
        raise ValueError(f"config: optim.schedule must be 'constant' or 'cosine', got {cfg.optim.schedule!r}")
    if isinstance(cfg, DiTTrainConfig):
        if not cfg.stages:
            raise ValueError("config: stages must list at least one stage")
        for i, st in enumerate(cfg.stages):
            where = f"stages[{i}] ({st.name})"
            try:
                BucketScheme.from_config(st.buckets)
                make_density(st.timestep)
            except ValueError as exc:
                raise ValueError(f"config: {where}: {exc}") from None
            if st.steps < 1:
                raise ValueError(f"config: {where}.steps must be >= 1, got {st.steps}")
            if not 0 <= st.text_dropout <= 1:
                raise ValueError(f"config: {where}.text_dropout must be in [0, 1], got {st.text_dropout}")
        if len({s.name for s in cfg.stages}) != len(cfg.stages):
            raise ValueError(f"config: stage names must be unique, got {[s.name for s in cfg.stages]}")
        if cfg.parallel.sp < 1:
            raise ValueError(f"config: parallel.sp must be >= 1, got {cfg.parallel.sp}")
        if not 0 <= cfg.ema_decay < 1:
            raise ValueError(f"config: ema_decay must be in [0, 1), got {cfg.ema_decay}")
    if isinstance(cfg, VAETrainConfig):
        try:
            BucketScheme.from_config(cfg.buckets)
        except ValueError as exc:
            raise ValueError(f"config: buckets: {exc}") from None
        bad = {k: getattr(cfg, k) for k in ("l1_weight", "mse_weight", "perceptual_weight", "kl_weight")
               if getattr(cfg, k) < 0}
        if bad:
            raise ValueError(f"config: loss weights must be >= 0, got {bad}")
        pg = cfg.progressive
        if pg is not None:
            if not 0 < pg.stage1_steps < cfg.steps:
                raise ValueError(f"config: progressive.stage1_steps must be in [1, steps={cfg.steps}), "
                                 f"got {pg.stage1_steps}")
            if not 0 <= pg.warmup_steps <= cfg.steps - pg.stage1_steps:
                raise ValueError(f"config: progressive.warmup_steps must be in [0, steps - stage1_steps = "
                                 f"{cfg.steps - pg.stage1_steps}], got {pg.warmup_steps}")
            if cfg.trainable is not None:
                raise ValueError("config: trainable and progressive cannot be combined; use "
                                 "progressive.warmup_trainable for the stage-2 warm-up")
            if "dual_path" in cfg.model:
                raise ValueError("config: model.dual_path is set by progressive (stage 1 False, stage 2 True); "
                                 "remove it from model")
