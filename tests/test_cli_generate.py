"""`stepvid generate` end to end on a tiny checkpoint, and `stepvid inspect` against the key manifests."""

from __future__ import annotations

import json
from pathlib import Path

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


def test_model_presets_come_before_the_official_ones(tiny_dir, tmp_path, capsys):
    """A preset stored in stepvid.json sets only its own fields over the model's defaults and shadows the
    official preset of the same name; flags still win; other official names still work; an unknown name is
    refused before any weights are read, listing both kinds."""
    import shutil

    model = tmp_path / "m"
    shutil.copytree(tiny_dir, model)
    assert not (model / "stepvid.json").exists()  # official layout: the description adds only these
    desc = {"defaults": {"steps": 2, "cfg": 2.0, "shift": 4.0}}
    desc["presets"] = {"base": {"steps": 3, "solver": "ab2"}, "quick": {"steps": 1, "cfg": 1.0}}
    (model / "stepvid.json").write_text(json.dumps(desc))
    common = ["generate", "a cat", "--model", str(model), "--frames", "1", "--height", "32", "--width", "32",
              "--device", "cpu"]

    def run(*flags):
        out = tmp_path / f"out{len(list(tmp_path.glob('*.gif')))}.gif"
        rc = main([*common, *flags, "-o", str(out)])
        return rc, capsys.readouterr().err

    rc, err = run("--preset", "base")
    assert rc == 0 and "3 steps, cfg 2, shift 4, ab2" in err, err
    rc, err = run("--preset", "quick", "--steps", "2")
    assert rc == 0 and "2 steps, cfg 1, shift 4, euler" in err, err
    rc, err = run("--preset", "turbo", "--steps", "1")  # the official turbo preset: CFG 5, shift 17
    assert rc == 0 and "1 steps, cfg 5, shift 17" in err, err
    rc, err = run()
    assert rc == 0 and "2 steps, cfg 2, shift 4, euler" in err, err
    rc, err = run("--preset", "fast")
    assert rc == 2 and "unknown --preset 'fast' (this model's: base, quick; official: base, turbo)" in err, err


def test_default_preset_runs_its_own_dit_folder_and_bad_presets_are_refused(tiny_dir, tmp_path, capsys):
    """A stepvid.json preset may name a second DiT folder of the model (the bundled Turbo student): with it as
    ``default_preset``, a plain `generate` makes exactly what `--transformer FOLDER` with the preset's sampler
    flags makes, and `--preset base` runs the folder's own DiT (a different video). A preset path that climbs out
    of the folder, a folder without a DiT, and a default that is not a preset are refused, naming them."""
    import shutil

    from safetensors.torch import load_file, save_file

    model = tmp_path / "m"
    shutil.copytree(tiny_dir, model)
    shutil.copytree(model / "transformer", model / "fast")
    for f in (model / "fast").glob("*.safetensors"):  # a different DiT of the same architecture
        save_file({k: v * 1.5 if v.is_floating_point() else v for k, v in load_file(str(f)).items()}, str(f))
    desc = {"defaults": {"steps": 2, "cfg": 2.0}, "default_preset": "fast",
            "presets": {"fast": {"transformer": "fast", "steps": 1, "cfg": 1.0}, "base": {"steps": 2}}}
    (model / "stepvid.json").write_text(json.dumps(desc))
    common = ["generate", "a cat", "--model", str(model), "--frames", "1", "--height", "32", "--width", "32",
              "--device", "cpu", "--seed", "3"]

    def run(*flags):
        out = tmp_path / f"out{len(list(tmp_path.glob('*.gif')))}.gif"
        rc = main([*common, *flags, "-o", str(out)])
        err = capsys.readouterr().err
        return (read_video(out) if rc == 0 else None), rc, err

    default, rc, err = run()
    assert rc == 0 and "1 steps, cfg 1" in err and "(preset fast: fast/)" in err, err
    explicit, rc, err = run("--transformer", str(model / "fast"), "--preset", "base", "--steps", "1", "--cfg", "1")
    assert rc == 0 and (default == explicit).all() and "(preset" not in err
    base, rc, err = run("--preset", "base")
    assert rc == 0 and "2 steps, cfg 2" in err and (base != default).any()
    for preset, message in (({"transformer": "../m"}, "must stay inside the model folder"),
                            ({"transformer": "vae"}, "is not a DiT folder (no config.json)")):
        (model / "stepvid.json").write_text(json.dumps({**desc, "presets": {**desc["presets"], "fast": preset}}))
        _, rc, err = run()
        assert rc == 2 and "presets: fast" in err and message in err, err
    for bad in ("quick", ["fast"]):
        (model / "stepvid.json").write_text(json.dumps({**desc, "default_preset": bad}))
        _, rc, err = run()
        assert rc == 2 and f"default_preset {bad!r} is not one of its presets (base, fast)" in err, err


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


