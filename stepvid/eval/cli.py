"""``stepvid eval``: benchmark models on a prompt set (videos, offline metrics, world judge, HTML report) and
``stepvid eval report OUT`` (rebuild summary and report from the items). Registration imports no torch."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from stepvid.cli import parse_shard

__all__ = ["register"]

_DESCRIPTION = """\
Generate every (model, prompt, seed) into an eval folder OUT, measure each video (temporal flicker, motion,
sharpness, frame consistency), judge it with the world judge where the prompt is a world prompt, and write
OUT/summary.json and OUT/report.html. Resumable (rerun the same command), shardable (--shard I/N: N processes
share OUT), one model in memory at a time. Folder layout and metric definitions: docs/eval.md.

  stepvid eval --prompts official --model bundled --seeds 0 1 --out eval-official
  stepvid eval --prompts heldout.jsonl --model base=ckpt/ --model dpo=ckpt-dpo/ --out eval-world
  stepvid eval report eval-world
"""


def register(subparsers: Any) -> None:
    from stepvid.prompt_rewrite import REWRITERS

    p = subparsers.add_parser("eval", help="benchmark models on a prompt set: videos, metrics, judge, HTML report",
                              description=_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--prompts", metavar="FILE",
                   help="'official' (the 128 Step-Video-T2V-Eval prompts), a .jsonl file of {prompt, id?, "
                        "category?, request?} rows (e.g. `stepvid world prompts`), or a text file, one prompt a line")
    p.add_argument("--model", action="append", metavar="[TAG=]PATH",
                   help="model folder, repeatable; 'bundled' is the bundled model; TAG names its column and its "
                        "videos/<TAG>/ folder (default tag: the folder's name) (default: bundled)")
    p.add_argument("--seeds", type=int, nargs="+", default=[0], metavar="SEED",
                   help="noise seeds; every prompt is generated once per seed (default: 0)")
    p.add_argument("--out", metavar="OUT", help="eval folder (resumes; shards may share it)")
    p.add_argument("--shard", type=parse_shard, default=(0, 1), metavar="I/N",
                   help="only work items with index %% N == I (one process per GPU; default: 0/1)")
    p.add_argument("--limit", type=int, default=None, help="only the first N prompts this time (default: all)")
    p.add_argument("--frames", type=int, default=None, help="frame count (default: each model's)")
    p.add_argument("--height", type=int, default=None, help="(default: each model's)")
    p.add_argument("--width", type=int, default=None, help="(default: each model's)")
    p.add_argument("--steps", type=int, default=None, help="sampler steps (default: each model's)")
    p.add_argument("--cfg", type=float, default=None, help="guidance scale (default: each model's)")
    p.add_argument("--shift", type=float, default=None, help="time shift (default: each model's)")
    p.add_argument("--tries", type=int, default=None, metavar="N",
                   help="world models: up to N clips per seed (seed, seed + 1, ...) until the world judge passes "
                        "one, as `stepvid generate --tries` (default: 1, each seed's own clip)")
    p.add_argument("--prompt-rewrite", choices=REWRITERS, default=None,
                   help="rewriter before the text encoder (default: each model's; the bundled model: world)")
    p.add_argument("--device", default=None, help="cpu, cuda or cuda:N (default: cuda if available, else cpu)")
    p.add_argument("--dtype", default="auto", choices=["auto", "bf16", "fp16", "fp32"],
                   help="model dtype; auto = bf16 on CUDA, fp32 on CPU (default: auto)")
    p.add_argument("--offload", default="none", choices=["none", "text", "model"],
                   help="keep the text encoder (text) or every component (model) on the CPU while idle")
    p.add_argument("--workers", type=int, default=0,
                   help="processes measuring and judging videos while the next one generates (default: 0, inline)")
    p.add_argument("--report-only", action="store_true", help="rebuild OUT's summary and report; generate nothing")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_eval)
    sub = p.add_subparsers(dest="eval_command", metavar="report")
    r = sub.add_parser("report", help="rebuild OUT/summary.json and OUT/report.html from OUT's items",
                       description="Rebuild OUT/items.jsonl (every shard's rows), OUT/summary.json and "
                                   "OUT/report.html from the items already made; generates nothing.")
    r.add_argument("dir", metavar="OUT", help="eval folder")
    r.set_defaults(func=_cmd_report)


def _cmd_report(args: argparse.Namespace) -> int:
    _report(args.dir)
    return 0


def _report(out: str) -> dict:
    from stepvid.eval.report import write_report

    summary = write_report(out)
    print(f"eval {out}: {summary['items']} of {summary['expected']} videos; world prompts the judge understands: "
          f"{summary['world_prompts']['understood']} of {summary['world_prompts']['total']}")
    for tag, m in summary["models"].items():
        rate = (f"judge pass rate {100 * m['pass_rate']:.1f} % of {m['judged']} judged"
                if m["judged"] else "nothing judged (no world prompts)")
        secs = m["seconds"]
        timing = f"{secs['mean']:.2f} s per prompt (median {secs['median']:.2f})" if secs["mean"] is not None else ""
        print(f"  {tag}: {m['items']} / {m['expected']} videos, {rate}" + (f", {timing}" if timing else ""))
    print(f"report: {out}/report.html  summary: {out}/summary.json")
    return summary


def _cmd_eval(args: argparse.Namespace) -> int:
    from stepvid.cli import CLIError

    if args.out is None:
        raise CLIError("--out OUT is required (the eval folder)")
    if args.report_only:
        _report(args.out)
        return 0
    from stepvid.eval.runner import judge_target, load_prompts, plan_models, run_eval
    from stepvid.pipeline_cli import SEEDS

    if args.prompts is None:
        raise CLIError("--prompts is required: 'official', a .jsonl or a text file")
    if args.limit is not None and args.limit < 1:
        raise CLIError(f"--limit must be >= 1; got {args.limit}")
    if args.tries is not None and args.tries < 1:
        raise CLIError(f"--tries must be >= 1; got {args.tries}")
    if args.workers < 0:
        raise CLIError(f"--workers must be >= 0; got {args.workers}")
    for s in args.seeds:
        if not 0 <= s <= SEEDS[1]:
            raise CLIError(f"--seeds must be integers from 0 to {SEEDS[1]}; got {s}")
    if len(set(args.seeds)) != len(args.seeds):
        raise CLIError(f"--seeds lists a seed twice: {args.seeds}")
    prompts, source = load_prompts(args.prompts)
    overrides = {"num_frames": args.frames, "height": args.height, "width": args.width, "steps": args.steps,
                 "cfg": args.cfg, "shift": args.shift, "prompt_rewrite": args.prompt_rewrite,
                 "tries": args.tries}
    models = plan_models(args.model or ["bundled"], overrides)  # every folder checked before any loads
    from stepvid.optional import require

    require("cv2", "data", "stepvid eval's motion and flicker metrics")  # before hours of generation
    world = sum(judge_target(p)[0] is not None for p in prompts)
    print(f"eval: {len(prompts)} prompts from {source}; the world judge understands {world} of them"
          + ("" if world == len(prompts) else " (the others are reported as 'not a world prompt')"), file=sys.stderr)
    for m in models:
        if m.domain == "world" and world < len(prompts):
            print(f"eval: model {m.tag} was trained on a synthetic world: {len(prompts) - world} of "
                  f"{len(prompts)} prompts are out of its domain and expected to fail", file=sys.stderr)
    from tqdm import tqdm

    t0 = time.perf_counter()
    stats = run_eval(args.out, prompts, models, args.seeds, prompts_file=source, overrides=overrides,
                     shard=args.shard, device=args.device, dtype=None if args.dtype == "auto" else args.dtype,
                     offload=args.offload, limit=args.limit, workers=args.workers, progress=not args.no_progress,
                     log=lambda s: tqdm.write(s, file=sys.stderr))
    print(f"eval {args.out} (shard {args.shard[0]}/{args.shard[1]}, {stats['device']}): made {stats['generated']} "
          f"videos ({stats['already_done']} done before) in {time.perf_counter() - t0:.1f} s")
    _report(args.out)
    return 0
