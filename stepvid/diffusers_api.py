"""A diffusers-style front end: ``StepVideoPipeline.from_pretrained(...)`` → ``pipe(prompt=...).frames``.

Written for people who know diffusers' video pipelines; the maths is :class:`stepvid.pipeline.
TextToVideoPipeline`'s, so for a seed the video is the one ``stepvid generate`` makes::

    pipe = StepVideoPipeline.from_pretrained("bundled", torch_dtype=torch.float32)   # or a model folder
    pipe.to("cuda")                                     # or pipe.enable_model_cpu_offload()
    out = pipe(prompt="a red circle moving to the right", num_frames=17, num_inference_steps=30,
               guidance_scale=3.0, generator=torch.Generator().manual_seed(0))
    video = out.frames[0]                               # [F, H, W, 3] float32 in [0, 1]
    pipe.save_pretrained("my-model")                    # a stepvid model folder (safetensors only)

diffusers is optional (``pip install 'stepvid[diffusers]'``). When it is installed the components are real
diffusers classes — ``StepVideoTransformer3DModel`` / ``StepVideoAutoencoder`` / ``StepVideoTextEncoderModel``
are ``ModelMixin`` + ``ConfigMixin`` adapters around stepvid's modules (``.model``), the scheduler a
``SchedulerMixin``, the pipeline a ``DiffusionPipeline`` — so ``pipe.transformer.config.num_layers``,
``pipe.components``, ``isinstance(pipe, DiffusionPipeline)`` and ``set_progress_bar_config`` hold. Without it
the same classes stand on small local bases with the same attributes. Loading never goes through diffusers'
own loader (no hub, no code from the folder): a path is a stepvid model folder, checked by
:func:`stepvid.model_folder.plan_model`; ``save_pretrained`` writes one (``stepvid.json`` + safetensors),
which ``stepvid generate --model`` reads as well.

``enable_sequential_cpu_offload`` is stepvid's block streaming (``offload="blocks"``): the DiT's transformer
blocks are copied to the accelerator one at a time, ahead of use. Not mapped: ``prompt_embeds``, image-to-video
models (use TextToVideoPipeline).
"""

from __future__ import annotations

import inspect
import json
import os
import re
import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import torch

from stepvid.diffusion.sampler import flow_schedule
from stepvid.model_folder import DESCRIPTION_FILE, GenerationDefaults, plan_model
from stepvid.pipeline import (
    TextToVideoPipeline,
    num_latent_frames,
    parse_dtype,
    postprocess_video,
    resolve_device,
)

try:  # the optional extra: real diffusers bases when installed
    from diffusers import ConfigMixin, DiffusionPipeline, ModelMixin, SchedulerMixin
    from diffusers.utils import BaseOutput

    HAVE_DIFFUSERS = True
except ImportError:
    HAVE_DIFFUSERS = False
except Exception as _exc:  # noqa: BLE001 -- installed but broken (e.g. too old for this transformers): go on without
    _why = (str(_exc).strip().splitlines() or [type(_exc).__name__])[-1]
    warnings.warn(
        f"diffusers is installed but does not import ({_why}); stepvid.diffusers_api uses its own base classes",
        stacklevel=2,
    )
    HAVE_DIFFUSERS = False

__all__ = [
    "HAVE_DIFFUSERS",
    "StepVideoAutoencoder",
    "StepVideoFlowScheduler",
    "StepVideoPipeline",
    "StepVideoPipelineOutput",
    "StepVideoSchedulerOutput",
    "StepVideoTextEncoderModel",
    "StepVideoTransformer3DModel",
]

OUTPUT_TYPES = ("np", "pt", "pil", "latent")
_PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".pkl", ".pickle", ".ckpt")


# ------------------------------------------------------------------------------ bases without diffusers


