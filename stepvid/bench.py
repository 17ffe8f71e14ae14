"""``stepvid bench``: how fast and how large inference is on this machine, in numbers that can be compared.

Four measurements, each optional but the first:

* **matmul rate** — a large square GEMM in the run's dtype on the device: the achieved FLOP/s that MFU is
  measured against (the same GPU's real ceiling, not a datasheet number);
* **DiT** — a preset's architecture cut to ``layers`` blocks with random weights (built on the meta device,
  materialised on the target), one forward at a video size: seconds per layer and for the whole forward
  (median of repeats, warm-up excluded), FLOPs from :func:`stepvid.models.dit.estimate_flops`, MFU, the
  activation peak, and the projection to the preset's full depth; once per attention backend and mode;
* **VAE decode** — one pass against ``time_slice=1`` in the pipeline's layout for the device (seconds, peak, and
  their difference, which is 0);
* **end to end** — a ``stepvid generate``-equivalent call of a real model folder, split into text encoding,
  denoising and decoding.

Modes: ``exact`` is the plain forward (the released model's numerics, eager; end to end: the pipeline's own
settings); ``chunked`` the same maths with every block run in token chunks (``DiTBlock.token_chunk``: only q,
k, v and the attention output span the sequence, so the activation peak is bounded); ``fast`` is the DiT in
``capture_safe`` mode with every block ``torch.compile``d (compilation happens in the warm-up, untimed);
``fast-chunked`` both.
Every run's output is compared with the first run's, so a fast path that changes results shows it.
The result is one JSON-able dict (:func:`run_bench`); :func:`format_report` prints it as a table and
:func:`benchmark_lines` as docs/benchmarks.md lines.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import hashlib
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import torch
from tqdm import tqdm

from stepvid.diffusion.step_cache import step_cache_config
from stepvid.generation_memory import TOKEN_CHUNK
from stepvid.models import attention as attn
from stepvid.models.dit import DiTConfig, StepVideoDiT, dit_config, estimate_flops
from stepvid.models.fp8 import Fp8Linear, use_fp8_matmuls
from stepvid.models.sparse_attention import SparseAttentionConfig, parse_sparse_attention
from stepvid.models.vae import VAE_PRESETS

__all__ = [
    "BACKENDS",
    "MODES",
    "BenchSettings",
    "FastMode",
    "PeakMemory",
    "bench_dit",
    "bench_e2e",
    "bench_vae",
    "benchmark_lines",
    "build_random_dit",
    "dit_inputs",
    "fast_modes",
    "format_report",
    "latent_grid",
    "measure_matmul_rate",
    "run_bench",
    "run_from_args",
    "write_json",
]

BACKENDS = ("auto", "flash", "cudnn", "efficient", "math")
MODES = ("exact", "chunked", "fast", "fast-chunked")
PRESETS = ("stepvideo-t2v", "stepvideo-t2v-turbo", "small", "tiny")
# Video size (frames, height, width) each preset is benchmarked at unless told otherwise, and its VAE.
PRESET_SIZES = {"stepvideo-t2v": (204, 544, 992), "stepvideo-t2v-turbo": (204, 544, 992),
                "small": (34, 192, 192), "tiny": (17, 64, 64)}
PRESET_VAE = {"stepvideo-t2v": "stepvideo-vae-v2", "stepvideo-t2v-turbo": "stepvideo-vae-v2",
              "small": "small", "tiny": "tiny"}
CLIP_TOKENS = 77
DEFAULT_PROMPT = "A red circle moves to the right on a white background."
GiB = 2**30


# ------------------------------------------------------------------------------------------------ settings


@dataclass
class BenchSettings:
    """Everything one ``stepvid bench`` run does; unset sizes take the preset's (DiT, VAE) or the model's
    (e2e) defaults."""

    preset: str = "stepvideo-t2v"
    layers: int = 2
    frames: int | None = None
    height: int | None = None
    width: int | None = None
    batch: int = 1
    text_len: int = 320  # Step-LLM tokens; the 77 CLIP tokens come on top
    device: str | None = None  # None: cuda if available, else cpu
    dtype: str = "auto"  # bf16 on CUDA, fp32 on CPU
    attention: tuple[str, ...] = ("auto",)
    modes: tuple[str, ...] = ("exact",)
    token_chunk: int = TOKEN_CHUNK  # tokens per chunk of the chunked modes (the pipeline's own)
    warmup: int = 1
    repeats: int = 3
    matmul_rate: float | None = None  # TFLOP/s given instead of measured
    matmul_size: int | None = None  # GEMM side; None: 8192 on CUDA, 1024 elsewhere
    dit: bool = True
    vae: bool = False
    vae_preset: str | None = None
    model: str | None = None
    e2e: bool = False
    steps: int | None = None
    prompt: str = DEFAULT_PROMPT
    seed: int = 1234
    json: str | None = None
    sparse_attention: str | None = None  # approximate fast modes, each timed beside the exact run
    fp8_matmul: bool = False
    step_cache: float | None = None  # end to end only

    def fast_modes(self, end_to_end: bool) -> list[FastMode]:
        """The fast-mode variants the DiT forward (``end_to_end=False``: no step cache, a sampling-loop mode) or
        the end-to-end run times (:func:`fast_modes`)."""
        sparse = None if self.sparse_attention is None else parse_sparse_attention(self.sparse_attention)
        return fast_modes(sparse, self.fp8_matmul, self.step_cache if end_to_end else None)

    def video_size(self, defaults: tuple[int, int, int]) -> tuple[int, int, int]:
        f, h, w = defaults
        return (f if self.frames is None else self.frames, h if self.height is None else self.height,
                w if self.width is None else self.width)

    def check(self) -> None:
        """ValueError naming the first bad value (before anything is built)."""
        from stepvid.pipeline import check_generation_args

        if self.preset not in PRESETS:
            raise ValueError(f"unknown preset {self.preset!r}; choose from {', '.join(PRESETS)}")
        # Only the given sizes are checked here (placeholders stand in for unset ones; the e2e run checks the
        # model's own defaults against its VAE).
        f, h, w = (v if v is not None else p for v, p in zip((self.frames, self.height, self.width), (17, 16, 16)))
        check_generation_args("bench", f, h, w, self.steps if self.steps is not None else 1)
        for name, value, low in (("layers", self.layers, 1), ("batch", self.batch, 1),
                                 ("text-len", self.text_len, 1), ("warmup", self.warmup, 0),
                                 ("repeats", self.repeats, 1), ("token-chunk", self.token_chunk, 1)):
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(f"--{name} must be an integer >= {low}; got {value!r}")
        for name, chosen, valid in (("attention backend", self.attention, BACKENDS), ("mode", self.modes, MODES)):
            if not chosen:
                raise ValueError(f"no {name} given; choose from {', '.join(valid)}")
            for v in chosen:
                if v not in valid:
                    raise ValueError(f"unknown {name} {v!r}; choose from {', '.join(valid)}")
        if self.matmul_rate is not None and not (math.isfinite(self.matmul_rate) and self.matmul_rate > 0):
            raise ValueError(f"--matmul-rate must be a positive number of TFLOP/s; got {self.matmul_rate}")
        if self.matmul_size is not None and self.matmul_size < 16:
            raise ValueError(f"--matmul-size must be at least 16; got {self.matmul_size}")
        if self.e2e and not self.model:
            raise ValueError("--e2e needs --model DIR (a checkpoint folder to generate with)")
        if self.model and not self.e2e:
            raise ValueError(f"--model {self.model} is only used by the end-to-end run; add --e2e")
        if self.model and not Path(self.model).is_dir():
            raise ValueError(f"model folder not found: {self.model}")
        if self.steps is not None and not self.e2e:
            raise ValueError(f"--steps {self.steps} is only used by the end-to-end run; add --e2e")
        if not (self.dit or self.vae or self.e2e):
            raise ValueError("nothing to measure: --no-dit without --vae or --e2e")
        if self.vae_preset is not None and self.vae_preset not in VAE_PRESETS:
            raise ValueError(f"unknown VAE preset {self.vae_preset!r}; choose from {', '.join(VAE_PRESETS)}")
        if self.sparse_attention is not None:
            parse_sparse_attention(self.sparse_attention)  # ValueError naming the bad part
        if self.step_cache is not None:
            if not self.e2e:
                raise ValueError(f"--step-cache {self.step_cache} is only used by the end-to-end run; add --e2e")
            if step_cache_config(self.step_cache) is None:  # it refuses negative and non-finite thresholds
                raise ValueError(f"--step-cache must be a threshold > 0; got {self.step_cache}")
        if self.json is not None:
            _check_json_path(Path(self.json))

    def command_line(self) -> str:
        """The ``stepvid bench`` command that reproduces this run (every flag that differs from its default)."""
        base = BenchSettings()
        parts = ["stepvid bench"]
        for name in ("preset", "layers", "frames", "height", "width", "batch", "text_len", "device", "dtype",
                     "attention", "modes", "token_chunk", "warmup", "repeats", "matmul_rate", "matmul_size", "vae_preset",
                     "model", "steps", "seed"):
            value = getattr(self, name)
            if value is not None and value != getattr(base, name):
                flag = "mode" if name == "modes" else name.replace("_", "-")
                parts.append(f"--{flag} {','.join(value) if isinstance(value, tuple) else value}")
        if self.sparse_attention is not None:
            parts.append(f"--sparse-attention {self.sparse_attention}")
        if self.step_cache is not None:
            parts.append(f"--step-cache {self.step_cache:g}")
        parts += [f"--{flag}" for flag, on in (("no-dit", not self.dit), ("vae", self.vae), ("e2e", self.e2e),
                                               ("fp8-matmul", self.fp8_matmul)) if on]
        if self.prompt != base.prompt:
            parts.append(f"--prompt {self.prompt!r}")
        return " ".join(parts)


def _check_json_path(path: Path) -> None:
    if path.is_dir():
        raise ValueError(f"--json {path} is a directory; give a file name")
    folder = path.parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        raise ValueError(f"--json {path}: cannot write in {folder}")


# ------------------------------------------------------------------------------------------------ helpers


def latent_grid(frames: int, height: int, width: int, spatial: int = 16) -> tuple[int, int, int]:
    """Pixel video size -> the DiT's latent grid (F, h, w): 17 frames -> 3 latent frames, 16x16 pixels -> 1."""
    from stepvid.pipeline import num_latent_frames

    return num_latent_frames(frames), height // spatial, width // spatial


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _device_name(device: torch.device) -> str:
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    name = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                name = line.split(":", 1)[1].strip()
                break
    return f"CPU {name} ({os.cpu_count()} cores, {torch.get_num_threads()} torch threads)"


