"""The bundled-model recipe (recipes/bundled/): world labels, captions, transfer packing, and (slow) a CPU dry
run of every phase at toy sizes that ends in a model folder the pipeline loads and runs."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

RECIPE = Path(__file__).resolve().parents[1] / "recipes" / "bundled"
sys.path.insert(0, str(RECIPE))

import world_data as wd

from stepvid.world import parse_prompt, render_video
from stepvid.world.captions import request_from_spec


def test_labels_encode_what_the_caption_says():
    """Labels decoded back through the value tables equal the world's own request for that caption style, and
    the world's parser reads the same request from both the EN and the ZH caption (an independent check)."""
    sizes = wd.label_sizes()
    for i in range(40):
        ex = wd.text_example(5, i)
        assert set(ex.labels) == set(sizes)
        assert all(0 <= ex.labels[k] < n for k, n in sizes.items())
        en, zh = (parse_prompt(c) for c in ex.captions)
        assert en == zh
        for g in range(wd.MAX_GROUPS):
            if g < len(en.groups):
                gr = en.groups[g]
                for k, values in wd.LABEL_VALUES.items():
                    assert values[ex.labels[f"g{g}.{k}"]] == getattr(gr, k), (ex.captions, g, k)
            else:
                assert ex.labels[f"g{g}.count"] == 0
        assert wd.BG_VALUES["color"][ex.labels["bg.color"]] == en.bg_color
        assert wd.BG_VALUES["kind"][ex.labels["bg.kind"]] == en.bg_kind


def test_scenes_are_deterministic_and_split_respected():
    from stepvid.world import is_heldout

    a, b = wd.scene(3, 17), wd.scene(3, 17)
    assert a.to_dict() == b.to_dict()
    assert not any(is_heldout(wd.scene(3, i)) for i in range(50))
    assert all(is_heldout(wd.scene(3, i, "heldout")) for i in range(20))
    assert request_from_spec(a, "short").groups  # at least one object


def test_render_many_matches_serial_render():
    from stepvid.world import render_image

    jobs = [wd.RenderJob(1, i, 32, 48, 17) for i in range(3)]
    serial = [(f.copy(), c) for f, c in wd.render_many(jobs, workers=1, chunk=2)]
    shared = [(f.copy(), c) for f, c in wd.render_many(jobs, workers=2, chunk=2)]  # shared-memory path
    assert [f.shape for f, _ in serial] == [(2, 17, 32, 48, 3), (1, 17, 32, 48, 3)]
    for (a, ca), (b, cb) in zip(serial, shared):
        assert np.array_equal(a, b) and ca == cb
    assert np.array_equal(serial[1][0][0], render_video(wd.scene(1, 2), 32, 48, 17))
    (img, caps), = wd.render_many([wd.RenderJob(1, 0, 32, 48, 1)], workers=1)
    assert np.array_equal(img[0, 0], render_image(wd.scene(1, 0), 32, 48))
    assert all(g.motion is None for g in parse_prompt(caps[0]["en_short"]).groups)  # image captions: no motion
    assert parse_prompt(serial[0][1][0]["zh_dense"]) == request_from_spec(wd.scene(1, 0), "dense")
    with pytest.raises(ValueError, match="same frames"):
        list(wd.render_many(jobs + [wd.RenderJob(1, 0, 32, 48, 1)], workers=1))


def test_stage_mix_reaches_the_rendered_scenes_and_bad_mixes_name_the_stage():
    """A stage's ``mix`` goes through RenderJob to the workers' scenes; no mix = the default scenes."""
    mix = wd.Mix.from_config({"shapes": {"square": 0, "circle": 0, "triangle": 0, "diamond": 0, "cross": 0},
                              "objects": [0, 1, 0]}, "stage t")
    (clip, _), = wd.render_many([wd.RenderJob(4, 7, 32, 32, 17, mix=mix)], workers=1)
    spec = wd.scene(4, 7, mix=mix)
    assert [o.shape for o in spec.objects] == ["star", "star"]
    assert np.array_equal(clip[0], render_video(spec, 32, 32, 17))
    assert wd.Mix.from_config(None) is None and wd.Mix.from_config({}) is None
    assert wd.scene(4, 7) == wd.scene(4, 7, mix=None) != spec
    with pytest.raises(ValueError, match=r"dit stage x: mix: unknown key\(s\) \['shape'\]"):
        wd.Mix.from_config({"shape": {"star": 2}}, "dit stage x: mix")
    with pytest.raises(ValueError, match=r"dit stage x: mix: shape_weights: unknown shape\(s\) \['stars'\]"):
        wd.Mix.from_config({"shapes": {"stars": 2}}, "dit stage x: mix")


def test_pack_unpack_round_trip_in_parts(tmp_path, monkeypatch):
    import run

    monkeypatch.setattr(run, "PART_BYTES", 1000)
    work = tmp_path / "work"
    (work / "a" / "b").mkdir(parents=True)
    payload = np.random.default_rng(0).bytes(3500)
    (work / "a" / "b" / "w.bin").write_bytes(payload)
    (work / "state.json").write_text(json.dumps({"done": ["vae"]}))
    parts = run.pack(work, ["a", "state.json"], tmp_path / "out", "vae")
    assert len(parts) >= 4 and all(p.stat().st_size <= 1000 for p in parts)
    back = tmp_path / "back"
    assert run.unpack(tmp_path / "out", back) == ["artifacts-vae.tar"]
    assert (back / "a" / "b" / "w.bin").read_bytes() == payload
    with pytest.raises(FileNotFoundError, match="no artifacts"):
        run.unpack(tmp_path / "a-missing-dir", back)


def _export(root: Path, vae: dict, dit: dict | None = None) -> Path:
    """A minimal exported-model folder: stepvid.json naming its parts, plus the parts install copies; ``dit``:
    transformer weights, written as two shards."""
    from safetensors.torch import save_file

    from stepvid.checkpoints import save_sharded_safetensors

    for sub in ("transformer", "vae", "text_encoder"):
        (root / sub).mkdir(parents=True)
    (root / "transformer" / "config.json").write_text("{}")
    (root / "text_encoder" / "config.json").write_text("{}")
    (root / "MODEL_CARD.md").write_text("card")
    (root / "stepvid.json").write_text(json.dumps({
        "vae": {"path": "vae/vae_v2.safetensors"}, "transformer": {"path": "transformer"},
        "text_encoder": {"path": "text_encoder"}, "defaults": {"num_frames": 34, "steps": 30, "cfg": 3.0}}))
    save_file(vae, str(root / "vae" / "vae_v2.safetensors"))
    if dit is not None:
        save_sharded_safetensors(dit, root / "transformer", max_shard_bytes=64)
    return root


def test_soup_averages_the_dits_of_one_parent_and_refuses_other_parts(tmp_path):
    """soup writes the first model with the mean DiT (equal to the fp64 mean here: exact in fp32) and the
    config's sampler defaults, leaving the sources alone; a model with another VAE or text encoder is refused."""
    import run
    import torch
    from safetensors.torch import load_file

    vae = {"encoder.w": torch.ones(2), "decoder.w": torch.zeros(2)}
    dits = [{"a.weight": torch.randn(4, 4), "b.bias": torch.randn(8)} for _ in range(2)]
    m = [_export(tmp_path / f"m{i}" / "bundled", vae, d) for i, d in enumerate(dits)]
    cfg = {"generate": {"steps": 50, "cfg": 3.0, "shift": 3.0}, "presets": {"base": {"steps": 60}}, "max_bundle_mb": 40}
    out = run.soup(cfg, m, tmp_path / "soup", [1.0, 3.0])
    got = {}
    for f in (out / "transformer").glob("*.safetensors"):
        got.update(load_file(str(f)))
    assert set(got) == set(dits[0])
    for k, v in got.items():
        assert torch.allclose(v.double(), (dits[0][k].double() + 3 * dits[1][k].double()) / 4, atol=1e-6), k
    desc = json.loads((out / "stepvid.json").read_text())
    assert desc["defaults"] == {"num_frames": 34, "steps": 50, "cfg": 3.0, "shift": 3.0}
    assert desc["presets"] == {"base": {"steps": 60}}
    assert (out / "vae" / "vae_v2.safetensors").read_bytes() == (m[0] / "vae" / "vae_v2.safetensors").read_bytes()
    assert (out / "MODEL_CARD.md").read_text().startswith("card\nDiT weights: mean of 2")
    assert json.loads((m[0] / "stepvid.json").read_text())["defaults"]["steps"] == 30  # sources untouched

    other = _export(tmp_path / "m2" / "bundled", dict(vae, **{"encoder.w": torch.full((2,), 2.0)}), dits[1])
    with pytest.raises(SystemExit, match="vae/vae_v2.safetensors differs"):
        run.soup(cfg, [m[0], other], tmp_path / "soup2")
    (other / "vae" / "vae_v2.safetensors").write_bytes((m[0] / "vae" / "vae_v2.safetensors").read_bytes())
    (other / "text_encoder" / "config.json").write_text('{"dim": 1}')
    with pytest.raises(SystemExit, match="text_encoder/config.json differs"):
        run.soup(cfg, [m[0], other], tmp_path / "soup2")
    with pytest.raises(SystemExit, match="no stepvid.json"):
        run.soup(cfg, [m[0], tmp_path], tmp_path / "soup2")
    assert not (tmp_path / "soup2").exists()


