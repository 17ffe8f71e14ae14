"""How much memory a generation needs, estimated before any weights are read, against what the device has.

``stepvid generate`` calls :func:`check_generation_memory` after checking the model folder and before loading
it, so a size that cannot fit (``--frames 99994``, ``--height 100000``) is refused in a second with the
numbers, instead of an out-of-memory crash minutes or hours in. The estimate
(:func:`estimate_generation_memory`) adds up, in bytes:

* **weights** — every component's floating-point parameters (counted from the safetensors headers) times
  the pipeline dtype's size; Hunyuan-CLIP always fp32.
* **DiT activations** — one forward of ``R`` rows (2 with classifier-free guidance, else 1) over
  ``N = F_lat · (H/16/p) · (W/16/p)`` video tokens of width ``D``: ``DIT_ACTIVATION_FACTOR · R · N · D``
  elements of the model dtype. The blocks run one after another and nothing is kept for backward, so the
  peak is inside one block: the residual stream, the modulated input, the fused q|k|v (3), normed and
  rotated q and k, the attention output and its re-layout (≈ 10 widths in self-attention), or in the
  feed-forward the residual, its input and the 4·D hidden layer twice (GELU input and output, ≈ 10).
  Measured (``benchmarks/generation_memory.py``): 11.0-11.3 for the released width (48 x 128) in bf16 on an
  H200 at 3.5k-44k tokens, 5-9 for small widths in fp32 on the CPU; the factor is 12. Longer videos
  (> ``TOKEN_CHUNK`` tokens) run each block in token chunks (the pipeline's default): ``(5 · N + 12 · chunk) ·
  R · D`` (measured 6.2 · R · N · D eager, 5.1 compiled, at 75,888 tokens). Attention itself
  adds only ``O(N)`` with the SDPA flash / memory-efficient kernels PyTorch picks on CUDA and CPU; when the
  math kernel is forced (``STEPVID_ATTN_BACKEND=math``) the ``R · heads · N²`` fp32 scores (twice: logits
  and softmax) are added.
* **step cache** (``--step-cache``) — per video row (2 with guidance, also under CFG split, where each branch
  keeps its own), the first block's residual and the other blocks' summed residual at the last full step:
  ``2 · R · N · D`` elements of the model dtype, held through the DiT stage (3.7 GB for a guided 30B video at
  544x992x204 in bf16).
* **sparse attention** (``--sparse-attention``) — the gather kernel holds one chunk's gathered keys and
  values beside q, k, v (about one more ``R · N · D``); the flex kernel tile-major copies of q, k, v and its
  output (``4 · R · N · D``).
* **VAE decode** — chunks of 3 latent frames are decoded one at a time; the largest activations are in
  the decoder's upsampling levels: per level ``frames × channels × pixels`` (a video chunk: 20 frames at
  full and half resolution, 10 at a quarter, 5 at an eighth; an image: 4, 4, 2, 1; channels the wider of
  the level's input and output), with ``--vae-tile`` the tile's pixels instead of the frame's. The peak is
  ``VAE_ACTIVATION_FACTOR = 7`` times the widest such tensor (its input, GroupNorm's copy and output,
  SiLU, the causal pad, the conv output). Measured: 5.2-6.0 for the released VAE in bf16 on an H200
  (26.8 GiB for a 544x992 chunk), 4.4-6.7 for the ``small`` preset and the bundled VAE in fp32 on the CPU;
  only the test-only ``tiny`` preset goes higher (7.0, and 8.9 for one 256x256 image: 0.14 GiB). On CUDA the
  pipeline decodes a video's upsampling levels ``CUDA_VAE_TIME_SLICE`` mid-level frame(s) at a time: then the
  widest tensor is one slice's (4, 4, 2, 1 frames per slice frame at full, 1/2, 1/4, 1/8 resolution) times
  ``VAE_SLICE_FACTOR = 5``, plus every causal conv's carried input frames (2 per 3x3x3 conv at its input's
  width and resolution, 1 low-resolution frame per sub-pixel temporal upsampling conv). Measured (allocator
  history, released VAE, bf16, 544x992, H200): 9.0 GiB at the peak = 3.80 GiB carried frames (the formula:
  3.80) + 5.0 x the 1.03 GiB widest slice tensor.
* **output** — the decoded video on the host: ``T · 3 · H · W`` elements in the VAE dtype, a float32 copy
  with two float32 temporaries of post-processing, and the uint8 frames.

Where it must fit: on the CPU everything (weights, the larger of DiT and VAE activations, the output) must
fit in the available RAM; on CUDA the device must hold the resident weights plus the largest stage
(``--offload text``: DiT + VAE resident, the text encoder joins them while encoding; ``model``: one component
at a time; ``blocks``: as ``model``, but the DiT stage holds only the DiT's non-block weights, two block
buffers (and an fp8 workspace) from :func:`stepvid.models.streaming.streaming_footprint`, its blocks packed in
host memory, and a Step-LLM text encoder streams the same way, its embedding table and two layer buffers held
through every stage) in its free memory, and the host the offloaded weights plus the output. The estimate is a
planning number, not a guarantee: allocator fragmentation and other processes can still take memory.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import torch

from stepvid.model_folder import ModelPlan
from stepvid.models.fp8 import fp8_block_linear_params, fp8_block_linear_rows
from stepvid.models.streaming import streaming_footprint

__all__ = [
    "CUDA_VAE_TIME_SLICE",
    "DIT_ACTIVATION_FACTOR",
    "VAE_ACTIVATION_FACTOR",
    "VAE_SLICE_FACTOR",
    "MemoryEstimate",
    "available_memory",
    "check_generation_memory",
    "estimate_generation_memory",
    "format_bytes",
]

DIT_ACTIVATION_FACTOR = 12
# Token-chunked blocks (``DiTBlock.token_chunk``, the pipeline's default above TOKEN_CHUNK tokens): the input, q,
# k, v, the attention output and the result span the sequence; the rest is a plain block over one chunk.
# Measured at 75,888 tokens (released width, bf16, H200): 6.2 x R·N·D eager, 5.1 compiled; this bound gives 7.6.
DIT_CHUNKED_FACTOR = 5
TOKEN_CHUNK = 16384
VAE_ACTIVATION_FACTOR = 7
VAE_SLICE_FACTOR = 5
CUDA_VAE_TIME_SLICE = 1  # mid-level frames per slice of the pipeline's CUDA decode (TextToVideoPipeline.vae_time_slice)
GiB = 1024**3


@dataclass
class MemoryEstimate:
    """Bytes per part of a generation (see the module docstring)."""

    weights: dict[str, int]  # component role -> bytes
    text_activations: int
    dit_activations: int
    vae_activations: int
    output: int  # host bytes for the decoded video and its post-processing
    stream_device: int = 0  # --offload blocks: the DiT's device bytes (resident parts + block buffers)
    stream_host: int = 0  # --offload blocks: the packed blocks in (pinned) host memory
    # --offload blocks with a Step-LLM text encoder: its layers stream too. Its weights in the model dtype, its
    # device bytes (embedding table + two layer buffers, held through every stage) and its packed layers.
    llm_weights: int = 0
    llm_stream_device: int = 0
    llm_stream_host: int = 0

    def device_peak(self, device_type: str, offload: str) -> int:
        """Peak bytes on the compute device (on the CPU: everything, output included)."""
        w = self.weights
        stages = {
            "text_encoder": self.text_activations,
            "transformer": self.dit_activations,
            "vae": self.vae_activations,
        }
        if device_type == "cpu":
            return sum(w.values()) + max(stages.values()) + self.output
        if offload == "model":
            return max(w.get(role, 0) + act for role, act in stages.items())
        if offload == "blocks":
            held = self.llm_stream_device
            text = w.get("text_encoder", 0) - (self.llm_weights if held else 0)  # what moves in to encode
            return held + max(text + self.text_activations, self.stream_device + self.dit_activations,
                              w.get("vae", 0) + self.vae_activations)
        if offload == "text":
            resident = w.get("transformer", 0) + w.get("vae", 0)
            return resident + max(
                w.get("text_encoder", 0) + self.text_activations, self.dit_activations, self.vae_activations
            )
        return sum(w.values()) + max(stages.values())

    def host_peak(self, device_type: str, offload: str) -> int:
        """Peak host bytes beyond the device (CUDA: offloaded weights and the output); 0 on the CPU."""
        if device_type == "cpu":
            return 0
        if offload == "blocks":
            llm = self.llm_weights - self.llm_stream_host if self.llm_stream_device else 0  # packed instead
            return (sum(v for r, v in self.weights.items() if r != "transformer") - llm + self.stream_host
                    + self.output)
        offloaded = {"none": (), "text": ("text_encoder",), "model": tuple(self.weights)}[offload]
        return sum(self.weights.get(r, 0) for r in offloaded) + self.output


def _dtype_bytes(dtype: torch.dtype) -> int:
    return torch.empty((), dtype=dtype).element_size()


def _vae_widest(cfg, num_frames: int, height: int, width: int, tile: int | None, time_slice: int | None = None) -> int:
    """Elements of the widest decoder activation for one chunk: per upsampling level (full, 1/2, 1/4, 1/8
    resolution) frames x the wider of the widths entering and leaving it x pixels (module docstring); with
    ``time_slice`` a video's levels hold one slice's frames (4, 4, 2, 1 per mid-level frame) at a time."""
    ch, m = cfg.decoder_ch, cfg.decoder_ch_mult
    h, w = (min(height, tile), min(width, tile)) if tile else (height, width)
    frames = (20, 20, 10, 5) if num_frames > 1 else (4, 4, 2, 1)
    if time_slice:
        frames = tuple(min(f * time_slice, cap) for f, cap in zip((4, 4, 2, 1), frames))
    widths = (max(m[0], m[1]), max(m[1], m[2]), max(m[2], m[3]), m[3])
    return max(f * ch * wd * (h >> i) * (w >> i) for i, (f, wd) in enumerate(zip(frames, widths)))


def _vae_carried(cfg, height: int, width: int) -> int:
    """Elements the streamed decode carries between slices: each causal 3x3x3 conv of the upsampling levels keeps
    its last 2 input frames (conv_out too), a sub-pixel temporal upsampling conv its last low-resolution frame."""
    ch, m, n = cfg.decoder_ch, cfg.decoder_ch_mult, cfg.decoder_num_res_blocks
    total, block_in = 0, ch * m[-1]
    for i in reversed(range(len(m))):
        pixels, out = (height >> i) * (width >> i), ch * m[i]
        for b in range(n):  # conv1 reads the block's input width, conv2 its output width
            total += 2 * ((block_in if b == 0 else out) + out) * pixels
        block_in = out
        if i in cfg.decoder_temporal_up:  # Upsample3d: conv1 (sub-pixel, low resolution) and conv2 (upsampled)
            total += out * pixels + 2 * out * (height >> (i - 1)) * (width >> (i - 1))
    return total + 2 * ch * m[0] * height * width  # conv_out


def estimate_generation_memory(
    plan: ModelPlan,
    num_frames: int,
    height: int,
    width: int,
    guided: bool,
    dtype: torch.dtype,
    vae_tile: int | None = None,
    text_encoder_bytes: int | None = None,
    cfg_split: bool = False,
    sp: int = 1,
    stream_weights: str = "model",
    step_cache: bool = False,
    sparse_attention: str | None = None,
    fp8_matmul: bool = False,
    vae_time_slice: int | None = None,
) -> MemoryEstimate:
    """Bytes a generation needs (module docstring). ``text_encoder_bytes``: the size of a text encoder the
    caller supplies instead of the folder's. ``cfg_split``: the guided batch runs as two one-row DiT calls.
    ``sp``: one rank of a sequence-parallel group of that size (it holds 1/sp of the tokens, padded up).
    ``stream_weights``: how ``--offload blocks`` stores the blocks ("model" dtype or "fp8"). ``step_cache``:
    the step cache's residuals are kept beside the DiT's activations (counted for both CFG rows).
    ``sparse_attention``: the sparse kernel's backend ("gather" or "flex"; None: dense). ``fp8_matmul``: the
    blocks' linear weights are held in fp8 (one byte each, plus fp32 row scales). ``vae_time_slice``: the VAE
    decodes a video's upsampling levels that many mid-level frames at a time (the pipeline's CUDA decode)."""
    b = _dtype_bytes(dtype)
    weights = {}
    for role, comp in plan.components.items():
        weights[role] = comp.info.params * b + comp.info.fp32_params * 4
    if text_encoder_bytes is not None:
        weights["text_encoder"] = text_encoder_bytes
    dit = plan.dit_config
    if fp8_matmul and "transformer" in weights:
        n = fp8_block_linear_params(dit.hidden_size, dit.ff_mult, dit.num_layers)
        rows = fp8_block_linear_rows(dit.hidden_size, dit.ff_mult, dit.num_layers)
        weights["transformer"] -= n * (b - 1) - rows * 4
    vae = plan.vae_config
    rows = 2 if guided and not cfg_split else 1
    f_lat = 1 if num_frames == 1 else num_frames // vae.frames_per_chunk * vae.latents_per_chunk
    p, r = dit.patch_size, vae.spatial_ratio
    all_tokens = f_lat * (height // r // p) * (width // r // p)
    tokens = -(-all_tokens // sp)  # this rank's slice
    if tokens > TOKEN_CHUNK:
        dit_act = (DIT_CHUNKED_FACTOR * tokens + DIT_ACTIVATION_FACTOR * TOKEN_CHUNK) * rows * dit.hidden_size * b
    else:
        dit_act = DIT_ACTIVATION_FACTOR * rows * tokens * dit.hidden_size * b
    if step_cache:
        dit_act += 2 * (2 if guided else 1) * tokens * dit.hidden_size * b
    if sparse_attention is not None:
        dit_act += (4 if sparse_attention == "flex" else 1) * rows * tokens * dit.hidden_size * b
    if os.environ.get("STEPVID_ATTN_BACKEND", "auto") == "math":  # this rank's heads over all tokens
        dit_act += 2 * rows * -(-dit.num_attention_heads // sp) * all_tokens * all_tokens * 4
    if vae_time_slice and num_frames > 1 and vae_tile is None:
        vae_act = (VAE_SLICE_FACTOR * _vae_widest(vae, num_frames, height, width, None, vae_time_slice)
                   + _vae_carried(vae, height, width)) * b
    else:
        vae_act = VAE_ACTIVATION_FACTOR * _vae_widest(vae, num_frames, height, width, vae_tile) * b
    text_act = 0  # two prompts of <= 397 tokens: megabytes, even for Step-LLM
    elements = num_frames * 3 * height * width
    output = elements * (b + 3 * 4 + 1)
    stream_device, stream_host = streaming_footprint(dit, dtype, weights=stream_weights)
    llm = _streamed_llm(plan, dtype) if text_encoder_bytes is None else (0, 0, 0)
    return MemoryEstimate(weights, text_act, dit_act, vae_act, output, stream_device, stream_host, *llm)


def _streamed_llm(plan: ModelPlan, dtype: torch.dtype) -> tuple[int, int, int]:
    """(weights, device, host) bytes of the folder's Step-LLM as ``--offload blocks`` streams it (model
    dtype); zeros for a text encoder without one."""
    from stepvid.models.text.step_llm import StepLLMConfig

    comp = plan.components.get("text_encoder")
    cfg = getattr(getattr(comp, "info", None), "config", None)
    if not isinstance(cfg, StepLLMConfig):
        return 0, 0, 0
    return (comp.info.params * _dtype_bytes(dtype), *streaming_footprint(cfg, dtype))


def available_memory(device: torch.device) -> tuple[int, str]:
    """(bytes, description) free for a new generation: CUDA free memory, or the host's available RAM."""
    if device.type == "cuda":
        free, total = torch.cuda.mem_get_info(device)
        return int(free), f"{device} has {free / GiB:.1f} GiB free of {total / GiB:.1f} GiB"
    avail = _host_available()
    return avail, f"this machine has {avail / GiB:.1f} GiB of RAM available"


