"""benchmarks/bundled_adherence.py: batched generation + judge pool; shards merged == one unsharded run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stepvid.testing.checkpoint_fixtures import write_tiny_small_model
from stepvid.testing.scripts import load_script

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "bundled_adherence.py"
DEFAULTS = {"num_frames": 17, "height": 32, "width": 32, "steps": 2, "cfg": 3.0, "shift": 5.0,
            "positive_suffix": "", "negative_prompt": ""}


@pytest.fixture(scope="module")
def bench():
    return load_script(SCRIPT, "bundled_adherence_bench")


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    return write_tiny_small_model(tmp_path_factory.mktemp("tiny"), seed=0, defaults=DEFAULTS)


def rows(path: Path) -> list[dict]:
    return sorted((json.loads(line) for line in path.read_text().splitlines()), key=key)


def table(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("|") or "pass-rate gap" in line]


def test_shards_merge_to_the_unsharded_run(bench, model, tmp_path, capsys):
    common = ["--model", str(model), "--n", "1", "--objects", "1", "2", "--seeds", "0", "1", "--batch", "3"]
    assert bench.main([*common, "--judge-workers", "0", "--out", str(tmp_path / "all.jsonl")]) == 0  # inline judge
    full = table(capsys.readouterr().out)
    for i, workers in ((0, "1"), (1, "2")):  # pools of 1 and 2 judges
        assert bench.main([*common, "--shard", f"{i}/2", "--judge-workers", workers,
                           "--out", str(tmp_path / f"s{i}.jsonl")]) == 0
    capsys.readouterr()
    whole, s0, s1 = rows(tmp_path / "all.jsonl"), rows(tmp_path / "s0.jsonl"), rows(tmp_path / "s1.jsonl")
    assert len(whole) == 1 * 2 * 2 * 2 and len(s0) == len(s1) == 4  # scenes x langs x object counts x seeds
    assert {(r["id"], r["lang"], r["seed"]) for r in whole} == {
        (f"{k}obj-{i:03d}", lang, s) for k in (1, 2) for i in range(1) for lang in ("en", "zh") for s in (0, 1)}
    assert rows_equal(whole, s0 + s1)

    assert bench.main(["--merge", str(tmp_path / "s0.jsonl"), str(tmp_path / "s1.jsonl")]) == 0
    assert table(capsys.readouterr().out) == full and len(full) == 8
    with pytest.raises(SystemExit, match=r"\('1obj-000', 'en', 0\) already in .*s0.jsonl:1"):
        bench.main(["--merge", str(tmp_path / "s0.jsonl"), str(tmp_path / "all.jsonl")])

    # A run cut short continues with --resume: the kept rows are not generated again.
    part = tmp_path / "part.jsonl"
    part.write_text("".join(line + "\n" for line in (tmp_path / "s0.jsonl").read_text().splitlines()[:2]))
    assert bench.main([*common, "--shard", "0/2", "--judge-workers", "0", "--resume", "--out", str(part)]) == 0
    assert "2 resumed + " in capsys.readouterr().out
    assert rows_equal(rows(part), s0)


def rows_equal(a: list[dict], b: list[dict]) -> bool:
    return sorted(a, key=key) == sorted(b, key=key)


def key(row: dict) -> tuple:
    return row["id"], row["lang"], row["seed"]


def test_ground_truth_renders_pass(bench, capsys):
    """The judge's ceiling: renders of the prompts' own specs pass (pool of 2 judges)."""
    assert bench.main(["--ground-truth", "--n", "2", "--objects", "1", "--judge-workers", "2"]) == 0
    out = capsys.readouterr().out
    assert table(out)[2:4] == ["| 1 | en | 2 | 100.0 % | 1.000 |", "| 1 | zh | 2 | 100.0 % | 1.000 |"]


def test_frames_overrides_the_models_clip_length(bench, model, tmp_path, capsys):
    """--frames generates (and judges) clips of another length than the model's default (17 here)."""
    out = tmp_path / "f34.jsonl"
    assert bench.main(["--model", str(model), "--n", "1", "--objects", "1", "--seeds", "0", "--frames", "34",
                       "--judge-workers", "0", "--out", str(out)]) == 0
    assert "32x32x34" in capsys.readouterr().out and len(rows(out)) == 2


@pytest.mark.parametrize("argv, match", [
    (["--shard", "2/2", "--out", "x.jsonl"], "need 0 <= I < N"),
    (["--shard", "1of2"], "must look like I/N"),
    (["--shard", "0/2"], "--shard needs --out"),
    (["--resume"], "--resume needs --out"),
    (["--frames", "20"], "--frames 20: clips are whole 17-frame VAE chunks"),
])
def test_bad_flags(bench, argv, match, capsys):
    with pytest.raises(SystemExit):
        bench.main(["--ground-truth", *argv])
    assert match in capsys.readouterr().err
