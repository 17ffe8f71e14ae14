"""Sharded safetensors loading/saving: round trips, every error case, bounded memory while loading."""

from __future__ import annotations

import json
import math
import weakref
from pathlib import Path

import pytest
import safetensors
import torch
from torch import nn

from stepvid.checkpoints import (
    CheckpointError,
    average_checkpoints,
    checkpoint_shapes,
    empty_weights,
    load_sharded_safetensors,
    read_safetensors_header,
    save_sharded_safetensors,
)

INDEX = "diffusion_pytorch_model.safetensors.index.json"


class Tiny(nn.Module):
    def __init__(self, width: int = 8, depth: int = 4) -> None:
        super().__init__()
        self.blocks = nn.ModuleList(nn.Linear(width, width) for _ in range(depth))
        self.norm = nn.LayerNorm(width)
        self.register_buffer("table", torch.arange(width, dtype=torch.float32), persistent=False)

    def forward(self, x):
        for b in self.blocks:
            x = b(x)
        return self.norm(x) + self.table


def _reference(seed: int = 0, **kw) -> Tiny:
    torch.manual_seed(seed)
    return Tiny(**kw)


def _save(tmp_path: Path, model: nn.Module, max_shard_bytes: int = 300) -> Path:
    save_sharded_safetensors(model.state_dict(), tmp_path, max_shard_bytes=max_shard_bytes, index_name=INDEX)
    return tmp_path


def test_save_writes_index_and_shards(tmp_path):
    ref = _reference()
    written = save_sharded_safetensors(ref.state_dict(), tmp_path, max_shard_bytes=300, index_name=INDEX)
    shards = sorted(p.name for p in tmp_path.glob("*.safetensors"))
    assert len(shards) >= 3 and all(s.startswith("diffusion_pytorch_model-") for s in shards)
    index = json.loads((tmp_path / INDEX).read_text())
    assert set(index["weight_map"]) == set(ref.state_dict())
    assert index["metadata"]["total_size"] == sum(t.numel() * 4 for t in ref.state_dict().values())
    assert written[-1] == tmp_path / INDEX
    assert not list(tmp_path.glob(".*tmp"))  # no temp files left behind
    for shard in tmp_path.glob("*.safetensors"):  # every shard within the bound (no single tensor is larger)
        assert sum(math.prod(i.shape) for i in read_safetensors_header(shard).values()) * 4 <= 300


def test_single_shard_has_no_index(tmp_path):
    save_sharded_safetensors(_reference().state_dict(), tmp_path, index_name="model.safetensors.index.json")
    assert [p.name for p in tmp_path.iterdir()] == ["model.safetensors"]


@pytest.mark.parametrize("source", ["folder", "index", "single"])
def test_round_trip_from_meta(tmp_path, source):
    ref = _reference()
    if source == "single":
        save_sharded_safetensors(ref.state_dict(), tmp_path, index_name="model.safetensors.index.json")
        path = tmp_path / "model.safetensors"
    else:
        _save(tmp_path, ref)
        path = tmp_path if source == "folder" else tmp_path / INDEX
    with empty_weights():
        model = Tiny()
    assert all(p.is_meta for p in model.parameters()) and not model.table.is_meta
    load_sharded_safetensors(model, path, device="cpu", dtype=torch.bfloat16)
    for key, value in ref.state_dict().items():
        got = model.state_dict()[key]
        assert got.dtype == torch.bfloat16 and not got.is_meta
        torch.testing.assert_close(got, value.bfloat16(), rtol=0, atol=0)
    assert model.table.dtype == torch.float32  # non-persistent buffer: kept as built
    assert all(p.requires_grad for p in model.parameters())


def test_key_map_renames(tmp_path):
    ref = _reference()
    renamed = {k.replace("norm.", "final_norm."): v for k, v in ref.state_dict().items()}
    save_sharded_safetensors(renamed, tmp_path, 300, INDEX)
    with empty_weights():
        model = Tiny()
    with pytest.raises(CheckpointError, match="final_norm.weight"):
        load_sharded_safetensors(model, tmp_path)
    load_sharded_safetensors(model, tmp_path, key_map=lambda k: k.replace("final_norm.", "norm."))
    torch.testing.assert_close(model.norm.weight, ref.norm.weight)


def test_missing_and_unexpected_keys_are_listed(tmp_path):
    sd = _reference().state_dict()
    sd.pop("blocks.2.bias")
    sd["extra.weight"] = torch.zeros(3)
    save_sharded_safetensors(sd, tmp_path, 300, INDEX)
    with empty_weights():
        model = Tiny()
    with pytest.raises(CheckpointError) as err:
        load_sharded_safetensors(model, tmp_path)
    msg = str(err.value)
    assert "missing keys (1): blocks.2.bias" in msg and "unexpected keys (1): extra.weight" in msg
    # non-strict: loads what matches, leaves the missing one on meta
    load_sharded_safetensors(model, tmp_path, strict=False)
    assert model.blocks[2].bias.is_meta and not model.blocks[2].weight.is_meta


