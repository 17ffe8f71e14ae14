"""``stepvid serve``: the web UI and job API; ``stepvid serve export-pairs`` / ``export-tables``: the votes as
Video-DPO preference pairs and as the report's tables. Registration imports nothing heavy."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import Any

__all__ = ["register"]

DESCRIPTION = """\
Serve a local web UI: a generation page (form, live progress, gallery; jobs queue one at a time per device and
survive restarts), a blind side-by-side voting page on eval run folders (--eval, written by `stepvid eval`), and
a results page with the exports. Everything lives in --out: jobs.sqlite, jobs/<id>.mp4, votes.sqlite.
Binds 127.0.0.1 unless --host says otherwise; there is no authentication. See docs/serve.md."""


def register(sub: Any) -> None:
    p = sub.add_parser("serve", help="web UI + HTTP job API + blind voting (localhost by default)",
                       description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="bundled", help="model folder, or 'bundled' (default: bundled)")
    p.add_argument("--out", default="stepvid-serve",
                   help="folder for the job queue, results and votes (default: ./stepvid-serve)")
    p.add_argument("--eval", action="append", default=[], metavar="DIR",
                   help="eval run folder whose videos are voted on (repeatable)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default: 127.0.0.1; anything else is reachable by others and warned "
                        "about)")
    p.add_argument("--port", type=int, default=8000, help="TCP port; 0 picks a free one (default: 8000)")
    p.add_argument("--device", action="append", default=None, metavar="DEV",
                   help="cpu, cuda or cuda:N; repeat for one worker per device (default: cuda if available, "
                        "else cpu)")
    p.add_argument("--queue-limit", type=int, default=100, help="most queued jobs before 429 (default: 100)")
    p.add_argument("--tries", type=int, default=None, metavar="N",
                   help="world check: clips a job may make until one passes (default: the model's; 1 = off, so a "
                        "job takes what its steps say)")
    p.add_argument("--verbose", action="store_true", help="log every request")
    p.set_defaults(func=_serve)
    ex = p.add_subparsers(dest="serve_command", metavar="EXPORT")
    e = ex.add_parser("export-pairs", help="votes -> a votes.jsonl for `stepvid dpo import`",
                      description="Write the votes as preference pairs: one row per decisive vote (ties left "
                                  "out; chosen_score 1, rejected_score 0), or with --majority one row per pair "
                                  "settled by a majority of votes. Video paths are relative to the output file.")
    e.add_argument("--db", required=True, help="votes database (OUT/votes.sqlite of `stepvid serve`)")
    e.add_argument("--out", required=True, help="output .jsonl file")
    e.add_argument("--majority", action="store_true", help="one row per pair, by majority of its votes")
    e.set_defaults(func=_export_pairs)
    t = ex.add_parser("export-tables", help="votes -> win/tie/loss and rubric tables (JSON + Markdown)",
                      description="Write votes-tables.json and votes-tables.md: per model pair win/tie/loss "
                                  "counts and rates (overall and per category), per model mean ± std (n) of "
                                  "each 1-5 rubric dimension.")
    t.add_argument("--db", required=True, help="votes database (OUT/votes.sqlite of `stepvid serve`)")
    t.add_argument("--out", required=True, help="output folder")
    t.set_defaults(func=_export_tables)


def _export_pairs(args: argparse.Namespace) -> int:
    from stepvid.serve.votes import write_pairs

    out = Path(args.out)
    if out.suffix != ".jsonl":
        raise ValueError(f"--out {out} must end in .jsonl")
    n = write_pairs(args.db, out, majority=args.majority)
    print(f"wrote {out}: {n} preference pair(s) ({'majority per pair' if args.majority else 'one per vote'}, "
          "ties left out)")
    return 0


def _export_tables(args: argparse.Namespace) -> int:
    from stepvid.serve.votes import write_tables

    js, md = write_tables(args.db, args.out)
    print(f"wrote {js} and {md}")
    return 0


def model_folder(spec: str) -> Path:
    """``bundled`` → the model shipped in the package; else the folder given."""
    from stepvid.cli import CLIError
    from stepvid.pipeline_cli import bundled_model_dir

    if spec == "bundled":
        found = bundled_model_dir()
        if found is None:
            raise CLIError("this install has no bundled model; pass --model DIR")
        return found
    path = Path(spec)
    if not path.is_dir():
        raise CLIError(f"model folder not found: {path}")
    return path


def _serve(args: argparse.Namespace) -> int:
    from stepvid.cli import CLIError
    from stepvid.pipeline import resolve_device
    from stepvid.serve.app import ServeApp, Server, is_loopback

    if not 0 <= args.port <= 65535:
        raise CLIError(f"--port must be from 0 to 65535; got {args.port}")
    if args.queue_limit < 1:
        raise CLIError(f"--queue-limit must be >= 1; got {args.queue_limit}")
    if args.tries is not None and args.tries < 1:
        raise CLIError(f"--tries must be >= 1; got {args.tries}")
    logging.basicConfig(format="stepvid serve: %(message)s", stream=sys.stderr)
    logging.getLogger("stepvid.serve").setLevel(logging.DEBUG if args.verbose else logging.INFO)
    devices = [str(resolve_device(d)) for d in (args.device or [None])]
    app = ServeApp(args.out, model_folder(args.model), eval_dirs=args.eval, devices=devices,
                   queue_limit=args.queue_limit, tries=args.tries)
    try:
        server = Server(app, args.host, args.port)
    except OSError as e:
        raise CLIError(f"cannot listen on {args.host}:{args.port}: {e.strerror or e}") from None
    if not is_loopback(args.host):
        bar = "!" * 78
        print(f"{bar}\nWARNING: serving on {args.host}, not on loopback: anyone who can reach this machine can "
              f"submit jobs and votes.\nThere is no authentication. Use the default --host 127.0.0.1 unless you "
              f"mean this.\n{bar}", file=sys.stderr)
    r = app.recovered
    counts = app.jobs.counts()
    print(f"stepvid serve: {server.url}  (model {app.plan.root}; {counts['queued']} job(s) queued"
          + (f", {r['requeued']} of them interrupted earlier" if r["requeued"] else "")
          + f"; {app.n_pairs} pair(s) to vote on from {len(app.eval_roots)} eval folder(s)"
          + (f", {app.duplicates} duplicate item(s) ignored" if app.duplicates else "")
          + "; Ctrl-C stops)", flush=True)
    app.start()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        server.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        print("stepvid serve: stopping (a running job goes back to the queue) ...", file=sys.stderr, flush=True)
        app.stop(timeout=120)
    c = app.jobs.counts()
    print(f"stepvid serve: stopped; jobs: {c['done']} done, {c['queued']} queued, {c['running']} running, "
          f"{c['failed']} failed, {c['cancelled']} cancelled (queued jobs run at the next start on {args.out})")
    return 0


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt
