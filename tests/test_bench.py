"""`stepvid bench` on the CPU with the tiny preset: the JSON it writes, FLOPs against a count of the real forward's
multiply-adds, MFU recomputed from the JSON, the end-to-end run against a direct pipeline call, bad input."""

from __future__ import annotations

import hashlib
import json
import statistics
from pathlib import Path

import pytest
import torch
from torch import nn

from stepvid import bench
from stepvid.cli import main
from stepvid.models import dit as dit_module
from stepvid.models.dit import StepVideoDiT, dit_config
from stepvid.testing.checkpoint_fixtures import write_tiny_checkpoint
from stepvid.testing.scripts import load_script

REPO = Path(__file__).resolve().parent.parent
TINY = ["--preset", "tiny", "--device", "cpu"]


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory):
    return write_tiny_checkpoint(tmp_path_factory.mktemp("tiny_bench"), seed=2).root


def counted_flops(layers: int, grid: tuple[int, int, int], text_len: int, batch: int, monkeypatch) -> tuple[int, int]:
    """(whole forward, first block) FLOPs counted while a tiny DiT really runs: 2 per multiply-add of every
    Linear and Conv2d call (from the tensors it got) and 4 * B * H * Nq * Nk * D per attention call (QK^T and
    AV). Independent of estimate_flops: nothing here knows the architecture's formula."""
    cfg = dit_config("tiny", num_layers=layers)
    model = StepVideoDiT(cfg).eval()
    counts = {"total": 0, "block": 0, "in_block": False}

    def add(n: int) -> None:
        counts["total"] += n
        if counts["in_block"]:
            counts["block"] += n

    def on_layer(mod, inp, out):
        if isinstance(mod, nn.Linear):
            add(2 * inp[0].numel() // mod.in_features * mod.in_features * mod.out_features)
        elif isinstance(mod, nn.Conv2d):
            kh, kw = mod.kernel_size
            add(2 * out.numel() * mod.in_channels // mod.groups * kh * kw)

    for m in model.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            m.register_forward_hook(on_layer)
    first = model.transformer_blocks[0]
    first.register_forward_pre_hook(lambda *a: counts.update(in_block=True))
    first.register_forward_hook(lambda *a: counts.update(in_block=False))
    real_attention = dit_module.attention

    def counting_attention(q, k, v, **kw):
        b, nq, h, d = q.shape
        add(4 * b * h * nq * k.shape[1] * d)
        return real_attention(q, k, v, **kw)

    monkeypatch.setattr(dit_module, "attention", counting_attention)
    f, hh, ww = grid
    llm, clip = cfg.caption_channels
    with torch.no_grad():
        model(torch.randn(batch, f, cfg.in_channels, hh, ww), torch.rand(batch), torch.randn(batch, text_len, llm),
              torch.randn(batch, 77, clip))
    return counts["total"], counts["block"]


def test_dit_json_flops_and_mfu(tmp_path, monkeypatch):
    out = tmp_path / "res" / "bench.json"
    rc = main(["bench", *TINY, "--frames", "17", "--height", "32", "--width", "48", "--text-len", "8",
               "--batch", "2", "--attention", "auto,math", "--repeats", "2", "--matmul-size", "128",
               "--json", str(out)])
    assert rc == 0
    res = json.loads(out.read_text())
    assert not list(out.parent.glob(".*tmp*"))  # atomic write left nothing behind
    assert set(res) == {"version", "created", "command", "device", "torch", "cuda", "python", "dtype",
                        "memory_method", "settings", "matmul", "dit", "vae", "e2e"}
    assert (res["version"], res["device"]["type"], res["torch"], res["dtype"]) == (1, "cpu", torch.__version__,
                                                                                  "fp32")
    assert res["vae"] is None and res["e2e"] is None
    assert res["command"].startswith("stepvid bench --preset tiny --frames 17 --height 32 --width 48 --batch 2")
    assert res["matmul"]["measured"] and res["matmul"]["n"] == 128 and res["matmul"]["flops_per_s"] > 0

    d = res["dit"]
    # 17 frames -> 3 latent frames; 32x48 pixels -> 2x3 latent pixels (height first).
    assert (d["latent_grid"], d["video_tokens"], d["text_tokens"], d["batch"]) == ([3, 2, 3], 18, 85, 2)
    total, block = counted_flops(2, (3, 2, 3), 8, 2, monkeypatch)
    assert d["flops"]["forward"] == total
    assert d["flops"]["per_layer"] == block
    assert d["flops"]["outside_layers"] == total - 2 * block
    assert d["flops"]["full_depth_forward"] == total  # the tiny preset has 2 layers
    assert d["weights_bytes"] == 4 * sum(p.numel() for p in StepVideoDiT(dit_config("tiny")).parameters())

    rate = res["matmul"]["flops_per_s"]
    assert [(r["attention"], r["mode"], r["ok"]) for r in d["runs"]] == [("auto", "exact", True),
                                                                       ("math", "exact", True)]
    assert d["reference_run"] == "auto/exact"
    for r in d["runs"]:
        assert len(r["forward_s_samples"]) == len(r["layers_s_samples"]) == 2
        assert r["forward_s"] == pytest.approx(statistics.median(r["forward_s_samples"]))
        assert 0 < r["layers_s"] < r["forward_s"]
        assert r["per_layer_s"] == pytest.approx(r["layers_s"] / 2)
        assert r["mfu"] == pytest.approx(total / r["forward_s"] / rate, rel=1e-12)
        assert r["layer_mfu"] == pytest.approx(block / r["per_layer_s"] / rate, rel=1e-12)
        assert r["full_depth_forward_s"] == pytest.approx(r["outside_layers_s"] + 2 * r["per_layer_s"])
        assert r["activation_peak_bytes"] is None  # not measured on the CPU (see PeakMemory)
    assert d["runs"][0]["max_rel_diff"] == 0
    assert d["runs"][1]["max_rel_diff"] < 1e-5  # another kernel, same maths in fp32


def test_backend_without_kernel_is_reported_not_dropped():
    d = bench.bench_dit("tiny", 1, (17, 32, 32), 1, 8, torch.device("cpu"), torch.float32, 1e10,
                        ["efficient", "math"], repeats=1)
    bad, good = d["runs"]
    assert (bad["attention"], bad["ok"]) == ("efficient", False) and "scaled_dot_product_attention" in bad["error"]
    assert good["ok"] and good["max_rel_diff"] == 0 and d["reference_run"] == "math/exact"


def test_cpu_peak_is_the_resident_high_water_mark():
    probe = bench.PeakMemory(torch.device("cpu"))
    if probe.method != "rss":
        pytest.skip("no /proc/self/clear_refs here")
    with bench.PeakMemory(torch.device("cpu")) as mem:
        before = bench._proc_status_kib("VmRSS") * 1024
        x = torch.ones(2**24)  # 64 MiB, written, then freed
        del x
    assert mem.peak >= before + 60 * 2**20 and mem.growth is None


def test_vae_one_pass_against_time_slice(monkeypatch):
    from stepvid.models.vae import VideoVAE

    calls = []
    real = VideoVAE.decode
    monkeypatch.setattr(VideoVAE, "decode", lambda self, z, **kw: calls.append(kw["time_slice"]) or real(self, z, **kw))
    v = bench.bench_vae("tiny", (17, 32, 48), torch.device("cpu"), torch.float32, warmup=0, repeats=1)
    assert calls == [None, 1]
    assert v["latent_shape"] == [1, 3, 4, 2, 3]
    assert [x["time_slice"] for x in v["variants"]] == [None, 1] and all(x["s"] > 0 for x in v["variants"])
    assert v["max_abs_diff"] < 1e-4  # time slicing is exact up to summation order


def test_e2e_is_the_generate_video(tiny_dir, tmp_path, capsys):
    from stepvid.pipeline import TextToVideoPipeline

    out = tmp_path / "e2e.json"
    rc = main(["bench", *TINY, "--no-dit", "--e2e", "--model", str(tiny_dir), "--frames", "17", "--height", "32",
               "--width", "48", "--steps", "2", "--seed", "7", "--json", str(out)])
    assert rc == 0
    assert "end to end (exact) 17x32x48, 2 steps" in capsys.readouterr().out
    res = json.loads(out.read_text())
    assert res["matmul"] is None and res["dit"] is None
    e = res["e2e"]
    assert (e["num_frames"], e["height"], e["width"], e["steps"], e["cfg"]) == (17, 32, 48, 2, 9.0)
    (r,) = e["runs"]
    assert r["frames_shape"] == [17, 32, 48, 3]
    assert 0 < r["text_s"] + r["denoise_s"] + r["decode_s"] <= r["total_s"]
    assert r["other_s"] == pytest.approx(r["total_s"] - r["text_s"] - r["denoise_s"] - r["decode_s"])
    assert r["per_step_s"] == pytest.approx(r["denoise_s"] / 2)
    if res["memory_method"] == "rss":
        assert r["peak_bytes"] == max(r["text_peak_bytes"], r["denoise_peak_bytes"], r["decode_peak_bytes"]) > 0
    pipe = TextToVideoPipeline.from_pretrained(tiny_dir, device="cpu")
    frames = pipe(bench.DEFAULT_PROMPT, num_frames=17, height=32, width=48, steps=2, seed=7, progress=False)
    assert r["video_sha256"] == hashlib.sha256(frames.tobytes()).hexdigest()


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["--frames", "18"], "num_frames 18"),
        (["--height", "65"], "height 65"),
        (["--width", "0"], "width 0"),
        (["--attention", "auto,bogus"], "'bogus'"),
        (["--mode", "turbo"], "'turbo'"),
        (["--layers", "0"], "--layers"),
        (["--e2e"], "--e2e needs --model"),
        (["--model", "/nonexistent"], "--model /nonexistent"),
        (["--e2e", "--model", "/nonexistent"], "model folder not found: /nonexistent"),
        (["--matmul-rate", "-3"], "--matmul-rate"),
        (["--no-dit"], "nothing to measure"),
    ],
)
def test_bad_input_one_line_error(argv, named, capsys):
    assert main(["bench", *TINY, *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("stepvid bench: error:") and "\n" not in err and named in err


def test_cuda_without_cuda_is_refused(capsys):
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    assert main(["bench", "--preset", "tiny", "--device", "cuda"]) == 2
    err = capsys.readouterr().err
    assert "device 'cuda' requested" in err and err.count("\n") == 1


def test_attention_backends_script_runs_on_bench(capsys):
    script = load_script(REPO / "benchmarks" / "dit_attention_backends.py", "dit_attention_backends")
    script.main(["--device", "cpu", "--preset", "tiny", "--size", "17x32x32", "--backends", "math,auto",
                 "--layers", "1"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("# CPU, tiny, 1 layers, 12 video tokens")
    assert [ln.split(":")[0] for ln in lines[1:]] == ["math      B=1", "math      B=2", "auto      B=1",
                                                      "auto      B=2"]
    assert all("s/layer" in ln and "rel. max diff to math/exact" in ln for ln in lines[1:])


@pytest.mark.slow  # compiles two blocks: ~30-60 s on 2 busy cores
def test_fast_mode_matches_exact():
    d = bench.bench_dit("tiny", 2, (17, 32, 32), 2, 8, torch.device("cpu"), torch.float32, 1e10, ["auto"],
                        ["fast", "exact"], repeats=2)
    exact, fast = d["runs"]
    assert (exact["mode"], fast["mode"]) == ("exact", "fast") and fast["ok"]
    assert fast["max_rel_diff"] < 1e-5


def test_fast_modes_order_fp8_last_and_all_together():
    from stepvid.models.sparse_attention import parse_sparse_attention

    sparse = parse_sparse_attention("1x1x1")
    assert [m.label for m in bench.fast_modes(None, False, None)] == [""]
    modes = bench.fast_modes(sparse, True, 0.1)
    assert [m.label for m in modes] == ["", "+sparse", "+step-cache 0.1", "+fp8", "+sparse+step-cache 0.1+fp8"]
    assert [m.fp8 for m in modes] == [False, False, False, True, True]  # fp8 cannot be undone: last
    assert modes[-1] == bench.FastMode(modes[-1].label, sparse, True, 0.1)
    settings = bench.BenchSettings(sparse_attention="1x1x1", fp8_matmul=True, step_cache=0.1, e2e=True)
    # the DiT forward has no sampling loop: its variants leave the step cache out, not the sparse+fp8 pairing
    assert [m.label for m in settings.fast_modes(end_to_end=False)] == ["", "+sparse", "+fp8", "+sparse+fp8"]
    assert [m.label for m in settings.fast_modes(end_to_end=True)] == [m.label for m in modes]


def test_dit_fast_modes_distance_to_exact():
    """Sparse rows: a window covering the whole grid is the exact forward (fp32 rounding), a one-tile window is
    not; fp8 matmuls land a few per cent away (e4m3 has a 3-bit mantissa), not further."""
    from stepvid.models.sparse_attention import parse_sparse_attention

    def run(spec: str, fp8: bool) -> list[dict]:
        fast = bench.fast_modes(parse_sparse_attention(spec), fp8, None)
        d = bench.bench_dit("tiny", 2, (34, 64, 64), 2, 8, torch.device("cpu"), torch.float32, 1e10, ["auto"],
                            ["exact"], warmup=0, repeats=1, fast=fast)
        return d["runs"]

    covering = run("window=6x4x4,tile=1x1x1", False)
    assert [r["mode"] for r in covering] == ["exact", "exact+sparse"] and all(r["ok"] for r in covering)
    assert covering[1]["max_rel_diff"] < 1e-5
    narrow = run("window=1x1x1,tile=1x2x2", True)
    assert [r["mode"] for r in narrow] == ["exact", "exact+sparse", "exact+fp8", "exact+sparse+fp8"]
    assert narrow[1]["max_rel_diff"] > 1e-3
    assert 1e-3 < narrow[2]["max_rel_diff"] < 0.2


def test_e2e_fast_modes_are_timed_beside_exact(tiny_dir, tmp_path, capsys):
    out = tmp_path / "e2e.json"
    rc = main(["bench", *TINY, "--no-dit", "--e2e", "--model", str(tiny_dir), "--frames", "17", "--height", "32",
               "--width", "48", "--steps", "3", "--seed", "7", "--sparse-attention", "window=3x2x3,tile=1x1x1",
               "--step-cache", "1e9", "--json", str(out)])
    assert rc == 0
    text = capsys.readouterr().out
    assert "end to end (exact+sparse)" in text and "--sparse-attention window=3x2x3,tile=1x1x1" in text
    runs = {r["mode"]: r for r in json.loads(out.read_text())["e2e"]["runs"]}
    assert list(runs) == ["exact", "exact+sparse", "exact+step-cache 1e+09", "exact+sparse+step-cache 1e+09"]
    assert runs["exact+sparse"]["mean_abs_diff_vs_exact"] < 0.05  # a covering window: the exact video
    # a threshold no change reaches reuses the blocks at every step but the warm-up and the last: another video
    assert runs["exact+step-cache 1e+09"]["mean_abs_diff_vs_exact"] > 0.5


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["--sparse-attention", "window=0x1x1"], "window"),
        (["--step-cache", "0.1"], "--step-cache 0.1 is only used by the end-to-end run"),
    ],
)
def test_bad_fast_mode_flags(argv, named, capsys):
    assert main(["bench", *TINY, *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("stepvid bench: error:") and "\n" not in err and named in err, err
