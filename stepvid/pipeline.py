"""TextToVideoPipeline: prompt → text states → latents (flow sampler + DiT) → VAE frames → uint8 video.

Folder layouts (``TextToVideoPipeline.from_pretrained(DIR)``):

* the official release (``stepfun-ai/stepvideo-t2v``): ``transformer/`` (config.json + sharded safetensors
  + index), ``vae/vae_v2.safetensors``, ``step_llm/``, ``hunyuan_clip/``;
* any layout described by a ``stepvid.json`` next to it, which names each component's class, sub-path and
  options, plus generation defaults — so a different :class:`TextEncoder` (e.g. the bundled model's small
  bilingual encoder) plugs in without code changes::

      {"transformer": {"path": "transformer"},
       "vae": {"path": "vae/vae_v2.safetensors", "config": "tiny"},
       "text_encoder": {"class": "stepvid.models.text.small:SmallBilingualEncoder", "path": "text_encoder"},
       "defaults": {"num_frames": 17, "height": 256, "width": 256, "steps": 30, "cfg": 6.0, "shift": 7.0,
                    "fps": 25, "positive_suffix": "", "negative_prompt": ""}}

  Every key is optional; missing ones take the official values. ``class`` is ``module:Class`` of an
  installed package (nothing is imported from the model folder); the class must have ``from_pretrained``.
"""

from __future__ import annotations

import importlib
import inspect
import os
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Literal

import numpy as np
import torch

from stepvid.checkpoints import empty_weights, load_sharded_safetensors, read_config_json
from stepvid.diffusion.sampler import (
    NEGATIVE_PROMPT,
    POSITIVE_SUFFIX,
    flow_schedule,
    initial_noise,
    sample_euler,
)
from stepvid.models.text.base import TextEmbeddings, TextEncoder
from stepvid.models.vae import to_uint8

__all__ = [
    "GenerationDefaults",
    "TextToVideoPipeline",
    "check_generation_args",
    "crop_540x960",
    "dit_config_from_json",
    "load_transformer",
    "postprocess_video",
]

DESCRIPTION_FILE = "stepvid.json"
FRAMES_PER_CHUNK = 17  # VAE: 17 pixel frames <-> 3 latent frames per independent chunk (spec §3.7)
LATENTS_PER_CHUNK = 3
Offload = Literal["none", "text", "model"]


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

    @classmethod
    def from_dict(cls, d: dict[str, Any], source: str = "defaults") -> GenerationDefaults:
        known = {f.name for f in fields(cls)}
        bad = sorted(set(d) - known)
        if bad:
            raise ValueError(f"{source}: unknown generation default(s) {bad}; valid: {sorted(known)}")
        return cls(**d)


# ------------------------------------------------------------------------------------------------ checks


def _nearest(n: int, step: int) -> str:
    lo, hi = n // step * step, (n // step + 1) * step
    return " or ".join(str(v) for v in (lo, hi) if v > 0)


def check_generation_args(
    prompt: str, num_frames: int, height: int, width: int, steps: int, spatial: int = 16
) -> None:
    """Raise ValueError naming the problem for inputs the model cannot generate."""
    if not isinstance(prompt, str) or not prompt.strip():
        raise ValueError("prompt is empty; describe the video to generate")
    for name, v in (("height", height), ("width", width)):
        if int(v) != v or v < spatial or v % spatial:
            raise ValueError(
                f"{name} {v} is not a positive multiple of {spatial} (nearest: {_nearest(int(v), spatial)})"
            )
    if int(num_frames) != num_frames or num_frames < 1 or (num_frames != 1 and num_frames % FRAMES_PER_CHUNK):
        raise ValueError(
            f"num_frames {num_frames} does not fit the {FRAMES_PER_CHUNK}-frame chunking; use 1 (an image) or a "
            f"multiple of {FRAMES_PER_CHUNK} (nearest: {_nearest(int(num_frames), FRAMES_PER_CHUNK)})"
        )
    if int(steps) != steps or steps < 1:
        raise ValueError(f"steps must be an integer >= 1; got {steps}")


