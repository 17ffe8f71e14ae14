import pytest

from stepvid.data.manifest import ManifestError, read_manifest, write_manifest

ROWS = [
    {"path": "a.mp4", "kind": "video", "caption": "a red circle", "captions": {"zh": "红色的圆"}, "num_frames": 17},
    {"path": "b.png", "kind": "image", "caption": "a blue square", "captions": {"zh": "蓝色的方块"}, "num_frames": 1},
]


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_round_trip(tmp_path, suffix):
    """Every field comes back unchanged (nested captions, numbers, Chinese text); relative paths are resolved
    against the manifest's folder unless asked not to, absolute ones are left alone."""
    rows = [*ROWS, {**ROWS[0], "path": "/data/abs.mp4", "caption": "an absolute path"}]
    p = write_manifest(tmp_path / f"m{suffix}", rows)
    assert read_manifest(p, resolve_paths=False) == rows
    back = read_manifest(p)
    assert [r["path"] for r in back] == [str(tmp_path / "a.mp4"), str(tmp_path / "b.png"), "/data/abs.mp4"]
    assert [{k: v for k, v in r.items() if k != "path"} for r in back] == [
        {k: v for k, v in r.items() if k != "path"} for r in rows
    ]


def test_bad_rows_are_named(tmp_path):
    with pytest.raises(ManifestError, match="row 0: missing required column 'caption'"):
        write_manifest(tmp_path / "m.jsonl", [{"path": "x", "kind": "video"}])
    with pytest.raises(ManifestError, match="kind must be one of"):
        write_manifest(tmp_path / "m.jsonl", [{"path": "x", "kind": "audio", "caption": ""}])
    (tmp_path / "bad.jsonl").write_text('{"path": "x"\n')
    with pytest.raises(ManifestError, match="line 1: invalid JSON"):
        read_manifest(tmp_path / "bad.jsonl")
