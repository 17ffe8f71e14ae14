"""StepVideoDiT: the Step-Video-T2V / TI2V diffusion transformer, weight-compatible with the release.

Structure (spec §2): 1x1 patch embed per latent frame -> AdaLN-single timestep modulation (PixArt-alpha) ->
N blocks of [modulated self-attention with QK RMSNorm + RoPE-3D, ungated cross-attention to
[CLIP 77 ; Step-LLM L] text tokens, modulated GELU-tanh FFN] -> final layer modulated by the pre-SiLU
timestep embedding. State-dict keys and fused per-head ``wqkv``/``wkv`` layouts are exactly the release's.

Time convention: ``timestep`` is tau in [0, 1] with tau = 0 noise and tau = 1 data; the output is the
velocity v = data - noise.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields, replace
from typing import TYPE_CHECKING

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.checkpoint import checkpoint

from .attention import attention, sp_gather, sp_scatter, sp_world_size
from .rope import apply_rope, rope_cos_sin, rope_positions
from .sparse_attention import SparseAttentionConfig, active_plan, use_plan

if TYPE_CHECKING:
    from stepvid.diffusion.step_cache import StepCache


# --------------------------------------------------------------------------------------------------------
# Config and presets
# --------------------------------------------------------------------------------------------------------
@dataclass
class DiTConfig:
    """Architecture and numerics of a StepVideoDiT. Defaults are the released 30B T2V model."""

    num_layers: int = 48
    num_attention_heads: int = 48
    attention_head_dim: int = 128
    in_channels: int = 64  # patch-embed inputs; TI2V: latents + condition latents (official config: 64, x2)
    out_channels: int = 64
    caption_channels: tuple[int, int] = (6144, 1024)  # (Step-LLM, CLIP)
    patch_size: int = 1
    ff_mult: int = 4
    freq_dim: int = 256  # sinusoidal timestep embedding width
    timestep_scale: float = 1000.0  # tau in [0, 1] is fed as tau * 1000
    rope_split: tuple[int, ...] = (64, 32, 32)  # head dims driven by (frame, row, column)
    rope_theta: float = 10000.0
    norm_eps: float = 1e-6  # caption_norm and norm_out (no affine)
    block_norm_eps: float = 1e-5  # norm1 / norm2 (affine)
    qk_norm_eps: float = 1e-6
    motion_score_embedder: bool = False  # TI2V: embedded motion score added to the timestep embedding
    # Numerics. Defaults follow the official forward when the model runs in bf16 (no effect in fp32).
    rope_bf16_angles: bool = True  # round RoPE angles to the activation dtype before cos/sin
    timestep_in_model_dtype: bool = True  # cast tau to the model dtype before * 1000 (bf16: 0.0016 -> 1.5625)
    mask_bf16_length_quirk: bool = False  # text lengths from a bf16 sum of the mask (397 -> 396); parity only
    gradient_checkpointing: bool = False

    def __post_init__(self):
        self.caption_channels = tuple(self.caption_channels)
        self.rope_split = tuple(self.rope_split)
        if sum(self.rope_split) != self.attention_head_dim or any(d % 2 for d in self.rope_split):
            raise ValueError(
                f"rope_split {self.rope_split} must be even widths summing to attention_head_dim "
                f"{self.attention_head_dim}"
            )
        if len(self.caption_channels) != 2:
            raise ValueError(f"caption_channels must be (llm, clip), got {self.caption_channels}")

    @property
    def hidden_size(self) -> int:
        return self.num_attention_heads * self.attention_head_dim


DIT_PRESETS: dict[str, DiTConfig] = {
    # The released models (Turbo: same architecture, distilled weights).
    "stepvideo-t2v": DiTConfig(),
    "stepvideo-t2v-turbo": DiTConfig(),
    # Step-Video-TI2V (derived from its official code; no key manifest ships here): the first-frame condition
    # latents are concatenated on the channel axis (64 + 64 = 128 patch-embed inputs) and the motion score
    # gets its own embedder, `adaln_single.emb.motion_score_embedder.linear_{1,2}`.
    "stepvideo-ti2v": DiTConfig(in_channels=128, motion_score_embedder=True),
    # Golden-parity config (shared/reference/golden/configs.json): 2 heads x 128, 2 layers.
    "tiny": DiTConfig(
        num_layers=2,
        num_attention_heads=2,
        attention_head_dim=128,
        in_channels=16,
        out_channels=16,
        caption_channels=(96, 48),
    ),
    # A small trainable model (~56 M params) on VAE v2 latents; override caption_channels for other encoders.
    "small": DiTConfig(
        num_layers=12,
        num_attention_heads=8,
        attention_head_dim=64,
        rope_split=(32, 16, 16),
        caption_channels=(6144, 1024),
    ),
}


def dit_config(preset: str, **overrides) -> DiTConfig:
    """The named preset with field overrides, e.g. ``dit_config("stepvideo-t2v", num_layers=2)``."""
    if preset not in DIT_PRESETS:
        raise ValueError(f"unknown DiT preset {preset!r}; available: {sorted(DIT_PRESETS)}")
    names = {f.name for f in fields(DiTConfig)}
    bad = sorted(set(overrides) - names)
    if bad:
        raise ValueError(f"unknown DiTConfig field(s) {bad}; valid: {sorted(names)}")
    return replace(DIT_PRESETS[preset], **overrides)


# --------------------------------------------------------------------------------------------------------
# Building blocks
# --------------------------------------------------------------------------------------------------------
def timestep_embedding(t: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    """Sinusoidal embedding [cos | sin] of (fractional) scalars t [B] in fp32 (flip_sin_to_cos, shift 0);
    fp64 for fp64 t."""
    half, dt = dim // 2, torch.promote_types(t.dtype, torch.float32)
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, dtype=dt, device=t.device) / half)
    arg = t.to(dt)[:, None] * freqs[None]
    return torch.cat([arg.cos(), arg.sin()], dim=-1)


def modulate(x: torch.Tensor, shift: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
    return x * (1 + scale) + shift


class RMSNorm(nn.Module):
    """RMSNorm with (at least) fp32 statistics, cast back to the input dtype, then scaled by the weight."""

    def __init__(self, dim: int, eps: float = 1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        xf = x.to(torch.promote_types(x.dtype, torch.float32))
        return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.eps)).type_as(x) * self.weight


class MLP(nn.Module):
    """linear_1 -> act -> linear_2 (timestep embedder: SiLU; caption projection: GELU-tanh)."""

    def __init__(self, in_dim: int, dim: int, act: nn.Module):
        super().__init__()
        self.linear_1, self.act, self.linear_2 = nn.Linear(in_dim, dim), act, nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear_2(self.act(self.linear_1(x)))


class PatchEmbed(nn.Module):
    """Per-frame p x p convolution (p = 1: a per-token linear) -> [B*F, h*w, d]."""

    def __init__(self, in_channels: int, dim: int, patch_size: int):
        super().__init__()
        self.proj = nn.Conv2d(in_channels, dim, kernel_size=patch_size, stride=patch_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.proj(x).to(x.dtype).flatten(2).transpose(1, 2)


class TimestepEmbedder(nn.Module):
    """The ``adaln_single.emb`` module: timestep (and optional motion score) -> embedded timestep e."""

    def __init__(self, dim: int, freq_dim: int, motion_score: bool):
        super().__init__()
        self.freq_dim = freq_dim
        self.timestep_embedder = MLP(freq_dim, dim, nn.SiLU())
        if motion_score:
            self.motion_score_embedder = MLP(freq_dim, dim, nn.SiLU())

    def forward(self, t: torch.Tensor, motion_score: torch.Tensor | None = None) -> torch.Tensor:
        dtype = self.timestep_embedder.linear_1.weight.dtype
        e = self.timestep_embedder(timestep_embedding(t, self.freq_dim).to(dtype))
        if hasattr(self, "motion_score_embedder"):
            e = e + self.motion_score_embedder(timestep_embedding(motion_score, self.freq_dim).to(dtype))
        return e


class AdaLNSingle(nn.Module):
    """AdaLN-single: one MLP of the timestep shared by all blocks -> (6*d modulation, embedded timestep)."""

    def __init__(self, dim: int, freq_dim: int, motion_score: bool):
        super().__init__()
        self.emb = TimestepEmbedder(dim, freq_dim, motion_score)
        self.linear = nn.Linear(dim, 6 * dim)

    def forward(self, t, motion_score=None) -> tuple[torch.Tensor, torch.Tensor]:
        e = self.emb(t, motion_score)
        return self.linear(F.silu(e)), e


class SelfAttention(nn.Module):
    """Self-attention; ``wqkv`` rows are per-head interleaved: head h owns rows [h*3D, (h+1)*3D) = [q|k|v]."""

    def __init__(self, cfg: DiTConfig):
        super().__init__()
        d, self.heads, self.head_dim = cfg.hidden_size, cfg.num_attention_heads, cfg.attention_head_dim
        self.split = cfg.rope_split
        self.wqkv = nn.Linear(d, 3 * d, bias=False)
        self.wo = nn.Linear(d, d, bias=False)
        self.q_norm = RMSNorm(self.head_dim, cfg.qk_norm_eps)
        self.k_norm = RMSNorm(self.head_dim, cfg.qk_norm_eps)

    def forward(
        self, x, rope: tuple[torch.Tensor, torch.Tensor], sp_group=None, self_lens: list[int] | None = None
    ) -> torch.Tensor:
        """``self_lens``: visible keys per sample over the whole (gathered) sequence; hides the zero tokens
        that pad a sequence the sequence-parallel group does not divide."""
        q, k, v = self.project(x, rope)
        return self.wo(self_attention(q, k, v, self_lens, sp_group).flatten(2))

    def project(self, x, rope: tuple[torch.Tensor, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Normalised, rotated q, k and v [B, N, H, D] of ``x`` [B, N, d] (``rope``: this x's tables)."""
        b, n, _ = x.shape
        q, k, v = self.wqkv(x).view(b, n, self.heads, 3, self.head_dim).unbind(3)
        return apply_rope(self.q_norm(q), *rope, self.split), apply_rope(self.k_norm(k), *rope, self.split), v


