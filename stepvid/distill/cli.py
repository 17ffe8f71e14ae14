"""``stepvid distill cache`` (the teacher's samples) and ``stepvid train distill`` (the Turbo student; registered
with the other trainers by ``stepvid.train.cli``). Handlers import torch lazily."""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from stepvid.cli import parse_shard

__all__ = ["add_train_distill", "register"]


def _cache_args(p: argparse.ArgumentParser, required: bool) -> None:
    p.add_argument("--prompts", required=required,
                   help=".jsonl rows {prompt, id?} (e.g. `stepvid world prompts`) or one prompt per line")
    p.add_argument("--per-prompt", type=int, default=4, help="teacher samples per prompt (default: 4)")
    p.add_argument("--cache-seed", type=int, default=0, help="base of the samples' noise seeds (default: 0)")
    p.add_argument("--batch", type=int, default=32, help="teacher samples per DiT batch (default: 32)")
    p.add_argument("--teacher-steps", type=int, default=None, help="teacher sampler steps (default: the model's)")
    p.add_argument("--teacher-cfg", type=float, default=None, help="teacher guidance (default: the model's)")
    p.add_argument("--no-cfg-decay", action="store_true",
                   help="constant teacher guidance instead of the report's linear decay")
    p.add_argument("--limit", type=int, default=None, help="only the first N prompts")
    p.add_argument("--judge", action="store_true",
                   help="also decode and judge each sample (world judge; the prompts need world requests, e.g. "
                        "`stepvid world prompts`): rows keep score and passed, for `train distill --passed-only`")
    p.add_argument("--judge-workers", type=int, default=0, help="judge processes beside the GPU (default: 0)")
    p.add_argument("--decode-batch", type=int, default=16, help="latents per VAE decode with --judge (default: 16)")


def register(sub: Any) -> None:
    p = sub.add_parser("distill", help="Turbo distillation data: the teacher's samples",
                       description="`distill cache`: the teacher samples each prompt (50 steps, decaying CFG by "
                                   "default) into a resumable, shardable cache. Train with `stepvid train distill`. "
                                   "`distill decoder`: a lighter VAE decoder trained on that cache.")
    dsub = p.add_subparsers(dest="distill_command", metavar="WHAT")
    p.set_defaults(func=lambda a: (p.print_help(), 2)[1])
    c = dsub.add_parser("cache", help="sample the teacher into a cache (resumable, shardable)",
                        description=__import__("stepvid.distill.cache", fromlist=["x"]).__doc__,
                        formatter_class=argparse.RawDescriptionHelpFormatter)
    c.add_argument("--teacher", default=None, help="model folder (default: the bundled model)")
    c.add_argument("--out", required=True, help="cache folder (resumes; shards may share it)")
    c.add_argument("--shard", type=parse_shard, default=(0, 1), metavar="I/N", help="prompts with index %% N == I")
    c.add_argument("--device", default=None, help="cuda / cpu (default: cuda if available)")
    _cache_args(c, required=True)
    c.set_defaults(func=_cmd_cache)
    _add_decoder(dsub)


def _module_doc(name: str) -> str | None:
    """A module's docstring, read from its source without importing it (stepvid.distill.decoder imports torch)."""
    import ast
    import importlib.util
    from pathlib import Path

    source = Path(importlib.util.find_spec(name).origin).read_text(encoding="utf-8")
    return ast.get_docstring(ast.parse(source), clean=False)