def num_latent_frames(num_frames: int) -> int:
    """Spec §7: ``max(num_frames // 17 * 3, 1)``."""
    return max(num_frames // FRAMES_PER_CHUNK * LATENTS_PER_CHUNK, 1)


# ------------------------------------------------------------------------------------------ post-processing


def postprocess_video(video: torch.Tensor, crop: bool = False) -> np.ndarray:
    """Decoded video [T, 3, H, W] (≈[-1, 1]) → uint8 [T, H, W, 3] (spec §9).

    ``(clamp(x, -1, 1) + 1) * 127.5``, clamp to [0, 255], truncate to uint8 — computed in ``video``'s dtype
    (pass bf16 to match the official numerics). ``crop=True`` applies the official 540×960 centre crop.
    """
    if video.ndim != 4 or video.shape[1] != 3:
        raise ValueError(f"video must be [T, 3, H, W]; got {list(video.shape)}")
    x = to_uint8(video.detach().cpu())
    frames = x.permute(0, 2, 3, 1).numpy()
    return np.ascontiguousarray(crop_540x960(frames) if crop else frames)


def crop_540x960(frames: np.ndarray) -> np.ndarray:
    """Official centre crop: 540×960 for landscape frames, 960×540 for portrait, square ones untouched."""
    _, h, w, _ = frames.shape
    if w == h:
        return frames
    ch, cw = (540, 960) if w > h else (960, 540)
    if h < ch or w < cw:
        raise ValueError(f"cannot centre-crop {h}x{w} frames to {ch}x{cw}: frames are smaller than the crop")
    top, left = h // 2 - ch // 2, w // 2 - cw // 2
    return frames[:, top : top + ch, left : left + cw]


# ------------------------------------------------------------------------------------------------ loading

_OFFICIAL_DIT_FIELDS_WITHOUT_EFFECT = {"dropout", "norm_type", "norm_elementwise_affine", "attention_type"}


def dit_config_from_json(raw: dict[str, Any], source: str = "config.json"):
    """DiTConfig from a released ``transformer/config.json`` (official field names; stepvid's extra
    DiTConfig fields are accepted too). ``use_additional_conditions`` maps to the TI2V motion-score embedder."""
    from stepvid.models.dit import DiTConfig

    known = {f.name for f in fields(DiTConfig)}
    kw: dict[str, Any] = {}
    for key, value in raw.items():
        if key.startswith("_") or key in _OFFICIAL_DIT_FIELDS_WITHOUT_EFFECT:
            continue
        if key == "use_additional_conditions":
            kw["motion_score_embedder"] = bool(value)
        elif key in known:
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


def _import(spec: str) -> Any:
    module, _, name = spec.partition(":")
    if not module or not name:
        raise ValueError(f"component class must be 'package.module:Class'; got {spec!r}")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"cannot import component class {spec!r}: {exc}") from exc


def _call_from_pretrained(cls: Any, path: Path, **kwargs: Any) -> Any:
    """``cls.from_pretrained(path, **kwargs)``, passing only the keyword arguments it accepts."""
    fn = getattr(cls, "from_pretrained", None)
    if fn is None:
        raise ValueError(f"{cls.__name__} has no from_pretrained(); cannot load it from {path}")
    params = inspect.signature(fn).parameters
    if not any(p.kind is p.VAR_KEYWORD for p in params.values()):
        kwargs = {k: v for k, v in kwargs.items() if k in params}
    return fn(path, **kwargs)


def _move(obj: Any, device: torch.device) -> None:
    if hasattr(obj, "to"):
        obj.to(device)


_DTYPES = {
    "float32": torch.float32,
    "fp32": torch.float32,
    "bfloat16": torch.bfloat16,
    "bf16": torch.bfloat16,
    "float16": torch.float16,
    "fp16": torch.float16,
}


def parse_dtype(name: str | torch.dtype | None, device: torch.device) -> torch.dtype:
    """'auto' (bf16 on CUDA, fp32 elsewhere), a name like 'bf16', or a torch.dtype."""
    if isinstance(name, torch.dtype):
        return name
    if name in (None, "auto"):
        return torch.bfloat16 if device.type == "cuda" else torch.float32
    if name not in _DTYPES:
        raise ValueError(f"unknown dtype {name!r}; choose from auto, {', '.join(sorted(_DTYPES))}")
    return _DTYPES[name]


def default_device() -> torch.device:
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


# ------------------------------------------------------------------------------------------------ pipeline


