"""`stepvid curate` as a new user meets it: what INPUTS may be, options checked before any decode, no stale
results when settings change, bad inputs among good ones, Ctrl-C and resume, --help, `curate filter`."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest

from stepvid.cli import main
from stepvid.data.curate import decode
from stepvid.data.curate.caption import SidecarCaptioner, caption_rows
from stepvid.data.curate.columns import AFTER_FILTER, NULLABLE, filter_columns
from stepvid.data.curate.config import _BOUNDS, CurateConfig
from stepvid.data.curate.engine import run_curation
from stepvid.data.curate.inputs import InputError, resolve_inputs
from stepvid.data.manifest import read_manifest, write_manifest
from stepvid.video import probe, write_video
from stepvid.world.raw import RawConfig, write_raw_dataset

REPO = Path(__file__).resolve().parent.parent
SPLIT_ONLY = ["--stages", "split", "--no-default-filters"]  # no tags: the cheapest real run


@pytest.fixture(scope="module")
def videos(tmp_path_factory) -> list[Path]:
    """Two ~8 s raw-footage videos (96x160, 12 fps, 3 scenes of 2.5-3 s) with sidecars."""
    d = tmp_path_factory.mktemp("raw")
    cfg = RawConfig(height=96, width=160, fps=12, scenes=(3, 3), scene_seconds=(2.5, 3.0), transition_frames=6)
    return write_raw_dataset(d, 2, seed=7, cfg=cfg, progress=False)


def _rows(path: Path) -> list[dict]:
    return read_manifest(path, validate=False, resolve_paths=False)


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    rc = main(["curate", *argv])
    cap = capsys.readouterr()
    return rc, cap.out, cap.err


# ------------------------------------------------------------------------------------------ inputs


def test_inputs_decided_by_what_each_path_is(videos, tmp_path):
    a, b = (str(v) for v in videos)
    folder = Path(a).parent
    assert resolve_inputs(a) == [a]  # one video file
    assert resolve_inputs([b, str(folder), a]) == [b, a]  # several paths and a folder; duplicates once
    lst = tmp_path / "list.txt"
    lst.write_text(f"# my videos\n{os.path.relpath(b, tmp_path)}\n\n{a}\n", encoding="utf-8")
    assert resolve_inputs(lst) == [str(tmp_path / os.path.relpath(b, tmp_path)), a]  # relative to the list
    (tmp_path / "dirs.lst").write_text(f"{folder}\n", encoding="utf-8")
    assert resolve_inputs(tmp_path / "dirs.lst") == [a, b]  # a line naming a folder expands
    noext = tmp_path / "camera_take_3"  # no extension, but PyAV opens it as a video
    shutil.copy(a, noext)
    assert resolve_inputs(noext) == [str(noext)]
    manifest = tmp_path / "m.jsonl"
    write_manifest(manifest, [{"path": b, "kind": "video", "caption": ""}])
    assert resolve_inputs(manifest) == [b]
    # a folder walk skips hidden files (an interrupted atomic write) and the output folder inside it
    tree = tmp_path / "tree"
    (tree / "out" / "clips").mkdir(parents=True)
    shutil.copy(a, tree / "v.mp4")
    shutil.copy(a, tree / ".v.tmp1234.tmp.mp4")
    shutil.copy(a, tree / "out" / "clips" / "c.mp4")
    assert resolve_inputs(tree, exclude=tree / "out") == [str(tree / "v.mp4")]
    # what is refused, each with one line naming the path and what was expected
    blob = tmp_path / "blob.bin"
    blob.write_bytes(np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8).tobytes())
    shutil.copy(blob, tmp_path / "binary.txt")
    (tmp_path / "empty.txt").write_text("# nothing\n\n", encoding="utf-8")
    (tmp_path / "nothing").mkdir()
    for spec, msg in (
        (blob, "blob.bin: not a video PyAV can open; expected a video file, a folder"),
        (tmp_path / "binary.txt", "binary.txt: a .txt list must be UTF-8 text"),
        (tmp_path / "missing.mp4", "missing.mp4: no such file or folder"),
        (tmp_path / "empty.txt", "empty.txt: the list names no videos"),
        (tmp_path / "nothing", "nothing: folder holds no videos"),
    ):
        with pytest.raises(InputError, match=msg):
            resolve_inputs(spec)
    with pytest.raises(InputError, match="no inputs given"):
        resolve_inputs([])


def test_cli_accepts_a_video_file_and_refuses_a_binary_file_in_one_line(videos, tmp_path, capsys):
    rc, out, err = _run(capsys, "run", str(videos[0]), "--out", str(tmp_path / "o"), *SPLIT_ONLY)
    assert rc == 0, err
    rows = _rows(tmp_path / "o" / "clips.parquet")
    assert rows and {r["source"] for r in rows} == {str(videos[0])}
    assert "1 inputs (1 new, 0 failed)" in out
    blob = tmp_path / "blob.bin"
    blob.write_bytes(bytes(range(256)) * 8)
    rc, out, err = _run(capsys, "run", str(blob), "--out", str(tmp_path / "o2"))
    assert rc == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert "blob.bin: not a video PyAV can open" in err and not (tmp_path / "o2").exists()
    rc, out, err = _run(capsys, "run", str(tmp_path / "nope.mp4"), "--out", str(tmp_path / "o2"))
    assert rc == 2 and "nope.mp4: no such file or folder" in err and err.count("\n") == 1


# ----------------------------------------------------------------------- checks before any decode


@pytest.mark.parametrize(
    "extra, token",
    [
        (["--filter", "motion_mean >> 1"], "'>>' is not allowed"),
        (["--filter", "motion_mean = 1"], "syntax error at '='"),
        (["--filter", "motionx > 0.5"], "unknown column 'motionx'"),
        (["--filter", "text_band > 1"], "type error: '>' not supported between instances of 'str' and 'int'"),
        (["--filter", "caption != ''"], "captions are made after filtering"),
        (["--filter", "ocr_text != ''"], "made by the OCR text detector: --set text_detector=rapidocr"),
        (["--stages", "split,filter"], "unknown column 'is_static'; known columns: clip_id"),
        (["--set", "min_secs=3"], "unknown curation setting 'min_secs'"),
        (["--set", "min_seconds=abc"], "curation setting min_seconds='abc': expected float"),
        (["--set", "max_seconds=nan"], "curation setting max_seconds=nan: must be a finite number"),
        (["--set", "min_seconds=5", "--set", "max_seconds=3"], "min_seconds must not exceed max_seconds"),
        (["--set", "dup_hamming=65"], "curation setting dup_hamming=65: must be in [0, 64]"),
        (["--set", "sample_frames=2.5"], "curation setting sample_frames='2.5': expected int"),
        (["--stages", "split,tagz"], "unknown stage(s) 'tagz'"),
        (["--workers", "0"], "--workers must be >= 1, got 0"),
        (["--stages", "split", "--filter", "shot > 0"], "--filter needs the filter stage"),
        (["--captioner", "openai"], "--captioner openai needs --caption-model"),
        (["--captioner", "openai", "--caption-model", "m", "--caption-kinds", "short,haiku"], "haiku"),
    ],
)
def test_bad_options_fail_before_anything_is_decoded(videos, tmp_path, capsys, monkeypatch, extra, token):
    decoded = []
    monkeypatch.setattr(decode, "decode_lowres", lambda *a, **k: decoded.append(a))
    out = tmp_path / "out"
    rc, _, err = _run(capsys, "run", str(videos[0]), "--out", str(out), *extra)
    assert rc == 2 and token in err, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert decoded == [] and not out.exists()  # nothing decoded, nothing written


def test_unwritable_out_fails_before_anything_is_decoded(videos, tmp_path, capsys, monkeypatch):
    decoded = []
    monkeypatch.setattr(decode, "decode_lowres", lambda *a, **k: decoded.append(a))
    afile = tmp_path / "afile"
    afile.write_text("x")
    for out, msg in ((afile, "exists and is not a folder"), (afile / "sub", "not writable")):
        rc, _, err = _run(capsys, "run", str(videos[0]), "--out", str(out))
        assert rc == 2 and f"--out {out}: {msg}" in err and err.count("\n") == 1
    assert decoded == []


def test_every_numeric_setting_has_bounds_and_set_values_convert():
    numeric = {f.name for f in fields(CurateConfig) if f.type in ("int", "float")}
    assert numeric == set(_BOUNDS)
    cfg = CurateConfig().update(max_bytes="2e9", min_seconds="3", text_min_frames="2.0")
    assert (cfg.max_bytes, cfg.min_seconds, cfg.text_min_frames) == (2_000_000_000, 3.0, 2)
    with pytest.raises(ValueError, match="text_min_frames=9 > sample_frames=8"):
        CurateConfig().update(text_min_frames=9)
    with pytest.raises(ValueError, match=r"min_seconds=0.0: must be >= 0.001"):
        CurateConfig().update(min_seconds=0)


# ------------------------------------------------------------------------------ nothing stale


def test_changed_settings_give_what_a_fresh_run_gives(videos, tmp_path):
    inputs = [str(v) for v in videos]
    cfg = lambda **kw: CurateConfig(min_seconds=1.0, **kw)
    same, fresh = tmp_path / "same", tmp_path / "fresh"
    first = run_curation(inputs, same, cfg(trim_frames=3), progress=False, report=False)
    assert first.shards == {"new": 2, "reused": 0, "recomputed": 0}
    # a per-input setting changed: every shard is recomputed, none is reused
    second = run_curation(inputs, same, cfg(trim_frames=8), progress=False, report=False)
    assert second.shards == {"new": 0, "reused": 0, "recomputed": 2}
    assert [c["start_frame"] for c in first.clips] != [c["start_frame"] for c in second.clips]
    # a merge-only setting (balancing) changed: shards are reused, only the merge runs again
    third = run_curation(inputs, same, cfg(trim_frames=8, clusters=2), progress=False, report=False)
    assert third.shards == {"new": 0, "reused": 2, "recomputed": 0}
    run_curation(inputs, fresh, cfg(trim_frames=8, clusters=2), progress=False, report=False)
    for name in ("clips.parquet", "manifest.parquet"):
        assert _rows(same / name) == _rows(fresh / name), name
    recorded = json.loads((same / "curate_config.json").read_text())
    assert recorded["config"]["trim_frames"] == 8 and recorded["config"]["clusters"] == 2
    # the file changed (a new mtime): that input alone is recomputed
    st = os.stat(inputs[1])
    os.utime(inputs[1], ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    fourth = run_curation(inputs, same, cfg(trim_frames=8, clusters=2), progress=False, report=False)
    assert fourth.shards == {"new": 0, "reused": 1, "recomputed": 1}
    # the declared filter columns are exactly what a run writes, with the declared types
    rows = _rows(same / "clips.parquet")
    declared = {**filter_columns(("split", "tags", "dedup", "caption", "balance", "filter"), cfg()), **AFTER_FILTER}
    assert set(rows[0]) == set(declared)
    for r in rows:
        for k, t in declared.items():
            ok = r[k] is None and k in NULLABLE or isinstance(r[k], t) or (t is float and type(r[k]) is int)
            assert ok, (k, r[k], t)


def test_cut_clips_follow_the_settings(videos, tmp_path):
    out = tmp_path / "out"
    kw = {"stages": ("split",), "filters": [], "write_clips": True, "progress": False, "report": False}
    run_curation([str(videos[0])], out, CurateConfig(min_seconds=1.0, trim_frames=3), **kw)
    before = sorted(p.name for p in (out / "clips").glob("*.mp4"))
    res = run_curation([str(videos[0])], out, CurateConfig(min_seconds=1.0, trim_frames=8), **kw)
    files = sorted(p.name for p in (out / "clips").glob("*.mp4"))
    assert files == sorted(Path(r["path"]).name for r in _rows(out / "manifest.parquet"))
    assert not set(files) & set(before)  # every clip was cut again; the old cuts are gone
    for r in res.kept:
        assert probe(out / r["path"]).num_frames == r["num_frames"] == r["end_frame"] - r["start_frame"]


def test_caption_cache_is_keyed_by_captioner_and_clip_content(tmp_path):
    class Counting:
        def __init__(self, signature):
            self.signature, self.calls = signature, 0

        def __call__(self, rows):
            self.calls += len(rows)
            return [{"short": f"{self.signature} {r['clip_id']} {r['_ident']}"} for r in rows]

    cache = tmp_path / "captions.jsonl"
    rows = lambda idents: [{"clip_id": f"c{i}", "_ident": x} for i, x in enumerate(idents)]
    m1 = Counting("model-1")
    assert caption_rows(rows("ab"), m1, cache) == 2
    again = rows("ab")
    assert caption_rows(again, m1, cache) == 0 and again[1]["caption"] == "model-1 c1 b"
    moved = rows("aB")  # clip c1 now covers other frames (other settings): captioned again
    assert caption_rows(moved, m1, cache) == 1 and moved[1]["caption"] == "model-1 c1 B"
    other = rows("ab")
    assert caption_rows(other, Counting("model-2"), cache) == 2 and other[0]["caption"] == "model-2 c0 a"
    assert not getattr(SidecarCaptioner(), "cacheable", True)  # ground truth is re-read, never cached


# ------------------------------------------------------------------------ bad inputs among good


def test_bad_inputs_among_good_ones_are_reported_and_exit_1(videos, tmp_path, capsys):
    d = tmp_path / "in"
    d.mkdir()
    (d / "zero.mp4").write_bytes(b"")
    (d / "notes.mp4").write_text("this is not a video")
    write_video(d / "one_frame.mp4", np.zeros((1, 32, 32, 3), np.uint8))
    write_video(d / "short.mp4", np.zeros((6, 32, 32, 3), np.uint8), fps=12)  # shorter than min_seconds
    args = ["run", str(videos[0]), str(d), "--out", str(tmp_path / "o"), "--set", "min_seconds=1", *SPLIT_ONLY]
    rc, out, err = _run(capsys, *args)
    assert rc == 1 and "Traceback" not in err
    assert "5 inputs (5 new, 3 failed)" in out and "1 input(s) gave no clip" in out
    assert "zero.mp4: empty file (0 bytes)" in err and "notes.mp4: cannot decode" in err
    assert "one_frame.mp4: only 1 decodable frame(s)" in err
    assert f"3 of 5 inputs failed; reasons in {tmp_path / 'o'}/failed.jsonl" in err
    assert {r["source"] for r in _rows(tmp_path / "o" / "clips.parquet")} == {str(videos[0])}  # the rest ran
    assert len((tmp_path / "o" / "failed.jsonl").read_text().splitlines()) == 3


def test_ctrl_c_stops_workers_without_tracebacks_and_the_rerun_resumes(videos, tmp_path, capsys):
    d = tmp_path / "in"
    d.mkdir()
    n = 5  # two workers take the first two; the interrupt lands (after the first shard) well before the last is done
    for i in range(n):  # (with 3 inputs a starved poll on a loaded box let the run finish first: seen 2026-12-07)
        shutil.copy(videos[i % 2], d / f"v{i}.mp4")
    out = tmp_path / "out"
    args = ["run", str(d), "--out", str(out), "--set", "min_seconds=1", "--stages", "split,tags"]
    args += ["--no-default-filters"]  # tags make an input take ~0.5 s: time to interrupt part-way
    cmd = [sys.executable, "-m", "stepvid.cli", "curate", *args, "--workers", "2"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    shards = lambda: [p for p in (out / "shards").glob("*.json") if not p.name.startswith(".")]
    deadline = time.time() + 120
    while time.time() < deadline and not shards():  # (a worker killed mid-write leaves a hidden temp file)
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole process group
    _, err = proc.communicate(timeout=60)
    err = err.decode()
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "run the same command again to resume" in err
    done = len(shards())
    assert 1 <= done < n, "the run must be stopped part-way"
    rc, stdout, err = _run(capsys, *args)  # same settings: finished inputs are skipped
    assert rc == 0, err
    assert f"{n} inputs ({n - done} new, {done} reused, 0 failed)" in stdout


# ------------------------------------------------------------------------------ help, curate filter


def test_help_shows_real_defaults_only(capsys):
    for sub in ("run", "filter"):
        with pytest.raises(SystemExit):
            main(["curate", sub, "--help"])
        text = " ".join(capsys.readouterr().out.split())  # undo argparse's line wrapping
        assert "(default: None)" not in text and "(default: False)" not in text and "(default: [])" not in text
        if sub == "run":
            assert "parallel processes, >= 1 (default: 1)" in text and "(default: local)" in text


def test_curate_filter_checks_first_and_keeps_paths_valid(tmp_path, capsys):
    src = tmp_path / "cur" / "clips.jsonl"
    (tmp_path / "cur" / "v").mkdir(parents=True)
    rows = [{"path": f"v/{i}.mp4", "kind": "video", "caption": "", "motion_mean": m} for i, m in enumerate((0.2, 0.9))]
    write_manifest(src, rows)
    dst = tmp_path / "elsewhere" / "strict.jsonl"
    rc, out, _ = _run(capsys, "filter", str(src), "--filter", "motion_mean > 0.5", "--out", str(dst))
    assert rc == 0 and "kept 1 of 2 rows" in out
    (kept,) = _rows(dst)
    assert (dst.parent / kept["path"]).resolve() == (tmp_path / "cur" / "v" / "1.mp4").resolve()
    for argv, msg in (
        ([str(src), "--filter", "motion_mean >> 1", "--out", str(dst)], "'>>' is not allowed"),
        ([str(src), "--filter", "speed > 1", "--out", str(dst)], "unknown column 'speed'"),
        ([str(src), "--filter", "1 > 0", "--out", str(tmp_path / "x.csv")], "must end in .parquet or .jsonl"),
        ([str(tmp_path / "none.jsonl"), "--filter", "1 > 0", "--out", str(dst)], "manifest not found"),
    ):
        rc, _, err = _run(capsys, "filter", *argv)
        assert rc == 2 and msg in err and err.count("\n") == 1, err
