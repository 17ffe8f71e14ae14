"""2-process gloo runs through torchrun match the 1-process run: FSDP2 (data parallel, with EMA, sharded
checkpoints and a resumed second launch) and Ulysses sequence parallel."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from test_train_dit import REPO, TINY_DIT, losses, tiny_config, world_clips

from stepvid.train.config import DiTTrainConfig, load_config
from stepvid.train.dit_trainer import DiTTrainer

STEPS = 4  # first launch; the FSDP run is then relaunched to RESUMED steps from its checkpoint
RESUMED = 6


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _torchrun(cfg: dict, path: Path) -> subprocess.Popen:
    path.write_text(json.dumps(cfg))
    env = dict(os.environ, PYTHONPATH=str(REPO))  # OMP_NUM_THREADS: the session's count (conftest)
    cmd = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--nnodes",
        "1",
        "--nproc-per-node",
        "2",
        "--master-addr",
        "127.0.0.1",
        "--master-port",
        str(_free_port()),
        "-m",
        "stepvid.cli",
        "train",
        "dit",
        "--config",
        str(path),
    ]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Launch the FSDP and the sequence-parallel torchrun jobs concurrently, then the 1-process reference."""
    root = tmp_path_factory.mktemp("dist")
    man = world_clips(root, n=8, frames=2)
    from safetensors.torch import save_file

    from stepvid.train.dit_trainer import build_dit

    torch.manual_seed(123)  # shared starting weights: the sequence-parallel run builds its model on the meta
    init = root / "init.safetensors"  # device and loads them shard by shard (parallel.meta_init)
    save_file({k: v.contiguous() for k, v in build_dit(TINY_DIT).state_dict().items()}, str(init))
    procs = {}
    fsdp = tiny_config(root / "fsdp", man, STEPS, ema_decay=0.9, run={"ckpt_every": 2}, init_from=str(init))
    fsdp["stages"][0]["buckets"]["batch_size"] = 2  # 2 data-parallel ranks x 2 = the single run's batch of 4
    procs["fsdp"] = _torchrun(fsdp, root / "fsdp.json")
    sp = tiny_config(
        root / "sp", man, STEPS, parallel={"sp": 2, "fsdp": True, "meta_init": True}, init_from=str(init)
    )  # both ranks share each sample;
    procs["sp"] = _torchrun(sp, root / "sp.json")  # its 128 video tokens and 2 heads are split over them
    DiTTrainer(
        load_config(
            DiTTrainConfig, tiny_config(root / "single", man, RESUMED, ema_decay=0.9, init_from=str(init))
        )
    ).fit()
    errors = {}
    for k, p in procs.items():
        _, err = p.communicate(timeout=300)
        errors[k] = (p.returncode, err[-4000:])
    if errors["fsdp"][0] == 0:  # same run folder, more steps: resumes from the sharded step-4 checkpoint
        fsdp["stages"][0]["steps"] = RESUMED
        p = _torchrun(fsdp, root / "fsdp.json")
        _, err = p.communicate(timeout=300)
        errors["fsdp"] = (p.returncode, err[-4000:])
    return root, losses(root / "single"), errors


@pytest.mark.slow  # ~40 s on 2 loaded cores (6 processes in all); run with -m slow
@pytest.mark.parametrize("mode", ["fsdp", "sp"])
def test_two_process_run_matches_single_process(runs, mode):
    root, ref, errors = runs
    code, err = errors[mode]
    assert code == 0, err
    got = losses(root / mode)
    assert len(got) == (RESUMED if mode == "fsdp" else STEPS)
    if mode == "fsdp":
        assert "resumed from" in err
    for a, b in zip(got, ref):
        assert abs(a - b) < 1e-5, (mode, got, ref)
    assert ref[0] != ref[-1]  # parameters really moved between steps
    if mode == "fsdp":  # consolidated EMA export from the sharded run equals the single-process EMA
        from safetensors.torch import load_file

        a, b = (
            load_file(str(root / "fsdp/final/ema.safetensors")),
            load_file(str(root / "single/final/ema.safetensors")),
        )
        for k in b:
            torch.testing.assert_close(a[k], b[k], rtol=1e-4, atol=1e-5, msg=k)
