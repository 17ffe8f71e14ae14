"""Manifest dataset: decoding, bucket shapes, images as 1-frame videos, bad media skipped and counted."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest
import torch

from stepvid.data.buckets import BucketScheme
from stepvid.data.dataset import VideoDataset, collate, load_rows, resize_crop
from stepvid.data.manifest import write_manifest
from stepvid.video import write_png, write_video

SCHEME = {
    "frames": [1, 4],
    "sizes": [[16, 16], [16, 32]],
    "frame_multiple": 1,
    "spatial_multiple": 8,
    "batch_size": 2,
}


def make_media(root: Path, n_video: int = 4, frames: int = 6) -> list[dict]:
    from stepvid.world.captions import caption
    from stepvid.world.render import render_image, render_video
    from stepvid.world.scene import sample_scene

    rows = []
    for i in range(n_video):
        spec = sample_scene(np.random.default_rng(i))
        h, w = (24, 40) if i % 2 else (24, 24)
        write_video(root / f"v{i}.mp4", render_video(spec, h, w, frames), fps=12)
        rows.append({"path": f"v{i}.mp4", "kind": "video", "caption": caption(spec)})
    spec = sample_scene(np.random.default_rng(99))
    write_png(root / "img.png", render_image(spec, 20, 20))
    rows.append({"path": "img.png", "kind": "image", "caption": caption(spec)})
    return rows


def test_shapes_buckets_and_images(tmp_path):
    rows = make_media(tmp_path)
    write_manifest(tmp_path / "m.jsonl", rows)
    ds = VideoDataset(load_rows(tmp_path / "m.jsonl"), BucketScheme.from_config(SCHEME), seed=0)
    names = [ds.buckets[g].name for g in ds.groups]
    assert names == ["4x16x16", "4x16x32", "4x16x16", "4x16x32", "1x16x16"]
    item = ds[1]
    assert item["video"].shape == (4, 3, 16, 32) and item["video"].dtype == torch.float32
    assert -1 <= item["video"].min() and item["video"].max() <= 1 and item["video"].std() > 0.05
    assert ds[4]["video"].shape == (1, 3, 16, 16)  # image = 1-frame video
    batch = collate([ds[0], ds[2]])
    assert batch["video"].shape == (2, 4, 3, 16, 16) and len(batch["caption"]) == 2
    assert torch.equal(ds[(1, 0)]["video"], ds[(1, 0)]["video"])  # deterministic per (seed, epoch, index)
    assert any(
        not torch.equal(ds[(1, 0)]["video"], ds[(1, e)]["video"]) for e in range(1, 5)
    )  # new crops per epoch


def test_corrupt_media_skipped_counted_never_crash(tmp_path, caplog):
    rows = make_media(tmp_path, n_video=3)
    (tmp_path / "garbage.mp4").write_bytes(b"\x00not a video" * 100)
    (tmp_path / "empty.mp4").write_bytes(b"")
    good = (tmp_path / "v0.mp4").read_bytes()
    (tmp_path / "truncated.mp4").write_bytes(good[: len(good) // 3])
    bad = [{"path": p, "kind": "video", "caption": "x"} for p in ("garbage.mp4", "empty.mp4", "missing.mp4")]
    # a file whose manifest claims a readable shape but that fails at decode time
    late = {
        "path": "truncated.mp4",
        "kind": "video",
        "caption": "late",
        "width": 24,
        "height": 24,
        "num_frames": 6,
    }
    write_manifest(tmp_path / "m.jsonl", rows[:3] + bad + [late], validate=True)
    with caplog.at_level(logging.WARNING, logger="stepvid.data"):
        ds = VideoDataset(load_rows(tmp_path / "m.jsonl"), BucketScheme.from_config(SCHEME), seed=0)
    assert ds.groups[3:6] == [None, None, None]
    assert sum(ds.rejected.values()) == 3 and "unreadable" in ds.rejected
    assert "garbage.mp4" in caplog.text and "empty.mp4" in caplog.text
    late_idx = 6
    assert ds.groups[late_idx] == ds.groups[0]  # same bucket as v0 / v2 (square)
    with caplog.at_level(logging.WARNING, logger="stepvid.data"):
        item = ds[late_idx]
    assert item["num_skipped"] == 1  # the truncated file was replaced by a good sample of the same bucket
    assert item["index"] != late_idx and "truncated.mp4" in caplog.text
    assert item["video"].shape == (4, 3, 16, 16)


def test_folder_source_and_caption_files(tmp_path, caplog):
    """Each media file gets the text of its own same-named .txt (UTF-8, surrounding whitespace stripped),
    sub-folders included; media without a caption file are skipped with a warning naming the file."""
    make_media(tmp_path, n_video=2)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "v2.mp4").write_bytes((tmp_path / "v1.mp4").read_bytes())
    captions = {
        "v0.txt": "a red circle moves to the right\n",
        "v1.txt": "  一个蓝色的正方形向上移动。\n\n",
        "img.txt": "a small green star, still",
        "sub/v2.txt": "two pink crosses move left",
    }
    for name, text in captions.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "nocap.mp4").write_bytes((tmp_path / "v0.mp4").read_bytes())
    (tmp_path / "notes.txt").write_text("not a caption: no media file of this name")
    with caplog.at_level(logging.WARNING, logger="stepvid.data"):
        got = load_rows(tmp_path)
    assert {Path(r["path"]).relative_to(tmp_path).as_posix(): (r["kind"], r["caption"]) for r in got} == {
        "img.png": ("image", "a small green star, still"),
        "v0.mp4": ("video", "a red circle moves to the right"),
        "v1.mp4": ("video", "一个蓝色的正方形向上移动。"),
        "sub/v2.mp4": ("video", "two pink crosses move left"),
    }
    assert "nocap.mp4" in caplog.text and "nocap.txt" in caplog.text
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "x.mp4").write_bytes(b"")
    with pytest.raises(FileNotFoundError, match="no media files with .txt captions"):
        load_rows(tmp_path / "empty")


def test_resize_crop_aspect():
    frames = np.zeros((2, 10, 40, 3), np.uint8)
    frames[:, :, 15:25] = 255  # a bright centre band
    out = resize_crop(frames, 8, 8, rng=None)  # centre crop 10x10 of the band region, resized
    assert out.shape == (2, 3, 8, 8) and out.mean() > 0.9
