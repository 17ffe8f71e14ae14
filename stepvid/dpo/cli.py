"""``stepvid dpo pairs``: Video-DPO preference pairs from a model's own samples (``stepvid train dpo`` trains on
them; it is registered with the other trainers in ``stepvid.train.cli``). Handlers import torch lazily."""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from stepvid.cli import parse_shard
from stepvid.dpo.config import PAIR_RULES

__all__ = ["add_train_dpo", "register", "run_trainer"]


def _default_workers() -> int:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(cpus - 1, 0)


def register(sub: Any) -> None:
    from stepvid.prompt_rewrite import REWRITERS

    p = sub.add_parser("dpo", help="Video-DPO preference data (pairs from the model's own samples)",
                       description="Video-DPO data: `dpo pairs` generates candidates per prompt, ranks them and "
                                   "keeps (chosen, rejected) latents. Train with `stepvid train dpo`.")
    dsub = p.add_subparsers(dest="dpo_command", metavar="WHAT")
    p.set_defaults(func=lambda a: (p.print_help(), 2)[1])
    q = dsub.add_parser("pairs", help="generate, score and pair candidates (resumable, shardable)",
                        description=__import__("stepvid.dpo.pairs", fromlist=["x"]).__doc__,
                        formatter_class=argparse.RawDescriptionHelpFormatter)
    q.add_argument("--model", default=None, help="model folder (default: the bundled model)")
    q.add_argument("--prompts", required=True,
                   help=".jsonl rows {prompt, id?, request?} (e.g. `stepvid world prompts`) or one prompt per line")
    q.add_argument("--out", required=True, help="pair-set folder (resumes; shards may share it)")
    q.add_argument("--seeds", type=int, default=4, help="candidates per prompt (default: 4)")
    q.add_argument("--seed", type=int, default=0, help="base of the candidates' noise seeds (default: 0)")
    q.add_argument("--pairs-per-prompt", type=int, default=1,
                   help="best/worst, then second best/second worst, ... (default: 1)")
    q.add_argument("--min-margin", type=float, default=1e-6,
                   help="smallest score difference that is a preference (default: any)")
    q.add_argument("--pair-rule", choices=PAIR_RULES, default="score",
                   help="score: best with worst by score; pass-fail: only a candidate that passed with one that "
                        "failed (default: score)")
    q.add_argument("--scorer", choices=["judge", "reward"], default="judge",
                   help="ranks candidates: the world judge, or a learned reward model (--reward)")
    q.add_argument("--reward", default=None, help="reward-model folder (`stepvid dpo reward`) for --scorer reward")
    q.add_argument("--judge-workers", type=int, default=_default_workers(),
                   help="judge processes (default: CPUs - 1; 0 judges inline)")
    q.add_argument("--shard", type=parse_shard, default=(0, 1), metavar="I/N",
                   help="only prompts with index %% N == I (one process per GPU)")
    q.add_argument("--limit", type=int, default=None, help="only the first N prompts of the file")
    q.add_argument("--batch", type=int, default=16, help="videos per DiT batch (default: 16)")
    q.add_argument("--decode-batch", type=int, default=8, help="videos the VAE decodes at once (default: 8)")
    q.add_argument("--latent-dtype", choices=["bf16", "fp32"], default="bf16", help="stored latents (default: bf16)")
    q.add_argument("--device", default=None, help="cuda / cpu (default: cuda if available)")
    q.add_argument("--frames", type=int, default=None, help="default: the model's")
    q.add_argument("--height", type=int, default=None, help="default: the model's")
    q.add_argument("--width", type=int, default=None, help="default: the model's")
    q.add_argument("--steps", type=int, default=None, help="sampler steps (default: the model's)")
    q.add_argument("--cfg", type=float, default=None, help="guidance scale (default: the model's)")
    q.add_argument("--shift", type=float, default=None, help="time shift (default: the model's)")
    q.add_argument("--prompt-rewrite", choices=REWRITERS, default="none",
                   help="rewriter before the text encoder (default: none — the model learns the prompts as "
                        "written)")
    q.add_argument("--guide", choices=[r for r in REWRITERS if r != "none"], default=None,
                   help="also sample --guide-seeds candidates from this rewriter's restatement of each prompt; "
                        "they may be chosen (never rejected) and the pair keeps the prompt as written")
    q.add_argument("--guide-seeds", type=int, default=0, help="guided candidates per prompt (with --guide)")
    q.add_argument("--reference", action="store_true",
                   help="each prompt row's 'video' (a clip of the generated size, e.g. `stepvid world prompts "
                        "--videos DIR`) joins the ranking: chosen, never rejected — real data against the model's "
                        "own samples")
    q.set_defaults(func=_cmd_pairs)

    v = dsub.add_parser("import", help="pairs from votes on existing videos (encoded by the model's VAE)",
                        description=__import__("stepvid.dpo.votes", fromlist=["x"]).__doc__,
                        formatter_class=argparse.RawDescriptionHelpFormatter)
    v.add_argument("--votes", required=True, help="JSONL rows {prompt, chosen, rejected, id?, *_score?}")
    v.add_argument("--model", default=None, help="model folder whose VAE encodes the videos (default: bundled)")
    v.add_argument("--out", required=True, help="pair-set folder")
    v.add_argument("--device", default=None, help="cuda / cpu (default: cuda if available)")
    v.set_defaults(func=_cmd_import)

    r = dsub.add_parser("reward", help="train a small reward model on pair sets' labels (latents + scores)",
                        description="Train a small reward model (latents + text -> score) on the labelled "
                        "chosen/rejected latents of pair sets; reports validation pairwise accuracy.")
    r.add_argument("--pairs", required=True, nargs="+", help="pair-set folders")
    r.add_argument("--model", default=None, help="model folder whose text encoder reads the prompts (default: bundled)")
    r.add_argument("--out", required=True, help="output folder (reward.safetensors + reward.json)")
    r.add_argument("--epochs", type=int, default=20)
    r.add_argument("--batch-size", type=int, default=32)
    r.add_argument("--lr", type=float, default=1e-3)
    r.add_argument("--width", type=int, default=64, help="channels of the first convolution (default: 64)")
    r.add_argument("--val-fraction", type=float, default=0.15, help="prompts held out for validation")
    r.add_argument("--device", default=None, help="cuda / cpu (default: cuda if available)")
    r.set_defaults(func=_cmd_reward)