def test_install_takes_a_decoder_fine_tune_and_refuses_another_encoder(tmp_path):
    """install --vae ships a VAE whose encoder is bit-identical to the export's (a decoder-only fine-tune)
    and refuses one with another encoder before touching the destination (the DiT's latents come from it)."""
    import run
    import torch
    from safetensors.torch import load_file, save_file

    base = {"encoder.conv.weight": torch.ones(2, 3), "encoder.norm.bias": torch.zeros(4),
            "decoder.conv.weight": torch.ones(3, 2)}
    src = _export(tmp_path / "work" / "bundled", base)
    tuned = dict(base, **{"decoder.conv.weight": torch.full((3, 2), 2.0)})
    save_file(tuned, str(tmp_path / "tuned.safetensors"))
    dst = tmp_path / "dst"
    run.install(src, dst, tmp_path / "tuned.safetensors")

    def decoder(root: Path) -> torch.Tensor:
        return load_file(str(root / "vae" / "vae_v2.safetensors"))["decoder.conv.weight"]

    assert torch.equal(decoder(dst), tuned["decoder.conv.weight"])
    assert torch.equal(decoder(src), base["decoder.conv.weight"])  # the export itself is left as it was
    assert (dst / "transformer" / "config.json").is_file() and (dst / "MODEL_CARD.md").read_text() == "card"

    other = dict(tuned, **{"encoder.norm.bias": torch.full((4,), 1e-3)})
    save_file(other, str(tmp_path / "other.safetensors"))
    fresh = tmp_path / "fresh"
    first = r"in 1 of 2 tensors \(first: encoder\.norm\.bias\)"
    with pytest.raises(SystemExit, match="encoder differs .* " + first):
        run.install(src, fresh, tmp_path / "other.safetensors")
    assert not fresh.exists()
    save_file({"decoder.conv.weight": base["decoder.conv.weight"]}, str(tmp_path / "nodec.safetensors"))
    with pytest.raises(SystemExit, match="encoder tensors \\(0\\)"):
        run.install(src, fresh, tmp_path / "nodec.safetensors")
    with pytest.raises(SystemExit, match="no such file"):
        run.install(src, fresh, tmp_path / "missing.safetensors")
    with pytest.raises(SystemExit, match="has no exported model"):
        run.install(tmp_path / "nothing", fresh)


