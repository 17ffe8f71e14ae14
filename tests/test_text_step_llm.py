"""Step-LLM: released key/shape layout, and the forward pass against a hand-written fp64 reference."""

from __future__ import annotations

import json
import math

import pytest
import torch

from stepvid.models.text.step_llm import StepLLM, StepLLMConfig, alibi_slopes, position_bias

TINY = StepLLMConfig.from_preset("tiny")


def _random_model(cfg: StepLLMConfig, seed: int = 0, dtype=torch.float64) -> StepLLM:
    gen = torch.Generator().manual_seed(seed)
    model = StepLLM(cfg).to(dtype)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("norm.weight"):
                p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=gen))
            elif "word_embeddings" in name:
                p.copy_(torch.randn(p.shape, generator=gen))
            else:  # large enough that attention is far from uniform
                p.copy_(torch.randn(p.shape, generator=gen) * 1.5 / p.shape[-1] ** 0.5)
    return model.eval()


# ---- independent fp64 reference, written from the spec (§5.1) without the module's code ----

def _spec_slopes(n: int) -> list[float]:
    if n == 48:
        return [2 ** (-k / 4) for k in range(1, 33)] + [2 ** (-k / 8) for k in range(1, 32, 2)]
    if n == 6:  # ALiBi's recipe: 4 slopes 2^(-2k), then 2^(-k) for k = 1, 3
        return [2**-2, 2**-4, 2**-6, 2**-8, 2**-1, 2**-3]
    raise NotImplementedError(n)


def _ref_layer(x, sd, i, cfg, kind):
    """x [L, D] float64 → layer output, with explicit per-head Wq/Wk/Wv cut from the fused wqkv rows."""
    p = f"transformer.layers.{i}."
    d, h, g, hd, f = (cfg.hidden_size, cfg.num_attention_heads, cfg.num_attention_groups, cfg.kv_channels,
                      cfg.ffn_hidden_size)

    def rms(t, w):
        return t / torch.sqrt(t.pow(2).mean(-1, keepdim=True) + cfg.layernorm_epsilon) * w

    wqkv = sd[p + "attention.wqkv.weight"]
    slopes = _spec_slopes(h)
    n = x.shape[0]
    dist = torch.tensor([[{"sqrt_alibi": math.sqrt(max(i - j, 0)), "alibi": max(i - j, 0), "none": 0.0}[kind]
                          if j <= i else math.inf for j in range(n)] for i in range(n)], dtype=torch.float64)
    a = rms(x, sd[p + "attention_norm.weight"])
    heads = []
    for head in range(h):
        grp = head // (h // g)
        wq = wqkv[head * hd:(head + 1) * hd]
        base = d + grp * 2 * hd
        wk, wv = wqkv[base:base + hd], wqkv[base + hd:base + 2 * hd]
        q, k, v = a @ wq.T, a @ wk.T, a @ wv.T
        logits = q @ k.T / math.sqrt(hd) - slopes[head] * dist
        heads.append(torch.softmax(logits, -1) @ v)
    x = x + torch.cat(heads, -1) @ sd[p + "attention.wo.weight"].T
    b = rms(x, sd[p + "ffn_norm.weight"]) @ sd[p + "feed_forward.w1.weight"].T
    gate, up = b[:, :f], b[:, f:]
    return x + (gate * torch.sigmoid(gate) * up) @ sd[p + "feed_forward.w2.weight"].T


def _ref_model(ids, model, kind):
    sd = {k: v.double() for k, v in model.state_dict().items()}
    outs = []
    for row in ids:
        x = sd["tok_embeddings.word_embeddings.weight"][row]
        for i in range(model.cfg.num_layers):
            x = _ref_layer(x, sd, i, model.cfg, kind)
        outs.append(x)
    return torch.stack(outs)


# ---- tests ----

def test_released_keys_and_shapes_match_manifest(reference_dir):
    manifest = json.loads((reference_dir / "step_llm.json").read_text())
    cfg = StepLLMConfig.from_preset("step-llm")
    with torch.device("meta"):
        model = StepLLM(cfg)
    got = {k: list(v.shape) for k, v in model.state_dict().items()}
    assert got == manifest
    n = sum(p.numel() for p in model.parameters())
    assert n == 19_579_600_896 == cfg.num_params
    assert not list(model.buffers())  # nothing beyond the checkpoint's tensors


def test_released_preset_values():
    cfg = StepLLMConfig.from_preset("step-llm")
    assert (cfg.hidden_size, cfg.num_layers, cfg.num_attention_heads, cfg.num_attention_groups, cfg.kv_channels,
            cfg.ffn_hidden_size, cfg.layernorm_epsilon, cfg.padded_vocab_size) == (
        6144, 48, 48, 8, 128, 16896, 1e-5, 65536)
    assert cfg.position_bias == "sqrt_alibi"