def _cmd_pairs(args) -> int:
    from stepvid.dpo.pairs import JudgeScorer, load_prompts, make_pairs
    from stepvid.pipeline import TextToVideoPipeline

    for name in ("seeds", "batch", "decode_batch"):
        if getattr(args, name) < 1:
            raise ValueError(f"--{name.replace('_', '-')} must be >= 1; got {getattr(args, name)}")
    if args.limit is not None and args.limit < 1:
        raise ValueError(f"--limit must be >= 1; got {args.limit}")
    if (args.guide is None) != (args.guide_seeds == 0) or args.guide_seeds < 0:
        raise ValueError(f"--guide and --guide-seeds >= 1 go together; got --guide {args.guide} "
                         f"--guide-seeds {args.guide_seeds}")
    prompts = load_prompts(args.prompts)[: args.limit]
    if (args.scorer == "reward") != (args.reward is not None):
        raise ValueError("--scorer reward needs --reward DIR, and --reward goes with --scorer reward")
    model = _model_dir(args.model)
    if args.scorer == "judge":
        scorer = JudgeScorer(args.judge_workers)
        scorer.check(prompts)  # before the model loads
    gen = {k: getattr(args, k) for k in ("steps", "cfg", "shift", "height", "width") if getattr(args, k) is not None}
    if args.frames is not None:
        gen["num_frames"] = args.frames
    gen["prompt_rewrite"] = args.prompt_rewrite
    pipe = TextToVideoPipeline.from_pretrained(model, device=args.device)
    if args.scorer == "reward":
        from stepvid.dpo.reward import RewardScorer, load_reward

        scorer = RewardScorer(load_reward(args.reward, pipe.device), pipe.text_encoder, pipe.device)
    try:
        stats = make_pairs(pipe, prompts, args.out, scorer, num_candidates=args.seeds, seed=args.seed,
                           shard=args.shard, batch=args.batch, decode_batch=args.decode_batch,
                           min_margin=args.min_margin, pairs_per_prompt=args.pairs_per_prompt,
                           pair_rule=args.pair_rule, latent_dtype=args.latent_dtype, generation=gen,
                           guide=args.guide, guide_candidates=args.guide_seeds, reference=args.reference)
    finally:
        scorer.close()
    print(f"dpo pairs {args.out} (shard {args.shard[0]}/{args.shard[1]}): {stats['prompts']} prompts "
          f"({stats['already_done']} done before), {stats['candidates']} candidates, "
          f"{100 * stats['pass_rate']:.1f} % passed, {stats['pairs']} pairs, {stats['seconds']} s"
          + (f"; guided: {100 * stats['guided_pass_rate']:.1f} % passed, chosen in {stats['guided_pairs']} pairs"
             if args.guide else "")
          + (f"; reference clips: {100 * stats['reference_pass_rate']:.1f} % passed, chosen in "
             f"{stats['reference_pairs']} pairs" if args.reference else ""))
    return 0


