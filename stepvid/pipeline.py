"""TextToVideoPipeline: prompt → text states → latents (flow sampler + DiT) → VAE frames → uint8 video.

Folder layouts (``TextToVideoPipeline.from_pretrained(DIR)``):

* the official release (``stepfun-ai/stepvideo-t2v``): ``transformer/`` (config.json + sharded safetensors
  + index), ``vae/vae_v2.safetensors``, ``step_llm/``, ``hunyuan_clip/``;
* any layout described by a ``stepvid.json`` next to it, which picks each component's class from stepvid's
  allow-list, its sub-path and options, plus generation defaults — so the bundled model's small bilingual
  text encoder plugs in without code changes::

      {"transformer": {"path": "transformer"},
       "vae": {"path": "vae/vae_v2.safetensors", "config": "tiny"},
       "text_encoder": {"class": "stepvid.models.text.small:SmallBilingualEncoder", "path": "text_encoder"},
       "defaults": {"num_frames": 17, "height": 256, "width": 256, "steps": 30, "cfg": 6.0, "shift": 7.0,
                    "fps": 25, "positive_suffix": "", "negative_prompt": ""}}

  Every key is optional; missing ones take the official values. A model folder is data: nothing in it is
  imported or run (:mod:`stepvid.model_folder` has the rules and the allow-list).
"""

from __future__ import annotations

import json
import logging
import math
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import torch

from stepvid.diffusion.sampler import flow_schedule, initial_noise, sample_euler
from stepvid.diffusion.step_cache import StepCache, StepCacheConfig, step_cache_config
from stepvid.model_folder import (
    DESCRIPTION_FILE,
    GenerationDefaults,
    ModelPlan,
    check_fit,
    dit_config_from_json,
    load_transformer,
    plan_model,
)
from stepvid.models.streaming import stream_blocks
from stepvid.models.text.base import TextEmbeddings, TextEncoder
from stepvid.models.text.step_llm import StepLLM
from stepvid.models.vae import nearest_multiples, to_uint8
from stepvid.offload import on_device
from stepvid.prompt_rewrite import PromptExpander, Rewrite, rewrite_prompt
from stepvid.ti2v import (
    ImageInput,
    check_image_inputs,
    condition_generator,
    condition_latents,
    encode_first_frame,
    first_frame,
    is_image_conditioned,
)

if TYPE_CHECKING:
    from stepvid.world.verify import Attempt

log = logging.getLogger("stepvid.pipeline")

__all__ = [
    "DESCRIPTION_FILE",
    "GenerationDefaults",
    "TextToVideoPipeline",
    "check_generation_args",
    "crop_540x960",
    "cut_message",
    "cut_streams",
    "dit_config_from_json",
    "load_transformer",
    "postprocess_video",
    "resolve_device",
]

FRAMES_PER_CHUNK = 17  # VAE: 17 pixel frames <-> 3 latent frames per independent chunk (spec §3.7)
LATENTS_PER_CHUNK = 3
Offload = Literal["none", "text", "model", "blocks"]
OFFLOAD_MODES = ("none", "text", "model", "blocks")
# Offload modes that keep the text encoder, or every component (loaded on the CPU, moved to the device only while
# it runs; "blocks" is "model" with the DiT blocks streamed), off the device.
TEXT_OFFLOADED = ("text", "model", "blocks")
COMPONENTS_OFFLOADED = ("model", "blocks")


# ------------------------------------------------------------------------------------------------ checks


MAX_STEPS = 10_000  # far past where more Euler steps change a flow sample; a typo guard, not a quality limit


def _is_integral(v: Any) -> bool:
    return isinstance(v, (int, float, np.integer)) and not isinstance(v, bool) and float(v).is_integer()


