"""A model folder is data: what ``stepvid.json`` may say, and how its components are checked and loaded.

``TextToVideoPipeline.from_pretrained(DIR)`` / ``stepvid generate --model DIR`` read weights (safetensors),
configs (JSON) and tokenizer files from DIR, and nothing in DIR is imported or run:

* each component's ``class`` must be one of stepvid's own loaders in :data:`COMPONENT_CLASSES` (an
  allow-list, spelled ``module:Class`` as before); no other name is imported;
* a component may set only the options its class lists there (``kwargs``; the VAE's ``config`` preset),
  each checked for type and range — an unknown key is refused, naming it. ``trust_remote_code`` is never
  passed to anything;
* paths are relative to DIR and may not climb out of it (``..`` or absolute paths are refused); the one other
  form, ``bundled:REL``, names a file of the model shipped inside the package (``stepvid/bundled/REL``, checked
  the same way) — package data, never an arbitrary path — so a variant of the bundled model can share its VAE and
  text encoder instead of carrying copies;
* weights are safetensors, except the released Hunyuan-CLIP tower's ``pytorch_model.bin``, which is read
  with torch's weights-only unpickler (tensors and containers only; anything else is refused).

:func:`plan_model` does all of that without reading any tensor data: it verifies every safetensors header
(present, readable, file size as the header implies), reads each component's config and checks that the
parts fit (latent channels, caption dims) — so a damaged or mismatched folder fails in about a second,
naming the file, before tens of GB are loaded. :meth:`ModelPlan.load` then builds the components.
"""

from __future__ import annotations

import math
import os
import re
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path, PurePosixPath
from typing import Any

import torch

from stepvid.checkpoints import (
    checkpoint_shapes,
    empty_weights,
    load_sharded_safetensors,
    read_config_json,
    read_safetensors_header,
)
from stepvid.diffusion.sampler import NEGATIVE_PROMPT, POSITIVE_SUFFIX

__all__ = [
    "COMPONENT_CLASSES",
    "DESCRIPTION_FILE",
    "PRESET_FIELDS",
    "ComponentClass",
    "GenerationDefaults",
    "ModelPlan",
    "check_fit",
    "dit_config_from_json",
    "load_transformer",
    "parse_presets",
    "plan_model",
    "with_default_preset",
    "with_preset",
]

DESCRIPTION_FILE = "stepvid.json"
_SECTIONS = ("transformer", "vae", "text_encoder", "defaults", "presets", "default_preset", "format", "name", "notes")
_FLOAT_DTYPES = {"F64", "F32", "F16", "BF16", "F8_E4M3", "F8_E5M2"}


# ------------------------------------------------------------------------------------------- defaults


@dataclass
class GenerationDefaults:
    """Per-model generation defaults (official values unless ``stepvid.json`` says otherwise)."""

    num_frames: int = 204
    height: int = 544
    width: int = 992
    steps: int = 50
    cfg: float = 9.0
    shift: float = 13.0
    fps: float = 25.0
    positive_suffix: str = POSITIVE_SUFFIX
    negative_prompt: str = NEGATIVE_PROMPT
    prompt_rewrite: str = "none"  # a stepvid.prompt_rewrite.REWRITERS name
    motion_score: float = 5.0  # image-to-video DiTs with a motion-score input (official TI2V default 5)
    solver: str = "euler"  # stepvid.diffusion.sampler.SOLVERS: "euler" (official) or "ab2" (2nd-order multistep)
    tries: int = 1  # world models: clips made (seed, seed + 1, ...) until the world judge passes one (world.verify)

    @classmethod
    def from_dict(
        cls, d: dict[str, Any], source: str = "defaults", base: GenerationDefaults | None = None
    ) -> GenerationDefaults:
        """Build from a JSON object; unknown keys and values of the wrong type are refused, naming them.
        ``base``: the values unset keys take (default: the official T2V ones)."""
        if not isinstance(d, dict):
            raise ValueError(f"{source}: expected a JSON object, got {type(d).__name__}")  # noqa: TRY004
        known = {f.name: f for f in fields(cls)}
        bad = sorted(set(d) - set(known))
        if bad:
            raise ValueError(f"{source}: unknown generation default(s) {bad}; valid: {sorted(known)}")
        for key, value in d.items():
            default = getattr(cls, key)
            if isinstance(default, str):
                ok = isinstance(value, str)
            elif isinstance(default, int):
                ok = _is_int(value) and value >= 1
            else:
                ok = _is_number(value) and value > 0
            if not ok:
                want = (
                    "a string"
                    if isinstance(default, str)
                    else ("an integer >= 1" if isinstance(default, int) else "a number > 0")
                )
                raise ValueError(f"{source}: {key} must be {want}; got {value!r}")
        if "solver" in d:
            from stepvid.diffusion.sampler import SOLVERS

            if d["solver"] not in SOLVERS:
                raise ValueError(f"{source}: solver must be one of {', '.join(SOLVERS)}; got {d['solver']!r}")
        if "prompt_rewrite" in d:
            from stepvid.prompt_rewrite import check_rewriter

            check_rewriter(d["prompt_rewrite"], f"{source}: prompt_rewrite")
        return cls(**d) if base is None else replace(base, **d)