@pytest.mark.slow
def test_tiny_recipe_dry_run_end_to_end(tmp_path):
    """vae -> (carry files) -> dit + export on a fresh work folder -> the pipeline loads and generates."""
    import run

    from stepvid.pipeline import TextToVideoPipeline

    out1, out2 = tmp_path / "out1", tmp_path / "out2"
    assert run.main(["--phase", "vae", "--tiny", "--work", str(tmp_path / "w1"), "--out", str(out1),
                     "--workers", "1", "--device", "cpu"]) == 0
    rep = json.loads((out1 / "report.json").read_text())
    assert rep["vae"]["steps"] == 3 and rep["text"]["steps"] == 5
    assert run.main(["--phase", "dit", "--tiny", "--work", str(tmp_path / "w2"), "--from", str(out1), "--out",
                     str(out2), "--workers", "1", "--device", "cpu"]) == 0
    rep = json.loads((out2 / "report.json").read_text())
    assert rep["dit"]["finished"] and rep["dit"]["global_step"] == 7
    assert len(list(out2.iterdir())) <= run.MAX_RETURN_FILES
    model = tmp_path / "w3"
    run.unpack(out2, model)
    pipe = TextToVideoPipeline.from_pretrained(model / "bundled", device="cpu")
    frames = pipe("a red circle moving to the right", progress=False)
    assert frames.shape == (17, 32, 32, 3) and frames.dtype == np.uint8


def _lines_sh(out: Path, budget: str, state: Path, env: dict, *specs: str):
    """``lines.sh OUT BUDGET STATE 1 0 SPECS...`` (1 prompt per language, seed 0) from the repository root."""
    import subprocess

    return subprocess.run(["bash", "recipes/bundled/lines.sh", str(out), budget, str(state), "1", "0", *specs],
                          check=False, cwd=RECIPE.parents[1], env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_lines_train_side_by_side_continue_and_score_on_cpu(tmp_path):
    """lines.sh on the CPU at toy stage sizes: two new lines from the shipped model (one with a scene mix) are
    trained, packed (the tar holds the line's own DiT) and scored; a second call continues a line from its own
    export; a malformed line is refused."""
    import io
    import os
    import subprocess
    import tarfile

    stage = {"height": 32, "width": 32, "frames": 17, "samples": 8, "steps": 3, "batch_size": 4, "compile": "false"}
    env = dict(os.environ, GPUS="0", LINES_DIR=str(tmp_path / "lines"),
               RUN_ARGS=" ".join(f"--set dit.stages.2.{k}={v}" for k, v in stage.items()) + " --set dit.warmup_steps=1",
               ADH_ARGS="--steps 2 --objects 1 --frames 17 --height 32 --width 32 --batch 2")
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"done": [], "reports": {}}))

    def lines(out: Path, *specs: str) -> subprocess.CompletedProcess:
        return _lines_sh(out, "1.3", state, env, *specs)

    mix = '--set seed=4 --set "dit.stages.2.mix={shapes: {star: 2}, objects: [1, 2, 1]}"'
    r = lines(tmp_path / "o1", "a=--set seed=3", f"b={mix}")
    assert r.returncode == 0, r.stdout + r.stderr
    for name in ("a", "b"):
        assert f"{name}: new line from stepvid/bundled" in r.stdout
        work = tmp_path / "lines" / name
        assert json.loads((work / "state.json").read_text())["reports"]["dit"]["global_step"] >= 1
        parts = sorted((tmp_path / "o1").glob(f"artifacts-{name}.tar.*"))
        with tarfile.open(fileobj=io.BytesIO(b"".join(p.read_bytes() for p in parts))) as tar:
            members = {m.name: m for m in tar.getmembers() if m.isfile()}
            shards = sorted(n for n in members if n.endswith(".safetensors"))
            assert shards and all(n.startswith("bundled/transformer/") for n in shards)
            assert {"state.json", "bundled/stepvid.json", "bundled/MODEL_CARD.md"} <= set(members)
            for n in shards:
                assert tar.extractfile(members[n]).read() == (work / n).read_bytes()
        rows = [json.loads(x) for x in (tmp_path / "o1" / f"{name}-adh.jsonl").read_text().splitlines()]
        assert sorted(x["lang"] for x in rows) == ["en", "zh"] and all("passed" in x for x in rows)
    assert "| 1 | zh | 1 |" in (tmp_path / "o1" / "summary.txt").read_text()

    r = lines(tmp_path / "o2", "a=--set seed=5")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "a: continuing its own dit" in r.stdout
    r = lines(tmp_path / "o3", "no name here")
    assert r.returncode == 2 and "bad line 'no name here'" in r.stderr


