"""`stepvid generate` end to end on a tiny checkpoint, and `stepvid inspect` against the key manifests."""

from __future__ import annotations

import json

import pytest

from stepvid.cli import build_parser, main
from stepvid.testing.checkpoint_fixtures import write_tiny_checkpoint
from stepvid.video import probe, read_video


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory):
    return write_tiny_checkpoint(tmp_path_factory.mktemp("tiny_cli"), seed=1).root


def test_subcommands_registered():
    help_text = build_parser().format_help()
    assert "generate" in help_text and "inspect" in help_text


def test_generate_mp4_end_to_end(tiny_dir, tmp_path, capsys):
    out = tmp_path / "clips" / "out.mp4"
    rc = main(
        [
            "generate",
            "一只熊猫在竹林里吃竹子",
            "--model",
            str(tiny_dir),
            "--frames",
            "17",
            "--height",
            "32",
            "--width",
            "48",
            "--steps",
            "2",
            "--seed",
            "5",
            "--device",
            "cpu",
            "-o",
            str(out),
        ]
    )
    assert rc == 0
    info = probe(out)
    assert (info.width, info.height, info.num_frames, info.fps, info.codec) == (48, 32, 17, 25.0, "h264")
    assert read_video(out).shape == (17, 32, 48, 3)
    summary = capsys.readouterr().out
    assert f"wrote {out}" in summary and "17 frames, 48x32 @ 25 fps" in summary and "generation" in summary
    assert not list(out.parent.glob(".*tmp*"))  # atomic write left nothing behind


def test_generate_turbo_preset_gif(tiny_dir, tmp_path, capsys):
    out = tmp_path / "out.gif"
    rc = main(
        [
            "generate",
            "a cat",
            "--model",
            str(tiny_dir),
            "--frames",
            "1",
            "--height",
            "32",
            "--width",
            "32",
            "--preset",
            "turbo",
            "--steps",
            "1",
            "--fps",
            "8",
            "--device",
            "cpu",
            "-o",
            str(out),
        ]
    )
    assert rc == 0 and out.stat().st_size > 0
    assert "1 steps, cfg 5, shift 17" in capsys.readouterr().err


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--frames", "20"], "num_frames 20 does not fit the 17-frame chunking"),
        (["--frames", "0"], "num_frames 0 does not fit the 17-frame chunking"),
        (["--height", "40"], "height 40 is not a positive multiple of 16"),
        (["--steps", "0"], "steps must be an integer from 1 to 10,000"),
        (["-o", "x.avi"], "must end in .mp4 or .gif"),
    ],
)
def test_generate_bad_flags_fail_before_loading(tmp_path, capsys, flags, message):
    missing = tmp_path / "no_such_model"  # never reached: flags are checked first
    assert main(["generate", "a cat", "--model", str(missing), *flags]) == 2
    assert message in capsys.readouterr().err


def test_generate_empty_prompt_and_missing_model(tmp_path, capsys):
    assert main(["generate", "  ", "--model", str(tmp_path)]) == 2
    assert "prompt is empty" in capsys.readouterr().err
    assert main(["generate", "a cat", "--model", str(tmp_path / "nope"), "-o", str(tmp_path / "a.mp4")]) == 2
    assert "model folder not found" in capsys.readouterr().err


def test_generate_without_model_warns_loudly(tmp_path, capfd, monkeypatch):
    import stepvid.pipeline_cli as pc

    monkeypatch.setattr(pc, "bundled_model_dir", lambda: None)
    out = tmp_path / "noise.mp4"
    rc = main(
        [
            "generate",
            "a cat",
            "--frames",
            "1",
            "--height",
            "32",
            "--width",
            "32",
            "--steps",
            "1",
            "--device",
            "cpu",
            "-o",
            str(out),
        ]
    )
    assert rc == 0 and probe(out).num_frames == 1
    err = capfd.readouterr().err  # capfd: the fixture's SentencePiece trainer needs a real stderr fd
    assert "RANDOMLY INITIALISED" in err and "NOISE" in err


def test_inspect_dit_keys_match_release(reference_dir, capsys):
    assert main(["inspect", "--preset", "stepvideo-t2v", "--keys"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got == json.loads((reference_dir / "stepvideo_t2v_dit.json").read_text())


@pytest.mark.parametrize(
    "preset, manifest", [("stepvideo-vae-v2", "stepvideo_vae_v2.json"), ("step-llm", "step_llm.json")]
)
def test_inspect_vae_and_llm_keys_match_release(reference_dir, capsys, preset, manifest):
    assert main(["inspect", "--preset", preset, "--keys"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads((reference_dir / manifest).read_text())


def test_inspect_counts_and_errors(capsys):
    assert main(["inspect", "--preset", "stepvideo-t2v"]) == 0
    assert "29,342,478,400 parameters" in capsys.readouterr().out  # spec §0
    assert main(["inspect", "--preset", "tiny"]) == 2
    assert "choose one with --component" in capsys.readouterr().err
    assert main(["inspect", "--preset", "tiny", "--component", "dit"]) == 0
    capsys.readouterr()
    assert main(["inspect", "--preset", "nope"]) == 2
    assert "unknown preset 'nope'" in capsys.readouterr().err