@dataclass
class _Settings:
    """One generation call's resolved arguments (defaults filled in)."""

    num_frames: int
    height: int
    width: int
    steps: int
    cfg: float | Sequence[float]
    shift: float
    suffix: str
    negative: str
    guided: bool = True


class TextToVideoPipeline:
    """Composes a text encoder, the DiT and the VAE with the flow sampler.

    offload: "none" keeps everything on ``device``; "text" keeps the text encoder on the CPU except while
    encoding; "model" does that for every component (each is on ``device`` only while it runs) — slower,
    but the 39 GB Step-LLM and the 58 GB DiT never share the accelerator.
    """

    def __init__(
        self,
        transformer: torch.nn.Module,
        vae: torch.nn.Module,
        text_encoder: TextEncoder,
        device: torch.device | str = "cpu",
        dtype: torch.dtype = torch.float32,
        defaults: GenerationDefaults | None = None,
        offload: Offload = "none",
    ) -> None:
        if offload not in ("none", "text", "model"):
            raise ValueError(f"offload must be 'none', 'text' or 'model'; got {offload!r}")
        self.transformer, self.vae, self.text_encoder = transformer, vae, text_encoder
        self.device, self.dtype = torch.device(device), dtype
        self.defaults = defaults or GenerationDefaults()
        self.offload = offload
        self._check_compatible()

    # -- construction -----------------------------------------------------------------------------------
    @classmethod
    def from_pretrained(
        cls,
        path: str | os.PathLike,
        device: torch.device | str | None = None,
        dtype: torch.dtype | str | None = None,
        offload: Offload = "none",
        text_encoder: TextEncoder | None = None,
        transformer_path: str | os.PathLike | None = None,
    ) -> TextToVideoPipeline:
        """Load a checkpoint folder (official layout, or one described by ``stepvid.json``).

        device: default CUDA if available, else CPU. dtype: default bf16 on CUDA, fp32 on CPU (DiT, VAE and
        the text encoder's output). text_encoder: use this encoder instead of loading one.
        transformer_path: a DiT folder (or a release root holding ``transformer/``) replacing the model's own,
        e.g. the Turbo release, which ships only a DiT and reuses the base model's VAE and text encoders.
        """
        root = Path(path)
        if not root.is_dir():
            raise FileNotFoundError(f"model folder not found: {root}")
        device = torch.device(device) if device is not None else default_device()
        dtype = parse_dtype(dtype, device)
        desc: dict[str, Any] = {}
        if (root / DESCRIPTION_FILE).is_file():
            desc = read_config_json(root / DESCRIPTION_FILE, "model description")
        elif not (root / "transformer").is_dir():
            raise FileNotFoundError(
                f"{root} is not a stepvid model folder: it has neither {DESCRIPTION_FILE} nor a transformer/ folder"
            )
        unknown = sorted(
            set(desc) - {"transformer", "vae", "text_encoder", "defaults", "format", "name", "notes"}
        )
        if unknown:
            raise ValueError(f"{root / DESCRIPTION_FILE}: unknown section(s) {unknown}")
        load_device = torch.device("cpu") if offload == "model" else device
        # Resolve everything cheap first, so a bad description fails before any weights are read.
        defaults = GenerationDefaults.from_dict(
            desc.get("defaults", {}), f"{root / DESCRIPTION_FILE}: defaults"
        )
        t_spec = {"path": "transformer", **desc.get("transformer", {})}
        if transformer_path is not None:
            tp = Path(transformer_path)
            tp = (
                tp / "transformer"
                if not (tp / "config.json").is_file() and (tp / "transformer").is_dir()
                else tp
            )
            if not (tp / "config.json").is_file():
                raise FileNotFoundError(f"transformer folder {tp} has no config.json")
            t_spec = {**t_spec, "path": tp.resolve()}
        v_spec = {
            "class": "stepvid.models.vae:VideoVAE",
            "path": "vae/vae_v2.safetensors",
            **desc.get("vae", {}),
        }
        e_spec = {
            "class": "stepvid.models.text.step_video:StepVideoTextEncoder",
            "path": ".",
            **desc.get("text_encoder", {}),
        }
        t_cls = _import(t_spec["class"]) if "class" in t_spec else None
        v_cls = _import(v_spec["class"])
        e_cls = _import(e_spec["class"]) if text_encoder is None else None

        if t_cls is not None:
            transformer = _call_from_pretrained(
                t_cls, root / t_spec["path"], device=load_device, dtype=dtype, **t_spec.get("kwargs", {})
            )
        else:
            transformer = load_transformer(root / t_spec["path"], device=load_device, dtype=dtype)

        vae_kwargs = dict(v_spec.get("kwargs", {}))
        if "config" in v_spec:  # a preset name; by default the architecture comes from the file
            vae_kwargs["config"] = v_spec["config"]
        vae = _call_from_pretrained(
            v_cls, root / v_spec["path"], device=load_device, dtype=dtype, **vae_kwargs
        )
        vae.eval().requires_grad_(False)

        if text_encoder is None:
            text_device = torch.device("cpu") if offload in ("text", "model") else device
            text_encoder = _call_from_pretrained(
                e_cls, root / e_spec["path"], device=text_device, dtype=dtype, **e_spec.get("kwargs", {})
            )
        if not isinstance(text_encoder, TextEncoder):
            raise TypeError(f"{type(text_encoder).__name__} does not implement the TextEncoder protocol")
        return cls(
            transformer, vae, text_encoder, device=device, dtype=dtype, defaults=defaults, offload=offload
        )

    def _check_compatible(self) -> None:
        cfg = getattr(self.transformer, "config", None)
        vcfg = getattr(self.vae, "config", None)
        if cfg is None or vcfg is None:
            return
        if cfg.in_channels != vcfg.z_channels or cfg.out_channels != vcfg.z_channels:
            raise ValueError(
                f"DiT in/out channels {cfg.in_channels}/{cfg.out_channels} do not match the VAE's "
                f"{vcfg.z_channels} latent channels"
            )
        llm_dim, clip_dim = cfg.caption_channels
        enc = self.text_encoder
        if (getattr(enc, "llm_dim", llm_dim), getattr(enc, "clip_dim", clip_dim)) != (llm_dim, clip_dim):
            raise ValueError(
                f"text encoder dims (llm {enc.llm_dim}, clip {enc.clip_dim}) do not match the DiT's "
                f"caption_channels {list(cfg.caption_channels)}"
            )

    @property
    def spatial_factor(self) -> int:
        return int(getattr(getattr(self.vae, "config", None), "spatial_ratio", 16))

    @property
    def latent_channels(self) -> int:
        return int(self.transformer.config.in_channels)

    @contextmanager
    def _on_device(self, component: Any, offloaded: bool) -> Iterator[None]:
        if offloaded:
            _move(component, self.device)
        try:
            yield
        finally:
            if offloaded:
                _move(component, torch.device("cpu"))
                if self.device.type == "cuda":
                    torch.cuda.empty_cache()

    # -- stages -----------------------------------------------------------------------------------------
    def encode_prompt(self, prompt: str, negative_prompt: str | None, guided: bool) -> TextEmbeddings:
        """Text batch ``[prompt, negative_prompt]`` (conditional first, spec §4.2), or ``[prompt]`` when
        unguided, in the DiT's dtype on ``device``."""
        return self.encode_prompts([prompt], negative_prompt, guided)

    def encode_prompts(
        self, prompts: Sequence[str], negative_prompt: str | None, guided: bool
    ) -> TextEmbeddings:
        """Batched :meth:`encode_prompt`: ``[p_1..p_B, neg x B]`` (the sampler's CFG order: all conditional
        rows, then all unconditional ones), or ``[p_1..p_B]`` when unguided. One encoder call; the negative
        prompt is encoded once and repeated."""
        texts = list(prompts) + ([negative_prompt if negative_prompt is not None else ""] if guided else [])
        with self._on_device(self.text_encoder, self.offload in ("text", "model")):
            emb = self.text_encoder.encode(texts, device=self.device)
        if guided and len(prompts) > 1:
            b = len(prompts)
            idx = torch.cat([torch.arange(b), torch.full((b,), b)]).to(emb.llm.device)
            emb = TextEmbeddings(emb.llm[idx], emb.llm_mask[idx.to(emb.llm_mask.device)], emb.clip[idx])
        return emb.to(device=self.device, dtype=self.transformer_dtype)

    @property
    def transformer_dtype(self) -> torch.dtype:
        return next(self.transformer.parameters()).dtype

    def prepare_latents(
        self, num_frames: int, height: int, width: int, seed: int | None, official_noise: bool = False
    ) -> torch.Tensor:
        """Initial noise [1, F_lat, C, H/16, W/16] (fp32; see :func:`initial_noise`)."""
        f = self.spatial_factor
        shape = (1, num_latent_frames(num_frames), self.latent_channels, height // f, width // f)
        return initial_noise(shape, seed=seed, device=self.device, official_unseeded=official_noise)

    def denoise(
        self,
        latents: torch.Tensor,
        emb: TextEmbeddings,
        steps: int,
        cfg: float | Sequence[float] | None,
        shift: float,
        cfg_decay: bool = False,
        official_numerics: bool = False,
        callback: Callable[[int, float, torch.Tensor], None] | None = None,
        progress: bool = True,
    ) -> torch.Tensor:
        """Run the flow sampler with the DiT; ``emb`` has batch 2 (guided) or 1 (``cfg`` None)."""
        mask = emb.cross_attention_mask()

        def velocity(x: torch.Tensor, tau: torch.Tensor) -> torch.Tensor:
            return self.transformer(
                hidden_states=x,
                timestep=tau,
                encoder_hidden_states=emb.llm,
                encoder_hidden_states_2=emb.clip,
                encoder_attention_mask=mask,
            )

        with self._on_device(self.transformer, self.offload == "model"), torch.no_grad():
            return sample_euler(
                velocity,
                latents,
                flow_schedule(steps, shift),
                cfg,
                cfg_decay=cfg_decay,
                model_dtype=self.transformer_dtype,
                official_numerics=official_numerics,
                callback=callback,
                progress=progress,
            )

    def decode(
        self, latents: torch.Tensor, tile_size: int | None = None, progress: bool = False
    ) -> torch.Tensor:
        """Latents [1, F_lat, C, h, w] → video [T, 3, H, W] on the CPU, in the VAE's dtype."""
        return self.decode_batch(latents, tile_size=tile_size, progress=progress)[0]

    def decode_batch(
        self,
        latents: torch.Tensor,
        tile_size: int | None = None,
        progress: bool = False,
        batch_size: int | None = None,
    ) -> torch.Tensor:
        """Latents [B, F_lat, C, h, w] → videos [B, T, 3, H, W] on the CPU, in the VAE's dtype, decoding
        ``batch_size`` samples at a time (None: all at once) to bound the decoder's activation memory."""
        kw: dict[str, Any] = {"output_device": "cpu", "progress": progress}
        if tile_size is not None:
            kw["tile_size"] = tile_size
        step = latents.shape[0] if batch_size is None else int(batch_size)
        if step < 1:
            raise ValueError(f"decode batch_size must be >= 1; got {batch_size}")
        with self._on_device(self.vae, self.offload == "model"), torch.no_grad():
            p = next(self.vae.parameters())
            return torch.cat(
                [self.vae.decode(z.to(device=p.device, dtype=p.dtype), **kw) for z in latents.split(step)]
            )

    # -- generation -------------------------------------------------------------------------------------
    def __call__(
        self,
        prompt: str,
        negative_prompt: str | None = None,
        *,
        num_frames: int | None = None,
        height: int | None = None,
        width: int | None = None,
        steps: int | None = None,
        cfg: float | Sequence[float] | None = None,
        shift: float | None = None,
        seed: int | None = 1234,
        cfg_decay: bool = False,
        positive_suffix: str | None = None,
        crop_540x960: bool = False,
        official_noise: bool = False,
        official_numerics: bool = False,
        vae_tile_size: int | None = None,
        callback: Callable[[int, float, torch.Tensor], None] | None = None,
        progress: bool = True,
    ) -> np.ndarray:
        """Generate one video; returns uint8 frames [T, H, W, 3].

        Unset arguments take the model's defaults (``self.defaults``; official: 204×544×992, 50 steps,
        CFG 9, shift 13, the §4.1 positive suffix and negative prompt). ``cfg`` is a scalar or a per-step
        list; ``cfg=1`` disables guidance (one DiT pass per step). ``seed`` fixes the initial noise on any
        device. Parity-only switches: ``official_noise`` (the official unseeded bf16 noise, same for every
        seed) and ``official_numerics`` (bf16 CFG combine and bf16 post-processing).
        """
        r = self._settings([prompt], num_frames, height, width, steps, cfg, shift, cfg_decay,
                           positive_suffix, negative_prompt)
        if crop_540x960 and min(r.height, r.width) < 540:
            raise ValueError(
                f"--crop-540x960 needs frames at least 540 pixels on the short side; got {r.height}x{r.width}"
            )
        emb = self.encode_prompt(prompt + r.suffix, r.negative, r.guided)
        latents = self.prepare_latents(r.num_frames, r.height, r.width, seed, official_noise)
        latents = self.denoise(
            latents,
            emb,
            r.steps,
            r.cfg if r.guided else None,
            r.shift,
            cfg_decay=cfg_decay,
            official_numerics=official_numerics,
            callback=callback,
            progress=progress,
        )
        video = self.decode(latents, tile_size=vae_tile_size, progress=progress)
        if not official_numerics:
            video = video.float()
        return postprocess_video(video, crop=crop_540x960)

    def generate_batch(
        self,
        prompts: Sequence[str],
        seeds: Sequence[int],
        negative_prompt: str | None = None,
        *,
        num_frames: int | None = None,
        height: int | None = None,
        width: int | None = None,
        steps: int | None = None,
        cfg: float | Sequence[float] | None = None,
        shift: float | None = None,
        cfg_decay: bool = False,
        positive_suffix: str | None = None,
        vae_tile_size: int | None = None,
        decode_batch_size: int | None = 1,
        progress: bool = False,
    ) -> list[np.ndarray]:
        """Generate one video per ``(prompt, seed)`` pair in a single DiT batch (2B rows with guidance);
        returns uint8 frames [T, H, W, 3] per pair — the videos ``self(prompt, seed=seed, ...)`` makes, up
        to the floating-point effects of batching. Each sample's noise is drawn from its own seed exactly as
        in ``__call__``; the VAE decodes ``decode_batch_size`` videos at a time (default 1: ``__call__``'s
        peak memory; None: all at once).
        The parity-only switches of ``__call__`` (official noise/numerics, crop) are single-video only."""
        prompts, seeds = list(prompts), list(seeds)
        if not prompts or len(prompts) != len(seeds):
            raise ValueError(f"need one seed per prompt; got {len(prompts)} prompts and {len(seeds)} seeds")
        r = self._settings(prompts, num_frames, height, width, steps, cfg, shift, cfg_decay,
                           positive_suffix, negative_prompt)
        emb = self.encode_prompts([p + r.suffix for p in prompts], r.negative, r.guided)
        latents = torch.cat([self.prepare_latents(r.num_frames, r.height, r.width, s) for s in seeds])
        latents = self.denoise(
            latents, emb, r.steps, r.cfg if r.guided else None, r.shift, cfg_decay=cfg_decay,
            progress=progress,
        )
        video = self.decode_batch(
            latents, tile_size=vae_tile_size, progress=progress, batch_size=decode_batch_size
        )
        return [postprocess_video(v.float()) for v in video]

    def _settings(
        self,
        prompts: Sequence[str],
        num_frames: int | None,
        height: int | None,
        width: int | None,
        steps: int | None,
        cfg: float | Sequence[float] | None,
        shift: float | None,
        cfg_decay: bool,
        positive_suffix: str | None,
        negative_prompt: str | None,
    ) -> _Settings:
        """Fill unset generation arguments from ``self.defaults`` and check them for every prompt."""
        d = self.defaults
        r = _Settings(
            num_frames=d.num_frames if num_frames is None else num_frames,
            height=d.height if height is None else height,
            width=d.width if width is None else width,
            steps=d.steps if steps is None else steps,
            cfg=d.cfg if cfg is None else cfg,
            shift=d.shift if shift is None else shift,
            suffix=d.positive_suffix if positive_suffix is None else positive_suffix,
            negative=d.negative_prompt if negative_prompt is None else negative_prompt,
        )
        for prompt in prompts:
            check_generation_args(prompt, r.num_frames, r.height, r.width, r.steps, self.spatial_factor)
        r.guided = not (isinstance(r.cfg, (int, float)) and r.cfg == 1.0 and not cfg_decay)
        return r

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(transformer={type(self.transformer).__name__}, vae={type(self.vae).__name__}, "
            f"text_encoder={type(self.text_encoder).__name__}, device={self.device}, dtype={self.dtype}, "
            f"offload={self.offload!r})"
        )
