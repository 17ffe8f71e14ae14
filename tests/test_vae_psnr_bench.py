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
    sets = bench.clip_sets(1, 1, 32, 32, 17)
    assert [len(sets["recipe"]), len(sets["other"])] == [1, 1]
    assert not np.array_equal(sets["recipe"][0], sets["other"][0])
    vae = VideoVAE.from_pretrained(tmp_path / "vae", dtype=torch.float32).eval()

    def psnr(c):
        mse = np.mean((vae.reconstruct(c).astype(np.float64) - c.astype(np.float64)) ** 2)
        return 10 * np.log10(255.0**2 / mse)

    want = {k: [psnr(c) for c in v] for k, v in sets.items()}
    argv = [str(tmp_path / "vae"), "--recipe", "1", "--other", "1", "--size", "32", "32", "17"]
    assert bench.main(argv) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith(f"| {tmp_path / 'vae'}"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[1] == f"{np.mean(want['recipe']):.2f} dB (1)"
    assert cells[2] == f"{np.mean(want['other']):.2f} dB (1)"
    assert cells[3] == f"{np.mean(want['recipe'] + want['other']):.2f} dB (2)"


def test_vae_psnr_by_scene_groups_the_pooled_clips(tmp_path, bench, capsys, monkeypatch):
    """--by-scene: per number of objects and per background kind, the mean of exactly the clips whose scene has
    it, and every clip counted once per grouping. Per-clip PSNRs are literal stand-ins (the PSNR itself is
    checked above), so each group's mean is known here independently of the code under test."""
    fake = {3: [11.0, 12.0, 14.0], 4: [21.0, 22.0, 24.0, 28.0]}  # recipe set: 3 clips, other set: 4
    monkeypatch.setattr(bench, "clip_psnrs", lambda vae, clips, device: fake[len(clips)])
    (tmp_path / "vae").mkdir()
    (tmp_path / "vae" / "vae_v2.safetensors").write_bytes(b"")  # never opened: clip_psnrs is replaced
    specs = bench.scene_sets(3, 4)
    specs, psnrs = specs["recipe"] + specs["other"], fake[3] + fake[4]
    want = {("objects", str(n)): [p for s, p in zip(specs, psnrs) if len(s.objects) == n] for n in (1, 2, 3)}
    want |= {("background", k): [p for s, p in zip(specs, psnrs) if s.bg_kind == k] for k in {s.bg_kind for s in specs}}
    want = {k: v for k, v in want.items() if v}
    assert len({len(s.objects) for s in specs}) > 1 and len({s.bg_kind for s in specs}) > 1  # groups to tell apart
    assert bench.main([str(tmp_path / "vae"), "--recipe", "3", "--other", "4", "--size", "32", "32", "17",
                       "--by-scene"]) == 0
    out = capsys.readouterr().out
    assert f"| {tmp_path / 'vae'} | 12.33 dB (3) | 23.75 dB (4) | 18.86 dB (7) |" in out  # 37/3, 95/4, 132/7
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in out.splitlines()
            if line.startswith(f"| {tmp_path / 'vae'} | ") and ("objects" in line or "background" in line)]
    got = {(r[1], r[2]): r[3] for r in rows}
    assert got == {k: f"{sum(v) / len(v):.2f} dB ({len(v)})" for k, v in want.items()}
    for g in ("objects", "background"):
        assert sum(len(v) for k, v in want.items() if k[0] == g) == 7


def test_vae_psnr_refuses_a_folder_without_weights(tmp_path, bench):
    with pytest.raises(SystemExit):
        bench.main([str(tmp_path)])
