"""Sharded safetensors checkpoints: validated, shard-by-shard loading and atomic saving.

Layout follows Hugging Face: either one ``*.safetensors`` file, or shards plus a
``*.safetensors.index.json`` (``{"metadata": {"total_size": N}, "weight_map": {key: shard_file}}``), as in
the released ``transformer/`` and ``step_llm/`` folders.

Loading is built for 60 GB checkpoints: the model is constructed on the meta device, every shard header is
checked first (file present, header readable, file size exactly what the header implies — so a truncated
download fails before anything is read), keys and shapes are checked against the model, and only then are
tensors read one shard at a time straight to the target device and dtype and assigned into the module.
Peak host memory is about one shard; there are never two full copies.
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import torch

__all__ = [
    "CheckpointError",
    "TensorInfo",
    "checkpoint_shapes",
    "empty_weights",
    "load_sharded_safetensors",
    "read_safetensors_header",
    "read_safetensors_metadata",
    "resolve_checkpoint",
    "save_sharded_safetensors",
    "stored_float_dtype",
]

_DTYPES = {
    "F64": torch.float64,
    "F32": torch.float32,
    "F16": torch.float16,
    "BF16": torch.bfloat16,
    "I64": torch.int64,
    "I32": torch.int32,
    "I16": torch.int16,
    "I8": torch.int8,
    "U8": torch.uint8,
    "BOOL": torch.bool,
    "F8_E4M3": getattr(torch, "float8_e4m3fn", None),
    "F8_E5M2": getattr(torch, "float8_e5m2", None),
}
_MAX_HEADER = 100 * 1024 * 1024  # the safetensors format's own limit
KeyMap = Callable[[str], "str | None"] | Mapping[str, str]


class CheckpointError(ValueError):
    """A checkpoint that does not match the model or is damaged; the message names file, key and shapes."""


@dataclass(frozen=True)
class TensorInfo:
    dtype: str  # safetensors dtype code, e.g. "BF16"
    shape: tuple[int, ...]
    file: Path


@contextmanager
def empty_weights() -> Iterator[None]:
    """Build modules with their parameters on the meta device (no memory, no init cost).

    Unlike ``with torch.device("meta")``, buffers stay real: they are small, and non-persistent ones (RoPE
    tables, etc.) are not in any checkpoint, so they must be computed at construction. Each parameter is
    briefly allocated uninitialised before being replaced by its meta twin.
    """
    original = torch.nn.Module.register_parameter

    def register(self: torch.nn.Module, name: str, param: torch.nn.Parameter | None) -> None:
        original(self, name, param)
        if param is not None and not param.is_meta:
            self._parameters[name] = type(param)(param.to("meta"), requires_grad=param.requires_grad)

    torch.nn.Module.register_parameter = register
    try:
        yield
    finally:
        torch.nn.Module.register_parameter = original


def read_config_json(path: str | os.PathLike, what: str = "config") -> dict:
    """Read a JSON config file; a missing file or invalid JSON raises an error naming the file."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{what} not found: {path}")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: invalid JSON ({exc})") from exc
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected a JSON object, got {type(raw).__name__}")
    return raw


def _read_raw_header(path: Path) -> tuple[dict, int]:
    """(parsed JSON header, its byte length) of a safetensors file; CheckpointError naming the file if absent,
    too short, or not JSON."""
    if not path.is_file():
        raise CheckpointError(f"missing checkpoint file: {path}")
    size = path.stat().st_size
    with open(path, "rb") as f:
        head = f.read(8)
        if len(head) < 8:
            raise CheckpointError(
                f"truncated checkpoint file {path}: {size} bytes, too short for a safetensors header"
            )
        (n,) = struct.unpack("<Q", head)
        if n > _MAX_HEADER or 8 + n > size:
            raise CheckpointError(
                f"truncated or corrupt checkpoint file {path}: header claims {n} bytes, file has {size}"
            )
        try:
            header = json.loads(f.read(n))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CheckpointError(
                f"corrupt checkpoint file {path}: header is not valid JSON ({exc})"
            ) from exc
    if not isinstance(header, dict):
        raise CheckpointError(f"corrupt checkpoint file {path}: header is not a JSON object")
    return header, n


