"""benchmarks/vae_psnr.py: held-out PSNR of VAE folders on the recipe's and the benchmark's clip sets."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from stepvid.testing.scripts import load_script

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bench():
    return load_script(REPO / "benchmarks" / "vae_psnr.py", "vae_psnr_bench")


def test_vae_psnr_table_matches_a_direct_fp64_psnr(tmp_path, bench, capsys):
    """Each cell is the mean over clips of 10·log10(255² / MSE) of the uint8 round trip, recomputed here in
    float64 from the same clips; the pooled cell is the mean over both sets; the two sets are different clips."""
    import torch

    from stepvid.models.vae import VAEConfig, VideoVAE

    torch.manual_seed(0)
    VideoVAE(VAEConfig.preset("tiny")).save_pretrained(tmp_path / "vae")
    sets = bench.clip_sets(2, 1, 32, 32, 17)
    assert [len(sets["recipe"]), len(sets["other"])] == [2, 1]
    assert not np.array_equal(sets["recipe"][0], sets["other"][0])
    vae = VideoVAE.from_pretrained(tmp_path / "vae", dtype=torch.float32).eval()

    def psnr(c):
        mse = np.mean((vae.reconstruct(c).astype(np.float64) - c.astype(np.float64)) ** 2)
        return 10 * np.log10(255.0**2 / mse)

    want = {k: [psnr(c) for c in v] for k, v in sets.items()}
    assert bench.main([str(tmp_path / "vae"), "--recipe", "2", "--other", "1", "--size", "32", "32", "17"]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith(f"| {tmp_path / 'vae'}"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[1] == f"{np.mean(want['recipe']):.2f} dB (2)"
    assert cells[2] == f"{np.mean(want['other']):.2f} dB (1)"
    assert cells[3] == f"{np.mean(want['recipe'] + want['other']):.2f} dB (3)"


def test_vae_psnr_refuses_a_folder_without_weights(tmp_path, bench):
    with pytest.raises(SystemExit):
        bench.main([str(tmp_path)])
