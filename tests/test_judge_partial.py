"""Judging only what is asked: partial specs, Request objects, natural prompts on rendered clips, and the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest

from stepvid.world import ObjectSpec, SceneSpec, judge, render_video, sample_scene
from stepvid.world.captions import request_from_spec
from stepvid.world.judge import resolve_request
from stepvid.world.request import GroupRequest, Request, request_from_dict
from stepvid.world.scene import compatible_colors

# One large blue circle moving right fast over a yellow vertical gradient: size, speed and background are
# all "unusual", so a judge that silently assumed medium/slow/white/solid for unstated attributes would fail.
BLUE = SceneSpec([ObjectSpec("circle", "blue", "large", "right", "fast", x=0.25, y=0.5, dx=0.5)], "yellow", "vgradient")
# Two red circles moving down slowly and a green square standing still, on plain white.
TRIO = SceneSpec([ObjectSpec("circle", "red", "small", "down", "slow", x=0.25, y=0.3, dy=0.25),
                  ObjectSpec("circle", "red", "small", "down", "slow", x=0.75, y=0.3, dy=0.25),
                  ObjectSpec("square", "green", "medium", "still", x=0.5, y=0.75)], "white", "solid")


@pytest.fixture(scope="module")
def blue_clip() -> np.ndarray:
    assert "blue" in compatible_colors("yellow", "vgradient")
    return render_video(BLUE, 96, 96, 13)


@pytest.fixture(scope="module")
def trio_clip() -> np.ndarray:
    return render_video(TRIO, 96, 96, 13)


def _failed(res) -> set[str]:
    return {k for k, v in res.attributes.items() if not v}


# ------------------------------------------------------------------------------------------- partial spec format
def test_full_spec_dict_gives_the_dense_request():
    rng = np.random.default_rng(7)
    for i in range(30):
        spec = sample_scene(rng, split="any", motions=("towards",) if i % 5 == 0 else None)
        d = json.loads(json.dumps(spec.to_dict()))
        assert request_from_dict(d) == request_from_spec(spec, "dense")


def test_partial_spec_keeps_only_given_keys_and_groups_identical_objects():
    d = {"objects": [{"color": "red", "shape": "circle"}, {"shape": "square", "motion": "up", "speed": "fast"},
                     {"color": "red", "shape": "circle"}]}
    assert request_from_dict(d) == Request([GroupRequest(2, "red", "circle"),
                                            GroupRequest(1, None, "square", None, "up", "fast")])
    assert request_from_dict({"objects": [{"color": "blue", "count": 3}], "bg_kind": "texture"}) == \
        Request([GroupRequest(3, "blue", None)], None, "texture")


@pytest.mark.parametrize("spec,message", [
    ([], "spec: expected a JSON object; got list"),
    ({"objects": []}, "spec: 'objects' must be a non-empty list of objects"),
    ({"objects": [{"shape": "circle"}], "bg": "white"},
     "spec: unknown key 'bg'; known keys: ['bg_color', 'bg_kind', 'objects', 'seed']"),
    ({"objects": ["circle"]}, "spec: objects[0]: expected a JSON object; got str"),
    ({"objects": [{"colour": "red"}]},
     "spec: objects[0]: unknown key 'colour'; known keys: ['color', 'motion', 'shape', 'size', 'speed', 'count']"),
    ({"objects": [{"shape": "circle"}, {"color": "magenta"}]},
     ("spec: objects[1].color: unknown value 'magenta'; choose from ['black', 'blue', 'cyan', 'gray', 'green', "
     "'orange', 'pink', 'purple', 'red', 'white', 'yellow']")),
    ({"objects": [{"shape": "circle", "count": 4}]}, "spec: objects[0].count: must be 1, 2 or 3; got 4"),
    ({"objects": [{"shape": "circle", "count": True}]}, "spec: objects[0].count: must be 1, 2 or 3; got True"),
    ({"objects": [{"shape": "circle", "speed": "fast"}]},
     ("spec: objects[0].speed: a speed needs a motion (left, right, up, down, up-left, up-right, down-left, "
     "down-right, bounce, towards)")),
    ({"objects": [{"shape": "circle", "motion": "grow", "speed": "fast"}]},
     "spec: speed 'fast' for 'a circle' with motion 'grow' (speeds go with directions, bounce and towards)"),
    ({"objects": [{"shape": "circle"}, {"color": "red", "shape": "circle"}]},
     "spec: 'a circle' and 'a red circle' could be the same object; give each a colour and a shape"),
    ({"objects": [{"shape": "circle", "count": 2}, {"shape": "star", "count": 2}]},
     "spec: 4 objects, more than this world's 3"),
    ({"objects": [{"shape": "circle", "motion": "towards"}]},
     "spec: 'towards each other' needs exactly two objects; got 1"),
    ({"objects": [{"shape": "circle", "motion": "left"}, {"shape": "circle", "motion": "up"}]},
     ("spec: 'a circle' and 'a circle' are described differently; the world gives objects of one colour and "
     "shape the same attributes")),
    ({"objects": [{"shape": "circle"}], "bg_kind": "stripes"},
     "spec: bg_kind: unknown value 'stripes'; choose from ['hgradient', 'solid', 'texture', 'vgradient']"),
])
def test_partial_spec_errors_name_the_key(spec, message):
    with pytest.raises(ValueError) as exc:
        request_from_dict(spec)
    assert str(exc.value) == message


def test_towards_partner_without_motion_joins_the_pair():
    d = {"objects": [{"color": "red", "shape": "circle", "motion": "towards", "speed": "slow"},
                     {"color": "blue", "shape": "star"}]}
    assert request_from_dict(d) == Request([GroupRequest(1, "red", "circle", None, "towards", "slow"),
                                            GroupRequest(1, "blue", "star", None, "towards", "slow")])


# ------------------------------------------------------------------------------------------- judging rendered clips
def test_partial_spec_judges_only_what_it_states(blue_clip):
    full = judge(blue_clip, spec=BLUE)  # the clip is what it claims: every attribute is read correctly
    assert full.passed and {"g0.size", "g0.speed", "bg.color", "bg.kind"} <= set(full.attributes)
    res = judge(blue_clip, spec={"objects": [{"color": "blue", "shape": "circle", "motion": "right"}]})
    assert res.passed
    assert set(res.attributes) == {"g0.color", "g0.shape", "g0.count", "g0.motion", "objects"}
    wrong = judge(blue_clip, spec={"objects": [{"color": "blue", "shape": "circle", "motion": "left"}]})
    assert _failed(wrong) == {"g0.motion"}
    for key, value, attr in (("size", "small", "g0.size"), ("speed", "slow", "g0.speed"), ("shape", "star", "g0.shape")):
        obj = {"color": "blue", "shape": "circle", "motion": "right", key: value}
        assert _failed(judge(blue_clip, spec={"objects": [obj]})) >= {attr}
    bg = judge(blue_clip, spec={"objects": [{"shape": "circle"}], "bg_color": "white"})
    assert _failed(bg) == {"bg.color"} and "bg.kind" not in bg.attributes
    assert judge(blue_clip, spec={"objects": [{"shape": "circle"}], "bg_kind": "vgradient"}).passed


def test_shapeless_and_colourless_groups(blue_clip, trio_clip):
    res = judge(blue_clip, spec={"objects": [{"color": "blue", "motion": "right"}]})
    assert res.passed and "g0.shape" not in res.attributes
    assert judge(blue_clip, prompt="a blue object moves to the right").passed
    assert not judge(blue_clip, prompt="a red object moves to the right").passed
    assert judge(trio_clip, spec={"objects": [{"count": 3}]}).passed  # "three objects"


def test_counts_on_a_rendered_clip(trio_clip):
    good = {"objects": [{"color": "red", "shape": "circle", "count": 2, "motion": "down"}, {"shape": "square"}]}
    assert judge(trio_clip, spec=good).passed
    bad = {"objects": [{"color": "red", "shape": "circle", "motion": "down"}, {"shape": "square"}]}
    assert _failed(judge(trio_clip, spec=bad)) == {"g0.count", "objects"}
    assert judge(trio_clip, prompt="两个红色的圆向下移动，一个绿色的方块静止不动").passed
    assert _failed(judge(trio_clip, prompt="two red balls fall and a green box spins")) == {"g1.motion"}


def test_natural_prompt_judges_only_what_it_states(blue_clip):
    res = judge(blue_clip, prompt="watch as a blue ball slides to the right")
    assert res.passed and res.ignored == ["watch as", "slides"]
    assert set(res.attributes) == {"g0.color", "g0.shape", "g0.count", "g0.motion", "objects"}
    assert _failed(judge(blue_clip, prompt="a small blue ball slides to the right")) == {"g0.size"}
    assert _failed(judge(blue_clip, prompt="a blue ball creeps to the right")) == {"g0.speed"}  # creeps = slow
    assert judge(blue_clip, prompt="一个蓝色的大球快速向右移动，背景是黄色的竖直渐变").passed


def test_judge_takes_exactly_one_source(blue_clip):
    req = Request([GroupRequest(1, "blue", "circle", "large", "right", "fast")], "yellow", "vgradient")
    assert judge(blue_clip, request=req).passed
    assert judge(blue_clip, request=req).attributes == judge(blue_clip, spec=BLUE).attributes
    with pytest.raises(ValueError, match="exactly one of prompt=, spec= or request="):
        judge(blue_clip, prompt="a blue circle", request=req)
    with pytest.raises(ValueError, match="exactly one"):
        resolve_request()
    with pytest.raises(TypeError, match="request must be a Request; got str"):
        resolve_request(request="a blue circle")


# ------------------------------------------------------------------------------------------- CLI
@pytest.fixture(scope="module")
def videos(tmp_path_factory, blue_clip):
    from stepvid.video import write_video

    d = tmp_path_factory.mktemp("judge_cli")
    good = d / "good.mp4"
    write_video(good, blue_clip, fps=12)
    bad = d / "bad.mp4"
    bad.write_bytes(b"this is not a video")
    return good, bad, d / "missing.mp4"


def test_cli_judges_the_rest_when_one_video_is_unreadable(videos, capsys):
    from stepvid.cli import main

    good, bad, missing = videos
    rc = main(["world", "judge", str(good), str(bad), str(missing), "--prompt", "a blue circle moves right"])
    out, err = capsys.readouterr()
    assert rc == 1
    lines = out.strip().splitlines()
    assert lines[0] == f"PASS 1.000 {good}"
    assert lines[1].startswith(f"ERROR {bad}: cannot decode video")
    assert lines[2] == f"ERROR {missing}: video not found: {missing}"
    summary = err.strip().splitlines()[-1]
    assert summary.startswith("judged 1 of 3: pass rate 1.000, mean score 1.000; 2 could not be judged: ")
    assert f"{bad} (cannot decode video" in summary and f"{missing} (video not found" in summary
    rc = main(["world", "judge", str(bad), str(good), "--spec", '{"objects": [{"shape": "circle"}]}', "--json"])
    rows = [json.loads(x) for x in capsys.readouterr().out.strip().splitlines()]
    assert rc == 1
    assert rows[0]["video"] == str(bad) and rows[0]["error"].startswith("cannot decode video")
    assert rows[1]["passed"] and rows[1]["request"]["groups"][0]["shape"] == "circle"


def test_cli_refuses_a_prompt_or_spec_before_reading(videos, capsys):
    from stepvid.cli import main

    _, _, missing = videos  # would be reported as missing if anything were read
    assert main(["world", "judge", str(missing), "--prompt", "a red hexagon moves left"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == "stepvid world: error: cannot judge: unknown shape 'hexagon'\n"
    assert main(["world", "judge", str(missing), "--spec", '{"objects": [{"colour": "red"}]}']) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "unknown key 'colour'" in err
    assert main(["world", "judge", str(missing), "--spec", "{not json"]) == 2
    assert "--spec is neither a file nor valid JSON" in capsys.readouterr().err


def test_cli_partial_spec_from_a_file(videos, tmp_path, capsys):
    from stepvid.cli import main

    good, _, _ = videos
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"objects": [{"color": "blue", "shape": "circle", "motion": "right"}]}))
    assert main(["world", "judge", str(good), "--spec", str(spec), "--json"]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["passed"] and set(row["attributes"]) == {"g0.color", "g0.shape", "g0.count", "g0.motion", "objects"}


def test_cli_help_shows_no_none_defaults(capsys):
    from stepvid.cli import main

    with pytest.raises(SystemExit):
        main(["world", "judge", "--help"])
    text = capsys.readouterr().out
    assert "(default: None)" not in text and "partial spec" in text and "exit status" in text