class CrossAttention(nn.Module):
    """Cross-attention to text; ``wq`` head-major, ``wkv`` per-head interleaved [k|v]; no RoPE."""

    def __init__(self, cfg: DiTConfig):
        super().__init__()
        d, self.heads, self.head_dim = cfg.hidden_size, cfg.num_attention_heads, cfg.attention_head_dim
        self.wq = nn.Linear(d, d, bias=False)
        self.wkv = nn.Linear(d, 2 * d, bias=False)
        self.wo = nn.Linear(d, d, bias=False)
        self.q_norm = RMSNorm(self.head_dim, cfg.qk_norm_eps)
        self.k_norm = RMSNorm(self.head_dim, cfg.qk_norm_eps)

    def forward(self, x, context, kv_lens=None) -> torch.Tensor:
        return self.wo(attention(self.queries(x), *self.keys(context), kv_lens=kv_lens).flatten(2))

    def keys(self, context) -> tuple[torch.Tensor, torch.Tensor]:
        """Normalised keys and values [B, M, H, D] of the text ``context`` [B, M, d]."""
        b, m, _ = context.shape
        k, v = self.wkv(context).view(b, m, self.heads, 2, self.head_dim).unbind(3)
        return self.k_norm(k), v

    def queries(self, x) -> torch.Tensor:
        """Normalised queries [B, N, H, D] of the video tokens ``x`` [B, N, d]."""
        b, n, _ = x.shape
        return self.q_norm(self.wq(x).view(b, n, self.heads, self.head_dim))