@pytest.mark.slow
def test_vae_lines_fine_tune_the_whole_vae_and_score_it_on_cpu(tmp_path):
    """KIND=vae lines.sh: a full (anchored) fine-tune of the shipped VAE on a copy of it; the tar holds the line's
    new VAE, the summary its held-out PSNR, latent drift and benchmark PSNR; a second call continues the line."""
    import io
    import os
    import subprocess
    import tarfile

    repo = RECIPE.parents[1]
    sets = {"target.height": 32, "target.width": 32, "vae.clips": 2, "vae.images": 2, "vae.batch_size": 1,
            "vae.image_batch_size": 1, "vae.eval_clips": 1, "vae.steps": 2, "vae.warmup": 1}
    env = dict(os.environ, GPUS="0", KIND="vae", PSNR_CLIPS="1", PSNR_SIZE="32 32 17", LINES_DIR=str(tmp_path / "lines"),
               RUN_ARGS=" ".join(f"--set {k}={v}" for k, v in sets.items()))
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"done": ["vae", "text"], "reports": {}}))

    def lines(out: Path, *specs: str) -> subprocess.CompletedProcess:
        return _lines_sh(out, "1", state, env, *specs)

    r = lines(tmp_path / "o1", "anc=--set vae.anchor_weight=1")
    assert r.returncode == 0, r.stdout + r.stderr
    work = tmp_path / "lines" / "anc"
    report = json.loads((work / "state.json").read_text())["reports"]["vae"]
    assert report["steps"] == 2 and report["continued"] and not report["decoder_only"]
    assert 0.0 < report["latent_drift"] < 1.0, report
    new = (work / "vae" / "vae_v2.safetensors").read_bytes()
    assert new != (repo / "stepvid" / "bundled" / "vae" / "vae_v2.safetensors").read_bytes()
    parts = sorted((tmp_path / "o1").glob("artifacts-anc.tar.*"))
    with tarfile.open(fileobj=io.BytesIO(b"".join(p.read_bytes() for p in parts))) as tar:
        assert tar.extractfile("vae/vae_v2.safetensors").read() == new
    summary = (tmp_path / "o1" / "summary.txt").read_text()
    assert '"latent_drift"' in summary and "VAE PSNR on 1 other held-out 32x32x17 clips:" in summary, summary
    r = lines(tmp_path / "o2", "anc=--set vae.anchor_weight=1")
    assert r.returncode == 0 and "anc: continuing its own vae (2 steps in its last call)" in r.stdout, r.stdout

    # A DiT line whose work/vae is the new VAE trains on its latents and returns it with the DiT.
    import shutil

    new = (work / "vae" / "vae_v2.safetensors").read_bytes()  # the second call's

    for name in ("d", "e"):
        dit = tmp_path / "lines" / name
        shutil.copytree(repo / "stepvid" / "bundled", dit / "bundled")
        shutil.copy(work / "vae" / "vae_v2.safetensors", dit / "bundled" / "vae" / "vae_v2.safetensors")
        shutil.copy(state, dit / "state.json")
    stage = {"height": 32, "width": 32, "frames": 17, "samples": 4, "steps": 2, "batch_size": 2, "compile": "false"}
    env.update(KIND="dit", RUN_ARGS=" ".join(f"--set dit.stages.2.{k}={v}" for k, v in stage.items()),
               ADH_ARGS="--steps 1 --objects 1 --frames 17 --height 32 --width 32 --batch 2")
    r = lines(tmp_path / "o3", "d=--set seed=1", "e=--set seed=2")
    assert r.returncode == 0, r.stdout + r.stderr
    assert (dit / "vae" / "vae_v2.safetensors").read_bytes() == new  # what it trained on
    assert (dit / "bundled" / "vae" / "vae_v2.safetensors").read_bytes() == new  # what it exported
    parts = sorted((tmp_path / "o3").glob("artifacts-vae-*.tar.*"))  # once for both lines
    with tarfile.open(fileobj=io.BytesIO(b"".join(p.read_bytes() for p in parts))) as tar:
        assert tar.extractfile("bundled/vae/vae_v2.safetensors").read() == new
    files = sorted(p.name for p in (tmp_path / "o3").iterdir())
    payload = [f for f in files if f != "summary.txt"]  # both lines' DiT parts, the VAE's once, 2 jsonl
    assert "== e" in r.stdout and len(payload) == len(list((tmp_path / "o3").glob("artifacts-*"))) + 2, files
    assert ("summary.txt" in files) == (len(payload) < 8), files  # the summary only while a call's 8 files allow