def read_safetensors_header(path: str | os.PathLike) -> dict[str, TensorInfo]:
    """Parse a safetensors header without reading tensor data; verify the file is complete.

    Raises CheckpointError naming the file if it is missing, not safetensors, or truncated/oversized.
    """
    path = Path(path)
    header, n = _read_raw_header(path)
    size = path.stat().st_size
    out: dict[str, TensorInfo] = {}
    end = 0
    for key, meta in header.items():
        if key == "__metadata__":
            continue
        try:
            start, stop = (int(x) for x in meta["data_offsets"])
            info = TensorInfo(str(meta["dtype"]), tuple(int(d) for d in meta["shape"]), path)
        except (KeyError, TypeError, ValueError) as exc:
            raise CheckpointError(
                f"corrupt checkpoint file {path}: bad header entry for {key!r} ({exc!r})"
            ) from exc
        if not 0 <= start <= stop:
            raise CheckpointError(f"corrupt checkpoint file {path}: bad data offsets for {key!r}")
        end = max(end, stop)
        out[key] = info
    expected = 8 + n + end
    if size != expected:
        what = "truncated" if size < expected else "oversized"
        raise CheckpointError(
            f"{what} checkpoint file {path}: expected {expected} bytes from its header, found {size}"
        )
    return out


def read_safetensors_metadata(path: str | os.PathLike) -> dict[str, str]:
    """The ``__metadata__`` string map of a safetensors file (empty if none); the file is verified first."""
    path = Path(path)
    read_safetensors_header(path)
    meta = _read_raw_header(path)[0].get("__metadata__") or {}
    if not isinstance(meta, dict):
        raise CheckpointError(f"corrupt checkpoint file {path}: __metadata__ is not a JSON object")
    return {str(k): str(v) for k, v in meta.items()}


def visible_files(folder: Path, pattern: str) -> list[Path]:
    """Sorted ``folder.glob(pattern)`` without hidden names, so the temp file an interrupted atomic write leaves
    (``.<name>.XXXX.tmp``, :class:`stepvid.video.atomic_path`) is never taken for a weights file."""
    return sorted(f for f in folder.glob(pattern) if not f.name.startswith("."))


def resolve_checkpoint(folder_or_file: str | os.PathLike) -> tuple[Path | None, list[Path]]:
    """(index file or None, shard files) for a folder, an index json, or a single safetensors file."""
    p = Path(folder_or_file)
    if p.is_dir():
        indexes = visible_files(p, "*.safetensors.index.json")
        if len(indexes) > 1:
            raise CheckpointError(
                f"{p}: several index files ({', '.join(i.name for i in indexes)}); pass one explicitly"
            )
        if indexes:
            p = indexes[0]
        else:
            files = visible_files(p, "*.safetensors")
            if len(files) != 1:
                raise CheckpointError(
                    f"{p}: expected one *.safetensors.index.json or exactly one *.safetensors file; found {len(files)} "
                    f"safetensors files and no index"
                )
            return None, files
    if not p.exists():
        raise CheckpointError(f"checkpoint not found: {p}")
    if p.name.endswith(".json"):
        try:
            index = json.loads(p.read_text())
            weight_map = index["weight_map"]
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise CheckpointError(
                f"{p}: not a safetensors index (needs a 'weight_map' object): {exc}"
            ) from exc
        shards = sorted({p.parent / f for f in weight_map.values()})
        return p, shards
    return None, [p]