def _dtype_name(dtype: torch.dtype) -> str:
    return {torch.bfloat16: "bf16", torch.float16: "fp16", torch.float32: "fp32"}.get(dtype, str(dtype))


def _proc_status_kib(key: str) -> int | None:
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return None


class PeakMemory:
    """Peak memory of the work inside ``with``: ``peak`` (absolute bytes) and, on CUDA, ``growth`` (beyond
    what was allocated when it began: the activations, when weights and inputs were already resident).

    CUDA (``method == "cuda_allocated"``): the caching allocator's ``max_memory_allocated`` after a reset.
    CPU on Linux (``"rss"``): the process's resident-set high-water mark (VmHWM, reset by writing 5 to
    /proc/self/clear_refs): everything the process touches, including memory the C allocator keeps after a
    free, so it is an upper bound and ``growth`` is None (freed-but-kept memory makes a difference
    meaningless). Elsewhere ``method``, ``peak`` and ``growth`` are None. Not re-entrant: each ``with``
    resets the process-wide peak."""

    def __init__(self, device: torch.device):
        self.device = device
        self.method: str | None = None
        if device.type == "cuda":
            self.method = "cuda_allocated"
        elif device.type == "cpu" and _proc_status_kib("VmHWM") is not None and os.access(
            "/proc/self/clear_refs", os.W_OK
        ):
            self.method = "rss"
        self.peak: int | None = None
        self.growth: int | None = None

    def __enter__(self):
        if self.method == "cuda_allocated":
            torch.cuda.synchronize(self.device)
            torch.cuda.reset_peak_memory_stats(self.device)
            self._base = torch.cuda.memory_allocated(self.device)
        elif self.method == "rss":
            try:
                Path("/proc/self/clear_refs").write_text("5")
            except OSError:
                self.method = None
        return self

    def __exit__(self, *exc) -> None:
        if self.method == "cuda_allocated":
            torch.cuda.synchronize(self.device)
            self.peak = torch.cuda.max_memory_allocated(self.device)
            self.growth = max(self.peak - self._base, 0)
        elif self.method == "rss":
            self.peak = (_proc_status_kib("VmHWM") or 0) * 1024