# A named preset overrides these sampler fields of the defaults (``stepvid generate --preset NAME``), and may
# name another DiT folder inside the model folder (``transformer``: e.g. a Turbo student beside its base model).
PRESET_FIELDS = ("steps", "cfg", "shift", "solver", "transformer")
_PRESET_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")


def parse_presets(d: Any, source: str = "presets") -> dict[str, dict[str, Any]]:
    """``stepvid.json``'s ``presets``: ``{name: {field: value}}`` with fields from :data:`PRESET_FIELDS`, each
    checked as the same default is (an unknown name, field or bad value is refused, naming it). A model stores
    the sampler settings it was measured with under a name, e.g. ``{"base": {"steps": 50}}`` beside faster
    defaults."""
    if not isinstance(d, dict):
        raise ValueError(f"{source}: expected a JSON object of named presets, got {type(d).__name__}")  # noqa: TRY004
    out: dict[str, dict[str, Any]] = {}
    for name, fields_ in d.items():
        if not _PRESET_NAME.fullmatch(name):
            raise ValueError(f"{source}: preset name {name!r} must be 1-32 lowercase letters, digits, '-' or '_'")
        where = f"{source}: {name}"
        if not isinstance(fields_, dict) or not fields_:
            raise ValueError(f"{where}: expected a non-empty JSON object of sampler settings; got {fields_!r}")
        bad = sorted(set(fields_) - set(PRESET_FIELDS))
        if bad:
            raise ValueError(f"{where}: unknown preset field(s) {bad}; valid: {list(PRESET_FIELDS)}")
        GenerationDefaults.from_dict({k: v for k, v in fields_.items() if k != "transformer"}, where)
        if "transformer" in fields_:
            _relative_path(fields_["transformer"], f"{where}: transformer")  # inside the folder, never above it
        out[name] = dict(fields_)
    return out


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    return (isinstance(v, (int, float)) and not isinstance(v, bool)) and math.isfinite(v)


# --------------------------------------------------------------------------------------------- the DiT

_OFFICIAL_DIT_FIELDS_WITHOUT_EFFECT = {"dropout", "norm_type", "norm_elementwise_affine", "attention_type"}


def _check_dit_field(name: str, value: Any, default: Any, source: str) -> None:
    """Sizes are integers >= 1, scales and epsilons finite numbers > 0, switches booleans, tuples lists of
    integers >= 1 — so a bad config.json fails here, naming the field, not inside the model constructor."""
    if isinstance(default, bool):
        ok, want = isinstance(value, bool), "true or false"
    elif isinstance(default, int):
        ok, want = _is_int(value) and value >= 1, "an integer >= 1"
    elif isinstance(default, float):
        ok, want = _is_number(value) and value > 0, "a number > 0"
    elif isinstance(default, tuple):
        ok = isinstance(value, (list, tuple)) and len(value) > 0 and all(_is_int(v) and v >= 1 for v in value)
        want = "a list of integers >= 1"
    else:
        return
    if not ok:
        raise ValueError(f"{source}: DiT config field {name!r} must be {want}; got {value!r}")


