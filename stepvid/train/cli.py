"""``stepvid train vae|dit|cache|average|dpo|distill``. Registration is cheap; handlers import torch lazily.

Distributed runs use torchrun directly, e.g.
``torchrun --nnodes 2 --nproc-per-node 8 -m stepvid.cli train dit --config recipes/dit_t2v_cascade.yaml``.
"""

from __future__ import annotations

import argparse
import logging
from typing import Any

__all__ = ["register"]


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", required=True, help="YAML or JSON config (see docs/training.md and recipes/)")
    p.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a config value, e.g. --set optim.lr=3e-5 --set stages.0.steps=100 (repeatable)",
    )
    p.add_argument(
        "--run-dir", help="run folder (overrides run.dir); an existing run resumes from its last checkpoint"
    )
    p.add_argument(
        "--peak-tflops", type=float, help="MFU denominator per GPU (default: measured bf16 matmul rate)"
    )
    p.add_argument("--dry-run", action="store_true", help="validate the config, print it resolved, and exit")


def register(sub: Any) -> None:
    train = sub.add_parser(
        "train",
        help="train the VAE or the DiT; pre-encode latents; average checkpoints",
        description="Training: `train vae`, `train dit` (stage cascade), `train cache` "
        "(pre-encode latents + text states), `train average` (checkpoint averaging).",
    )
    tsub = train.add_subparsers(dest="train_command", metavar="WHAT")
    train.set_defaults(func=lambda a: (train.print_help(), 2)[1])

    p = tsub.add_parser("dit", help="flow-matching DiT training over a list of stages")
    _common(p)
    p.set_defaults(func=_cmd_dit)

    p = tsub.add_parser("vae", help="Video-VAE training (L1 + perceptual + KL, optional GAN phase)")
    _common(p)
    p.set_defaults(func=_cmd_vae)

    p = tsub.add_parser(
        "cache", help="pre-encode a DiT config's data (VAE posteriors + text states) to shards"
    )
    p.add_argument(
        "--config", required=True, help="a DiT training config (its data, vae, text_encoder, buckets)"
    )
    p.add_argument(
        "--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
        help="override a config value, e.g. --set data.source=clips.parquet (repeatable)",
    )
    p.add_argument("--stage", default=None, help="stage whose buckets shape the clips (default: the first)")
    p.add_argument("--out", required=True, help="output folder (resumes if it holds a partial cache)")
    p.add_argument("--shard-size", type=int, default=64, help="samples per safetensors shard (default: 64)")
    p.add_argument("--dtype", choices=["bf16", "fp32"], default="bf16", help="stored dtype (default: bf16)")
    p.add_argument("--device", default=None, help="cuda / cpu (default: cuda if available)")
    p.set_defaults(func=_cmd_cache)

    from stepvid.distill.cli import add_train_distill
    from stepvid.dpo.cli import add_train_dpo

    add_train_dpo(tsub)
    add_train_distill(tsub)

    p = tsub.add_parser("average", help="average weight files (report: SFT checkpoint averaging)")
    p.add_argument("checkpoints", nargs="+", help=".safetensors files or checkpoint/final folders")
    p.add_argument("-o", "--out", required=True, help="output .safetensors")
    p.add_argument("--weights", type=float, nargs="+", help="relative weights (default: equal)")
    p.set_defaults(func=_cmd_average)


def _setup_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _load(cls, args):
    from stepvid.train.config import load_config

    overrides = list(args.overrides)
    if getattr(args, "run_dir", None):
        overrides.append(f"run.dir={args.run_dir}")
    if getattr(args, "peak_tflops", None):
        overrides.append(f"run.peak_tflops={args.peak_tflops}")
    return load_config(cls, args.config, overrides)


def _dry(cfg) -> int:
    import json

    from stepvid.train.config import config_to_dict

    print(json.dumps(config_to_dict(cfg), indent=2))
    return 0


def _cmd_dit(args) -> int:
    from stepvid.train.config import DiTTrainConfig

    cfg = _load(DiTTrainConfig, args)
    if args.dry_run:
        return _dry(cfg)
    _setup_logging()
    from stepvid.train.distributed import cleanup, finish_worker
    from stepvid.train.dit_trainer import DiTTrainer

    try:
        DiTTrainer(cfg).fit()
    except BaseException:
        cleanup()
        raise
    return finish_worker(0)  # a torchrun worker ends here with os._exit (see its docstring)


def _cmd_vae(args) -> int:
    from stepvid.train.config import VAETrainConfig

    cfg = _load(VAETrainConfig, args)
    if args.dry_run:
        return _dry(cfg)
    _setup_logging()
    from stepvid.train.distributed import cleanup, finish_worker
    from stepvid.train.vae_trainer import VAETrainer

    try:
        VAETrainer(cfg).fit()
    except BaseException:
        cleanup()
        raise
    return finish_worker(0)  # a torchrun worker ends here with os._exit (see its docstring)


def _cmd_cache(args) -> int:
    _setup_logging()
    import torch

    from stepvid.data.buckets import BucketScheme
    from stepvid.data.cache import write_cache
    from stepvid.data.dataset import VideoDataset, load_rows
    from stepvid.train.config import DiTTrainConfig, load_config
    from stepvid.train.dit_trainer import build_text_encoder, build_vae

    cfg = load_config(DiTTrainConfig, args.config, args.overrides)
    stage = cfg.stages[0]
    if args.stage is not None:
        named = {s.name: s for s in cfg.stages}
        if args.stage not in named:
            raise ValueError(f"--stage {args.stage!r} not in config stages {sorted(named)}")
        stage = named[args.stage]
    dc = stage.data or cfg.data
    rows = load_rows(dc.source, dc.split)
    ds = VideoDataset(
        rows,
        BucketScheme.from_config(stage.buckets),
        seed=cfg.run.seed,
        random_crop=False,
        frame_stride=dc.frame_stride,
    )
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    vae = build_vae(cfg.vae)
    if vae is not None:
        vae.to(device).eval().requires_grad_(False)
    enc = build_text_encoder(cfg.text_encoder, [r["caption"] for r in rows] + [cfg.negative_prompt])
    if isinstance(enc, torch.nn.Module):
        enc.to(device)

    def encode_video(video):
        video = video.to(device)
        if vae is None:
            return video, None
        return vae.encode_moments(video)

    index = write_cache(
        args.out,
        ds,
        encode_video,
        lambda caps: enc.encode(caps, device=device),
        cfg.negative_prompt,
        args.shard_size,
        torch.bfloat16 if args.dtype == "bf16" else torch.float32,
    )
    print(
        f"cache {args.out}: {len(index['entries'])} samples in {len(index['shards'])} shards, "
        f"{index['skipped']} skipped at encode time, {len(rows) - sum(g is not None for g in ds.groups)} rejected"
    )
    return 0


def _cmd_average(args) -> int:
    from stepvid.train.ema import average_weights

    out = average_weights(args.checkpoints, args.out, args.weights)
    print(f"averaged {len(args.checkpoints)} checkpoints -> {out}")
    return 0
