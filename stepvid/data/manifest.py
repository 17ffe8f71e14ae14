"""Manifests: the one table format that connects the world generator, curation and training.

A manifest is a JSONL (``.jsonl``) or Parquet (``.parquet``) file, one row per sample. Required columns:

    path        media file, relative to the manifest's folder (or absolute)
    kind        "video" or "image"
    caption     the primary caption (str)

Common optional columns: ``captions`` (dict of named alternatives, e.g. {"en_short": ..., "zh_dense": ...}),
``width``, ``height``, ``num_frames``, ``fps``, ``split``, ``spec`` (world scene spec, dict), and any tag
column written by curation (numbers, bools or strings). Nested values are stored as JSON strings in
Parquet and decoded on read, so both formats round-trip the same rows.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from stepvid.video import atomic_path

REQUIRED = ("path", "kind", "caption")
KINDS = ("video", "image")


class ManifestError(ValueError):
    """A manifest that cannot be used; the message names the file, row and column."""


def validate_row(row: dict[str, Any], where: str = "") -> None:
    for key in REQUIRED:
        if key not in row:
            raise ManifestError(f"{where}missing required column '{key}'")
    if row["kind"] not in KINDS:
        raise ManifestError(f"{where}kind must be one of {KINDS}, got {row['kind']!r}")
    if not isinstance(row["caption"], str):
        raise ManifestError(f"{where}caption must be a string, got {type(row['caption']).__name__}")


def write_manifest(path: str | os.PathLike, rows: Iterable[dict[str, Any]], validate: bool = True) -> Path:
    """Write rows atomically as JSONL or Parquet (chosen by suffix)."""
    path = Path(path)
    rows = list(rows)
    if validate:
        for i, row in enumerate(rows):
            validate_row(row, f"{path}: row {i}: ")
    with atomic_path(path) as tmp:
        if path.suffix == ".jsonl":
            with open(tmp, "w", encoding="utf-8") as f:
                for row in rows:
                    f.write(json.dumps(row, ensure_ascii=False) + "\n")
        elif path.suffix == ".parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            flat = [{k: (json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v) for k, v in r.items()} for r in rows]
            nested = sorted({k for r in rows for k, v in r.items() if isinstance(v, (dict, list))})
            table = pa.Table.from_pylist(flat)
            table = table.replace_schema_metadata({b"stepvid_json_columns": json.dumps(nested).encode()})
            pq.write_table(table, tmp)
        else:
            raise ManifestError(f"{path}: manifest must end in .jsonl or .parquet")
    return path


def read_manifest(path: str | os.PathLike, validate: bool = True, resolve_paths: bool = True) -> list[dict[str, Any]]:
    """Read a JSONL or Parquet manifest. Relative ``path`` entries are resolved against its folder."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"manifest not found: {path}")
    rows: list[dict[str, Any]] = []
    if path.suffix == ".jsonl":
        with open(path, encoding="utf-8") as f:
            for i, line in enumerate(f):
                if not line.strip():
                    continue
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise ManifestError(f"{path}: line {i + 1}: invalid JSON ({exc.msg})") from exc
    elif path.suffix == ".parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        meta = table.schema.metadata or {}
        nested = set(json.loads(meta.get(b"stepvid_json_columns", b"[]")))
        for r in table.to_pylist():
            rows.append({k: (json.loads(v) if k in nested and isinstance(v, str) else v) for k, v in r.items()})
    else:
        raise ManifestError(f"{path}: manifest must end in .jsonl or .parquet")
    for i, row in enumerate(rows):
        if validate:
            validate_row(row, f"{path}: row {i}: ")
        if resolve_paths and "path" in row and not os.path.isabs(row["path"]):
            row["path"] = str(path.parent / row["path"])
    return rows