def dit_config_from_json(raw: dict[str, Any], source: str = "config.json"):
    """DiTConfig from a released ``transformer/config.json`` (official field names; stepvid's extra
    DiTConfig fields are accepted too). ``use_additional_conditions`` maps to the TI2V motion-score embedder.
    Field types and ranges are checked (see :func:`_check_dit_field`)."""
    from stepvid.models.dit import DiTConfig

    known = {f.name: getattr(DiTConfig(), f.name) for f in fields(DiTConfig)}
    kw: dict[str, Any] = {}
    for key, value in raw.items():
        if key.startswith("_") or key in _OFFICIAL_DIT_FIELDS_WITHOUT_EFFECT:
            continue
        if key == "use_additional_conditions":
            kw["motion_score_embedder"] = bool(value)
        elif key in known:
            if value is not None or key != "out_channels":
                _check_dit_field(key, value, known[key], source)
            kw[key] = value
        else:
            warnings.warn(f"{source}: ignoring unknown DiT config field {key!r}", stacklevel=2)
    if kw.get("out_channels") is None:
        kw["out_channels"] = kw.get("in_channels", DiTConfig.in_channels)
    if raw.get("use_additional_conditions") and "motion_score_embedder" not in raw:
        # Official TI2V configs state the latent channels (64); the patch embed takes latents and the
        # condition latents concatenated, so its input is twice that.
        kw["in_channels"] = 2 * kw.get("in_channels", DiTConfig.in_channels)
    try:
        return DiTConfig(**kw)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{source}: invalid DiT config: {exc}") from exc


def load_transformer(
    folder: str | os.PathLike, device: torch.device | str = "cpu", dtype: torch.dtype | None = None
):
    """Frozen StepVideoDiT from a ``transformer/`` folder (config.json + sharded safetensors + index)."""
    from stepvid.models.dit import StepVideoDiT

    folder = Path(folder)
    cfg_file = folder / "config.json"
    cfg = dit_config_from_json(read_config_json(cfg_file, "transformer config"), str(cfg_file))
    with empty_weights():
        model = StepVideoDiT(cfg)
    load_sharded_safetensors(model, folder, device=device, dtype=dtype, strict=True)
    return model.eval().requires_grad_(False)


# ------------------------------------------------------------------------------------------ components


@dataclass(frozen=True)
class Option:
    """One option a component class accepts: ``check(value)`` returns None or what the value should be."""

    check: Callable[[Any], str | None]


def _int_option(lo: int) -> Option:
    return Option(lambda v: None if _is_int(v) and v >= lo else f"an integer >= {lo}")


def _bool_option() -> Option:
    return Option(lambda v: None if isinstance(v, bool) else "true or false")


def _choice_option(choices: Callable[[], list[str]]) -> Option:
    return Option(
        lambda v: None if isinstance(v, str) and v in choices() else f"one of {', '.join(choices())}"
    )


@dataclass
class ComponentInfo:
    """What :func:`plan_model` learned about a component without reading tensor data."""

    config: Any = None  # DiTConfig / VAEConfig / StepLLMConfig / the small encoder's config dict
    dims: tuple[int, int] | None = None  # text encoders: (llm_dim, clip_dim)
    params: int = 0  # floating-point parameters loaded in the pipeline dtype
    fp32_params: int = 0  # parameters kept in fp32 whatever the dtype (Hunyuan-CLIP)


@dataclass(frozen=True)
class ComponentClass:
    """An allowed component: its ``stepvid.json`` name, role, options, default sub-path, a cheap
    ``inspect(path, options) -> ComponentInfo`` (verifies files, reads configs, no tensor data) and
    ``load(path, device, dtype, options, info)``."""

    name: str
    role: str
    default_path: str
    options: Mapping[str, Option]
    inspect: Callable[[Path, dict], ComponentInfo]
    load: Callable[[Path, torch.device, torch.dtype, dict, ComponentInfo], Any]


def _float_params(infos: Mapping[str, Any]) -> int:
    return sum(math.prod(i.shape) for i in infos.values() if i.dtype in _FLOAT_DTYPES)


