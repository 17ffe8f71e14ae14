"""Atomic, resumable training checkpoints (safetensors + JSON; no pickle).

Layout of one checkpoint, ``<run>/checkpoints/step-00001000/``::

    state.json                  step, stage, data position, world size, config
    model-rank00000.safetensors this rank's parameters and buffers (its FSDP shard, or everything)
    optim-rank00000.safetensors AdamW moments per parameter; hyper-parameters in state.json
    extra-rank00000.safetensors EMA weights, RNG states (as uint8 tensors)

Every rank writes its own files into ``.tmp-step-…``; after a barrier rank 0 renames the folder, so a
checkpoint either exists complete or not at all (a SIGKILL mid-write leaves only a ``.tmp`` folder,
which is ignored and cleaned up). Resuming needs the same world size; to change it, start a new run
with ``init_from`` pointing at the consolidated weights (:func:`export_full_weights`).
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from torch import nn

from stepvid.train.distributed import barrier

__all__ = [
    "export_full_weights",
    "latest_checkpoint",
    "list_checkpoints",
    "load_checkpoint",
    "load_weights",
    "load_weights_sharded",
    "local",
    "rng_state",
    "save_checkpoint",
    "set_rng_state",
]

_STEP = re.compile(r"^step-(\d+)$")


def local(t: torch.Tensor) -> torch.Tensor:
    """The rank-local part of a (possibly DTensor) tensor."""
    return t.to_local() if hasattr(t, "to_local") else t


def _as_saveable(t: torch.Tensor) -> torch.Tensor:
    return local(t).detach().cpu().contiguous().clone()


def rng_state() -> dict[str, torch.Tensor]:
    st = {
        "torch": torch.get_rng_state(),
        "numpy": torch.from_numpy(np.frombuffer(json.dumps(_np_state()).encode(), dtype=np.uint8).copy()),
        "python": torch.tensor(list(json.dumps(random.getstate()).encode()), dtype=torch.uint8),
    }
    if torch.cuda.is_available():
        st["cuda"] = torch.cuda.get_rng_state()
    return st


def _np_state() -> list:
    name, keys, pos, has_gauss, gauss = np.random.get_state()
    return [name, keys.tolist(), int(pos), int(has_gauss), float(gauss)]


def set_rng_state(st: dict[str, torch.Tensor]) -> None:
    torch.set_rng_state(st["torch"])
    name, keys, pos, hg, g = json.loads(bytes(st["numpy"].tolist()).decode())
    np.random.set_state((name, np.array(keys, dtype=np.uint32), pos, hg, g))
    py = json.loads(bytes(st["python"].tolist()).decode())
    random.setstate((py[0], tuple(py[1]), py[2]))
    if "cuda" in st and torch.cuda.is_available():
        torch.cuda.set_rng_state(st["cuda"])


def list_checkpoints(run_dir: str | os.PathLike) -> list[Path]:
    root = Path(run_dir) / "checkpoints"
    if not root.is_dir():
        return []
    found = [
        (int(m.group(1)), p)
        for p in root.iterdir()
        if (m := _STEP.match(p.name)) and (p / "state.json").exists()
    ]
    return [p for _, p in sorted(found)]


def latest_checkpoint(run_dir: str | os.PathLike) -> Path | None:
    ckpts = list_checkpoints(run_dir)
    return ckpts[-1] if ckpts else None


def save_checkpoint(
    run_dir: str | os.PathLike,
    step: int,
    model: nn.Module,
    optimizer: torch.optim.Optimizer | None,
    state: dict[str, Any],
    rank: int = 0,
    world_size: int = 1,
    ema: dict[str, torch.Tensor] | None = None,
    keep_last: int = 0,
    only_trainable: bool = False,
) -> Path:
    """Write a checkpoint atomically (all ranks call this). Returns the final folder."""
    root = Path(run_dir) / "checkpoints"
    final, tmp = root / f"step-{step:08d}", root / f".tmp-step-{step:08d}"
    if rank == 0:
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir(parents=True)
    barrier()
    params = {n: p for n, p in model.named_parameters() if p.requires_grad or not only_trainable}
    tensors = {n: _as_saveable(p) for n, p in params.items()}
    if not only_trainable:
        tensors.update({f"buffer::{n}": _as_saveable(b) for n, b in model.named_buffers() if b is not None})
    save_file(tensors, str(tmp / f"model-rank{rank:05d}.safetensors"))
    groups = None
    if optimizer is not None:
        osd = optimizer.state_dict()
        names = _optimizer_param_names(model, optimizer)
        otensors = {}
        for idx, st in osd["state"].items():
            for k, v in st.items():
                otensors[f"{names[idx]}::{k}"] = _as_saveable(torch.as_tensor(v))
        save_file(otensors, str(tmp / f"optim-rank{rank:05d}.safetensors"))
        groups = osd["param_groups"]
    extra = {f"rng::{k}": v for k, v in rng_state().items()}
    if ema:
        extra.update({f"ema::{n}": _as_saveable(t) for n, t in ema.items()})
    save_file(extra, str(tmp / f"extra-rank{rank:05d}.safetensors"))
    barrier()
    if rank == 0:
        meta = dict(
            state, step=step, world_size=world_size, param_groups=groups, only_trainable=only_trainable
        )
        (tmp / "state.json").write_text(json.dumps(meta, indent=1, default=str))
        if final.exists():
            shutil.rmtree(final)
        os.replace(tmp, final)
        if keep_last > 0:
            for old in list_checkpoints(run_dir)[:-keep_last]:
                shutil.rmtree(old, ignore_errors=True)
        for stale in root.glob(".tmp-step-*"):
            shutil.rmtree(stale, ignore_errors=True)
    barrier()
    return final


def _optimizer_param_names(model: nn.Module, optimizer: torch.optim.Optimizer) -> list[str]:
    """Parameter names in the optimizer's own order (its state is indexed by that order)."""
    names = {id(p): n for n, p in model.named_parameters()}
    out = []
    for g in optimizer.param_groups:
        for p in g["params"]:
            if id(p) not in names:
                raise ValueError("checkpoint: the optimizer holds a parameter that is not in the model")
            out.append(names[id(p)])
    return out