def checkpoint_shapes(folder_or_file: str | os.PathLike) -> dict[str, TensorInfo]:
    """Key → TensorInfo over all shards, with every shard verified and the index checked against them."""
    index, shards = resolve_checkpoint(folder_or_file)
    infos: dict[str, TensorInfo] = {}
    for shard in shards:
        for key, info in read_safetensors_header(shard).items():
            if key in infos:
                raise CheckpointError(f"key {key!r} stored twice: in {infos[key].file} and {shard}")
            infos[key] = info
    if index is not None:
        weight_map = json.loads(index.read_text())["weight_map"]
        for key, fname in weight_map.items():
            info = infos.get(key)
            if info is None or info.file.name != Path(fname).name:
                found = f"found in {info.file.name}" if info else "in no shard"
                raise CheckpointError(f"{index}: key {key!r} is mapped to {fname} but is {found}")
        extra = sorted(set(infos) - set(weight_map))
        if extra:
            raise CheckpointError(f"{index}: shards hold keys the index does not list: {_listing(extra)}")
    return infos


def stored_float_dtype(infos: Mapping[str, TensorInfo]) -> torch.dtype:
    """The dtype a checkpoint's weights are stored in (its first tensor's): bf16 or fp16, else fp32 — what a
    rewritten copy of it should be saved as."""
    code = next(iter(infos.values())).dtype
    return {"BF16": torch.bfloat16, "F16": torch.float16}.get(code, torch.float32)


def _listing(keys: list[str], limit: int = 20) -> str:
    shown = ", ".join(keys[:limit])
    return f"{shown} (+{len(keys) - limit} more)" if len(keys) > limit else shown


def _apply_key_map(key_map: KeyMap | None, key: str) -> str | None:
    if key_map is None:
        return key
    if callable(key_map):
        return key_map(key)
    return key_map.get(key, key)


def load_sharded_safetensors(
    module: torch.nn.Module,
    folder_or_index: str | os.PathLike,
    device: torch.device | str = "cpu",
    dtype: torch.dtype | None = None,
    strict: bool = True,
    key_map: KeyMap | None = None,
) -> torch.nn.Module:
    """Load a (sharded) safetensors checkpoint into ``module``, typically built on the meta device.

    device/dtype: where and in which dtype parameters end up (``dtype`` applies to floating tensors only;
        None keeps the stored dtype). Tensors are read shard by shard straight to ``device``.
    strict: every module key must be present and every checkpoint key used; otherwise CheckpointError
        lists the missing/unexpected keys. Shapes are always checked.
    key_map: renames checkpoint keys to module keys — a dict of exact renames or a function returning the
        new name (None to skip the key), e.g. the VAE's ``decoder.conv_out.`` → ``decoder.conv_out.conv.``.
    Returns ``module`` (modified in place; meta tensors are replaced by the loaded ones).
    """
    device = torch.device(device)
    infos = checkpoint_shapes(folder_or_index)
    expected = {k: tuple(v.shape) for k, v in module.state_dict(keep_vars=True).items()}

    plan: dict[Path, list[tuple[str, str]]] = {}  # shard -> [(file key, module key)]
    unexpected, mismatched, seen = [], [], set()
    for fkey, info in infos.items():
        mkey = _apply_key_map(key_map, fkey)
        if mkey is None:
            continue
        if mkey not in expected:
            unexpected.append(fkey if mkey == fkey else f"{fkey} (as {mkey})")
            continue
        if tuple(info.shape) != expected[mkey]:
            mismatched.append(
                f"{mkey}: checkpoint {list(info.shape)} ({info.file.name}) vs model {list(expected[mkey])}"
            )
            continue
        if _DTYPES.get(info.dtype) is None:
            raise CheckpointError(f"{info.file}: key {fkey!r} has unsupported dtype {info.dtype}")
        seen.add(mkey)
        plan.setdefault(info.file, []).append((fkey, mkey))
    missing = sorted(set(expected) - seen)
    if mismatched:
        raise CheckpointError(
            f"shape mismatch for {len(mismatched)} tensor(s): " + "; ".join(mismatched[:20])
        )
    if strict and (missing or unexpected):
        parts = []
        if missing:
            parts.append(f"missing keys ({len(missing)}): {_listing(missing)}")
        if unexpected:
            parts.append(f"unexpected keys ({len(unexpected)}): {_listing(sorted(unexpected))}")
        raise CheckpointError(
            f"checkpoint {folder_or_index} does not match {type(module).__name__}: " + "; ".join(parts)
        )

    from safetensors import safe_open

    open_device = (
        str(device)
        if device.type != "cuda" or device.index is not None
        else f"cuda:{torch.cuda.current_device()}"
    )
    for shard, keys in plan.items():
        shard_dict: dict[str, torch.Tensor] = {}
        with safe_open(str(shard), framework="pt", device=open_device) as f:
            for fkey, mkey in keys:
                t = f.get_tensor(fkey)
                if dtype is not None and t.is_floating_point():
                    t = t.to(dtype)
                shard_dict[mkey] = t
        module.load_state_dict(shard_dict, strict=False, assign=True)
        del shard_dict

    for owner in module.modules():  # buffers built for real (see empty_weights) follow the parameters
        for name, buf in owner._buffers.items():
            if buf is not None and not buf.is_meta and buf.device != device:
                owner._buffers[name] = buf.to(device)
    if strict:
        still_meta = [n for n, t in _named_tensors(module) if t.is_meta]
        if still_meta:
            raise CheckpointError(
                f"{type(module).__name__} still has meta tensors after loading (build it inside "
                f"stepvid.checkpoints.empty_weights() so buffers stay real): {_listing(still_meta)}"
            )
    return module