def _inspect_dit(path: Path, options: dict) -> ComponentInfo:
    cfg_file = path / "config.json"
    cfg = dit_config_from_json(read_config_json(cfg_file, "transformer config"), str(cfg_file))
    return ComponentInfo(config=cfg, params=_float_params(checkpoint_shapes(path)))


def _load_dit(path: Path, device: torch.device, dtype: torch.dtype, options: dict, info: ComponentInfo):
    return load_transformer(path, device=device, dtype=dtype)


def _vae_presets() -> list[str]:
    from stepvid.models.vae import VAE_PRESETS

    return sorted(VAE_PRESETS)


def _inspect_vae(path: Path, options: dict) -> ComponentInfo:
    from stepvid.models.vae import VideoVAE

    file = VideoVAE.weights_file(path)
    cfg = VideoVAE.config_of(file, options.get("config"))
    return ComponentInfo(config=cfg, params=_float_params(read_safetensors_header(file)))


def _load_vae(path: Path, device: torch.device, dtype: torch.dtype, options: dict, info: ComponentInfo):
    from stepvid.models.vae import VideoVAE

    return (
        VideoVAE.from_pretrained(path, config=info.config, device=device, dtype=dtype)
        .eval()
        .requires_grad_(False)
    )


_STEP_LLM_OPTIONS = ("position_bias", "fp32_residual_connection", "attention_fp32")


def _inspect_step_text(path: Path, options: dict) -> ComponentInfo:
    from stepvid.models.text.hunyuan_clip import (
        bert_text_tower_state_dict,
        clip_weights_file,
        load_clip_state_dict,
    )
    from stepvid.models.text.step_llm import StepLLMConfig
    from stepvid.models.text.step_video import STEP_LLM_TOKENIZER

    llm_dir, clip_dir = path / "step_llm", path / "hunyuan_clip"
    for d in (llm_dir, clip_dir):
        if not d.is_dir():
            raise FileNotFoundError(f"text-encoder folder not found: {d}")
    if not (llm_dir / STEP_LLM_TOKENIZER).is_file():
        raise FileNotFoundError(f"Step-LLM tokenizer model not found: {llm_dir / STEP_LLM_TOKENIZER}")
    cfg_file = llm_dir / "config.json"
    try:
        llm = StepLLMConfig.from_released(
            read_config_json(cfg_file, "Step-LLM config"),
            **{k: options[k] for k in _STEP_LLM_OPTIONS if k in options},
        )
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{cfg_file}: {exc}") from None
    params = _float_params(checkpoint_shapes(llm_dir))
    clip_cfg_file = clip_dir / "clip_text_encoder" / "config.json"
    clip_cfg = read_config_json(clip_cfg_file, "Hunyuan-CLIP config")
    if not _is_int(clip_cfg.get("hidden_size")):
        raise ValueError(f"{clip_cfg_file}: not a BERT config (no integer hidden_size)")
    if not (clip_dir / "tokenizer" / "vocab.txt").is_file():
        raise FileNotFoundError(f"Hunyuan-CLIP tokenizer not found: {clip_dir / 'tokenizer' / 'vocab.txt'}")
    weights = clip_weights_file(clip_dir / "clip_text_encoder")
    if weights.suffix == ".safetensors":
        shapes = {k: v.shape for k, v in read_safetensors_header(weights).items()}
    else:  # the released pickle, read now (weights-only, memory-mapped): a payload is refused before loading
        shapes = {k: v.shape for k, v in load_clip_state_dict(weights.parent).items()}
    clip_params = sum(math.prod(s) for s in bert_text_tower_state_dict(shapes, str(weights)).values())
    clip_dim = clip_cfg["hidden_size"]
    return ComponentInfo(config=llm, dims=(llm.hidden_size, clip_dim), params=params, fp32_params=clip_params)


def _load_step_text(path: Path, device: torch.device, dtype: torch.dtype, options: dict, info: ComponentInfo):
    from stepvid.models.text.step_video import StepVideoTextEncoder

    return StepVideoTextEncoder.from_pretrained(path, device=device, dtype=dtype, **options)


