"""Resumable sampling (stepvid.diffusion.resume): a run killed after step k and started again with its state file
ends on exactly the uninterrupted run's video (Euler and ab2); a state file of other settings or inputs is refused
with the fields that differ; a file that is not a sampler state is refused by name."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch

from stepvid.diffusion.resume import SamplerState, load_state, save_state
from stepvid.diffusion.sampler import flow_schedule, sample_euler
from stepvid.pipeline import TextToVideoPipeline

KW = {"num_frames": 1, "height": 32, "width": 32, "steps": 4, "cfg": 3.0, "seed": 7, "progress": False}


@pytest.fixture(scope="module")
def pipe(tiny_dir):
    return TextToVideoPipeline.from_pretrained(tiny_dir, device="cpu", dtype="fp32")


class Killed(RuntimeError):
    pass


def _step(path) -> int:
    import json

    from safetensors import safe_open

    with safe_open(str(path), framework="pt") as f:
        return json.loads(f.metadata()["stepvid.sampler_state"])["step"]


def _kill_after(step: int):
    def callback(i, tau, x):
        if i + 1 == step:
            raise Killed(f"killed after step {step}")
    return callback


@pytest.mark.parametrize("solver", ["euler", "ab2"])
def test_killed_run_resumes_to_the_same_video(pipe, tmp_path, solver):
    pipe.defaults = replace(pipe.defaults, solver=solver)
    try:
        ref = pipe("a red circle", **KW)
        state = tmp_path / "state.safetensors"
        with pytest.raises(Killed):
            pipe("a red circle", **KW, resume=state, callback=_kill_after(2))
        assert _step(state) == 2 and not list(tmp_path.glob(".*tmp"))  # step 2 of 4 saved, no temporary left
        seen = []
        out = pipe("a red circle", **KW, resume=state, callback=lambda i, t, x: seen.append(i))
        assert seen == [2, 3]  # only the remaining steps ran
        np.testing.assert_array_equal(out, ref)
        assert _step(state) == 4
        again = pipe("a red circle", **KW, resume=state, callback=lambda i, t, x: seen.append(i))
        assert seen == [2, 3]  # done: the same call only decodes
        np.testing.assert_array_equal(again, ref)
    finally:
        pipe.defaults = replace(pipe.defaults, solver="euler")


def test_state_of_other_settings_or_inputs_is_refused(pipe, tmp_path):
    state = tmp_path / "s.safetensors"
    with pytest.raises(Killed):
        pipe("a red circle", **KW, resume=state, callback=_kill_after(1))
    with pytest.raises(ValueError, match=r"sampler state of another run \(noise: file"):
        pipe("a red circle", **{**KW, "seed": 8}, resume=state)
    with pytest.raises(ValueError, match=r"another run \(cfg: file '3.0', now '4.0'"):
        pipe("a red circle", **{**KW, "cfg": 4.0}, resume=state)
    with pytest.raises(ValueError, match=r"another run \(text: file"):
        pipe("a blue square", **KW, resume=state)
    with pytest.raises(ValueError, match=r"another run \(schedule: file"):
        pipe("a red circle", **{**KW, "steps": 5}, resume=state)
    with pytest.raises(ValueError, match="step cache's state is not saved"):
        pipe("a red circle", **KW, resume=state, step_cache=0.1)
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"not a safetensors file")
    with pytest.raises(ValueError, match=f"{bad}: not a readable sampler state file"):
        load_state(bad, {})


def test_sampler_continues_from_a_state_exactly():
    """sample_euler from the state after k steps == the uninterrupted run (ab2 keeps its last velocity)."""
    g = torch.Generator().manual_seed(0)
    a, b = torch.randn(4, 4, generator=g), torch.randn(4, 4, generator=g)

    def velocity(x, t):  # a smooth, x- and t-dependent field, guided batch 2B
        return torch.tanh(x @ a) @ b * (1 + t.view(-1, 1, 1)) - x

    noise, tau = torch.randn(2, 3, 4, generator=g), flow_schedule(6, 3.0)
    for solver in ("euler", "ab2"):
        states = []
        full = sample_euler(velocity, noise, tau, 4.0, solver=solver, on_state=states.append)
        assert [s.step for s in states] == list(range(1, 7)) and torch.equal(states[-1].x, full)
        assert (states[2].v_prev is not None) == (solver == "ab2")
        rest = sample_euler(velocity, noise, tau, 4.0, solver=solver, state=states[2])
        assert torch.equal(rest, full), solver
    with pytest.raises(ValueError, match=r"sampler state of shape \(1, 3, 4\) at step 2 does not fit"):
        sample_euler(velocity, noise, tau, 4.0, state=SamplerState(2, torch.zeros(1, 3, 4)))


def test_state_file_round_trip(tmp_path):
    st = SamplerState(3, torch.randn(1, 2, 3), torch.randn(1, 2, 3))
    save_state(tmp_path / "s.safetensors", st, {"a": "1"})
    back = load_state(tmp_path / "s.safetensors", {"a": "1"})
    assert back.step == 3 and torch.equal(back.x, st.x) and torch.equal(back.v_prev, st.v_prev)
    assert load_state(tmp_path / "missing.safetensors", {"a": "1"}) is None
    with pytest.raises(ValueError, match=r"another run \(a: file '1', now '2'; b: file None, now '3'\)"):
        load_state(tmp_path / "s.safetensors", {"a": "2", "b": "3"})


def test_cli_resume_flag(tiny_dir, tmp_path, capsys):
    """`stepvid generate --resume FILE`: the state file is written and a second run with it makes the same
    video; combined with --step-cache it is refused before anything runs."""
    from stepvid.cli import main
    from stepvid.video import read_video

    args = ["generate", "a red circle", "--model", str(tiny_dir), "--frames", "17", "--height", "32", "--width", "48",
            "--steps", "3", "--resume", str(tmp_path / "st.safetensors")]
    # GIF: x264 may encode the same frames to different files within one process (docs/generate.md)
    assert main([*args, "--output", str(tmp_path / "a.gif")]) == 0 and _step(tmp_path / "st.safetensors") == 3
    assert main([*args, "--output", str(tmp_path / "b.gif")]) == 0
    np.testing.assert_array_equal(read_video(tmp_path / "a.gif"), read_video(tmp_path / "b.gif"))
    capsys.readouterr()
    assert main([*args, "--step-cache", "0.1", "--output", str(tmp_path / "c.mp4")]) == 2
    assert "--resume needs the exact path" in capsys.readouterr().err and not (tmp_path / "c.mp4").exists()