def average_checkpoints(
    sources: Sequence[str | os.PathLike], weights: Sequence[float] | None = None
) -> dict[str, torch.Tensor]:
    """Weighted mean of (sharded) safetensors checkpoints with the same keys and shapes: a "model soup" of
    fine-tunes of one parent, which often generalises better than any of them. Accumulated in float32
    (float64 for float64 tensors) and returned in the first checkpoint's dtypes; ``weights`` (default equal) are normalised to sum to 1.
    Non-floating tensors must be equal in every source."""
    from safetensors import safe_open

    if len(sources) < 2:
        raise ValueError(f"average_checkpoints needs at least 2 checkpoints; got {len(sources)}")
    w = [1.0] * len(sources) if weights is None else [float(x) for x in weights]
    if len(w) != len(sources) or any(x < 0 for x in w) or sum(w) <= 0:
        raise ValueError(f"weights {list(w)} for {len(sources)} checkpoints: need one non-negative weight "
                         "each, summing to > 0")
    w = [x / sum(w) for x in w]
    infos = [checkpoint_shapes(s) for s in sources]
    first = infos[0]
    for src, info in zip(sources[1:], infos[1:]):
        if set(info) != set(first):
            only_a, only_b = sorted(set(first) - set(info)), sorted(set(info) - set(first))
            raise CheckpointError(f"{src} has other keys than {sources[0]}: missing {_listing(only_a)}; "
                                  f"extra {_listing(only_b)}")
        bad = [f"{k}: {first[k].dtype}{list(first[k].shape)} vs {info[k].dtype}{list(info[k].shape)}"
               for k in first if (first[k].dtype, tuple(first[k].shape)) != (info[k].dtype, tuple(info[k].shape))]
        if bad:
            raise CheckpointError(f"{src} differs in dtype or shape from {sources[0]}: " + "; ".join(bad[:20]))
    acc: dict[str, torch.Tensor] = {}  # float32 sums (a float64 copy of a 30B model would not fit)
    for src, wi, info in zip(sources, w, infos):
        by_shard: dict[Path, list[str]] = {}
        for key, ti in info.items():
            by_shard.setdefault(ti.file, []).append(key)
        for shard, keys in by_shard.items():
            with safe_open(str(shard), framework="pt") as f:
                for key in keys:
                    t = f.get_tensor(key)
                    wide = torch.float64 if t.dtype == torch.float64 else torch.float32
                    if key not in acc:
                        acc[key] = t.to(wide) * wi if t.is_floating_point() else t
                    elif t.is_floating_point():
                        acc[key].add_(t.to(wide), alpha=wi)
                    elif not torch.equal(t, acc[key]):
                        raise CheckpointError(f"non-floating tensor {key!r} differs between {sources[0]} and "
                                              f"{src}; cannot average it")
    out = {}
    for key in first:  # the first checkpoint's key order and dtypes
        t = acc.pop(key)
        out[key] = t.to(_DTYPES[first[key].dtype]) if t.is_floating_point() else t
    return out