def _inspect_small_text(path: Path, options: dict) -> ComponentInfo:
    for name in ("config.json", "tokenizer.json", "model.safetensors"):
        if not (path / name).is_file():
            raise FileNotFoundError(f"small text encoder folder {path} is missing {name}")
    cfg = read_config_json(path / "config.json", "small text encoder config")
    dims = cfg.get("llm_dim"), cfg.get("clip_dim")
    if cfg.get("type") != "small-bilingual" or not all(_is_int(d) and d >= 1 for d in dims):
        raise ValueError(f"{path / 'config.json'}: not a small-bilingual text encoder config")
    return ComponentInfo(
        config=cfg, dims=dims, params=_float_params(read_safetensors_header(path / "model.safetensors"))
    )


def _load_small_text(
    path: Path, device: torch.device, dtype: torch.dtype, options: dict, info: ComponentInfo
):
    from stepvid.models.text.small import SmallBilingualEncoder

    return SmallBilingualEncoder.from_pretrained(path, dtype=dtype, device=device)


COMPONENT_CLASSES: dict[str, ComponentClass] = {
    c.name: c
    for c in (
        ComponentClass(
            "stepvid.models.dit:StepVideoDiT", "transformer", "transformer", {}, _inspect_dit, _load_dit
        ),
        ComponentClass(
            "stepvid.models.vae:VideoVAE",
            "vae",
            "vae/vae_v2.safetensors",
            {"config": _choice_option(_vae_presets)},
            _inspect_vae,
            _load_vae,
        ),
        ComponentClass(
            "stepvid.models.text.step_video:StepVideoTextEncoder",
            "text_encoder",
            ".",
            {
                "max_length": _int_option(2),
                "clip_max_length": _int_option(1),
                "position_bias": _choice_option(lambda: ["alibi", "none", "sqrt_alibi"]),
                "fp32_residual_connection": _bool_option(),
                "attention_fp32": _bool_option(),
            },
            _inspect_step_text,
            _load_step_text,
        ),
        ComponentClass(
            "stepvid.models.text.small:SmallBilingualEncoder",
            "text_encoder",
            "text_encoder",
            {},
            _inspect_small_text,
            _load_small_text,
        ),
    )
}
_DEFAULT_CLASS = {
    "transformer": "stepvid.models.dit:StepVideoDiT",
    "vae": "stepvid.models.vae:VideoVAE",
    "text_encoder": "stepvid.models.text.step_video:StepVideoTextEncoder",
}


# ------------------------------------------------------------------------------------------ the plan


@dataclass
class Component:
    """One resolved component: its allowed class, where its files are, its checked options."""

    cls: ComponentClass
    path: Path
    options: dict[str, Any]
    info: ComponentInfo = field(default_factory=ComponentInfo)

    def load(self, device: torch.device, dtype: torch.dtype) -> Any:
        return self.cls.load(self.path, device, dtype, self.options, self.info)


@dataclass
class ModelPlan:
    """A checked model folder: components (``transformer``, ``vae``, and ``text_encoder`` unless the
    caller brings its own) with their configs, and the generation defaults."""

    root: Path
    components: dict[str, Component]
    defaults: GenerationDefaults
    name: str | None = None
    presets: dict[str, dict[str, Any]] = field(default_factory=dict)  # stepvid.json's named sampler settings
    default_preset: str | None = None  # the preset `stepvid generate` / `serve` use when none is asked for

    @property
    def dit_config(self):
        return self.components["transformer"].info.config

    @property
    def vae_config(self):
        return self.components["vae"].info.config

    @property
    def size_multiple(self) -> int:
        """Heights and widths must be multiples of this: the VAE's spatial ratio times the DiT patch."""
        return self.vae_config.spatial_ratio * self.dit_config.patch_size


