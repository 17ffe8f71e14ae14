"""``stepvid generate`` (text → mp4), ``stepvid inspect`` (preset key/shape manifests) and ``stepvid bench``.

Registration is cheap (no torch import); handlers import what they need.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from stepvid.llm_rewrite import DEFAULT_URL as LLM_DEFAULT_URL
from stepvid.llm_rewrite import ENV_KEY_ENV as LLM_ENV_KEY_ENV
from stepvid.llm_rewrite import ENV_MODEL as LLM_ENV_MODEL
from stepvid.llm_rewrite import ENV_TIMEOUT as LLM_ENV_TIMEOUT
from stepvid.llm_rewrite import ENV_URL as LLM_ENV_URL
from stepvid.prompt_rewrite import REWRITERS

__all__ = ["bundled_model_dir", "bundled_ti2v_dir", "check_output_path", "generation_plan", "inspect_preset", "register",
           "resolve_preset"]

_RANDOM_TINY_DEFAULTS = {"num_frames": 17, "height": 64, "width": 64, "steps": 10, "cfg": 5.0, "shift": 7.0}


def register(subparsers: argparse._SubParsersAction) -> None:
    g = subparsers.add_parser(
        "generate",
        help="generate a video from a text prompt",
        description="Generate a video from a text prompt with a Step-Video checkpoint folder (official layout "
        "or one described by stepvid.json). Unset sampling options take the model's defaults, then --preset. "
        "Everything (flags, output path, the model folder, the memory the run needs) is checked before the "
        "weights are loaded.",
    )
    g.add_argument("prompt", help="what the video should show (Chinese or English)")
    g.add_argument(
        "--model",
        metavar="DIR",
        default=None,
        help="checkpoint folder; default: the bundled model (with --image: its image-to-video variant), else a "
        "random tiny model (noise output)",
    )
    g.add_argument(
        "--transformer",
        metavar="DIR",
        default=None,
        help="use this DiT folder instead of MODEL/transformer (e.g. the Turbo release, which ships "
        "only a DiT; combine with --preset turbo)",
    )
    g.add_argument(
        "-o", "--output", metavar="FILE", default=None,
        help="output .mp4 or .gif (default: stepvid-SEED.mp4); an existing file is replaced atomically",
    )
    g.add_argument(
        "--frames", type=int, default=None, help="frame count: 1 or a multiple of 17 (default: the model's)"
    )
    g.add_argument("--height", type=int, default=None, help="a multiple of 16 (default: the model's)")
    g.add_argument("--width", type=int, default=None, help="a multiple of 16 (default: the model's)")
    g.add_argument(
        "--preset",
        metavar="NAME",
        default=None,
        help="named sampler settings: the model's own (stepvid.json presets, which may also pick another DiT of "
        "the folder; the bundled model: turbo = its distilled 8-step DiT, the default, and base = the base DiT's "
        "50-step path), else the official releases' base = 50 steps, CFG 9, shift 13 and turbo = 15 steps, "
        "CFG 5, shift 17 (default: the model's default preset, else its defaults)",
    )
    g.add_argument("--steps", type=int, default=None, help="Euler steps (default: the model's, official 50)")
    g.add_argument(
        "--cfg", type=float, default=None,
        help="classifier-free guidance scale, 1 = off (default: the model's, official 9)",
    )
    g.add_argument(
        "--cfg-decay",
        action="store_true",
        help="the Turbo report's linearly decaying CFG: max(cfg - 9 tau (cfg - 1), 1)",
    )
    g.add_argument(
        "--shift",
        type=float,
        default=None,
        help="time shift of the flow schedule (default: the model's, official 13)",
    )
    g.add_argument(
        "--solver",
        choices=["euler", "ab2"],
        default=None,
        help="euler (the official sampler) or ab2 (second-order multistep: one DiT call per step, error ~h² "
        "instead of h, so fewer steps) (default: the model's, euler)",
    )
    g.add_argument(
        "--seed", type=int, default=1234,
        help="initial-noise seed; the same seed gives the same video on any device (default: 1234)",
    )
    g.add_argument(
        "--tries", type=int, default=None, metavar="N",
        help="world models (the bundled one): judge the clip against the prompt and, while it fails, generate "
             "again with the next seed, up to N clips; the first that passes is written, else the best "
             "(default: the model's, bundled 3; 1 = one clip, no check)",
    )
    g.add_argument(
        "--negative", default=None, help="negative prompt (default: the model's; official: §4.1's)"
    )
    g.add_argument(
        "--image", metavar="FILE", default=None,
        help="image-to-video: the first frame (PNG, JPEG, ...), resized to cover the video and centre-cropped "
        "as in Step-Video-TI2V; needs an image-to-video model (docs/ti2v.md)",
    )
    g.add_argument(
        "--motion-score", type=float, default=None, metavar="S",
        help="image-to-video models with a motion-score input: how much the video moves (official TI2V: 2 "
        "steady, 5 default, 10-20 more motion; default: the model's)",
    )
    g.add_argument(
        "--positive-suffix",
        default=None,
        help="text appended to the prompt (default: the model's; official: the magic words; '' for none)",
    )
    g.add_argument(
        "--prompt-rewrite",
        choices=REWRITERS,
        default=None,
        help="restate the prompt in the words the model was trained on: world = the synthetic world's parser "
        "and caption templates (what a prompt it cannot read keeps as written, saying why); none = as "
        "written (default: the model's; the bundled model: world, released models: none)",
    )
    g.add_argument(
        "--rewrite",
        action="store_true",
        help="before --prompt-rewrite, have an LLM (an OpenAI-compatible endpoint) expand the prompt into the "
        "caption style the model was trained on; a failed request or an unusable answer leaves the prompt as "
        "typed, with a warning saying why (docs/generate.md#llm-prompt-rewriting)",
    )
    g.add_argument(
        "--rewrite-url", metavar="URL", default=None,
        help=f"the endpoint's base URL (default: ${LLM_ENV_URL}, else {LLM_DEFAULT_URL})",
    )
    g.add_argument(
        "--rewrite-model", metavar="NAME", default=None,
        help=f"the model name the endpoint serves (default: ${LLM_ENV_MODEL}; one of the two is needed)",
    )
    g.add_argument(
        "--rewrite-key-env", metavar="VAR", default=None,
        help=f"environment variable holding the API key (default: ${LLM_ENV_KEY_ENV}, else OPENAI_API_KEY)",
    )
    g.add_argument(
        "--rewrite-timeout", type=float, metavar="SECONDS", default=None,
        help=f"seconds to wait for the endpoint (default: ${LLM_ENV_TIMEOUT}, else 30)",
    )
    g.add_argument(
        "--device", default=None, help="cpu, cuda or cuda:N (default: cuda if available, else cpu)"
    )
    g.add_argument(
        "--gpus", type=int, default=None, metavar="N",
        help="generate on N GPUs, one process each (relaunched under torchrun): the two CFG halves on two GPU "
        "groups when N is even, the video tokens split inside a group; rank 0 writes the file "
        "(docs/multigpu.md). With --device cpu: N CPU processes (for tests)",
    )
    g.add_argument(
        "--dtype",
        default="auto",
        choices=["auto", "bf16", "fp16", "fp32"],
        help="model dtype; auto = bf16 on CUDA and on CPUs with native bf16 (AVX512-BF16 / AMX), fp32 on other CPUs "
        "(default: auto)",
    )
    g.add_argument(
        "--offload",
        default="none",
        choices=["none", "text", "model", "blocks"],
        help="keep the text encoder (text) or every component (model) on the CPU while idle; blocks: as model, "
        "but the DiT's transformer blocks stay in host memory and stream through two GPU buffers while the "
        "rest of the DiT stays on the GPU (same video, for 24-48 GB cards) (default: none)",
    )
    g.add_argument(
        "--stream-weights",
        default="model",
        choices=["model", "fp8"],
        help="with --offload blocks: store the streamed blocks' linear weights in the model dtype, or as fp8 "
        "(e4m3, one scale per output channel: half the host memory and transfer, the matmuls stay in the "
        "model dtype; adds quantisation error) (default: model)",
    )
    g.add_argument(
        "--cfg-split",
        default="auto",
        choices=["auto", "on", "off"],
        help="run the guided batch as two DiT calls: same output, half the DiT's activation memory, about "
        "the same time at full size; auto: only on CUDA when batch 2 would not fit (default: auto)",
    )
    g.add_argument(
        "--compile",
        default="auto",
        choices=["auto", "on", "off"],
        help="torch.compile the DiT blocks' per-chunk pieces of long videos (fused elementwise ops, same maths; "
        "compiled on the first long forward, cached on disk); auto: on CUDA (default: auto)",
    )
    g.add_argument(
        "--step-cache",
        type=float,
        default=0.0,
        metavar="THRESHOLD",
        help="fast mode, approximate: at a step where the first DiT block's residual changed by less than this "
        "(relative L1) since the last full step, reuse the other blocks' cached residual; 0 = off, exact "
        "(default: 0; quality cost and speed: docs/generate.md#step-caching)",
    )
    g.add_argument(
        "--sparse-attention",
        default=None,
        metavar="SPEC",
        help="fast mode, approximate: sliding-tile self-attention; each tile of video tokens attends to a window of "
        "tiles around it. SPEC: a window in tiles (3x3x3) or window=FxHxW,tile=FxHxW,dense-until=TAU,"
        "backend=auto|gather|flex (auto: flex on CUDA, gather elsewhere; tile default 4x8x8 = 256 tokens; dense-until: dense attention while the model time "
        "is below TAU, 0 = noise, default 0: sparse at every step; quality cost and speed: "
        "docs/generate.md#sparse-attention)",
    )
    g.add_argument(
        "--fp8-matmul",
        action="store_true",
        help="fast mode, approximate: the DiT blocks' linear layers store their weights in fp8 (half the bf16 "
        "bytes) and multiply in fp8 with per-row scales (fp8 tensor cores on sm89+ GPUs; slow on the CPU); "
        "not with --offload blocks (quality cost: docs/generate.md#fp8-matmuls)",
    )
    g.add_argument(
        "--resume",
        default=None,
        metavar="FILE",
        help="sampler state file (safetensors): saved after every step; a killed run started again with the same "
        "arguments continues from its last step and makes the same video (refused, naming what differs, for "
        "other settings); single process, exact path (no --step-cache)",
    )
    g.add_argument(
        "--vae-tile",
        type=int,
        default=None,
        metavar="PIXELS",
        help="decode in spatial tiles of this size (a multiple of 16) to save memory (default: whole frames)",
    )
    g.add_argument(
        "--crop-540x960",
        action="store_true",
        help="official centre crop to 540x960 (landscape) / 960x540 (portrait)",
    )
    g.add_argument(
        "--fps", type=float, default=None, help="output frame rate (default: the model's, official 25)"
    )
    g.add_argument(
        "--official-noise",
        action="store_true",
        help="parity only: the official unseeded bf16 initial noise (identical for every --seed)",
    )
    g.add_argument(
        "--official-numerics",
        action="store_true",
        help="parity only: bf16 CFG combination and bf16 post-processing as in the official code",
    )
    g.set_defaults(func=_generate)

    i = subparsers.add_parser(
        "inspect",
        help="print a preset's parameter count and key -> shape manifest",
        description="Build a preset on the meta device (no memory) and print its parameter count, or with "
        "--keys a JSON object {key: shape} in checkpoint naming.",
    )
    i.add_argument("--preset", required=True, help="e.g. stepvideo-t2v, stepvideo-vae-v2, step-llm, tiny")
    i.add_argument(
        "--component",
        choices=["dit", "vae", "text"],
        default=None,
        help="which model family the preset belongs to (needed when a name exists in several)",
    )
    i.add_argument("--keys", action="store_true", help="print {key: shape} as JSON")
    i.set_defaults(func=_inspect)
    _register_bench(subparsers)


# ------------------------------------------------------------------------------------------------ generate


def bundled_model_dir() -> Path | None:
    """The model shipped inside the package (``stepvid/bundled/``), if there is one."""
    base = Path(__file__).resolve().parent / "bundled"
    if not base.is_dir():
        return None
    for cand in [base, *sorted(p for p in base.iterdir() if p.is_dir())]:
        if (cand / "stepvid.json").is_file() or (cand / "transformer").is_dir():
            return cand
    return None


def bundled_ti2v_dir() -> Path | None:
    """The bundled model's image-to-video variant (``stepvid/bundled/ti2v/``), if this install has it: what
    ``stepvid generate --image`` uses when no ``--model`` is given."""
    base = bundled_model_dir()
    cand = base / "ti2v" if base is not None else None
    return cand if cand is not None and (cand / "stepvid.json").is_file() else None


def _random_tiny_model(tmp: Path) -> Path:
    """An untrained tiny model that needs only the core dependencies (see write_tiny_small_model)."""
    from stepvid.testing.checkpoint_fixtures import write_tiny_small_model

    write_tiny_small_model(tmp, seed=0, defaults=_RANDOM_TINY_DEFAULTS)
    description = json.loads((tmp / "stepvid.json").read_text())
    (tmp / "stepvid.json").write_text(json.dumps({"name": "random tiny model (untrained)", **description}, indent=2))
    return tmp


def _warn(msg: str) -> None:
    bar = "!" * 78
    print(f"{bar}\n{msg}\n{bar}", file=sys.stderr)


OUTPUT_SUFFIXES = (".mp4", ".gif")
SEEDS = (-(2**63), 2**64 - 1)  # what torch.Generator.manual_seed accepts


def check_output_path(out: Path) -> bool:
    """Refuse, before any generation, an output that could not be written: a wrong extension, a directory,
    a path under a file, a folder that cannot be written (probed with a temporary file in the nearest
    existing folder; missing folders below it are created when the video is written). Returns whether
    ``out`` exists (it will be replaced atomically)."""
    from stepvid.cli import CLIError

    if out.suffix.lower() not in OUTPUT_SUFFIXES:
        raise CLIError(f"output {out} must end in .mp4 or .gif")
    if out.is_dir():
        raise CLIError(f"output {out} is a directory; give a file name ending in .mp4 or .gif")
    folder = out.parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir():
        raise CLIError(f"cannot write {out}: {folder} is a file, not a folder")
    try:
        fd, probe = tempfile.mkstemp(prefix=".stepvid-write-test.", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise CLIError(f"cannot write {out}: folder {folder} is not writable ({exc.strerror})") from None
    return out.exists()


def _check_flags(args: argparse.Namespace) -> None:
    """The flags check_generation_args does not cover (seed range, fps, tile size)."""
    from stepvid.cli import CLIError

    if not SEEDS[0] <= args.seed <= SEEDS[1]:
        raise CLIError(f"--seed must be an integer from {SEEDS[0]} to {SEEDS[1]}; got {args.seed}")
    if args.fps is not None and not (math.isfinite(args.fps) and args.fps > 0):
        raise CLIError(f"--fps must be a number > 0; got {args.fps}")
    if args.vae_tile is not None and (args.vae_tile < 16 or args.vae_tile % 16):
        raise CLIError(f"--vae-tile must be a positive multiple of 16 pixels; got {args.vae_tile}")
    if args.stream_weights != "model" and args.offload != "blocks":
        raise CLIError(f"--stream-weights {args.stream_weights} needs --offload blocks (it is how the streamed "
                       "blocks are stored)")
    if args.offload == "blocks" and (getattr(args, "gpus", None) or 1) > 1:
        raise CLIError("--offload blocks is for one GPU (every worker would hold the whole DiT in host memory); "
                       "with --gpus use --offload model or none")
    _sparse_attention(args)
    if args.fp8_matmul and args.offload == "blocks":
        raise CLIError("--fp8-matmul does not combine with --offload blocks (use --stream-weights fp8 there for "
                       "fp8 storage)")
    if args.fp8_matmul and args.resume is not None:
        raise CLIError("--resume needs the exact path (drop --fp8-matmul)")


def _llm_rewriter(args: argparse.Namespace):
    """The ``--rewrite`` LLM stage (:class:`stepvid.llm_rewrite.LLMRewriter`) with its options checked, or None
    without ``--rewrite``; nothing is contacted here."""
    from stepvid.cli import CLIError

    options = {"--rewrite-url": args.rewrite_url, "--rewrite-model": args.rewrite_model,
               "--rewrite-key-env": args.rewrite_key_env, "--rewrite-timeout": args.rewrite_timeout}
    if not args.rewrite:
        given = [flag for flag, value in options.items() if value is not None]
        if given:
            raise CLIError(f"{given[0]} has no effect without --rewrite")
        return None
    if (getattr(args, "gpus", None) or 1) > 1:
        raise CLIError("--rewrite runs in one process only: with --gpus every worker would ask the LLM on its "
                       "own; rewrite the prompt first (stepvid.llm_rewrite) or drop --gpus")
    from stepvid.llm_rewrite import LLMRewriter

    return LLMRewriter.from_env(args.rewrite_url, args.rewrite_model, args.rewrite_key_env, args.rewrite_timeout)


@dataclass
class _Run:
    """One generation's resolved settings: flags, else --preset, else the model's defaults."""

    frames: int
    height: int
    width: int
    steps: int
    cfg: float
    shift: float
    fps: float

    @classmethod
    def resolve(cls, args: argparse.Namespace, defaults, preset: dict | None) -> _Run:
        def pick(flag, field, default):  # explicit flag, else the --preset value, else the model's default
            if flag is not None:
                return flag
            return (preset or {}).get(field, default)

        d = defaults
        return cls(
            frames=d.num_frames if args.frames is None else args.frames,
            height=d.height if args.height is None else args.height,
            width=d.width if args.width is None else args.width,
            steps=pick(args.steps, "steps", d.steps),
            cfg=pick(args.cfg, "cfg", d.cfg),
            shift=pick(args.shift, "shift", d.shift),
            fps=d.fps if args.fps is None else args.fps,
        )

    def guided(self, cfg_decay: bool) -> bool:
        return not (self.cfg == 1.0 and not cfg_decay)


def _generate(args: argparse.Namespace) -> int:
    from stepvid.pipeline import check_generation_args, resolve_device

    # Fail on bad flags before reading anything (unset values are checked below against the model defaults).
    def given(value, placeholder):
        return placeholder if value is None else value

    check_generation_args(
        args.prompt,
        given(args.frames, 17),
        given(args.height, 16),
        given(args.width, 16),
        given(args.steps, 1),
        cfg=args.cfg,
        shift=args.shift,
    )
    _check_flags(args)
    _llm_rewriter(args)  # its options, before anything is loaded
    out = Path(args.output or f"stepvid-{args.seed}.mp4")
    replacing = check_output_path(out)
    device = resolve_device(args.device)
    from stepvid.parallel.launch import check_gpus, launch, worker_session
    from stepvid.parallel.mesh import torchrun_world

    if args.gpus is not None and torchrun_world() == 1:  # not yet a torchrun worker: relaunch as N of them
        check_gpus(args.gpus, args.device)
        if args.gpus > 1:
            return launch(args, args.gpus)
    with contextlib.ExitStack() as stack:
        session = stack.enter_context(worker_session(args, device)) if torchrun_world() > 1 else None
        device = session.device if session else device
        model_dir = Path(args.model) if args.model else bundled_model_dir()
        if args.model is None and args.image is not None and bundled_ti2v_dir() is not None:
            model_dir = bundled_ti2v_dir()  # the bundled model's image-to-video variant
        if args.model is None and model_dir is None:
            _warn(
                "WARNING: no --model given and this install has no bundled model.\n"
                "Using a RANDOMLY INITIALISED tiny model: the output is NOISE, not a real video.\n"
                "Pass --model DIR with a Step-Video checkpoint folder for real generations."
            )
            model_dir = _random_tiny_model(
                Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="stepvid-")))
            )
        return _run_generation(args, model_dir, out, replacing, device, session=session)


def _check_image_flags(args: argparse.Namespace, plan, model_dir: Path, run: _Run) -> str:
    """Image-to-video flags against the model (before any weights are read): --image only for a DiT with
    condition channels and required by one, --motion-score only for one with a motion-score input; the image
    is read and size-checked here. Returns a note for the summary line."""
    from stepvid.cli import CLIError
    from stepvid.ti2v import check_image_inputs, first_frame, is_image_conditioned

    dit = plan.dit_config
    try:  # the user-given score only: the model's default is the pipeline's to check
        check_image_inputs(is_image_conditioned(dit), dit.motion_score_embedder, args.image is not None,
                           args.motion_score, model_dir=model_dir)
    except ValueError as exc:
        raise CLIError(str(exc)) from None
    if args.image is None:
        return ""
    first_frame(args.image, run.height, run.width)  # missing, unreadable, transparent, aspect far off: fail now
    score = args.motion_score if args.motion_score is not None else plan.defaults.motion_score
    return f", first frame {args.image}" + (f", motion score {score:g}" if dit.motion_score_embedder else "")


def resolve_preset(name: str | None, plan) -> dict | None:
    """The sampler fields ``--preset NAME`` sets: the model's own preset of that name (``stepvid.json``
    ``presets``), else the official releases' (:data:`~stepvid.diffusion.sampler.SAMPLER_PRESETS`); an unknown
    name is refused, listing both."""
    from dataclasses import asdict

    from stepvid.cli import CLIError
    from stepvid.diffusion.sampler import SAMPLER_PRESETS

    if name is None:
        return None
    if name in plan.presets:
        return plan.presets[name]
    if name in SAMPLER_PRESETS:
        return {k: v for k, v in asdict(SAMPLER_PRESETS[name]).items() if k != "cfg_decay"}
    own = f"this model's: {', '.join(sorted(plan.presets))}; " if plan.presets else "this model stores none; "
    raise CLIError(f"unknown --preset {name!r} ({own}official: {', '.join(sorted(SAMPLER_PRESETS))})")


def generation_plan(model_dir: Path, transformer: str | None, preset_name: str | None) -> tuple:
    """(model plan, preset fields) that ``stepvid generate`` runs: ``--preset`` NAME, else the folder's
    ``default_preset``; a model preset that names its own DiT (the bundled Turbo student) plans that DiT, unless
    ``--transformer`` gave one."""
    from stepvid.model_folder import plan_model, with_preset

    plan = plan_model(model_dir, transformer)
    name = preset_name if preset_name is not None else plan.default_preset
    preset = resolve_preset(name, plan)
    if preset and "transformer" in preset and transformer is None:
        plan = with_preset(plan, name)
    return plan, preset


def _preset_note(asked: str | None, plan, transformer: str | None) -> str:
    """' (preset NAME: DiT FOLDER)' when the model's own preset picked the DiT (the bundled Turbo student), so the
    summary says which weights ran; else '' (also when --transformer gave them)."""
    if transformer is not None:
        return ""
    name = asked if asked is not None else plan.default_preset
    dit = plan.presets.get(name, {}).get("transformer") if name else None
    return f" (preset {name}: {dit}/)" if dit else ""


def _run_generation(
    args: argparse.Namespace, model_dir: Path, out: Path, replacing: bool, device, session=None
) -> int:
    from stepvid.cli import CLIError
    from stepvid.generation_memory import check_generation_memory, format_bytes
    from stepvid.pipeline import TextToVideoPipeline, check_generation_args, parse_dtype
    from stepvid.runtime import cpu_has_native_bf16
    from stepvid.video import write_gif, write_video

    if not model_dir.is_dir():
        raise CLIError(f"model folder not found: {model_dir}")
    t0 = time.perf_counter()
    sparse = _sparse_attention(args)
    plan, preset = generation_plan(model_dir, args.transformer, args.preset)  # headers and configs, no tensors
    run = _Run.resolve(args, plan.defaults, preset)
    check_generation_args(args.prompt, run.frames, run.height, run.width, run.steps, plan.size_multiple,
                          cfg=run.cfg, shift=run.shift)
    if not (math.isfinite(run.fps) and run.fps > 0):
        raise CLIError(f"fps must be > 0; got {run.fps}")
    if not (math.isfinite(args.step_cache) and args.step_cache >= 0):
        raise CLIError(f"--step-cache must be a finite threshold >= 0 (0 = off); got {args.step_cache}")
    if args.tries is not None and args.tries < 1:
        raise CLIError(f"--tries must be >= 1; got {args.tries}")
    if args.resume is not None and args.step_cache > 0:
        raise CLIError("--resume needs the exact path: the step cache's state is not saved (drop --step-cache)")
    if args.crop_540x960 and min(run.height, run.width) < 540:
        raise CLIError(f"--crop-540x960 needs frames at least 540 pixels on the short side; got "
                       f"{run.height}x{run.width}")
    r = plan.vae_config.spatial_ratio
    if args.vae_tile is not None and args.vae_tile % r:
        raise CLIError(f"--vae-tile must be a multiple of this VAE's {r} pixels; got {args.vae_tile}")
    cond_note = _check_image_flags(args, plan, model_dir, run)  # reads the image now, before any weights
    dtype = parse_dtype(None if args.dtype == "auto" else args.dtype, device)
    if args.dtype == "auto" and device.type == "cpu" and cpu_has_native_bf16():
        dtype = parse_dtype("bf16", device)  # ~1.4x the fp32 speed on such CPUs, same judge pass rate (docs/generate.md)
    guided = run.guided(args.cfg_decay)
    split = args.cfg_split == "on"
    mesh = session.mesh(guided, args.cfg_split) if session else None  # torchrun worker: cfg x sp groups
    cfg_groups, sp = (mesh.cfg, mesh.sp) if mesh else (1, 1)
    if args.resume is not None and session:
        raise CLIError("--resume is for single-process runs (every torchrun rank would write the same file)")
    if sparse is not None and sp > 1:
        raise CLIError("--sparse-attention does not combine with sequence parallelism (run with one process per "
                       "CFG branch, or drop --sparse-attention)")

    def check(split: bool):
        return check_generation_memory(plan, run.frames, run.height, run.width, guided, device, dtype,
                                       args.offload, args.vae_tile, cfg_split=split or cfg_groups > 1, sp=sp,
                                       stream_weights=args.stream_weights, step_cache=args.step_cache > 0,
                                       sparse_attention=None if sparse is None else sparse.kernel(device),
                                       fp8_matmul=args.fp8_matmul)

    try:
        est = check(split)
    except ValueError:
        if not (args.cfg_split == "auto" and guided and device.type == "cuda" and cfg_groups == 1):
            raise
        est, split = check(True), True  # still too large: that error names the numbers
        print("stepvid generate: batch-2 guidance would not fit; running the two CFG halves one after the "
              "other (--cfg-split)", file=sys.stderr)
    need = est.device_peak(device.type, args.offload)
    if mesh is None:
        pipe = TextToVideoPipeline.from_plan(plan, device=device, dtype=dtype, offload=args.offload,
                                             stream_weights=args.stream_weights)
    else:
        from stepvid.parallel import parallel_pipeline_from_plan

        pipe = parallel_pipeline_from_plan(plan, mesh, dtype=dtype, offload=args.offload)
    pipe.cfg_split = split
    solver = args.solver if args.solver is not None else (preset or {}).get("solver")
    if solver is not None:
        pipe.defaults = replace(pipe.defaults, solver=solver)
    if args.compile != "auto":
        pipe.set_compile(args.compile == "on")
    if sparse is not None:
        pipe.set_sparse_attention(sparse)
    if args.fp8_matmul:
        pipe.use_fp8_matmuls()
    t_load = time.perf_counter() - t0
    print(
        f"stepvid generate: {model_dir}{_preset_note(args.preset, plan, args.transformer)} on {mesh.describe() if mesh else pipe.device} "
        f"({str(pipe.dtype).removeprefix('torch.')}), "
        f"{run.frames} frames {run.width}x{run.height}, {run.steps} steps, cfg {run.cfg:g}"
        f"{' (decaying)' if args.cfg_decay else ''}, shift {run.shift:g}, {pipe.defaults.solver}, seed {args.seed}"
        f"{cond_note}{'' if sparse is None else '; sparse attention: ' + sparse.describe(pipe.device)}"
        f"{'; fp8 matmuls in the DiT blocks' if args.fp8_matmul else ''}; "
        f"estimated peak memory {format_bytes(need)}",
        file=sys.stderr,
    )
    llm = _llm_rewriter(args) if mesh is None or mesh.is_main else None  # only rank 0's prompt is encoded
    if llm is not None:
        print(f"stepvid generate: asking {llm.describe()} to rewrite the prompt (timeout {llm.timeout:g} s)",
              file=sys.stderr)
    rewrite = pipe.rewrite(args.prompt, args.prompt_rewrite, llm=llm)  # a failed LLM rewrite: one warning
    said = rewrite.message()
    if said:
        print(said, file=sys.stderr)
    tries = 1 if mesh is not None or args.resume is not None else args.tries  # torchrun / resume: one clip

    def said_attempt(a) -> None:
        print(f"stepvid generate: world check: {a.describe()}", file=sys.stderr)

    t1 = time.perf_counter()
    frames = pipe(
        rewrite.text,
        args.negative,
        num_frames=run.frames,
        height=run.height,
        width=run.width,
        steps=run.steps,
        cfg=run.cfg,
        shift=run.shift,
        seed=args.seed,
        cfg_decay=args.cfg_decay,
        positive_suffix=args.positive_suffix,
        prompt_rewrite="none",  # done above
        crop_540x960=args.crop_540x960,
        official_noise=args.official_noise,
        official_numerics=args.official_numerics,
        vae_tile_size=args.vae_tile,
        progress=True,
        image=args.image,
        motion_score=args.motion_score,
        step_cache=args.step_cache,
        resume=args.resume,
        tries=tries,
        on_attempt=said_attempt,
    )
    t_gen = time.perf_counter() - t1
    if mesh is not None and not mesh.is_main:
        return 0  # rank 0 has the frames and writes the one file
    (write_gif if out.suffix.lower() == ".gif" else write_video)(out, frames, fps=run.fps)
    size = out.stat().st_size
    print(
        f"wrote {out}{' (replaced the existing file)' if replacing else ''} — {frames.shape[0]} frames, "
        f"{frames.shape[2]}x{frames.shape[1]} @ {run.fps:g} fps, {size / 1024:.1f} KiB; load {t_load:.1f} s, "
        f"generation {t_gen:.1f} s"
        + (f"; {pipe.last_step_cache.summary()}" if pipe.last_step_cache is not None else "")
        + _attempts_summary(pipe.last_attempts, tries if tries is not None else pipe.defaults.tries)
    )
    return 0


def _attempts_summary(attempts, tries: int) -> str:
    """The world check's outcome for the summary line ('' when nothing was checked)."""
    if not attempts:
        return ""
    from stepvid.world.verify import kept as kept_attempt

    kept = kept_attempt(attempts)
    if kept.passed:
        return f"; world check passed at seed {kept.seed} (try {attempts.index(kept) + 1} of up to {tries})"
    return (f"; world check: none of {len(attempts)} clips passed, kept seed {kept.seed} "
            f"(score {kept.score:.2f}, failed: {', '.join(kept.failed)})")


