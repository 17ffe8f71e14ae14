"""The official Step-Video-T2V-Eval benchmark (report §8.1): 128 Chinese prompts from real users in 11
categories, shipped here as ``data/Step-Video-T2V-Eval.txt`` under its MIT licence (``data/…LICENSE``).

The file carries no labels; the category of each line follows from the report's per-category counts taken in
its category order (Table 7's sums; the prompts' contents agree: sports, then cooking, landscapes, ...). That
mapping is written out here once, as line ranges, and checked against the file when it is read.

    from stepvid.eval.benchmark import load_benchmark
    rows = load_benchmark()          # [{"id": "sports-01", "line": 1, "category": "Sports", "prompt": "..."}, ...]
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["BENCHMARK_FILE", "CATEGORIES", "load_benchmark"]

BENCHMARK_FILE = Path(__file__).resolve().parent / "data" / "Step-Video-T2V-Eval.txt"

# (category, first line, last line), 1-based and inclusive: report §8.1 / Table 7.
CATEGORIES: tuple[tuple[str, int, int], ...] = (
    ("Sports", 1, 12),
    ("Food", 13, 23),
    ("Scenery", 24, 35),
    ("Animals", 36, 47),
    ("Festivals", 48, 58),
    ("Combined Concepts", 59, 70),
    ("Surreal", 71, 81),
    ("People", 82, 93),
    ("3D Animation", 94, 105),
    ("Cinematography", 106, 116),
    ("Style", 117, 128),
)


def load_benchmark(path: str | os.PathLike | None = None) -> list[dict]:
    """The 128 prompts with their line, category and a stable id (``<category>-<nn>``); ValueError when the
    file does not have exactly the lines the category ranges cover, or has an empty line."""
    path = Path(path) if path is not None else BENCHMARK_FILE
    lines = path.read_text(encoding="utf-8").splitlines()
    total = CATEGORIES[-1][2]
    if len(lines) != total:
        raise ValueError(f"{path}: {len(lines)} prompts; the Step-Video-T2V-Eval categories cover {total}")
    rows = []
    for name, first, last in CATEGORIES:
        slug = name.lower().replace(" ", "-")
        for k, n in enumerate(range(first, last + 1), 1):
            prompt = lines[n - 1].strip()
            if not prompt:
                raise ValueError(f"{path}:{n}: empty prompt")
            rows.append({"id": f"{slug}-{k:02d}", "line": n, "category": name, "prompt": prompt})
    return rows