# --------------------------------------------------------------------------- checks before any generation


@pytest.fixture(scope="module")
def small_dir(tmp_path_factory):
    """A tiny random stepvid.json model whose defaults make a 1-frame 32x32 one-step video (~1 s)."""
    from stepvid.testing.checkpoint_fixtures import write_tiny_small_model

    defaults = {"num_frames": 1, "height": 32, "width": 32, "steps": 1, "positive_suffix": "", "negative_prompt": ""}
    return write_tiny_small_model(tmp_path_factory.mktemp("small_cli"), seed=0, defaults=defaults)


@pytest.fixture
def no_loading(monkeypatch):
    from stepvid.pipeline import TextToVideoPipeline

    def refuse(*args, **kwargs):
        raise AssertionError("weights were loaded before the error")

    monkeypatch.setattr(TextToVideoPipeline, "from_plan", refuse)


def _error_line(capsys) -> str:
    lines = [ln for ln in capsys.readouterr().err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("stepvid generate: error: "), lines
    return lines[0]


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--frames", "-17"], r"num_frames -17 .*\(nearest: 1 or 17\)$"),
        (["--height", "-16"], r"height -16 is not a positive multiple of 16 \(nearest: 16\)$"),
        (["--steps", "-3"], r"steps must be an integer from 1 to 10,000; got -3$"),
        (["--cfg", "nan"], r"cfg must be a finite number >= 0 \(1 = no guidance\); got nan$"),
        (["--cfg", "-1"], r"cfg must be a finite number >= 0"),
        (["--shift", "0"], r"shift must be a finite number > 0; got 0.0$"),
        (["--seed", str(2**64)], r"--seed must be an integer from -9223372036854775808 to 18446744073709551615"),
        (["--fps", "0"], r"--fps must be a number > 0; got 0.0$"),
        (["--fps", "inf"], r"--fps must be a number > 0; got inf$"),
        (["--vae-tile", "100"], r"--vae-tile must be a positive multiple of 16 pixels; got 100$"),
        (["--device", "gpu0"], r"invalid device 'gpu0'; valid forms: cpu, cuda, cuda:N \(N = 0 \.\. number of GPUs - 1\)"),
        (["-o", "clip.webm"], r"output clip.webm must end in .mp4 or .gif$"),
        (["--sparse-attention", "3x3"], r"sparse attention window must be three positive integers .*got \(3, 3\)$"),
        (["--sparse-attention", "3x3x3,fast=1"], r"--sparse-attention: cannot read 'fast=1'"),
        (["--sparse-attention", "3x3x3", "--resume", "s.safetensors"], r"--resume needs the exact path"),
        ([""], r"prompt is empty"),
    ],
)
def test_bad_values_are_one_line_before_the_model_is_read(tmp_path, capsys, flags, message):
    import re

    args = ["generate", "a cat", "--model", str(tmp_path / "no_such_model"), "-o", str(tmp_path / "o.mp4")]
    if flags == [""]:
        args[1] = "   "
        flags = []
    assert main([*args, *flags]) == 2  # never reached the missing model folder
    assert re.search(message, _error_line(capsys))


def test_cuda_devices_this_machine_lacks(tmp_path, capsys, monkeypatch):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert main(["generate", "a cat", "--model", str(tmp_path), "--device", "cuda"]) == 2
    line = _error_line(capsys)
    assert "device 'cuda' requested but" in line and "use --device cpu" in line
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    assert main(["generate", "a cat", "--model", str(tmp_path), "--device", "cuda:2"]) == 2
    assert "device 'cuda:2' does not exist: this machine has 2 CUDA device(s), cuda:0 .. cuda:1" in _error_line(capsys)


