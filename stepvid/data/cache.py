"""Pre-encoded training data: VAE posteriors and text states in safetensors shards (report §7.1 decouples
the frozen VAE / text encoders from DiT training; this is the offline form of that).

Folder layout::

    index.json                {"version": 1, "complete": bool, "entries": [...], "shards": [...], ...}
    shard-00000.safetensors   "<id>.mean", "<id>.logvar" (absent in pixel mode), "<id>.llm", "<id>.llm_mask",
                              "<id>.clip"  — one entry per sample, frame-major [T_lat, C, h, w]
    negative.safetensors      "llm", "llm_mask", "clip" of the empty/negative prompt (text dropout for CFG)

Shards and the index are written atomically; an interrupted ``stepvid train cache`` resumes after the last
complete shard.
"""

from __future__ import annotations

import json
import logging
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
from safetensors import safe_open
from safetensors.torch import save_file

from stepvid.data.buckets import BucketBatchSampler
from stepvid.video import atomic_path

log = logging.getLogger("stepvid.data")

__all__ = ["CachedLatentDataset", "is_cache", "write_cache"]


def is_cache(path: str | os.PathLike) -> bool:
    return (Path(path) / "index.json").is_file()


def _save(path: Path, tensors: dict[str, torch.Tensor]) -> None:
    with atomic_path(path) as tmp:
        save_file({k: v.detach().cpu().contiguous() for k, v in tensors.items()}, str(tmp))


def write_cache(
    out: str | os.PathLike,
    dataset,  # stepvid.data.dataset.VideoDataset (random_crop=False recommended)
    encode_video: Callable[[torch.Tensor], tuple[torch.Tensor, torch.Tensor | None]],
    encode_text: Callable[[list[str]], Any],  # -> TextEmbeddings
    negative_prompt: str = "",
    shard_size: int = 64,
    dtype: torch.dtype = torch.bfloat16,
    progress: bool = True,
) -> dict[str, Any]:
    """Encode every usable sample of ``dataset`` into ``out``; returns the index. Resumable."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    index_path = out / "index.json"
    index: dict[str, Any] = {"version": 1, "complete": False, "entries": [], "shards": [], "skipped": 0}
    if index_path.exists():
        index = json.loads(index_path.read_text())
        if index.get("complete"):
            log.info("cache %s is already complete (%d entries)", out, len(index["entries"]))
            return index
    done = {e["source_index"] for e in index["entries"]}
    if not (out / "negative.safetensors").exists():
        neg = encode_text([negative_prompt])
        _save(
            out / "negative.safetensors",
            {"llm": neg.llm[0].to(dtype), "llm_mask": neg.llm_mask[0], "clip": neg.clip[0].to(dtype)},
        )
    todo = [i for i, g in enumerate(dataset.groups) if g is not None and i not in done]
    from tqdm.auto import tqdm

    bar = tqdm(total=len(todo), desc="cache", unit="clip", disable=not progress)
    buf: dict[str, torch.Tensor] = {}
    pending: list[dict[str, Any]] = []

    def flush() -> None:
        if not pending:
            return
        name = f"shard-{len(index['shards']):05d}.safetensors"
        _save(out / name, buf)
        for e in pending:
            e["shard"] = name
        index["shards"].append(name)
        index["entries"].extend(pending)
        with atomic_path(index_path) as tmp:
            tmp.write_text(json.dumps(index))
        buf.clear()
        pending.clear()

    for i in todo:
        try:
            item = dataset.load(i, rng=None)
        except (ValueError, FileNotFoundError, OSError, RuntimeError) as exc:
            log.warning("cache: skip %s: %s", dataset.rows[i].get("path"), exc)
            index["skipped"] += 1
            bar.update(1)
            continue
        with torch.no_grad():
            mean, logvar = encode_video(item["video"][None])
            text = encode_text([item["caption"]])
        key = str(len(index["entries"]) + len(pending))
        buf[f"{key}.mean"] = mean[0].to(dtype)
        if logvar is not None:
            buf[f"{key}.logvar"] = logvar[0].to(dtype)
        buf[f"{key}.llm"] = text.llm[0].to(dtype)
        buf[f"{key}.llm_mask"] = text.llm_mask[0]
        buf[f"{key}.clip"] = text.clip[0].to(dtype)
        pending.append(
            {
                "id": key,
                "source_index": i,
                "shape": list(mean.shape[1:]),
                "caption": item["caption"],
                "kind": dataset.rows[i]["kind"],
                "path": dataset.rows[i].get("path"),
            }
        )
        if len(pending) >= shard_size:
            flush()
        bar.update(1)
    flush()
    bar.close()
    index["complete"] = True
    with atomic_path(index_path) as tmp:
        tmp.write_text(json.dumps(index))
    return index


class CachedLatentDataset(torch.utils.data.Dataset):
    """Samples of a cache folder, grouped by latent shape (each shape is a bucket).

    ``batch_size`` is per rank for the largest shape; with ``balance`` smaller shapes get proportionally
    larger batches (equal tokens per step, the report's coarse load balancing).
    """

    def __init__(
        self,
        root: str | os.PathLike,
        batch_size: int = 1,
        balance: bool = False,
        max_batch_size: int = 1 << 30,
    ):
        self.root = Path(root)
        if not is_cache(self.root):
            raise FileNotFoundError(
                f"{self.root}: not a latent cache (no index.json); run `stepvid train cache`"
            )
        self.index = json.loads((self.root / "index.json").read_text())
        if not self.index.get("complete"):
            log.warning("cache %s is incomplete (%d entries so far)", self.root, len(self.index["entries"]))
        self.entries = self.index["entries"]
        if not self.entries:
            raise ValueError(f"{self.root}: cache has no entries")
        shapes = sorted({tuple(e["shape"]) for e in self.entries})
        self.shapes = shapes
        tokens = [math.prod(s[:1] + s[2:]) for s in shapes]
        top = max(tokens)
        self.batch_sizes = [
            min(max_batch_size, max(1, batch_size * top // t)) if balance else batch_size for t in tokens
        ]
        self.groups = [shapes.index(tuple(e["shape"])) for e in self.entries]
        self._handles: dict[str, Any] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def batch_sampler(self, seed: int, rank: int = 0, world_size: int = 1) -> BucketBatchSampler:
        return BucketBatchSampler(self.groups, self.batch_sizes, seed, rank, world_size)

    def _get(self, shard: str, key: str) -> torch.Tensor:
        h = self._handles.get(shard)
        if h is None:
            h = self._handles[shard] = safe_open(str(self.root / shard), framework="pt")
        return h.get_tensor(key)

    def negative(self) -> dict[str, torch.Tensor]:
        with safe_open(str(self.root / "negative.safetensors"), framework="pt") as f:
            return {k: f.get_tensor(k) for k in f.keys()}

    def __getitem__(self, index: int) -> dict[str, Any]:
        e = self.entries[index]
        s, k = e["shard"], e["id"]
        item = {
            "mean": self._get(s, f"{k}.mean").float(),
            "llm": self._get(s, f"{k}.llm").float(),
            "llm_mask": self._get(s, f"{k}.llm_mask"),
            "clip": self._get(s, f"{k}.clip").float(),
            "caption": e["caption"],
            "index": index,
            "num_skipped": 0,
        }
        h = self._handles[s]
        if f"{k}.logvar" in h.keys():
            item["logvar"] = self._get(s, f"{k}.logvar").float()
        return item

    def __getstate__(self):  # safe_open handles do not pickle (DataLoader workers reopen lazily)
        st = dict(self.__dict__)
        st["_handles"] = {}
        return st