def check_generation_args(
    prompt: str,
    num_frames: int,
    height: int,
    width: int,
    steps: int,
    spatial: int = 16,
    *,
    cfg: float | Sequence[float] | None = None,
    shift: float | None = None,
) -> None:
    """Raise ValueError naming the problem (and the nearest valid values) for inputs the model cannot
    generate: an empty prompt, sizes that are not positive multiples of ``spatial``, a frame count that does
    not fit the 17-frame chunking, steps outside 1..MAX_STEPS, a non-finite or negative ``cfg``, a
    ``shift`` that is not a finite number > 0."""
    if not isinstance(prompt, str) or not prompt.strip():
        raise ValueError("prompt is empty; describe the video to generate")
    for name, v in (("height", height), ("width", width)):
        if not _is_integral(v) or v < spatial or v % spatial:
            near = f" (nearest: {nearest_multiples(int(v), spatial)})" if _is_integral(v) else ""
            raise ValueError(f"{name} {v} is not a positive multiple of {spatial}{near}")
    if not _is_integral(num_frames) or num_frames < 1 or (num_frames != 1 and num_frames % FRAMES_PER_CHUNK):
        near = nearest_multiples(int(num_frames), FRAMES_PER_CHUNK) if _is_integral(num_frames) else ""
        if _is_integral(num_frames) and num_frames < FRAMES_PER_CHUNK:
            near = f"1 or {near}"
        raise ValueError(
            f"num_frames {num_frames} does not fit the {FRAMES_PER_CHUNK}-frame chunking; use 1 (an image) or a "
            f"multiple of {FRAMES_PER_CHUNK}" + (f" (nearest: {near})" if near else "")
        )
    if not _is_integral(steps) or not 1 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be an integer from 1 to {MAX_STEPS:,}; got {steps}")
    scales = [] if cfg is None else [cfg] if isinstance(cfg, (int, float)) else list(cfg)
    for c in scales:
        if isinstance(c, bool) or not isinstance(c, (int, float)) or not math.isfinite(c) or c < 0:
            raise ValueError(f"cfg must be a finite number >= 0 (1 = no guidance); got {c}")
    if shift is not None and (
        isinstance(shift, bool)
        or not isinstance(shift, (int, float))
        or not math.isfinite(shift)
        or shift <= 0
    ):
        raise ValueError(f"shift must be a finite number > 0; got {shift}")


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

def _check_offload(offload: Any) -> None:
    if offload not in OFFLOAD_MODES:
        raise ValueError(f"offload must be one of {', '.join(map(repr, OFFLOAD_MODES))}; got {offload!r}")


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


_DEVICE_FORMS = "cpu, cuda, cuda:N (N = 0 .. number of GPUs - 1), mps (Apple GPUs)"


def resolve_device(spec: torch.device | str | None) -> torch.device:
    """A device this machine has: None → :func:`default_device`, else ``cpu``, ``cuda``, ``cuda:N``,
    ``mps``.
    ValueError, listing the valid forms, for anything else, for CUDA without a usable GPU, and for a GPU
    index past the last one."""
    if spec is None:
        return default_device()
    try:
        device = torch.device(spec)
    except (RuntimeError, TypeError, ValueError):
        raise ValueError(f"invalid device {str(spec)!r}; valid forms: {_DEVICE_FORMS}") from None
    if device.type == "cpu":
        return torch.device("cpu")
    if device.type == "mps":
        if not torch.backends.mps.is_available():
            raise ValueError(f"device {str(spec)!r} requested but this machine has no usable MPS device; "
                             "use --device cpu")
        return device
    if device.type != "cuda":
        raise ValueError(f"device {str(spec)!r} is not supported; valid forms: {_DEVICE_FORMS}")
    if not torch.cuda.is_available():
        why = "this torch build has no CUDA" if torch.version.cuda is None else "no CUDA GPU is visible"
        raise ValueError(f"device {str(spec)!r} requested but {why}; use --device cpu")
    n = torch.cuda.device_count()
    if device.index is not None and device.index >= n:
        raise ValueError(f"device {str(spec)!r} does not exist: this machine has {n} CUDA device(s), "
                         f"cuda:0 .. cuda:{n - 1}")
    return device


# ------------------------------------------------------------------------------------------- prompt length


def cut_streams(encoder: Any, text: str) -> str | None:
    """What the encoder would cut of ``text`` ("llm stream keeps 48 of 60 tokens, ..."), or None when it
    would cut nothing or cannot tell (see :func:`cut_message`)."""
    overflow = getattr(encoder, "overflow", None)
    cut = overflow(text) if overflow is not None else None
    if not cut:
        return None
    return ", ".join(f"{name} stream keeps {kept:,} of {total:,} tokens" for name, (total, kept) in cut.items())


