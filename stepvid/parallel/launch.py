"""``stepvid generate --gpus N``: the launcher (torchrun on ``python -m stepvid`` with the same arguments) and
the worker side of a multi-process ``generate`` (one process per GPU, rank 0 speaks and writes).

A worker is any ``stepvid generate`` that torchrun started with WORLD_SIZE > 1, so a plain
``torchrun --nproc-per-node N -m stepvid generate ...`` works the same way.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import torch

from stepvid.parallel.mesh import InferenceMesh, init_process, plan_mesh, torchrun_world

__all__ = ["WorkerSession", "check_gpus", "launch", "worker_argv", "worker_session"]


def _error(msg: str) -> Exception:
    from stepvid.cli import CLIError

    return CLIError(msg)


def check_gpus(n: int, device: str | None) -> None:
    """Refuse a ``--gpus`` request this machine cannot run: N < 1, more GPUs than are visible, a device
    that is not CUDA (``--device cpu`` runs N CPU processes instead, for tests), or one fixed GPU."""
    if n < 1:
        raise _error(f"--gpus must be >= 1; got {n}")
    kind = torch.device(device).type if device is not None else None
    if kind == "cpu":
        return
    if kind not in (None, "cuda"):
        raise _error(
            f"--gpus runs on CUDA GPUs (or, for tests, --device cpu processes); got --device {device}"
        )
    if device is not None and torch.device(device).index is not None and n > 1:
        raise _error(
            f"--device {device} names one GPU but --gpus {n} uses cuda:0 .. cuda:{n - 1}, one per process; "
            "pass --device cuda and pick the GPUs with CUDA_VISIBLE_DEVICES"
        )
    visible = torch.cuda.device_count() if torch.cuda.is_available() else 0
    if n > visible:
        raise _error(
            f"--gpus {n} asks for more GPUs than this machine shows ({visible} visible"
            + (
                f", CUDA_VISIBLE_DEVICES={os.environ['CUDA_VISIBLE_DEVICES']!r}"
                if "CUDA_VISIBLE_DEVICES" in os.environ
                else ""
            )
            + "); use at most that many, or --device cpu to run that many CPU processes"
        )


def _generate_parser() -> argparse.ArgumentParser:
    from stepvid.cli import build_parser

    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action.choices["generate"]
    raise RuntimeError("the stepvid command line has no generate sub-command")


def worker_argv(args: argparse.Namespace) -> list[str]:
    """The ``generate`` command line that reproduces ``args`` (flags that differ from their defaults, then
    ``--`` and the prompt), rebuilt from the parser so that every flag, present or future, is forwarded."""
    opts, positional = [], []
    for action in _generate_parser()._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        value = getattr(args, action.dest, action.default)
        if not action.option_strings:
            positional.append(str(value))
        elif value != action.default:
            flag = max(action.option_strings, key=len)
            if isinstance(action, (argparse._StoreTrueAction, argparse._StoreFalseAction)):
                opts.append(flag)
            elif action.nargs is None:
                opts.append(f"{flag}={value}")  # '=' keeps a value such as '-5' from reading as a flag
            else:
                raise ValueError(f"cannot forward {flag} (nargs={action.nargs!r}) to the worker processes")
    return ["generate", *opts, "--", *positional]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def torchrun_argv(n: int, target: list[str]) -> list[str]:
    """``torch.distributed.run`` arguments for ``n`` processes on this machine (rendezvous on 127.0.0.1, a free
    port) running ``target`` (a script and its arguments, or ``-m module ...``)."""
    return ["--nnodes", "1", "--nproc-per-node", str(n), "--master-addr", "127.0.0.1", "--master-port",
            str(_free_port()), *target]


def local_env(n: int) -> dict[str, str]:
    """Environment for ``n`` local workers: this checkout on PYTHONPATH, the cores split among them (unless
    OMP_NUM_THREADS is set), and on Linux the backends' sockets on the loopback interface."""
    root = str(Path(__file__).resolve().parents[2])  # the folder holding the stepvid package
    env = {
        "PYTHONPATH": os.pathsep.join([root, *filter(None, [os.environ.get("PYTHONPATH")])]),
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS") or str(max(1, (os.cpu_count() or 1) // n)),
    }
    if sys.platform.startswith("linux"):
        env.update({k: os.environ.get(k) or "lo" for k in ("GLOO_SOCKET_IFNAME", "NCCL_SOCKET_IFNAME")})
    return env