class FrozenConfig(dict):
    """A read-only config with attribute access (``config.num_layers``), like diffusers' FrozenDict."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"config has no field {name!r}") from None

    def _read_only(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("a config is read-only; use register_to_config(...)")

    __setitem__ = __delitem__ = __setattr__ = _read_only  # type: ignore[assignment]
    update = pop = popitem = clear = setdefault = _read_only  # type: ignore[assignment]


class _LocalConfigMixin:
    config_name = "config.json"

    def register_to_config(self, **kwargs: Any) -> None:
        self._internal_dict = FrozenConfig({**getattr(self, "_internal_dict", {}), **kwargs})

    @property
    def config(self) -> FrozenConfig:
        return self._internal_dict


class _LocalModelMixin(torch.nn.Module, _LocalConfigMixin):
    @property
    def device(self) -> torch.device:
        return next(self.parameters()).device

    @property
    def dtype(self) -> torch.dtype:
        return next(self.parameters()).dtype


class _LocalPipelineMixin(_LocalConfigMixin):
    config_name = "model_index.json"

    def register_modules(self, **modules: Any) -> None:
        for name, module in modules.items():
            self.register_to_config(**{name: (type(module).__module__, type(module).__name__)})
            setattr(self, name, module)

    @property
    def components(self) -> dict[str, Any]:
        """The modules the constructor takes, by name (``type(pipe)(**pipe.components)`` rebuilds it)."""
        params = inspect.signature(type(self).__init__).parameters
        return {k: getattr(self, k) for k, p in params.items() if k != "self" and p.default is inspect._empty}

    @property
    def parameters(self) -> dict[str, Any]:
        """The constructor's optional arguments from the config (``type(pipe)(**pipe.components,
        **pipe.parameters)`` rebuilds it with its defaults)."""
        params = inspect.signature(type(self).__init__).parameters
        return {
            k: self.config[k]
            for k, p in params.items()
            if p.default is not inspect._empty and k in self.config
        }

    def set_progress_bar_config(self, **kwargs: Any) -> None:
        self._progress_bar_config = kwargs


@dataclass
class _LocalOutput:
    def __getitem__(self, key: int | str) -> Any:
        return self.to_tuple()[key] if isinstance(key, int) else getattr(self, key)

    def to_tuple(self) -> tuple:
        return tuple(getattr(self, f.name) for f in fields(self))


if HAVE_DIFFUSERS:
    _MODEL_BASES: tuple[type, ...] = (ModelMixin, ConfigMixin)
    _SCHEDULER_BASES: tuple[type, ...] = (SchedulerMixin, ConfigMixin)
    _PIPELINE_BASES: tuple[type, ...] = (DiffusionPipeline,)
    _OUTPUT_BASE: type = BaseOutput
else:
    _MODEL_BASES, _SCHEDULER_BASES = (_LocalModelMixin,), (_LocalConfigMixin,)
    _PIPELINE_BASES, _OUTPUT_BASE = (_LocalPipelineMixin,), _LocalOutput


@dataclass
class StepVideoPipelineOutput(_OUTPUT_BASE):
    """``frames``: per prompt (× ``num_videos_per_prompt``) — ``np``: float32 [B, F, H, W, 3] in [0, 1];
    ``pt``: float32 [B, F, 3, H, W] in [0, 1]; ``pil``: B lists of F images; ``latent``: [B, F_lat, C, h, w]."""

    frames: Any


@dataclass
class StepVideoSchedulerOutput(_OUTPUT_BASE):
    """``prev_sample``: the latents after one Euler step (fp32)."""

    prev_sample: torch.Tensor


# -------------------------------------------------------------------------------------- file helpers


def _parse_size(size: int | str) -> int:
    """Bytes from an int or a string such as '5GB', '500MB', '2GiB'."""
    if isinstance(size, int) and not isinstance(size, bool) and size > 0:
        return size
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(i?)B\s*", str(size), re.IGNORECASE)
    if not m:
        raise ValueError(f"max_shard_size must be a byte count or a size like '5GB'; got {size!r}")
    power = "KMGT".find(m.group(2).upper()) + 1 if m.group(2) else 0
    return max(1, int(float(m.group(1)) * (1024 if m.group(3) else 1000) ** power))


@contextmanager
def _replacing_folder(target: str | os.PathLike, marker: str) -> Iterator[Path]:
    """An empty folder beside ``target`` to write into; on success it replaces ``target`` by renames (readers
    never see a half-written folder). An existing ``target`` is only replaced if it is empty or holds
    ``marker`` (a folder this writer made), so unrelated files are never deleted."""
    target = Path(target)
    if target.exists():
        if not target.is_dir():
            raise ValueError(f"cannot save to {target}: it is a file, not a folder")
        if any(target.iterdir()) and not (target / marker).is_file():
            raise ValueError(
                f"cannot save to {target}: the folder is not empty and has no {marker} (not a "
                "folder written by save_pretrained); choose a new or empty folder"
            )
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        yield tmp
        old = target.parent / f"{tmp.name}.old"
        if target.exists():
            os.replace(target, old)
        os.replace(tmp, target)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _jsonable(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


# ---------------------------------------------------------------------------------------- components


class StepVideoTransformer3DModel(*_MODEL_BASES):
    """The Step-Video DiT (:class:`stepvid.models.dit.StepVideoDiT`, as ``.model``) as a diffusers-style model;
    ``config`` holds its DiTConfig fields. Calling it calls the DiT (returns the velocity tensor)."""

    def __init__(self, model: torch.nn.Module) -> None:
        super().__init__()
        self.model = model
        self.register_to_config(**{k: _jsonable(v) for k, v in asdict(model.config).items()})

    def forward(self, *args: Any, **kwargs: Any) -> torch.Tensor:
        return self.model(*args, **kwargs)

    @classmethod
    def from_pretrained(
        cls, path: str | os.PathLike, torch_dtype: torch.dtype | str | None = None, device: str | None = None
    ) -> StepVideoTransformer3DModel:
        """A ``transformer/`` folder (config.json + safetensors shards), headers verified before loading."""
        from stepvid.model_folder import load_transformer

        device = resolve_device(device or "cpu")
        return cls(load_transformer(path, device, parse_dtype(torch_dtype, device)))

    def save_pretrained(self, save_directory: str | os.PathLike, max_shard_size: int | str = "5GB") -> Path:
        """``config.json`` and safetensors shards (+ index) in the released naming, in the current dtype."""
        from stepvid.checkpoints import save_sharded_safetensors

        limit = _parse_size(max_shard_size)
        with _replacing_folder(save_directory, "config.json") as tmp:
            _write_json(tmp / "config.json", dict(self.config))
            state = {k: v.detach().cpu().contiguous() for k, v in self.model.state_dict().items()}
            save_sharded_safetensors(state, tmp, max_shard_bytes=limit)
        return Path(save_directory)


class StepVideoAutoencoder(*_MODEL_BASES):
    """The Video-VAE (:class:`stepvid.models.vae.VideoVAE`, as ``.model``); ``config`` holds its VAEConfig.
    ``encode`` / ``decode`` are the VAE's (tensors in, tensors out)."""

    def __init__(self, model: torch.nn.Module) -> None:
        super().__init__()
        self.model = model
        self.register_to_config(**json.loads(model.config.to_json()))

    def encode(self, *args: Any, **kwargs: Any) -> Any:
        return self.model.encode(*args, **kwargs)

    def decode(self, *args: Any, **kwargs: Any) -> torch.Tensor:
        return self.model.decode(*args, **kwargs)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        return self.model(*args, **kwargs)

    @classmethod
    def from_pretrained(
        cls, path: str | os.PathLike, torch_dtype: torch.dtype | str | None = None, device: str | None = None
    ) -> StepVideoAutoencoder:
        """``vae_v2.safetensors`` (a file, or a folder holding it or ``vae/vae_v2.safetensors``)."""
        from stepvid.models.vae import VideoVAE

        device = resolve_device(device or "cpu")
        vae = VideoVAE.from_pretrained(path, device=device, dtype=parse_dtype(torch_dtype, device))
        return cls(vae.eval().requires_grad_(False))

    def save_pretrained(self, save_directory: str | os.PathLike) -> Path:
        """``vae_v2.safetensors`` (config in its metadata) in ``save_directory`` (atomic)."""
        return self.model.save_pretrained(save_directory)


