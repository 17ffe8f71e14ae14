"""``stepvid curate``: the data curation pipeline (report §6) from the command line.

Exit codes of ``run``: 0 all inputs curated; 1 the run finished but some inputs failed (their reasons
are printed and in OUT/failed.jsonl; the rest are curated); 2 a bad option or input, refused before any
video is decoded; 130 interrupted (rerun to resume).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


class _Help(argparse.HelpFormatter):
    """Appends "(default: X)" where an option has a real default; never "(default: None)"."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if (
            "default" in text
            or not action.option_strings
            or action.required
            or action.default in (None, False, [], "", argparse.SUPPRESS)
        ):
            return text
        return f"{text} (default: %(default)s)".strip()


RUN_EPILOG = (
    "INPUTS: video files (by extension, or any file PyAV opens), folders (recursive), .txt/.lst lists "
    "(one path a line) or .jsonl/.parquet manifests; several may be given. Re-running into the same --out "
    "resumes: inputs already curated with the same settings are skipped, the rest (changed settings or "
    "files) are recomputed. Exit 0: all inputs curated; 1: some inputs failed (listed, and in "
    "OUT/failed.jsonl), the rest are curated; 2: bad option or input, nothing done; 130: interrupted."
)


def register(sub: Any) -> None:
    p = sub.add_parser(
        "curate",
        help="curate raw videos into tagged, captioned, balanced clips",
        description="Curate raw videos: shot splitting, tags, near-duplicates, captions, "
        "balancing and filters; writes a Parquet manifest and an HTML report.",
    )
    cs = p.add_subparsers(dest="curate_command", metavar="STEP")
    r = cs.add_parser(
        "run",
        help="run the pipeline over videos, folders, .txt lists or manifests (resumable)",
        description="Run the curation pipeline; writes OUT/manifest.parquet, clips.parquet, failed.jsonl, "
        "report.html.",
        epilog=RUN_EPILOG,
        formatter_class=_Help,
    )
    r.add_argument(
        "inputs", nargs="+", help="video files, folders of videos, .txt/.lst lists of paths, or manifests"
    )
    r.add_argument("--out", required=True, help="output folder (shards, manifest.parquet, report.html)")
    r.add_argument(
        "--stages",
        default="split,tags,dedup,caption,balance,filter",
        help="comma list from split,tags,dedup,caption,balance,filter; split always runs",
    )
    r.add_argument(
        "--filter",
        action="append",
        metavar="EXPR",
        help="keep clips where EXPR holds, e.g. 'motion_mean > 0.5 and not has_subtitle'; repeatable; "
        "added to the default quality filters unless --no-default-filters",
    )
    r.add_argument(
        "--no-default-filters",
        action="store_true",
        help="drop the default quality filters (not is_static, not is_blurry, ...; docs/curation.md)",
    )
    r.add_argument("--workers", type=int, default=1, help="parallel processes, >= 1")
    r.add_argument("--engine", choices=("local", "ray"), default="local", help="where per-input work runs")
    r.add_argument("--write-clips", action="store_true", help="also cut kept clips into OUT/clips/*.mp4")
    r.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a threshold of CurateConfig, e.g. --set min_seconds=3; repeatable",
    )
    r.add_argument(
        "--captioner",
        choices=("sidecar", "openai"),
        default="sidecar",
        help="sidecar: ground truth from <video>.json when present; openai: a VLM endpoint",
    )
    r.add_argument("--caption-url", default="http://127.0.0.1:8000/v1", help="OpenAI-compatible base URL")
    r.add_argument("--caption-model", help="model name for the endpoint (needed with --captioner openai)")
    r.add_argument(
        "--caption-key-env", default="OPENAI_API_KEY", help="environment variable holding the API key"
    )
    r.add_argument("--caption-kinds", default="short,dense,title", help="comma list from short,dense,title")
    r.add_argument("--caption-rps", type=float, default=2.0, help="request rate limit per second; 0 = none")
    r.add_argument("--caption-batch", type=int, default=4, help="concurrent requests, >= 1")
    r.set_defaults(func=_cmd_run)
    f = cs.add_parser(
        "filter",
        help="re-apply filter expressions to an existing clips.parquet",
        description="Keep the rows of a manifest where every --filter expression holds.",
        formatter_class=_Help,
    )
    f.add_argument("manifest", help="a .parquet or .jsonl manifest, e.g. OUT/clips.parquet")
    f.add_argument(
        "--filter", action="append", required=True, metavar="EXPR", help="keep rows where EXPR holds; repeatable"
    )
    f.add_argument("--out", required=True, help="output manifest (.parquet or .jsonl)")
    f.set_defaults(func=_cmd_filter)
    p.set_defaults(func=lambda a: (p.print_help(), 2)[1])


def _config(sets: list[str]):
    from stepvid.data.curate.config import CurateConfig

    over = {}
    for s in sets:
        k, eq, v = s.partition("=")
        if not eq or not k.strip():
            raise ValueError(f"--set expects KEY=VALUE, got {s!r}")
        over[k.strip()] = v.strip()
    return CurateConfig().update(**over)


