"""Image-to-video (Step-Video-TI2V): the first frame as condition latents, as the official TI2V pipeline builds it.

The official code (stepfun-ai/Step-Video-TI2V; facts and differences from T2V in docs/ti2v.md):

1. the image is read with PIL, converted to RGB and scaled to [-1, 1] (``x / 255 * 2 - 1``, float32);
2. it is resized to *cover* the video size (bilinear, antialiased; the scale fits the side that leaves the other
   one longer) and centre-cropped to it (offsets ``delta // 2``);
3. the Video-VAE encodes it as a one-frame clip: one latent frame, a *sample* of the posterior
   (``mean + exp(logvar / 2) * eps``, logvar clamped to [-30, 20]), no scaling or shift;
4. the condition latents are that frame followed by zeros for the other latent frames, ``[B, F, C, h, w]``,
   concatenated with the noisy latents on the channel axis inside the DiT; both CFG branches get the same one.

Here ``eps`` comes from a generator derived from the generation seed (the official VAE server draws it from its
unseeded global RNG), so a seed fixes the whole video. Choices where the official code has none: an image with
transparent pixels is refused (the official drops alpha, showing whatever colour hidden pixels hold), so is one
of high bit depth (PIL would clip it), and so is an aspect ratio so far from the video's that the centre crop
would keep less than half of the resized image (:data:`MIN_KEPT`).
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any, Union

import numpy as np
import torch
import torch.nn.functional as F

__all__ = [
    "MIN_KEPT",
    "TI2V_DEFAULTS",
    "TI2V_NEGATIVE_PROMPT",
    "TI2V_POSITIVE_SUFFIX",
    "ImageInput",
    "check_image_inputs",
    "condition_generator",
    "condition_latents",
    "cover_crop_size",
    "encode_first_frame",
    "first_frame",
    "is_image_conditioned",
    "load_image",
    "resize_crop",
    "ti2v_from_t2v",
]

ImageInput = Union[str, os.PathLike, "PIL.Image.Image", np.ndarray, torch.Tensor]  # noqa: F821

# The official TI2V inference defaults (stepvideo/config.py of the release and its README's command line):
# 102 frames at 544x992, 50 steps, CFG 9, time shift 13 (the README command; config.py's flag default is 7),
# motion score 5, and TI2V's own magic words (not T2V's).
TI2V_POSITIVE_SUFFIX = (
    "画面中的主体动作表现生动自然、画面流畅、生动细节、光线统一柔和、超真实动态捕捉、大师级运镜、整体不变形、超高清、画面稳定、"
    "逼真的细节、专业级构图、超细节、清晰。"
)
TI2V_NEGATIVE_PROMPT = "动画、模糊、变形、毁容、低质量、拼贴、粒状、标志、抽象、插图、计算机生成、扭曲、动作不流畅、面部有褶皱、表情僵硬、畸形手指"
TI2V_DEFAULTS: dict[str, Any] = {
    "num_frames": 102,
    "height": 544,
    "width": 992,
    "steps": 50,
    "cfg": 9.0,
    "shift": 13.0,
    "fps": 25.0,
    "positive_suffix": TI2V_POSITIVE_SUFFIX,
    "negative_prompt": TI2V_NEGATIVE_PROMPT,
    "motion_score": 5.0,
}

MIN_KEPT = 0.5  # refuse a first frame whose centre crop would keep less than this share of the resized image

_OPAQUE_MODES = {"1", "L", "P", "RGB", "CMYK", "YCbCr"}  # 8-bit modes PIL converts to RGB exactly
_ALPHA_MODES = {"LA", "La", "PA", "RGBA", "RGBa"}


def is_image_conditioned(config: Any) -> bool:
    """Whether a DiT config takes first-frame condition latents: its patch embed reads latents + condition
    latents (``in_channels == 2 * out_channels``, the official TI2V layout)."""
    return int(config.in_channels) == 2 * int(config.out_channels)


def check_image_inputs(
    image_conditioned: bool,
    motion_scored: bool,
    has_image: bool,
    motion_score: Any,
    default_motion_score: float | None = None,
    model_dir: str | os.PathLike[str] | None = None,
) -> float | None:
    """A first frame and motion score against what the DiT takes: ValueError for an image on a text-to-video
    model, none on an image-to-video one, a motion score it has no input for, or one not a finite number >= 0.
    Returns the score the DiT gets (``motion_score``, else ``default_motion_score``; None when it takes none
    or neither is given). ``model_dir``: word the errors for ``stepvid generate`` (its flags, that folder)."""
    cli = model_dir is not None
    if has_image and not image_conditioned:
        raise ValueError(
            (f"--image: model folder {model_dir} is text-to-video only (its DiT has no condition channels); "
             "use an image-to-video model such as Step-Video-TI2V") if cli else
            ("this model is text-to-video only (its DiT has no condition channels); an image needs an "
             "image-to-video model such as Step-Video-TI2V"))
    if not has_image and image_conditioned:
        raise ValueError(
            f"model folder {model_dir} is image-to-video: give the first frame with --image FILE" if cli else
            ("this model is image-to-video (its DiT takes first-frame condition latents): pass image= "
             "(stepvid generate --image FIRST_FRAME.png)"))
    if not motion_scored:
        if motion_score is not None:
            raise ValueError(
                (f"--motion-score: model folder {model_dir} has no motion-score input (its motion comes from "
                 "the prompt)") if cli else
                ("this model has no motion-score input (no motion_score_embedder); drop the motion score "
                 "(its motion comes from the prompt)"))
        return None
    score = default_motion_score if motion_score is None else motion_score
    if score is None:
        return None
    if isinstance(score, bool) or not isinstance(score, (int, float)) or not math.isfinite(score) or score < 0:
        name = "--motion-score" if cli else "motion score"
        raise ValueError(f"{name} must be a finite number >= 0; got {score!r}")
    return float(score)


# ------------------------------------------------------------------------------------------------ reading
def _from_pil(im: Any, what: str) -> torch.Tensor:
    mode = im.mode
    if mode in _ALPHA_MODES or (mode == "P" and "transparency" in im.info):
        alpha = np.asarray(im.convert("RGBA"))[..., 3]
        hidden = int((alpha < 255).sum())
        if hidden:
            raise ValueError(
                f"{what} has {hidden:,} of {alpha.size:,} pixels (partly) transparent; a video frame is opaque: "
                "flatten it onto a background first (the official code would drop the alpha channel and show "
                "whatever colour those pixels hold)"
            )
    elif mode not in _OPAQUE_MODES:
        raise ValueError(
            f"{what} has image mode {mode!r} (high bit depth or an unusual colour space); save it as 8-bit RGB "
            "(e.g. a PNG or JPEG) first"
        )
    rgb = np.asarray(im.convert("RGB"))
    return torch.from_numpy(rgb.copy()).permute(2, 0, 1).float().div(255) * 2 - 1


def _from_array(a: np.ndarray | torch.Tensor, what: str) -> torch.Tensor:
    t = a.detach().cpu() if isinstance(a, torch.Tensor) else torch.from_numpy(np.array(a))  # a writable copy
    if t.ndim != 3 or t.shape[-1] != 3 or t.shape[0] < 1 or t.shape[1] < 1:
        raise ValueError(f"{what} must be [H, W, 3] (height, width, RGB); got shape {list(t.shape)}")
    if t.dtype == torch.uint8:
        x = t.float().div(255)
    elif t.is_floating_point():
        x = t.float()
        lo, hi = float(x.min()), float(x.max())
        if not (math.isfinite(lo) and math.isfinite(hi)) or lo < 0 or hi > 1:
            raise ValueError(
                f"{what}: float pixel values must be finite and in [0, 1]; got min {lo:g}, max {hi:g}"
            )
    else:
        raise ValueError(
            f"{what}: pixels must be uint8 (0-255) or float (0-1); got {str(t.dtype).split('.')[-1]}"
        )
    return x.permute(2, 0, 1).contiguous() * 2 - 1


def load_image(image: ImageInput, what: str = "image") -> torch.Tensor:
    """The first frame as float32 [3, H, W] in [-1, 1], as the official pipeline scales it (``x / 255 * 2 - 1``).

    ``image``: a file path (any format PIL reads), a PIL image, or an [H, W, 3] array/tensor of uint8 (0-255) or
    float (0-1) RGB values. PIL modes L, 1, P, CMYK, YCbCr are converted to RGB like the official code does;
    images with transparent pixels, high bit depth or an unknown layout are refused with a ValueError naming the
    problem; a missing file raises FileNotFoundError."""
    if isinstance(image, (str, os.PathLike)):
        path = Path(image)
        if not path.exists():
            raise FileNotFoundError(f"{what} file not found: {path}")
        if not path.is_file():
            raise ValueError(f"{what} {path} is not a file")
        from stepvid.optional import require

        pil = require("PIL.Image", "data", "reading a first-frame image")
        try:
            with pil.open(path) as im:
                im.load()
                return _from_pil(im, f"{what} {path}")
        except (OSError, SyntaxError, EOFError, pil.DecompressionBombError) as exc:
            raise ValueError(f"cannot read {what} {path}: {exc}") from None
    if isinstance(image, (np.ndarray, torch.Tensor)):
        return _from_array(image, what)
    if hasattr(image, "mode") and hasattr(image, "convert"):
        return _from_pil(image, what)
    raise ValueError(
        f"{what} must be a file path, a PIL image or an [H, W, 3] uint8/float array; got {type(image).__name__}"
    )


# ------------------------------------------------------------------------------------------- size handling
def cover_crop_size(h: int, w: int, height: int, width: int) -> tuple[int, int, int, int]:
    """(resized h, resized w, top, left) of the official resize-to-cover + centre crop from h x w to
    height x width: scale by width / w when the image is relatively taller than the video, else by
    height / h; sizes rounded (Python ``round``), crop offsets ``delta // 2``."""
    if w / h < width / height:
        scale = width / w
    else:
        scale = height / h
    sh, sw = round(h * scale), round(w * scale)
    return sh, sw, (sh - height) // 2, (sw - width) // 2