def profile_table(fn: Callable[[], Any], rows: int, device: torch.device) -> str:
    """One call of ``fn`` under torch.profiler, after one unprofiled call (compiles, autotuning and cuDNN's
    algorithm timing stay out of the table): its ``rows`` costliest ops by device time (CPU time on the CPU), as
    the profiler's table. Runs under ``no_grad``, the grad mode the benchmarks time (``inference_mode`` would
    recompile compiled code)."""
    from torch.profiler import ProfilerActivity, profile

    cuda = device.type == "cuda"
    acts = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if cuda else [])
    with torch.no_grad():
        fn()
        _sync(device)
        with profile(activities=acts) as prof:
            fn()
            _sync(device)
    key = "self_cuda_time_total" if cuda else "self_cpu_time_total"
    return prof.key_averages().table(sort_by=key, row_limit=rows, max_name_column_width=60)


def measure_matmul_rate(device: torch.device, dtype: torch.dtype, n: int | None = None) -> dict[str, Any]:
    """The dense matmul rate of this device in ``dtype`` (FLOP/s): the MFU denominator.

    Uses the trainers' measurement (:func:`stepvid.train.common.measure_matmul_tflops`: an n x n x n GEMM,
    3 warm-up calls, then the mean of ``iters``)."""
    from stepvid.train.common import measure_matmul_tflops

    cuda = device.type == "cuda"
    n = n or (8192 if cuda else 1024)
    iters = 20 if cuda else 5
    tflops = measure_matmul_tflops(device, n=n, iters=iters, dtype=dtype)
    return {"flops_per_s": tflops * 1e12, "measured": True, "n": n, "iters": iters, "dtype": _dtype_name(dtype)}


# ------------------------------------------------------------------------------------------------ DiT


def build_random_dit(cfg: DiTConfig, device: torch.device, dtype: torch.dtype, seed: int = 0) -> StepVideoDiT:
    """A StepVideoDiT built on the meta device and materialised on ``device`` in ``dtype``: norms 1, biases 0,
    every matrix N(0, 0.02) (non-zero output projections, so outputs of two runs can be compared). Nothing
    is allocated twice, so the released width fits wherever its weights do."""
    with torch.device("meta"):
        model = StepVideoDiT(cfg)
    model = model.to(dtype).to_empty(device=device)
    model.initialize_weights(all_parameters=True)
    gen = torch.Generator(device=device).manual_seed(seed)
    with torch.no_grad():
        for p in model.parameters():
            if p.ndim >= 2:
                p.normal_(0, 0.02, generator=gen)
    return model.eval().requires_grad_(False)


def dit_inputs(
    cfg: DiTConfig,
    grid: tuple[int, int, int],
    batch: int,
    text_len: int,
    device: torch.device,
    dtype: torch.dtype,
    text_valid: Sequence[int] | None = None,
    seed: int = 0,
) -> dict[str, torch.Tensor]:
    """Keyword arguments of one DiT forward: random latents [B, F, C, h, w] on ``grid``, tau 0.5, random
    Step-LLM [B, text_len, D] and CLIP [B, 77, D] states, and the key mask (all valid, or the first
    ``text_valid[i]`` Step-LLM tokens of sample i, as a padded negative prompt has). Drawn on the CPU so every
    device gets the same numbers."""
    g = torch.Generator().manual_seed(seed)
    f, h, w = grid
    llm_dim, clip_dim = cfg.caption_channels
    mask = torch.ones(batch, CLIP_TOKENS + text_len, dtype=torch.long)
    for i, valid in enumerate(text_valid or ()):
        mask[i, CLIP_TOKENS + valid:] = 0

    def randn(*shape):
        return torch.randn(*shape, generator=g).to(device, dtype)

    return {
        "hidden_states": randn(batch, f, cfg.in_channels, h, w),
        "timestep": torch.full((batch,), 0.5, device=device, dtype=dtype),
        "encoder_hidden_states": randn(batch, text_len, llm_dim),
        "encoder_hidden_states_2": randn(batch, CLIP_TOKENS, clip_dim),
        "encoder_attention_mask": mask.to(device),
    }