def test_start_vae_new_decoder_on_a_shipped_encoder(tmp_path):
    """vae.encoder_from: a new VAE of vae.config (here a wider decoder with a 1x1x1 unpatchify) starts with the
    file's encoder bit for bit — so `install --vae` accepts it for the DiT trained on that encoder — replacing a
    work VAE of another architecture; a later call continues it; a mismatched encoder is refused by key/shape."""
    import dataclasses

    import run
    import torch

    from stepvid.models.vae import VAEConfig, VideoVAE

    torch.manual_seed(0)
    shipped = VideoVAE(VAEConfig.preset("tiny"))
    src = shipped.save_pretrained(tmp_path / "shipped")
    wide = dataclasses.replace(shipped.config, decoder_ch=32, unpatchify_kernel=1)
    cfg = {"seed": 0, "vae": {"config": {k: list(v) if isinstance(v, tuple) else v
                                         for k, v in dataclasses.asdict(wide).items()}, "encoder_from": str(src)}}
    path = tmp_path / "work" / "vae" / "vae_v2.safetensors"
    shipped.save_pretrained(path.parent)  # what a VAE line copies in first: the shipped VAE, another architecture

    vae, continued = run.start_vae(cfg, path, "cpu")
    assert not continued and vae.config == wide
    for k, w in shipped.state_dict().items():
        if k.startswith("encoder."):
            assert torch.equal(vae.state_dict()[k], w), k
    vae.save_pretrained(path.parent)
    run.check_same_encoder(path, src)  # install --vae accepts it
    again, continued = run.start_vae(cfg, path, "cpu")
    assert continued and torch.equal(again.decoder.conv_out.weight, vae.decoder.conv_out.weight)
    assert run.start_vae({"seed": 0, "vae": {"config": cfg["vae"]["config"]}}, path, "cpu")[1]

    cfg["vae"]["config"]["encoder_ch"] = 8
    with pytest.raises(ValueError, match=r"encoder\.conv_in\.conv\.weight has shape \[16, 3, 3, 3, 3\]"):
        run.start_vae(cfg, tmp_path / "none" / "vae_v2.safetensors", "cpu")


def test_start_vae_warm_starts_a_widened_decoder(tmp_path):
    """vae.decoder_from: a new VAE whose upper decoder levels are wider (mid width unchanged) takes the file's
    decoder tensors wherever key and shape agree — latent path, mid block and lowest level, bit for bit — and
    leaves the widened levels fresh; the result is reported, continued by a later call, and a file that shares
    no decoder tensor is refused."""
    import dataclasses

    import run
    import torch
    from safetensors.torch import save_file

    from stepvid.models.vae import VAEConfig, VideoVAE

    torch.manual_seed(0)
    shipped = VideoVAE(VAEConfig.preset("tiny"))  # decoder 16 x (1, 1, 2, 2): mid 32
    src = shipped.save_pretrained(tmp_path / "shipped")
    wide = dataclasses.replace(shipped.config, decoder_ch=32, decoder_ch_mult=(1, 1, 1, 1))  # mid still 32
    cfg = {"seed": 0, "vae": {"config": {k: list(v) if isinstance(v, tuple) else v
                                         for k, v in dataclasses.asdict(wide).items()},
                              "encoder_from": str(src), "decoder_from": str(src)}}
    path = tmp_path / "work" / "vae" / "vae_v2.safetensors"
    vae, continued = run.start_vae(cfg, path, "cpu")
    assert not continued and vae.config == wide
    theirs, own = shipped.state_dict(), vae.state_dict()
    same = [k for k in own if k.startswith("decoder.") and k in theirs and theirs[k].shape == own[k].shape]
    assert {"decoder.conv_unpatchify.conv.conv.weight", "decoder.mid.attn_1.q.conv.weight",
            "decoder.up.3.block.0.conv1.conv.weight"} <= set(same)
    for k in same:
        assert torch.equal(own[k], theirs[k]), k
    assert own["decoder.up.0.block.0.conv1.conv.weight"].shape != theirs["decoder.up.0.block.0.conv1.conv.weight"].shape
    n_decoder = sum(k.startswith("decoder.") for k in own)
    assert run.load_vae_part(VideoVAE(wide), src, "decoder", strict=False) == (len(same), n_decoder - len(same))
    vae.save_pretrained(path.parent)
    again, continued = run.start_vae(cfg, path, "cpu")
    assert continued and torch.equal(again.decoder.conv_out.weight, vae.decoder.conv_out.weight)

    save_file({"decoder.unrelated": torch.zeros(2)}, str(tmp_path / "other.safetensors"))
    with pytest.raises(ValueError, match="no decoder tensor matches"):
        run.load_vae_part(VideoVAE(wide), tmp_path / "other.safetensors", "decoder", strict=False)
    with pytest.raises(FileNotFoundError, match="decoder_from"):
        run.load_vae_part(VideoVAE(wide), tmp_path / "missing.safetensors", "decoder", strict=False)


