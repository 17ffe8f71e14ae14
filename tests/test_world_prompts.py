"""`stepvid world prompts`: prompt sets from the world's scenes, each row with the exact request it states."""

from __future__ import annotations

import json

import numpy as np
import pytest

from stepvid.world import caption, is_heldout, natural_caption, render_video, request_from_spec, sample_scene
from stepvid.world.judge import judge, resolve_request
from stepvid.world.prompts import prompt_scene, world_prompts
from stepvid.world.request import request_from_dict, request_to_spec


def test_request_to_spec_round_trips_every_kind_of_world_request():
    n = 0
    for split in ("train", "heldout"):
        for k in (1, 2, 3):
            for i in range(25):
                spec = sample_scene(np.random.default_rng([9, k, i]), split, num_objects=k)
                reqs = [request_from_spec(spec, style) for style in ("short", "dense")]
                reqs += [natural_caption(spec, lang, np.random.default_rng([i, j]), split=split)[1]
                         for j, lang in enumerate(("en", "zh", "mix"))]
                reqs += [resolve_request(prompt=caption(spec, lang, style, rng=np.random.default_rng(i)))[0]
                         for lang in ("en", "zh") for style in ("short", "dense")]
                for r in reqs:
                    d = request_to_spec(r)
                    assert json.loads(json.dumps(d)) == d
                    assert all(v is not None for o in d["objects"] for v in o.values())
                    assert request_from_dict(d) == r, (r, d)
                    n += 1
    assert n == 2 * 3 * 25 * 9
    assert request_to_spec(request_from_spec(spec, "short")).keys() == {"objects"}  # no background stated


def test_world_prompts_rows_are_deterministic_and_depend_on_the_seed():
    rows = world_prompts(6, [1, 2, 3], phrasing="mixed", seed=4)
    assert len(rows) == 6 * 3 * 2
    assert rows == world_prompts(6, [1, 2, 3], phrasing="mixed", seed=4)
    assert [r["prompt"] for r in rows] != [r["prompt"] for r in world_prompts(6, [1, 2, 3], phrasing="mixed", seed=5)]
    assert len({r["id"] for r in rows}) == len(rows)
    r = rows[0]
    assert r.keys() == {"id", "prompt", "lang", "objects", "phrasing", "request"}
    assert (r["id"], r["lang"], r["objects"]) == ("1obj-00000-en", "en", 1)
    assert [r["phrasing"] for r in rows[:4]] == ["natural", "natural", "template", "template"]  # alternates by i
    for r in rows:
        assert sum(o["count"] for o in r["request"]["objects"]) == r["objects"]
    # a language's prompts do not depend on the other languages asked for
    zh = world_prompts(6, [1, 2, 3], phrasing="mixed", seed=4, langs=["zh"])
    assert zh == [r for r in rows if r["lang"] == "zh"]
    # templates: the request is exactly what the template states (short: no size, speed or background)
    for r in world_prompts(4, [2], phrasing="template", style="short"):
        spec = prompt_scene(0, 2, int(r["id"].split("-")[1]))
        assert request_from_dict(r["request"]) == request_from_spec(spec, "short")
        assert "bg_color" not in r["request"]
    dense = world_prompts(2, [1], phrasing="template", style="dense")
    assert all("bg_color" in r["request"] and "size" in r["request"]["objects"][0] for r in dense)


def test_split_scenes_and_phrasings():
    from stepvid.world.phrasing import FAMILIES, _generate

    for split, held in (("train", False), ("heldout", True)):
        for k in (1, 2, 3):
            assert all(is_heldout(prompt_scene(0, k, i, split)) is held for i in range(15))
        # natural rows use the split's own phrasing families (rebuilt here to see the families used)
        for r in world_prompts(5, [2], split=split, langs=["en"]):
            i = int(r["id"].split("-")[1])
            text, _, used, _ = _generate(prompt_scene(0, 2, i, split), "en", np.random.default_rng([0, 2, i, 11, 0]),
                                         split, "video", None)
            assert text == r["prompt"]
            assert any(FAMILIES[f].heldout for f in used) is held


def test_ground_truth_renders_pass_their_rows():
    for split in ("train", "heldout"):
        rows = world_prompts(2, [1, 2, 3], split=split, phrasing="mixed", seed=1)
        clips = {}
        for r in rows:
            key = (r["objects"], r["id"].split("-")[1])
            if key not in clips:
                clips[key] = render_video(prompt_scene(1, r["objects"], int(key[1]), split), 64, 64, 17)
            res = judge(clips[key], spec=r["request"])
            assert res.passed, (r, res.attributes)


