"""benchmarks/one_gpu_video.py --state: one generation spread over several calls (a whole 50-step video
outlasts one device call) ends on the same latents as one call, and the last call reports it end to end."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from safetensors.torch import load_file

from stepvid.testing.scripts import load_script

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--tiny", "--frames", "17", "--height", "16", "--width", "16", "--steps", "3", "--dit-layers", "2"]


def _run(bench, monkeypatch, capsys, *extra: str) -> str:
    monkeypatch.setattr(sys, "argv", ["one_gpu_video.py", *ARGS, *extra])
    bench.main()
    return capsys.readouterr().out


@pytest.mark.parametrize("offload", ["model", "blocks"])
def test_spread_over_calls_equals_one_call(tmp_path, monkeypatch, capsys, offload):
    """Also with the DiT's and Step-LLM's blocks streamed (a later call, which reads the kept text states,
    builds no encoder to stream)."""
    bench = load_script(ROOT / "benchmarks" / "one_gpu_video.py", "one_gpu_video_bench")
    whole = _run(bench, monkeypatch, capsys, "--offload", offload, "--state", str(tmp_path / "one"))
    assert "3 steps over 1 calls" in whole and f"offload {offload}" in whole
    outs = [_run(bench, monkeypatch, capsys, "--offload", offload, "--state", str(tmp_path / "spread"),
                 "--max-minutes", "0") for _ in range(3)]
    assert "paused after step 1 of 3" in outs[0] and "paused after step 2 of 3" in outs[1]
    assert "3 steps over 3 calls" in outs[2] and "end to end" in outs[2]
    one = load_file(str(tmp_path / "one" / "sampler.safetensors"))["x"]
    spread = load_file(str(tmp_path / "spread" / "sampler.safetensors"))["x"]
    assert spread.abs().max() > 0 and (one - spread).abs().max() == 0  # same operations on the same values