class _Clocked(torch.nn.Module):
    """Wraps a DiT block to read the clock (after a device sync) on entry and/or exit: the wall time of the
    blocks alone, without the embeddings and the final layer. Eager even around a compiled block."""

    def __init__(self, block: torch.nn.Module, device: torch.device, start: bool, stop: bool, marks: dict):
        super().__init__()
        self.block, self.device, self.start, self.stop, self.marks = block, device, start, stop, marks

    def forward(self, *args, **kwargs):
        if self.start:
            _sync(self.device)
            self.marks["start"] = time.perf_counter()
        out = self.block(*args, **kwargs)
        if self.stop:
            _sync(self.device)
            self.marks["stop"] = time.perf_counter()
        return out


@dataclass(frozen=True)
class FastMode:
    """An approximate fast mode timed on top of each exact ``--mode``: sliding-tile sparse attention, fp8 block
    matmuls, step caching (end to end), or several at once; ``label`` is appended to the mode's name."""

    label: str = ""
    sparse: SparseAttentionConfig | None = None
    fp8: bool = False
    step_cache: float | None = None


def fast_modes(sparse: SparseAttentionConfig | None, fp8: bool, step_cache: float | None) -> list[FastMode]:
    """The exact variant, each given fast mode alone and, with two or more, all of them together; the fp8 ones
    last (converting the blocks' linears to fp8 cannot be undone on a model)."""
    alone = [FastMode("+sparse", sparse=sparse)] if sparse is not None else []
    alone += [FastMode(f"+step-cache {step_cache:g}", step_cache=step_cache)] if step_cache else []
    alone += [FastMode("+fp8", fp8=True)] if fp8 else []
    modes = [FastMode(), *alone]
    if len(alone) > 1:
        modes.append(FastMode("+" + "+".join(m.label.lstrip("+") for m in alone), sparse, fp8, step_cache))
    return modes


def _apply_fast(model: torch.nn.Module, fast: FastMode) -> None:
    """Switch ``model`` (a StepVideoDiT with its eager blocks in place) to ``fast``'s sparse attention and, once,
    fp8 matmuls."""
    if fast.fp8 and not any(isinstance(m, Fp8Linear) for m in model.modules()):
        use_fp8_matmuls(model)
    model.set_sparse_attention(fast.sparse)


def _set_mode(
    model: StepVideoDiT, blocks: list[torch.nn.Module], mode: str, token_chunk: int = TOKEN_CHUNK
) -> list[torch.nn.Module]:
    """The blocks to run in ``mode`` (compiled for the fast modes), with the model's capture_safe flag and the
    blocks' token chunk (the chunked modes) set."""
    model.capture_safe = mode.startswith("fast")
    for b in blocks:  # fast-chunked: the per-chunk pieces compiled, the chunk loop and its buffers eager
        b.token_chunk = token_chunk if mode.endswith("chunked") else 0
        b.compile_chunks(mode == "fast-chunked")
    if mode != "fast":
        return blocks
    return [torch.compile(b) for b in blocks]


def _layer_flops(cfg: DiTConfig, tokens: int, text: int, batch: int) -> tuple[float, float]:
    """(FLOPs of all blocks' forward per layer, FLOPs outside the blocks) from estimate_flops."""
    outside = estimate_flops(replace(cfg, num_layers=0), tokens, text, batch)
    return (estimate_flops(cfg, tokens, text, batch) - outside) / cfg.num_layers, outside