def launch(args: argparse.Namespace, n: int) -> int:
    """Run ``generate`` in ``n`` processes through torchrun's launcher (``torch.distributed.run``, in this
    process; rendezvous on 127.0.0.1) and return the exit code: 0, or the first failed rank's (2 for a
    refused input, which that rank has already printed). The workers' rank 0 prints progress and writes."""
    import logging

    from torch.distributed.elastic.multiprocessing.errors import ChildFailedError
    from torch.distributed.run import parse_args, run

    argv = torchrun_argv(n, ["-m", "stepvid", *worker_argv(args)])
    env = local_env(n)
    saved = {k: os.environ.get(k) for k in env}
    agent_log = logging.getLogger("torch.distributed.elastic")
    level = agent_log.level
    print(f"stepvid generate: starting {n} processes (torchrun)", file=sys.stderr, flush=True)
    try:
        os.environ.update(env)  # the workers inherit this environment
        agent_log.setLevel(logging.CRITICAL)  # a failed rank prints its own error; no agent report on top
        run(parse_args(argv))
        return 0
    except ChildFailedError as exc:
        rank, failure = exc.get_first_failure()
        code = failure.exitcode if failure.exitcode and failure.exitcode > 0 else 1
        if code != 2:  # 2: the rank printed "stepvid generate: error: ..." already
            print(f"stepvid generate: rank {rank} failed (exit code {failure.exitcode})", file=sys.stderr)
        return code
    finally:
        agent_log.setLevel(level)
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@dataclass
class WorkerSession:
    """One torchrun worker of ``stepvid generate``: its rank, the world and its device."""

    rank: int
    world: int
    device: torch.device

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    def mesh_shape(self, guided: bool) -> tuple[int, int]:
        """(cfg, sp) this world gets for a guided / unguided run."""
        return plan_mesh(self.world, guided)

    def mesh(self, guided: bool, cfg_split: str = "auto") -> InferenceMesh:
        """Build the cfg x sp mesh (collective). ``--cfg-split on`` is refused where cfg groups already run
        the two halves on different GPUs."""
        if cfg_split == "on" and self.mesh_shape(guided)[0] > 1:
            raise _error(
                f"--cfg-split on does nothing with {self.world} processes: the conditional and unconditional "
                "halves already run on separate GPU groups (drop --cfg-split, or use an odd process count)"
            )
        return InferenceMesh.build(guided, device=self.device)


@contextlib.contextmanager
def worker_session(args: argparse.Namespace, device: torch.device) -> Iterator[WorkerSession]:
    """Join the process group of this torchrun job; ranks other than 0 run with stdout/stderr silenced
    (their errors still print, after the block). Leaves the group at the end: after a barrier when every
    rank succeeded, at once on an error (a peer may be gone)."""
    world = torchrun_world()
    gpus = getattr(args, "gpus", None)
    if gpus is not None and gpus != world:
        raise _error(f"--gpus {gpus} but torchrun started {world} processes")
    if device.type == "cuda" and device.index is not None:
        raise _error(
            f"--device {device} names one GPU; each of the {world} processes uses cuda:LOCAL_RANK "
            "(pass --device cuda and pick the GPUs with CUDA_VISIBLE_DEVICES)"
        )
    if device.type not in ("cpu", "cuda"):
        raise _error(f"multi-process generation runs on cuda or cpu; got --device {device}")
    import torch.distributed as dist

    rank, world, dev = init_process(device.type)
    session = WorkerSession(rank, world, dev)
    ok = False
    try:
        with contextlib.ExitStack() as quiet:
            if rank != 0:
                sink = quiet.enter_context(open(os.devnull, "w"))
                quiet.enter_context(contextlib.redirect_stdout(sink))
                quiet.enter_context(contextlib.redirect_stderr(sink))
            yield session
        ok = True
    finally:
        if dist.is_initialized():
            if ok:
                dist.barrier()
            dist.destroy_process_group()