def _model_dir(model: str | None):
    from stepvid.pipeline_cli import bundled_model_dir

    model = model or bundled_model_dir()
    if model is None:
        raise ValueError("no bundled model in stepvid/bundled/; pass --model DIR")
    return model


def _cmd_import(args) -> int:
    import torch

    from stepvid.dpo.votes import import_votes, read_votes
    from stepvid.model_folder import plan_model
    from stepvid.pipeline import resolve_device

    plan = plan_model(_model_dir(args.model))
    rows = read_votes(args.votes, int(getattr(plan.components["vae"].info.config, "spatial_ratio", 16)))
    vae = plan.components["vae"].load(resolve_device(args.device), torch.float32)  # after every row is checked
    s = import_votes(vae, args.votes, args.out, rows=rows)
    print(f"dpo import {args.out}: {s['pairs']} voted pairs ({s['already_done']} imported before)")
    return 0


def _cmd_reward(args) -> int:
    from stepvid.dpo.reward import train_reward
    from stepvid.model_folder import plan_model
    from stepvid.pipeline import resolve_device

    if args.epochs < 1 or args.batch_size < 1 or not 0 <= args.val_fraction < 1:
        raise ValueError("--epochs and --batch-size must be >= 1 and --val-fraction in [0, 1)")
    device = resolve_device(args.device)
    plan = plan_model(_model_dir(args.model))
    import torch

    encoder = plan.components["text_encoder"].load(device, torch.float32)
    s = train_reward(args.pairs, encoder, args.out, epochs=args.epochs, batch_size=args.batch_size, lr=args.lr,
                     width=args.width, val_fraction=args.val_fraction, device=device)
    fmt = lambda v: "n/a" if v is None else f"{100 * v:.1f} %"
    print(f"reward model -> {args.out}: {s['train_pairs']} train / {s['val_pairs']} validation pairs; pairwise "
          f"accuracy train {fmt(s['train_accuracy'])}, validation {fmt(s['val_accuracy'])}")
    return 0


