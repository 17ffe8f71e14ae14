"""``stepvid curate``: the data curation pipeline (report §6) from the command line."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser(
        "curate",
        help="curate raw videos into tagged, captioned, balanced clips",
        description="Curate raw videos: shot splitting, tags, near-duplicates, captions, "
        "balancing and filters; writes a Parquet manifest and an HTML report.",
    )
    cs = p.add_subparsers(dest="curate_command", metavar="STEP")
    r = cs.add_parser("run", help="run the pipeline over a folder, a .txt list or a manifest (resumable)")
    r.add_argument("inputs", help="folder of videos (recursive), .txt list of paths, or a manifest")
    r.add_argument("--out", required=True, help="output folder (shards, manifest.parquet, report.html)")
    r.add_argument(
        "--stages",
        default="split,tags,dedup,caption,balance,filter",
        help="comma list from split,tags,dedup,caption,balance,filter (default: all)",
    )
    r.add_argument(
        "--filter",
        action="append",
        default=None,
        metavar="EXPR",
        help="keep clips where EXPR holds, e.g. 'motion_mean > 0.5 and not has_subtitle'; repeatable; "
        "added to the default quality filters unless --no-default-filters",
    )
    r.add_argument("--no-default-filters", action="store_true")
    r.add_argument("--workers", type=int, default=1, help="parallel processes (default 1)")
    r.add_argument("--engine", choices=("local", "ray"), default="local")
    r.add_argument("--write-clips", action="store_true", help="also cut kept clips into OUT/clips/*.mp4")
    r.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a threshold of CurateConfig, e.g. --set min_seconds=3",
    )
    r.add_argument(
        "--captioner",
        choices=("sidecar", "openai"),
        default="sidecar",
        help="sidecar: ground truth from <video>.json when present; openai: a VLM endpoint",
    )
    r.add_argument("--caption-url", default="http://127.0.0.1:8000/v1", help="OpenAI-compatible base URL")
    r.add_argument("--caption-model", default="", help="model name for the endpoint")
    r.add_argument(
        "--caption-key-env", default="OPENAI_API_KEY", help="environment variable holding the API key"
    )
    r.add_argument("--caption-kinds", default="short,dense,title")
    r.add_argument("--caption-rps", type=float, default=2.0, help="request rate limit per second")
    r.add_argument("--caption-batch", type=int, default=4, help="concurrent requests")
    r.set_defaults(func=_cmd_run)
    f = cs.add_parser("filter", help="re-apply filter expressions to an existing clips.parquet")
    f.add_argument("manifest")
    f.add_argument("--filter", action="append", required=True, metavar="EXPR")
    f.add_argument("--out", required=True, help="output manifest (.parquet or .jsonl)")
    f.set_defaults(func=_cmd_filter)
    p.set_defaults(func=lambda a: (p.print_help(), 2)[1])


def _config(sets: list[str]):
    from stepvid.data.curate.config import CurateConfig

    over = {}
    for s in sets:
        if "=" not in s:
            raise ValueError(f"--set expects KEY=VALUE, got {s!r}")
        k, v = s.split("=", 1)
        over[k.strip()] = v.strip()
    return CurateConfig().update(**over)


def _cmd_run(args: argparse.Namespace) -> int:
    from stepvid.data.curate.caption import OpenAICaptioner
    from stepvid.data.curate.engine import DEFAULT_FILTERS, run_curation

    stages = tuple(s.strip() for s in args.stages.split(",") if s.strip())
    filters = ([] if args.no_default_filters else list(DEFAULT_FILTERS)) + (args.filter or [])
    captioner = None
    if args.captioner == "openai":
        if not args.caption_model:
            raise ValueError("--captioner openai needs --caption-model")
        captioner = OpenAICaptioner(
            args.caption_url,
            args.caption_model,
            args.caption_key_env,
            tuple(args.caption_kinds.split(",")),
            args.caption_batch,
            requests_per_second=args.caption_rps,
        )
    res = run_curation(
        args.inputs,
        args.out,
        _config(args.set),
        stages,
        filters,
        args.workers,
        args.engine,
        captioner,
        args.write_clips,
    )
    secs = sum(res.seconds.get(k, 0.0) for k in ("decode", "split", "tags"))
    print(
        f"curate: {res.funnel[0][1]} inputs ({len(res.failed)} failed), {len(res.clips)} clips, "
        f"{len(res.kept)} kept -> {args.out}/manifest.parquet, report {args.out}/report.html ({secs:.0f} s of work)"
    )
    return 0


def _cmd_filter(args: argparse.Namespace) -> int:
    from stepvid.data.curate.expr import compile_filter
    from stepvid.data.manifest import read_manifest, write_manifest

    rows = read_manifest(args.manifest, validate=False, resolve_paths=False)
    columns = set().union(*(r.keys() for r in rows)) if rows else set()
    preds = [compile_filter(e, columns) for e in args.filter]
    kept = [r for r in rows if all(p(r) for p in preds)]
    write_manifest(args.out, kept)
    print(f"curate filter: kept {len(kept)} of {len(rows)} rows -> {args.out}")
    return 0
