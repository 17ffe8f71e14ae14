import numpy as np
import pytest

from stepvid.video import probe, read_image, read_video, write_png, write_video


def test_mp4_round_trip_is_close_and_sized(tmp_path):
    t = np.linspace(0, 1, 12)[:, None, None, None]
    y = np.linspace(0, 1, 32)[None, :, None, None]
    frames = (255 * np.clip(np.concatenate([t + 0 * y, y + 0 * t, 0.5 + 0 * (t * y)], -1), 0, 1)).astype(np.uint8)
    frames = np.broadcast_to(frames[:, :, :1], (12, 32, 1, 3)).repeat(48, axis=2)
    p = write_video(tmp_path / "v.mp4", frames, fps=12, crf=10)
    info = probe(p)
    assert (info.width, info.height, info.num_frames, info.fps) == (48, 32, 12, 12.0)
    back = read_video(p)
    assert back.shape == frames.shape
    assert np.abs(back.astype(int) - frames).mean() < 3  # smooth content survives H.264 nearly intact
    assert read_video(p, start=2, step=3).shape[0] == 4


def test_png_is_lossless(tmp_path):
    img = np.random.default_rng(0).integers(0, 256, (17, 23, 3), dtype=np.uint8)
    assert np.array_equal(read_image(write_png(tmp_path / "i.png", img)), img)


def test_bad_files_are_named(tmp_path):
    (tmp_path / "empty.mp4").write_bytes(b"")
    with pytest.raises(ValueError, match="empty.mp4: empty file"):
        read_video(tmp_path / "empty.mp4")
    (tmp_path / "junk.mp4").write_bytes(b"not a video at all" * 10)
    with pytest.raises(ValueError, match="junk.mp4"):
        read_video(tmp_path / "junk.mp4")
    with pytest.raises(FileNotFoundError):
        probe(tmp_path / "missing.mp4")
    with pytest.raises(ValueError, match="uint8"):
        write_video(tmp_path / "x.mp4", np.zeros((2, 8, 8, 3), np.float32))
    assert not list(tmp_path.glob(".*tmp*"))  # failed writes leave no temporary files


def test_atomic_writes_get_the_umask_mode_not_mkstemps(tmp_path):
    """Outputs written through the atomic temp file are as readable as a plain open() makes them (mkstemp's
    0o600 made generated videos and checkpoints private); a failed write leaves no file behind."""
    import os

    import torch

    from stepvid.checkpoints import save_sharded_safetensors
    from stepvid.video import atomic_path

    old = os.umask(0o022)
    try:
        mp4 = write_video(tmp_path / "a.mp4", np.zeros((2, 16, 16, 3), np.uint8), fps=2)
        shards = save_sharded_safetensors({"w": torch.zeros(2)}, tmp_path / "ckpt")
        os.umask(0o077)
        with atomic_path(tmp_path / "private.txt") as tmp:
            tmp.write_text("x")
    finally:
        os.umask(old)
    assert (mp4.stat().st_mode & 0o777) == 0o644
    assert all((p.stat().st_mode & 0o777) == 0o644 for p in shards)
    assert ((tmp_path / "private.txt").stat().st_mode & 0o777) == 0o600
    with pytest.raises(RuntimeError), atomic_path(tmp_path / "b.txt") as tmp:
        tmp.write_text("partial")
        raise RuntimeError("writer failed")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.mp4", "ckpt", "private.txt"]


def test_atomic_write_onto_a_directory_leaves_no_temporary_file(tmp_path):
    """The rename itself failing (the target is a directory) must clean up like a failed write."""
    (tmp_path / "out.mp4").mkdir()
    with pytest.raises(IsADirectoryError):
        write_video(tmp_path / "out.mp4", np.zeros((1, 16, 16, 3), np.uint8), fps=2)
    assert [p.name for p in tmp_path.iterdir()] == ["out.mp4"]