def cut_message(encoder: Any, prompt: str, what: str = "prompt") -> str | None:
    """One warning line saying how much of ``prompt`` the encoder's streams would cut, or None.

    Text encoders may define ``overflow(prompt) -> {stream: (tokens_in_prompt, tokens_kept)}`` listing only
    the streams that would cut the prompt (an empty dict when nothing is cut); encoders without it are
    never reported."""
    streams = cut_streams(encoder, prompt)
    if streams is None:
        return None
    return f"warning: {what} cut to fit the text encoder: {streams}"


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
    but the 39 GB Step-LLM and the 58 GB DiT never share the accelerator; "blocks" is "model" with the DiT's
    transformer blocks streamed from host memory through two device buffers while the rest of the DiT stays
    on ``device`` (:mod:`stepvid.models.streaming`: same output, for 24-48 GB cards), and Step-LLM's layers
    streamed the same way when the text encoder has one (its embedding table and two layer buffers, 2.4 GB,
    stay on ``device``). A transformer that is already streamed (``stream_blocks(dit, device,
    weights="fp8")``) is used as it is.
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
        _check_offload(offload)
        self.transformer, self.vae, self.text_encoder = transformer, vae, text_encoder
        self.device, self.dtype = torch.device(device), dtype
        self.defaults = defaults or GenerationDefaults()
        self.offload = offload
        if offload == "blocks" and getattr(transformer, "block_streamer", None) is None:
            stream_blocks(transformer, self.device)
        llm = getattr(text_encoder, "llm", None)
        if offload == "blocks" and isinstance(llm, StepLLM) and llm.block_streamer is None:
            stream_blocks(llm, self.device)  # Step-LLM's 39 GB too: its layers in model dtype (exact states)
        blocks = getattr(transformer, "transformer_blocks", None)
        if hasattr(transformer, "set_token_chunk") and blocks and not blocks[0].token_chunk:
            # Long videos run each block in token chunks (same maths; at 544x992x204 the activation peak
            # falls from ~11 to ~5 x B·N·d); short ones (<= the chunk) are untouched.
            from stepvid.generation_memory import TOKEN_CHUNK

            transformer.set_token_chunk(TOKEN_CHUNK)
        self.set_compile(self.device.type == "cuda" and offload != "blocks")  # streamed blocks: left eager
        if hasattr(vae, "set_fast_layout"):  # conv layout and fused norms for the device (same maths)
            vae.set_fast_layout(self.device)
        # Optional LLM stage before the model's rewriter (stepvid.llm_rewrite.LLMRewriter); off by default.
        self.llm_rewriter: PromptExpander | None = None
        # Run the CFG batch's two halves as two DiT calls: identical maths (each sample is independent), half
        # the DiT's activation memory (~9.6 vs ~19 GiB per layer at 544x992x204), about the same time.
        self.cfg_split = False
        # On CUDA the VAE decodes its upsampling levels this many mid-level frames at a time (exact; bounds the
        # decode's activations: 10.4 vs 26.9 GiB at 544x992, no slower); None runs each chunk in one pass.
        from stepvid.generation_memory import CUDA_VAE_TIME_SLICE

        self.vae_time_slice: int | None = CUDA_VAE_TIME_SLICE
        # The step cache of the last denoise call with step caching (its decisions: summary(), computed), or None.
        self.last_step_cache: StepCache | None = None
        # The world check's verdict on each clip the last __call__ made (empty: one try, nothing checked).
        self.last_attempts: list[Attempt] = []
        self._check_compatible()

    def set_sparse_attention(self, config) -> None:
        """Sliding-tile sparse self-attention in the DiT (a ``SparseAttentionConfig``; None: dense, exact). An
        approximate fast mode: see :mod:`stepvid.models.sparse_attention`."""
        setter = getattr(self.transformer, "set_sparse_attention", None)
        if setter is None:
            raise ValueError(f"{type(self.transformer).__name__} has no sparse attention mode")
        setter(config)

    def use_fp8_matmuls(self) -> int:
        """fp8 matmuls in the DiT blocks (:mod:`stepvid.models.fp8`; approximate, irreversible on this pipeline):
        the blocks' linear weights are kept in fp8 (half of bf16) and multiplied in fp8. Returns the number of
        layers converted."""
        from stepvid.models.fp8 import use_fp8_matmuls

        return use_fp8_matmuls(self.transformer)

    def set_compile(self, on: bool) -> None:
        """Compile the DiT blocks' per-chunk pieces (``DiTBlock.compile_chunks``: norms, modulation, RoPE, gates
        and the FFN fused; the attention calls stay eager). Used by long videos only (those run in token chunks);
        on by default on CUDA. The first long forward pays the compile (4 s for the bundled model at 102x512x512
        on an H200; the compiler caches it on disk); same maths within bf16 rounding."""
        for blk in getattr(self.transformer, "transformer_blocks", None) or []:
            if hasattr(blk, "compile_chunks"):
                blk.compile_chunks(on)

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
        stream_weights: str = "model",
    ) -> TextToVideoPipeline:
        """Load a checkpoint folder (official layout, or one described by ``stepvid.json``).

        device: default CUDA if available, else CPU. dtype: default bf16 on CUDA, fp32 on CPU (DiT, VAE and
        the text encoder's output). text_encoder: use this encoder instead of loading one.
        transformer_path: a DiT folder (or a release root holding ``transformer/``) replacing the model's own,
        e.g. the Turbo release, which ships only a DiT and reuses the base model's VAE and text encoders.
        The folder is checked first (:func:`stepvid.model_folder.plan_model`: allow-listed classes, every
        weight header, configs that fit together), so a bad folder fails before any weights are read.
        stream_weights: with ``offload="blocks"``, "fp8" stores the streamed blocks' linear weights as e4m3 with
        per-channel scales (half the bytes; :mod:`stepvid.models.streaming` states the error).
        """
        plan = plan_model(path, transformer_path, with_text_encoder=text_encoder is None)
        return cls.from_plan(plan, device=device, dtype=dtype, offload=offload, text_encoder=text_encoder,
                             stream_weights=stream_weights)

    @classmethod
    def from_plan(
        cls,
        plan: ModelPlan,
        device: torch.device | str | None = None,
        dtype: torch.dtype | str | None = None,
        offload: Offload = "none",
        text_encoder: TextEncoder | None = None,
        stream_weights: str = "model",
    ) -> TextToVideoPipeline:
        """Load the components of a checked model folder (see :meth:`from_pretrained`)."""
        _check_offload(offload)
        if stream_weights != "model" and offload != "blocks":
            raise ValueError(f"stream_weights={stream_weights!r} needs offload='blocks' (it is how the streamed "
                             f"blocks are stored); got offload={offload!r}")
        device = resolve_device(device)
        dtype = parse_dtype(dtype, device)
        load_device = torch.device("cpu") if offload in COMPONENTS_OFFLOADED else device
        transformer = plan.components["transformer"].load(load_device, dtype)
        if offload == "blocks":  # packed into host memory now, before the other components load
            stream_blocks(transformer, device, weights=stream_weights)
        vae = plan.components["vae"].load(load_device, dtype)
        if text_encoder is None:
            text_device = torch.device("cpu") if offload in TEXT_OFFLOADED else device
            text_encoder = plan.components["text_encoder"].load(text_device, dtype)
        if not isinstance(text_encoder, TextEncoder):
            raise TypeError(f"{type(text_encoder).__name__} does not implement the TextEncoder protocol")
        return cls(
            transformer,
            vae,
            text_encoder,
            device=device,
            dtype=dtype,
            defaults=plan.defaults,
            offload=offload,
        )

    def _check_compatible(self) -> None:
        cfg = getattr(self.transformer, "config", None)
        vcfg = getattr(self.vae, "config", None)
        if cfg is None or vcfg is None:
            return
        enc = self.text_encoder
        dims = (getattr(enc, "llm_dim", None), getattr(enc, "clip_dim", None))
        check_fit(cfg.in_channels, cfg.out_channels, cfg.caption_channels, vcfg.z_channels,
                  None if None in dims else dims)

    @property
    def image_conditioned(self) -> bool:
        """Whether the DiT takes first-frame condition latents (image-to-video, e.g. Step-Video-TI2V)."""
        cfg = getattr(self.transformer, "config", None)
        return cfg is not None and is_image_conditioned(cfg)

    @property
    def motion_scored(self) -> bool:
        """Whether the DiT takes a motion score (the official TI2V's ``motion_score_embedder``)."""
        return bool(getattr(self.transformer.config, "motion_score_embedder", False))

    @property
    def spatial_factor(self) -> int:
        return int(getattr(getattr(self.vae, "config", None), "spatial_ratio", 16))

    @property
    def size_multiple(self) -> int:
        """Heights and widths must be multiples of this: the VAE's spatial ratio x the DiT's patch size."""
        return self.spatial_factor * int(getattr(getattr(self.transformer, "config", None), "patch_size", 1))

    @property
    def latent_channels(self) -> int:
        return int(self.transformer.config.out_channels)  # TI2V: in_channels also holds the condition latents

    @contextmanager
    def _on_device(self, component: Any, offloaded: bool) -> Iterator[None]:
        """An offloaded component on the device for one stage; its host weights are kept and put back after
        (:mod:`stepvid.offload`: no copy back of weights that did not change)."""
        if not offloaded:
            yield
            return
        try:
            with on_device(component, self.device):
                yield
        finally:
            if self.device.type == "cuda":
                torch.cuda.empty_cache()

    # -- stages -----------------------------------------------------------------------------------------
    def rewrite(self, prompt: str, rewriter: str | None = None, llm: PromptExpander | None = None) -> Rewrite:
        """The text the encoder gets for ``prompt``: expanded by ``llm`` (default: ``self.llm_rewriter``; None =
        no LLM stage), then rewritten by ``rewriter`` (default: the model's, ``defaults.prompt_rewrite``; see
        :mod:`stepvid.prompt_rewrite`). What happened is logged at INFO; an LLM answer that was not used (failed
        request, too long for the encoder with the model's positive suffix, ...) at WARNING, saying why."""
        suffix = self.defaults.positive_suffix
        rw = rewrite_prompt(
            prompt,
            self.defaults.prompt_rewrite if rewriter is None else rewriter,
            llm=self.llm_rewriter if llm is None else llm,
            fits=lambda text: cut_streams(self.text_encoder, text + suffix),
        )
        if rw.warning:
            log.warning(rw.warning)
        msg = rw.message()
        if msg:
            log.info(msg)
        return rw

    def warn_if_cut(self, prompts: Sequence[str], negative_prompt: str | None) -> list[str]:
        """Log one warning line per prompt (and for the negative prompt) that the text encoder would cut,
        if it can tell (:func:`cut_message`); returns the lines."""
        lines = []
        texts = [*(("prompt", p) for p in dict.fromkeys(prompts)), ("negative prompt", negative_prompt)]
        for what, text in texts:
            msg = cut_message(self.text_encoder, text, what) if text is not None else None
            if msg:
                log.warning(msg)
                lines.append(msg)
        return lines

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
        with self._on_device(self.text_encoder, self.offload in TEXT_OFFLOADED):
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

    def encode_video(self, frames: np.ndarray) -> torch.Tensor:
        """A clip's latents [1, F_lat, C, H/16, W/16] (fp32, on ``device``): uint8 RGB frames [T, H, W, 3]
        encoded by the VAE to its posterior mean — the latents a generated clip of that size would have, e.g. a
        real clip as the chosen side of a preference pair."""
        if not (isinstance(frames, np.ndarray) and frames.dtype == np.uint8 and frames.ndim == 4
                and frames.shape[-1] == 3):
            raise ValueError(f"encode_video: expected uint8 RGB frames [T, H, W, 3]; got "
                             f"{getattr(frames, 'dtype', type(frames).__name__)} {list(np.shape(frames))}")
        with self._on_device(self.vae, self.offload in COMPONENTS_OFFLOADED):
            return self.vae.encode_frames(frames).float().to(self.device)

    def prepare_condition(
        self, image: ImageInput, num_frames: int, height: int, width: int, seed: int | None
    ) -> torch.Tensor:
        """First-frame condition latents [1, F_lat, C, H/16, W/16] (fp32, on ``device``) of an image-to-video
        model: ``image`` resized to cover ``height x width`` and centre-cropped, encoded by the VAE as a one-frame
        clip (a posterior sample, eps drawn from ``seed``), then zeros for the later latent frames
        (:mod:`stepvid.ti2v`, docs/ti2v.md)."""
        frame = first_frame(image, height, width)
        with self._on_device(self.vae, self.offload in COMPONENTS_OFFLOADED):
            first = encode_first_frame(self.vae, frame, condition_generator(seed))
        return condition_latents(first.float(), num_latent_frames(num_frames)).to(self.device)

    def check_image_args(self, image: Any, motion_score: float | None) -> float | None:
        """The motion score the DiT gets (None when it takes none); ValueError for an image on a text-to-video
        model, no image on an image-to-video one, or a motion score the model has no input for / not >= 0."""
        return check_image_inputs(self.image_conditioned, self.motion_scored, image is not None, motion_score,
                                  self.defaults.motion_score)

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
        condition: torch.Tensor | None = None,
        motion_score: float | None = None,
        step_cache: float | StepCacheConfig | None = None,
        resume: str | os.PathLike | None = None,
    ) -> torch.Tensor:
        """Run the flow sampler with the DiT; ``emb`` has batch 2 (guided) or 1 (``cfg`` None).

        ``resume``: a sampler state file (:mod:`stepvid.diffusion.resume`), written atomically after every step
        and continued from when it exists — refused, naming the fields, when it was written for other settings
        or inputs. When sampling is done it holds the final latents, so the same call again only decodes.

        ``step_cache``: a threshold > 0 or a :class:`StepCacheConfig` lets rows reuse the DiT's blocks 1..N-1
        from their last full step while the first block's residual barely changes (an approximation:
        :mod:`stepvid.diffusion.step_cache`); None or 0 (default): the exact path. The run's cache is kept in
        ``self.last_step_cache``.

        Image-to-video: ``condition`` [B, F, C, h, w] first-frame condition latents (:meth:`prepare_condition`),
        the same for both CFG branches as in the official code; ``motion_score`` for a DiT with a motion-score
        embedder. ``official_numerics`` also rounds the condition to bf16 (the official code hard-codes it)."""
        mask = emb.cross_attention_mask()
        cache_config = step_cache_config(step_cache)
        if resume is not None and cache_config is not None:
            raise ValueError("resume: the step cache's state is not saved; resume the exact path (no step cache)")
        cache = None if cache_config is None else StepCache(cache_config, steps)
        extra: dict[str, Any] = {}
        if motion_score is not None:
            extra["motion_score"] = motion_score
        cond = None
        if condition is not None:
            cond = condition.to(self.device)
            if official_numerics:
                cond = cond.to(torch.bfloat16)
            cond = cond.to(self.transformer_dtype)
            if cfg is not None:  # the guided batch: all conditional rows, then all unconditional ones
                cond = torch.cat([cond, cond])

        def forward(x: torch.Tensor, tau: torch.Tensor, rows: slice) -> torch.Tensor:
            if cond is not None:
                extra["condition_hidden_states"] = cond[rows]
            if cache is not None:  # each row keeps its own cache: the sampler-batch index goes along
                extra["step_cache"], extra["step_cache_rows"] = cache, torch.arange(mask.shape[0])[rows]
            return self.transformer(
                hidden_states=x,
                timestep=tau,
                encoder_hidden_states=emb.llm[rows],
                encoder_hidden_states_2=emb.clip[rows],
                encoder_attention_mask=mask[rows],
                **extra,
            )

        def velocity(x: torch.Tensor, tau: torch.Tensor) -> torch.Tensor:
            if cache is not None:
                cache.next_step()
            if not self.cfg_split or x.shape[0] == 1:
                return forward(x, tau, slice(None))
            # One sample per DiT call: the same maths, half the activation memory (see ``cfg_split``).
            return torch.cat([forward(x[i:i + 1], tau[i:i + 1] if tau.ndim else tau, slice(i, i + 1))
                              for i in range(x.shape[0])])

        self.last_step_cache = cache
        tau = flow_schedule(steps, shift)
        state = on_state = None
        if resume is not None:
            from stepvid.diffusion.resume import load_state, save_state

            fingerprint = self._sampling_fingerprint(latents, emb, tau, cfg, cfg_decay, official_numerics, cond,
                                                     motion_score)
            state = load_state(resume, fingerprint, self.device)
            if state is not None:
                log.info("resume: %s has %d of %d steps done", resume, state.step, steps)

            def on_state(st) -> None:
                save_state(resume, st, fingerprint)

        with self._on_device(self.transformer, self.offload == "model"), torch.no_grad():
            out = sample_euler(
                velocity,
                latents,
                tau,
                cfg,
                cfg_decay=cfg_decay,
                model_dtype=self.transformer_dtype,
                official_numerics=official_numerics,
                callback=callback,
                progress=progress,
                solver=self.defaults.solver,
                state=state,
                on_state=on_state,
            )
        if cache is not None:
            log.info(cache.summary())
        return out

    def _sampling_fingerprint(self, latents, emb, tau, cfg, cfg_decay, official_numerics, cond,
                              motion_score) -> dict[str, str]:
        """What the remaining sampler steps depend on, as strings (a resume file must match all of them)."""
        from stepvid.diffusion.resume import digest

        params = list(self.transformer.parameters())
        return {
            "schedule": digest(tau), "cfg": json.dumps(cfg if cfg is None or isinstance(cfg, (int, float))
                                                       else [float(c) for c in cfg]),
            "cfg_decay": str(bool(cfg_decay)), "solver": self.defaults.solver,
            "official_numerics": str(bool(official_numerics)), "noise": digest(latents),
            "text": digest(emb.llm, emb.llm_mask, emb.clip), "condition": digest(cond),
            "motion_score": repr(motion_score),
            # The model: its class, dtype, size, and its first and last weights (cheap at any size).
            "dit": f"{type(self.transformer).__name__} {self.transformer_dtype} {sum(p.numel() for p in params)} "
                   f"{digest(params[0], params[-1])}",
        }

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
        elif self.vae_time_slice and self.device.type == "cuda":
            kw["time_slice"] = self.vae_time_slice
        step = latents.shape[0] if batch_size is None else int(batch_size)
        if step < 1:
            raise ValueError(f"decode batch_size must be >= 1; got {batch_size}")
        with self._on_device(self.vae, self.offload in COMPONENTS_OFFLOADED), torch.no_grad():
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
        prompt_rewrite: str | None = None,
        crop_540x960: bool = False,
        official_noise: bool = False,
        official_numerics: bool = False,
        vae_tile_size: int | None = None,
        callback: Callable[[int, float, torch.Tensor], None] | None = None,
        progress: bool = True,
        image: ImageInput | None = None,
        motion_score: float | None = None,
        step_cache: float | StepCacheConfig | None = None,
        resume: str | os.PathLike | None = None,
        tries: int | None = None,
        on_attempt: Callable[[Attempt], None] | None = None,
    ) -> np.ndarray:
        """Generate one video; returns uint8 frames [T, H, W, 3].

        Unset arguments take the model's defaults (``self.defaults``; official: 204×544×992, 50 steps,
        CFG 9, shift 13, the §4.1 positive suffix and negative prompt). ``cfg`` is a scalar or a per-step
        list; ``cfg=1`` disables guidance (one DiT pass per step). ``seed`` fixes the initial noise on any
        device. ``prompt_rewrite`` names a :mod:`stepvid.prompt_rewrite` rewriter (default: the model's).
        Parity-only switches: ``official_noise`` (the official unseeded bf16 noise, same for every seed) and
        ``official_numerics`` (bf16 CFG combine and bf16 post-processing).

        Image-to-video models (:attr:`image_conditioned`) need ``image``, the first frame: a file path, a PIL
        image or an [H, W, 3] uint8 / float (0-1) array, resized to cover the video and centre-cropped like the
        official TI2V code (:mod:`stepvid.ti2v`); ``motion_score`` (default: the model's) for models with a
        motion-score input.

        ``step_cache``: a threshold > 0 (or a :class:`StepCacheConfig`) for the approximate step-caching fast
        mode (:meth:`denoise`); None or 0: exact.

        ``resume``: a sampler state file saved after every step; a killed run called again with it continues
        where it stopped and ends on the same video (:meth:`denoise`).

        ``tries`` (default: the model's, ``defaults.tries``; 1 = off): for models with the ``world`` rewriter,
        judge each clip against the (rewritten) prompt and, while it fails, generate again with seed + 1, + 2,
        ... up to ``tries`` clips; the first that passes is returned, else the best-scoring
        (:mod:`stepvid.world.verify`). The verdicts are in ``self.last_attempts`` (and passed to ``on_attempt``
        as they come); ``callback`` sees every attempt's steps. One try with ``resume`` or ``official_noise``.
        """
        step_cache_config(step_cache)  # a bad value fails before the text encoder runs
        motion_score = self.check_image_args(image, motion_score)
        tries = self.defaults.tries if tries is None else tries
        if not (_is_integral(tries) and tries >= 1):
            raise ValueError(f"tries must be an integer >= 1; got {tries!r}")
        if resume is not None or official_noise:
            tries = 1  # a resumed run ends on its own video; the official noise is the same for every seed
        prompt = self.rewrite(prompt, prompt_rewrite).text
        r = self._settings([prompt], num_frames, height, width, steps, cfg, shift, cfg_decay,
                           positive_suffix, negative_prompt)
        if crop_540x960 and min(r.height, r.width) < 540:
            raise ValueError(
                f"--crop-540x960 needs frames at least 540 pixels on the short side; got {r.height}x{r.width}"
            )
        first = None
        if image is not None:  # before the text encoder runs: a bad image fails fast
            first = self.prepare_condition(image, r.num_frames, r.height, r.width, seed)
        self.warn_if_cut([prompt + r.suffix], r.negative if r.guided else None)
        emb = self.encode_prompt(prompt + r.suffix, r.negative, r.guided)

        def make(each: int | None) -> np.ndarray:
            condition = first
            if image is not None and each != seed:  # (its noise is drawn from the seed too)
                condition = self.prepare_condition(image, r.num_frames, r.height, r.width, each)
            latents = self.prepare_latents(r.num_frames, r.height, r.width, each, official_noise)
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
                condition=condition,
                motion_score=motion_score,
                step_cache=step_cache,
                resume=resume,
            )
            video = self.decode(latents, tile_size=vae_tile_size, progress=progress)
            if not official_numerics:
                video = video.float()
            return postprocess_video(video, crop=crop_540x960)

        from stepvid.world.verify import best_of, world_checker

        check = None
        if tries > 1 and seed is not None and self.defaults.prompt_rewrite == "world":
            check = world_checker(prompt)
        frames, self.last_attempts = best_of(make, check, [seed + k for k in range(tries)] if check else [seed],
                                             on_attempt)
        return frames

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
        prompt_rewrite: str | None = None,
        vae_tile_size: int | None = None,
        decode_batch_size: int | None = 1,
        progress: bool = False,
        images: Sequence[ImageInput] | None = None,
        motion_score: float | None = None,
        step_cache: float | StepCacheConfig | None = None,
    ) -> list[np.ndarray]:
        """Generate one video per ``(prompt, seed)`` pair in a single DiT batch (2B rows with guidance);
        returns uint8 frames [T, H, W, 3] per pair — the videos ``self(prompt, seed=seed, ...)`` makes, up
        to the floating-point effects of batching. Each sample's noise is drawn from its own seed exactly as
        in ``__call__``; the VAE decodes ``decode_batch_size`` videos at a time (default 1: ``__call__``'s
        peak memory; None: all at once).
        The parity-only switches of ``__call__`` (official noise/numerics, crop) are single-video only.
        Image-to-video models take one first frame per prompt (``images``) and ``motion_score``; ``step_cache``
        as in ``__call__`` (each sample and CFG branch caches on its own)."""
        latents = self.sample_latents(
            prompts, seeds, negative_prompt, num_frames=num_frames, height=height, width=width, steps=steps,
            cfg=cfg, shift=shift, cfg_decay=cfg_decay, positive_suffix=positive_suffix,
            prompt_rewrite=prompt_rewrite, progress=progress, images=images, motion_score=motion_score,
            step_cache=step_cache,
        )
        video = self.decode_batch(
            latents, tile_size=vae_tile_size, progress=progress, batch_size=decode_batch_size
        )
        return [postprocess_video(v.float()) for v in video]

    def sample_latents(
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
        prompt_rewrite: str | None = None,
        progress: bool = False,
        images: Sequence[ImageInput] | None = None,
        motion_score: float | None = None,
        step_cache: float | StepCacheConfig | None = None,
    ) -> torch.Tensor:
        """The denoised latents [B, F_lat, C, h, w] (fp32, on ``device``) of :meth:`generate_batch`'s videos,
        before the VAE: what preference data (Video-DPO pairs) and latent caches store."""
        step_cache_config(step_cache)  # a bad value fails before the text encoder runs
        prompts, seeds = [self.rewrite(p, prompt_rewrite).text for p in prompts], list(seeds)
        if not prompts or len(prompts) != len(seeds):
            raise ValueError(f"need one seed per prompt; got {len(prompts)} prompts and {len(seeds)} seeds")
        if images is not None and len(images) != len(prompts):
            raise ValueError(f"need one image per prompt; got {len(prompts)} prompts and {len(images)} images")
        motion_score = self.check_image_args(images, motion_score)
        r = self._settings(prompts, num_frames, height, width, steps, cfg, shift, cfg_decay,
                           positive_suffix, negative_prompt)
        condition = None
        if images is not None:
            condition = torch.cat([self.prepare_condition(im, r.num_frames, r.height, r.width, s)
                                   for im, s in zip(images, seeds)])
        self.warn_if_cut([p + r.suffix for p in prompts], r.negative if r.guided else None)
        emb = self.encode_prompts([p + r.suffix for p in prompts], r.negative, r.guided)
        latents = torch.cat([self.prepare_latents(r.num_frames, r.height, r.width, s) for s in seeds])
        return self.denoise(
            latents, emb, r.steps, r.cfg if r.guided else None, r.shift, cfg_decay=cfg_decay,
            progress=progress, condition=condition, motion_score=motion_score, step_cache=step_cache,
        )

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
            check_generation_args(prompt, r.num_frames, r.height, r.width, r.steps, self.size_multiple,
                                  cfg=r.cfg, shift=r.shift)
        r.guided = not (isinstance(r.cfg, (int, float)) and r.cfg == 1.0 and not cfg_decay)
        return r

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(transformer={type(self.transformer).__name__}, vae={type(self.vae).__name__}, "
            f"text_encoder={type(self.text_encoder).__name__}, device={self.device}, dtype={self.dtype}, "
            f"offload={self.offload!r})"
        )