def test_shape_mismatch_names_key_and_shapes(tmp_path):
    sd = _reference().state_dict()
    sd["blocks.1.weight"] = torch.zeros(8, 9)
    save_sharded_safetensors(sd, tmp_path, 300, INDEX)
    with empty_weights():
        model = Tiny()
    with pytest.raises(CheckpointError, match=r"blocks\.1\.weight: checkpoint \[8, 9\] .* vs model \[8, 8\]"):
        load_sharded_safetensors(model, tmp_path, strict=False)


def test_missing_shard_names_file(tmp_path):
    _save(tmp_path, _reference())
    victim = sorted(tmp_path.glob("*.safetensors"))[1]
    victim.unlink()
    with empty_weights():
        model = Tiny()
    with pytest.raises(CheckpointError, match=f"missing checkpoint file: .*{victim.name}"):
        load_sharded_safetensors(model, tmp_path)


@pytest.mark.parametrize("cut", [4, 40, 1])  # inside the length prefix, inside the header, inside the data
def test_truncated_shard_names_file(tmp_path, cut):
    _save(tmp_path, _reference())
    victim = max(tmp_path.glob("*.safetensors"))
    data = victim.read_bytes()
    victim.write_bytes(data[:cut] if cut != 1 else data[:-1])
    with empty_weights():
        model = Tiny()
    with pytest.raises(CheckpointError, match=f"(truncated|corrupt).*{victim.name}"):
        load_sharded_safetensors(model, tmp_path)
    assert all(p.is_meta for p in model.parameters())  # failed before loading anything


def test_index_pointing_at_wrong_shard(tmp_path):
    _save(tmp_path, _reference())
    index = json.loads((tmp_path / INDEX).read_text())
    shards = sorted(set(index["weight_map"].values()))
    index["weight_map"]["blocks.0.weight"] = shards[-1]
    (tmp_path / INDEX).write_text(json.dumps(index))
    with pytest.raises(CheckpointError, match="blocks.0.weight"):
        checkpoint_shapes(tmp_path)


def test_folder_without_checkpoint(tmp_path):
    with pytest.raises(CheckpointError, match="no index"):
        load_sharded_safetensors(Tiny(), tmp_path)


class _Tracker:
    """Wraps safetensors.safe_open to watch, through weak references, every tensor read from disk."""

    def __init__(self) -> None:
        self.refs: list[weakref.ref] = []
        self.peak = 0

    def alive_bytes(self) -> int:
        return sum(t.numel() * t.element_size() for r in self.refs if (t := r()) is not None)

    def patch(self, monkeypatch) -> None:
        original = safetensors.safe_open
        tracker = self

        class Wrapped:
            def __init__(self, *a, **kw):
                self.inner = original(*a, **kw)

            def __enter__(self):
                self.f = self.inner.__enter__()
                return self

            def __exit__(self, *exc):
                return self.inner.__exit__(*exc)

            def keys(self):
                return self.f.keys()

            def get_tensor(self, key):
                t = self.f.get_tensor(key)
                tracker.refs.append(weakref.ref(t))
                tracker.peak = max(tracker.peak, tracker.alive_bytes())
                return t

        monkeypatch.setattr(safetensors, "safe_open", Wrapped)


def test_peak_memory_is_one_shard(tmp_path, monkeypatch):
    """Tensors as read from disk (fp32) are converted to bf16 and assigned shard by shard, so at any time
    at most one shard's worth of fp32 tensors is alive — never the whole checkpoint."""
    ref = _reference(width=32, depth=8)
    shard_bytes = 32 * 33 * 4 * 2  # two Linear layers per shard
    _save(tmp_path, ref, max_shard_bytes=shard_bytes)
    total = sum(t.numel() * 4 for t in ref.state_dict().values())
    assert total > 3 * shard_bytes

    tracker = _Tracker()
    tracker.patch(monkeypatch)
    with empty_weights():
        model = Tiny(width=32, depth=8)
    load_sharded_safetensors(model, tmp_path, dtype=torch.bfloat16)
    assert 0 < tracker.peak <= shard_bytes
    assert model.blocks[7].weight.dtype == torch.bfloat16

    # The measurement can fail: a naive loader that reads everything first exceeds the bound.
    naive = _Tracker()
    naive.patch(monkeypatch)
    everything = {}
    for shard in sorted(tmp_path.glob("*.safetensors")):
        with safetensors.safe_open(str(shard), framework="pt") as f:
            everything.update({k: f.get_tensor(k) for k in f.keys()})  # noqa: SIM118 (safe_open has no __iter__)
    assert naive.peak > 2 * shard_bytes