class GELUProj(nn.Module):
    """GELU-tanh(x W^T). Inference on CUDA with a plain Linear (``cublas_epilogue``): the GELU computed by
    cuBLASLt in the matmul's epilogue on the fp32 accumulator, one pass over the 4x-wide hidden state less
    (released width, 75,888 tokens: 378.5 vs 381.2 ms per layer on an H100, docs/benchmarks.md)."""

    cublas_epilogue = True

    def __init__(self, dim_in: int, dim_out: int):
        super().__init__()
        self.proj = nn.Linear(dim_in, dim_out, bias=False)

    def forward(self, x):
        if self.cublas_epilogue and x.is_cuda and type(self.proj) is nn.Linear and not torch.is_grad_enabled():
            return gelu_matmul(x, self.proj.weight)
        return F.gelu(self.proj(x), approximate="tanh")


def gelu_matmul(x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    """GELU-tanh(x W^T) as one ``_addmm_activation`` (zero bias): on CUDA cuBLASLt's GELU epilogue. Under autocast
    both operands take its dtype, as ``nn.Linear`` would (autocast has no rule for this op)."""
    if torch.is_autocast_enabled(x.device.type):
        dt = torch.get_autocast_dtype(x.device.type)
        x, w = x.to(dt), w.to(dt)
    y = torch._addmm_activation(w.new_zeros(w.shape[0]), x.reshape(-1, x.shape[-1]), w.t(), use_gelu=True)
    return y.view(*x.shape[:-1], w.shape[0])


class FeedForward(nn.Module):
    def __init__(self, dim: int, mult: int):
        super().__init__()
        self.net = nn.Sequential(
            GELUProj(dim, mult * dim), nn.Identity(), nn.Linear(mult * dim, dim, bias=False)
        )

    def forward(self, x):
        return self.net(x)


def _adaln_table(rows: int, d: int) -> torch.Tensor:
    """An adaLN scale-shift table drawn N(0, 1/d); on the meta device only its shape (a meta ``randn`` and
    division load sympy and torch._dynamo, ~1.6 s of a CPU ``stepvid generate``'s memory estimate)."""
    t = torch.empty(rows, d)
    return t if t.device.type == "meta" else torch.randn(rows, d) / d**0.5


class DiTBlock(nn.Module):
    """x += gate*SelfAttn(mod(norm1 x)); x += CrossAttn(x, text); x += gate*FFN(mod(norm2 x)).

    ``token_chunk`` > 0 (inference, sequences longer than it): the same block with only q, k, v and the
    self-attention output held for the whole sequence; norms, projections, RoPE, cross-attention and the FFN run
    ``token_chunk`` tokens at a time (:meth:`forward_chunked`)."""

    token_chunk = 0

    def __init__(self, cfg: DiTConfig):
        super().__init__()
        d = cfg.hidden_size
        self.norm1 = nn.LayerNorm(d, eps=cfg.block_norm_eps)
        self.attn1 = SelfAttention(cfg)
        self.norm2 = nn.LayerNorm(d, eps=cfg.block_norm_eps)
        self.attn2 = CrossAttention(cfg)
        self.ff = FeedForward(d, cfg.ff_mult)
        self.scale_shift_table = nn.Parameter(_adaln_table(6, d))

    def forward(self, x, context, mod, rope, kv_lens=None, sp_group=None, self_lens=None) -> torch.Tensor:
        if 0 < self.token_chunk < x.shape[1] and not torch.is_grad_enabled():
            return self.forward_chunked(x, context, mod, rope, kv_lens, sp_group, self_lens)
        shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp = self._modulation(mod)
        q, k, v = self._pre_chunk(x, shift_msa, scale_msa, *rope)  # the chunk pieces over the whole sequence
        x = self._attn_residual(x, self_attention(q, k, v, self_lens, sp_group), gate_msa)
        x = x + self.attn2(x, context, kv_lens)  # a module call: forward hooks on attn2 see it (recipes use them)
        return self._ffn_residual(x, shift_mlp, scale_mlp, gate_mlp)

    def _modulation(self, mod: torch.Tensor) -> tuple[torch.Tensor, ...]:
        return (self.scale_shift_table[None] + mod.view(mod.shape[0], 6, -1)).chunk(6, dim=1)

    def forward_chunked(self, x, context, mod, rope, kv_lens=None, sp_group=None, self_lens=None) -> torch.Tensor:
        """:meth:`forward` in token chunks (inference). Whole-sequence tensors: the input, q, k, v, the attention
        output and the result (at most five of B·N·d at once, against ~11 for the plain forward: the qkv
        projection, the rotated copies and the FFN's 4x-wide hidden state are only ever chunk-sized)."""
        shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp = self._modulation(mod)
        a1, c = self.attn1, self.token_chunk
        pre, post_attn, post_ffn = self._chunk_fns or (self._pre_chunk_into, self._post_attn_chunk,
                                                       self._ffn_chunk_into)
        (b, n, _), (cos, sin) = x.shape, rope
        spans = [(s, min(s + c, n)) for s in range(0, n, c)]
        q, k, v = (x.new_empty(b, n, a1.heads, a1.head_dim) for _ in range(3))
        for s, e in spans:
            pre(x[:, s:e], shift_msa, scale_msa, cos[s:e], sin[s:e], q[:, s:e], k[:, s:e], v[:, s:e])
        o = self_attention(q, k, v, self_lens, sp_group)
        del q, k, v
        k2, v2 = self.attn2.keys(context)
        out = torch.empty_like(x)
        for s, e in spans:
            y, q2 = post_attn(x[:, s:e], o[:, s:e], gate_msa)
            post_ffn(y, attention(q2, k2, v2, kv_lens=kv_lens), shift_mlp, scale_mlp, gate_mlp, out[:, s:e])
        return out

    _chunk_fns: tuple | None = None

    def compile_chunks(self, enable: bool = True, **options) -> None:
        """``torch.compile`` the per-chunk pieces of :meth:`forward_chunked` (norms, modulation, RoPE, gates, the
        cross-attention's query and output projections and the FFN fused), leaving the whole-sequence buffers and
        both attention calls (the cross-attention's text lengths vary per prompt) eager: the chunked activation
        bound holds (compiling the whole chunked block lets the compiler materialise copies of the buffers it
        writes) and no prompt recompiles.
        ``enable=False``: back to the eager pieces."""
        fns = (self._pre_chunk_into, self._post_attn_chunk, self._ffn_chunk_into)
        self._chunk_fns = tuple(torch.compile(fn, **options) for fn in fns) if enable else None

    def _pre_chunk(self, x, shift, scale, cos, sin):
        return self.attn1.project(modulate(self.norm1(x), shift, scale), (cos, sin))

    def _pre_chunk_into(self, x, shift, scale, cos, sin, q, k, v) -> None:
        """:meth:`_pre_chunk` written into the whole-sequence buffers' slices ``q, k, v`` (compiled, the last
        kernel writes there: no chunk-sized copy in between)."""
        for buf, t in zip((q, k, v), self._pre_chunk(x, shift, scale, cos, sin)):
            buf.copy_(t)

    def _attn_residual(self, x, o, gate):
        return x + gate * self.attn1.wo(o.flatten(2))

    def _ffn_residual(self, y, shift, scale, gate):
        return y + gate * self.ff(modulate(self.norm2(y), shift, scale))

    def _post_attn_chunk(self, x, o, gate):
        """The residual after self-attention and the cross-attention's normalised queries of it."""
        y = self._attn_residual(x, o, gate)
        return y, self.attn2.queries(y)

    def _ffn_chunk_into(self, y, o2, shift, scale, gate, out) -> None:
        """The residual after the cross-attention (output ``o2``), then after the FFN, written into ``out`` (a
        slice of the block's output)."""
        out.copy_(self._ffn_residual(y + self.attn2.wo(o2.flatten(2)), shift, scale, gate))


def self_attention(q, k, v, self_lens=None, sp_group=None) -> torch.Tensor:
    """The blocks' video self-attention: the active sliding-tile plan (``StepVideoDiT.set_sparse_attention``,
    set per forward) or dense attention."""
    plan = active_plan()
    return attention(q, k, v, kv_lens=self_lens, sp_group=sp_group) if plan is None else plan(q, k, v)


def _row_runner(context, mod, rope, kv_lens, sp, self_lens):
    """``run(block, x, rows)`` for the step cache: a block on the batch rows ``rows`` (None: all) of the
    forward's conditioning."""

    def run(block: nn.Module, x: torch.Tensor, rows: torch.Tensor | None) -> torch.Tensor:
        if rows is None:
            return block(x, context, mod, rope, kv_lens, sp, self_lens)
        pick = rows.tolist()
        lens = kv_lens[rows] if torch.is_tensor(kv_lens) else kv_lens and [kv_lens[i] for i in pick]
        own = None if self_lens is None else [self_lens[i] for i in pick]
        return block(x, context[rows], mod[rows], rope, lens, sp, own)

    return run


# --------------------------------------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------------------------------------
class StepVideoDiT(nn.Module):
    """The Step-Video DiT: ``StepVideoDiT(DiTConfig(...))`` or ``StepVideoDiT.from_preset(name, **kw)``.

    Sequence parallelism: ``set_sequence_parallel(group)`` makes every rank keep its ``torch.chunk`` slice of
    the video tokens through the blocks (Ulysses all-to-all in self-attention, cross-attention local); the
    output is gathered, so every rank returns the full tensor. Any group size works: a token count it does
    not divide is padded with zero tokens at the end (masked as self-attention keys, cropped from the
    output) and a head count it does not divide with zero heads (``attention``). Gradients are partial per
    rank and average to the single-process gradient (see ``attention._GatherSeq``).

    ``capture_safe = True`` makes the forward free of host syncs (for CUDA graphs and ``torch.compile``
    without recompiles): the text mask is applied as a dense boolean key mask, not validated, not turned
    into per-sample lengths and the context is not truncated. Same result for prefix masks (tested); the
    official bf16 mask-length quirk is not reproduced in this mode.
    """

    def __init__(self, config: DiTConfig):
        super().__init__()
        self.config = cfg = replace(config)  # private copy: numerics flags may be toggled per model
        d, llm_dim, clip_dim = cfg.hidden_size, *cfg.caption_channels
        self.pos_embed = PatchEmbed(cfg.in_channels, d, cfg.patch_size)
        self.adaln_single = AdaLNSingle(d, cfg.freq_dim, cfg.motion_score_embedder)
        self.caption_norm = nn.LayerNorm(llm_dim, eps=cfg.norm_eps, elementwise_affine=False)
        self.caption_projection = MLP(llm_dim, d, nn.GELU(approximate="tanh"))
        self.clip_projection = nn.Linear(clip_dim, d)
        self.transformer_blocks = nn.ModuleList(DiTBlock(cfg) for _ in range(cfg.num_layers))
        self.norm_out = nn.LayerNorm(d, eps=cfg.norm_eps, elementwise_affine=False)
        self.scale_shift_table = nn.Parameter(_adaln_table(2, d))
        self.proj_out = nn.Linear(d, cfg.patch_size**2 * cfg.out_channels)
        self.gradient_checkpointing = cfg.gradient_checkpointing
        self.capture_safe = False
        self.sp_group = None
        self.block_streamer = None  # streaming.BlockStreamer: blocks come from host memory (stream_blocks)
        self.sparse_attention: SparseAttentionConfig | None = None  # set_sparse_attention
        if self.pos_embed.proj.weight.device.type != "meta":  # meta: shapes only (checkpoint loading)
            self.initialize_weights()

    @classmethod
    def from_preset(cls, name: str, **overrides) -> StepVideoDiT:
        return cls(dit_config(name, **overrides))

    def set_token_chunk(self, tokens: int) -> None:
        """Run every block's inference forward in chunks of ``tokens`` tokens (0: off); see :class:`DiTBlock`.
        Same maths, a bounded activation peak for long videos."""
        if isinstance(tokens, bool) or not isinstance(tokens, int) or tokens < 0:
            raise ValueError(f"token_chunk must be an integer >= 0 (0: off); got {tokens!r}")
        for block in self.transformer_blocks:
            block.token_chunk = tokens

    def set_sparse_attention(self, config: SparseAttentionConfig | None) -> None:
        """Fast mode, approximate: sliding-tile self-attention (:mod:`stepvid.models.sparse_attention`) in the
        forwards whose timesteps are all at or above ``config.dense_until``; None: dense (exact, the default).
        Inference, or training without gradient checkpointing; not with sequence parallelism."""
        if config is not None and not isinstance(config, SparseAttentionConfig):
            raise TypeError(f"set_sparse_attention takes a SparseAttentionConfig or None; got {type(config).__name__}")
        self.sparse_attention = config

    def _sparse_plan(self, timestep: torch.Tensor, grid: tuple[int, int, int], device: torch.device):
        """This forward's sliding-tile plan, or None (dense). Reads the timestep on the host."""
        cfg = self.sparse_attention
        if cfg is None or float(timestep.min()) < cfg.dense_until:
            return None
        if sp_world_size(self.sp_group) > 1:
            raise ValueError("sparse attention does not combine with sequence parallelism (drop one of them)")
        if self.gradient_checkpointing and torch.is_grad_enabled():
            raise ValueError("sparse attention with gradient checkpointing is not supported: the recomputation "
                             "would run dense")
        return cfg.plan(grid, device)

    def set_sequence_parallel(self, group) -> None:
        """Split video tokens over ``group`` (a torch.distributed process group of any size; None disables)."""
        self.sp_group = group

    def initialize_weights(self, all_parameters: bool = False) -> None:
        """PixArt/DiT-style init: xavier linears, N(0, 0.02) conditioning MLPs, zero adaLN linear, zero
        cross-attention output and zero final projection (so a fresh model predicts 0 and each block starts
        close to identity). ``all_parameters``: also norm weights (1) and the adaLN tables (N(0, 1/d), as the
        constructor draws them), for a model built on the meta device and materialised with ``to_empty``, which
        would otherwise keep uninitialised memory there."""
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            if not all_parameters:
                continue
            if isinstance(m, (nn.LayerNorm, RMSNorm)):
                if getattr(m, "weight", None) is not None:
                    nn.init.ones_(m.weight)
                if getattr(m, "bias", None) is not None:
                    nn.init.zeros_(m.bias)
            table = getattr(m, "scale_shift_table", None)
            if isinstance(table, nn.Parameter):
                nn.init.normal_(table, std=table.shape[-1] ** -0.5)
        w = self.pos_embed.proj.weight
        nn.init.xavier_uniform_(w.view(w.shape[0], -1))
        nn.init.zeros_(self.pos_embed.proj.bias)
        for mlp in (*self.adaln_single.emb.children(), self.caption_projection):
            nn.init.normal_(mlp.linear_1.weight, std=0.02)
            nn.init.normal_(mlp.linear_2.weight, std=0.02)
        nn.init.normal_(self.clip_projection.weight, std=0.02)
        nn.init.zeros_(self.adaln_single.linear.weight)
        for blk in self.transformer_blocks:
            nn.init.zeros_(blk.attn2.wo.weight)
        nn.init.zeros_(self.proj_out.weight)

    @property
    def dtype(self) -> torch.dtype:
        return self.pos_embed.proj.weight.dtype

    # ---- conditioning ---------------------------------------------------------------------------------
    def text_lengths(self, mask: torch.Tensor | None, batch: int, total: int) -> list[int]:
        """Visible text-key count per sample from a [B, 77+L] key-padding mask (prefix of ones)."""
        if mask is None:
            return [total] * batch
        if mask.shape != (batch, total):
            raise ValueError(
                f"encoder_attention_mask must be [B, 77+L] = {[batch, total]}, got {list(mask.shape)}"
            )
        valid = mask != 0
        lens = valid.sum(dim=1)
        prefix = torch.arange(total, device=mask.device)[None] < lens[:, None]
        if not torch.equal(valid, prefix):
            raise ValueError(
                "encoder_attention_mask must be a prefix of ones per sample (CLIP positions "
                "valid, Step-LLM right-padded)"
            )
        if self.config.mask_bf16_length_quirk:  # official: bf16 mask summed in bf16 (397 -> 396)
            lens = mask.to(torch.bfloat16).sum(dim=1).int()
        return lens.clamp(1, total).tolist()

    def embed_text(self, llm: torch.Tensor, clip: torch.Tensor) -> torch.Tensor:
        """[CLIP ; LLM] text tokens [B, 77+L, d]."""
        llm = self.caption_projection(self.caption_norm(llm))
        return torch.cat([self.clip_projection(clip), llm], dim=1)

    # ---- forward --------------------------------------------------------------------------------------
    def forward(
        self,
        hidden_states: torch.Tensor,
        timestep: torch.Tensor,
        encoder_hidden_states: torch.Tensor,
        encoder_hidden_states_2: torch.Tensor,
        encoder_attention_mask: torch.Tensor | None = None,
        motion_score: float | torch.Tensor | None = None,
        condition_hidden_states: torch.Tensor | None = None,
        step_cache: StepCache | None = None,
        step_cache_rows: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Velocity for latents [B, F, C, H, W] at tau [B]; text [B, L, D_llm] + [B, 77, D_clip]; mask
        [B, 77+L] (None = all valid). TI2V: ``condition_hidden_states`` [B, F, C_cond, H, W] is concatenated
        on the channel axis and ``motion_score`` (float or [B]) is embedded. Returns [B, F, C_out, H, W].
        ``step_cache``: the sampler's :class:`~stepvid.diffusion.step_cache.StepCache` (blocks 1..N-1 may be
        reused), with ``step_cache_rows`` [B] the rows' indices in the sampler's batch (default 0..B-1)."""
        cfg, dtype = self.config, self.dtype
        if hidden_states.ndim != 5:
            raise ValueError(f"hidden_states must be [B, F, C, H, W], got {list(hidden_states.shape)}")
        x = hidden_states.to(dtype)
        if condition_hidden_states is not None:
            if (
                condition_hidden_states.shape[:2] != x.shape[:2]
                or condition_hidden_states.shape[3:] != x.shape[3:]
            ):
                raise ValueError(
                    f"condition_hidden_states {list(condition_hidden_states.shape)} does not match "
                    f"hidden_states {list(x.shape)} outside the channel axis"
                )
            x = torch.cat([x, condition_hidden_states.to(dtype)], dim=2)
        b, f, c, hh, ww = x.shape
        p = cfg.patch_size
        if c != cfg.in_channels:
            raise ValueError(
                f"the DiT expects {cfg.in_channels} input channels (latents"
                f"{' + condition latents' if cfg.motion_score_embedder else ''}), got {c}"
            )
        if hh % p or ww % p:
            raise ValueError(f"latent size {hh}x{ww} is not divisible by patch_size {p}")
        h, w = hh // p, ww // p
        if timestep.shape != (b,):
            timestep = timestep.reshape(-1).expand(b) if timestep.numel() == 1 else timestep
            if timestep.shape != (b,):
                raise ValueError(f"timestep must be [B] = [{b}], got {list(timestep.shape)}")
        llm, clip = encoder_hidden_states, encoder_hidden_states_2
        if llm.ndim != 3 or llm.shape[0] != b or llm.shape[2] != cfg.caption_channels[0]:
            raise ValueError(
                f"encoder_hidden_states must be [{b}, L, {cfg.caption_channels[0]}], got {list(llm.shape)}"
            )
        if clip.ndim != 3 or clip.shape[0] != b or clip.shape[2] != cfg.caption_channels[1]:
            raise ValueError(
                f"encoder_hidden_states_2 must be [{b}, 77, {cfg.caption_channels[1]}], "
                f"got {list(clip.shape)}"
            )
        if cfg.motion_score_embedder:
            if motion_score is None:
                raise ValueError("this DiT (TI2V) needs motion_score")
            motion_score = torch.as_tensor(motion_score, device=x.device).to(dtype).reshape(-1).expand(b)
        sp = self.sp_group
        n = f * h * w
        pad = -n % sp_world_size(sp)  # zero tokens so that every rank holds as many

        # 1. tokens: frame, row, column order
        x = self.pos_embed(x.flatten(0, 1)).reshape(b, n, -1)
        # 2. timestep (official: tau cast to the model dtype, scaled by 1000 in that dtype)
        t = timestep.to(dtype) if cfg.timestep_in_model_dtype else timestep.float()
        mod, e = self.adaln_single(t * cfg.timestep_scale, motion_score)
        # 3. text: [CLIP ; LLM], truncated to the longest visible length
        context = self.embed_text(llm.to(dtype), clip.to(dtype))
        if self.capture_safe:  # dense key mask, never read on the host (see the class docstring)
            kv_lens = None if encoder_attention_mask is None else encoder_attention_mask != 0
        else:
            kv_lens = self.text_lengths(encoder_attention_mask, b, context.shape[1])
            context = context[:, : max(kv_lens)]
            kv_lens = None if min(kv_lens) == context.shape[1] else kv_lens
        # 4. blocks on this rank's token slice (padding tokens: position 0, hidden from every key range)
        pos = rope_positions(f, h, w, device=x.device)
        self_lens = None
        if pad:
            pos, x, self_lens = F.pad(pos, (0, 0, 0, pad)), F.pad(x, (0, 0, 0, pad)), [n] * b
        pos = sp_scatter(pos, sp, dim=0)
        rope = rope_cos_sin(
            pos, cfg.rope_split, cfg.rope_theta, dtype=dtype, bf16_angles=cfg.rope_bf16_angles
        )
        x = sp_scatter(x, sp, dim=1)
        streamer = self.block_streamer
        blocks = self.transformer_blocks if streamer is None else streamer.blocks()
        with use_plan(self._sparse_plan(timestep, (f, h, w), x.device)):
            if step_cache is not None:  # it runs the blocks (or only the first)
                run = _row_runner(context, mod, rope, kv_lens, sp, self_lens)
                x, blocks = step_cache.run_blocks(blocks, x, run, step_cache_rows, sp, n), ()
            for block in blocks:
                if self.gradient_checkpointing and torch.is_grad_enabled():
                    x = checkpoint(block, x, context, mod, rope, kv_lens, sp, self_lens, use_reentrant=False)
                else:
                    x = block(x, context, mod, rope, kv_lens, sp, self_lens)
        # 5. final layer (from e, not SiLU(e) nor mod), then gather the token slices (and drop the padding)
        shift, scale = (self.scale_shift_table[None] + e[:, None]).chunk(2, dim=1)
        x = self.proj_out(modulate(self.norm_out(x), shift, scale))
        x = sp_gather(x, sp, dim=1)[:, :n]
        # 6. unpatchify -> [B, F, C_out, H, W]
        x = x.reshape(b * f, h, w, p, p, cfg.out_channels).permute(0, 5, 1, 3, 2, 4)
        return x.reshape(b, f, cfg.out_channels, hh, ww)

    # ---- accounting -----------------------------------------------------------------------------------
    def num_parameters(self) -> int:
        return sum(t.numel() for t in self.parameters())

    def estimate_flops(
        self, num_tokens: int, text_len: int = 397, batch: int = 1, backward: bool = False
    ) -> float:
        """Matmul + attention FLOPs of one forward (x3 with ``backward``), nanoGPT style (2 per MAC)."""
        return estimate_flops(self.config, num_tokens, text_len, batch, backward)


def estimate_flops(
    cfg: DiTConfig, num_tokens: int, text_len: int = 397, batch: int = 1, backward: bool = False
) -> float:
    """FLOPs of a DiT forward over ``num_tokens`` video tokens and ``text_len`` text tokens (77 CLIP + LLM).

    Counts every matmul (2 FLOPs per multiply-add) and the two attention matmuls (QK^T and AV); ignores
    norms, softmax and elementwise ops. ``backward=True`` returns forward + backward (3x forward).
    """
    d, n, m = cfg.hidden_size, num_tokens, text_len
    llm_dim, clip_dim = cfg.caption_channels
    clip_len = min(77, m)
    self_attn = 2 * n * d * 4 * d + 4 * n * n * d  # wqkv + wo; QK^T + AV
    cross_attn = 2 * n * d * 2 * d + 2 * m * d * 2 * d + 4 * n * m * d  # wq + wo; wkv; QK^T + AV
    ffn = 2 * 2 * n * d * cfg.ff_mult * d
    per_layer = self_attn + cross_attn + ffn
    pp = cfg.patch_size**2
    embed = 2 * n * d * pp * (cfg.in_channels + cfg.out_channels)  # patch embed + proj_out
    embed += 2 * (m - clip_len) * (llm_dim * d + d * d) + 2 * clip_len * clip_dim * d  # caption, clip
    embed += 2 * (cfg.freq_dim * d + d * d + 6 * d * d)  # timestep MLP + adaLN linear (per sample)
    total = batch * (cfg.num_layers * per_layer + embed)
    return float(3 * total if backward else total)


def flops_per_token(cfg: DiTConfig, num_tokens: int, text_len: int = 397, backward: bool = True) -> float:
    """Training (default) FLOPs per video token at sequence length ``num_tokens`` (for MFU)."""
    return estimate_flops(cfg, num_tokens, text_len, 1, backward) / num_tokens


# --------------------------------------------------------------------------------------------------------
# Inspection (for `stepvid inspect`)
# --------------------------------------------------------------------------------------------------------
def dit_key_shapes(preset: str = "stepvideo-t2v", **overrides) -> dict[str, list[int]]:
    """State-dict key -> shape of a preset, built on the meta device (no memory, instant)."""
    with torch.device("meta"):
        model = StepVideoDiT(dit_config(preset, **overrides))
    return {k: list(v.shape) for k, v in model.state_dict().items()}


def dit_num_parameters(preset: str = "stepvideo-t2v", **overrides) -> int:
    """Parameter count of a preset (meta device)."""
    return sum(math.prod(s) for s in dit_key_shapes(preset, **overrides).values())


def config_dict(cfg: DiTConfig) -> dict:
    """JSON-friendly dict of a config (tuples as lists)."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(cfg).items()}


__all__ = [
    "DIT_PRESETS",
    "DiTConfig",
    "StepVideoDiT",
    "config_dict",
    "dit_config",
    "dit_key_shapes",
    "dit_num_parameters",
    "estimate_flops",
    "flops_per_token",
]