def _copy_into(dst: torch.Tensor, src: torch.Tensor, name: str) -> None:
    d = local(dst)
    if tuple(d.shape) != tuple(src.shape):
        raise ValueError(
            f"checkpoint: {name}: shape {tuple(src.shape)} does not match the model's {tuple(d.shape)}"
        )
    with torch.no_grad():
        d.copy_(src.to(d.dtype))


def load_checkpoint(
    path: str | os.PathLike,
    model: nn.Module,
    optimizer: torch.optim.Optimizer | None,
    rank: int = 0,
    world_size: int = 1,
    ema: dict[str, torch.Tensor] | None = None,
    restore_rng: bool = True,
) -> dict[str, Any]:
    """Restore a checkpoint written by :func:`save_checkpoint`; returns its ``state.json``."""
    path = Path(path)
    meta = json.loads((path / "state.json").read_text())
    if meta["world_size"] != world_size:
        raise ValueError(
            f"{path}: written by {meta['world_size']} processes, resuming with {world_size}; "
            "resume with the same world size, or start a new run with init_from"
        )
    tensors = load_file(str(path / f"model-rank{rank:05d}.safetensors"))
    named = dict(model.named_parameters())
    named.update({f"buffer::{n}": b for n, b in model.named_buffers() if b is not None})
    for n, t in tensors.items():
        if n not in named:
            raise ValueError(f"{path}: checkpoint tensor {n!r} has no counterpart in the model")
        _copy_into(named[n], t, n)
    if not meta.get("only_trainable"):
        missing = sorted(set(dict(model.named_parameters())) - set(tensors))
        if missing:
            raise ValueError(f"{path}: model parameters missing from checkpoint: {missing[:5]}")
    if optimizer is not None and (path / f"optim-rank{rank:05d}.safetensors").exists():
        ot = load_file(str(path / f"optim-rank{rank:05d}.safetensors"))
        by_id = {id(p): p for p in model.parameters()}
        params = [
            (n, by_id[i])
            for n, i in zip(
                _optimizer_param_names(model, optimizer),
                [id(p) for g in optimizer.param_groups for p in g["params"]],
            )
        ]
        state: dict[int, dict[str, Any]] = {}
        for idx, (n, p) in enumerate(params):
            st = {}
            for key in ("step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq", "momentum_buffer"):
                t = ot.get(f"{n}::{key}")
                if t is None:
                    continue
                if key != "step" and hasattr(p, "device_mesh"):
                    from torch.distributed.tensor import DTensor

                    t = DTensor.from_local(
                        t.to(p.device),
                        p.device_mesh,
                        p.placements,
                        run_check=False,
                        shape=p.shape,
                        stride=p.stride(),
                    )
                elif key != "step":
                    t = t.to(p.device)
                st[key] = t
            if st:
                state[idx] = st
        groups = meta["param_groups"]
        if [len(g["params"]) for g in groups] != [len(g["params"]) for g in optimizer.param_groups]:
            raise ValueError(
                f"{path}: optimizer parameter groups do not match the model's trainable parameters"
            )
        optimizer.load_state_dict({"state": state, "param_groups": groups})
    extra = load_file(str(path / f"extra-rank{rank:05d}.safetensors"))
    if ema is not None:
        for n in ema:
            if f"ema::{n}" not in extra:
                raise ValueError(f"{path}: EMA tensor {n!r} missing")
            _copy_into(ema[n], extra[f"ema::{n}"], f"ema::{n}")
    if restore_rng:
        set_rng_state({k[5:]: v for k, v in extra.items() if k.startswith("rng::")})
    return meta