class StepVideoTextEncoderModel(*_MODEL_BASES):
    """A stepvid text encoder (Step-LLM + Hunyuan-CLIP, or the small bilingual one; as ``.model``).

    ``component``: the model folder's entry it was loaded from (its allow-listed class, path and options),
    which :meth:`save_into` needs to copy the released Step-LLM / Hunyuan-CLIP files."""

    def __init__(self, model: Any, component: Any = None) -> None:
        super().__init__()
        self.model = model
        self.component = component
        self.register_to_config(
            encoder_class=f"{type(model).__module__}:{type(model).__name__}",
            llm_dim=getattr(model, "llm_dim", None),
            clip_dim=getattr(model, "clip_dim", None),
        )

    def encode(self, prompts: list[str], device: torch.device | str | None = None) -> Any:
        return self.model.encode(prompts, device=device)

    def forward(self, prompts: list[str]) -> Any:
        return self.model.encode(prompts)

    @classmethod
    def from_pretrained(
        cls, path: str | os.PathLike, torch_dtype: torch.dtype | str | None = None, device: str | None = None
    ) -> StepVideoTextEncoderModel:
        """A small-encoder folder (``config.json`` of type small-bilingual) or a release root holding
        ``step_llm/`` and ``hunyuan_clip/``, checked like a model folder's text encoder."""
        from stepvid.model_folder import COMPONENT_CLASSES, Component

        root = Path(path)
        name = (
            "stepvid.models.text.step_video:StepVideoTextEncoder"
            if (root / "step_llm").is_dir()
            else "stepvid.models.text.small:SmallBilingualEncoder"
        )
        component = Component(COMPONENT_CLASSES[name], root, {})
        component.info = component.cls.inspect(root, {})
        device = resolve_device(device or "cpu")
        return cls(component.load(device, parse_dtype(torch_dtype, device)), component)

    def save_into(self, root: Path) -> dict[str, Any]:
        """Write this encoder's files into a model folder ``root``; returns its ``stepvid.json`` entry.

        The small encoder is written from memory. Step-LLM and Hunyuan-CLIP are frozen in stepvid, so their
        files are copied from the folder they were loaded from, with the released CLIP pickle converted to
        ``model.safetensors`` (read by torch's weights-only unpickler) and no other pickle copied."""
        from stepvid.models.text.small import SmallBilingualEncoder

        if isinstance(self.model, SmallBilingualEncoder):
            dtype = next(self.model.parameters()).dtype
            self.model.save_pretrained(root / "text_encoder", dtype=dtype)
            return {"class": "stepvid.models.text.small:SmallBilingualEncoder", "path": "text_encoder"}
        source = getattr(self.component, "path", None)
        if type(self.model).__name__ != "StepVideoTextEncoder" or source is None:
            raise ValueError(
                f"cannot save a {type(self.model).__name__} text encoder: save_pretrained writes the small "
                "encoder from memory and copies Step-LLM / Hunyuan-CLIP from the folder they were loaded from"
            )
        _copy_step_text_encoder(Path(source), root)
        entry: dict[str, Any] = {"class": "stepvid.models.text.step_video:StepVideoTextEncoder", "path": "."}
        options = {k: v for k, v in (self.component.options or {}).items() if k != "config"}
        return {**entry, "kwargs": options} if options else entry