def check_fit(
    dit_in: int, dit_out: int, caption: tuple[int, int], z_channels: int, text_dims: tuple[int, int] | None
) -> None:
    """Raise ValueError naming the mismatch when DiT, VAE and text encoder do not fit together. An
    image-to-video DiT reads latents and first-frame condition latents: ``dit_in`` is twice the latent channels."""
    if dit_in not in (z_channels, 2 * z_channels) or dit_out != z_channels:
        raise ValueError(
            f"DiT in/out channels {dit_in}/{dit_out} do not match the VAE's {z_channels} latent channels "
            f"(in: {z_channels}, or {2 * z_channels} for image-to-video; out: {z_channels})"
        )
    if text_dims is not None and tuple(text_dims) != tuple(caption):
        raise ValueError(
            f"text encoder dims (llm {text_dims[0]}, clip {text_dims[1]}) do not match the DiT's "
            f"caption_channels {list(caption)}"
        )


def _relative_path(value: Any, where: str) -> str:
    """A path inside the model folder: a non-empty relative POSIX path without ``..``."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: path must be a non-empty string; got {value!r}")
    p = PurePosixPath(value.replace("\\", "/"))
    if p.is_absolute() or ".." in p.parts or Path(value).is_absolute():
        raise ValueError(f"{where}: path {value!r} must stay inside the model folder (relative, no '..')")
    return value


def _component(role: str, raw: Any, root: Path, source: str, path_override: Path | None = None) -> Component:
    where = f"{source}: {role}"
    if not isinstance(raw, dict):
        raise ValueError(f"{where} must be a JSON object; got {type(raw).__name__}")  # noqa: TRY004
    allowed_keys = {"class", "path", "kwargs"} | ({"config"} if role == "vae" else set())
    bad = sorted(set(raw) - allowed_keys)
    if bad:
        raise ValueError(f"{where}: unknown key(s) {bad}; allowed: {sorted(allowed_keys)}")
    name = raw.get("class", _DEFAULT_CLASS[role])
    cls = COMPONENT_CLASSES.get(name) if isinstance(name, str) else None
    if cls is None or cls.role != role:
        allowed = sorted(n for n, c in COMPONENT_CLASSES.items() if c.role == role)
        raise ValueError(
            f"{where}.class {name!r} is not allowed: a model folder is data and may only pick one of "
            f"stepvid's {role} classes ({', '.join(allowed)}); nothing else is imported"
        )
    options = raw.get("kwargs", {})
    if not isinstance(options, dict):
        raise ValueError(f"{where}.kwargs must be a JSON object; got {type(options).__name__}")  # noqa: TRY004
    options = dict(options)
    if "config" in raw:
        options["config"] = raw["config"]
    for key, value in options.items():
        opt = cls.options.get(key)
        if opt is None:
            note = " (stepvid never runs code from a model folder)" if key == "trust_remote_code" else ""
            allowed = ", ".join(sorted(cls.options)) or "none"
            raise ValueError(f"{where}: option {key!r} is not accepted by {name}{note}; allowed: {allowed}")
        want = opt.check(value)
        if want is not None:
            raise ValueError(f"{where}: option {key!r} must be {want}; got {value!r}")
    if path_override is not None:
        path = path_override
    else:
        path = _component_path(root, raw.get("path", cls.default_path), f"{where}.path")
    return Component(cls, path, options)


BUNDLED_PREFIX = "bundled:"


def _component_path(root: Path, value: Any, where: str) -> Path:
    """``root / value`` for a path inside the model folder, or the package's bundled model folder's file for
    ``bundled:REL`` (the same containment rule on REL)."""
    if isinstance(value, str) and value.startswith(BUNDLED_PREFIX):
        from stepvid.pipeline_cli import bundled_model_dir

        base = bundled_model_dir()
        if base is None:
            raise FileNotFoundError(f"{where}: {value!r} names the bundled model, which this install does not have")
        return base / _relative_path(value[len(BUNDLED_PREFIX):], where)
    return root / _relative_path(value, where)


def with_preset(plan: ModelPlan, name: str) -> ModelPlan:
    """``plan`` as its stepvid.json preset ``name`` sets it: the preset's sampler fields replace the defaults, and
    its ``transformer`` (a DiT folder inside the model folder) replaces the DiT, checked like the folder's own."""
    fields_ = plan.presets[name]
    if "transformer" in fields_:
        where = f"{plan.root / DESCRIPTION_FILE}: presets: {name}: transformer"
        folder = plan.root / _relative_path(fields_["transformer"], where)
        if not (folder / "config.json").is_file():
            raise FileNotFoundError(f"{where}: {folder} is not a DiT folder (no config.json)")
        plan = plan_model(plan.root, folder, with_text_encoder="text_encoder" in plan.components)
    sampler = {k: v for k, v in fields_.items() if k != "transformer"}
    return replace(plan, defaults=replace(plan.defaults, **sampler))


