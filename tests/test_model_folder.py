"""A model folder is data: stepvid.json's allow-list, option checks, and the header/config checks that run
before any weights are read (stepvid.model_folder), through plan_model and through `stepvid generate`."""

from __future__ import annotations

import json
import runpy
import shutil
import struct
import sys
from pathlib import Path

import pytest
import torch

from stepvid.checkpoints import CheckpointError
from stepvid.cli import main
from stepvid.model_folder import plan_model
from stepvid.pipeline import TextToVideoPipeline
from stepvid.testing.checkpoint_fixtures import write_tiny_checkpoint, write_tiny_small_model

IMG = {"num_frames": 1, "height": 32, "width": 32, "steps": 1, "positive_suffix": "", "negative_prompt": ""}


@pytest.fixture(scope="module")
def small_src(tmp_path_factory):
    return write_tiny_small_model(tmp_path_factory.mktemp("small"), seed=0, defaults=IMG)


@pytest.fixture(scope="module")
def official_src(tmp_path_factory):
    return write_tiny_checkpoint(tmp_path_factory.mktemp("official"), seed=0).root


@pytest.fixture
def small(small_src, tmp_path):
    return Path(shutil.copytree(small_src, tmp_path / "small"))


@pytest.fixture
def official(official_src, tmp_path):
    return Path(shutil.copytree(official_src, tmp_path / "official"))


@pytest.fixture
def no_loading(monkeypatch):
    """Fail the test if any component is loaded: the error must come from the checks before loading."""

    def refuse(*args, **kwargs):
        raise AssertionError("weights were loaded before the error")

    monkeypatch.setattr(TextToVideoPipeline, "from_plan", refuse)


def generate(model: Path, out: Path, *flags: str) -> int:
    return main(["generate", "a cat", "--model", str(model), "-o", str(out), "--device", "cpu", *flags])


def one_line_error(capsys) -> str:
    """The CLI's stderr must be exactly one line, 'stepvid generate: error: ...'; returns it."""
    lines = [ln for ln in capsys.readouterr().err.splitlines() if ln.strip()]
    assert len(lines) == 1, lines
    assert lines[0].startswith("stepvid generate: error: ") and "Traceback" not in lines[0]
    return lines[0]


def describe(model: Path, **sections) -> None:
    (model / "stepvid.json").write_text(json.dumps(sections))


def payload_source(marker: Path) -> str:
    return (
        f"from pathlib import Path\nPath({str(marker)!r}).write_text('payload ran')\nclass Enc:\n    pass\n"
    )


# ------------------------------------------------------------------------------------------- allow-list


def test_a_class_from_the_model_folder_is_never_imported(small, tmp_path, monkeypatch, capsys, no_loading):
    marker = tmp_path / "PAYLOAD_RAN"
    (small / "evil.py").write_text(payload_source(marker))
    describe(small, text_encoder={"class": "evil:Enc", "path": "text_encoder"})
    runpy.run_path(str(small / "evil.py"))  # the payload is live: running the file writes the marker
    assert marker.read_text() == "payload ran"
    marker.unlink()
    monkeypatch.syspath_prepend(str(small))  # worst case: the folder is importable (cwd on sys.path)
    monkeypatch.chdir(small)
    assert generate(small, tmp_path / "out.mp4") == 2
    line = one_line_error(capsys)
    assert "text_encoder.class 'evil:Enc' is not allowed" in line
    assert "stepvid.models.text.small:SmallBilingualEncoder" in line  # the allowed classes are listed
    assert not marker.exists() and "evil" not in sys.modules


