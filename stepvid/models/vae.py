"""Step-Video Video-VAE v2: weight-compatible with ``vae/vae_v2.safetensors``; chunked and tiled codec.

Layouts: video [B, T, 3, H, W] in [-1, 1]; latents [B, T_lat, z, H/16, W/16] (frame-major like the DiT).
Video is cut into independent 17-frame chunks (3 latent frames each); a single frame (an image) maps to a
single latent frame. Decoded chunks are joined with the official seam blend (spec §3.7). Latents are
unscaled (scale 1.0, shift 0).

Presets (``VAEConfig.preset(name)``; all share the family: causal 3D convs, per-frame GroupNorm, 8x16x16
compression, dual-path (un)shuffle layers):

=====================  ================================================  ====  ===========
name                   widths encoder / decoder (res blocks enc / dec)    z     parameters
=====================  ================================================  ====  ===========
``stepvideo-vae-v2``   128-256-512-512 / 512-512-256-128 (2 / 3), 32 gr.  64    498,818,819
``small``              16-32-64-64 / 64-64-32-16 (1 / 2), 16 groups       16    10,877,107
``tiny``               16-16-32-32 / 32-32-16-16 (1 / 1), 8 groups        4     1,595,691
=====================  ================================================  ====  ===========

``stepvideo-vae-v2`` is the released model; ``small`` is sized for a CPU-friendly bundled model and
``tiny`` for tests. The dual-path unpatchify conv alone has 27,648 * z^2 parameters (7.1 M at z = 16), so
members with z >= 16 cannot go much below ~10 M parameters — unless ``unpatchify_kernel=1`` (1,024 * z^2: the
same dual path with a 1x1x1 correction conv; not the released layout).

Progressive training (report §9.2): ``dual_path=False`` builds the stage-1 member, a 4x8x8 VAE whose latent
is the mid-block resolution (17 frames <-> 5 latent frames, H/8 x W/8): the encoder's ``conv_out`` maps the
mid width straight to 2z and the decoder's ``conv_in`` maps z to the mid width, with no (un)patchify layers
or shortcuts. :meth:`VideoVAE.load_progressive` loads such a model into the dual-path (stage-2) model; the
layers in :data:`PROGRESSIVE_NEW_LAYERS` start fresh, every other key is inherited unchanged.

Memory: every 3-latent chunk is decoded separately and can be moved to CPU / uint8 at once. With
``tile_size`` the full-resolution levels (decoder upsampling levels, encoder down levels) run on overlapping
spatial tiles whose outputs are blended with linear ramps; the latent-resolution part, including the mid
block's causal attention, always sees the whole frame. Tiling is an approximation: each tile's per-frame
GroupNorm statistics are those of the tile, and convs see zero padding at tile borders (see tests).
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from stepvid.models.vae_layers import Decoder, Encoder

__all__ = ["PROGRESSIVE_NEW_LAYERS", "VAE_PRESETS", "VAEConfig", "VideoVAE", "blend_seams", "to_uint8"]

_CONFIG_METADATA_KEY = "stepvid_vae_config"
_RELEASED_FILE = "vae_v2.safetensors"


@dataclass(frozen=True)
class VAEConfig:
    """Architecture of a Video-VAE v2 family member.

    ``decoder_num_res_blocks`` counts the decoder's blocks per level; the official constructor's
    ``num_res_blocks=2`` means 2 per encoder level and 3 per decoder level. ``dual_path=False`` is the
    report's stage-1 4x8x8 model (no dual-path layers; see the module docstring).
    """

    z_channels: int = 64
    in_channels: int = 3
    out_channels: int = 3
    encoder_ch: int = 32
    encoder_ch_mult: tuple[int, ...] = (4, 8, 16, 16)
    encoder_num_res_blocks: int = 2
    decoder_ch: int = 128
    decoder_ch_mult: tuple[int, ...] = (1, 2, 4, 4)
    decoder_num_res_blocks: int = 3
    num_groups: int = 32
    eps: float = 1e-5
    # Fixed by the 8x16x16 family (17 frames <-> 3 latent frames); validated, not meant to be changed.
    encoder_temporal_down: tuple[int, ...] = field(default=(1, 2))
    decoder_temporal_up: tuple[int, ...] = field(default=(2, 3))
    dual_path: bool = True
    # Kernel of the decoder's dual-path unpatchify conv: 3 as released; 1 keeps the dual path (the shortcut
    # carries the latents, the conv adds a per-position correction) at 1/27 of its 27,648 * z^2 weights.
    unpatchify_kernel: int = 3

    def __post_init__(self) -> None:
        object.__setattr__(self, "encoder_ch_mult", tuple(self.encoder_ch_mult))
        object.__setattr__(self, "decoder_ch_mult", tuple(self.decoder_ch_mult))
        object.__setattr__(self, "encoder_temporal_down", tuple(self.encoder_temporal_down))
        object.__setattr__(self, "decoder_temporal_up", tuple(self.decoder_temporal_up))
        problems = []
        if len(self.encoder_ch_mult) != 4 or len(self.decoder_ch_mult) != 4:
            problems.append("encoder_ch_mult and decoder_ch_mult need 4 levels (8x16x16 compression)")
        if self.encoder_temporal_down != (1, 2) or self.decoder_temporal_up != (2, 3):
            problems.append("temporal levels must be encoder (1, 2) / decoder (2, 3) for 17 <-> 3 chunking")
        widths = [self.encoder_ch, *(self.encoder_ch * m for m in self.encoder_ch_mult),
                  *(self.decoder_ch * m for m in self.decoder_ch_mult)]
        bad = sorted({w for w in widths if w % self.num_groups})
        if bad:
            problems.append(f"widths {bad} not divisible by num_groups={self.num_groups}")
        for name, width in (("encoder", self.encoder_ch * self.encoder_ch_mult[-1]),
                            ("decoder", self.decoder_ch * self.decoder_ch_mult[-1])):
            if self.dual_path and width % (4 * self.z_channels):
                problems.append(f"{name} mid width {width} must be a multiple of 4*z_channels="
                                f"{4 * self.z_channels} (dual-path shortcut)")
        if self.unpatchify_kernel not in (1, 3):
            problems.append(f"unpatchify_kernel must be 1 or 3, got {self.unpatchify_kernel}")
        if min(self.encoder_num_res_blocks, self.decoder_num_res_blocks) < 1:
            problems.append("num_res_blocks must be >= 1")
        if problems:
            raise ValueError("invalid VAEConfig: " + "; ".join(problems))

    @property
    def patch_channels(self) -> int:
        """Width of the patchified latent-resolution path: 4 * z * 2^3 (2048 for z = 64)."""
        return 32 * self.z_channels

    frames_per_chunk = 17

    @property
    def latents_per_chunk(self) -> int:
        """Latent frames per 17-frame chunk: 3 (8x temporal) with dual path, 5 (4x) at the mid block without."""
        return 3 if self.dual_path else 5

    @property
    def spatial_ratio(self) -> int:
        return 16 if self.dual_path else 8

    @property
    def feature_scale(self) -> int:
        """Mid-block feature pixels per latent pixel (the dual-path layers halve the resolution)."""
        return 2 if self.dual_path else 1

    @classmethod
    def preset(cls, name: str, **overrides) -> VAEConfig:
        if name not in VAE_PRESETS:
            raise ValueError(f"unknown VAE preset {name!r}; choose from {sorted(VAE_PRESETS)}")
        return replace(VAE_PRESETS[name], **overrides)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> VAEConfig:
        return cls(**json.loads(text))

    @classmethod
    def infer(cls, shapes: Mapping[str, tuple[int, ...]], num_groups: int = 32) -> VAEConfig:
        """Recover the architecture from a state dict's key -> shape map (released or stepvid naming)."""
        def out_ch(key: str) -> int:
            if key not in shapes:
                raise ValueError(f"cannot infer VAE config: key {key!r} missing")
            return int(shapes[key][0])

        def n_blocks(prefix: str) -> int:
            return 1 + max(int(k[len(prefix):].split(".")[0]) for k in shapes if k.startswith(prefix))

        if "decoder.conv_unpatchify.conv.conv.weight" not in shapes:
            raise ValueError("not a Video-VAE v2 state dict (no decoder.conv_unpatchify); the v1 file "
                             "vae/vae.safetensors is not supported, use vae/vae_v2.safetensors")
        conv_out = "decoder.conv_out.weight" if "decoder.conv_out.weight" in shapes else "decoder.conv_out.conv.weight"
        z = int(shapes["decoder.conv_in.conv.weight"][1])
        enc_ch = out_ch("encoder.conv_in.conv.weight")
        dec_ch = int(shapes[conv_out][1])
        enc_rb = n_blocks("encoder.down.0.block.")
        dec_rb = n_blocks("decoder.up.0.block.")
        enc_w = [out_ch(f"encoder.down.{i}.block.0.conv1.conv.weight") for i in range(4)]
        dec_w = [out_ch(f"decoder.up.{i}.block.0.conv1.conv.weight") for i in range(4)]
        return cls(
            z_channels=z, in_channels=int(shapes["encoder.conv_in.conv.weight"][1]),
            out_channels=int(shapes[conv_out][0]),
            encoder_ch=enc_ch, encoder_ch_mult=tuple(w // enc_ch for w in enc_w), encoder_num_res_blocks=enc_rb,
            decoder_ch=dec_ch, decoder_ch_mult=tuple(w // dec_ch for w in dec_w), decoder_num_res_blocks=dec_rb,
            num_groups=num_groups,
            unpatchify_kernel=int(shapes["decoder.conv_unpatchify.conv.conv.weight"][-1]),
        )


VAE_PRESETS: dict[str, VAEConfig] = {
    "stepvideo-vae-v2": VAEConfig(),
    "small": VAEConfig(z_channels=16, encoder_ch=16, encoder_ch_mult=(1, 2, 4, 4), encoder_num_res_blocks=1,
                       decoder_ch=16, decoder_ch_mult=(1, 2, 4, 4), decoder_num_res_blocks=2, num_groups=16),
    "tiny": VAEConfig(z_channels=4, encoder_ch=16, encoder_ch_mult=(1, 1, 2, 2), encoder_num_res_blocks=1,
                      decoder_ch=16, decoder_ch_mult=(1, 1, 2, 2), decoder_num_res_blocks=1, num_groups=8),
}

# Layers a stage-2 (dual-path) model does not inherit from stage 1: the dual-path modules themselves, plus the
# two convs that change role and input/output width (stage 1: encoder.conv_out mid width -> 2z at H/8 and
# decoder.conv_in z -> mid width; stage 2: 32z -> 2z and z -> 32z at H/16). They restart from their init even
# if their shapes happen to coincide. Everything else, encoder.norm_out included, keeps its key and shape.
PROGRESSIVE_NEW_LAYERS: tuple[str, ...] = (
    "encoder.conv_patchify.", "encoder.conv_out.", "decoder.conv_in.", "decoder.conv_unpatchify.")


# ----------------------------------------------------------------------------- helpers

def blend_seams(prev: torch.Tensor, cur: torch.Tensor, keep: float = 0.6) -> tuple[torch.Tensor, torch.Tensor]:
    """Official seam mix between two decoded chunks [B, T, ...] (out of place, autograd-safe).

    With a = last frame of ``prev`` and b = first frame of ``cur``: b <- keep*b + (1-keep)*a, then
    a <- keep*a + (1-keep)*b using the updated b.
    """
    a, b = prev[:, -1:], cur[:, :1]
    b = b * keep + a * (1.0 - keep)
    a = a * keep + b * (1.0 - keep)
    return torch.cat([prev[:, :-1], a], dim=1), torch.cat([b, cur[:, 1:]], dim=1)


def to_uint8(frames: torch.Tensor) -> torch.Tensor:
    """Official post-processing: (clamp(x, -1, 1) + 1) * 127.5, clamp to [0, 255], truncate to uint8."""
    return ((frames.clamp(-1, 1) + 1) * 127.5).clamp(0, 255).to(torch.uint8)


def nearest_multiples(n: int, step: int) -> str:
    """The positive multiples of ``step`` next to ``n`` for an error message: "17 or 34" for 20, "17" for
    any n < 17 (zero and negative values included)."""
    lo, hi = (n // step) * step, max((n // step + 1) * step, step)
    return " or ".join(str(v) for v in (lo, hi) if v > 0)


def _tile_starts(length: int, tile: int, overlap: int) -> list[int]:
    if length <= tile:
        return [0]
    stride = tile - overlap
    n = math.ceil((length - tile) / stride) + 1
    return [min(i * stride, length - tile) for i in range(n)]


def _ramp(n: int, ramp_lo: int, ramp_hi: int, device: torch.device, dtype: torch.dtype) -> torch.Tensor:
    """1-D blend weights: linear ramps (1/(r+1) .. r/(r+1)) on sides that overlap a neighbour, 1 elsewhere."""
    w = torch.ones(n, device=device, dtype=dtype)
    if ramp_lo:
        w[:ramp_lo] = torch.arange(1, ramp_lo + 1, device=device, dtype=dtype) / (ramp_lo + 1)
    if ramp_hi:
        w[n - ramp_hi:] = torch.minimum(
            w[n - ramp_hi:], torch.arange(ramp_hi, 0, -1, device=device, dtype=dtype) / (ramp_hi + 1))
    return w


def _tiled(fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor, grid: tuple[int, int],
           tile: tuple[int, int], overlap: tuple[int, int], in_scale: int, out_scale: int) -> torch.Tensor:
    """Apply ``fn`` to overlapping spatial tiles of x [B, C, T, H, W] and blend the outputs linearly.

    Tiles are laid out on a ``grid`` (the latent grid); a tile spanning grid cells [s, e) reads input
    pixels [s*in_scale, e*in_scale) and writes output pixels [s*out_scale, e*out_scale). Overlapping outputs
    are averaged with linear ramps over the overlap width, normalised by the summed weights; the blend
    accumulates in float32 (float64 for a float64 model).
    """
    gh, gw = grid
    out = weight = None
    for y0 in _tile_starts(gh, tile[0], overlap[0]):
        y1 = min(y0 + tile[0], gh)
        for x0 in _tile_starts(gw, tile[1], overlap[1]):
            x1 = min(x0 + tile[1], gw)
            y = fn(x[..., y0 * in_scale:y1 * in_scale, x0 * in_scale:x1 * in_scale])
            if out is None:
                acc = torch.promote_types(y.dtype, torch.float32)
                out = torch.zeros(*y.shape[:3], gh * out_scale, gw * out_scale, device=y.device, dtype=acc)
                weight = torch.zeros(gh * out_scale, gw * out_scale, device=y.device, dtype=acc)
            ov_h, ov_w = overlap[0] * out_scale, overlap[1] * out_scale
            wy = _ramp(y.shape[-2], ov_h if y0 > 0 else 0, ov_h if y1 < gh else 0, y.device, acc)
            wx = _ramp(y.shape[-1], ov_w if x0 > 0 else 0, ov_w if x1 < gw else 0, y.device, acc)
            w2 = wy[:, None] * wx[None, :]
            sl = (slice(y0 * out_scale, y1 * out_scale), slice(x0 * out_scale, x1 * out_scale))
            out[..., sl[0], sl[1]] += y.to(acc) * w2
            weight[sl] += w2
            dtype = y.dtype
    return (out / weight).to(dtype)


def _autotuned(method: Callable) -> Callable:
    """Run a VideoVAE method under its :meth:`VideoVAE._conv_autotune`."""
    @functools.wraps(method)
    def run(self: VideoVAE, *args, **kwargs):
        with self._conv_autotune():
            return method(self, *args, **kwargs)
    return run


def _pair(v: int | tuple[int, int]) -> tuple[int, int]:
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


# ----------------------------------------------------------------------------- the model

class VideoVAE(nn.Module):
    """Step-Video Video-VAE v2 (encoder + decoder). Plain module: trains with autograd.

    ``gradient_checkpointing = True`` recomputes the ResBlocks, attention and 3-D upsampling blocks in the
    backward pass (only while grad is enabled).
    """

    def __init__(self, config: VAEConfig | None = None):
        super().__init__()
        self.config = config or VAEConfig()
        self.encoder = Encoder(self.config)
        self.decoder = Decoder(self.config)

    # -- construction / weights ------------------------------------------------------------------------

    @classmethod
    def from_preset(cls, name: str, **overrides) -> VideoVAE:
        return cls(VAEConfig.preset(name, **overrides))

    @property
    def gradient_checkpointing(self) -> bool:
        return self.encoder.gradient_checkpointing

    @gradient_checkpointing.setter
    def gradient_checkpointing(self, on: bool) -> None:
        self.encoder.gradient_checkpointing = self.decoder.gradient_checkpointing = bool(on)

    @staticmethod
    def normalize_keys(state_dict: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """Accept the official module-tree name ``decoder.conv_out.conv.*`` for the file's ``decoder.conv_out.*``."""
        return {("decoder.conv_out." + k[len("decoder.conv_out.conv."):]
                 if k.startswith("decoder.conv_out.conv.") else k): v for k, v in state_dict.items()}

    def check_state_dict(self, state_dict: Mapping[str, torch.Tensor]) -> None:
        """Raise ValueError naming every missing / unexpected key and every shape mismatch."""
        expected = {k: tuple(v.shape) for k, v in self.state_dict().items()}
        got = {k: tuple(v.shape) for k, v in state_dict.items()}
        missing = sorted(expected.keys() - got.keys())
        unexpected = sorted(got.keys() - expected.keys())
        mismatched = sorted(k for k in expected.keys() & got.keys() if expected[k] != got[k])
        if not (missing or unexpected or mismatched):
            return

        def show(keys: list[str], fmt: Callable[[str], str]) -> str:
            more = f", ... ({len(keys) - 8} more)" if len(keys) > 8 else ""
            return ", ".join(fmt(k) for k in keys[:8]) + more

        c = self.config
        parts = []
        if missing:
            parts.append(f"missing {len(missing)}: " + show(missing, lambda k: f"{k} {list(expected[k])}"))
        if unexpected:
            parts.append(
                f"unexpected {len(unexpected)}: " + show(unexpected, lambda k: f"{k} {list(got[k])}")
            )
        if mismatched:
            parts.append(f"shape mismatch {len(mismatched)}: " + show(
                mismatched, lambda k: f"{k}: checkpoint {list(got[k])} vs model {list(expected[k])}"))
        raise ValueError(f"VAE state dict does not match {type(self).__name__}(z_channels={c.z_channels}, "
                         f"encoder_ch={c.encoder_ch}, decoder_ch={c.decoder_ch}): " + "; ".join(parts))

    def load_state_dict(self, state_dict: Mapping[str, torch.Tensor], strict: bool = True, assign: bool = False):
        """Load weights in released naming (or the official module-tree naming); strict by default."""
        state_dict = self.normalize_keys(state_dict)
        if strict:
            self.check_state_dict(state_dict)
        return super().load_state_dict(state_dict, strict=strict, assign=assign)

    def load_progressive(self, stage1_state: Mapping[str, torch.Tensor]) -> list[str]:
        """Initialise this dual-path (stage-2) model from a ``dual_path=False`` (stage-1) state dict.

        Every stage-1 tensor outside :data:`PROGRESSIVE_NEW_LAYERS` is copied; the keys of those layers keep
        this model's current values and are returned (sorted). The stage-1 state must match
        ``replace(self.config, dual_path=False)`` exactly, else ValueError names the offending keys/shapes.
        """
        if not self.config.dual_path:
            raise ValueError("load_progressive: this model has dual_path=False; build the stage-2 model with "
                             "dual_path=True and load the stage-1 weights into it")
        with torch.device("meta"):
            stage1 = type(self)(replace(self.config, dual_path=False))
        state = self.normalize_keys(stage1_state)
        try:
            stage1.check_state_dict(state)
        except ValueError as e:
            raise ValueError(f"load_progressive: not a stage-1 checkpoint of this config: {e}") from None
        inherited = {k: v for k, v in state.items() if not k.startswith(PROGRESSIVE_NEW_LAYERS)}
        own = self.state_dict()
        bad = sorted(k for k, v in inherited.items() if k not in own or tuple(own[k].shape) != tuple(v.shape))
        if bad:  # cannot happen for VideoVAE itself; guards subclasses that change shared layers
            raise ValueError(f"load_progressive: inherited keys absent or reshaped in stage 2: {bad[:8]}")
        new = sorted(k for k in own if k not in inherited)
        result = super().load_state_dict(inherited, strict=False)
        assert not result.unexpected_keys and sorted(result.missing_keys) == new
        return new

    @staticmethod
    def weights_file(path: str | Path) -> Path:
        """The safetensors file ``from_pretrained(path)`` reads: ``path`` itself, or in a folder
        ``vae_v2.safetensors``, ``vae/vae_v2.safetensors`` or its only other ``*.safetensors``."""
        path = Path(path)
        if path.is_dir():
            from stepvid.checkpoints import visible_files

            cands = [path / _RELEASED_FILE, path / "vae" / _RELEASED_FILE, *visible_files(path, "*.safetensors")]
            found = next((p for p in cands if p.is_file()), None)
            if found is None:
                raise FileNotFoundError(f"no {_RELEASED_FILE} (or other .safetensors) in {path}")
            path = found
        if not path.is_file():
            raise FileNotFoundError(f"VAE weights not found: {path}")
        return path

    @classmethod
    def config_of(cls, path: str | Path, config: VAEConfig | str | None = None) -> VAEConfig:
        """The architecture ``from_pretrained(path, config)`` builds, from the file's header only (no tensor
        data read): ``config`` (a VAEConfig or preset name), else the config stored in the metadata by
        :meth:`save_pretrained`, else inferred from the tensor shapes. The file is verified complete first."""
        from stepvid.checkpoints import read_safetensors_header, read_safetensors_metadata

        path = cls.weights_file(path)
        shapes = {k: v.shape for k, v in read_safetensors_header(path).items()}
        if isinstance(config, VAEConfig):
            return config
        if isinstance(config, str):
            return VAEConfig.preset(config)
        meta = read_safetensors_metadata(path)
        try:
            if _CONFIG_METADATA_KEY in meta:
                return VAEConfig.from_json(meta[_CONFIG_METADATA_KEY])
            return VAEConfig.infer(cls.normalize_keys(shapes))
        except (TypeError, ValueError) as e:
            raise ValueError(f"{path}: {e}") from None

    @classmethod
    def from_pretrained(cls, path: str | Path, config: VAEConfig | str | None = None, *,
                        device: torch.device | str = "cpu", dtype: torch.dtype | None = None) -> VideoVAE:
        """Load ``vae_v2.safetensors`` (a file, or a folder holding it or ``vae/vae_v2.safetensors``).

        The architecture comes from ``config`` (a VAEConfig or preset name), else from the config stored in
        the file's metadata by :meth:`save_pretrained`, else it is inferred from the tensor shapes
        (:meth:`config_of`). The file's header and size are verified before any tensor is read, and weights
        are read once into a meta-initialised model (no second copy in memory).
        """
        from safetensors import safe_open

        path = cls.weights_file(path)
        config = cls.config_of(path, config)
        with safe_open(str(path), framework="pt", device=str(device)) as f:
            state = {k: f.get_tensor(k) for k in f.keys()}  # noqa: SIM118
        with torch.device("meta"):
            model = cls(config)
        try:
            model.load_state_dict(state, strict=True, assign=True)
        except ValueError as e:
            raise ValueError(f"{path}: {e}") from None
        return model.to(device=device, dtype=dtype)

    def save_pretrained(self, path: str | Path) -> Path:
        """Write safetensors in the released naming (``decoder.conv_out.weight``), config in the metadata."""
        from safetensors.torch import save_file

        from stepvid.video import atomic_path

        path = Path(path)
        if path.suffix != ".safetensors":
            path = path / _RELEASED_FILE
        state = {k: v.detach().cpu().contiguous() for k, v in self.state_dict().items()}
        with atomic_path(path) as tmp:
            save_file(state, str(tmp), metadata={_CONFIG_METADATA_KEY: self.config.to_json()})
        return path

    # -- frame bookkeeping -----------------------------------------------------------------------------

    def num_latent_frames(self, num_frames: int) -> int:
        """17k frames -> 3k latent frames; 1 frame (an image) -> 1. Anything else raises ValueError."""
        f, l = self.config.frames_per_chunk, self.config.latents_per_chunk
        if num_frames == 1:
            return 1
        if num_frames <= 0 or num_frames % f:
            raise ValueError(f"VideoVAE: {num_frames} frames do not fit the {f}-frame chunking; use a multiple "
                             f"of {f} (nearest: {nearest_multiples(num_frames, f)}) or 1 frame for an image")
        return num_frames // f * l

    def num_frames(self, num_latent_frames: int) -> int:
        """3k latent frames -> 17k frames; 1 -> 1. Anything else raises ValueError."""
        f, l = self.config.frames_per_chunk, self.config.latents_per_chunk
        if num_latent_frames == 1:
            return 1
        if num_latent_frames <= 0 or num_latent_frames % l:
            near = nearest_multiples(num_latent_frames, l)
            raise ValueError(f"VideoVAE: {num_latent_frames} latent frames do not fit the {l}-latent chunking; "
                             f"use a multiple of {l} (nearest: {near}) or 1")
        return num_latent_frames // l * f

    def set_channels_last(self, on: bool = True) -> VideoVAE:
        """Channels-last-3d layout for every spatial (3x3x3) conv, equal to the default layout within summation
        order. On the CPU oneDNN's fast layout (the bundled VAE's 34-frame decode 8.4 -> 7.3 s on 2 cores); on
        CUDA, with :meth:`set_fused_norm` and cuDNN choosing its algorithms by timing (done for these convs by
        :meth:`decode` and :meth:`encode_raw`), it drops cuDNN's NCDHW <-> NDHWC copies around every conv (the
        released VAE's 204-frame 544x992 decode 9.1 -> 8.0 s on an H100). State dicts and saved files are
        unchanged (``save_pretrained`` writes contiguous tensors)."""
        from stepvid.models.vae_layers import CausalConv3d

        for m in self.modules():
            if isinstance(m, CausalConv3d) and max(m.conv.kernel_size) > 1:
                m.set_channels_last(on)
        self._channels_last = on
        return self

    _channels_last = False

    def set_fast_layout(self, device: torch.device | str) -> VideoVAE:
        """The fastest exact settings measured for ``device``: on the CPU channels-last convs (oneDNN); on CUDA,
        for a decoder as wide as the released one (128+ channels at full resolution), channels-last convs with
        fused norms compiled per shape (:meth:`set_fused_norm` with ``static``; 204 frames at 544x992 in 7.1 s
        instead of 8.2 s with dynamic shapes and 11.8 s eager on an H100, the compiles paid once per resolution),
        else the default layout (a narrow decoder decodes in less time than the compile takes)."""
        kind = torch.device(device).type
        wide = kind == "cuda" and self.config.decoder_ch >= 128
        return self.set_channels_last(kind == "cpu" or wide).set_fused_norm(wide, static=wide)

    @contextmanager
    def _conv_autotune(self) -> Iterator[None]:
        """cuDNN picks each conv's algorithm by timing (``torch.backends.cudnn.benchmark``) while the convs run
        channels-last on CUDA: its heuristic choice there is 1.5x slower than the default layout's (measured),
        the timed one faster. The first call at a new shape pays the timing; the setting is restored after."""
        if not (self._channels_last and self._param().is_cuda):
            yield
            return
        before = torch.backends.cudnn.benchmark
        torch.backends.cudnn.benchmark = True
        try:
            yield
        finally:
            torch.backends.cudnn.benchmark = before

    def set_fused_norm(self, on: bool = True, static: bool = False) -> VideoVAE:
        """Run every per-frame GroupNorm (and the SiLU after it) as one torch.compile'd reduction + pointwise
        pass in the tensor's own layout instead of transpose, ``F.group_norm``, transpose back and SiLU (GPU
        decode: GroupNorm and its copies are ~30 % of the time). Same maths; a one-off compile per shape family.
        ``static``: compiled per shape instead (more compiles; index arithmetic on constants)."""
        from stepvid.models.vae_layers import FrameGroupNorm

        for m in self.modules():
            if isinstance(m, FrameGroupNorm):
                m.fused, m.static = on, on and static
        return self

    def set_conv_by_frames(self, on: bool = True) -> VideoVAE:
        """Run every causal conv (and the sub-pixel upsampling convs) as one 2-D conv over its output frames, the
        time taps stacked into the channels (:func:`~stepvid.models.vae_layers.conv3d_by_frames`): same maths in
        another summation order, for backends whose 2-D kernels beat their 3-D ones."""
        from stepvid.models.vae_layers import CausalConv3d, Upsample2d

        for m in self.modules():
            if isinstance(m, (CausalConv3d, Upsample2d)):
                m.by_frames = on
        return self

    def set_subpixel_upsample(self, on: bool = True) -> VideoVAE:
        """Compute the decoder's nearest-x2 + conv on the low-resolution input (default; exact up to summation
        order, 64/216 of Upsample3d's conv1 and 16/36 of Upsample2d's conv MACs: the bundled VAE decodes 1.10x
        faster on 2 CPU cores, the released one 1.02x on an H200), or via the upsampled tensor as the released
        code does (``on=False``, for comparison)."""
        from stepvid.models.vae_layers import Upsample2d, Upsample3d

        for m in self.modules():
            if isinstance(m, (Upsample2d, Upsample3d)):
                m.subpixel = on
        return self

    def _param(self) -> torch.Tensor:
        return self.decoder.conv_out.weight

    # -- encode ----------------------------------------------------------------------------------------

    def _tiling(self, tile_size, tile_overlap) -> tuple[tuple[int, int], tuple[int, int]] | None:
        if tile_size is None:
            return None
        r = self.config.spatial_ratio
        ts = _pair(tile_size)
        # Default overlap: a quarter of the tile, rounded down to whole latent pixels (256 -> 64).
        ov = tuple(t // 4 // r * r for t in ts) if tile_overlap is None else _pair(tile_overlap)
        if any(v % r for v in (*ts, *ov)) or min(ts) <= 0 or min(ov) < 0:
            raise ValueError(f"tile_size {tile_size} and tile_overlap {tile_overlap} must be non-negative "
                             f"multiples of {r} pixels (tile_size > 0)")
        if ov[0] >= ts[0] or ov[1] >= ts[1]:
            raise ValueError(f"tile_overlap {tile_overlap} must be smaller than tile_size {tile_size}")
        return (ts[0] // r, ts[1] // r), (ov[0] // r, ov[1] // r)

    @_autotuned
    def encode_raw(self, video: torch.Tensor, *, tile_size: int | tuple[int, int] | None = None,
                   tile_overlap: int | tuple[int, int] | None = None, progress: bool = False) -> torch.Tensor:
        """Raw encoder output [B, T_lat, 2z, H/r, W/r] (mean ‖ logvar, no clamp; r = 16, or 8 without dual
        path), chunk by chunk."""
        if video.dim() != 5 or video.shape[2] != self.config.in_channels:
            raise ValueError(f"video must be [B, T, {self.config.in_channels}, H, W], got {list(video.shape)}")
        t, h, w = video.shape[1], video.shape[3], video.shape[4]
        self.num_latent_frames(t)
        r = self.config.spatial_ratio
        if h % r or w % r:
            raise ValueError(f"video height and width must be multiples of {r}, got {h}x{w}")
        tiling = self._tiling(tile_size, tile_overlap)
        p = self._param()
        out = []
        for chunk in tqdm(video.split(self.config.frames_per_chunk, dim=1), desc="VAE encode", disable=not progress):
            x = chunk.to(device=p.device, dtype=p.dtype).permute(0, 2, 1, 3, 4)
            if tiling is None:
                m = self.encoder(x)
            else:
                # Tile the full-resolution levels only; the mid block's causal attention sees the whole frame.
                f = _tiled(self.encoder.down_path, x, (h // r, w // r), *tiling, in_scale=r,
                           out_scale=self.config.feature_scale)
                m = self.encoder.latent_path(f)
            out.append(m.permute(0, 2, 1, 3, 4))
        return torch.cat(out, dim=1)

    def encode_moments(self, video: torch.Tensor, **kwargs) -> tuple[torch.Tensor, torch.Tensor]:
        """(mean, logvar) of the posterior, each [B, T_lat, z, h, w]; logvar clamped to [-30, 20]. For training."""
        mean, logvar = self.encode_raw(video, **kwargs).chunk(2, dim=2)
        return mean, logvar.clamp(-30.0, 20.0)

    def encode(self, video: torch.Tensor, sample: bool = False, generator: torch.Generator | None = None,
               **kwargs) -> torch.Tensor:
        """Video [B, T, 3, H, W] in [-1, 1] -> latents [B, T_lat, z, H/16, W/16].

        Returns the posterior mean by default (deterministic). ``sample=True`` draws mean + std * eps like the
        official ``encode`` (eps from ``torch.randn`` in float32 with ``generator``, cast to the model dtype).
        Keyword args (``tile_size``, ``tile_overlap``, ``progress``) go to :meth:`encode_raw`.
        """
        mean, logvar = self.encode_moments(video, **kwargs)
        if not sample:
            return mean
        eps = torch.randn(mean.shape, generator=generator, device=mean.device).to(mean.dtype)
        return mean + torch.exp(0.5 * logvar) * eps

    # -- decode ----------------------------------------------------------------------------------------

    @_autotuned
    def decode(self, latents: torch.Tensor, *, tile_size: int | tuple[int, int] | None = None,
               tile_overlap: int | tuple[int, int] | None = None, time_slice: int | None = None,
               output_device: torch.device | str | None = None, uint8: bool = False,
               progress: bool = False) -> torch.Tensor:
        """Latents [B, T_lat, z, h, w] -> video [B, T, 3, 16h, 16w] (T = T_lat/3*17, or 1 for 1 latent frame).

        Each 3-latent chunk is decoded on its own (optionally in ``tile_size``-pixel spatial tiles overlapping
        by ``tile_overlap`` pixels, default a quarter tile), seam-blended with its neighbour, then moved to
        ``output_device`` and converted to uint8 (official rounding, see :func:`to_uint8`) if asked, so at most
        two decoded chunks live on the compute device at once. ``time_slice`` (1..5) runs the upsampling levels on that many
        mid-level frames at a time with carried causal context: exact, and it divides the full-resolution
        activation memory by about 5 / time_slice (inference only; see ``Decoder.up_path``).
        """
        z = self.config.z_channels
        if latents.dim() != 5 or latents.shape[2] != z:
            raise ValueError(f"latents must be [B, T_lat, {z}, h, w], got {list(latents.shape)}")
        self.num_frames(latents.shape[1])
        tiling = self._tiling(tile_size, tile_overlap)
        p = self._param()
        r = self.config.spatial_ratio
        grid = tuple(latents.shape[-2:])

        def finish(frames: torch.Tensor) -> torch.Tensor:
            frames = frames.to(output_device) if output_device is not None else frames
            return to_uint8(frames) if uint8 else frames

        out, pending = [], None
        chunks = latents.split(self.config.latents_per_chunk, dim=1)
        for chunk in tqdm(chunks, desc="VAE decode", disable=not progress):
            x = chunk.to(device=p.device, dtype=p.dtype).permute(0, 2, 1, 3, 4)
            if tiling is None:
                y = self.decoder.up_path(self.decoder.latent_path(x), time_slice)
            else:
                # The latent-resolution part (incl. the mid block's causal attention) runs on the whole frame;
                # only the upsampling levels, which hold the large activations, run tile by tile.
                h = self.decoder.latent_path(x)
                y = _tiled(lambda t: self.decoder.up_path(t, time_slice), h, grid, *tiling,
                           in_scale=self.config.feature_scale, out_scale=r)
            y = y.permute(0, 2, 1, 3, 4)
            if pending is not None:
                pending, y = blend_seams(pending, y)
                out.append(finish(pending))
            pending = y
        out.append(finish(pending))
        return torch.cat(out, dim=1)

    @torch.no_grad()
    def encode_frames(self, frames: np.ndarray | torch.Tensor) -> torch.Tensor:
        """uint8 frames [T, H, W, 3] -> posterior mean [1, T_lat, z, H/16, W/16] on the module's device and dtype."""
        p = self._param()
        x = torch.as_tensor(frames).to(p.device).float().div(127.5).sub(1).permute(0, 3, 1, 2)[None]
        return self.encode(x.to(p.dtype))

    def reconstruct(self, frames: np.ndarray | torch.Tensor) -> np.ndarray:
        """uint8 frames [T, H, W, 3] -> encode (posterior mean) -> decode -> uint8 [T, H, W, 3], rounded: the
        round trip reconstruction metrics (PSNR) are computed on. Runs on the module's device and dtype."""
        y = self.decode(self.encode_frames(frames))[0].float()
        return ((y.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).permute(0, 2, 3, 1).cpu().numpy()

    def forward(self, video: torch.Tensor, sample: bool = True, generator: torch.Generator | None = None):
        """Reconstruction for training: returns (reconstruction, mean, logvar)."""
        mean, logvar = self.encode_moments(video)
        latents = mean
        if sample:
            latents = mean + torch.exp(0.5 * logvar) * torch.randn(
                mean.shape, generator=generator, device=mean.device).to(mean.dtype)
        return self.decode(latents), mean, logvar