def _named_tensors(module: torch.nn.Module):
    yield from module.named_parameters()
    yield from module.named_buffers()


def save_sharded_safetensors(
    state_dict: Mapping[str, torch.Tensor],
    folder: str | os.PathLike,
    max_shard_bytes: int = 5 * 1024**3,
    index_name: str = "diffusion_pytorch_model.safetensors.index.json",
    metadata: dict[str, str] | None = None,
) -> list[Path]:
    """Write ``state_dict`` as HF-style shards of at most ``max_shard_bytes`` (a single larger tensor gets
    its own shard). One shard → ``<stem>.safetensors`` and no index; several →
    ``<stem>-0000i-of-0000n.safetensors`` plus ``index_name``. Every file is written to a temporary name and
    renamed, the index last, so a crash never leaves an index pointing at partial shards.
    Returns the written paths (shards, then the index if any)."""
    from safetensors.torch import save_file

    if not index_name.endswith(".safetensors.index.json"):
        raise ValueError(f"index_name must end with .safetensors.index.json; got {index_name!r}")
    if max_shard_bytes <= 0:
        raise ValueError(f"max_shard_bytes must be > 0; got {max_shard_bytes}")
    stem = index_name[: -len(".safetensors.index.json")]
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)

    groups: list[list[str]] = [[]]
    size = 0
    for key, t in state_dict.items():
        nbytes = t.numel() * t.element_size()
        if groups[-1] and size + nbytes > max_shard_bytes:
            groups.append([])
            size = 0
        groups[-1].append(key)
        size += nbytes
    n = len(groups)
    names = (
        [f"{stem}.safetensors"]
        if n == 1
        else [f"{stem}-{i + 1:05d}-of-{n:05d}.safetensors" for i in range(n)]
    )

    written: list[Path] = []
    weight_map: dict[str, str] = {}
    total = 0
    for name, keys in zip(names, groups):
        seen_ptrs: set[tuple] = set()
        tensors = {}
        for k in keys:
            t = state_dict[k].detach().to("cpu").contiguous()
            ptr = (t.untyped_storage().data_ptr(), t.storage_offset())
            if t.numel() and (
                ptr in seen_ptrs or t.untyped_storage().nbytes() != t.numel() * t.element_size()
            ):
                t = t.clone()  # safetensors refuses shared or partial storages
            seen_ptrs.add(ptr)
            tensors[k] = t
            weight_map[k] = name
            total += t.numel() * t.element_size()
        path = folder / name
        _atomic_write(
            path, lambda tmp, t=tensors: save_file(t, str(tmp), metadata={"format": "pt", **(metadata or {})})
        )
        written.append(path)
    if n > 1:
        index = {"metadata": {"total_size": total}, "weight_map": weight_map}
        path = folder / index_name
        _atomic_write(
            path, lambda tmp: Path(tmp).write_text(json.dumps(index, indent=2, sort_keys=True) + "\n")
        )
        written.append(path)
    return written


def _atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    from stepvid.video import atomic_path

    with atomic_path(path, keep_suffix=False) as tmp:
        write(tmp)