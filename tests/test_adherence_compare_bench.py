"""benchmarks/adherence_compare.py: paired pass-rate change, flips and judge-score win rate of two runs."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from stepvid.testing.scripts import load_script

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "adherence_compare.py"


@pytest.fixture(scope="module")
def cmp():
    return load_script(SCRIPT, "adherence_compare_bench")


def row(i: int, objects: int, passed: bool, score: float, seed: int = 1) -> dict:
    return {"id": f"s{i}", "lang": "en", "seed": seed, "objects": objects, "passed": passed, "score": score}


def test_counts_and_paired_se_match_hand_computation(cmp):
    base = [row(0, 1, True, 1.0), row(1, 1, False, 0.5), row(2, 2, False, 0.4), row(3, 2, True, 1.0),
            row(4, 2, False, 0.6)]
    new = [row(0, 1, True, 1.0), row(1, 1, True, 1.0), row(2, 2, True, 1.0), row(3, 2, False, 0.7),
           row(4, 2, False, 0.8)]
    res = cmp.compare(base, new)
    two = res["2"]  # differences +1, -1, 0: mean 0, sample variance 1
    assert (two["n"], two["to_pass"], two["to_fail"]) == (3, 1, 1)
    assert two["delta"] == 0 and two["se"] == pytest.approx(math.sqrt(1 / 3))
    assert (two["wins"], two["losses"], two["ties"]) == (2, 1, 0) and two["win_rate"] == pytest.approx(2 / 3)
    one = res["1"]
    assert one["base"] == 0.5 and one["new"] == 1.0 and one["ties"] == 1 and one["win_rate"] == 1.0
    every = res["all"]  # differences 0, +1, +1, -1, 0: mean 0.2, sample variance 0.7
    assert every["n"] == 5 and every["delta"] == pytest.approx(0.2)
    assert every["se"] == pytest.approx(math.sqrt(0.7 / 5))


def test_runs_with_different_rows_are_refused(cmp, tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text("".join(json.dumps(r) + "\n" for r in [row(0, 1, True, 1.0), row(1, 1, True, 1.0)]))
    b.write_text(json.dumps(row(0, 1, True, 1.0, seed=2)) + "\n" + json.dumps(row(1, 1, True, 1.0)) + "\n")
    with pytest.raises(SystemExit, match="different rows: 1 only in the base"):
        cmp.main([str(a), str(b)])


def test_table_prints_each_group(cmp, capsys):
    cmp.print_table(cmp.compare([row(0, 1, False, 0.2)], [row(0, 1, True, 1.0)]), "natural")
    out = capsys.readouterr().out
    assert "| 1 obj | 1 | 0.0 % | 100.0 % | +100.0 ± 0.0 | 1 / 0 | 1.00 (1/0/0) |" in out and "| all |" in out


def test_seed_option_compares_one_seeds_rows(cmp, tmp_path, capsys):
    """Two seeds: seed 1 flips to pass, seed 2 to fail; --seed shows each, no option pools them (change 0, paired SE sqrt(2 / 2) = 100 points)."""
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text("".join(json.dumps(r) + "\n" for r in [row(0, 1, False, 0.2), row(0, 1, True, 1.0, seed=2)]))
    b.write_text("".join(json.dumps(r) + "\n" for r in [row(0, 1, True, 1.0), row(0, 1, False, 0.3, seed=2)]))
    for args, line in ((["--seed", "1"], "| 1 obj | 1 | 0.0 % | 100.0 % | +100.0 ± 0.0 | 1 / 0 |"),
                       (["--seed", "2"], "| 1 obj | 1 | 100.0 % | 0.0 % | -100.0 ± 0.0 | 0 / 1 |"),
                       ([], "| 1 obj | 2 | 50.0 % | 50.0 % | +0.0 ± 100.0 | 1 / 1 |")):
        cmp.main([str(a), str(b), *args])
        assert line in capsys.readouterr().out
