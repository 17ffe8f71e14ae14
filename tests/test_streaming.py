"""Block streaming (stepvid.models.streaming) on the CPU: the same bookkeeping the CUDA path runs, without
streams. The streamed forward must equal the resident one bit for bit; fp8 storage must stay inside the e4m3
rounding bound; the pipeline, the CLI and the memory estimate must take ``offload="blocks"``."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest
import torch

import stepvid.generation_memory as gm
from stepvid.bench import build_random_dit, dit_inputs
from stepvid.generation_memory import MemoryEstimate, check_generation_memory, estimate_generation_memory
from stepvid.model_folder import plan_model
from stepvid.models.dit import dit_config, dit_key_shapes
from stepvid.models.streaming import (
    ALIGN,
    FP8,
    BlockStreamer,
    dequantize_fp8,
    quantize_fp8,
    stream_blocks,
    streaming_footprint,
)
from stepvid.pipeline import TextToVideoPipeline
from stepvid.testing.checkpoint_fixtures import write_tiny_checkpoint

CPU = torch.device("cpu")
CFG = dit_config("tiny", num_layers=5, num_attention_heads=2, attention_head_dim=64, rope_split=(32, 16, 16))


@pytest.fixture(scope="module")
def resident():
    return build_random_dit(CFG, CPU, torch.float32, seed=3)


@pytest.fixture(scope="module")
def inputs():
    # Two rows with different text lengths: the guided batch (prompt, shorter negative prompt).
    return dit_inputs(CFG, (2, 3, 4), 2, 10, CPU, torch.float32, text_valid=[10, 4], seed=1)


def _streamed(model, buffers=2, weights="model"):
    s = copy.deepcopy(model)
    stream_blocks(s, CPU, buffers, weights)
    return s


@torch.no_grad()
@pytest.mark.parametrize("buffers", [1, 2, 3])
def test_streamed_forward_is_bit_identical(resident, inputs, buffers):
    ref = resident(**inputs)
    model = _streamed(resident, buffers)
    for _ in range(2):  # the second forward uses the blocks prefetched at the end of the first
        assert torch.equal(model(**inputs), ref)
    for i in range(2):  # cfg split: one row per call (compared with the resident model's row call)
        row = {k: v[i : i + 1] for k, v in inputs.items()}
        assert torch.equal(model(**row), resident(**row))
    model.capture_safe = resident.capture_safe = True
    try:
        assert torch.equal(model(**inputs), resident(**inputs))
    finally:
        resident.capture_safe = False


@torch.no_grad()
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device (the side-stream path)")
@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_cuda_streams_are_bit_identical(dtype):
    """On CUDA: pinned host memory, copies on a side stream, events; many forwards in a row, cfg-split rows."""
    cuda = torch.device("cuda")
    model = build_random_dit(CFG, cuda, dtype, seed=3)
    x = dit_inputs(CFG, (3, 16, 16), 2, 40, cuda, dtype, text_valid=[40, 9], seed=1)
    rows = [{k: v[i : i + 1] for k, v in x.items()} for i in range(2)]
    ref = [model(**x), *(model(**r) for r in rows)]
    streamer = stream_blocks(model, cuda, 2)
    assert all(p.device.type == "cpu" and p.is_pinned() for p in model.transformer_blocks.parameters())
    for _ in range(3):
        assert torch.equal(model(**x), ref[0])
        assert all(torch.equal(model(**r), want) for r, want in zip(rows, ref[1:]))
    assert streamer.loads == 2 + 9 * CFG.num_layers


@torch.no_grad()
def test_buffers_are_reused_and_blocks_parked(resident, inputs):
    model = _streamed(resident, 2)
    st = model.block_streamer
    slots = [(s.data_ptr(), s.data_ptr() + s.numel()) for s in st._slots]
    seen = []
    for blk in model.transformer_blocks:
        blk.register_forward_pre_hook(lambda m, a: seen.append(m.attn1.wqkv.weight.data_ptr()))
    n = CFG.num_layers
    model(**inputs)
    assert st.loads == 2 + n  # two to start, then one per block (the last two: the next forward's first)
    model(**inputs)
    assert st.loads == 2 + 2 * n and len(seen) == 2 * n
    assert [s.data_ptr() for s in st._slots] == [a for a, _ in slots]  # the same two buffers throughout
    slot_of = [next(k for k, (a, b) in enumerate(slots) if a <= p < b) for p in seen]
    assert slot_of == [i % 2 for i in range(2 * n)]  # round robin, across forwards too
    assert len(set(seen)) == 2
    # Idle blocks point back at host memory with the exact values: the state dict is the resident model's.
    assert all(
        not any(a <= p.data_ptr() < b for a, b in slots) for p in model.transformer_blocks.parameters()
    )
    ref = resident.state_dict()
    got = model.state_dict()
    assert got.keys() == ref.keys() and all(torch.equal(got[k], ref[k]) for k in ref)


@torch.no_grad()
def test_interrupted_forward_leaves_a_working_model(resident, inputs):
    model = _streamed(resident, 2)
    boom = model.transformer_blocks[2].register_forward_pre_hook(lambda m, a: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        model(**inputs)
    boom.remove()
    assert torch.equal(model(**inputs), resident(**inputs))


def test_fp8_rounding_bound():
    """|q*s - w| <= max(2^-4 |w|, 2^-10 s) per element (3 mantissa bits, round to nearest; subnormal spacing
    2^-9 s below 2^-6 s), checked in fp64, and nearly attained (the bound is the exact one)."""
    g = torch.Generator().manual_seed(0)
    w = torch.randn(64, 300, generator=g, dtype=torch.float64)
    w *= torch.logspace(-8, 3, 64, dtype=torch.float64)[:, None]  # rows of very different magnitude
    w[:, :40] *= torch.logspace(-7, 0, 40, dtype=torch.float64)  # subnormal-range values in every row
    w[5] = 0.0  # an all-zero row
    q, s = quantize_fp8(w)
    assert q.dtype == FP8 and s.dtype == torch.float32 and s[5] == 1
    w_hat = dequantize_fp8(q, s, torch.float64)
    err = (w_hat - w).abs()
    bound = torch.maximum(2.0**-4 * w.abs(), 2.0**-10 * s.double()[:, None])
    assert (err <= bound).all()
    ratio = (err / bound)[w != 0]
    assert ratio.max() > 0.9  # the bound is attained up to the sampling
    assert torch.equal(w_hat[5], w[5])
    # the row's largest value maps to 448 and comes back up to the scale's fp32 rounding
    top = w.abs().argmax(dim=1)
    torch.testing.assert_close(w_hat.gather(1, top[:, None]), w.gather(1, top[:, None]), rtol=2**-23, atol=0)


@torch.no_grad()
def test_fp8_dit_output_error(resident, inputs):
    """fp8 block weights on a tiny DiT in fp32, against the fp64 model: measured 4e-3 (largest difference /
    largest output) vs 4e-7 for the fp32 model itself."""
    ref64 = copy.deepcopy(resident).double()(
        **{k: v.double() if v.is_floating_point() else v for k, v in inputs.items()}
    )
    model = _streamed(resident, 2, "fp8")

    def rel(x):
        return ((x.double() - ref64).abs().max() / ref64.abs().max()).item()

    e8, e32 = rel(model(**inputs)), rel(resident(**inputs))
    assert e32 < 1e-6
    assert 1e-4 < e8 < 2e-2, e8
    lin = model.transformer_blocks[0].attn1.wqkv.weight
    assert lin.isnan().all() and lin.untyped_storage().nbytes() == 4  # idle fp8 weights hold no memory
    st = model.block_streamer
    quantised = [e for e in st.layout.entries if e.fp8]
    assert {e.name for e in quantised} == {
        "attn1.wqkv.weight",
        "attn1.wo.weight",
        "attn2.wq.weight",
        "attn2.wkv.weight",
        "attn2.wo.weight",
        "ff.net.0.proj.weight",
        "ff.net.2.weight",
    }


def _param_bytes(shapes: dict[str, list[int]], keep, nbytes) -> int:
    return sum(math.prod(v) * nbytes(k) for k, v in shapes.items() if keep(k))


def test_footprint_of_the_30b_model():
    """The released DiT streamed in bf16 / fp8, against counts from its key manifest."""
    shapes = dit_key_shapes("stepvideo-t2v")
    blk = {k.split(".", 2)[2]: v for k, v in shapes.items() if k.startswith("transformer_blocks.0.")}
    n_blk = len(blk)
    resident = _param_bytes(shapes, lambda k: not k.startswith("transformer_blocks."), lambda k: 2)
    block = _param_bytes(blk, lambda k: True, lambda k: 2)
    linear = {
        "attn1.wqkv.weight",
        "attn1.wo.weight",
        "attn2.wq.weight",
        "attn2.wkv.weight",
        "attn2.wo.weight",
        "ff.net.0.proj.weight",
        "ff.net.2.weight",
    }
    block8 = _param_bytes(blk, lambda k: True, lambda k: 1 if k in linear else 2)
    scales = sum(blk[k][0] * 4 for k in linear)
    work = _param_bytes(blk, lambda k: k in linear, lambda k: 2)
    dev, host = streaming_footprint(dit_config("stepvideo-t2v"), torch.bfloat16)
    assert 0 <= dev - (resident + 2 * block) <= 2 * n_blk * ALIGN
    assert 0.69e9 < resident < 0.70e9 and 1.20e9 < block < 1.21e9  # 0.7 GB + 48 x 1.21 GB = 58.7 GB
    assert 48 * block <= host <= 48 * block * 1.04  # pinned power-of-two chunks: 7 blocks in 8 GiB
    dev8, host8 = streaming_footprint(dit_config("stepvideo-t2v"), torch.bfloat16, weights="fp8")
    assert 0 <= dev8 - (resident + 2 * (block8 + scales) + work) <= 2 * (n_blk + 7) * ALIGN + ALIGN * 7
    assert 48 * (block8 + scales) <= host8 <= 48 * (block8 + scales) * 1.06
    assert host8 < 0.52 * host


@torch.no_grad()
def test_footprint_matches_a_real_streamer(resident):
    model = _streamed(resident, 2, "fp8")
    st = model.block_streamer
    on_device = sum(
        p.numel() * p.element_size()
        for n, p in model.named_parameters()
        if not n.startswith("transformer_blocks.")
    )
    dev, _ = streaming_footprint(CFG, torch.float32, 2, "fp8")
    assert dev == on_device + st.device_bytes
    assert st.host_bytes == CFG.num_layers * st.layout.nbytes  # CPU: exact sizes, not pinned chunks


def test_bad_options(resident, inputs):
    with pytest.raises(ValueError, match="weights must be one of"):
        stream_blocks(copy.deepcopy(resident), CPU, weights="int4")
    with pytest.raises(ValueError, match="buffers must be an integer >= 1"):
        stream_blocks(copy.deepcopy(resident), CPU, buffers=0)
    model = _streamed(resident)
    with pytest.raises(ValueError, match="already streamed"):
        stream_blocks(model, CPU)
    with pytest.raises(RuntimeError, match="inference-only"):
        model(**inputs)
    with pytest.raises(TypeError, match="StepVideoDiT"):
        stream_blocks(torch.nn.Linear(2, 2), CPU)
    odd = copy.deepcopy(resident)
    odd.transformer_blocks[1].norm1 = torch.nn.LayerNorm(3)
    with pytest.raises(ValueError, match="block 1 does not have block 0's"):
        BlockStreamer(odd.transformer_blocks, CPU)


# ------------------------------------------------------------------------------------------------ pipeline


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory):
    return write_tiny_checkpoint(tmp_path_factory.mktemp("stream"), seed=2).root


SMALL = {"num_frames": 17, "height": 32, "width": 48, "steps": 2, "seed": 5, "progress": False}


def test_pipeline_blocks_offload_equals_default(tiny_dir):
    base = TextToVideoPipeline.from_pretrained(tiny_dir, device="cpu", dtype="fp32")
    streamed = TextToVideoPipeline.from_pretrained(tiny_dir, device="cpu", dtype="fp32", offload="blocks")
    assert streamed.transformer.block_streamer is not None
    assert streamed.text_encoder.llm.block_streamer is not None  # Step-LLM's layers stream too
    assert base.text_encoder.llm.block_streamer is None
    a = base("a red circle", **SMALL)
    b = streamed("a red circle", **SMALL)
    streamed.cfg_split = True
    c = streamed("a red circle", **SMALL)
    assert np.array_equal(a, b) and a.std() > 0
    assert np.abs(c.astype(int) - a).max() <= 1  # batch 1 vs 2 GEMM blocking, as for the resident model
    with pytest.raises(
        ValueError, match="offload must be one of 'none', 'text', 'model', 'blocks'; got 'disk'"
    ):
        TextToVideoPipeline(base.transformer, base.vae, base.text_encoder, offload="disk")
    with pytest.raises(ValueError, match="stream_weights='fp8' needs offload='blocks'"):
        TextToVideoPipeline.from_pretrained(tiny_dir, device="cpu", stream_weights="fp8")


def test_generate_cli_offload_blocks(tiny_dir, tmp_path, capsys):
    from stepvid.cli import main
    from stepvid.video import read_video

    args = [
        "generate",
        "a red circle",
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
        "3",
    ]
    outs = []
    for extra in ([], ["--offload", "blocks"], ["--offload", "blocks", "--stream-weights", "fp8"]):
        out = tmp_path / f"{len(extra)}.gif"  # GIF: x264 may encode the same frames differently (docs/generate.md)
        assert main([*args, *extra, "--output", str(out)]) == 0
        outs.append(read_video(out).astype(int))
    assert np.array_equal(outs[0], outs[1])
    assert 0 < np.abs(outs[2] - outs[0]).mean() < 8  # fp8 weights: a nearby video, not the same one
    capsys.readouterr()
    assert main([*args, "--stream-weights", "fp8", "--output", str(tmp_path / "x.mp4")]) == 2
    assert "--stream-weights fp8 needs --offload blocks" in capsys.readouterr().err
    assert main([*args, "--offload", "blocks", "--gpus", "2", "--output", str(tmp_path / "y.mp4")]) == 2
    assert "--offload blocks is for one GPU" in capsys.readouterr().err


# ------------------------------------------------------------------------------------------------ memory


def test_memory_estimate_for_blocks(tiny_dir, monkeypatch):
    est = MemoryEstimate({"transformer": 50, "vae": 5, "text_encoder": 40}, 1, 20, 30, 7, 12, 48)
    assert est.device_peak("cuda", "blocks") == max(40 + 1, 12 + 20, 5 + 30)
    assert est.host_peak("cuda", "blocks") == 40 + 5 + 48 + 7  # packed blocks instead of the DiT
    # With a streamed Step-LLM (36 of the text encoder's 40): its 3 device bytes are held through every stage,
    # the other 4 move in to encode; the host holds its 38 packed bytes instead of its 36.
    llm = MemoryEstimate({"transformer": 50, "vae": 5, "text_encoder": 40}, 1, 20, 30, 7, 12, 48, 36, 3, 38)
    assert llm.device_peak("cuda", "blocks") == 3 + max(4 + 1, 12 + 20, 5 + 30)
    assert llm.host_peak("cuda", "blocks") == (4 + 38) + 5 + 48 + 7
    plan = plan_model(tiny_dir, None)
    e = estimate_generation_memory(plan, 17, 32, 48, True, torch.bfloat16, stream_weights="fp8")
    assert (e.stream_device, e.stream_host) == streaming_footprint(
        plan.dit_config, torch.bfloat16, weights="fp8"
    )
    text = plan.components["text_encoder"].info
    assert (e.llm_weights, e.llm_stream_device, e.llm_stream_host) == (
        text.params * 2, *streaming_footprint(text.config, torch.bfloat16))
    other = estimate_generation_memory(plan, 17, 32, 48, True, torch.bfloat16, text_encoder_bytes=10)
    assert other.llm_stream_device == 0  # a caller's own encoder: not streamed, counted whole
    # A card that holds the streamed DiT stage (41 bytes) but not the whole DiT (70): the refusal says so.
    monkeypatch.setattr(gm, "estimate_generation_memory", lambda *a, **k: est)
    monkeypatch.setattr(torch.cuda, "mem_get_info", lambda device=None: (45, 80 * 2**30))
    monkeypatch.setattr(gm, "_host_available", lambda: 2**40)
    with pytest.raises(
        ValueError, match=r"or --offload blocks \(the DiT's blocks streamed from host memory\)"
    ):
        check_generation_memory(plan, 17, 32, 48, True, torch.device("cuda"), torch.bfloat16, offload="model")
    check_generation_memory(plan, 17, 32, 48, True, torch.device("cuda"), torch.bfloat16, offload="blocks")


# ------------------------------------------------------------------------------------------------ Step-LLM


@torch.no_grad()
def test_streamed_step_llm_is_bit_identical_and_stays_in_host_memory():
    """Step-LLM's layers stream like the DiT's blocks (the whole pipeline on a 24 GB card): the same hidden
    states bit for bit, every forward; a component move (stepvid.offload) leaves the streamed layers where the
    streamer parked them and moves the rest."""
    from stepvid.models.text.step_llm import StepLLM, StepLLMConfig
    from stepvid.offload import on_device

    torch.manual_seed(4)
    llm = StepLLM(StepLLMConfig.from_preset("tiny")).eval()
    ids = torch.randint(0, llm.cfg.padded_vocab_size, (2, 9), generator=torch.Generator().manual_seed(5))
    ref = llm(ids)
    streamed = copy.deepcopy(llm)
    st = stream_blocks(streamed, CPU)
    assert streamed.block_streamer is st and len(st.streamed) == llm.cfg.num_layers
    for _ in range(2):
        assert torch.equal(streamed(ids), ref)
    assert st.loads == 2 * llm.cfg.num_layers + 2  # the next forward's first two layers already on their way
    parked = [p.data_ptr() for blk in st.streamed for p in blk.parameters()]
    with on_device(streamed, "meta"):
        assert streamed.tok_embeddings.word_embeddings.weight.device.type == "meta"
        assert all(p.device.type == "cpu" for blk in st.streamed for p in blk.parameters())
    assert [p.data_ptr() for blk in st.streamed for p in blk.parameters()] == parked
    assert torch.equal(streamed(ids), ref)
    with torch.enable_grad(), pytest.raises(RuntimeError, match="inference-only"):
        streamed(ids)


def test_step_llm_footprint():
    """The released Step-LLM streamed in bf16: 48 layers of 0.80 GB packed on the host, the 0.81 GB embedding
    table (65,536 x 6,144) and two layer buffers on the device; a tiny one against a real streamer."""
    from stepvid.models.text.step_llm import StepLLM, StepLLMConfig

    cfg = StepLLMConfig.from_preset("step-llm")
    dev, host = streaming_footprint(cfg, torch.bfloat16)
    emb = 65536 * 6144 * 2
    assert 0 <= dev - (emb + 2 * 0.799e9) < 0.002e9
    assert 48 * 0.799e9 <= host <= 48 * 0.8e9 * 1.12  # pinned 8 GiB chunks of 10 layers: 5 chunks
    tiny = StepLLM(StepLLMConfig.from_preset("tiny"))
    st = stream_blocks(tiny, CPU)
    resident = sum(p.numel() * p.element_size() for n, p in tiny.named_parameters() if ".layers." not in n)
    dev, host = streaming_footprint(tiny.cfg, torch.float32)
    assert dev == resident + st.device_bytes
    assert st.host_bytes == tiny.cfg.num_layers * st.layout.nbytes <= host  # CPU: exact; CUDA: pinned chunks