def _add_decoder(dsub: Any) -> None:
    from stepvid.distill.config import DecoderDistillConfig

    d = DecoderDistillConfig(vae="", cache=[], run_dir="")
    p = dsub.add_parser("decoder", help="a lighter VAE decoder for the model's latents (faster decode)",
                        description=_module_doc("stepvid.distill.decoder"),
                        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--vae", default=None, help="teacher VAE file or model folder (default: the bundled model)")
    p.add_argument("--cache", nargs="+", required=True, help="teacher caches (`stepvid distill cache`)")
    p.add_argument("--run-dir", required=True, help="run folder; an existing one resumes")
    p.add_argument("--out", default=None, help="write the student VAE file here (e.g. STUDENT/vae/vae_v2.safetensors)")
    p.add_argument("--decoder", default=json.dumps(d.decoder),
                   help="JSON of the decoder_* VAE config fields to change (default: %(default)s)")
    for name, typ, hlp in (("steps", int, "optimizer steps"), ("batch_size", int, "latent chunks per step"),
                           ("lr", float, "peak learning rate (AdamW, cosine to 10 %%)"), ("warmup", int, "warm-up steps"),
                           ("holdout", int, "last cache rows held out for the PSNR"), ("seed", int, "seed of the draws"),
                           ("checkpoint_every", int, "steps between checkpoints"),
                           ("log_every", int, "steps between log rows"),
                           ("max_minutes", float, "wall-time budget (the cosine anneals over it if shorter)")):
        p.add_argument("--" + name.replace("_", "-"), type=typ, default=getattr(d, name),
                       help=hlp if getattr(d, name) is None else f"{hlp} (default: {getattr(d, name)})")
    p.add_argument("--no-warm-start", dest="warm_start", action="store_false",
                   help="initialise the whole decoder afresh (default: copy the teacher's tensors where the shapes "
                        "match)")
    p.add_argument("--device", default=None, help="cuda / cpu (default: cuda if available)")
    p.add_argument("--precision", choices=["bf16", "fp32"], default=d.precision)
    p.set_defaults(func=_cmd_decoder)


def _cmd_decoder(args) -> int:
    import logging

    from stepvid.distill.decoder import DecoderDistillConfig, distill_decoder

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        decoder = json.loads(args.decoder)
    except json.JSONDecodeError as e:
        raise ValueError(f"--decoder is not JSON: {e}") from None
    if not isinstance(decoder, dict):
        raise ValueError(f"--decoder must be a JSON object of decoder_* fields; got {args.decoder!r}")  # noqa: TRY004
    cfg = DecoderDistillConfig(vae=args.vae or _teacher(None), cache=list(args.cache), run_dir=args.run_dir,
                               decoder=decoder, out=args.out, device=args.device, precision=args.precision,
                               **{k: getattr(args, k) for k in ("steps", "batch_size", "lr", "warmup", "holdout",
                                                                "seed", "checkpoint_every", "log_every",
                                                                "max_minutes", "warm_start")})
    s = distill_decoder(cfg)
    print(f"distill decoder: {s['steps']} steps in {s['seconds']} s on {s['rows']} cache rows; PSNR to the "
          f"teacher decoder {s['psnr_to_teacher']} dB (min {s['psnr_to_teacher_min']}) on {s['held_out_chunks']} "
          f"held-out chunks" + (f"; VAE -> {s['out']}" if "out" in s else ""))
    return 0


def _cache(args, teacher: str, out: str, shard=(0, 1)) -> dict:
    from stepvid.distill.cache import make_teacher_cache
    from stepvid.dpo.pairs import JudgeScorer, load_prompts
    from stepvid.pipeline import TextToVideoPipeline

    for k in ("per_prompt", "batch", "decode_batch"):
        if getattr(args, k) < 1:
            raise ValueError(f"--{k.replace('_', '-')} must be >= 1; got {getattr(args, k)}")
    prompts = load_prompts(args.prompts)[: args.limit]
    gen = {"cfg_decay": not args.no_cfg_decay}
    if args.teacher_steps is not None:
        gen["steps"] = args.teacher_steps
    if args.teacher_cfg is not None:
        gen["cfg"] = args.teacher_cfg
    scorer = JudgeScorer(args.judge_workers) if args.judge else None
    pipe = TextToVideoPipeline.from_pretrained(teacher, device=getattr(args, "device", None))
    try:
        s = make_teacher_cache(pipe, prompts, out, per_prompt=args.per_prompt, seed=args.cache_seed, shard=shard,
                               batch=args.batch, generation=gen, scorer=scorer, decode_batch=args.decode_batch)
    finally:
        if scorer is not None:
            scorer.close()
    print(f"teacher cache {out} (shard {shard[0]}/{shard[1]}): {s['prompts']} prompts ({s['already_done']} done "
          f"before), {s['samples']} samples" + (f" ({s['passed']} passed the judge)" if "passed" in s else "")
          + f", {s['seconds']} s")
    return s


def _teacher(path: str | None) -> str:
    from stepvid.pipeline_cli import bundled_model_dir

    path = path or bundled_model_dir()
    if path is None:
        raise ValueError("no bundled model in stepvid/bundled/; pass --teacher DIR")
    return str(path)


def _cmd_cache(args) -> int:
    _cache(args, _teacher(args.teacher), args.out, args.shard)
    return 0


def add_train_distill(tsub: Any) -> None:
    """``stepvid train distill`` (registered by ``stepvid.train.cli``)."""
    from stepvid.distill.config import DistillConfig
    from stepvid.dpo.cli import add_schedule_args

    d = DistillConfig(teacher="", cache=[], run_dir="")
    p = tsub.add_parser("distill", help="Turbo: distil a model into a few-step student (rectified flow)",
                        description="Turbo self-distillation (report §5): with --prompts the teacher first samples "
                                    "them into RUN_DIR/cache (resumable), then the student learns straight paths "
                                    "from the teacher's noise to its videos (U-shaped tau density, 1/t^2 weights, "
                                    "CFG distilled into the student by default). Resumable; torchrun: FSDP2. The "
                                    "exported folder's defaults are the Turbo sampler settings.")
    p.add_argument("--teacher", default=None, help="model folder (default: the bundled model)")
    p.add_argument("--cache", nargs="*", default=[], help="teacher caches (`stepvid distill cache`)")
    p.add_argument("--run-dir", required=True, help="run folder; an existing one resumes")
    p.add_argument("--out", default=None, help="write the student model folder here")
    _cache_args(p, required=False)
    for name, typ, hlp in (
        ("steps", int, "optimizer steps"), ("batch_size", int, "samples per step and process"),
        ("lr", float, "peak learning rate (AdamW, after warm-up; see --lr-schedule)"), ("warmup", int, "warm-up steps"),
        ("max_weight", float, "cap of the 1/t^2 weight"), ("text_dropout", float, "empty-prompt share without CFG distillation"), ("turbo_steps", int, "the student's default sampler steps"),
        ("turbo_shift", float, "the student's default shift (default: the teacher's)"),
        ("turbo_cfg", float, "the student's default CFG (default: 1 when CFG is distilled)"),
        ("lora_rank", int, "LoRA rank (0: full fine-tuning)"), ("grad_clip", float, "gradient-norm clip"),
        ("seed", int, "seed of the draws"), ("checkpoint_every", int, "steps between checkpoints"),
        ("log_every", int, "steps between log rows"),
        ("teacher_substeps", int, "progressive: guided teacher steps per student step"),
        ("max_minutes", float, "wall-time budget: stop, checkpoint and export once it is spent"),
        ("dmd_weight", float, "trajectory: weight of distribution matching (DMD) on the student's end points"),
        ("reg_weight", float, "trajectory: weight of the end point's regression to the teacher's sample"),
        ("dmd_cfg", float, "DMD: the real (teacher) score's guidance (default: the cache's CFG)"),
        ("fake_lr", float, "DMD: the fake score's learning rate (default: --lr)"),
    ):
        default = getattr(d, name)
        p.add_argument("--" + name.replace("_", "-"), type=typ, default=default,
                       help=hlp if default is None else f"{hlp} (default: {default})")
    p.add_argument("--weighting", choices=["inv_t2", "none"], default=d.weighting, help="loss weight over tau")
    p.add_argument("--objective", choices=["reflow", "progressive", "trajectory"], default=d.objective,
                   help="reflow: straight paths to the cached samples (report); progressive: one student step = "
                        "--teacher-substeps guided teacher steps of a finer grid; trajectory: the student's whole "
                        "--turbo-steps sampler, unrolled from the cached noise, ends on the teacher's sample "
                        "(default: %(default)s)")
    p.add_argument("--start", choices=["line", "student"], default=d.start,
                   help="progressive: the teacher's steps start on the cached noise-to-video line, or where the "
                        "student's own first steps from the noise land (on-policy) (default: %(default)s)")
    p.add_argument("--timestep", default=json.dumps(d.timestep), help="tau density (default: %(default)s)")
    add_schedule_args(p, d)
    p.add_argument("--passed-only", action="store_true",
                   help="learn only the teacher samples its judge passed (a cache made with --judge)")
    p.add_argument("--no-cfg-distill", dest="cfg_distill", action="store_false",
                   help="keep CFG in the student (text dropout) instead of distilling it")
    p.add_argument("--device", default=None, help="cuda / cpu (default: cuda if available)")
    p.add_argument("--precision", choices=["bf16", "fp32"], default=d.precision)
    p.add_argument("--compile", action="store_true",
                   help="torch.compile the student's forward (CUDA: about 3x the steps/s after a one-off compile)")
    p.set_defaults(func=_cmd_train_distill)


def _cmd_train_distill(args) -> int:
    from stepvid.distill.config import DistillConfig
    from stepvid.distill.trainer import DistillTrainer
    from stepvid.dpo.cli import run_trainer
    from stepvid.train.distributed import finish_worker

    teacher = _teacher(args.teacher)
    caches = list(args.cache)
    if args.prompts:
        if int(os.environ.get("WORLD_SIZE", "1")) > 1:
            raise ValueError("--prompts samples the teacher in one process; make the cache with `stepvid distill "
                             "cache --shard I/N` first and pass --cache")
        caches.append(os.path.join(args.run_dir, "cache"))
        _cache(args, teacher, caches[-1])
    if not caches:
        raise ValueError("give --cache (a teacher cache) or --prompts (the teacher samples them first)")
    summary = run_trainer(args, DistillConfig, DistillTrainer, teacher=teacher, cache=caches)
    if int(os.environ.get("RANK", "0")) == 0:
        last = summary["last"]
        print(f"distill: {summary['steps']} steps in {summary['seconds']} s on {summary['pairs']} teacher samples; "
              f"last mse {last.get('mse', float('nan')):.5f}"
              + (f"; student -> {summary['out']}" if "out" in summary else ""))
    return finish_worker(0)
