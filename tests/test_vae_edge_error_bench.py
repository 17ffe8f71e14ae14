"""benchmarks/vae_edge_error.py: the flat-background corner measure finds a speck where one was painted."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from stepvid.testing.scripts import load_script

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "vae_edge_error.py"


@pytest.fixture(scope="module")
def bench():
    return load_script(SCRIPT, "vae_edge_error_bench")


def test_worst_corner_locates_a_painted_speck(bench):
    ref = np.full((3, 32, 32, 3), (245, 225, 40), np.uint8)
    rec = ref.copy()
    rec[:, -4:, -4:] = (230, 117, 41)  # a 4x4 speck in the bottom-right corner: a quarter of the 8x8 block
    name, dist = bench.worst_corner(rec, ref)
    expected = np.linalg.norm([245 - 230, 225 - 117, 40 - 41]) / 4
    assert name == "BR" and dist == pytest.approx(expected)
    rec2 = ref.copy()
    rec2[0, :2, :8] = (0, 0, 0)  # top-left, first frame only: 16 of 3 * 64 block pixels
    name, dist = bench.worst_corner(rec2, ref)
    assert name == "TL" and dist == pytest.approx(np.linalg.norm([245, 225, 40]) * 16 / 192)
    assert bench.worst_corner(ref, ref)[1] == 0.0
