"""The `stepvid` command line: one entry point, one sub-command per room of the system.

Each room owns its sub-commands in its own module, exposing ``register(subparsers)``; this file only
wires them together. Registration must stay cheap (no torch import): handlers import what they need.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from stepvid.optional import MissingDependency

# (module, attribute) pairs, each a function ``register(subparsers) -> None``.
_ROOMS: list[str] = [
    "stepvid.pipeline_cli",  # generate, inspect, bench
    "stepvid.world.cli",  # world make|judge|sheet|raw
    "stepvid.train.cli",  # train vae|dit|cache
    "stepvid.data.cli",  # curate
    "stepvid.dpo.cli",  # dpo pairs|reward
    "stepvid.distill.cli",  # distill cache
    "stepvid.eval.cli",  # eval (benchmark runner, metrics, report), eval report
    "stepvid.serve.cli",  # serve [export-pairs|export-tables]
]


def parse_shard(text: str) -> tuple[int, int]:
    """``--shard I/N`` (argparse type): -> (I, N) with 0 <= I < N; the work items with index % N == I."""
    try:
        i, n = (int(v) for v in text.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--shard must look like I/N (e.g. 0/4); got {text!r}") from None
    if not 0 <= i < n:
        raise argparse.ArgumentTypeError(f"--shard {text}: need 0 <= I < N")
    return i, n


class CLIError(Exception):
    """An error caused by the user's input; printed without a traceback."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stepvid",
        description="Step-Video-T2V, complete: generate, train, curate and evaluate text-to-video models.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _ROOMS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a room not built yet, or an optional extra missing
            if exc.name and (exc.name == name or name.startswith(exc.name)):
                continue
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from stepvid.runtime import configure_cpu_allocator, configure_cuda_allocator

    configure_cuda_allocator()  # every command: before anything touches CUDA (stepvid/runtime.py says why)
    if argv is None:  # the process's own command line (not a caller's in-process call): CPU malloc for big tensors
        configure_cpu_allocator()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except (CLIError, ValueError, FileNotFoundError, MissingDependency) as exc:
        # The one place expected errors become "stepvid CMD: error: MESSAGE" on one line and exit code 2;
        # STEPVID_DEBUG=1 shows the traceback instead.
        if os.environ.get("STEPVID_DEBUG"):
            raise
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        message = " ".join(lines) or type(exc).__name__
        print(f"stepvid {args.command}: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"stepvid {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