@pytest.mark.parametrize(("kwargs", "what"), [
    ({"n": 0}, "n must be"), ({"objects": [4]}, "1-3; got 4"), ({"objects": []}, "non-empty"),
    ({"split": "any"}, "'any'"), ({"phrasing": "poetic"}, "'poetic'"), ({"langs": ["fr"]}, "'fr'"),
    ({"langs": ["mix"], "phrasing": "template"}, "'mix'"), ({"style": "long"}, "'long'"), ({"seed": -1}, "-1"),
])
def test_world_prompts_names_a_bad_argument(kwargs, what):
    args = {"n": 2, "objects": [1]} | kwargs
    with pytest.raises(ValueError, match=what):
        world_prompts(**args)


def test_cli_writes_prompts_and_refuses_bad_arguments(tmp_path, capsys):
    from stepvid.cli import main

    out = tmp_path / "sets" / "prompts.jsonl"
    assert main(["world", "prompts", "--out", str(out), "--n", "3", "--objects", "1", "2", "--split", "heldout",
                 "--phrasing", "mixed", "--seed", "7"]) == 0
    printed = capsys.readouterr().out.strip().splitlines()
    assert len(printed) == 1 and "12 rows" in printed[0] and str(out) in printed[0]
    text = out.read_text(encoding="utf-8")
    rows = [json.loads(line) for line in text.splitlines()]
    assert rows == world_prompts(3, [1, 2], split="heldout", phrasing="mixed", seed=7)
    assert any(ord(ch) > 127 for ch in text)  # Chinese written as is, not \\u escapes
    assert [p.name for p in out.parent.iterdir()] == ["prompts.jsonl"]  # no temporary file left
    for bad, what in ((["--objects", "4"], "objects"), (["--n", "0"], "n must be")):
        assert main(["world", "prompts", "--out", str(tmp_path / "bad.jsonl"), *bad]) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and what in err and err.startswith("stepvid world: error:")
    assert not (tmp_path / "bad.jsonl").exists()


def test_cli_videos_are_each_rows_scene_once_per_scene_and_resume(tmp_path, capsys):
    """``--videos DIR``: one clip per scene (both languages name it, relative to the prompt file), decoding to the
    scene's render within H.264 error, passing the judge on the row's request; a second run keeps the files."""
    from stepvid.cli import main
    from stepvid.dpo.pairs import load_prompts
    from stepvid.video import read_video

    out = tmp_path / "sets" / "p.jsonl"
    args = ["world", "prompts", "--out", str(out), "--n", "2", "--objects", "1", "2", "--seed", "3",
            "--videos", str(tmp_path / "sets" / "clips"), "--frames", "17", "--height", "64", "--width", "64"]
    assert main(args) == 0 and "scene clips in" in capsys.readouterr().out
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [{k: v for k, v in r.items() if k != "video"} for r in rows] == world_prompts(2, [1, 2], seed=3)
    assert [r["video"] for r in rows] == [f"clips/{k}obj-0000{i}.mp4" for k in (1, 2) for i in (0, 1) for _ in "ez"]
    clips = sorted((tmp_path / "sets" / "clips").iterdir())
    assert len(clips) == 4
    stamp = {c.name: c.stat().st_mtime_ns for c in clips}
    for r, row in zip(rows, load_prompts(out)):
        frames = read_video(row.video)
        want = render_video(prompt_scene(3, r["objects"], int(r["id"].split("-")[1])), 64, 64, 17)
        assert frames.shape == want.shape and np.abs(frames.astype(int) - want).mean() < 4.0
        assert judge(frames, spec=r["request"]).passed
    assert main(args) == 0
    assert {c.name: c.stat().st_mtime_ns for c in (tmp_path / "sets" / "clips").iterdir()} == stamp


def test_npy_clips_are_the_exact_renders_and_feed_reference_pairs(tmp_path):
    """``--video-format npy``: each clip is the scene's render exactly (lossless, no FFmpeg), read back by
    ``read_clip`` (which refuses an array of another layout, naming the file)."""
    from stepvid.cli import main
    from stepvid.dpo.pairs import load_prompts
    from stepvid.video import read_clip

    out = tmp_path / "p.jsonl"
    assert main(["world", "prompts", "--out", str(out), "--n", "2", "--objects", "2", "--seed", "4", "--videos",
                 str(tmp_path / "c"), "--video-format", "npy", "--frames", "9", "--height", "32", "--width", "48"]) == 0
    for row in load_prompts(out):
        i = int(row.id.split("-")[1])
        assert np.array_equal(read_clip(row.video), render_video(prompt_scene(4, 2, i), 32, 48, 9))
    np.save(tmp_path / "bad.npy", np.zeros((9, 32, 48), np.uint8))
    with pytest.raises(ValueError, match=r"bad\.npy: expected uint8 \[T, H, W, 3\]"):
        read_clip(tmp_path / "bad.npy")