def _tiny_dual_path_vae(seed: int = 0):
    import torch

    from stepvid.models.vae import VAEConfig, VideoVAE

    torch.manual_seed(seed)
    return VideoVAE(VAEConfig.preset("tiny")).eval()


def test_fit_k1_recovers_a_conv_that_only_uses_its_centre_tap():
    """Closed form: a k3 unpatchify conv whose only non-zero tap is the current frame's centre pixel IS a 1x1x1
    conv, so the least-squares k1 fit must reproduce it exactly (R² 1; the weights themselves are not unique:
    the conv's inputs span fewer dimensions than its channels) and decode identically; every other tensor is
    copied bit for bit."""
    import torch
    from unpatchify_k1 import fit_k1

    vae = _tiny_dual_path_vae()
    w = vae.decoder.conv_unpatchify.conv.conv.weight
    with torch.no_grad():
        centre = w[:, :, -1, 1, 1].clone()
        w.zero_()
        w[:, :, -1, 1, 1] = centre
    z = [torch.randn(2, 6, 4, 3, 3) for _ in range(4)]
    new, r2 = fit_k1(vae, z)
    assert new.config.unpatchify_kernel == 1 and r2 > 1 - 1e-9
    with torch.no_grad():
        assert torch.allclose(new.decode(z[0]), vae.decode(z[0]), atol=1e-4)
    for k, v in vae.state_dict().items():
        if not k.startswith("decoder.conv_unpatchify."):
            assert torch.equal(new.state_dict()[k], v), k


def test_fit_k1_beats_the_centre_tap_and_reports_its_r2():
    """A general k3 conv: the fit's squared error over the fit data is no larger than any other k1's (here the
    centre tap's and a perturbed fit's), its R² equals 1 - RSS/TSS recomputed directly in float64, and a VAE that
    is already k1 (or has no dual path) is refused."""
    import dataclasses

    import torch
    from unpatchify_k1 import fit_k1, unpatchify_pairs

    from stepvid.models.vae import VideoVAE

    vae = _tiny_dual_path_vae(1)
    z = [torch.randn(2, 6, 4, 3, 3) for _ in range(6)]
    new, r2 = fit_k1(vae, z)
    x, y = (torch.cat(t).double() for t in zip(*(unpatchify_pairs(vae, b) for b in z)))
    c = new.decoder.conv_unpatchify.conv.conv
    w, b = c.weight[:, :, 0, 0, 0].double(), c.bias.double()

    def sse(w_, b_):
        return (y - x @ w_.T - b_).pow(2).sum().item()

    k3 = vae.decoder.conv_unpatchify.conv.conv
    fit = sse(w, b)
    assert fit < sse(k3.weight[:, :, -1, 1, 1].double(), k3.bias.double())
    assert fit < sse(w + 1e-3 * torch.randn_like(w), b)
    assert abs(r2 - (1 - fit / (y - y.mean(0)).pow(2).sum().item())) < 1e-4
    with pytest.raises(ValueError, match="unpatchify_kernel=1"):
        fit_k1(new, z)
    with pytest.raises(ValueError, match="dual_path=False"):
        fit_k1(VideoVAE(dataclasses.replace(vae.config, dual_path=False)), z)