def _sparse_attention(args):
    """``--sparse-attention`` read into a config (None: off); a bad spec or an unsupported pairing is refused."""
    if args.sparse_attention is None:
        return None
    from stepvid.cli import CLIError
    from stepvid.models.sparse_attention import parse_sparse_attention

    try:
        sparse = parse_sparse_attention(args.sparse_attention)
    except ValueError as e:
        raise CLIError(str(e)) from None
    if args.resume is not None:
        raise CLIError("--resume needs the exact path (drop --sparse-attention)")
    return sparse


# ------------------------------------------------------------------------------------------------ inspect


def _preset_families() -> dict[str, tuple[dict, Callable[[str], dict[str, list[int]]]]]:
    import torch

    from stepvid.models.dit import DIT_PRESETS, dit_key_shapes
    from stepvid.models.text.step_llm import STEP_LLM_PRESETS, StepLLM, StepLLMConfig
    from stepvid.models.vae import VAE_PRESETS, VAEConfig, VideoVAE

    def vae_keys(name: str) -> dict[str, list[int]]:
        with torch.device("meta"):
            model = VideoVAE(VAEConfig.preset(name))
        return {k: list(v.shape) for k, v in model.state_dict().items()}

    def llm_keys(name: str) -> dict[str, list[int]]:
        with torch.device("meta"):
            model = StepLLM(StepLLMConfig.from_preset(name))
        return {k: list(v.shape) for k, v in model.state_dict().items()}

    return {
        "dit": (DIT_PRESETS, dit_key_shapes),
        "vae": (VAE_PRESETS, vae_keys),
        "text": (STEP_LLM_PRESETS, llm_keys),
    }


