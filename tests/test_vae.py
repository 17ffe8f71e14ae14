"""Video-VAE v2: checkpoint layout, golden parity with the official code, layer maths, chunking, tiling.

Relative error everywhere is max|a - b| / max|b| (b = reference), computed in float64. Checks that two ways
of computing the same thing agree (chunking, slicing, tiling, caching) run the model in float64 with the
reduction-order bound of tests/numerics.py, so they hold for any thread count.
"""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
import torch
from numerics import assert_reorder_close, reductions, rel_err
from safetensors import safe_open

from stepvid.models import vae_layers
from stepvid.models.vae import VAEConfig, VideoVAE, _tiled, blend_seams, to_uint8
from stepvid.models.vae_layers import (
    FrameGroupNorm,
    Upsample2d,
    Upsample3d,
    channel_average,
    channel_duplicate,
    conv3d_by_frames,
    pixel_shuffle_3d,
    pixel_unshuffle_3d,
)


def gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


@pytest.fixture(scope="module")
def tiny() -> VideoVAE:
    torch.manual_seed(0)
    return VideoVAE.from_preset("tiny").eval()


@pytest.fixture(scope="module")
def tiny64(tiny) -> VideoVAE:
    """The same weights in float64, for the equivalence checks."""
    model = VideoVAE(tiny.config).double().eval()
    model.load_state_dict(tiny.state_dict())
    return model


def close(net: torch.nn.Module, actual: torch.Tensor, expected: torch.Tensor, norm_len: int = 0,
          msg: str = "") -> None:
    """Equal up to summation order through ``net`` (its conv fan-ins, norm groups of ``norm_len``)."""
    fan_in, depth = reductions(net)
    assert_reorder_close(actual, expected, n=max(fan_in, norm_len), depth=depth, msg=msg)


# Per-frame norm groups at 32x32 pixels: 2 channels x 32 x 32 in the tiny preset (16 channels / 8 groups).
TINY_NORM_32 = 2 * 32 * 32


def golden_config(c: dict) -> VAEConfig:
    """The official constructor's kwargs (configs.json); its decoder has num_res_blocks + 1 blocks."""
    assert c["version"] == 2
    return VAEConfig(z_channels=c["z_channels"], encoder_ch=c["encoder_ch"], encoder_ch_mult=c["encoder_ch_mult"],
                     encoder_num_res_blocks=c["num_res_blocks"], decoder_ch=c["decoder_ch"],
                     decoder_ch_mult=c["decoder_ch_mult"], decoder_num_res_blocks=c["num_res_blocks"] + 1)


# ----------------------------------------------------------------------------- checkpoint layout

def test_released_layout_matches_manifest(reference_dir):
    manifest = json.loads((reference_dir / "stepvideo_vae_v2.json").read_text())
    with torch.device("meta"):
        model = VideoVAE.from_preset("stepvideo-vae-v2")
    shapes = {k: list(v.shape) for k, v in model.state_dict().items()}
    assert shapes == manifest  # released naming, incl. decoder.conv_out.weight
    assert sum(p.numel() for p in model.parameters()) == 498_818_819
    assert sum(p.numel() for p in model.encoder.parameters()) == 109_885_696
    assert sum(p.numel() for p in model.decoder.parameters()) == 388_933_123
    assert VAEConfig.infer({k: tuple(v) for k, v in manifest.items()}) == VAEConfig.preset("stepvideo-vae-v2")


