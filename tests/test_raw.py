"""Raw-footage mode: determinism, ground-truth consistency, glyph rendering."""

from __future__ import annotations

import json

import numpy as np

from stepvid.data.curate.tags import _gray
from stepvid.data.curate.text import detect_text_lines
from stepvid.video import read_video
from stepvid.world.raw import (
    CJK_LINES,
    RawConfig,
    _blend,
    make_raw_video,
    plan_raw_video,
    render_subtitle,
    sidecar_path,
    write_raw_video,
)

TINY = RawConfig(
    height=72,
    width=128,
    fps=12,
    scenes=(4, 5),
    scene_seconds=(2.0, 2.5),
    transition_frames=6,
    p_dissolve=0.4,
    p_fade_black=0.3,
    p_subtitle=0.5,
    p_black_border=0.5,
    p_duplicate=0.5,
)


def test_frames_deterministic_and_match_plan():
    plan_a, fa = make_raw_video(7, TINY)
    a = np.stack(list(fa))
    plan_b, fb = make_raw_video(7, TINY)
    b = np.stack(list(fb))
    assert np.array_equal(a, b) and plan_a == plan_b
    assert a.shape == (plan_a["num_frames"], 72, 128, 3)
    _, fc = make_raw_video(8, TINY)
    assert not np.array_equal(a[:10], np.stack(list(fc))[:10])


def test_timeline_is_consistent():
    for seed in range(6):
        plan = plan_raw_video(seed, TINY)
        scenes = plan["scenes"]
        assert scenes[0]["start"] == 0 and scenes[-1]["end"] == plan["num_frames"]
        for prev, cur in zip(scenes, scenes[1:]):
            overlap = TINY.transition_frames if cur["transition_in"] == "dissolve" else 0
            assert cur["start"] == prev["end"] - overlap
        assert len(plan["boundaries"]) == len(scenes) - 1
        for d in plan["defect_ranges"]:
            assert 0 <= d["start"] < d["end"] <= plan["num_frames"]
            if d["type"] == "near_duplicate":
                assert d["of_scene"] < d["scene"]


def test_write_raw_video_sidecar(tmp_path):
    truth = write_raw_video(tmp_path / "v.mp4", 3, TINY)
    saved = json.loads(sidecar_path(tmp_path / "v.mp4").read_text())
    assert saved == json.loads(json.dumps(truth))
    frames = read_video(tmp_path / "v.mp4")
    assert len(frames) == truth["num_frames"]
    assert all(s.get("caption") for s in saved["scenes"])
    fades = [b for b in truth["boundaries"] if b["type"] == "fade_black"]
    for b in fades:  # a fade through black really reaches black at the boundary
        assert frames[b["frame"]].mean() < 8


def test_subtitles_latin_and_cjk_are_detected_as_text():
    rng = np.random.default_rng(0)
    base = (rng.uniform(60, 120) + np.zeros((360, 640, 3))).astype(np.uint8)
    assert detect_text_lines(_gray(base)) == []
    for text, cjk in (("Welcome back to the channel", False), (CJK_LINES[0], True)):
        sub = render_subtitle(text, 360, cjk)
        assert sub.shape[2] == 4 and sub[..., 3].max() == 255
        f = base.copy()
        _blend(f, sub, 300 - sub.shape[0], (640 - sub.shape[1]) // 2)
        lines = detect_text_lines(_gray(f))
        assert len(lines) == 1
        x, y, w, h = lines[0]
        assert abs(y + h / 2 - (300 - sub.shape[0] / 2)) < sub.shape[0] / 2


def test_register_raw_cli(tmp_path, capsys):
    import argparse

    from stepvid.world.raw import register_raw

    parser = argparse.ArgumentParser()
    register_raw(parser.add_subparsers())
    args = parser.parse_args(
        [
            "raw",
            "--out",
            str(tmp_path),
            "--videos",
            "1",
            "--height",
            "64",
            "--width",
            "96",
            "--scenes",
            "3",
            "3",
            "--source",
            "procedural",
        ]
    )
    assert args.func(args) == 0
    truth = json.loads((tmp_path / "raw_00000.mp4.json").read_text())
    assert len(truth["scenes"]) == 3 and len(read_video(tmp_path / "raw_00000.mp4")) == truth["num_frames"]
    assert "wrote 1 raw videos" in capsys.readouterr().out