def resize_crop(frame: torch.Tensor, height: int, width: int, min_kept: float = 0.0) -> torch.Tensor:
    """Resize [3, h, w] to cover ``height x width`` (bilinear, antialiased, half-pixel centres: torchvision's
    tensor ``Resize``) and centre-crop to it. ValueError when the crop would keep less than ``min_kept`` of the
    resized image (aspect ratio too far from the video's)."""
    _, h, w = frame.shape
    sh, sw, top, left = cover_crop_size(h, w, height, width)
    kept = height * width / (sh * sw)
    if kept < min_kept:
        raise ValueError(
            f"a {w}x{h} image (width x height) would lose {100 * (1 - kept):.0f} % of its area to the centre crop "
            f"for a {width}x{height} video (at most {100 * (1 - min_kept):.0f} % may be cut): pick --width/--height "
            f"closer to its aspect ratio {w / h:.2f}, or crop the image yourself"
        )
    if (sh, sw) != (h, w):
        frame = F.interpolate(
            frame[None], size=(sh, sw), mode="bilinear", align_corners=False, antialias=True
        )[0]
    return frame[:, top : top + height, left : left + width]


def first_frame(image: ImageInput, height: int, width: int, min_kept: float = MIN_KEPT) -> torch.Tensor:
    """:func:`load_image` then :func:`resize_crop`: the first frame [3, height, width] in [-1, 1]."""
    return resize_crop(load_image(image), height, width, min_kept)