def with_default_preset(plan: ModelPlan) -> ModelPlan:
    """``plan`` as its ``default_preset`` sets it (what `stepvid generate`, `serve` and `eval` run when no preset
    is asked for); unchanged without one."""
    return plan if plan.default_preset is None else with_preset(plan, plan.default_preset)


def _transformer_folder(path: str | os.PathLike) -> Path:
    """A DiT folder given on its own (e.g. the Turbo release): the folder, or its ``transformer/``."""
    tp = Path(path)
    if not (tp / "config.json").is_file() and (tp / "transformer").is_dir():
        tp = tp / "transformer"
    if not (tp / "config.json").is_file():
        raise FileNotFoundError(f"transformer folder {tp} has no config.json")
    return tp


def plan_model(
    path: str | os.PathLike,
    transformer_path: str | os.PathLike | None = None,
    with_text_encoder: bool = True,
) -> ModelPlan:
    """Read and check a model folder without loading weights (see the module docstring).

    transformer_path: a DiT folder replacing the model's own (or a release root holding ``transformer/``).
    with_text_encoder: False when the caller supplies its own text encoder (its part is then not read).
    """
    root = Path(path)
    if not root.is_dir():
        raise FileNotFoundError(f"model folder not found: {root}")
    desc_file = root / DESCRIPTION_FILE
    desc: dict[str, Any] = {}
    if desc_file.is_file():
        desc = read_config_json(desc_file, "model description")
    elif not (root / "transformer").is_dir():
        raise FileNotFoundError(
            f"{root} is not a stepvid model folder: it has neither {DESCRIPTION_FILE} nor a "
            "transformer/ folder"
        )
    unknown = sorted(set(desc) - set(_SECTIONS))
    if unknown:
        raise ValueError(f"{desc_file}: unknown section(s) {unknown}; allowed: {list(_SECTIONS)}")
    for key in ("name", "notes"):
        if key in desc and not isinstance(desc[key], str):
            raise ValueError(f"{desc_file}: {key} must be a string; got {desc[key]!r}")
    defaults = GenerationDefaults.from_dict(desc.get("defaults", {}), f"{desc_file}: defaults")
    override = _transformer_folder(transformer_path) if transformer_path is not None else None
    roles = ("transformer", "vae", "text_encoder") if with_text_encoder else ("transformer", "vae")
    components = {
        role: _component(
            role, desc.get(role, {}), root, str(desc_file), override if role == "transformer" else None
        )
        for role in roles
    }
    # Everything above is cheap; now every weight header and config, still without tensor data.
    for comp in components.values():
        comp.info = comp.cls.inspect(comp.path, comp.options)
    dit = components["transformer"].info.config
    # An image-to-video DiT with a motion-score input (Step-Video-TI2V): unset defaults take the TI2V release's.
    if dit.in_channels == 2 * dit.out_channels and dit.motion_score_embedder:
        from stepvid.ti2v import TI2V_DEFAULTS

        base = GenerationDefaults(**TI2V_DEFAULTS)
        defaults = GenerationDefaults.from_dict(desc.get("defaults", {}), f"{desc_file}: defaults", base)
    presets = parse_presets(desc.get("presets", {}), f"{desc_file}: presets")
    default_preset = desc.get("default_preset")
    if default_preset is not None and (not isinstance(default_preset, str) or default_preset not in presets):
        raise ValueError(f"{desc_file}: default_preset {default_preset!r} is not one of its presets "
                         f"({', '.join(sorted(presets)) or 'none'})")
    plan = ModelPlan(root, components, defaults, desc.get("name"), presets, default_preset)
    dit, vae = plan.dit_config, plan.vae_config
    text = components.get("text_encoder")
    check_fit(
        dit.in_channels, dit.out_channels, dit.caption_channels, vae.z_channels, text and text.info.dims
    )
    return plan