def _captioner(args: argparse.Namespace):
    """The --captioner's object, its options checked (nothing is contacted here)."""
    if args.captioner != "openai":
        return None
    from stepvid.data.curate.caption import OpenAICaptioner

    if not args.caption_model:
        raise ValueError("--captioner openai needs --caption-model")
    if not args.caption_url.startswith(("http://", "https://")):
        raise ValueError(f"--caption-url must start with http:// or https://, got {args.caption_url!r}")
    if args.caption_batch < 1:
        raise ValueError(f"--caption-batch must be >= 1, got {args.caption_batch}")
    if not args.caption_rps >= 0:
        raise ValueError(f"--caption-rps must be >= 0 (0 = no limit), got {args.caption_rps}")
    kinds = tuple(k.strip() for k in args.caption_kinds.split(",") if k.strip())
    if not kinds:
        raise ValueError("--caption-kinds is empty; give a comma list from short,dense,title")
    return OpenAICaptioner(
        args.caption_url,
        args.caption_model,
        args.caption_key_env,
        kinds,
        args.caption_batch,
        requests_per_second=args.caption_rps,
    )


def _cmd_run(args: argparse.Namespace) -> int:
    from stepvid.data.curate.engine import DEFAULT_FILTERS, run_curation

    stages = tuple(s.strip() for s in args.stages.split(",") if s.strip())
    if args.filter and "filter" not in stages:
        raise ValueError(f"--filter needs the filter stage, which --stages {args.stages!r} leaves out")
    if args.workers < 1:
        raise ValueError(f"--workers must be >= 1, got {args.workers}")
    filters = ([] if args.no_default_filters else list(DEFAULT_FILTERS)) + (args.filter or [])
    cfg, captioner = _config(args.set), _captioner(args)
    try:
        res = run_curation(
            args.inputs, args.out, cfg, stages, filters, args.workers, args.engine, captioner, args.write_clips
        )
    except KeyboardInterrupt:
        print(
            f"\nstepvid curate: interrupted; finished inputs are kept in {args.out}/shards — "
            "run the same command again to resume",
            file=sys.stderr,
        )
        return 130
    except OSError as exc:  # disk full, a file vanishing under the run: one line, not a traceback
        print(f"stepvid curate: error: {exc}", file=sys.stderr)
        return 1
    _summary(res, args.out)
    return 1 if res.failed else 0


def _summary(res: Any, out: str) -> None:
    """The end-of-run lines: counts, what was reused, each failed input (a few), where the files are."""
    secs = sum(res.seconds.get(k, 0.0) for k in ("decode", "split", "tags"))
    n_in = res.funnel[0][1]
    sh = res.shards
    parts = [f"{sh[k]} {k}" for k in ("new", "reused") if sh.get(k)]
    if sh.get("recomputed"):
        parts.append(f"{sh['recomputed']} recomputed after a settings or file change")
    parts.append(f"{len(res.failed)} failed")
    print(
        f"curate: {n_in} inputs ({', '.join(parts)}), {len(res.clips)} clips, {len(res.kept)} kept -> "
        f"{out}/manifest.parquet, report {out}/report.html ({secs:.0f} s of work)"
    )
    if res.inputs_without_clips:
        print(f"curate: {res.inputs_without_clips} input(s) gave no clip (every shot shorter than min_seconds)")
    for f in res.failed[:10]:
        print(f"curate: failed: {f['reason']}", file=sys.stderr)
    if len(res.failed) > 10:
        print(f"curate: ... and {len(res.failed) - 10} more", file=sys.stderr)
    if res.failed:
        print(f"curate: {len(res.failed)} of {n_in} inputs failed; reasons in {out}/failed.jsonl", file=sys.stderr)


def _cmd_filter(args: argparse.Namespace) -> int:
    import os
    from pathlib import Path

    from stepvid.data.curate.expr import compile_filter
    from stepvid.data.manifest import read_manifest, write_manifest

    out = Path(args.out)
    if out.suffix not in (".parquet", ".jsonl"):
        raise ValueError(f"--out {out}: a manifest must end in .parquet or .jsonl")
    for e in args.filter:  # syntax and forbidden constructs, before reading anything
        compile_filter(e)
    src = Path(args.manifest)
    if src.exists() and not src.is_file():
        raise ValueError(f"{src}: not a manifest file (.parquet or .jsonl)")
    rows = read_manifest(src, validate=False, resolve_paths=False)
    columns = set().union(*(r.keys() for r in rows)) if rows else None
    preds = [compile_filter(e, columns) for e in args.filter]
    kept = [r for r in rows if all(p(r) for p in preds)]
    rebase = os.path.abspath(src.parent) != os.path.abspath(out.parent)
    for r in kept:  # relative paths are relative to the manifest's folder: keep them pointing at the files
        p = r.get("path")
        if rebase and isinstance(p, str) and p and not os.path.isabs(p):
            r["path"] = os.path.relpath(src.parent / p, out.parent)
    write_manifest(out, kept)
    print(f"curate filter: kept {len(kept)} of {len(rows)} rows -> {out}")
    return 0