def test_slopes_48_heads_closed_form():
    got = alibi_slopes(48)
    want = torch.tensor(_spec_slopes(48), dtype=torch.float64)
    torch.testing.assert_close(got, want, rtol=0, atol=1e-15)
    assert got[0] == 2**-0.25 and got[31] == 2**-8 and got[32] == 2**-0.125 and got[47] == 2 ** (-31 / 8)
    torch.testing.assert_close(alibi_slopes(6), torch.tensor(_spec_slopes(6), dtype=torch.float64))
    # power-of-two head counts: the plain geometric sequence 2^(-8k/n)
    torch.testing.assert_close(alibi_slopes(8), torch.tensor([2.0**-k for k in range(1, 9)], dtype=torch.float64))


def test_position_bias_values():
    b = position_bias("sqrt_alibi", 48, 5, dtype=torch.float64)
    s = alibi_slopes(48)
    assert b.shape == (48, 5, 5)
    assert b[7, 4, 0] == -s[7] * 2.0 and b[40, 3, 3] == 0 and b[0, 1, 2] == -math.inf
    assert position_bias("alibi", 48, 5, dtype=torch.float64)[3, 4, 1] == -s[3] * 3


@pytest.mark.parametrize("kind", ["sqrt_alibi", "alibi", "none"])
def test_forward_matches_fp64_reference(kind):
    cfg = StepLLMConfig.from_preset("tiny", position_bias=kind)
    model = _random_model(cfg, seed=1)
    ids = torch.randint(0, cfg.padded_vocab_size, (2, 11), generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        out = model(ids)
    assert out.shape == (2, 11, cfg.hidden_size) and out.dtype == torch.float64
    ref = _ref_model(ids, model, kind)
    torch.testing.assert_close(out, ref, rtol=1e-10, atol=1e-10)


def test_position_bias_changes_output():
    """The three schemes really differ (guards against a bias that is silently dropped)."""
    ids = torch.randint(0, TINY.padded_vocab_size, (1, 12), generator=torch.Generator().manual_seed(3))
    outs = []
    for kind in ("sqrt_alibi", "alibi", "none"):
        model = _random_model(StepLLMConfig.from_preset("tiny", position_bias=kind), seed=4)
        with torch.no_grad():
            outs.append(model(ids)[0, -1])
    assert (outs[0] - outs[1]).abs().max() > 1e-3 and (outs[0] - outs[2]).abs().max() > 1e-3


def test_causal_appending_tokens_keeps_prefix():
    model = _random_model(TINY, seed=5)
    ids = torch.randint(0, TINY.padded_vocab_size, (2, 16), generator=torch.Generator().manual_seed(6))
    with torch.no_grad():
        full, prefix = model(ids), model(ids[:, :9])
    torch.testing.assert_close(full[:, :9], prefix, rtol=1e-12, atol=1e-12)
    assert (full[:, 8] - model(ids[:, 1:9])[:, 7]).abs().max() > 1e-6  # but earlier tokens do matter


def test_right_padding_keeps_valid_tokens():
    model = _random_model(TINY, seed=7)
    ids = torch.randint(3, TINY.padded_vocab_size, (1, 7), generator=torch.Generator().manual_seed(8))
    padded = torch.cat([ids, torch.full((1, 25), 2)], dim=1)
    with torch.no_grad():
        torch.testing.assert_close(model(padded)[:, :7], model(ids), rtol=1e-12, atol=1e-12)


def test_bf16_close_to_fp64():
    ref = _random_model(TINY, seed=9)
    bf16 = StepLLM(TINY).to(torch.bfloat16)
    bf16.load_state_dict({k: v.to(torch.bfloat16) for k, v in ref.state_dict().items()})
    ref.load_state_dict({k: v.double() for k, v in bf16.state_dict().items()})  # same (bf16-exact) weights
    ids = torch.randint(0, TINY.padded_vocab_size, (2, 40), generator=torch.Generator().manual_seed(10))
    with torch.no_grad():
        out, want = bf16(ids), ref(ids)
    assert out.dtype == torch.bfloat16
    rel = (out.double() - want).norm() / want.norm()
    assert rel < 2e-2, rel


def test_fp32_residual_connection_keeps_stream_fp32():
    cfg = StepLLMConfig.from_preset("tiny", fp32_residual_connection=True)
    model = StepLLM(cfg).to(torch.bfloat16)
    out = model(torch.tensor([[1, 5, 9, 2]]))
    assert out.dtype == torch.float32 and torch.isfinite(out).all()


def test_config_from_released_and_errors():
    rel = StepLLMConfig.from_preset("step-llm").to_released()
    assert StepLLMConfig.from_released(rel) == StepLLMConfig.from_preset("step-llm")
    assert StepLLMConfig.from_released(dict(rel, ffn_hidden_size=16800)).ffn_hidden_size == 16896  # ×256 rounding
    with pytest.raises(ValueError, match="num_attention_groups"):
        StepLLMConfig.from_released({k: v for k, v in rel.items() if k != "num_attention_groups"})
    with pytest.raises(ValueError, match="multiple of"):
        StepLLMConfig.from_preset("tiny", num_attention_groups=4)
    with pytest.raises(ValueError, match="position_bias"):
        StepLLMConfig.from_preset("tiny", position_bias="rope")
    with pytest.raises(ValueError, match="token ids"):
        StepLLM(TINY)(torch.tensor([[1, TINY.padded_vocab_size]]))