# ------------------------------------------------------------------------------------------- condition
def condition_generator(seed: int | None) -> torch.Generator:
    """The CPU generator of the posterior sample's eps for generation ``seed``: a fixed offset of it, so the eps
    is not the first values of the initial noise (drawn from ``seed`` itself). None: torch's default seed."""
    gen = torch.Generator()
    if seed is not None:
        gen.manual_seed((int(seed) + 0x9E3779B97F4A7C15) % 2**64)
    return gen


@torch.no_grad()
def encode_first_frame(
    vae: torch.nn.Module, frame: torch.Tensor, generator: torch.Generator | None = None, sample: bool = True
) -> torch.Tensor:
    """One latent frame [1, 1, z, h/16, w/16] for a frame [3, h, w] in [-1, 1], encoded as a one-frame clip in
    the VAE's dtype: the posterior sample ``mean + exp(logvar / 2) * eps`` (eps: float32 standard normal from
    ``generator`` on the CPU, cast to the VAE dtype, as the official encode draws it), or the mean."""
    p = next(vae.parameters())
    mean, logvar = vae.encode_moments(frame.to(device=p.device, dtype=p.dtype)[None, None])
    if not sample:
        return mean
    eps = torch.randn(mean.shape, generator=generator, dtype=torch.float32).to(
        device=mean.device, dtype=mean.dtype
    )
    return mean + torch.exp(0.5 * logvar) * eps


def ti2v_from_t2v(dit: torch.nn.Module) -> torch.nn.Module:
    """An image-to-video StepVideoDiT that starts as the text-to-video ``dit``: the same weights, plus patch-embed
    inputs for the condition latents whose weights are zero, so its output equals ``dit``'s for any condition
    (the start of the bundled TI2V recipe, recipes/bundled/ti2v.py). No motion-score input is added."""
    from dataclasses import replace

    from stepvid.models.dit import StepVideoDiT

    cfg = dit.config
    if cfg.in_channels != cfg.out_channels:
        raise ValueError(
            f"expected a text-to-video DiT (in = out channels); got {cfg.in_channels}/{cfg.out_channels}"
        )
    p = next(dit.parameters())
    with torch.device(p.device):
        new = StepVideoDiT(replace(cfg, in_channels=2 * cfg.in_channels)).to(p.dtype)
    state = dict(dit.state_dict())
    w = state["pos_embed.proj.weight"]
    state["pos_embed.proj.weight"] = torch.cat([w, torch.zeros_like(w)], dim=1)
    new.load_state_dict(state, strict=True)
    return new


def condition_latents(first: torch.Tensor, num_latent_frames: int) -> torch.Tensor:
    """[B, F, z, h, w]: the first-frame latents [B, 1, z, h, w] at latent frame 0, zeros after it."""
    if first.ndim != 5 or first.shape[1] != 1:
        raise ValueError(f"first-frame latents must be [B, 1, z, h, w]; got {list(first.shape)}")
    pad = first.new_zeros((first.shape[0], num_latent_frames - 1, *first.shape[2:]))
    return torch.cat([first, pad], dim=1)
