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


def test_border_deviation_reads_each_border_against_the_interior(bench):
    """A [T, C, h, w] latent that is flat except for known offsets on the bottom row, one corner and one
    interior cell of frame 0 (which moves that frame's interior mean, the reference, by 1/16)."""
    lat = np.zeros((2, 4, 8, 8))
    lat[:, :, -1, 1:-1] = np.array([3.0, 4.0, 0, 0])[None, :, None]  # bottom edge: L2 distance 5
    lat[:, 0, 0, -1] = 2.0  # top-right corner: distance 2
    lat[0, 1, 4, 4] = 1.0
    d = bench.border_deviation(lat)
    shift = np.array([0, 1 / 16, 0, 0])  # frame 0's interior mean; frame 1's is 0

    def both(v):  # distance of a cell of value v, averaged over the two frames
        return (np.linalg.norm(v - shift) + np.linalg.norm(v)) / 2

    assert d["bottom"] == pytest.approx(both(np.array([3.0, 4, 0, 0])))
    assert d["TR"] == pytest.approx(both(np.array([2.0, 0, 0, 0])))
    for k in ("top", "left", "right", "TL", "BL", "BR"):
        assert d[k] == pytest.approx(1 / 32)
    cell = (15 / 16 + 0) / 2  # the raised cell: 1 - 1/16 in frame 0, 0 in frame 1
    assert d["interior"] == pytest.approx((cell + 15 / 32) / 16)