def _host_available() -> int:
    """MemAvailable from /proc/meminfo (Linux), else total physical memory via sysconf, else unbounded."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, OSError, ValueError):
        return math.inf  # type: ignore[return-value]


def format_bytes(n: float) -> str:
    """GiB with one decimal from 1 GiB up, else whole MiB."""
    return f"{n / GiB:,.1f} GiB" if n >= GiB else f"{n / 2**20:,.0f} MiB"


def check_generation_memory(
    plan: ModelPlan,
    num_frames: int,
    height: int,
    width: int,
    guided: bool,
    device: torch.device,
    dtype: torch.dtype,
    offload: str = "none",
    vae_tile: int | None = None,
    cfg_split: bool = False,
    sp: int = 1,
    stream_weights: str = "model",
    step_cache: bool = False,
    sparse_attention: str | None = None,
    fp8_matmul: bool = False,
) -> MemoryEstimate:
    """Raise ValueError with the numbers when the estimated peak does not fit; returns the estimate."""
    est = estimate_generation_memory(
        plan, num_frames, height, width, guided, dtype, vae_tile, cfg_split=cfg_split, sp=sp,
        stream_weights=stream_weights, step_cache=step_cache, sparse_attention=sparse_attention,
        fp8_matmul=fp8_matmul, vae_time_slice=CUDA_VAE_TIME_SLICE if device.type == "cuda" else None,
    )
    need = est.device_peak(device.type, offload)
    have, where = available_memory(device)
    size, fmt = f"{num_frames} frames at {width}x{height}", format_bytes
    parts = (
        f"weights {fmt(sum(est.weights.values()))}, DiT activations {fmt(est.dit_activations)}, "
        f"VAE decode {fmt(est.vae_activations)}"
        + (f", decoded video {fmt(est.output)}" if device.type == "cpu" else "")
    )
    if need > have:
        hint = "fewer frames or a smaller size"
        if est.vae_activations >= est.dit_activations and not vae_tile:
            hint += ", or --vae-tile 256"
        if device.type == "cuda" and offload not in ("model", "blocks"):
            hint += ", or --offload model"
        if device.type == "cuda" and offload != "blocks" and est.device_peak("cuda", "blocks") <= have:
            hint += ", or --offload blocks (the DiT's blocks streamed from host memory)"
        if device.type == "cuda" and guided and not cfg_split:
            hint += ", or --cfg-split on"
        raise ValueError(f"{size} needs about {fmt(need)} ({parts}) but {where}; try {hint}")
    if device.type != "cpu":
        host, avail = est.host_peak(device.type, offload), _host_available()
        if host > avail:
            raise ValueError(
                f"{size} needs about {fmt(host)} of host RAM for offloaded weights and the decoded video "
                f"but this machine has {fmt(avail)} available; try fewer frames or a smaller size"
            )
    return est