def inspect_preset(name: str, component: str | None = None) -> tuple[str, dict[str, list[int]]]:
    """(component, {key: shape}) of a named preset, built on the meta device."""
    families = _preset_families()
    owners = [c for c, (presets, _) in families.items() if name in presets and component in (None, c)]
    if not owners:
        listing = "; ".join(f"{c}: {', '.join(sorted(p))}" for c, (p, _) in families.items())
        raise ValueError(
            f"unknown preset {name!r}{f' for {component}' if component else ''}; available — {listing}"
        )
    if len(owners) > 1:
        raise ValueError(f"preset {name!r} exists for {', '.join(owners)}; choose one with --component")
    return owners[0], families[owners[0]][1](name)


def _inspect(args: argparse.Namespace) -> int:
    component, shapes = inspect_preset(args.preset, args.component)
    if args.keys:
        # one key per line, shapes inline — the layout of shared/reference/*.json manifests
        print("{\n" + ",\n".join(f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in shapes.items()) + "\n}")
    else:
        n = sum(math.prod(s) for s in shapes.values())
        print(f"{args.preset} ({component}): {n:,} parameters ({n / 1e9:.3f} B) in {len(shapes)} tensors")
    return 0


# ------------------------------------------------------------------------------------------------ bench


def _register_bench(subparsers: argparse._SubParsersAction) -> None:
    b = subparsers.add_parser(
        "bench",
        help="measure inference: DiT per layer (MFU), VAE decode, seconds per video",
        description="Time a preset's DiT cut to --layers blocks (random weights) per attention backend and mode: "
        "seconds per layer and per forward, MFU against this device's measured matmul rate, activation peak; "
        "optionally the VAE decode (--vae) and a whole generation with a model folder (--e2e --model DIR). "
        "Prints a table and docs/benchmarks.md lines; --json writes every number. See docs/bench.md.",
    )
    b.add_argument("--preset", default="stepvideo-t2v",
                   choices=["stepvideo-t2v", "stepvideo-t2v-turbo", "small", "tiny"],
                   help="DiT architecture (width, heads, channels) and its VAE (default: stepvideo-t2v)")
    b.add_argument("--layers", type=int, default=2, help="DiT blocks to build (default: 2)")
    b.add_argument("--frames", type=int, default=None,
                   help="1 or a multiple of 17 (default: the preset's, 204 for stepvideo-t2v; e2e: the model's)")
    b.add_argument("--height", type=int, default=None, help="a multiple of 16 (default: the preset's / model's)")
    b.add_argument("--width", type=int, default=None, help="a multiple of 16 (default: the preset's / model's)")
    b.add_argument("--batch", type=int, choices=[1, 2], default=1, help="DiT batch; 2 = a guided (CFG) step")
    b.add_argument("--text-len", type=int, default=320, help="Step-LLM tokens; 77 CLIP tokens are added")
    b.add_argument("--device", default=None, help="cpu, cuda or cuda:N (default: cuda if available, else cpu)")
    b.add_argument("--dtype", default="auto", choices=["auto", "bf16", "fp16", "fp32"],
                   help="auto = bf16 on CUDA, fp32 on CPU (the matmul rate is measured in the same dtype)")
    b.add_argument("--attention", default="auto", metavar="LIST",
                   help="comma list of SDPA backends to time: auto, flash, cudnn, efficient, math (default: auto)")
    b.add_argument("--mode", default="exact", metavar="LIST",
                   help="comma list: exact (eager, the plain forward; e2e: the pipeline's own settings), chunked "
                   "(exact maths in token chunks: bounded activations), fast (capture-safe DiT, compiled blocks), "
                   "fast-chunked (default: exact)")
    b.add_argument("--token-chunk", type=int, default=None, metavar="N",
                   help="tokens per chunk of the chunked modes (default: the pipeline's, 16384)")
    b.add_argument("--warmup", type=int, default=1, help="untimed forwards before timing (default: 1)")
    b.add_argument("--repeats", type=int, default=3, help="timed forwards; the median is reported (default: 3)")
    b.add_argument("--matmul-rate", type=float, default=None, metavar="TFLOPS",
                   help="MFU denominator in TFLOP/s (default: measured on this device)")
    b.add_argument("--matmul-size", type=int, default=None, metavar="N",
                   help="side of the timed N x N GEMM (default: 8192 on CUDA, 1024 on CPU)")
    b.add_argument("--no-dit", action="store_true", help="skip the DiT forward timing")
    b.add_argument("--vae", action="store_true", help="also time the VAE decode: one pass vs time_slice 1")
    b.add_argument("--vae-preset", default=None, help="VAE preset for --vae (default: the DiT preset's)")
    b.add_argument("--model", metavar="DIR", default=None, help="checkpoint folder for --e2e")
    b.add_argument("--e2e", action="store_true",
                   help="also generate one video with --model as `stepvid generate` does, timed per stage")
    b.add_argument("--steps", type=int, default=None, help="sampler steps for --e2e (default: the model's)")
    b.add_argument("--prompt", default=None, help="prompt for --e2e (default: a red circle moving right)")
    b.add_argument("--seed", type=int, default=1234, help="noise seed for --e2e (default: 1234)")
    b.add_argument("--sparse-attention", metavar="SPEC", default=None,
                   help="also time every mode with sliding-tile sparse attention (as `stepvid generate`'s flag)")
    b.add_argument("--fp8-matmul", action="store_true", help="also time every mode with fp8 block matmuls")
    b.add_argument("--step-cache", type=float, default=None, metavar="T",
                   help="--e2e only: also generate with step caching at threshold T")
    b.add_argument("--json", metavar="OUT", default=None, help="write every number here (atomic)")
    b.set_defaults(func=_bench)


def _bench(args: argparse.Namespace) -> int:
    from stepvid.bench import run_from_args

    return run_from_args(args)