def bench_dit(
    preset: str,
    layers: int,
    video: tuple[int, int, int],
    batch: int,
    text_len: int,
    device: torch.device,
    dtype: torch.dtype,
    matmul_flops_per_s: float,
    backends: Sequence[str] = ("auto",),
    modes: Sequence[str] = ("exact",),
    warmup: int = 1,
    repeats: int = 3,
    text_valid: Sequence[int] | None = None,
    progress: bool = False,
    token_chunk: int = TOKEN_CHUNK,
    fast: Sequence[FastMode] = (FastMode(),),
) -> dict[str, Any]:
    """Time one DiT forward of ``preset`` cut to ``layers`` blocks at ``video`` = (frames, height, width)
    pixels, per attention backend and mode (see the module docstring); returns the JSON-able section.

    Per run: medians over ``repeats`` of the whole forward and of the blocks alone (per layer = blocks /
    layers; outside = the rest: embeddings and final layer), FLOP/s and MFU against ``matmul_flops_per_s``,
    the activation peak (bytes beyond weights and inputs; None where it cannot be measured), the projection
    ``outside + full_layers * per_layer`` to the preset's depth, and the output's largest difference to the
    first run relative to its largest value. Each ``fast`` variant (:func:`fast_modes`) repeats every mode with
    its approximate fast modes on (mode name + the variant's label; FLOP/s and MFU count the dense model's
    FLOPs, an effective rate). A backend with no kernel for these inputs (or out of memory) is kept with
    ``ok: false`` and the error."""
    cfg = dit_config(preset, num_layers=layers)
    full_layers = dit_config(preset).num_layers
    grid = latent_grid(*video)
    tokens, text = grid[0] * grid[1] * grid[2], CLIP_TOKENS + text_len
    flops = estimate_flops(cfg, tokens, text, batch)
    per_layer_flops, outside_flops = _layer_flops(cfg, tokens, text, batch)
    model = build_random_dit(cfg, device, dtype)
    inputs = dit_inputs(cfg, grid, batch, text_len, device, dtype, text_valid)
    eager = list(model.transformer_blocks)
    marks: dict[str, float] = {}
    previous = attn._default_backend
    order = [m for m in MODES if m in modes]
    warm = {m: max(warmup, 1) if m.startswith("fast") else warmup for m in order}  # compiling is never timed
    bar = tqdm(total=len(fast) * len(backends) * sum(warm[m] + repeats for m in order), desc="DiT forward",
               disable=not progress, leave=False)
    runs: list[dict[str, Any]] = []
    reference: torch.Tensor | None = None
    reference_run = None
    try:
        for variant in fast:
            model.transformer_blocks = torch.nn.ModuleList(eager)
            _apply_fast(model, variant)
            for base in order:
                mode = base + variant.label
                blocks = _set_mode(model, eager, base, token_chunk)
                n = len(blocks)
                model.transformer_blocks = torch.nn.ModuleList(
                    _Clocked(b, device, i == 0, i == n - 1, marks) for i, b in enumerate(blocks)
                )
                for backend in backends:
                    bar.set_postfix_str(f"{backend}/{mode}")
                    attn.set_attention_backend(backend)
                    run = {"attention": backend, "mode": mode}
                    done = bar.n
                    try:
                        out, totals, inner, mem = _time_forward(model, inputs, device, warm[base], repeats, marks, bar)
                    except RuntimeError as exc:  # no kernel for these inputs, out of memory, compiler failure
                        runs.append({**run, "ok": False, "error": " ".join(str(exc).split())[:300]})
                        bar.update(warm[base] + repeats - (bar.n - done))
                        if device.type == "cuda":
                            torch.cuda.empty_cache()
                        continue
                    forward_s = statistics.median(totals)
                    layers_s = statistics.median(inner)
                    outside_s = statistics.median(t - i for t, i in zip(totals, inner))
                    per_layer_s = layers_s / layers
                    out = out.float().cpu()
                    if reference is None:
                        reference, reference_run = out, f"{backend}/{mode}"
                    diff = float((out - reference).abs().max() / reference.abs().max().clamp_min(1e-30))
                    runs.append({
                        **run, "ok": True,
                        "forward_s": forward_s, "forward_s_samples": totals, "layers_s_samples": inner,
                        "layers_s": layers_s, "per_layer_s": per_layer_s, "outside_layers_s": outside_s,
                        "full_depth_forward_s": outside_s + full_layers * per_layer_s,
                        "flops_per_s": flops / forward_s, "mfu": flops / forward_s / matmul_flops_per_s,
                        "layer_flops_per_s": per_layer_flops / per_layer_s,
                        "layer_mfu": per_layer_flops / per_layer_s / matmul_flops_per_s,
                        "activation_peak_bytes": mem.growth, "max_rel_diff": diff,
                    })
    finally:
        bar.close()
        attn.set_attention_backend(previous)
    weights = sum(p.numel() * p.element_size() for p in model.parameters())
    return {
        "preset": preset, "layers": layers, "full_layers": full_layers, "video": list(video),
        "latent_grid": list(grid), "video_tokens": tokens, "text_tokens": text, "batch": batch,
        "text_valid": list(text_valid) if text_valid else None, "dtype": _dtype_name(dtype),
        "hidden_size": cfg.hidden_size, "heads": cfg.num_attention_heads, "head_dim": cfg.attention_head_dim,
        "weights_bytes": weights,
        "flops": {"forward": flops, "per_layer": per_layer_flops, "outside_layers": outside_flops,
                  "full_depth_forward": estimate_flops(dit_config(preset), tokens, text, batch)},
        "reference_run": reference_run,
        "runs": runs,
    }


def _time_forward(model, inputs, device, warmup, repeats, marks, bar):
    """(last output, total seconds per repeat, blocks-only seconds per repeat, PeakMemory) of the forward."""
    with torch.no_grad():
        for _ in range(warmup):
            model(**inputs)
            bar.update()
        if device.type == "cuda":
            torch.cuda.empty_cache()
        totals, inner = [], []
        out = None
        with PeakMemory(device) as mem:
            for _ in range(repeats):
                out = None  # the previous output is freed before the next forward, as in a sampling loop
                _sync(device)
                t0 = time.perf_counter()
                out = model(**inputs)
                _sync(device)
                totals.append(time.perf_counter() - t0)
                inner.append(marks["stop"] - marks["start"])
                bar.update()
    return out, totals, inner, mem


# ------------------------------------------------------------------------------------------------ VAE