def test_transformers_trust_remote_code_route_is_refused(small, tmp_path, monkeypatch, capsys, no_loading):
    """The route that ran the folder's code before: transformers:AutoModel with trust_remote_code and an
    auto_map config.json pointing at the folder's own modules."""
    marker = tmp_path / "PAYLOAD_RAN"
    for module in ("configuration_evil", "modeling_evil"):
        (small / f"{module}.py").write_text(payload_source(marker))
    (small / "config.json").write_text(
        json.dumps(
            {
                "model_type": "evil",
                "auto_map": {"AutoConfig": "configuration_evil.Enc", "AutoModel": "modeling_evil.Enc"},
            }
        )
    )
    describe(
        small,
        text_encoder={"class": "transformers:AutoModel", "path": ".", "kwargs": {"trust_remote_code": True}},
    )
    monkeypatch.syspath_prepend(str(small))
    assert generate(small, tmp_path / "out.mp4") == 2
    assert "text_encoder.class 'transformers:AutoModel' is not allowed" in one_line_error(capsys)
    assert not marker.exists()
    assert not {"configuration_evil", "modeling_evil"} & set(sys.modules)

    # trust_remote_code on an allowed class is refused too, naming the key
    describe(
        small,
        text_encoder={
            "class": "stepvid.models.text.small:SmallBilingualEncoder",
            "kwargs": {"trust_remote_code": True},
        },
    )
    assert generate(small, tmp_path / "out.mp4") == 2
    line = one_line_error(capsys)
    assert (
        "option 'trust_remote_code' is not accepted by stepvid.models.text.small:SmallBilingualEncoder"
        in line
    )
    assert "never runs code from a model folder" in line and not marker.exists()


@pytest.mark.parametrize(
    "sections, message",
    [
        (
            {"vae": {"class": "stepvid.models.text.small:SmallBilingualEncoder"}},
            r"vae.class '.*SmallBilingualEncoder' is not allowed.*stepvid.models.vae:VideoVAE",
        ),
        (
            {"vae": {"config": "huge"}},
            r"vae: option 'config' must be one of small, stepvideo-vae-v2, tiny; got 'huge'",
        ),
        (
            {"vae": {"module": "x"}},
            r"vae: unknown key\(s\) \['module'\]; allowed: \['class', 'config', 'kwargs', 'path'\]",
        ),
        ({"transformer": {"config": "tiny"}}, r"transformer: unknown key\(s\) \['config'\]"),
        (
            {
                "text_encoder": {
                    "class": "stepvid.models.text.step_video:StepVideoTextEncoder",
                    "kwargs": {"max_length": 320, "revision": "main"},
                }
            },
            (
                r"option 'revision' is not accepted by .*StepVideoTextEncoder; allowed: attention_fp32, "
                r"clip_max_length, fp32_residual_connection, max_length, position_bias"
            ),
        ),
        (
            {
                "text_encoder": {
                    "class": "stepvid.models.text.step_video:StepVideoTextEncoder",
                    "kwargs": {"max_length": "320"},
                }
            },
            r"option 'max_length' must be an integer >= 2; got '320'",
        ),
        (
            {
                "text_encoder": {
                    "class": "stepvid.models.text.step_video:StepVideoTextEncoder",
                    "kwargs": {"position_bias": "rope"},
                }
            },
            r"option 'position_bias' must be one of alibi, none, sqrt_alibi; got 'rope'",
        ),
        (
            {"text_encoder": {"kwargs": ["max_length"]}},
            r"text_encoder.kwargs must be a JSON object; got list",
        ),
        (
            {"transformer": {"path": "../elsewhere/transformer"}},
            r"transformer.path: path '\.\./elsewhere/transformer' must stay inside the model folder",
        ),
        (
            {"vae": {"path": "/etc/vae.safetensors"}},
            r"vae.path: path '/etc/vae.safetensors' must stay inside",
        ),
        ({"vae": {"path": ""}}, r"vae.path: path must be a non-empty string"),
        ({"vae": {"path": "bundled:../vae/vae_v2.safetensors"}}, r"vae.path: path '\.\./vae/vae_v2.safetensors' must stay"),
        ({"vae": {"path": "bundled:/etc/vae.safetensors"}}, r"vae.path: path '/etc/vae.safetensors' must stay inside"),
        ({"vae": "vae.safetensors"}, r"vae must be a JSON object; got str"),
        ({"scheduler": {}}, r"unknown section\(s\) \['scheduler'\]"),
        ({"defaults": {"steps": "50"}}, r"defaults: steps must be an integer >= 1; got '50'"),
        ({"defaults": {"cfg": -1}}, r"defaults: cfg must be a number > 0; got -1"),
        ({"defaults": {"negative_prompt": 3}}, r"defaults: negative_prompt must be a string; got 3"),
        ({"name": ["x"]}, r"name must be a string"),
        ({"presets": []}, r"presets: expected a JSON object of named presets, got list"),
        ({"presets": {"Base!": {"steps": 50}}}, r"preset name 'Base!' must be 1-32 lowercase"),
        ({"presets": {"base": {}}}, r"presets: base: expected a non-empty JSON object"),
        ({"presets": {"base": {"fps": 8}}}, r"presets: base: unknown preset field\(s\) \['fps'\]"),
        ({"presets": {"base": {"steps": 0}}}, r"presets: base: steps must be an integer >= 1; got 0"),
        ({"presets": {"base": {"solver": "rk4"}}}, r"presets: base: solver must be one of euler, ab2; got 'rk4'"),
    ],
)
def test_description_is_validated(small, sections, message):
    description = json.loads((small / "stepvid.json").read_text())
    description.update(sections)
    (small / "stepvid.json").write_text(json.dumps(description))
    with pytest.raises(ValueError, match=message):
        plan_model(small)