def _copy_step_text_encoder(source: Path, root: Path) -> None:
    from safetensors.torch import save_file

    from stepvid.models.text.hunyuan_clip import clip_weights_file, load_clip_state_dict

    for sub in ("step_llm", "hunyuan_clip"):
        for src in sorted((source / sub).rglob("*")):
            if src.is_dir() or src.suffix.lower() in _PICKLE_SUFFIXES:
                continue
            dst = root / sub / src.relative_to(source / sub)
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    clip_dir = source / "hunyuan_clip" / "clip_text_encoder"
    if clip_weights_file(clip_dir).suffix != ".safetensors":
        state = {k: v.detach().clone().contiguous() for k, v in load_clip_state_dict(clip_dir).items()}
        save_file(state, str(root / "hunyuan_clip" / "clip_text_encoder" / "model.safetensors"))


class StepVideoFlowScheduler(*_SCHEDULER_BASES):
    """Step-Video's flow-matching Euler sampler as a scheduler (``config.shift``).

    ``set_timesteps(n)`` sets ``timesteps`` to the model times tau of :func:`stepvid.diffusion.sampler.
    flow_schedule` (0 = noise, 1 = data; the DiT takes tau and scales it itself); ``step(v, t, x)`` is the Euler
    update ``x + v * (tau[i+1] - tau[i])`` in fp32 — the sampler's arithmetic exactly. The pipeline samples
    with this schedule and shift; the class is for loops written by hand."""

    order = 1
    init_noise_sigma = 1.0

    def __init__(self, shift: float = 13.0) -> None:
        if isinstance(shift, bool) or not isinstance(shift, (int, float)) or not shift > 0:
            raise ValueError(f"shift must be a number > 0; got {shift!r}")
        self.register_to_config(shift=float(shift))
        self.timesteps: torch.Tensor | None = None
        self._tau: torch.Tensor | None = None
        self._step_index = 0

    def set_timesteps(self, num_inference_steps: int, device: torch.device | str | None = None) -> None:
        self._tau = flow_schedule(num_inference_steps, self.config.shift)
        self.timesteps = self._tau[:-1].to(device or "cpu")
        self.num_inference_steps, self._step_index = int(num_inference_steps), 0

    def scale_model_input(self, sample: torch.Tensor, timestep: Any = None) -> torch.Tensor:
        return sample

    def step(
        self,
        model_output: torch.Tensor,
        timestep: float | torch.Tensor,
        sample: torch.Tensor,
        return_dict: bool = True,
    ) -> StepVideoSchedulerOutput | tuple[torch.Tensor]:
        if self._tau is None:
            raise RuntimeError("call set_timesteps(num_inference_steps) before step()")
        i = self._step_index
        if i >= len(self._tau) - 1:
            raise RuntimeError(f"all {len(self._tau) - 1} steps are done; call set_timesteps again")
        t = float(torch.as_tensor(timestep).flatten()[0])
        if t != float(self._tau[i]):
            raise ValueError(f"step {i} expects timestep {float(self._tau[i])!r}; got {t!r}")
        dt = self._tau[i + 1] - self._tau[i]
        prev = sample.to(torch.float32) + model_output.to(torch.float32) * dt.to(sample.device)
        self._step_index = i + 1
        return StepVideoSchedulerOutput(prev_sample=prev) if return_dict else (prev,)


# ------------------------------------------------------------------------------------------ the pipeline


class _Interrupted(Exception):
    def __init__(self, latents: torch.Tensor) -> None:
        super().__init__("interrupted")
        self.latents = latents


def _non_default(defaults: GenerationDefaults) -> dict[str, Any]:
    """The fields that differ from the official values (what ``stepvid.json`` needs to say)."""
    return {
        f.name: getattr(defaults, f.name) for f in fields(defaults) if getattr(defaults, f.name) != f.default
    }


