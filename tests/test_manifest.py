import pytest

from stepvid.data.manifest import ManifestError, read_manifest, write_manifest

ROWS = [
    {"path": "a.mp4", "kind": "video", "caption": "a red circle", "captions": {"zh": "红色的圆"}, "num_frames": 17},
    {"path": "b.png", "kind": "image", "caption": "a blue square", "captions": {"zh": "蓝色的方块"}, "num_frames": 1},
]


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_round_trip(tmp_path, suffix):
    p = write_manifest(tmp_path / f"m{suffix}", ROWS)
    back = read_manifest(p)
    assert [r["captions"] for r in back] == [r["captions"] for r in ROWS]
    assert back[0]["path"] == str(tmp_path / "a.mp4")
    assert read_manifest(p, resolve_paths=False)[1]["path"] == "b.png"


def test_bad_rows_are_named(tmp_path):
    with pytest.raises(ManifestError, match="row 0: missing required column 'caption'"):
        write_manifest(tmp_path / "m.jsonl", [{"path": "x", "kind": "video"}])
    with pytest.raises(ManifestError, match="kind must be one of"):
        write_manifest(tmp_path / "m.jsonl", [{"path": "x", "kind": "audio", "caption": ""}])
    (tmp_path / "bad.jsonl").write_text('{"path": "x"\n')
    with pytest.raises(ManifestError, match="line 1: invalid JSON"):
        read_manifest(tmp_path / "bad.jsonl")