def test_the_allowed_layouts_plan_without_reading_tensors(small, official, monkeypatch):
    """plan_model reads configs and headers only: with tensor reads made impossible it still succeeds. The
    parameter counts it takes from the headers are the loaded modules' (the estimate's weights)."""
    import safetensors
    import safetensors.torch

    def no_tensor_reads(*args, **kwargs):
        raise AssertionError("plan_model read tensor data")

    torch_load = torch.load

    def mapped_load(
        *args, **kwargs
    ):  # the released CLIP pickle: memory-mapped, weights-only, so no data read
        assert kwargs.get("mmap") and kwargs.get("weights_only"), kwargs
        return torch_load(*args, **kwargs)

    monkeypatch.setattr(safetensors, "safe_open", no_tensor_reads)
    monkeypatch.setattr(safetensors.torch, "load_file", no_tensor_reads)
    monkeypatch.setattr(torch, "load", mapped_load)
    p = plan_model(small)
    assert (
        p.dit_config.caption_channels == (32, 24) and p.vae_config.z_channels == 4 and p.size_multiple == 16
    )
    assert p.components["text_encoder"].info.dims == (32, 24)
    assert p.defaults.num_frames == 1
    p = plan_model(official)
    assert p.components["text_encoder"].info.dims == (96, 48) and p.dit_config.num_layers == 2
    monkeypatch.undo()
    pipe = TextToVideoPipeline.from_plan(p, device="cpu", dtype="fp32")

    def count(module):
        return sum(t.numel() for t in module.parameters())

    info = {role: c.info for role, c in p.components.items()}
    assert info["transformer"].params == count(pipe.transformer) and info["vae"].params == count(pipe.vae)
    assert info["text_encoder"].params == count(pipe.text_encoder.llm)
    assert info["text_encoder"].fp32_params == count(pipe.text_encoder.clip)


# ---------------------------------------------------------------------------- damaged or mismatched parts


def _truncate(path: Path, keep: int | None = None, cut: int = 100) -> None:
    data = path.read_bytes()
    path.write_bytes(data[:keep] if keep is not None else data[:-cut])


def _garbage_header(path: Path) -> None:
    path.write_bytes(struct.pack("<Q", 12) + b"{not json!!}" + b"\0" * 64)


def _clip_as_safetensors(root: Path) -> Path:
    from safetensors.torch import save_file

    enc = root / "hunyuan_clip" / "clip_text_encoder"
    state = torch.load(enc / "pytorch_model.bin", weights_only=True)
    (enc / "pytorch_model.bin").unlink()
    save_file({k: v.contiguous() for k, v in state.items()}, str(enc / "model.safetensors"))
    return enc / "model.safetensors"