def bench_vae(
    preset: str,
    video: tuple[int, int, int],
    device: torch.device,
    dtype: torch.dtype,
    warmup: int = 1,
    repeats: int = 3,
    progress: bool = False,
) -> dict[str, Any]:
    """Decode random latents of a ``video`` = (frames, height, width) with a random-weight VAE ``preset``, in
    one pass and with ``time_slice=1`` (the pipeline's CUDA default): median seconds, peak bytes beyond the
    resident weights and latents, and the largest absolute difference between the two outputs."""
    from stepvid.models.vae import VAEConfig, VideoVAE

    cfg = VAEConfig.preset(preset)
    frames, height, width = video
    r = cfg.spatial_ratio
    if height % r or width % r:
        raise ValueError(f"VAE {preset}: video size {height}x{width} is not a multiple of its {r} pixels")
    lat_frames = max(frames // cfg.frames_per_chunk * cfg.latents_per_chunk, 1)
    with torch.random.fork_rng(devices=[device] if device.type == "cuda" else []), torch.device(device):
        torch.manual_seed(0)
        vae = VideoVAE(cfg)  # its own random init (timing does not depend on the values)
    vae = vae.to(dtype).eval().requires_grad_(False).set_fast_layout(device)  # as the pipeline runs it
    latents = torch.randn(1, lat_frames, cfg.z_channels, height // r, width // r,
                          generator=torch.Generator().manual_seed(0)).to(device, dtype)
    variants, outputs = [], []
    bar = tqdm(total=2 * (warmup + repeats), desc="VAE decode", disable=not progress, leave=False)
    with torch.no_grad():
        for ts in (None, 1):
            for _ in range(warmup):
                vae.decode(latents, time_slice=ts, output_device="cpu")
                bar.update()
            if device.type == "cuda":
                torch.cuda.empty_cache()
            times = []
            with PeakMemory(device) as mem:
                for _ in range(repeats):
                    out = None
                    _sync(device)
                    t0 = time.perf_counter()
                    out = vae.decode(latents, time_slice=ts, output_device="cpu")
                    _sync(device)
                    times.append(time.perf_counter() - t0)
                    bar.update()
            outputs.append(out.float())
            variants.append({"time_slice": ts, "s": statistics.median(times), "s_samples": times,
                             "activation_peak_bytes": mem.growth})
    bar.close()
    return {"preset": preset, "video": list(video), "latent_shape": list(latents.shape), "dtype": _dtype_name(dtype),
            "variants": variants, "max_abs_diff": float((outputs[0] - outputs[1]).abs().max())}


# ------------------------------------------------------------------------------------------------ e2e


class _StageTimer:
    """Wraps a pipeline method: synchronised seconds and peak memory of each call, under ``name``."""

    def __init__(self, fn: Callable, name: str, device: torch.device, stages: dict[str, dict]):
        self.fn, self.name, self.device, self.stages = fn, name, device, stages

    def __call__(self, *args, **kwargs):
        _sync(self.device)
        with PeakMemory(self.device) as mem:
            t0 = time.perf_counter()
            out = self.fn(*args, **kwargs)
            _sync(self.device)
        self.stages[self.name] = {"s": time.perf_counter() - t0, "peak_bytes": mem.peak}
        return out


def bench_e2e(
    model_dir: str | os.PathLike,
    device: torch.device,
    dtype: torch.dtype,
    frames: int | None = None,
    height: int | None = None,
    width: int | None = None,
    steps: int | None = None,
    prompt: str = DEFAULT_PROMPT,
    seed: int = 1234,
    modes: Sequence[str] = ("exact",),
    progress: bool = False,
    token_chunk: int = TOKEN_CHUNK,
    fast: Sequence[FastMode] = (FastMode(),),
) -> dict[str, Any]:
    """One video per mode (and per ``fast`` variant: :func:`fast_modes`) from the model folder, as ``stepvid
    generate`` makes it (the model's defaults for anything unset, its prompt rewriter, CFG): seconds to load,
    then text / denoise / decode / total seconds with each stage's peak memory (absolute bytes), and the
    video's shape and SHA-256. ``fast`` compiles the DiT's blocks first and runs a 1-step generation to warm
    them up (untimed), as does every approximate variant; frames are compared with the first run's (largest
    and mean absolute difference in uint8 levels)."""
    from stepvid.pipeline import TextToVideoPipeline

    path = Path(model_dir)
    if not path.is_dir():
        raise ValueError(f"model folder not found: {path}")
    t0 = time.perf_counter()
    pipe = TextToVideoPipeline.from_pretrained(path, device=device, dtype=dtype)
    _sync(device)
    load_s = time.perf_counter() - t0
    d = pipe.defaults
    kw = {"num_frames": d.num_frames if frames is None else frames, "height": d.height if height is None else height,
          "width": d.width if width is None else width, "steps": d.steps if steps is None else steps}
    result: dict[str, Any] = {"model": str(path), "load_s": load_s, "prompt": prompt, "seed": seed, **kw,
                              "cfg": d.cfg, "shift": d.shift, "dtype": _dtype_name(pipe.transformer_dtype),
                              "runs": []}
    exact_frames = None
    exact_blocks = list(getattr(pipe.transformer, "transformer_blocks", []))
    for variant, mode in [(v, m) for v in fast for m in MODES if m in modes]:
        dit = pipe.transformer
        if mode != "exact" or variant.label:  # exact: the pipeline's own settings
            if not isinstance(dit, StepVideoDiT):
                raise ValueError(f"mode {mode}{variant.label} needs a StepVideoDiT transformer; this model has "
                                 f"{type(dit).__name__}")
            dit.transformer_blocks = torch.nn.ModuleList(exact_blocks)
            _apply_fast(dit, variant)
            if mode != "exact":
                dit.transformer_blocks = torch.nn.ModuleList(_set_mode(dit, list(exact_blocks), mode, token_chunk))
            pipe(prompt, **{**kw, "steps": 1}, seed=seed, progress=False)  # compile / plan, untimed
        stages: dict[str, dict] = {}
        for name, attr in (("text", "encode_prompt"), ("denoise", "denoise"), ("decode", "decode")):
            setattr(pipe, attr, _StageTimer(getattr(pipe, attr), name, device, stages))
        try:
            t0 = time.perf_counter()
            video = pipe(prompt, **kw, seed=seed, progress=progress, step_cache=variant.step_cache)
            total = time.perf_counter() - t0
        finally:
            for attr in ("encode_prompt", "denoise", "decode"):
                del pipe.__dict__[attr]  # back to the class's methods
        run = {"mode": mode + variant.label, "total_s": total, **{f"{k}_s": v["s"] for k, v in stages.items()},
               "other_s": total - sum(v["s"] for v in stages.values()),
               "per_step_s": stages["denoise"]["s"] / kw["steps"],
               **{f"{k}_peak_bytes": v["peak_bytes"] for k, v in stages.items()},
               "frames_shape": list(video.shape), "video_sha256": hashlib.sha256(video.tobytes()).hexdigest()}
        peaks = [v["peak_bytes"] for v in stages.values() if v["peak_bytes"] is not None]
        run["peak_bytes"] = max(peaks) if peaks else None
        if exact_frames is None:
            exact_frames = video
        else:
            d = abs(video.astype(int) - exact_frames.astype(int))
            run["max_abs_diff_vs_exact"], run["mean_abs_diff_vs_exact"] = int(d.max()), float(d.mean())
        result["runs"].append(run)
    return result


# ------------------------------------------------------------------------------------------------ the run


def run_bench(settings: BenchSettings, progress: bool = False) -> dict[str, Any]:
    """Everything ``settings`` asks for, as one JSON-able dict (schema in docs/bench.md)."""
    from stepvid.pipeline import parse_dtype, resolve_device

    settings.check()
    device = resolve_device(settings.device)
    dtype = parse_dtype(None if settings.dtype == "auto" else settings.dtype, device)
    if settings.fp8_matmul and device.type == "cuda" and dtype != torch.bfloat16:
        raise ValueError(f"--fp8-matmul on CUDA needs bf16 (the fp8 kernel writes bf16); got --dtype {settings.dtype}")
    mem_method = PeakMemory(device).method
    result: dict[str, Any] = {
        "version": 1,
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "command": settings.command_line(),
        "device": {"type": device.type, "name": _device_name(device), "index": device.index},
        "torch": torch.__version__, "cuda": torch.version.cuda, "python": platform.python_version(),
        "dtype": _dtype_name(dtype),
        "memory_method": mem_method,
        "settings": {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(settings).items()},
        "matmul": None, "dit": None, "vae": None, "e2e": None,
    }
    if settings.matmul_rate is not None:
        result["matmul"] = {"flops_per_s": settings.matmul_rate * 1e12, "measured": False,
                            "dtype": _dtype_name(dtype)}
    elif settings.dit:  # the MFU denominator; nothing else needs it
        result["matmul"] = measure_matmul_rate(device, dtype, settings.matmul_size)
    video = settings.video_size(PRESET_SIZES[settings.preset])
    if settings.dit:
        result["dit"] = bench_dit(
            settings.preset, settings.layers, video, settings.batch, settings.text_len, device, dtype,
            result["matmul"]["flops_per_s"], settings.attention, settings.modes, settings.warmup,
            settings.repeats, progress=progress, token_chunk=settings.token_chunk,
            fast=settings.fast_modes(end_to_end=False),
        )
    if settings.vae:
        result["vae"] = bench_vae(settings.vae_preset or PRESET_VAE[settings.preset], video, device, dtype,
                                  settings.warmup, settings.repeats, progress=progress)
    if settings.e2e:
        result["e2e"] = bench_e2e(settings.model, device, dtype, settings.frames, settings.height, settings.width,
                                  settings.steps, settings.prompt, settings.seed, settings.modes, progress=progress,
                                  token_chunk=settings.token_chunk, fast=settings.fast_modes(end_to_end=True))
    return result


def write_json(path: str | os.PathLike, result: dict[str, Any]) -> Path:
    """Write ``result`` to ``path`` atomically (temporary file, then rename)."""
    import json

    from stepvid.video import atomic_path

    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(result, indent=2) + "\n")
    return path