def test_average_matches_fp64_mean_across_shard_layouts(tmp_path):
    """The weighted mean of three checkpoints, stored with different shard layouts and in bf16, equals the
    fp64 mean of the stored values rounded to bf16; integer buffers pass through; keys keep the first's order."""
    srcs, states = [], []
    for i, shard in enumerate([300, 10**6, 120]):
        sd = {k: v.to(torch.bfloat16) for k, v in _reference(seed=i).state_dict().items()}
        sd["steps"] = torch.tensor([7, 9])
        srcs.append(tmp_path / f"m{i}")
        save_sharded_safetensors(sd, srcs[-1], max_shard_bytes=shard, index_name=INDEX)
        states.append(sd)
    w = [1.0, 2.0, 5.0]
    avg = average_checkpoints(srcs, w)
    assert list(avg) == list(checkpoint_shapes(srcs[0]))
    for k, v in avg.items():
        if k == "steps":
            assert torch.equal(v, torch.tensor([7, 9]))
            continue
        ref = sum(wi * s[k].double() for wi, s in zip(w, states)) / sum(w)
        assert v.dtype == torch.bfloat16
        assert torch.equal(v, ref.to(torch.bfloat16)), k
    same = average_checkpoints([srcs[0], srcs[0]])
    assert all(torch.equal(same[k], states[0][k]) for k in same)  # the mean of a model with itself is itself


def test_average_refuses_mismatches(tmp_path):
    a = _save(tmp_path / "a", _reference(0))
    b = _save(tmp_path / "b", _reference(1, width=6))
    with pytest.raises(CheckpointError, match=r"differs in dtype or shape .*blocks\.0\.weight: F32\[8, 8\] vs F32\[6, 6\]"):
        average_checkpoints([a, b])
    c = _save(tmp_path / "c", _reference(1, depth=3))
    with pytest.raises(CheckpointError, match=r"other keys .*missing blocks\.3\.bias"):
        average_checkpoints([a, c])
    i0, i1 = tmp_path / "i0", tmp_path / "i1"
    save_sharded_safetensors({"n": torch.tensor([1])}, i0)
    save_sharded_safetensors({"n": torch.tensor([2])}, i1)
    with pytest.raises(CheckpointError, match="non-floating tensor 'n' differs"):
        average_checkpoints([i0, i1])
    with pytest.raises(ValueError, match="at least 2"):
        average_checkpoints([a])
    with pytest.raises(ValueError, match="one non-negative weight each"):
        average_checkpoints([a, a], [1.0])
    with pytest.raises(ValueError, match="one non-negative weight each"):
        average_checkpoints([a, a], [1.0, -1.0])


def test_a_crashed_writes_temp_file_is_not_a_shard(tmp_path):
    """A hard kill mid-write leaves a hidden temp file next to the shards; loaders skip it."""
    from stepvid.train.checkpoint import load_weights

    ref = _reference(0)
    save_sharded_safetensors(ref.state_dict(), tmp_path, max_shard_bytes=10**6)  # one shard, no index
    (tmp_path / ".diffusion_pytorch_model.k3j2.tmp.safetensors").write_bytes(b"partial")
    assert set(checkpoint_shapes(tmp_path)) == set(ref.state_dict())
    model = _reference(1)
    load_weights(model, tmp_path)
    assert all(torch.equal(a, b) for a, b in zip(model.state_dict().values(), ref.state_dict().values()))


def _header_file(path: Path, header) -> Path:
    """A file whose safetensors header is ``header`` (any JSON) followed by 16 data bytes."""
    raw = json.dumps(header).encode()
    path.write_bytes(len(raw).to_bytes(8, "little") + raw + b"\0" * 16)
    return path


@pytest.mark.parametrize(
    "header, message",
    [
        (["not", "an", "object"], r"header is not a JSON object"),
        ({"w": {"dtype": "F32", "shape": [4]}}, r"bad header entry for 'w'"),
        ({"w": {"dtype": "F32", "shape": "four", "data_offsets": [0, 16]}}, r"bad header entry for 'w'"),
        ({"w": {"dtype": "F32", "shape": [4], "data_offsets": [16, 0]}}, r"bad data offsets for 'w'"),
        ({"__metadata__": ["x"], "w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}},
         r"__metadata__ is not a JSON object"),
    ],
)
def test_malformed_header_entries_name_the_file(tmp_path, header, message):
    from stepvid.checkpoints import read_safetensors_metadata

    path = _header_file(tmp_path / "odd.safetensors", header)
    with pytest.raises(CheckpointError, match=rf"corrupt checkpoint file .*odd\.safetensors: {message}"):
        read_safetensors_metadata(path)


def test_metadata_round_trip(tmp_path):
    from stepvid.checkpoints import read_safetensors_metadata

    (path,) = save_sharded_safetensors({"w": torch.ones(3)}, tmp_path, metadata={"note": "hi"})
    assert read_safetensors_metadata(path) == {"format": "pt", "note": "hi"}
    assert read_safetensors_header(path)["w"].shape == (3,)
