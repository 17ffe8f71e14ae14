"""benchmarks/natural_e2e.py: labelled prompts -> rewritten texts -> generated and judged clips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stepvid.testing.checkpoint_fixtures import write_tiny_small_model
from stepvid.testing.scripts import load_script
from stepvid.world.parser import parse_prompt
from stepvid.world.request import request_from_dict

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "natural_e2e.py"
DEFAULTS = {"num_frames": 17, "height": 32, "width": 32, "steps": 2, "cfg": 3.0, "shift": 5.0,
            "positive_suffix": "", "negative_prompt": ""}
ROWS = [
    {"prompt": "a square, not red, blue. it spins", "request": {"objects": [{"color": "blue", "shape": "square",
                                                                              "motion": "rotate"}]}, "round": "r1"},
    {"prompt": "a gold heart", "request": None, "round": "r1"},  # uncheckable: skipped
    {"prompt": "two circles, one orange, the other purple", "round": "r2",
     "request": {"objects": [{"color": "orange", "shape": "circle"}, {"color": "purple", "shape": "circle"}]}},
]


@pytest.fixture(scope="module")
def bench():
    return load_script(SCRIPT, "natural_e2e_bench")


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_rows_are_rewritten_to_their_request_and_null_rows_skipped(bench, tmp_path):
    rows = bench.rewritten_rows(_write(tmp_path / "p.jsonl", ROWS), "world")
    assert [r["prompt"] for r in rows] == [ROWS[0]["prompt"], ROWS[2]["prompt"]]
    for r in rows:  # what the model is given states exactly what the writer asked
        assert r["text"] != r["prompt"] and parse_prompt(r["text"]) == request_from_dict(r["request"])
    raw = bench.rewritten_rows(tmp_path / "p.jsonl", "none")
    assert [r["text"] for r in raw] == [r["prompt"] for r in raw]


def test_a_row_without_a_request_key_is_refused_naming_the_line(bench, tmp_path):
    with pytest.raises(ValueError, match=r"bad\.jsonl:2: a row needs 'prompt' and 'request'"):
        bench.rewritten_rows(_write(tmp_path / "bad.jsonl", [ROWS[0], {"prompt": "x"}]), "world")


def test_two_text_files_are_generated_judged_and_compared(bench, tmp_path, capsys):
    model = write_tiny_small_model(tmp_path / "tiny", seed=0, defaults=DEFAULTS)
    src = _write(tmp_path / "p.jsonl", ROWS)
    bench.main(["--prompts", str(src), "--dump-texts", str(tmp_path / "world.jsonl")])
    bench.main(["--prompts", str(src), "--rewriter", "none", "--dump-texts", str(tmp_path / "raw.jsonl")])
    out = tmp_path / "res.json"
    assert bench.main(["--texts", str(tmp_path / "raw.jsonl"), str(tmp_path / "world.jsonl"), "--model", str(model),
                       "--seeds", "0", "1", "--workers", "1", "--batch", "3", "--out", str(out)]) == 0
    res = json.loads(out.read_text())
    for rows in res.values():  # every labelled row once per seed, each with its object count and round
        assert sorted((r["id"].split(":")[1], r["seed"]) for r in rows) == [("1", 0), ("1", 1), ("3", 0), ("3", 1)]
        assert {r["kind"] for r in rows} == {"1 object", "2-3 objects"} and {r["round"] for r in rows} == {"r1", "r2"}
        assert all(isinstance(r["pass"], bool) and 0 <= r["score"] <= 1 for r in rows)
    assert "the 2 prompts whose texts differ" in capsys.readouterr().out


def test_the_world_check_keeps_the_first_clip_it_passes_else_its_best(bench):
    """``verified``: groups of ``tries`` consecutive seeds; the first clip the check passes, else the best-scoring
    (earliest of equals); a prompt the check cannot read keeps its first clip; the mean clips made."""
    def row(i, s, ok, check=None, score=0.0):
        r = {"id": i, "seed": s, "kind": "1 object", "round": None, "pass": ok, "score": 0.0}
        if check is not None:
            r["check"], r["check_score"] = check, score
        return r

    results = [row("a", 0, False, False, 0.5), row("a", 1, True, True, 1.0), row("a", 2, False, True, 1.0),
               row("b", 0, False, False, 0.6), row("b", 1, True, False, 0.8), row("b", 2, False, False, 0.8),
               row("c", 0, True), row("c", 1, False), row("c", 2, False),
               row("a", 3, True, True, 1.0), row("b", 3, False, False, 0.1), row("c", 3, False)]
    kept, made = bench.verified(results, [0, 1, 2], 3)
    assert [(r["id"], r["seed"]) for r in kept] == [("a", 1), ("b", 1), ("c", 0)]
    assert made == pytest.approx((2 + 3 + 1) / 3)
    kept, made = bench.verified(results, [0, 1, 2, 3], 2)  # two groups: seeds 0-1 and 2-3
    assert [(r["id"], r["seed"]) for r in kept] == [("a", 1), ("b", 1), ("c", 0), ("a", 2), ("b", 2), ("c", 2)]
    assert made == pytest.approx((2 + 2 + 1 + 1 + 2 + 1) / 6)