def test_output_path_is_checked_before_generating(tmp_path, capsys):
    missing = tmp_path / "no_such_model"  # the output error must come first
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x")
    (tmp_path / "clips.mp4").mkdir()
    cases = [
        (a_file / "out.mp4", f"cannot write {a_file / 'out.mp4'}: {a_file} is a file, not a folder"),
        (a_file / "sub" / "out.mp4", f"{a_file} is a file, not a folder"),
        (tmp_path / "clips.mp4", f"output {tmp_path / 'clips.mp4'} is a directory"),
    ]
    if Path("/proc").is_dir():  # unwritable even for root
        cases.append((Path("/proc/stepvid-out.mp4"), "cannot write /proc/stepvid-out.mp4: folder /proc is not writable"))
    for out, message in cases:
        assert main(["generate", "a cat", "--model", str(missing), "-o", str(out)]) == 2
        assert message in _error_line(capsys)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clips.mp4", "notes.txt"]  # no temporary files left


def test_existing_output_is_replaced_and_said_so(small_dir, tmp_path, capsys):
    out = tmp_path / "clip.mp4"
    out.write_bytes(b"old")
    assert main(["generate", "a cat", "--model", str(small_dir), "-o", str(out), "--device", "cpu"]) == 0
    assert f"wrote {out} (replaced the existing file)" in capsys.readouterr().out
    assert probe(out).num_frames == 1 and read_video(out).shape == (1, 32, 32, 3)
    assert [p.name for p in tmp_path.iterdir()] == ["clip.mp4"]  # no temporary file left


def test_prompt_rewrite_is_reported_and_can_be_switched_off(small_dir, tmp_path, capsys, monkeypatch):
    """A model folder naming the world rewriter gets the template caption, and stderr says so; a prompt it
    cannot read is kept with the reason; --prompt-rewrite none passes the prompt as written, silently."""
    import json
    import shutil

    from stepvid.pipeline import TextToVideoPipeline

    folder = shutil.copytree(small_dir, tmp_path / "model")
    spec = json.loads((folder / "stepvid.json").read_text())
    spec["defaults"]["prompt_rewrite"] = "world"
    (folder / "stepvid.json").write_text(json.dumps(spec))

    class Encoded(Exception):  # stop once the prompt is encoded: what the encoder got is the point
        pass

    def encode_prompt(self, prompt, negative, guided):
        raise Encoded(prompt)

    monkeypatch.setattr(TextToVideoPipeline, "encode_prompt", encode_prompt)
    natural, template = "watch as a green triangle slowly slides left", "A green triangle moves slowly to the left."
    for prompt, flags, said, encoded in [
        (natural, [], f"prompt rewritten for this model (world rewriter): {template!r}", template),
        ("a red heart moves right", [], "prompt kept as written (the world rewriter cannot restate it: unknown shape 'heart')",
         "a red heart moves right"),
        (natural, ["--prompt-rewrite", "none"], None, natural),
    ]:
        with pytest.raises(Encoded) as got:
            main(["generate", prompt, "--model", str(folder), "-o", str(tmp_path / "a.mp4"), *flags])
        err = capsys.readouterr().err
        assert (said in err) if said else ("rewriter" not in err), (prompt, flags, err)
        assert got.value.args == (encoded,)


def test_sizes_that_cannot_fit_are_refused_with_the_numbers(small_dir, tmp_path, capsys, monkeypatch, no_loading):
    import re

    import stepvid.generation_memory as gm

    out = tmp_path / "o.mp4"
    args = ["generate", "a cat", "--model", str(small_dir), "-o", str(out), "--device", "cpu"]
    assert main([*args, "--frames", "99994", "--height", "1024", "--width", "1024"]) == 2
    line = _error_line(capsys)
    assert re.search(r"99994 frames at 1024x1024 needs about [\d,.]+ GiB \(weights [\d,.]+ [MG]iB, DiT activations "
                     r"[\d,.]+ GiB, VAE decode [\d,.]+ [MG]iB, decoded video [\d,.]+ GiB\) but this machine has "
                     r"[\d,.]+ GiB of RAM available; try fewer frames or a smaller size", line), line
    # the default size with (pretend) 1 MiB of RAM: refused with the estimate's own number
    from stepvid.model_folder import plan_model

    monkeypatch.setattr(gm, "_host_available", lambda: 2**20)
    need = gm.estimate_generation_memory(plan_model(small_dir), 1, 32, 32, True, torch_float32()).device_peak("cpu", "none")
    assert main(args) == 2
    assert f"1 frames at 32x32 needs about {need / 2**20:,.0f} MiB" in _error_line(capsys)
    assert not out.exists()


