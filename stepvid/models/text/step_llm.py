"""Step-LLM: StepFun's decoder-only bilingual LM, used frozen as Step-Video's long text encoder.

Weight-compatible with the released ``step_llm/`` folder (spec §5.1): 48 pre-norm layers of width 6144,
causal grouped-query attention (48 query heads, 8 KV groups, head 128) with a fused ``wqkv`` projection,
SwiGLU feed-forward with a fused ``w1 = [gate | up]``, RMSNorm with fp32 statistics, no biases, no final
norm and no LM head. The encoder output is the last layer's hidden states.

Positions: the released Python code has no RoPE and no learned positions; the positional signal lives in a
closed attention kernel. **Unverified:** following the spec, the default is ALiBi on the square root of the
distance, ``logit[h, i, j] = q_i·k_j / sqrt(d) - slope_h * sqrt(i - j)``, with the standard ALiBi slopes.
``position_bias="alibi"`` (linear distance) and ``"none"`` (plain causal) are offered for checking against
the real kernel.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any, Literal

import torch
import torch.nn.functional as F
from torch import nn

from stepvid.models.attention import attention

__all__ = ["STEP_LLM_PRESETS", "StepLLM", "StepLLMConfig", "alibi_slopes", "position_bias"]

PositionBias = Literal["sqrt_alibi", "alibi", "none"]


@dataclass(frozen=True)
class StepLLMConfig:
    """Step-LLM hyper-parameters; field names follow the released ``step_llm/config.json``.

    position_bias: the attention position bias, added to the scaled logits: "sqrt_alibi"
        (``-slope_h * sqrt(i - j)``, default), "alibi" (``-slope_h * (i - j)``) or "none". **Unverified:** the
        released kernel's exact scheme (spec §5.1); ``benchmarks/check_step_llm_kernel.py`` settles it.
    fp32_residual_connection: keep the residual stream (and hence the output) in fp32 while the linears run
        in the weight dtype. **Unverified** released value; assumed False as in the spec.
    attention_fp32: compute attention logits, bias and softmax in fp32 even for bf16 weights. The bias
        reaches ~15 at 320 tokens, where bf16 spacing is 0.0625; fp32 keeps it exact, like a fused kernel's
        fp32 accumulator. At 320 tokens attention is < 1 % of a layer's FLOPs, so this costs little.
    """

    hidden_size: int = 6144
    num_layers: int = 48
    num_attention_heads: int = 48
    num_attention_groups: int = 8
    kv_channels: int = 128
    ffn_hidden_size: int = 16896
    layernorm_epsilon: float = 1e-5
    padded_vocab_size: int = 65536
    position_bias: PositionBias = "sqrt_alibi"
    fp32_residual_connection: bool = False
    attention_fp32: bool = True

    def __post_init__(self) -> None:
        if min(self.hidden_size, self.num_layers, self.num_attention_heads, self.num_attention_groups,
               self.ffn_hidden_size, self.padded_vocab_size) < 1:
            raise ValueError(f"Step-LLM sizes must be positive: {self}")
        if self.num_attention_heads * self.kv_channels != self.hidden_size:
            raise ValueError(
                f"num_attention_heads * kv_channels must equal hidden_size: "
                f"{self.num_attention_heads} * {self.kv_channels} != {self.hidden_size}"
            )
        if self.num_attention_heads % self.num_attention_groups:
            raise ValueError(
                f"num_attention_heads ({self.num_attention_heads}) must be a multiple of "
                f"num_attention_groups ({self.num_attention_groups})"
            )
        if self.position_bias not in ("sqrt_alibi", "alibi", "none"):
            raise ValueError(f"position_bias must be 'sqrt_alibi', 'alibi' or 'none'; got {self.position_bias!r}")

    @classmethod
    def from_preset(cls, name: str, **overrides: Any) -> StepLLMConfig:
        if name not in STEP_LLM_PRESETS:
            raise KeyError(f"unknown Step-LLM preset {name!r}; choose from {sorted(STEP_LLM_PRESETS)}")
        return replace(STEP_LLM_PRESETS[name], **overrides)

    @classmethod
    def from_released(cls, cfg: dict[str, Any], **overrides: Any) -> StepLLMConfig:
        """Build from a released-style ``config.json`` dict (unknown fields ignored, missing ones an error).

        As in the official code, the head width is ``hidden_size // num_attention_heads`` and the FFN width
        is rounded up to a multiple of 256.
        """
        required = ("hidden_size", "num_layers", "num_attention_heads", "num_attention_groups",
                    "ffn_hidden_size", "layernorm_epsilon", "padded_vocab_size")
        missing = [k for k in required if k not in cfg]
        if missing:
            raise ValueError(f"Step-LLM config is missing field(s) {missing}")
        heads = int(cfg["num_attention_heads"])
        head_dim = int(cfg["hidden_size"]) // heads
        if "kv_channels" in cfg and int(cfg["kv_channels"]) != head_dim:
            raise ValueError(f"kv_channels {cfg['kv_channels']} != hidden_size / num_attention_heads = {head_dim}")
        ffn = 256 * ((int(cfg["ffn_hidden_size"]) + 255) // 256)
        kw: dict[str, Any] = {
            "hidden_size": int(cfg["hidden_size"]), "num_layers": int(cfg["num_layers"]),
            "num_attention_heads": heads, "num_attention_groups": int(cfg["num_attention_groups"]),
            "kv_channels": head_dim, "ffn_hidden_size": ffn, "layernorm_epsilon": float(cfg["layernorm_epsilon"]),
            "padded_vocab_size": int(cfg["padded_vocab_size"]),
            "fp32_residual_connection": bool(cfg.get("fp32_residual_connection", False)),
        }
        kw.update(overrides)
        return cls(**kw)

    def to_released(self) -> dict[str, Any]:
        """The released ``config.json`` fields this config corresponds to (used to write test fixtures)."""
        d = asdict(self)
        for k in ("position_bias", "attention_fp32"):
            d.pop(k)
        d.update(attention_impl="GQA", use_flash_attn=True, bf16=True, params_dtype="torch.bfloat16",
                 embedding_weights_in_fp32=False, hidden_dropout=0.0, attention_dropout=0.0)
        return d

    @property
    def num_params(self) -> int:
        d, f, hd = self.hidden_size, self.ffn_hidden_size, self.kv_channels
        per_layer = 2 * d + (d + 2 * hd * self.num_attention_groups) * d + d * d + 2 * f * d + d * f
        return self.padded_vocab_size * d + self.num_layers * per_layer


STEP_LLM_PRESETS: dict[str, StepLLMConfig] = {
    # The released encoder (19,579,600,896 parameters).
    "step-llm": StepLLMConfig(),
    # Same shape ratios (6 query heads per KV group), for tests and fixtures.
    "tiny": StepLLMConfig(hidden_size=96, num_layers=2, num_attention_heads=6, num_attention_groups=2,
                          kv_channels=16, ffn_hidden_size=256, padded_vocab_size=1024),
}


def alibi_slopes(num_heads: int) -> torch.Tensor:
    """Standard ALiBi head slopes (float64), including the recipe for non-power-of-two head counts.

    With p the largest power of two <= n: slopes ``2^(-8k/p)`` for k = 1..p, then ``2^(-8k/(2p))`` for the
    first n - p odd k. For 48 heads: ``2^(-k/4)``, k = 1..32, then ``2^(-k/8)``, k = 1, 3, ..., 31.
    """
    if num_heads < 1:
        raise ValueError(f"num_heads must be >= 1; got {num_heads}")
    p = 1 << (num_heads.bit_length() - 1)
    ks = [(k, p) for k in range(1, p + 1)] + [(k, 2 * p) for k in range(1, 2 * (num_heads - p), 2)]
    return torch.tensor([2.0 ** (-8.0 * k / n) for k, n in ks], dtype=torch.float64)


def position_bias(kind: PositionBias, num_heads: int, length: int, device=None, dtype=torch.float32) -> torch.Tensor:
    """Additive causal attention bias [H, L, L]: ``-slope_h * f(i - j)`` for j <= i, ``-inf`` above.

    f = sqrt for "sqrt_alibi", identity for "alibi", 0 for "none". Computed in float64, then cast.
    """
    i = torch.arange(length, dtype=torch.float64)
    dist = (i[:, None] - i[None, :]).clamp_min(0)
    if kind == "sqrt_alibi":
        bias = -alibi_slopes(num_heads)[:, None, None] * dist.sqrt()
    elif kind == "alibi":
        bias = -alibi_slopes(num_heads)[:, None, None] * dist
    elif kind == "none":
        bias = torch.zeros(num_heads, length, length, dtype=torch.float64)
    else:
        raise ValueError(f"unknown position_bias {kind!r}")
    causal = torch.ones(length, length, dtype=torch.bool).triu(1)
    return bias.masked_fill(causal, float("-inf")).to(device=device, dtype=dtype)


class RMSNorm(nn.Module):
    """RMSNorm as in the official code: statistics in (at least) fp32, cast back to the input dtype, × weight."""

    def __init__(self, dim: int, eps: float):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        xf = x.to(torch.promote_types(x.dtype, torch.float32))
        return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.eps)).type_as(x) * self.weight


def _attention_dtype(cfg: StepLLMConfig, dtype: torch.dtype) -> torch.dtype:
    return torch.float32 if cfg.attention_fp32 and dtype in (torch.float16, torch.bfloat16) else dtype


def _linear(layer: nn.Linear, x: torch.Tensor) -> torch.Tensor:
    return layer(x.to(layer.weight.dtype))


class Attention(nn.Module):
    """Causal GQA. ``wqkv`` rows: Q (heads × head_dim, head-major), then per KV group ``[k | v]``."""

    def __init__(self, cfg: StepLLMConfig):
        super().__init__()
        self.cfg = cfg
        hd, g = cfg.kv_channels, cfg.num_attention_groups
        self.wqkv = nn.Linear(cfg.hidden_size, cfg.hidden_size + 2 * hd * g, bias=False)
        self.wo = nn.Linear(cfg.hidden_size, cfg.hidden_size, bias=False)

    def forward(self, x: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
        cfg = self.cfg
        b, n, d = x.shape
        h, g, hd = cfg.num_attention_heads, cfg.num_attention_groups, cfg.kv_channels
        qkv = _linear(self.wqkv, x)
        q = qkv[..., :d].view(b, n, h, hd)
        kv = qkv[..., d:].view(b, n, g, 2, hd)
        k, v = (kv[..., i, :].repeat_interleave(h // g, dim=2) for i in (0, 1))
        out_dtype, dtype = q.dtype, _attention_dtype(cfg, q.dtype)
        q, k, v = q.to(dtype), k.to(dtype), v.to(dtype)
        # The bias, when given, already holds the causal -inf entries (see position_bias).
        o = attention(q, k, v, causal=bias is None, attn_bias=None if bias is None else bias.to(dtype), scale=hd**-0.5)
        return _linear(self.wo, o.to(out_dtype).reshape(b, n, d))


class FeedForward(nn.Module):
    """SwiGLU: ``w2(silu(gate) * up)`` with ``w1`` producing ``[gate | up]``."""

    def __init__(self, cfg: StepLLMConfig):
        super().__init__()
        self.w1 = nn.Linear(cfg.hidden_size, 2 * cfg.ffn_hidden_size, bias=False)
        self.w2 = nn.Linear(cfg.ffn_hidden_size, cfg.hidden_size, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        gate, up = _linear(self.w1, x).chunk(2, dim=-1)
        return _linear(self.w2, F.silu(gate) * up)


class TransformerBlock(nn.Module):
    def __init__(self, cfg: StepLLMConfig):
        super().__init__()
        self.attention_norm = RMSNorm(cfg.hidden_size, cfg.layernorm_epsilon)
        self.attention = Attention(cfg)
        self.ffn_norm = RMSNorm(cfg.hidden_size, cfg.layernorm_epsilon)
        self.feed_forward = FeedForward(cfg)

    def forward(self, x: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
        x = x + self.attention(self.attention_norm(x), bias)
        return x + self.feed_forward(self.ffn_norm(x))


class _Embedding(nn.Module):
    def __init__(self, cfg: StepLLMConfig):
        super().__init__()
        self.word_embeddings = nn.Embedding(cfg.padded_vocab_size, cfg.hidden_size)


class _Layers(nn.Module):
    def __init__(self, cfg: StepLLMConfig):
        super().__init__()
        self.layers = nn.ModuleList(TransformerBlock(cfg) for _ in range(cfg.num_layers))


class StepLLM(nn.Module):
    """Step-LLM trunk: token ids [B, L] → last-layer hidden states [B, L, hidden_size].

    There is no padding mask: as in the official model, padding must be on the right, where causal
    attention already keeps valid tokens from seeing it. The output dtype is the weight dtype (fp32 with
    ``fp32_residual_connection``). The position bias is built once per (length, device, dtype) and cached.
    """

    def __init__(self, cfg: StepLLMConfig):
        super().__init__()
        self.cfg = cfg
        self.tok_embeddings = _Embedding(cfg)
        self.transformer = _Layers(cfg)
        self._bias_cache: dict[tuple, torch.Tensor | None] = {}
        self.block_streamer = None  # streaming.BlockStreamer: layers come from host memory (stream_blocks)

    def position_bias(self, length: int, device: torch.device, dtype: torch.dtype) -> torch.Tensor | None:
        """Cached [H, L, L] additive bias for the configured scheme (None for "none": SDPA's causal path)."""
        key = (length, torch.device(device), dtype)
        if key not in self._bias_cache:
            cfg = self.cfg
            self._bias_cache[key] = (
                None if cfg.position_bias == "none"
                else position_bias(cfg.position_bias, cfg.num_attention_heads, length, device=device, dtype=dtype)
            )
        return self._bias_cache[key]

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        if input_ids.ndim != 2:
            raise ValueError(f"input_ids must be [B, L]; got shape {tuple(input_ids.shape)}")
        vocab = self.cfg.padded_vocab_size
        if input_ids.numel() and (int(input_ids.min()) < 0 or int(input_ids.max()) >= vocab):
            raise ValueError(f"token ids must lie in [0, {vocab}); got range "
                             f"[{int(input_ids.min())}, {int(input_ids.max())}]")
        x = self.tok_embeddings.word_embeddings(input_ids)
        if self.cfg.fp32_residual_connection:
            x = x.float()
        attn_dtype = _attention_dtype(self.cfg, self.transformer.layers[0].attention.wqkv.weight.dtype)
        bias = self.position_bias(input_ids.shape[1], x.device, attn_dtype)
        streamer = self.block_streamer
        for layer in self.transformer.layers if streamer is None else streamer.blocks():
            x = layer(x, bias)
        return x
