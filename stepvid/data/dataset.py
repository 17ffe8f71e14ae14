"""Training dataset over a manifest: PyAV decoding, random crop + resize to the sample's bucket.

Rows come from :func:`stepvid.data.manifest.read_manifest` (world, curation or a user's folder). Each
sample is assigned to a bucket once (from the manifest's width/height/num_frames, probing the file when
they are missing); unreadable files are dropped at that point with a logged reason. A file that fails later,
while decoding, is replaced by the next sample of the same bucket so the batch keeps its shape; the failure
is logged and counted in the batch (``num_skipped``). Runs never crash on bad media.

Output of ``dataset[i]``: ``{"video": float [F, 3, H, W] in [-1, 1], "caption": str, "index": int,
"num_skipped": int}`` (frame-major, like the VAE and DiT inputs). Images are 1-frame videos.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from stepvid.data.buckets import BucketBatchSampler, BucketScheme
from stepvid.data.manifest import read_manifest

log = logging.getLogger("stepvid.data")

__all__ = ["VideoDataset", "collate", "folder_manifest_rows", "load_rows", "sample_seed"]

VIDEO_EXT = {".mp4", ".mov", ".mkv", ".webm", ".avi", ".gif"}
IMAGE_EXT = {".png", ".jpg", ".jpeg", ".webp", ".bmp"}


def sample_seed(*parts: int) -> int:
    """A stable 63-bit seed from integers (identical in every process and worker)."""
    h = hashlib.blake2b(b",".join(str(int(p)).encode() for p in parts), digest_size=8).digest()
    return int.from_bytes(h, "little") & ((1 << 63) - 1)


def folder_manifest_rows(folder: str | os.PathLike) -> list[dict[str, Any]]:
    """Rows for a plain folder of media files with a same-named ``.txt`` caption next to each."""
    rows = []
    for p in sorted(Path(folder).rglob("*")):
        ext = p.suffix.lower()
        if ext not in VIDEO_EXT | IMAGE_EXT:
            continue
        cap = p.with_suffix(".txt")
        if not cap.exists():
            log.warning("skip %s: no caption file %s", p, cap.name)
            continue
        rows.append(
            {
                "path": str(p),
                "kind": "image" if ext in IMAGE_EXT else "video",
                "caption": cap.read_text(encoding="utf-8").strip(),
            }
        )
    if not rows:
        raise FileNotFoundError(f"{folder}: no media files with .txt captions found")
    return rows


def load_rows(source: str | os.PathLike, split: str | None = None) -> list[dict[str, Any]]:
    """Rows of a manifest file (.jsonl / .parquet) or a captioned media folder, optionally one ``split``."""
    source = Path(source)
    rows = folder_manifest_rows(source) if source.is_dir() else read_manifest(source)
    if split is not None:
        rows = [r for r in rows if r.get("split", "train") == split]
    return rows


def _media_shape(row: dict[str, Any]) -> tuple[int, int, int]:
    """(num_frames, height, width) from the manifest row, probing the file only if needed."""
    if all(row.get(k) for k in ("width", "height")) and (row["kind"] == "image" or row.get("num_frames")):
        return (
            (1 if row["kind"] == "image" else int(row["num_frames"])),
            int(row["height"]),
            int(row["width"]),
        )
    from stepvid.video import probe

    info = probe(row["path"])
    return (1 if row["kind"] == "image" else info.num_frames), info.height, info.width


def resize_crop(frames: np.ndarray, height: int, width: int, rng: np.random.Generator | None) -> torch.Tensor:
    """uint8 [T, H0, W0, 3] -> float [T, 3, height, width] in [-1, 1]: crop to the target aspect ratio
    (random offset when ``rng`` is given, else centred), then an antialiased bilinear resize."""
    _, h0, w0, _ = frames.shape
    if h0 * width > w0 * height:  # too tall: crop rows
        ch, cw = max(1, round(w0 * height / width)), w0
    else:
        ch, cw = h0, max(1, round(h0 * width / height))
    y = int(rng.integers(0, h0 - ch + 1)) if rng is not None else (h0 - ch) // 2
    x = int(rng.integers(0, w0 - cw + 1)) if rng is not None else (w0 - cw) // 2
    clip = (
        torch.from_numpy(np.ascontiguousarray(frames[:, y : y + ch, x : x + cw])).permute(0, 3, 1, 2).float()
    )
    if (ch, cw) != (height, width):
        clip = F.interpolate(clip, size=(height, width), mode="bilinear", antialias=True, align_corners=False)
    return (clip / 127.5 - 1).clamp(-1, 1)


@dataclass
class VideoDataset(torch.utils.data.Dataset):
    """Map-style dataset of bucket-shaped clips. ``groups``/``buckets`` feed :class:`BucketBatchSampler`."""

    rows: Sequence[dict[str, Any]]
    scheme: BucketScheme
    seed: int = 0
    random_crop: bool = True
    frame_stride: int = 1
    caption_keys: Sequence[str] | None = None  # alternative captions to draw from (row["captions"][key])
    max_retries: int = 8
    groups: list[int | None] = field(init=False)
    rejected: Counter = field(init=False)
    epoch: int = 0  # used when indexed by a plain int

    def __post_init__(self) -> None:
        self.groups, self.rejected = [], Counter()
        for row in self.rows:
            try:
                f, h, w = _media_shape(row)
            except (ValueError, FileNotFoundError) as exc:
                self._reject(row, f"unreadable: {exc}")
                self.groups.append(None)
                continue
            f_eff = 1 if row["kind"] == "image" else 1 + (f - 1) // self.frame_stride
            g = self.scheme.assign(row["kind"], f_eff, h, w)
            if g is None:
                self._reject(row, self.scheme.why_rejected(row["kind"], f_eff))
            self.groups.append(g)
        self.members: dict[int, list[int]] = {}
        self._pos: dict[int, int] = {}
        for i, g in enumerate(self.groups):
            if g is not None:
                self._pos[i] = len(self.members.setdefault(g, []))
                self.members[g].append(i)
        n_ok = sum(g is not None for g in self.groups)
        if self.rejected:
            log.warning(
                "dataset: %d of %d samples unusable: %s",
                len(self.rows) - n_ok,
                len(self.rows),
                dict(self.rejected),
            )

    def _reject(self, row: dict[str, Any], reason: str) -> None:
        log.warning("skip %s: %s", row.get("path"), reason)
        self.rejected[reason.split(":")[0]] += 1

    @property
    def buckets(self):
        return self.scheme.buckets

    def __len__(self) -> int:
        return len(self.rows)

    def batch_sampler(self, seed: int, rank: int = 0, world_size: int = 1) -> BucketBatchSampler:
        return BucketBatchSampler(
            self.groups, [b.batch_size for b in self.scheme.buckets], seed, rank, world_size, tag_epoch=True
        )

    def _caption(self, row: dict[str, Any], rng: np.random.Generator) -> str:
        if not self.caption_keys:
            return row["caption"]
        alts = row.get("captions") or {}
        pool = [row["caption"]] + [
            alts[k] for k in self.caption_keys if isinstance(alts.get(k), str) and alts[k]
        ]
        return pool[int(rng.integers(len(pool)))]

    def load(self, index: int, rng: np.random.Generator) -> dict[str, Any]:
        """Decode and shape one sample to its bucket; raises ValueError on bad media."""
        row, bucket = self.rows[index], self.scheme.buckets[self.groups[index]]
        if row["kind"] == "image":
            from stepvid.video import read_image

            frames = read_image(row["path"])[None]
        else:
            from stepvid.video import read_video

            n_src = _media_shape(row)[0]
            span = (bucket.num_frames - 1) * self.frame_stride + 1
            start = int(rng.integers(0, max(1, n_src - span + 1))) if self.random_crop else 0
            frames = read_video(
                row["path"], start=start, num_frames=bucket.num_frames, step=self.frame_stride
            )
            if len(frames) < bucket.num_frames:
                raise ValueError(
                    f"{row['path']}: decoded {len(frames)} frames, bucket {bucket.name} needs "
                    f"{bucket.num_frames} (container frame count was wrong)"
                )
        video = resize_crop(frames, bucket.height, bucket.width, rng if self.random_crop else None)
        return {"video": video, "caption": self._caption(row, rng), "index": index}

    def __getitem__(self, index: int | tuple[int, int]) -> dict[str, Any]:
        """``index`` or ``(index, epoch)``: crops and windows are drawn from (seed, epoch, index)."""
        epoch = self.epoch
        if isinstance(index, tuple):
            index, epoch = index
        g = self.groups[index]
        if g is None:
            raise IndexError(f"sample {index} ({self.rows[index].get('path')}) has no bucket")
        members = self.members[g]
        pos = self._pos[index]
        skipped = 0
        for attempt in range(min(self.max_retries, len(members))):
            i = members[(pos + attempt) % len(members)]
            rng = np.random.default_rng(sample_seed(self.seed, epoch, i))
            try:
                item = self.load(i, rng)
                item["num_skipped"] = skipped
                return item
            except (ValueError, FileNotFoundError, OSError, RuntimeError) as exc:
                log.warning("skip %s while decoding: %s", self.rows[i].get("path"), exc)
                skipped += 1
        raise RuntimeError(
            f"dataset: {skipped} consecutive unreadable samples in bucket "
            f"{self.scheme.buckets[g].name} starting at {self.rows[index].get('path')}"
        )


def collate(items: list[dict[str, Any]]) -> dict[str, Any]:
    """Stack one bucket's samples: ``video`` [B, F, 3, H, W], ``caption`` list, ``num_skipped`` int."""
    out: dict[str, Any] = {
        "caption": [it["caption"] for it in items],
        "index": [it["index"] for it in items],
        "num_skipped": sum(it.get("num_skipped", 0) for it in items),
    }
    for key in items[0]:
        if key in out:
            continue
        v = items[0][key]
        if isinstance(v, torch.Tensor):
            out[key] = torch.stack([it[key] for it in items])
    return out