# ------------------------------------------------------------------------------------------------ output


def _gib(b: int | None) -> str:
    return "n/a" if b is None else f"{b / GiB:.2f} GiB"


def _tf(x: float) -> str:
    return f"{x / 1e12:.3g}"


def format_report(result: dict[str, Any]) -> str:
    """A short human-readable summary of :func:`run_bench`'s result."""
    m = result["matmul"]
    head = f"stepvid bench — {result['device']['name']}, torch {result['torch']}, {result['dtype']}"
    if m:
        how = f"measured, n={m['n']}" if m["measured"] else "given"
        head += f"; matmul {_tf(m['flops_per_s'])} TFLOP/s ({how})"
    lines = [head]
    mem = {"cuda_allocated": "CUDA allocated", "rss": "process RSS"}.get(result["memory_method"], "not measured")
    d = result["dit"]
    if d:
        f, h, w = d["video"]
        lines.append(
            f"DiT {d['preset']}, {d['layers']} of {d['full_layers']} layers, {f}x{h}x{w} -> latent "
            f"{'x'.join(map(str, d['latent_grid']))} = {d['video_tokens']:,} tokens + {d['text_tokens']} text, "
            f"batch {d['batch']}; {d['flops']['per_layer'] / 1e9:.4g} GFLOP per layer; peaks: {mem}")
        mw = max(7, *(len(r["mode"]) + 1 for r in d["runs"]))
        hdr = (f"{'attention':<10}{'mode':<{mw}}{'ms/layer':>10}{'fwd ms':>10}{'TFLOP/s':>9}{'MFU':>8}"
               f"{'layer MFU':>10}{'act GiB':>9}{'rel diff':>10}{'full s':>9}")
        lines += [hdr, "-" * len(hdr)]
        for r in d["runs"]:
            if not r["ok"]:
                lines.append(f"{r['attention']:<10}{r['mode']:<{mw}}not available: {r['error'][:70]}")
                continue
            lines.append(
                f"{r['attention']:<10}{r['mode']:<{mw}}{r['per_layer_s'] * 1e3:>10.2f}{r['forward_s'] * 1e3:>10.2f}"
                f"{_tf(r['flops_per_s']):>9}{r['mfu']:>8.1%}{r['layer_mfu']:>10.1%}"
                f"{_gib(r['activation_peak_bytes']).removesuffix(' GiB'):>9}{r['max_rel_diff']:>10.1e}{r['full_depth_forward_s']:>9.3g}")
    v = result["vae"]
    if v:
        parts = [f"{'one pass' if x['time_slice'] is None else 'time_slice ' + str(x['time_slice'])} "
                 f"{x['s']:.3g} s, activations {_gib(x['activation_peak_bytes'])}" for x in v["variants"]]
        lines.append(f"VAE decode {v['preset']} {'x'.join(map(str, v['video']))}: {'; '.join(parts)}; "
                     f"max difference {v['max_abs_diff']:.2g}")
    e = result["e2e"]
    if e:
        for r in e["runs"]:
            lines.append(
                f"end to end ({r['mode']}) {e['num_frames']}x{e['height']}x{e['width']}, {e['steps']} steps, cfg "
                f"{e['cfg']:g}: text {r['text_s']:.2f} s, denoise {r['denoise_s']:.2f} s ({r['per_step_s']:.3g} "
                f"s/step), decode {r['decode_s']:.2f} s, total {r['total_s']:.2f} s per video (load "
                f"{e['load_s']:.1f} s), peak {_gib(r['peak_bytes'])}"
                + (f", |diff| to the first run max {r['max_abs_diff_vs_exact']} / mean "
                   f"{r['mean_abs_diff_vs_exact']:.2f} levels" if "max_abs_diff_vs_exact" in r else ""))
    return "\n".join(lines)