def _norm_len(ch: int, mult: tuple[int, ...], h: int, w: int, groups: int = 32) -> int:
    """Longest per-frame GroupNorm reduction: channels per group x pixels, over the resolution levels."""
    return max(ch * m // groups * (h >> level) * (w >> level) for level, m in enumerate(mult))


def _golden(golden_case, tmp_path) -> tuple[VideoVAE, dict, str]:
    case = golden_case("vae")
    model = VideoVAE.from_pretrained(case.weights_file(tmp_path), dtype=torch.float32)
    assert model.config == golden_config(case.config)  # inferred from the tensor shapes
    return model, case.io, case.source


# Both sides run in fp32 (the recording upcast the bf16 weights), so ours must match up to summation order
# (tests/numerics.py): the conv fan-ins and per-frame norm groups bound the reduction length.
def test_golden_encode_parity_with_official(golden_case, tmp_path):
    model, io, source = _golden(golden_case, tmp_path)
    with torch.no_grad():
        moments = model.encode_raw(io["video"])  # two 17-frame chunks, raw mean ‖ logvar
    c, (h, w) = model.config, io["video"].shape[-2:]
    close(model.encoder, moments, io["moments"], norm_len=_norm_len(c.encoder_ch, c.encoder_ch_mult, h, w),
          msg=f"{source} moments")


def test_golden_decode_parity_with_official(golden_case, tmp_path):
    model, io, source = _golden(golden_case, tmp_path)
    with torch.no_grad():
        frames = model.decode(io["latents"])  # two 3-latent chunks, chunking + seam blend
    c, (h, w) = model.config, io["frames"].shape[-2:]
    close(model.decoder, frames, io["frames"], norm_len=_norm_len(c.decoder_ch, c.decoder_ch_mult, h, w),
          msg=f"{source} frames")


def test_conv_out_key_quirk_and_save_roundtrip(tiny, tmp_path):
    official_tree = {(k.replace("decoder.conv_out.", "decoder.conv_out.conv.") if k.startswith("decoder.conv_out.")
                      else k): v for k, v in tiny.state_dict().items()}
    assert "decoder.conv_out.conv.weight" in official_tree
    other = VideoVAE(tiny.config)
    other.load_state_dict(official_tree)  # the official module-tree name is accepted too
    assert torch.equal(other.decoder.conv_out.weight, tiny.decoder.conv_out.weight)

    path = tiny.save_pretrained(tmp_path / "vae")
    assert path.name == "vae_v2.safetensors"
    with safe_open(str(path), "pt") as f:
        keys = set(f.keys())
    assert {"decoder.conv_out.weight", "decoder.conv_out.bias"} <= keys
    assert not any(k.startswith("decoder.conv_out.conv.") for k in keys)
    loaded = VideoVAE.from_pretrained(tmp_path)  # folder; config (num_groups=8) from the file metadata
    assert loaded.config == tiny.config
    for k, v in tiny.state_dict().items():
        assert torch.equal(loaded.state_dict()[k], v), k


def test_load_errors_name_keys_and_shapes(tiny, tmp_path):
    sd = tiny.state_dict()
    model = VideoVAE(tiny.config)
    missing = {k: v for k, v in sd.items() if k != "encoder.conv_in.conv.bias"}
    with pytest.raises(ValueError, match=r"missing 1: encoder\.conv_in\.conv\.bias \[16\]"):
        model.load_state_dict(missing)
    with pytest.raises(ValueError, match=r"unexpected 1: encoder\.extra \[2, 2\]"):
        model.load_state_dict({**sd, "encoder.extra": torch.zeros(2, 2)})
    bad = {**sd, "decoder.conv_in.conv.bias": torch.zeros(5)}
    with pytest.raises(ValueError, match=r"decoder\.conv_in\.conv\.bias: checkpoint \[5\] vs model \[128\]"):
        model.load_state_dict(bad)
    wide = VideoVAE(VAEConfig.preset("tiny", z_channels=8))
    path = wide.save_pretrained(tmp_path / "wide.safetensors")
    with pytest.raises(ValueError, match=r"(?s)wide\.safetensors: .*shape mismatch"):
        VideoVAE.from_pretrained(path, config="tiny")
    with pytest.raises(FileNotFoundError):
        VideoVAE.from_pretrained(tmp_path / "nothing_here")
    v1_like = {k: v for k, v in sd.items() if not k.startswith("decoder.conv_unpatchify.")}
    with pytest.raises(ValueError, match="not a Video-VAE v2 state dict"):
        VAEConfig.infer({k: tuple(v.shape) for k, v in v1_like.items()})


# ----------------------------------------------------------------------------- layer maths

def test_pixel_unshuffle_channel_order_and_inverse():
    c_in, t_in, h_in, w_in = 2, 5, 4, 6
    ti, hi, wi = torch.meshgrid(torch.arange(t_in), torch.arange(h_in), torch.arange(w_in), indexing="ij")
    # Every value encodes its own (c, t, h, w); +1 on t so the zero front padding is distinguishable.
    x = torch.stack([c * 1e6 + (ti + 1) * 1e4 + hi * 1e2 + wi for c in range(c_in)]).double()[None]
    y = pixel_unshuffle_3d(x, 2)
    assert y.shape == (1, c_in * 8, 3, 2, 3)
    for c, ft, fh, fw, t, h, w in itertools.product(range(c_in), (0, 1), (0, 1), (0, 1), range(3), range(2), range(3)):
        src_t = 2 * t + ft - 1  # one zero frame is padded in front
        want = 0.0 if src_t < 0 else x[0, c, src_t, 2 * h + fh, 2 * w + fw].item()
        assert y[0, c * 8 + ft * 4 + fh * 2 + fw, t, h, w].item() == want
    assert torch.equal(pixel_shuffle_3d(y, 2), x)  # shuffle drops the padded frame again
    assert torch.equal(pixel_unshuffle_3d(pixel_shuffle_3d(y, 2), 2), y)
    assert pixel_shuffle_3d(torch.zeros(1, 16, 3, 2, 2)).shape == (1, 2, 5, 4, 4)  # T -> 2T - 1


def test_channel_average_and_duplicate():
    x = torch.arange(8.0).view(1, 8, 1, 1, 1)
    assert channel_average(x, 2).flatten().tolist() == [1.5, 5.5]  # consecutive groups 0-3, 4-7
    assert channel_duplicate(torch.arange(3.0).view(1, 3, 1, 1, 1), 6).flatten().tolist() == [0, 0, 1, 1, 2, 2]


def test_per_frame_groupnorm_matches_fp64_and_differs_from_3d():
    torch.manual_seed(1)
    norm = FrameGroupNorm(4, 8, eps=1e-5)
    with torch.no_grad():
        norm.weight.normal_()
        norm.bias.normal_()
    x = torch.randn(2, 8, 3, 5, 6) * torch.tensor([1.0, 4.0, 0.25]).view(1, 1, 3, 1, 1) + 0.5
    xd = x.double().view(2, 4, 2, 3, 30)
    mean = xd.mean(dim=(2, 4), keepdim=True)  # per (batch, group, frame)
    var = xd.var(dim=(2, 4), keepdim=True, unbiased=False)
    ref = ((xd - mean) / torch.sqrt(var + 1e-5)).view(2, 8, 3, 5, 6)
    ref = ref * norm.weight.double().view(1, 8, 1, 1, 1) + norm.bias.double().view(1, 8, 1, 1, 1)
    out = norm(x)
    assert_reorder_close(out, ref, n=2 * 30, depth=2, dtype=torch.float32)  # mean, variance over 2 x 5 x 6
    plain_3d = torch.nn.functional.group_norm(x, 4, norm.weight, norm.bias, 1e-5)
    assert (out - plain_3d).abs().max() > 0.5
    # The transpose-free form (what set_fused_norm compiles) is the same maths in either layout, SiLU fused.
    for xi in (x, x.contiguous(memory_format=torch.channels_last_3d)):
        flat = vae_layers.frame_group_norm(xi, norm.weight, norm.bias, 4, 1e-5)
        assert_reorder_close(flat, ref, n=2 * 30, depth=2, dtype=torch.float32)
        act = vae_layers.frame_group_norm(xi, norm.weight, norm.bias, 4, 1e-5, silu=True)
        assert_reorder_close(act, torch.nn.functional.silu(ref), n=2 * 30, depth=2, dtype=torch.float32)
    assert_reorder_close(norm(x, silu=True), torch.nn.functional.silu(ref), n=2 * 30, depth=2, dtype=torch.float32)


def _upsample_layers() -> list[torch.nn.Module]:
    """Upsample3d and Upsample2d in float64 with every parameter random (norm affines too)."""
    torch.manual_seed(14)
    layers = [Upsample3d(6, 3, 1e-5).double(), Upsample2d(6).double()]
    with torch.no_grad():
        for p in (p for m in layers for p in m.parameters()):
            p.normal_()
    return layers


@pytest.mark.parametrize("channels_last", [False, True])
def test_subpixel_upsample_is_interpolate_then_conv(channels_last):
    """The sub-pixel path (phase kernels on the low-resolution input) equals nearest x2 + conv: outputs and
    the gradients w.r.t. input and weights, odd sizes, batch 2, either conv layout; bf16 runs too."""
    x = torch.randn(2, 6, 3, 5, 7, generator=gen(15), dtype=torch.float64)
    if channels_last:  # Upsample2d follows its input's layout
        x = x.contiguous(memory_format=torch.channels_last_3d)
    for layer in _upsample_layers():
        if isinstance(layer, Upsample3d):
            layer.conv3d.conv1.set_channels_last(channels_last)
        g = torch.randn(layer(x).shape, generator=gen(16), dtype=torch.float64)
        results = {}
        for sub in (True, False):
            layer.subpixel = sub
            layer.zero_grad()
            xi = x.clone().requires_grad_()
            out = layer(xi)
            (out * g).sum().backward()
            results[sub] = [out, xi.grad] + [p.grad for p in layer.parameters()]
        fan_in, depth = reductions(layer)
        for a, b in zip(*results.values()):  # backward chains the reductions again
            assert_reorder_close(a, b, n=max(fan_in, 2 * 10 * 14), depth=2 * depth, msg=type(layer).__name__)
        layer.subpixel = True
        with torch.no_grad():
            low = layer.to(torch.bfloat16)(x.to(torch.bfloat16))
            assert low.dtype == torch.bfloat16 and rel_err(low, results[True][0]) < 0.05


def test_subpixel_upsample3d_streams_with_a_one_frame_cache():
    """Slice by slice (conv caches as Decoder.up_path sets them) equals the one-shot pass; conv1's cache holds
    the last low-resolution frame."""
    up3 = _upsample_layers()[0]
    x = torch.randn(2, 6, 5, 5, 7, generator=gen(17), dtype=torch.float64)
    with torch.no_grad():
        ref = up3(x)
        convs = (up3.conv3d.conv1, up3.conv3d.conv2)
        for m in convs:
            m.cache = []
        try:
            out = torch.cat([up3(s) for s in x.split(2, dim=2)], dim=2)
            assert torch.equal(up3.conv3d.conv1.cache[0], x[:, :, -1:])
        finally:
            for m in convs:
                m.cache = None
    close(up3, out, ref, 2 * 10 * 14)


# ----------------------------------------------------------------------------- chunking, causality, seams

def test_frame_count_rules_and_errors(tiny):
    assert [tiny.num_latent_frames(n) for n in (1, 17, 34, 204)] == [1, 3, 6, 36]
    assert [tiny.num_frames(n) for n in (1, 3, 6, 36)] == [1, 17, 34, 204]
    with pytest.raises(ValueError, match=r"20 frames .*multiple of 17 \(nearest: 17 or 34\) or 1 frame"):
        tiny.encode(torch.zeros(1, 20, 3, 32, 32))
    with pytest.raises(ValueError, match=r"4 latent frames .*nearest: 3 or 6"):
        tiny.decode(torch.zeros(1, 4, 4, 2, 2))
    with pytest.raises(ValueError, match=r"multiples of 16, got 32x40"):
        tiny.encode(torch.zeros(1, 1, 3, 32, 40))
    with pytest.raises(ValueError, match=r"latents must be \[B, T_lat, 4, h, w\]"):
        tiny.decode(torch.zeros(1, 3, 5, 2, 2))


def test_encoder_causality_and_image_path(tiny64):
    video = torch.rand(1, 17, 3, 32, 32, generator=gen(2), dtype=torch.float64) * 2 - 1
    with torch.no_grad():
        base = tiny64.encode_raw(video)
        assert base.shape == (1, 3, 8, 2, 2)
        # Latent j depends on frames <= 8j only: 0 <- {0}, 1 <- {0..8}, 2 <- {0..16}.
        for frame, first_changed in ((1, 1), (9, 2)):
            poked = video.clone()
            poked[:, frame] = -poked[:, frame]
            out = tiny64.encode_raw(poked)
            close(tiny64.encoder, out[:, :first_changed], base[:, :first_changed], TINY_NORM_32)
            assert rel_err(out[:, first_changed], base[:, first_changed]) > 1e-3
        # An image is a 1-frame chunk: one latent frame, equal to the first latent of a video starting with it.
        image = tiny64.encode_raw(video[:, :1])
    assert image.shape == (1, 1, 8, 2, 2)
    close(tiny64.encoder, image, base[:, :1], TINY_NORM_32)


def test_decoder_causality_and_image_path(tiny64):
    latents = torch.randn(1, 3, 4, 2, 2, generator=gen(3), dtype=torch.float64)
    with torch.no_grad():
        base = tiny64.decode(latents)
        assert base.shape == (1, 17, 3, 32, 32)
        poked = latents.clone()
        poked[:, 2] += 1.0
        # frame f depends on latents <= ((f + 3)//4 + 1)//2: latent 2 first hits f = 9
        out = tiny64.decode(poked)
        close(tiny64.decoder, out[:, :9], base[:, :9], TINY_NORM_32)
        assert rel_err(out[:, 9], base[:, 9]) > 1e-3
        image = tiny64.decode(latents[:, :1])  # one latent frame decodes to one frame
    assert image.shape == (1, 1, 3, 32, 32)
    close(tiny64.decoder, image, base[:, :1], TINY_NORM_32)


def test_seam_blend_formula_on_constant_chunks():
    prev, cur = torch.full((1, 17, 3, 2, 2), 1.0), torch.zeros(1, 17, 3, 2, 2)
    p, c = blend_seams(prev, cur)
    assert torch.allclose(c[:, 0], torch.tensor(0.4))  # b <- 0.6*0 + 0.4*1
    assert torch.allclose(p[:, -1], torch.tensor(0.76))  # a <- 0.6*1 + 0.4*0.4 (uses the updated b)
    assert torch.equal(p[:, :-1], prev[:, :-1]) and torch.equal(c[:, 1:], cur[:, 1:])


def test_decode_chunks_independently_then_blends(tiny64):
    latents = torch.randn(1, 6, 4, 2, 2, generator=gen(4), dtype=torch.float64)
    with torch.no_grad():
        both = tiny64.decode(latents)
        first, second = tiny64.decode(latents[:, :3]), tiny64.decode(latents[:, 3:])
    assert both.shape == (1, 34, 3, 32, 32)
    a, b = first[:, 16], second[:, 0]
    b_new = 0.6 * b + 0.4 * a
    a_new = 0.6 * a + 0.4 * b_new
    expected = torch.cat([first[:, :16], a_new[:, None], b_new[:, None], second[:, 1:]], dim=1)
    close(tiny64.decoder, both, expected, TINY_NORM_32)


def test_time_sliced_and_single_tile_decode_are_exact(tiny64):
    # After the mid block everything is per-frame or causal in time, so decoding the upsampling levels a few
    # frames at a time with carried causal-conv context must reproduce the one-shot decode.
    latents = torch.randn(1, 3, 4, 2, 2, generator=gen(13), dtype=torch.float64)
    with torch.no_grad():
        ref = tiny64.decode(latents)
        close(tiny64.decoder, tiny64.decode(latents, time_slice=2), ref, TINY_NORM_32)  # slices 2, 2, 1
        # A single 32-pixel tile covering the frame goes through the tiling code and must change nothing.
        tiled = tiny64.decode(latents, tile_size=32, tile_overlap=16, time_slice=1)
        assert tiled.dtype == torch.float64  # the tile blend keeps float64
        close(tiny64.decoder, tiled, ref, TINY_NORM_32)
        assert tiny64.decode(latents[:, :1], time_slice=1).shape == (1, 1, 3, 32, 32)
    assert all(m.cache is None for m in tiny64.modules() if hasattr(m, "cache"))  # caches released
    with pytest.raises(ValueError, match="time_slice must be >= 1"):
        tiny64.decode(latents, time_slice=0)


def test_subpixel_decode_equals_interpolate_decode_one_shot_and_streamed(tiny64):
    latents = torch.randn(1, 3, 4, 2, 3, generator=gen(18), dtype=torch.float64)
    with torch.no_grad():
        ref = tiny64.set_subpixel_upsample(False).decode(latents)
        tiny64.set_subpixel_upsample()
        assert all(m.subpixel for m in tiny64.modules() if isinstance(m, (Upsample2d, Upsample3d)))
        for time_slice in (None, 1, 2):
            close(tiny64.decoder, tiny64.decode(latents, time_slice=time_slice), ref, 2 * 32 * 48,
                  msg=f"time_slice={time_slice}")


@pytest.mark.parametrize("channels_last", [False, True])
@pytest.mark.parametrize("kernel,stride,padding", [((3, 3, 3), (1, 1, 1), (0, 1, 1)), ((1, 1, 1), (1, 1, 1), (0, 0, 0)),
                                                   ((3, 3, 3), (2, 2, 2), (0, 1, 1)), ((2, 2, 2), (1, 1, 1), (0, 0, 0)),
                                                   ((1, 3, 3), (2, 1, 1), (0, 1, 1))])
def test_conv3d_by_frames_is_conv3d(kernel, stride, padding, channels_last):
    """One 2-D conv over output frames, the time taps stacked into channels, equals F.conv3d (float64, batch 2,
    odd sizes, strided); its result is frame-major (or channels-last-3d) memory."""
    x = torch.randn(2, 5, 7, 9, 11, generator=gen(30), dtype=torch.float64)
    w = torch.randn(4, 5, *kernel, generator=gen(31), dtype=torch.float64)
    b = torch.randn(4, generator=gen(32), dtype=torch.float64)
    ref = torch.nn.functional.conv3d(x, w, b, stride, padding)
    out = conv3d_by_frames(x, w, b, stride, padding, channels_last=channels_last)
    assert_reorder_close(out, ref, n=w[0].numel())
    if channels_last:
        assert out.is_contiguous(memory_format=torch.channels_last_3d)
    else:
        assert out.transpose(1, 2).is_contiguous()
    with pytest.raises(ValueError, match="time padding"):
        conv3d_by_frames(x, w, b, stride, (1, 1, 1))


@pytest.mark.parametrize("channels_last", [False, True])
def test_conv_by_frames_decode_and_encode_equal_conv3d(tiny64, channels_last):
    """``set_conv_by_frames``: decode (one shot and streamed) and encode equal the conv3d path up to summation
    order, in either layout, and it switches back."""
    latents = torch.randn(1, 3, 4, 2, 3, generator=gen(33), dtype=torch.float64)
    video = torch.randn(1, 17, 3, 32, 32, generator=gen(34), dtype=torch.float64)
    with torch.no_grad():
        ref_dec, ref_enc = tiny64.decode(latents), tiny64.encode(video)
        tiny64.set_conv_by_frames().set_channels_last(channels_last)
        try:
            for time_slice in (None, 1, 2):
                close(tiny64.decoder, tiny64.decode(latents, time_slice=time_slice), ref_dec, 2 * 32 * 48,
                      msg=f"time_slice={time_slice}")
            close(tiny64.encoder, tiny64.encode(video), ref_enc, TINY_NORM_32)
        finally:
            tiny64.set_conv_by_frames(False).set_channels_last(False)
        assert not any(getattr(m, "by_frames", False) for m in tiny64.modules())
        assert torch.equal(tiny64.decode(latents), ref_dec)


def test_fused_norm_decode_equals_the_plain_path(tiny64, monkeypatch):
    """``set_fused_norm``: each per-frame norm (and SiLU) as per-(channel, frame) statistics then one affine pass,
    the previous conv's bias folded into the norm or the residual add; decode (one shot and time-sliced) and
    encode equal the plain path up to summation order. The maths is checked eager (``_compiled`` made the
    identity): compiling it changes the kernels, not the function."""
    monkeypatch.setattr(vae_layers, "_compiled", lambda fn, dynamic=True: fn)
    latents = torch.randn(1, 6, 4, 2, 3, generator=gen(35), dtype=torch.float64)
    video = torch.randn(1, 17, 3, 32, 32, generator=gen(36), dtype=torch.float64)
    with torch.no_grad():
        ref, ref_enc = tiny64.decode(latents), tiny64.encode(video)
        tiny64.set_fused_norm()
        try:
            for time_slice in (None, 1, 2):
                close(tiny64.decoder, tiny64.decode(latents, time_slice=time_slice), ref, 2 * 32 * 48,
                      msg=f"time_slice={time_slice}")
            close(tiny64.encoder, tiny64.encode(video), ref_enc, TINY_NORM_32)  # the encoder's blocks too
        finally:
            tiny64.set_fused_norm(False)
        assert torch.equal(tiny64.decode(latents), ref)


@pytest.mark.parametrize("static", [False, True])
def test_fused_norm_compiles_every_graph_it_meets(monkeypatch, static):
    """The fused path's compiled entries (dynamic shapes and parameters, one function per variant, a raised
    recompile limit) compile each graph a channels-last time-sliced decode meets, across widths, frame counts
    and layouts — none falls back to eager at Dynamo's recompile limit, which the first version hit (one
    function with and without x_bias / SiLU at static widths: 23 frames, 22 compiled on this preset; on the
    GPU a decode whose first run took 51 s). Dynamo's eager backend traces and guards as inductor would,
    without code generation; its output is the eager function's."""
    from torch._dynamo.utils import counters

    compile_ = torch.compile
    monkeypatch.setattr(vae_layers, "_COMPILED", {})
    monkeypatch.setattr(vae_layers.torch, "compile", lambda fn, **kw: compile_(fn, backend="eager", **kw))
    torch._dynamo.reset()
    counters.clear()
    vae = VideoVAE.from_preset("small").eval().requires_grad_(False).set_channels_last(True)
    latents = torch.randn(1, 6, vae.config.z_channels, 2, 2, generator=gen(37))
    with torch.no_grad():
        ref = vae.decode(latents, time_slice=1)
        vae.set_fused_norm(static=static)
        got = vae.decode(latents, time_slice=1)
    frames = dict(counters["frames"])
    torch._dynamo.reset()
    assert frames["total"] == frames["ok"] > 0, frames
    torch.testing.assert_close(got, ref, rtol=1e-4, atol=1e-4)


def test_fast_layout_per_device_and_width(tiny64):
    """``set_fast_layout``: channels-last convs on the CPU; on CUDA channels-last + fused norms only for a decoder
    as wide as the released one (a narrow one keeps the default layout, eager norms); cuDNN's timed algorithm
    choice is switched on only around CUDA convs in channels-last and restored after."""
    def state(vae):
        convs = [m for m in vae.modules() if isinstance(m, vae_layers.CausalConv3d) and max(m.conv.kernel_size) > 1]
        norms = [m for m in vae.modules() if isinstance(m, FrameGroupNorm)]
        return {m.channels_last for m in convs}, {(m.fused, m.static) for m in norms}

    assert state(tiny64.set_fast_layout("cpu")) == ({True}, {(False, False)})
    assert state(tiny64.set_fast_layout("cuda")) == ({False}, {(False, False)})  # narrow: default layout
    with torch.device("meta"):
        wide = VideoVAE.from_preset("stepvideo-vae-v2")
    assert state(wide.set_fast_layout("cuda")) == ({True}, {(True, True)})  # fused, compiled per shape
    assert state(wide.set_fast_layout("cpu")) == ({True}, {(False, False)})
    before = torch.backends.cudnn.benchmark
    with tiny64.set_fast_layout("cpu")._conv_autotune():  # CPU parameters: nothing to time
        assert torch.backends.cudnn.benchmark == before
    tiny64.set_channels_last(False)


def test_uint8_output_and_sampling(tiny):
    assert to_uint8(torch.tensor([-1.5, -1.0, 0.0, 0.999, 1.0, 2.0])).tolist() == [0, 0, 127, 254, 255, 255]
    latents = torch.randn(1, 1, 4, 2, 2, generator=gen(5))
    video = torch.rand(1, 1, 3, 32, 32, generator=gen(6)) * 2 - 1
    with torch.no_grad():
        assert torch.equal(tiny.decode(latents, uint8=True, output_device="cpu"), to_uint8(tiny.decode(latents)))
        mean, logvar = tiny.encode_moments(video)
        assert torch.equal(tiny.encode(video), mean)  # deterministic by default
        s1 = tiny.encode(video, sample=True, generator=gen(7))
        s2 = tiny.encode(video, sample=True, generator=gen(7))
    assert torch.equal(s1, s2)
    torch.testing.assert_close(s1, mean + torch.exp(0.5 * logvar) * torch.randn(mean.shape, generator=gen(7)))


# ----------------------------------------------------------------------------- tiling

def test_tile_blending_is_exact_for_local_maps():
    # For a map that is exactly local (each output pixel depends on one input pixel) the blended result must
    # equal the untiled one: checks tile placement, clamped last tiles, ramps and weight normalisation.
    x = torch.randn(1, 2, 3, 14, 18, generator=gen(8), dtype=torch.float64)

    def local(t):  # 2x input grid -> 16x output grid: nearest x8 and a pointwise nonlinearity
        return torch.tanh(t).repeat_interleave(8, dim=-2).repeat_interleave(8, dim=-1)

    out = _tiled(local, x, (7, 9), tile=(3, 4), overlap=(1, 2), in_scale=2, out_scale=16)
    assert out.dtype == torch.float64
    # each pixel: a weighted sum over <= 4 overlapping tiles, divided by the summed weights
    assert_reorder_close(out, local(x), n=4, depth=2)


TILE_TOL = 0.15  # max|tiled - untiled| / max|untiled| on the random-weight tiny model, 2x2 tiles (see below)


def test_tiled_decode_and_encode_close_to_untiled(tiny):
    """Tiled != untiled because every tile normalises with its own per-frame GroupNorm statistics and its
    convs see zero padding at tile borders (the mid-block causal attention runs untiled, so it is exact).
    With 128x128 frames and 96-pixel tiles overlapping by 64 (2x2 tiles) the measured error is ~0.10 for
    both directions on this random-weight tiny model (2 channels per norm group, so tile statistics are
    noisy); trained weights and the real widths (16 channels per group) vary far less across tiles.
    ``test_tiling_error_comes_from_groupnorm_statistics`` shows the statistics are the dominant term."""
    latents = torch.randn(1, 1, 4, 8, 8, generator=gen(9))
    video = torch.rand(1, 1, 3, 128, 128, generator=gen(10)) * 2 - 1
    with torch.no_grad():
        ref_d, ref_e = tiny.decode(latents), tiny.encode(video)
        err_d = rel_err(tiny.decode(latents, tile_size=96, tile_overlap=64), ref_d)
        err_e = rel_err(tiny.encode(video, tile_size=96, tile_overlap=64), ref_e)
    assert err_d < TILE_TOL and err_e < TILE_TOL, (err_d, err_e)


def test_tiling_error_comes_from_groupnorm_statistics(tiny, monkeypatch):
    latents = torch.randn(1, 1, 4, 8, 8, generator=gen(9))

    def affine_only(self, x, silu=False):  # GroupNorm without statistics: the network becomes purely local
        shape = (1, -1) + (1,) * (x.dim() - 2)
        y = 0.3 * x * self.weight.view(shape) + self.bias.view(shape)
        return torch.nn.functional.silu(y) if silu else y

    with torch.no_grad():
        with_stats = rel_err(tiny.decode(latents, tile_size=96, tile_overlap=64), tiny.decode(latents))
        monkeypatch.setattr(vae_layers.FrameGroupNorm, "forward", affine_only)
        no_stats = rel_err(tiny.decode(latents, tile_size=96, tile_overlap=64), tiny.decode(latents))
    assert no_stats < 0.03 and no_stats < with_stats / 3, (no_stats, with_stats)


# ----------------------------------------------------------------------------- training

def test_trains_with_and_without_checkpointing(tiny):
    model = VideoVAE(tiny.config).double()
    model.load_state_dict(tiny.state_dict())
    video = (torch.rand(1, 1, 3, 16, 16, generator=gen(11), dtype=torch.float64) * 2 - 1).requires_grad_()

    def grads(checkpointing: bool):
        model.zero_grad()
        video.grad = None
        model.gradient_checkpointing = checkpointing
        mean, logvar = model.encode_moments(video)
        eps = torch.randn(mean.shape, generator=gen(12), dtype=torch.float64)
        recon = model.decode(mean + torch.exp(0.5 * logvar) * eps)
        loss = (recon - video).square().mean() + 1e-3 * (mean.square() + logvar.exp() - logvar).mean()
        loss.backward()
        return [p.grad.clone() for p in model.parameters()] + [video.grad.clone()]

    plain, ckpt = grads(False), grads(True)
    assert all(g.abs().sum() > 0 for g in (plain[0], plain[-1]))
    fan_in, depth = reductions(model)  # backward runs the chain twice (forward recompute + gradients)
    for a, b in zip(plain, ckpt):
        assert_reorder_close(b, a, n=max(fan_in, 2 * 16 * 16), depth=2 * depth)


def test_reconstruct_is_the_rounded_mean_round_trip(tiny):
    frames = np.random.default_rng(0).integers(0, 256, (17, 32, 32, 3), dtype=np.uint8)
    x = torch.from_numpy(frames).double().div(127.5).sub(1).permute(0, 3, 1, 2)[None].float()
    with torch.no_grad():
        y = tiny.decode(tiny.encode(x))[0]
    expect = np.rint((np.clip(y.double().numpy(), -1, 1) + 1) * 127.5).astype(np.uint8).transpose(0, 2, 3, 1)
    rec = tiny.reconstruct(frames)
    assert rec.dtype == np.uint8 and rec.shape == frames.shape
    assert np.abs(rec.astype(int) - expect.astype(int)).max() <= 1  # fp32 vs fp64 rounding at .5 boundaries


def test_unpatchify_kernel_1_is_the_k3_conv_with_only_its_current_frame_centre_tap(tiny, tmp_path):
    """unpatchify_kernel=1: 26/27 fewer weights in that conv; a k3 conv whose other taps are zero decodes exactly
    like it (the causal conv's last temporal tap is the current frame); the kernel survives save/load and is
    inferred from shapes; other kernels are refused."""
    from dataclasses import replace

    cfg1 = replace(tiny.config, unpatchify_kernel=1)
    k3 = VideoVAE(tiny.config)
    k3.load_state_dict(tiny.state_dict())
    k1 = VideoVAE(cfg1)
    mid = tiny.config.decoder_ch * tiny.config.decoder_ch_mult[-1]
    count = [sum(p.numel() for p in m.parameters()) for m in (k3, k1)]
    assert count[0] - count[1] == tiny.config.patch_channels * mid * 8 * 26
    w = k3.decoder.conv_unpatchify.conv.conv.weight
    with torch.no_grad():
        centre = w[:, :, -1, 1, 1].clone()
        w.zero_()
        w[:, :, -1, 1, 1] = centre
        state = k3.state_dict()
        state["decoder.conv_unpatchify.conv.conv.weight"] = centre[:, :, None, None, None]
        k1.load_state_dict(state)
        latents = torch.randn(1, 6, 4, 2, 2, generator=gen(5))
        # fp32: the k1 conv and the zero-padded k3 conv sum their products in different orders
        close(k3.decoder, k1.decode(latents), k3.decode(latents), TINY_NORM_32)
    loaded = VideoVAE.from_pretrained(k1.save_pretrained(tmp_path / "vae"))
    assert loaded.config.unpatchify_kernel == 1
    assert VAEConfig.infer({k: tuple(v.shape) for k, v in k1.state_dict().items()},
                           num_groups=cfg1.num_groups) == cfg1
    with pytest.raises(ValueError, match="unpatchify_kernel must be 1 or 3, got 2"):
        replace(tiny.config, unpatchify_kernel=2)


def test_channels_last_convs_are_the_same_maths_and_save_the_same_file(tiny, tmp_path):
    """The CPU fast layout (``set_channels_last``): decode and encode equal the default layout up to summation
    order, the weights keep their values, the saved file is byte-identical, and it switches back."""
    latents = torch.randn(1, 6, 4, 2, 2, generator=gen(5))
    video = torch.randn(1, 17, 3, 32, 32, generator=gen(6))
    with torch.no_grad():
        ref_dec, ref_enc = tiny.decode(latents), tiny.encode(video)
        a = tiny.save_pretrained(tmp_path / "a.safetensors").read_bytes()
        tiny.set_channels_last()
        try:
            convs = [m for m in tiny.modules() if getattr(m, "channels_last", False)]
            assert convs and all(m.conv.weight.is_contiguous(memory_format=torch.channels_last_3d) for m in convs)
            assert all(max(m.conv.kernel_size) == 3 for m in convs)
            close(tiny.decoder, tiny.decode(latents), ref_dec, TINY_NORM_32)
            close(tiny.encoder, tiny.encode(video), ref_enc, TINY_NORM_32)
            assert tiny.save_pretrained(tmp_path / "b.safetensors").read_bytes() == a
        finally:
            tiny.set_channels_last(False)
        assert not any(getattr(m, "channels_last", False) for m in tiny.modules())
        assert torch.equal(tiny.decode(latents), ref_dec)