def torch_float32():
    import torch

    return torch.float32


def test_help_shows_real_defaults_or_none(capsys):
    """No flag of any command says "(default: None)"; generate's real defaults are spelled out."""
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    seen = []

    def walk(p, name):
        seen.append(name)
        text = p.format_help()
        assert "default: None" not in text, name
        for action in p._actions:
            if getattr(action, "choices", None) and isinstance(action.choices, dict):
                for child, cp in action.choices.items():
                    walk(cp, f"{name} {child}")

    for name, p in sub.choices.items():
        walk(p, name)
    assert {"generate", "inspect", "train dit", "train cache", "curate run", "world make"} <= set(seen)
    text = " ".join(sub.choices["generate"].format_help().split())
    assert "(default: 1234)" in text and "(default: auto)" in text and "(default: none)" in text


def test_python_dash_m_stepvid():
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "stepvid", "--help"], capture_output=True, text=True, check=False)
    assert r.returncode == 0 and "generate" in r.stdout


def test_sparse_attention_flag_changes_the_video_only_when_the_window_is_narrow(tiny_dir, tmp_path, capsys):
    """--sparse-attention end to end: a window covering the latent grid reproduces the exact video (within fp32
    reduction order: the tokens run tile-major); a one-frame window changes it; the run says which mode it used."""
    import numpy as np

    def make(name: str, *flags: str):
        out = tmp_path / f"{name}.gif"  # GIF: x264 may encode the same frames differently (docs/generate.md)
        argv = ["generate", "a red circle moves to the right", "--model", str(tiny_dir), "--frames", "17",
                "--height", "32", "--width", "48", "--steps", "2", "--seed", "3", "--device", "cpu", "-o", str(out)]
        assert main([*argv, *flags]) == 0
        return read_video(out), capsys.readouterr().err

    exact, _ = make("exact")
    covering, said = make("covering", "--sparse-attention", "window=3x2x3,tile=1x1x1")
    assert "sparse attention: window 3x2x3 tiles of 1x1x1, gather" in said
    near = np.abs(covering.astype(int) - exact.astype(int))
    narrow, _ = make("narrow", "--sparse-attention", "window=1x2x3,tile=1x1x1")
    far = np.abs(narrow.astype(int) - exact.astype(int))
    assert near.mean() < 0.01 and far.mean() > 1  # (a GIF palette may flip a pixel: seen 0.0003 vs 6.5 levels)


def test_cpu_bf16_is_read_from_the_cpu_flags_and_can_be_forced(monkeypatch):
    from stepvid.runtime import cpu_has_native_bf16

    monkeypatch.delenv("STEPVID_CPU_BF16", raising=False)
    head = "processor\t: 0\nmodel name\t: x\n"
    assert cpu_has_native_bf16(head + "flags\t\t: fpu sse2 avx2 avx512f avx512_bf16 avx512_vnni\n")
    assert cpu_has_native_bf16(head + "flags\t\t: fpu avx2 amx_tile amx_bf16\n")
    assert not cpu_has_native_bf16(head + "flags\t\t: fpu sse2 avx2 avx512f avx512_vnni\n")  # AVX-512 alone: emulated
    assert not cpu_has_native_bf16(head + "Features\t: fp asimd bf16\n")  # no x86 flags line
    monkeypatch.setenv("STEPVID_CPU_BF16", "1")
    assert cpu_has_native_bf16(head + "flags\t\t: fpu\n")
    monkeypatch.setenv("STEPVID_CPU_BF16", "0")
    assert not cpu_has_native_bf16(head + "flags\t\t: avx512_bf16\n")


@pytest.mark.parametrize("forced,flag,want", [("1", [], "bfloat16"), ("0", [], "float32"),
                                             ("1", ["--dtype", "fp32"], "float32")])
def test_generate_on_a_cpu_with_native_bf16_runs_bf16_unless_told(tiny_dir, tmp_path, capsys, monkeypatch, forced,
                                                                  flag, want):
    monkeypatch.setenv("STEPVID_CPU_BF16", forced)
    rc = main(["generate", "a red circle", "--model", str(tiny_dir), "--frames", "1", "--height", "32", "--width", "32",
               "--steps", "1", "--device", "cpu", "-o", str(tmp_path / "x.gif"), *flag])
    out = capsys.readouterr()
    assert rc == 0, out.err
    assert f"on cpu ({want})" in out.out + out.err
