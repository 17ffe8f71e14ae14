"""The shipped Step-Video-T2V-Eval prompt file and its category mapping (report §8.1)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from stepvid.eval.benchmark import BENCHMARK_FILE, CATEGORIES, load_benchmark

# The report's per-category counts (Table 7 sums), in its order.
REPORT_COUNTS = {"Sports": 12, "Food": 11, "Scenery": 12, "Animals": 12, "Festivals": 11, "Combined Concepts": 12,
                 "Surreal": 11, "People": 12, "3D Animation": 12, "Cinematography": 11, "Style": 12}


def test_categories_tile_the_file_with_the_reports_counts():
    rows = load_benchmark()
    assert len(rows) == 128 and [r["line"] for r in rows] == list(range(1, 129))
    counts = {}
    for r in rows:
        counts[r["category"]] = counts.get(r["category"], 0) + 1
    assert counts == REPORT_COUNTS and [c[0] for c in CATEGORIES] == list(REPORT_COUNTS)
    assert len({r["id"] for r in rows}) == 128
    by_id = {r["id"]: r["prompt"] for r in rows}
    assert "足球" in by_id["sports-01"]  # the file's first line is the sports block's first prompt


def test_file_is_the_official_one_with_its_licence():
    data = BENCHMARK_FILE.read_bytes()
    shared = Path(__file__).resolve().parents[1].parent / "shared" / "benchmarks" / "Step-Video-T2V-Eval.txt"
    if shared.is_file():
        assert hashlib.sha256(data).digest() == hashlib.sha256(shared.read_bytes()).digest()
    licence = (BENCHMARK_FILE.parent / "Step-Video-T2V-Eval.LICENSE").read_text()
    assert "MIT License" in licence and "stepfun-ai" in licence


def test_a_file_of_another_length_is_refused(tmp_path):
    f = tmp_path / "p.txt"
    f.write_text("\n".join(["x"] * 127))
    with pytest.raises(ValueError, match="127 prompts; the Step-Video-T2V-Eval categories cover 128"):
        load_benchmark(f)
    f.write_text("\n".join(["x"] * 5 + [" "] + ["x"] * 122))
    with pytest.raises(ValueError, match=r"p.txt:6: empty prompt"):
        load_benchmark(f)