class StepVideoPipeline(*_PIPELINE_BASES):
    """Text → video with diffusers' calling conventions (see the module docstring).

    ``defaults`` (``config.defaults``): the model folder's generation defaults (frames, size, steps, guidance,
    fps, positive suffix, negative prompt, prompt rewriter), used for every argument left None; the shift is
    the scheduler's. ``llm_rewriter``: an optional LLM stage before the model's prompt rewriter
    (:class:`stepvid.llm_rewrite.LLMRewriter`; None = off)."""

    model_cpu_offload_seq = "text_encoder->transformer->vae"
    _callback_tensor_inputs: ClassVar[list[str]] = ["latents"]
    _optional_components: ClassVar[list[str]] = []

    def __init__(
        self,
        transformer: StepVideoTransformer3DModel,
        vae: StepVideoAutoencoder,
        text_encoder: StepVideoTextEncoderModel,
        scheduler: StepVideoFlowScheduler,
        defaults: dict[str, Any] | None = None,
    ) -> None:
        super().__init__()
        for name, value, cls in (
            ("transformer", transformer, StepVideoTransformer3DModel),
            ("vae", vae, StepVideoAutoencoder),
            ("text_encoder", text_encoder, StepVideoTextEncoderModel),
            ("scheduler", scheduler, StepVideoFlowScheduler),
        ):
            if not isinstance(value, cls):
                raise TypeError(
                    f"{name} must be a {cls.__name__} (stepvid.diffusers_api); got {type(value).__name__}"
                )
        self.register_modules(
            transformer=transformer, vae=vae, text_encoder=text_encoder, scheduler=scheduler
        )
        base = GenerationDefaults.from_dict(dict(defaults or {}), "defaults")
        self.register_to_config(defaults=_non_default(base))
        self.llm_rewriter: Any = None
        # the model folder it was loaded from (save_pretrained carries its model card over)
        self.source: Path | None = None
        self.name: str | None = None
        self._execution_device_ = transformer.device
        self._offload = "none"
        self._interrupt = False

    # -- loading and saving -----------------------------------------------------------------------------
    @classmethod
    def from_pretrained(
        cls,
        pretrained_model_name_or_path: str | os.PathLike = "bundled",
        *,
        torch_dtype: torch.dtype | str | None = None,
        device_map: str | torch.device | None = None,
        use_safetensors: bool | None = None,
        **components: Any,
    ) -> StepVideoPipeline:
        """Load a stepvid model folder (official layout or ``stepvid.json``), or ``"bundled"``: the model
        shipped in the package. ``torch_dtype``: DiT, VAE and text-encoder output dtype (default fp32, like
        diffusers). ``device_map``: None (CPU; move with ``.to``) or one device ("cuda", "cuda:1"), loaded there
        directly. Components passed by name (``transformer=``, ``vae=``, ``text_encoder=``, ``scheduler=``)
        replace the folder's. Nothing is downloaded and nothing in the folder is run."""
        from stepvid.pipeline_cli import bundled_model_dir

        unknown = sorted(set(components) - {"transformer", "vae", "text_encoder", "scheduler"})
        if unknown:
            raise TypeError(
                f"from_pretrained() got unexpected argument(s) {unknown}; accepted: torch_dtype, "
                "device_map, use_safetensors, transformer, vae, text_encoder, scheduler"
            )
        if use_safetensors is False:
            raise ValueError("use_safetensors=False: stepvid loads safetensors only")
        if isinstance(device_map, str) and device_map in ("auto", "balanced", "sequential"):
            raise ValueError(
                f"device_map={device_map!r} is not supported: pass one device (e.g. 'cuda'), or "
                "load on the CPU and call .to(device) or enable_model_cpu_offload()"
            )
        if str(pretrained_model_name_or_path) == "bundled":
            root = bundled_model_dir()
            if root is None:
                raise FileNotFoundError("this install has no bundled model (stepvid/bundled/)")
        else:
            root = Path(pretrained_model_name_or_path)
            if not root.is_dir():
                raise FileNotFoundError(
                    f"model folder not found: {root} (stepvid loads local folders only; download a release first, "
                    "e.g. huggingface-cli download stepfun-ai/stepvideo-t2v --local-dir DIR)"
                )
        device = resolve_device(device_map or "cpu")
        dtype = parse_dtype(torch_dtype, device)
        given = {k: v for k, v in components.items() if v is not None}
        plan = plan_model(root, with_text_encoder="text_encoder" not in given)
        parts: dict[str, Any] = {}
        for role, adapter in (("transformer", StepVideoTransformer3DModel), ("vae", StepVideoAutoencoder)):
            comp = given.get(role)
            parts[role] = comp if comp is not None else adapter(plan.components[role].load(device, dtype))
        if "text_encoder" in given:
            parts["text_encoder"] = given["text_encoder"]
        else:
            comp = plan.components["text_encoder"]
            parts["text_encoder"] = StepVideoTextEncoderModel(comp.load(device, dtype), comp)
        parts["scheduler"] = given.get("scheduler") or StepVideoFlowScheduler(shift=plan.defaults.shift)
        pipe = cls(**parts, defaults=_non_default(plan.defaults))
        pipe.source, pipe.name = root, plan.name
        pipe._execution_device_ = device
        return pipe

    def save_pretrained(
        self,
        save_directory: str | os.PathLike,
        safe_serialization: bool = True,
        max_shard_size: int | str = "5GB",
        push_to_hub: bool = False,
    ) -> Path:
        """Write a stepvid model folder — ``stepvid.json``, ``transformer/`` (config + safetensors shards),
        ``vae/vae_v2.safetensors``, the text encoder — into a temporary folder beside ``save_directory``, then
        rename it into place. Weights are saved in their current dtype; loading the folder again with the same
        ``torch_dtype`` gives bit-equal weights. Top-level ``*.md`` / ``LICENSE*`` files of the source folder
        are carried over."""
        if not safe_serialization:
            raise ValueError("safe_serialization=False: stepvid writes safetensors only")
        if push_to_hub:
            raise ValueError(
                "push_to_hub: stepvid does not upload; save locally and upload the folder yourself"
            )
        with _replacing_folder(save_directory, DESCRIPTION_FILE) as tmp:
            self.transformer.save_pretrained(tmp / "transformer", max_shard_size=max_shard_size)
            self.vae.save_pretrained(tmp / "vae" / "vae_v2.safetensors")
            text = self.text_encoder.save_into(tmp)
            description = {
                "name": getattr(self, "name", None) or Path(save_directory).name,
                "format": 1,
                "notes": "written by stepvid.diffusers_api.StepVideoPipeline.save_pretrained",
                "transformer": {"path": "transformer"},
                "vae": {"path": "vae/vae_v2.safetensors"},
                "text_encoder": text,
                "defaults": _non_default(self.defaults),
            }
            if self.source is not None:
                for f in sorted(Path(self.source).iterdir()):
                    if f.is_file() and (f.suffix.lower() == ".md" or f.name.upper().startswith("LICENSE")):
                        shutil.copy2(f, tmp / f.name)
            _write_json(tmp / DESCRIPTION_FILE, description)
        return Path(save_directory)

    # -- placement ----------------------------------------------------------------------------------------
    @property
    def defaults(self) -> GenerationDefaults:
        """The generation defaults, with the scheduler's shift."""
        d = GenerationDefaults.from_dict(dict(self.config["defaults"]), "defaults")
        d.shift = float(self.scheduler.config.shift)
        return d

    @property
    def device(self) -> torch.device:
        """Where generation runs (with model offload the components wait on the CPU)."""
        return self._execution_device_

    @property
    def _execution_device(self) -> torch.device:
        return self._execution_device_

    @property
    def dtype(self) -> torch.dtype:
        return self.transformer.dtype

    def _modules(self) -> list[torch.nn.Module]:
        return [m for m in (self.transformer, self.vae, self.text_encoder) if isinstance(m, torch.nn.Module)]

    def to(self, *args: Any, **kwargs: Any) -> StepVideoPipeline:
        """``to(device)``, ``to(dtype)``, ``to(device, dtype)`` or keywords. A device moves every component
        there (and ends model offload); a dtype casts the DiT and the VAE (text encoders keep theirs: the
        released CLIP computes in fp32)."""
        device, dtype = kwargs.pop("device", None), kwargs.pop("dtype", None)
        kwargs.pop("silence_dtype_warnings", None)
        if kwargs:
            raise TypeError(f"to() got unexpected argument(s) {sorted(kwargs)}")
        for a in args:
            if isinstance(a, torch.dtype):
                dtype = a
            elif a is not None:
                device = a
        if device is not None or dtype is not None:
            self._check_not_streamed("to()")
        if device is not None:
            self._execution_device_ = resolve_device(device)
            self._offload = "none"
            for m in self._modules():
                m.to(self._execution_device_)
        if dtype is not None:
            for m in (self.transformer, self.vae):
                m.to(dtype)
        return self

    def _offload_device(self, method: str, gpu_id: int | None, device: torch.device | str | None) -> torch.device:
        """The accelerator an offload mode runs on: ``device``, else ``cuda:{gpu_id or 0}``."""
        if device is None:
            if not torch.cuda.is_available():
                raise ValueError(
                    f"{method}() moves weights to an accelerator while they run, and this machine has no CUDA "
                    "device; pass device='cpu' to run the same schedule on the CPU"
                )
            device = f"cuda:{gpu_id or 0}"
        return resolve_device(device)

    @property
    def _streamed(self) -> bool:
        """Whether the DiT's blocks are streamed from host memory (the model's own state, not a flag here)."""
        return getattr(self.transformer.model, "block_streamer", None) is not None

    def _check_not_streamed(self, what: str) -> None:
        if self._streamed:
            raise ValueError(f"{what}: the DiT's blocks are streamed from host memory "
                             "(enable_sequential_cpu_offload); load the pipeline again to place it otherwise")

    def enable_model_cpu_offload(
        self, gpu_id: int | None = None, device: torch.device | str | None = None
    ) -> None:
        """Keep every component on the CPU and move each to ``device`` only while it runs (stepvid's
        ``offload="model"``): peak accelerator memory is the largest component, not their sum. ``device``
        defaults to ``cuda:{gpu_id or 0}``; ``device="cpu"`` runs the same schedule without an accelerator."""
        self._check_not_streamed("enable_model_cpu_offload()")
        self._execution_device_ = self._offload_device("enable_model_cpu_offload", gpu_id, device)
        self._offload = "model"
        for m in self._modules():
            m.to("cpu")

    def enable_sequential_cpu_offload(
        self, gpu_id: int | None = None, device: torch.device | str | None = None
    ) -> None:
        """stepvid's ``offload="blocks"``: the DiT's transformer blocks wait packed in pinned host memory and each
        is copied to ``device`` just before it runs (the next one on a side stream while the current computes);
        the DiT's other weights stay on ``device``, the text encoder and the VAE wait on the CPU and move only
        while they run. Output is bit-identical to the resident model. Irreversible for this pipeline object:
        ``to(device)`` afterwards is refused (load the pipeline again)."""
        from stepvid.models.streaming import stream_blocks

        dev = self._offload_device("enable_sequential_cpu_offload", gpu_id, device)
        if not self._streamed:
            for m in (self.vae, self.text_encoder):
                if isinstance(m, torch.nn.Module):
                    m.to("cpu")
            stream_blocks(self.transformer.model, dev)
        elif dev != self._execution_device_:  # streamed already: to that device only
            self._check_not_streamed(f"enable_sequential_cpu_offload(device={str(dev)!r})")
        self._execution_device_ = dev
        self._offload = "blocks"

    # -- generation -----------------------------------------------------------------------------------------
    @property
    def interrupt(self) -> bool:
        return self._interrupt

    @property
    def num_timesteps(self) -> int:
        return getattr(self, "_num_timesteps", 0)

    @property
    def guidance_scale(self) -> float | None:
        return getattr(self, "_guidance_scale", None)

    def engine(self) -> TextToVideoPipeline:
        """The :class:`TextToVideoPipeline` over the current components, placement and defaults."""
        engine = TextToVideoPipeline(
            self.transformer.model,
            self.vae.model,
            self.text_encoder.model,
            device=self._execution_device_,
            dtype=self.dtype,
            defaults=self.defaults,
            offload=self._offload,
        )
        engine.llm_rewriter = self.llm_rewriter
        return engine

    def _noise(
        self, rows: int, shape: tuple[int, ...], generator: Any, latents: torch.Tensor | None
    ) -> torch.Tensor:
        """Initial latents [rows, ...]: ``latents`` as given, else one draw per video from its generator
        (one generator: consecutive draws; a list: one each; None: torch's global generator), fp32 on the
        generator's device, then moved — a CPU generator seeded with s gives ``seed=s``'s noise."""
        full = (rows, *shape[1:])
        if latents is not None:
            if tuple(latents.shape) != full:
                raise ValueError(f"latents must have shape {list(full)}; got {list(latents.shape)}")
            return latents.to(device=self._execution_device_, dtype=torch.float32)
        if isinstance(generator, (list, tuple)):
            if len(generator) != rows:
                raise ValueError(
                    f"got {len(generator)} generators for {rows} videos; pass one, or one per video"
                )
            gens = list(generator)
        else:
            gens = [generator] * rows
        draws = []
        for g in gens:
            if g is not None and not isinstance(g, torch.Generator):
                raise TypeError(
                    f"generator must be a torch.Generator or a list of them; got {type(g).__name__}"
                )
            dev = g.device if g is not None else torch.device("cpu")
            draws.append(
                torch.randn(shape, generator=g, device=dev, dtype=torch.float32).to(self._execution_device_)
            )
        return torch.cat(draws)

    @torch.no_grad()
    def __call__(
        self,
        prompt: str | list[str] | None = None,
        negative_prompt: str | list[str] | None = None,
        num_frames: int | None = None,
        height: int | None = None,
        width: int | None = None,
        num_inference_steps: int | None = None,
        guidance_scale: float | None = None,
        num_videos_per_prompt: int = 1,
        generator: torch.Generator | list[torch.Generator] | None = None,
        latents: torch.Tensor | None = None,
        output_type: str = "np",
        return_dict: bool = True,
        callback_on_step_end: Callable[[Any, int, torch.Tensor, dict], dict] | None = None,
        callback_on_step_end_tensor_inputs: Sequence[str] = ("latents",),
        prompt_rewrite: str | None = None,
        positive_suffix: str | None = None,
    ) -> StepVideoPipelineOutput | tuple:
        """Generate ``num_videos_per_prompt`` videos per prompt (one DiT batch); unset arguments take the
        model's defaults. ``guidance_scale`` 1 turns classifier-free guidance off. ``callback_on_step_end(pipe,
        i, timestep, {"latents": x})`` runs after each step (timestep = the model time tau, 0 = noise) and may
        return ``{"latents": ...}`` to replace them; set ``pipe._interrupt = True`` in it to stop sampling and
        decode the current latents. ``prompt_rewrite`` / ``positive_suffix``: as in TextToVideoPipeline."""
        prompts = [prompt] if isinstance(prompt, str) else list(prompt or [])
        if not prompts or not all(isinstance(p, str) for p in prompts):
            raise ValueError("prompt must be a string or a non-empty list of strings")
        if output_type not in OUTPUT_TYPES:
            raise ValueError(f"output_type must be one of {', '.join(OUTPUT_TYPES)}; got {output_type!r}")
        if (
            isinstance(num_videos_per_prompt, bool)
            or not isinstance(num_videos_per_prompt, int)
            or num_videos_per_prompt < 1
        ):
            raise ValueError(f"num_videos_per_prompt must be an integer >= 1; got {num_videos_per_prompt!r}")
        if isinstance(negative_prompt, (list, tuple)):
            if len(set(negative_prompt)) > 1:
                raise ValueError("one negative prompt per call: the batch shares it (got different ones)")
            negative_prompt = negative_prompt[0] if negative_prompt else None
        unknown = sorted(set(callback_on_step_end_tensor_inputs) - set(self._callback_tensor_inputs))
        if unknown:
            raise ValueError(
                f"callback_on_step_end_tensor_inputs {unknown} are not available; "
                f"choose from {self._callback_tensor_inputs}"
            )
        engine = self.engine()
        if getattr(engine, "image_conditioned", False):
            raise ValueError(
                "this is an image-to-video model: use stepvid.pipeline.TextToVideoPipeline(image=...)"
            )
        texts = {p: engine.rewrite(p, prompt_rewrite).text for p in dict.fromkeys(prompts)}
        rows = [texts[p] for p in prompts for _ in range(num_videos_per_prompt)]
        # the engine's own defaults-and-checks step, so every argument means what it means there
        r = engine._settings(
            rows,
            num_frames,
            height,
            width,
            num_inference_steps,
            guidance_scale,
            None,
            False,
            positive_suffix,
            negative_prompt,
        )
        f = engine.spatial_factor
        shape = (1, num_latent_frames(r.num_frames), engine.latent_channels, r.height // f, r.width // f)
        x = self._noise(len(rows), shape, generator, latents)
        engine.warn_if_cut([t + r.suffix for t in rows], r.negative if r.guided else None)
        emb = engine.encode_prompts([t + r.suffix for t in rows], r.negative, r.guided)
        self._guidance_scale, self._num_timesteps, self._interrupt = r.cfg, r.steps, False
        tau = flow_schedule(r.steps, r.shift)

        def on_step(i: int, t: float, state: torch.Tensor) -> None:
            if callback_on_step_end is not None:
                given = {"latents": state}
                out = callback_on_step_end(
                    self, i, tau[i], {k: given[k] for k in callback_on_step_end_tensor_inputs}
                )
                new = (out or {}).get("latents")
                if new is not None:
                    if new.shape != state.shape:
                        raise ValueError(
                            f"callback returned latents of shape {list(new.shape)}; expected "
                            f"{list(state.shape)}"
                        )
                    state.copy_(new)
            if self._interrupt:
                raise _Interrupted(state)

        show = not getattr(self, "_progress_bar_config", {}).get("disable", False)
        try:
            x = engine.denoise(
                x, emb, r.steps, r.cfg if r.guided else None, r.shift, callback=on_step, progress=show
            )
        except _Interrupted as stop:
            x = stop.latents
        if output_type == "latent":
            frames: Any = x
        else:
            video = engine.decode_batch(x, progress=show, batch_size=1)
            frames = _convert([postprocess_video(v.float()) for v in video], output_type)
        return StepVideoPipelineOutput(frames=frames) if return_dict else (frames,)


def _convert(videos: list[np.ndarray], output_type: str) -> Any:
    """uint8 [F, H, W, 3] videos → diffusers' output types (floats are uint8 / 255, exact both ways)."""
    if output_type == "pil":
        from stepvid.optional import require

        image = require("PIL.Image", "data", "output_type='pil'")
        return [[image.fromarray(f) for f in v] for v in videos]
    stacked = np.stack(videos).astype(np.float32) / np.float32(255)
    if output_type == "np":
        return stacked
    return torch.from_numpy(stacked).permute(0, 1, 4, 2, 3).contiguous()
