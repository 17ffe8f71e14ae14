"""benchmarks/dpo_smoke_30b.py: FSDP2 Video-DPO steps at tiny width on CPU (gloo); argument errors."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from stepvid.models.dit import dit_config
from stepvid.testing.scripts import load_script

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "dpo_smoke_30b.py"
FIELDS = {"device", "world_size", "layers", "hidden_size", "params_total", "params_per_layer",
          "tokens_per_sample", "peak_mem_gib", "step_time_s", "loss", "dpo_acc", "params_changed_frac",
          "dpo_margin", "max_param_change", "projection", "activation_checkpointing"}


@pytest.fixture(scope="module")
def bench():
    return load_script(SCRIPT, "dpo_smoke_bench")


def test_tiny_step_on_cpu(tmp_path):
    # A subprocess: the script's 1-rank gloo group (and DTensor's caches holding it) stay out of this process.
    # Activation checkpointing on, as on CUDA: the recompute runs under FSDP2 too.
    out = tmp_path / "r.json"
    env = {k: v for k, v in os.environ.items() if k not in ("WORLD_SIZE", "RANK", "LOCAL_RANK")}
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--tiny", "--layers", "2", "--steps", "2", "--activation-checkpointing",
         "--json-out", str(out)],
        check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    r = json.loads(out.read_text())
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == r  # the one JSON line, after the table
    assert "peak memory" in proc.stdout and "step 1/1" in proc.stderr
    assert FIELDS <= set(r)
    assert (r["device"], r["world_size"], r["layers"], r["hidden_size"]) == ("cpu", 1, 2, 256)
    assert r["tokens_per_sample"] == 2 * 4 * 4 and r["params_total"] > 2 * r["params_per_layer"] > 0
    assert r["activation_checkpointing"] is True and r["peak_mem_gib"] is None and r["projection"] is None
    # Step 0: policy == reference, so z = 0: loss log 2 and no pair counted as won.
    assert r["loss"][0] == pytest.approx(math.log(2), abs=1e-3) and r["dpo_acc"][0] == 0.0
    assert r["dpo_margin"][0] == pytest.approx(0.0, abs=1e-2)
    # The step moved every parameter (every one gets a gradient), and the same batch now favours the winner.
    assert r["params_changed_frac"] == 1.0 and r["max_param_change"] > 0
    assert r["loss"][1] < r["loss"][0] and r["dpo_acc"][1] == 1.0
    assert len(r["step_times_s"]) == 1 and r["step_time_s"] > 0


@pytest.mark.parametrize(
    ("latent", "message"),
    [
        ("36,64,34", r"--latent '36,64,34': expected 4 comma-separated integers F,C,h,w, got 3"),
        ("2,16,4,x", r"--latent '2,16,4,x': w='x' is not an integer"),
        ("2,16,0,4", r"--latent '2,16,0,4': h=0 must be >= 1"),
        ("2,64,4,4", r"--latent '2,64,4,4': C=64, but this DiT takes 16 latent channels"),
    ],
)
def test_bad_latent_is_a_one_line_error(bench, latent, message):
    with pytest.raises(SystemExit, match=message) as e:
        bench.main(["--tiny", "--latent", latent])
    assert "\n" not in str(e.value.code)


def test_latent_must_divide_by_the_patch_size(bench):
    with pytest.raises(SystemExit, match=r"h=3 and w=4 must be divisible by the DiT patch size 2"):
        bench.parse_latent("2,16,3,4", dit_config("tiny", patch_size=2))
    assert bench.parse_latent("2,16,4,4", dit_config("tiny", patch_size=2)) == (2, 16, 4, 4)


def test_projection_reproduces_the_run_at_its_own_depth_and_grows_per_layer(bench):
    gib = 2**30
    mem = {"state_per_layer": 10 * gib, "grad_per_layer": 2 * gib, "act_per_layer": 3 * gib,
           "root_state": 4 * gib, "root_grad": 1 * gib, "peak_fwd": 60 * gib, "peak_bwd": 70 * gib}
    assert bench.project(mem, 4, 4, 1, [1]) == {"1": 70.0}  # max of the two measured phase peaks
    # 44 more blocks: forward +44 x (10 + 3), backward +44 x (10 + max(2, 3)) GiB.
    assert bench.project(mem, 4, 48, 1, [1]) == {"1": 70.0 + 44 * 13}
    # Over 8 ranks the state and gradients shard, the activations do not.
    t_b = 70 - (4 + 1 + 4 * 10) - 4 * 3  # what does not grow with depth, backward phase (the larger here)
    expected = t_b + (4 + 1 + 48 * 10) / 8 + 48 * 3
    assert bench.project(mem, 4, 48, 1, [8])["8"] == pytest.approx(expected, abs=0.05)