def export_full_weights(
    model: nn.Module,
    path: str | os.PathLike,
    rank: int = 0,
    tensors: dict[str, torch.Tensor] | None = None,
    dtype: torch.dtype | None = None,
) -> Path | None:
    """Write a consolidated safetensors file of the model (or of ``tensors``, e.g. EMA) from rank 0.

    Under FSDP every rank takes part in gathering each parameter; only rank 0 holds the full copy.
    """
    src = tensors if tensors is not None else {n: p for n, p in model.state_dict().items()}
    full = {}
    for n, t in src.items():
        t = t.full_tensor() if hasattr(t, "full_tensor") else t
        if rank == 0:
            t = t.detach().cpu()
            full[n] = (t.to(dtype) if dtype is not None and t.is_floating_point() else t).contiguous().clone()
    if rank != 0:
        return None
    from stepvid.video import atomic_path

    with atomic_path(path) as tmp:
        save_file(full, str(tmp))
    return Path(path)


def load_weights(model: nn.Module, path: str | os.PathLike, strict: bool = True) -> list[str]:
    """Load plain weights (a .safetensors file, a folder of shards, or a checkpoint folder's rank-0 model).

    Works before FSDP wrapping. Returns the names of missing model keys (raises if ``strict``).
    """
    path = Path(path)
    sd = {}
    for f in _weight_files(path):
        sd.update({k: v for k, v in load_file(str(f)).items() if not k.startswith("buffer::")})
    result = model.load_state_dict(sd, strict=False)
    if result.unexpected_keys:
        raise ValueError(f"{path}: unexpected keys {result.unexpected_keys[:5]}")
    if strict and result.missing_keys:
        raise ValueError(f"{path}: missing keys {result.missing_keys[:5]}")
    return list(result.missing_keys)


def _weight_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if (path / "model-rank00000.safetensors").exists():
        return [path / "model-rank00000.safetensors"]
    from stepvid.checkpoints import visible_files

    files = visible_files(path, "*.safetensors")
    if not files:
        raise FileNotFoundError(f"no .safetensors weights in {path}")
    return files


@torch.no_grad()
def load_weights_sharded(
    model: nn.Module, path: str | os.PathLike, allow_missing: tuple[str, ...] = ()
) -> None:
    """Load plain weights into an already FSDP2-sharded model, one tensor at a time (each rank reads each
    tensor lazily and keeps its own shard), so a 30B model never exists whole in any process's memory.

    ``allow_missing``: name substrings that may be absent from the files (e.g. ``.lora_``).
    """
    from safetensors import safe_open

    params = dict(model.named_parameters())
    seen = set()
    for f in _weight_files(Path(path)):
        with safe_open(str(f), framework="pt") as h:
            for name in h.keys():
                if name.startswith("buffer::"):
                    continue
                if name not in params:
                    raise ValueError(f"{f}: unexpected key {name!r}")
                p, full = params[name], h.get_tensor(name)
                if tuple(full.shape) != tuple(p.shape):
                    raise ValueError(f"{f}: {name}: shape {tuple(full.shape)} != model {tuple(p.shape)}")
                if hasattr(p, "device_mesh"):
                    from torch.distributed.tensor import distribute_tensor

                    shard = distribute_tensor(
                        full.to(p.device, p.dtype), p.device_mesh, p.placements, src_data_rank=None
                    )
                    p.to_local().copy_(shard.to_local())
                else:
                    p.copy_(full.to(p.dtype))
                seen.add(name)
    missing = [n for n in params if n not in seen and not any(s in n for s in allow_missing)]
    if missing:
        raise ValueError(f"{path}: missing keys {missing[:5]} ({len(missing)} in all)")