@pytest.mark.parametrize(
    "layout, part, damage, message",
    [
        (
            "small",
            "vae/vae_v2.safetensors",
            lambda p: _truncate(p, keep=5),
            r"truncated checkpoint file .*vae_v2\.safetensors: 5 bytes, too short",
        ),
        (
            "small",
            "vae/vae_v2.safetensors",
            _truncate,
            r"truncated checkpoint file .*vae_v2\.safetensors: expected \d+ bytes",
        ),
        (
            "small",
            "vae/vae_v2.safetensors",
            _garbage_header,
            r"corrupt checkpoint file .*vae_v2\.safetensors: header is not valid JSON",
        ),
        (
            "small",
            "text_encoder/model.safetensors",
            _truncate,
            r"truncated checkpoint file .*text_encoder/model\.safetensors",
        ),
        (
            "small",
            "text_encoder/model.safetensors",
            lambda p: _truncate(p, keep=3),
            r"text_encoder/model\.safetensors: 3 bytes",
        ),
        (
            "small",
            "transformer/diffusion_pytorch_model.safetensors",
            _truncate,
            r"truncated .*diffusion_pytorch_model\.safetensors",
        ),
        (
            "official",
            "step_llm/model-00002-of-00002.safetensors",
            _truncate,
            r"truncated .*step_llm/model-00002-of-00002\.safetensors",
        ),
        (
            "official",
            "step_llm/model-00001-of-00002.safetensors",
            _garbage_header,
            r"corrupt .*model-00001-of-00002\.safetensors",
        ),
        ("official", "clip", _truncate, r"truncated .*clip_text_encoder/model\.safetensors"),
        (
            "official",
            "vae/vae_v2.safetensors",
            lambda p: p.unlink(),
            r"VAE weights not found: .*vae/vae_v2\.safetensors",
        ),
    ],
)
def test_a_damaged_part_fails_before_any_loading_naming_the_file(
    small, official, tmp_path, capsys, no_loading, layout, part, damage, message
):
    root = small if layout == "small" else official
    path = _clip_as_safetensors(root) if part == "clip" else root / part
    damage(path)
    with pytest.raises((CheckpointError, FileNotFoundError), match=message):
        plan_model(root)
    assert generate(root, tmp_path / "out.mp4", "--frames", "1", "--height", "32", "--width", "32") == 2
    assert str(path) in one_line_error(capsys)


def test_a_pickle_payload_in_the_clip_bin_is_refused_in_one_line(official, tmp_path, capsys, no_loading):
    marker = tmp_path / "PAYLOAD_RAN"

    class Payload:
        def __reduce__(self):
            return (Path.write_text, (marker, "payload ran"))

    bin_path = official / "hunyuan_clip" / "clip_text_encoder" / "pytorch_model.bin"
    state = torch.load(bin_path, weights_only=True)
    state["bert.embeddings.word_embeddings.weight"] = Payload()
    torch.save(state, bin_path)
    torch.load(bin_path, weights_only=False)  # the payload is live: a plain unpickle runs it
    assert marker.exists()
    marker.unlink()
    assert generate(official, tmp_path / "out.mp4", "--frames", "1", "--height", "32", "--width", "32") == 2
    line = one_line_error(capsys)
    assert "pytorch_model.bin: refused, it holds more than tensors" in line and "GLOBAL" in line
    assert "weights_only" not in line and "safe_globals" not in line  # none of torch's how-to-allow-it advice
    assert not marker.exists()


def test_parts_that_do_not_fit_fail_before_loading(small, official, tmp_path, capsys, no_loading):
    assert generate(small, tmp_path / "o.mp4", "--transformer", str(official / "transformer")) == 2
    assert (
        "text encoder dims (llm 32, clip 24) do not match the DiT's caption_channels [96, 48]"
        in one_line_error(capsys)
    )
    describe(
        small,
        text_encoder={"class": "stepvid.models.text.small:SmallBilingualEncoder"},
        vae={"config": "small"},
    )
    (small / "vae" / "vae_v2.safetensors").unlink()
    shutil.copy(official / "vae" / "vae_v2.safetensors", small / "vae" / "vae_v2.safetensors")
    with pytest.raises(
        ValueError, match=r"DiT in/out channels 4/4 do not match the VAE's 16 latent channels"
    ):
        plan_model(small)
    cfg = json.loads((small / "transformer" / "config.json").read_text())
    (small / "transformer" / "config.json").write_text(json.dumps({**cfg, "num_layers": "two"}))
    with pytest.raises(
        ValueError,
        match=r"transformer/config.json: DiT config field 'num_layers' must be an integer "
        r">= 1; got 'two'",
    ):
        plan_model(small)


def test_missing_parts_are_named(small, tmp_path, capsys, no_loading):
    shutil.rmtree(small / "text_encoder")
    assert generate(small, tmp_path / "o.mp4") == 2
    assert "small text encoder folder" in one_line_error(capsys)
    shutil.rmtree(small / "transformer")
    assert generate(small, tmp_path / "o.mp4") == 2
    assert "transformer config not found" in one_line_error(capsys)
    assert generate(tmp_path / "nowhere", tmp_path / "o.mp4") == 2
    assert "model folder not found" in one_line_error(capsys)
