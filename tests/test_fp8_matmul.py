"""fp8 matmuls in the DiT blocks: the quantisers, Fp8Linear against fp64 maths on its own operands and against
the linear it replaces, the model conversion, the memory estimate and the CLI flag."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from stepvid.bench import build_random_dit, dit_inputs
from stepvid.models.dit import StepVideoDiT, dit_config
from stepvid.models.fp8 import Fp8Linear, fp8_block_linear_params, quantize_rows, use_fp8_matmuls

E4M3_REL = 2.0**-4  # half an ulp of a 3-bit mantissa, relative


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory):
    from stepvid.testing.checkpoint_fixtures import write_tiny_checkpoint

    return write_tiny_checkpoint(tmp_path_factory.mktemp("fp8"), seed=1).root


def _gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def test_quantize_rows_round_trip_within_e4m3_rounding():
    x = torch.randn(33, 64, generator=_gen()) * torch.logspace(-3, 3, 33)[:, None]
    x[5] = 0
    q, scale = quantize_rows(x)
    assert q.dtype == torch.float8_e4m3fn and scale.shape == (33, 1) and scale[5].item() == 1.0
    back = q.double() * scale.double()
    assert back[5].abs().max() == 0
    # Elementwise: |q*s - x| <= rel * |x| for normal e4m3 values, plus the subnormal spacing 2^-9 * s near zero.
    err = (back - x.double()).abs()
    assert bool((err <= E4M3_REL * x.double().abs() + 2.0**-10 * scale.double()).all())
    amax, real = x.double().abs().amax(1), scale[:, 0] != 1
    assert torch.allclose(back.abs().amax(1)[real], amax[real], rtol=1e-6, atol=0)  # the row's largest is exact


def test_fp8_linear_is_the_scaled_product_of_its_fp8_operands():
    """What Fp8Linear computes equals fp64 maths on the quantised operands (fp32 accumulation tolerance)."""
    lin = torch.nn.Linear(64, 48)
    with torch.no_grad():
        lin.weight.copy_(torch.randn(48, 64, generator=_gen(1)))
        lin.bias.copy_(torch.randn(48, generator=_gen(2)))
    f8 = Fp8Linear(lin)
    x = torch.randn(2, 5, 64, generator=_gen(3))
    xq, sx = quantize_rows(x.reshape(-1, 64))
    ref = (xq.double() * sx.double()) @ (f8.weight_fp8.double() * f8.weight_scale.double().T).T + lin.bias.double()
    torch.testing.assert_close(f8(x).double(), ref.reshape(2, 5, 48), rtol=1e-5, atol=1e-5)


def test_fp8_linear_is_near_the_linear_it_replaces():
    lin = torch.nn.Linear(256, 512)
    x = torch.randn(4, 100, 256, generator=_gen(4))
    ref, got = lin(x), Fp8Linear(lin)(x)
    rel = float((got - ref).norm() / ref.norm())
    assert 0 < rel < 2 * E4M3_REL / 3**0.5  # two e4m3 roundings per product, uniform: ~0.036 seen


def test_bad_linears_and_inputs_are_refused():
    with pytest.raises(ValueError, match="divisible by 16; got a linear 24 -> 40"):
        Fp8Linear(torch.nn.Linear(24, 40))
    with pytest.raises(ValueError, match="expects 32 input features; got shape"):
        Fp8Linear(torch.nn.Linear(32, 16))(torch.randn(3, 16))


def test_use_fp8_matmuls_converts_the_block_linears_only():
    cfg = dit_config("tiny")
    model = build_random_dit(cfg, torch.device("cpu"), torch.float32, seed=0).eval()
    inputs = dit_inputs(cfg, (3, 4, 6), 2, 16, torch.device("cpu"), torch.float32, text_valid=[16, 5], seed=0)
    with torch.no_grad():
        ref = model(**inputs)
    assert use_fp8_matmuls(model) == 7 * cfg.num_layers  # wqkv, wo, wq, wkv, wo, two feed-forward
    block_linears = [m for m in model.transformer_blocks.modules() if isinstance(m, torch.nn.Linear)]
    assert block_linears == []
    assert isinstance(model.proj_out, torch.nn.Linear) and isinstance(model.clip_projection, torch.nn.Linear)
    with torch.no_grad():
        got = model(**inputs)
    rel = float((got - ref).norm() / ref.norm())
    assert 0 < rel < 0.05


def test_fp8_with_block_streaming_is_refused():
    from stepvid.models.streaming import stream_blocks

    model = build_random_dit(dit_config("tiny"), torch.device("cpu"), torch.float32, seed=0).eval()
    stream_blocks(model, "cpu")
    with pytest.raises(ValueError, match="do not combine with block streaming"):
        use_fp8_matmuls(model)


def test_memory_estimate_counts_the_bytes_the_conversion_frees(tiny_dir):
    """estimate_generation_memory(fp8_matmul=True) lowers the DiT's weights by exactly what conversion frees."""
    import tempfile
    from pathlib import Path

    from stepvid.generation_memory import estimate_generation_memory
    from stepvid.model_folder import plan_model
    from stepvid.testing.checkpoint_fixtures import write_tiny_checkpoint

    with tempfile.TemporaryDirectory() as d:
        plan = plan_model(write_tiny_checkpoint(Path(d), seed=0).root)
    f32 = torch.float32
    base = estimate_generation_memory(plan, 17, 32, 48, True, f32).weights["transformer"]
    fp8 = estimate_generation_memory(plan, 17, 32, 48, True, f32, fp8_matmul=True).weights["transformer"]
    model = StepVideoDiT(plan.dit_config)

    def held() -> int:
        return sum(t.numel() * t.element_size() for t in [*model.parameters(), *model.buffers()])

    before = held()
    use_fp8_matmuls(model)
    assert base - fp8 == before - held() > 0
    cfg = plan.dit_config
    assert fp8_block_linear_params(cfg.hidden_size, cfg.ff_mult, cfg.num_layers) == sum(
        m.weight_fp8.numel() for m in model.modules() if isinstance(m, Fp8Linear))


def test_cli_fp8_matmul(tiny_dir, tmp_path, capsys):
    """`stepvid generate --fp8-matmul`: a video near the exact one (far nearer than another seed's), said in the
    summary; refused with --offload blocks before anything loads."""
    from stepvid.cli import main
    from stepvid.video import read_video

    args = ["generate", "a red circle", "--model", str(tiny_dir), "--frames", "17", "--height", "32", "--width", "48",
            "--steps", "2", "--device", "cpu"]

    def make(name: str, *flags: str) -> np.ndarray:
        out = tmp_path / f"{name}.gif"
        assert main([*args, *flags, "-o", str(out)]) == 0
        return read_video(out).astype(int)

    exact = make("exact", "--seed", "3")
    capsys.readouterr()
    fp8 = make("fp8", "--seed", "3", "--fp8-matmul")
    assert "fp8 matmuls in the DiT blocks" in capsys.readouterr().err
    other = make("other", "--seed", "4")
    near, far = np.abs(fp8 - exact).mean(), np.abs(other - exact).mean()
    assert 0 < near < far / 4, (near, far)
    assert main([*args, "--fp8-matmul", "--offload", "blocks", "-o", str(tmp_path / "x.mp4")]) == 2
    assert "--fp8-matmul does not combine with --offload blocks" in capsys.readouterr().err