def benchmark_lines(result: dict[str, Any]) -> list[str]:
    """docs/benchmarks.md lines (``- <what>: <value> — <command>, <device>, <date>``) for every number."""
    tail = f" — `{result['command']}`, {result['device']['name']}, {result['created'][:10]}"
    out = []
    d = result["dit"]
    if d:
        f, h, w = d["video"]
        for r in d["runs"]:
            if r["ok"]:
                out.append(
                    f"- DiT forward per layer, {d['preset']} width, {f}x{h}x{w} ({d['video_tokens']:,} video tokens + "
                    f"{d['text_tokens']} text), {d['dtype']}, batch {d['batch']}, attention {r['attention']}, "
                    f"{r['mode']}: {r['per_layer_s'] * 1e3:.4g} ms ({_tf(r['layer_flops_per_s'])} TFLOP/s, "
                    f"{r['layer_mfu']:.1%} of the measured matmul rate); whole {d['layers']}-layer forward "
                    f"{r['mfu']:.1%} MFU; activation peak {_gib(r['activation_peak_bytes'])}; "
                    f"{d['full_layers']} layers projected {r['full_depth_forward_s']:.3g} s per forward" + tail)
    v = result["vae"]
    if v:
        parts = ", ".join(f"{'one pass' if x['time_slice'] is None else 'time_slice ' + str(x['time_slice'])} "
                          f"{x['s']:.3g} s / {_gib(x['activation_peak_bytes'])}" for x in v["variants"])
        out.append(f"- Video-VAE decode, {v['preset']}, {'x'.join(map(str, v['video']))}, {v['dtype']}: {parts}"
                   + tail)
    e = result["e2e"]
    if e:
        for r in e["runs"]:
            out.append(
                f"- End to end, {Path(e['model']).name}, {e['num_frames']}x{e['height']}x{e['width']}, "
                f"{e['steps']} steps, {e['dtype']}, {r['mode']}: {r['total_s']:.3g} s per video (text "
                f"{r['text_s']:.3g}, denoise {r['denoise_s']:.3g}, decode {r['decode_s']:.3g}), peak "
                f"{_gib(r['peak_bytes'])}"
                + (f", frames {r['mean_abs_diff_vs_exact']:.2f} levels from the first run's on average"
                   if "mean_abs_diff_vs_exact" in r else "") + tail)
    return out


def _split(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in text.split(",") if p.strip())


def settings_from_args(args: argparse.Namespace) -> BenchSettings:
    """The settings of a parsed ``stepvid bench`` command line."""
    return BenchSettings(
        preset=args.preset, layers=args.layers, frames=args.frames, height=args.height, width=args.width,
        batch=args.batch, text_len=args.text_len, device=args.device, dtype=args.dtype,
        attention=_split(args.attention), modes=_split(args.mode),
        token_chunk=TOKEN_CHUNK if args.token_chunk is None else args.token_chunk,
        warmup=args.warmup, repeats=args.repeats,
        matmul_rate=args.matmul_rate, matmul_size=args.matmul_size, dit=not args.no_dit, vae=args.vae,
        vae_preset=args.vae_preset, model=args.model, e2e=args.e2e, steps=args.steps,
        prompt=DEFAULT_PROMPT if args.prompt is None else args.prompt,
        seed=args.seed, json=args.json, sparse_attention=args.sparse_attention, fp8_matmul=args.fp8_matmul,
        step_cache=args.step_cache,
    )


def run_from_args(args: argparse.Namespace) -> int:
    """``stepvid bench``: run, print the table and the benchmark lines, write --json."""
    settings = settings_from_args(args)
    result = run_bench(settings, progress=True)
    print(format_report(result))
    print("\n".join(benchmark_lines(result)))
    if settings.json:
        print(f"wrote {write_json(settings.json, result)}", file=sys.stderr)
    return 0