def add_train_dpo(tsub: Any) -> None:
    """``stepvid train dpo`` (registered by ``stepvid.train.cli``)."""
    from stepvid.dpo.config import DPOConfig
    from stepvid.prompt_rewrite import REWRITERS

    d = DPOConfig(init="", pairs=[], run_dir="")
    p = tsub.add_parser("dpo", help="Video-DPO on preference pairs (full or LoRA; resumable; torchrun: FSDP2)",
                        description="Video-DPO (report §4) on pairs from `stepvid dpo pairs`: the policy DiT "
                                    "learns to prefer each chosen sample over its rejected one relative to the "
                                    "frozen starting model. Full or LoRA; resumable; under torchrun FSDP2; "
                                    "--online-prompts adds the policy's own fresh, ranked samples as it trains.")
    p.add_argument("--init", required=True, help="model folder the policy and the reference start from")
    p.add_argument("--pairs", required=True, nargs="+", help="pair-set folders (`stepvid dpo pairs`)")
    p.add_argument("--run-dir", required=True, help="run folder; an existing one resumes from its last checkpoint")
    p.add_argument("--out", default=None, help="write the trained model folder here")
    for name, typ, hlp in (
        ("steps", int, "optimizer steps"), ("batch_size", int, "pairs per step and process"),
        ("lr", float, "peak learning rate (AdamW, after warm-up; see --lr-schedule)"), ("warmup", int, "warm-up steps"),
        ("beta", float, "DPO beta on mean velocity errors"), ("sft_weight", float,
         "weight of the chosen samples' flow-matching loss added to the DPO loss"),
        ("lora_rank", int, "LoRA rank (0: full fine-tuning)"), ("lora_alpha", float, "LoRA alpha (default: rank)"),
        ("grad_clip", float, "gradient-norm clip"), ("seed", int, "seed of the pair/noise/tau draws"),
        ("checkpoint_every", int, "steps between checkpoints"), ("log_every", int, "steps between log rows"),
        ("online_every", int, "online loop: steps between rounds"),
        ("online_per_round", int, "online loop: prompts per round"),
        ("online_candidates", int, "online loop: candidates per prompt"),
        ("judge_workers", int, "online loop: judge processes"),
        ("max_minutes", float, "wall-time budget: stop, checkpoint and export once it is spent"),
    ):
        default = getattr(d, name)
        p.add_argument("--" + name.replace("_", "-"), type=typ, default=default,
                       help=hlp if default is None else f"{hlp} (default: {default})")
    p.add_argument("--timestep", default=json.dumps(d.timestep),
                   help="tau density, JSON or a name (default: %(default)s)")
    add_schedule_args(p, d)
    p.add_argument("--online-prompts", default=None,
                   help="prompt file of the online loop: the policy's fresh samples are ranked and paired")
    p.add_argument("--online-pair-rule", choices=PAIR_RULES, default=d.online_pair_rule,
                   help="online loop: how candidates pair (as `dpo pairs --pair-rule`) (default: %(default)s)")
    p.add_argument("--online-reward", default=None,
                   help="online loop: rank with this reward model (`stepvid dpo reward`) instead of the judge")
    p.add_argument("--online-guide", choices=[r for r in REWRITERS if r != "none"], default=None,
                   help="online loop: guided candidates from this rewriter (as `dpo pairs --guide`)")
    p.add_argument("--online-guide-candidates", type=int, default=0,
                   help="online loop: guided candidates per prompt (with --online-guide)")
    p.add_argument("--sft-data", default=None,
                   help="prompt file whose rows carry a clip (\"video\", e.g. `stepvid world prompts --videos`): each "
                        "step also regresses the policy on a batch of these real clips (supervised flow matching)")
    p.add_argument("--sft-data-weight", type=float, default=0.0,
                   help="weight of the --sft-data loss beside the DPO loss (default: 0)")
    p.add_argument("--online-reference", action="store_true",
                   help="online loop: each prompt row's 'video' joins the ranking (as `dpo pairs --reference`)")
    p.add_argument("--text-lr", type=float, default=0.0,
                   help="> 0: train the text encoder too, at this peak rate (the small bilingual encoder; one "
                        "process; the reference keeps the starting encoder) (default: 0, frozen)")
    p.add_argument("--device", default=None, help="cuda / cpu (default: cuda if available)")
    p.add_argument("--precision", choices=["bf16", "fp32"], default=d.precision)
    p.add_argument("--compile", action="store_true",
                   help="torch.compile the policy's forward (CUDA: about 3x the steps/s after a one-off compile)")
    p.set_defaults(func=_cmd_train_dpo)


def add_schedule_args(p, d) -> None:
    """``--lr-schedule`` and ``--ema-decay``, shared by ``train dpo`` and ``train distill`` (``d``: the defaults)."""
    p.add_argument("--lr-schedule", choices=["constant", "cosine"], default=d.lr_schedule,
                   help="after warm-up: constant, or cosine to 0 at --steps (--max-minutes may stop it earlier) "
                        "(default: %(default)s)")
    p.add_argument("--ema-decay", type=float, default=d.ema_decay,
                   help="EMA of the trained weights (e.g. 0.99), kept in checkpoints and exported instead of the "
                        "last weights; 0: off (default: %(default)s)")


def run_trainer(args, config_cls, trainer_cls, **overrides) -> dict:
    """Build ``config_cls`` from the parsed flags (``--timestep``: JSON or a name) plus ``overrides``, run
    ``trainer_cls(cfg).fit()``, and tear the process group down on failure."""
    import logging

    from stepvid.train.distributed import cleanup

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        ts = json.loads(args.timestep)
    except json.JSONDecodeError:
        ts = args.timestep
    fields = {k: getattr(args, k) for k in config_cls.__dataclass_fields__ if hasattr(args, k)}
    cfg = config_cls(**{**fields, "timestep": ts, **overrides})
    try:
        return trainer_cls(cfg).fit()
    except BaseException:
        cleanup()
        raise


def _cmd_train_dpo(args) -> int:
    from stepvid.dpo.config import DPOConfig
    from stepvid.dpo.trainer import DPOTrainer
    from stepvid.train.distributed import finish_worker

    summary = run_trainer(args, DPOConfig, DPOTrainer, pairs=list(args.pairs))
    last = summary["last"]
    if int(os.environ.get("RANK", "0")) == 0:
        print(f"dpo: {summary['steps']} steps in {summary['seconds']} s, {summary['pairs']} pairs; last "
              f"loss {last.get('loss', float('nan')):.4f}, implicit accuracy {last.get('dpo_acc', float('nan')):.2f}, "
              f"margin {last.get('dpo_margin', float('nan')):.4f}"
              + (f"; model -> {summary['out']}" if "out" in summary else ""))
    return finish_worker(0)
