"""The bundled model's small bilingual text encoder: both Step-Video text streams, in ~1 M parameters.

The released system conditions its DiT on two streams (spec §4.2, §5): a causal-LM stream (Step-LLM: causal
attention with a √-distance ALiBi bias, right-padded, with a mask) and a 77-token bidirectional stream
(Hunyuan-CLIP: BERT with learned positions, all 77 positions attended by the DiT). This module keeps that
shape at toy size so the small DiT is built exactly like the big one:

* tokenizer (:mod:`stepvid.models.text.tokenizers`) — needs no download: :class:`ByteBPETokenizer` (open
  vocabulary: a word list, then byte-level BPE, so no input maps to an unknown token) or, in bundles up to
  run 9, :class:`WordCharTokenizer` (closed vocabulary). Saved as JSON next to the weights.
* ``llm`` stream — :class:`~stepvid.models.text.step_llm.StepLLM` at toy size (pre-RMSNorm, causal attention
  with the √-distance ALiBi bias, SwiGLU, no position embedding, no final norm) → ``[B, llm_len, llm_dim]``
  + mask.
* ``clip`` stream — a tiny bidirectional post-norm transformer with learned positions (the BERT recipe),
  padded to 77 → ``[B, 77, clip_dim]``.

How it is trained (:func:`pretrain_small_encoder`): before the DiT, on captions of random world scenes, to
(a) predict the scene's attributes (object count, background, and per object slot colour / shape / size /
motion, read by learned slot queries that cross-attend to both streams exactly as the DiT will) and
(b) pull the EN and ZH captions of the same scene together with a symmetric InfoNCE loss. It is then frozen
for DiT training. (a) makes the token states carry attribute–object binding in a form attention can read;
(b) makes the two languages land on the same representation, so EN and ZH prompts score alike.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from stepvid.models.attention import attention
from stepvid.models.text.base import TextEmbeddings
from stepvid.models.text.step_llm import StepLLM, StepLLMConfig
from stepvid.models.text.tokenizers import (
    BOS,
    EOS,
    PAD,
    SPECIALS,
    UNK,
    ByteBPETokenizer,
    WordCharTokenizer,
    load_tokenizer,
)

__all__ = [
    "BOS",
    "CLIP_LEN",
    "EOS",
    "PAD",
    "SPECIALS",
    "UNK",
    "ByteBPETokenizer",
    "PretrainExample",
    "SmallBilingualEncoder",
    "SmallTextConfig",
    "SmallTextPretrainer",
    "WordCharTokenizer",
    "pretrain_small_encoder",
]

CLIP_LEN = 77


@dataclass
class SmallTextConfig:
    """Sizes of the two streams. ``vocab_size`` is set from the tokenizer."""

    vocab_size: int = 512
    llm_dim: int = 128
    llm_layers: int = 2
    llm_heads: int = 4
    llm_len: int = 48  # LLM-stream length (Step-LLM: 320); world captions are < 40 tokens
    clip_dim: int = 128
    clip_layers: int = 2
    clip_heads: int = 4
    norm_eps: float = 1e-5


class BidirectionalBlock(nn.Module):
    """BERT layer at toy size: post-LayerNorm, attention with a key-padding mask, GELU FFN."""

    def __init__(self, dim: int, heads: int, eps: float):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.norm1 = nn.LayerNorm(dim, eps=eps)
        self.fc1 = nn.Linear(dim, 4 * dim)
        self.fc2 = nn.Linear(4 * dim, dim)
        self.norm2 = nn.LayerNorm(dim, eps=eps)

    def forward(self, x: torch.Tensor, key_mask: torch.Tensor) -> torch.Tensor:
        b, n, d = x.shape
        q, k, v = self.qkv(x).view(b, n, 3, self.heads, d // self.heads).unbind(2)
        bias = torch.zeros(key_mask.shape, dtype=q.dtype, device=q.device).masked_fill(~key_mask, float("-inf"))
        a = attention(q, k, v, attn_bias=bias[:, None, None, :])
        x = self.norm1(x + self.proj(a.reshape(b, n, d)))
        return self.norm2(x + self.fc2(F.gelu(self.fc1(x))))


class SmallBilingualEncoder(nn.Module):
    """Prompts → :class:`TextEmbeddings` (LLM-like stream + mask, CLIP-like 77-token stream).

    Implements the :class:`~stepvid.models.text.base.TextEncoder` protocol. Files (``save_pretrained``):
    ``config.json``, ``tokenizer.json``, ``model.safetensors`` (keys ``llm.*`` in Step-LLM's released naming,
    ``clip.*``).
    """

    def __init__(self, config: SmallTextConfig, tokenizer: ByteBPETokenizer | WordCharTokenizer):
        super().__init__()
        if config.vocab_size != len(tokenizer):
            raise ValueError(f"config.vocab_size={config.vocab_size} but the tokenizer has {len(tokenizer)} tokens")
        for name in ("llm", "clip"):
            dim, heads = getattr(config, f"{name}_dim"), getattr(config, f"{name}_heads")
            if dim % heads:
                raise ValueError(f"{name}_dim={dim} is not divisible by {name}_heads={heads}")
        self.config, self.tokenizer = config, tokenizer
        c = config
        # The LLM-like stream is the project's Step-LLM module at toy size (keys as in the release).
        self.llm = StepLLM(StepLLMConfig(
            hidden_size=c.llm_dim, num_layers=c.llm_layers, num_attention_heads=c.llm_heads,
            num_attention_groups=c.llm_heads, kv_channels=c.llm_dim // c.llm_heads,
            ffn_hidden_size=64 * math.ceil(8 * c.llm_dim / 3 / 64), layernorm_epsilon=c.norm_eps,
            padded_vocab_size=c.vocab_size, position_bias="sqrt_alibi"))
        self.clip = nn.ModuleDict(
            {
                "word_embeddings": nn.Embedding(c.vocab_size, c.clip_dim),
                "position_embeddings": nn.Embedding(CLIP_LEN, c.clip_dim),
                "embed_norm": nn.LayerNorm(c.clip_dim, eps=c.norm_eps),
                "layers": nn.ModuleList(
                    BidirectionalBlock(c.clip_dim, c.clip_heads, c.norm_eps) for _ in range(c.clip_layers)
                ),
            }
        )
        self.apply(self._init)

    @staticmethod
    def _init(m: nn.Module) -> None:
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, std=0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, std=0.02)

    # TextEncoder protocol
    @property
    def llm_dim(self) -> int:  # type: ignore[override]
        return self.config.llm_dim

    @property
    def clip_dim(self) -> int:  # type: ignore[override]
        return self.config.clip_dim

    def overflow(self, prompt: str) -> dict[str, tuple[int, int]]:
        """Streams that would cut ``prompt``: ``{stream: (text tokens, text tokens kept)}``, BOS and EOS not
        counted (as the Step-Video encoders report it); empty when it fits. The pipeline warns in one line."""
        n = len(self.tokenizer.encode(prompt)) - 2
        return {name: (n, room - 2) for name, room in (("llm", self.config.llm_len), ("clip", CLIP_LEN)) if n > room - 2}

    def tokenize(self, prompts: Sequence[str], device=None) -> dict[str, torch.Tensor]:
        llm_ids, llm_mask = self.tokenizer.batch(prompts, self.config.llm_len)
        clip_ids, clip_mask = self.tokenizer.batch(prompts, CLIP_LEN)
        out = {"llm_ids": llm_ids, "llm_mask": llm_mask, "clip_ids": clip_ids, "clip_mask": clip_mask}
        return {k: v.to(device) for k, v in out.items()}

    def forward(self, llm_ids, llm_mask, clip_ids, clip_mask) -> TextEmbeddings:
        h = self.llm(llm_ids)
        h = h * llm_mask[..., None].to(h.dtype)  # padding states are masked by the DiT; keep them at zero
        pos = torch.arange(clip_ids.shape[1], device=clip_ids.device)
        g = self.clip["embed_norm"](self.clip["word_embeddings"](clip_ids) + self.clip["position_embeddings"](pos))
        for layer in self.clip["layers"]:
            g = layer(g, clip_mask.bool())
        return TextEmbeddings(llm=h, llm_mask=llm_mask, clip=g)

    def encode(self, prompts: list[str], device: torch.device | str | None = None) -> TextEmbeddings:
        """Encode prompts (frozen use: no grad). ``device`` defaults to the module's device."""
        if isinstance(prompts, str):
            raise TypeError("encode() takes a list of prompts, not a single string")
        device = device or next(self.parameters()).device
        with torch.no_grad():
            return self(**self.tokenize(prompts, device))

    def with_tokenizer(self, tokenizer: ByteBPETokenizer, seed: int = 0) -> SmallBilingualEncoder:
        """A copy of this encoder reading ``tokenizer``, whose first ids must be this encoder's vocabulary
        (e.g. an open-vocabulary tokenizer built on a closed word list): every weight is copied, the new ids'
        embeddings start as ``[UNK]``'s plus N(0, 0.002) noise, so the copy reads every old text exactly as
        this encoder does and every new piece, at first, as this encoder read unknown words."""
        old = getattr(self.tokenizer, "vocab", None) or getattr(self.tokenizer, "words", None)
        if tokenizer.words[: len(old)] != old:
            raise ValueError("the new tokenizer's word list does not start with this encoder's vocabulary")
        cfg = SmallTextConfig(**{**asdict(self.config), "vocab_size": len(tokenizer)})
        new = SmallBilingualEncoder(cfg, tokenizer)
        state = {k: v.detach().clone() for k, v in self.state_dict().items()}
        gen = torch.Generator().manual_seed(seed)
        for key, table in new.state_dict().items():
            if table.shape != state[key].shape:  # an embedding table: old rows, then UNK-like rows
                n = state[key].shape[0]
                grown = state[key][self.tokenizer.unk_id].float().expand(table.shape[0] - n, -1)
                noise = torch.randn(grown.shape, generator=gen) * 0.002
                state[key] = torch.cat([state[key], (grown + noise).to(state[key].dtype)])
        new.load_state_dict(state, strict=True)
        return new.to(next(self.parameters()).device)

    # files
    def save_pretrained(self, directory: str | Path, dtype: torch.dtype = torch.float32) -> None:
        """Write ``config.json``, ``tokenizer.json`` and ``model.safetensors`` (weights stored in ``dtype``)."""
        from safetensors.torch import save_file

        from stepvid.video import atomic_path

        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        self.tokenizer.save(d / "tokenizer.json")
        with atomic_path(d / "config.json") as tmp:
            Path(tmp).write_text(json.dumps({"type": "small-bilingual", **asdict(self.config)}, indent=1))
        state = {k: v.detach().to(dtype).contiguous() for k, v in self.state_dict().items()}
        with atomic_path(d / "model.safetensors") as tmp:
            save_file(state, str(tmp), metadata={"format": "pt"})

    @classmethod
    def from_pretrained(cls, directory: str | Path, dtype: torch.dtype = torch.float32, device="cpu") -> SmallBilingualEncoder:
        from safetensors.torch import load_file

        d = Path(directory)
        for name in ("config.json", "tokenizer.json", "model.safetensors"):
            if not (d / name).is_file():
                raise FileNotFoundError(f"small text encoder folder {d} is missing {name}")
        raw = json.loads((d / "config.json").read_text())
        if raw.pop("type", None) != "small-bilingual":
            raise ValueError(f"{d / 'config.json'}: not a small-bilingual text encoder config")
        known = set(SmallTextConfig.__dataclass_fields__)
        extra = sorted(set(raw) - known)
        if extra:
            raise ValueError(f"{d / 'config.json'}: unknown fields {extra}")
        model = cls(SmallTextConfig(**raw), load_tokenizer(d / "tokenizer.json"))
        from stepvid.checkpoints import read_safetensors_header

        read_safetensors_header(d / "model.safetensors")  # a truncated or foreign file: one line naming it
        state = load_file(str(d / "model.safetensors"))
        missing, unexpected = model.load_state_dict({k: v.float() for k, v in state.items()}, strict=False)
        if missing or unexpected:
            raise ValueError(f"{d / 'model.safetensors'}: missing keys {missing[:5]}, unexpected keys {unexpected[:5]}")
        return model.to(device=device, dtype=dtype).eval().requires_grad_(False)


# --------------------------------------------------------------------------------------------------------
# Pre-training: attribute prediction through slot queries + EN/ZH contrastive alignment.


@dataclass
class PretrainExample:
    """One scene: its captions in several languages (same meaning) and integer attribute labels.

    ``labels`` maps a head name (e.g. ``"count"``, ``"background"``, ``"obj0.color"``, ``"obj1.motion"``) to
    a class index; per-object heads should reserve a class for "no such object".
    """

    captions: tuple[str, ...]
    labels: dict[str, int] = field(default_factory=dict)


class SmallTextPretrainer(nn.Module):
    """Heads used only for pre-training: learned slot queries cross-attend to ``[clip ; llm]`` (the DiT's
    order and mask) and a linear classifier per attribute reads the slot states; a pooled projection
    gives the sentence embedding for the contrastive loss."""

    def __init__(self, encoder: SmallBilingualEncoder, label_sizes: dict[str, int], dim: int = 128, heads: int = 4):
        super().__init__()
        if not label_sizes:
            raise ValueError("label_sizes is empty: nothing to predict")
        self.encoder = encoder
        self.label_sizes = dict(label_sizes)
        self.slot_names = sorted({k.split(".", 1)[0] if "." in k else "scene" for k in label_sizes})
        c = encoder.config
        self.proj_llm = nn.Linear(c.llm_dim, dim)
        self.proj_clip = nn.Linear(c.clip_dim, dim)
        self.queries = nn.Parameter(torch.randn(len(self.slot_names), dim) * 0.02)
        self.attn = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.heads = nn.ModuleDict({k.replace(".", "__"): nn.Linear(dim, n) for k, n in label_sizes.items()})
        self.embed = nn.Linear(dim, dim)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(10.0)))

    def forward(self, prompts: Sequence[str]) -> tuple[dict[str, torch.Tensor], torch.Tensor]:
        """Per-head logits and L2-normalised sentence embeddings [B, dim]."""
        dev = self.queries.device
        emb = self.encoder(**self.encoder.tokenize(prompts, dev))
        kv = torch.cat([self.proj_clip(emb.clip), self.proj_llm(F.layer_norm(emb.llm, emb.llm.shape[-1:]))], 1)
        keep = emb.cross_attention_mask().bool()
        q = self.queries[None].expand(len(prompts), -1, -1)
        slots, _ = self.attn(q, kv, kv, key_padding_mask=~keep, need_weights=False)
        logits = {}
        for k in self.label_sizes:
            slot = self.slot_names.index(k.split(".", 1)[0] if "." in k else "scene")
            logits[k] = self.heads[k.replace(".", "__")](slots[:, slot])
        pooled = (kv * keep[..., None]).sum(1) / keep.sum(1, keepdim=True)
        return logits, F.normalize(self.embed(pooled), dim=-1)

    @torch.no_grad()
    def accuracy(self, examples: Sequence[PretrainExample]) -> list[float]:
        """Fraction of heads predicted right, per language (caption index), over ``examples``."""
        n_lang = len(examples[0].captions)
        out = []
        for j in range(n_lang):
            logits, _ = self([ex.captions[j] for ex in examples])
            hits = [
                (lg.argmax(-1).cpu() == torch.tensor([ex.labels[k] for ex in examples])).float().mean()
                for k, lg in logits.items()
            ]
            out.append(float(torch.stack(hits).mean()))
        return out

    def losses(self, batch: Sequence[PretrainExample]) -> dict[str, torch.Tensor]:
        """Cross-entropy over every caption of every example, plus InfoNCE between languages 0 and 1."""
        n_lang = len(batch[0].captions)
        prompts = [ex.captions[j] for j in range(n_lang) for ex in batch]
        logits, z = self(prompts)
        dev = z.device
        out: dict[str, torch.Tensor] = {}
        ce, acc = [], []
        for k, lg in logits.items():
            y = torch.tensor([ex.labels[k] for ex in batch] * n_lang, device=dev)
            ce.append(F.cross_entropy(lg, y))
            acc.append((lg.argmax(-1) == y).float().mean())
        out["attr"] = torch.stack(ce).mean()
        out["attr_acc"] = torch.stack(acc).mean().detach()
        if n_lang > 1 and len(batch) > 1:
            b = len(batch)
            sim = self.logit_scale.exp().clamp(max=100) * z[:b] @ z[b : 2 * b].T
            target = torch.arange(b, device=dev)
            out["align"] = 0.5 * (F.cross_entropy(sim, target) + F.cross_entropy(sim.T, target))
        else:
            out["align"] = torch.zeros((), device=dev)
        out["loss"] = out["attr"] + out["align"]
        return out


def pretrain_small_encoder(
    encoder: SmallBilingualEncoder,
    examples: Sequence[PretrainExample] | callable,
    label_sizes: dict[str, int],
    *,
    steps: int = 2000,
    batch_size: int = 128,
    lr: float = 1e-3,
    seed: int = 0,
    device: str | torch.device = "cpu",
    log_every: int = 0,
    progress: bool = False,
    deadline: float | None = None,
) -> tuple[list[dict[str, float]], SmallTextPretrainer]:
    """Train ``encoder`` in place with :class:`SmallTextPretrainer`; returns one metrics dict per step and
    the trained heads (for evaluation, e.g. :meth:`SmallTextPretrainer.accuracy` on held-out scenes).

    ``examples`` is a fixed list (batches are sampled from it) or a function ``f(batch_size, generator)``
    returning a fresh batch of :class:`PretrainExample` (the world can render unlimited scenes). Every
    example must have the same number of captions (languages) and every head in ``label_sizes``.
    ``deadline`` (a ``time.time()`` value) stops training early; the LR schedule assumes ``steps``.
    """
    import time

    gen = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    if not callable(examples):
        pool = list(examples)
        if not pool:
            raise ValueError("no pre-training examples")
        missing = sorted(set(label_sizes) - set(pool[0].labels))
        if missing:
            raise ValueError(f"pre-training example 0 lacks labels {missing}")

        def draw(n: int, g: torch.Generator) -> list[PretrainExample]:
            return [pool[i] for i in torch.randint(len(pool), (n,), generator=g).tolist()]
    else:
        draw = examples
    model = SmallTextPretrainer(encoder, label_sizes).to(device)
    encoder.train().requires_grad_(True)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01, betas=(0.9, 0.98))
    warm = max(1, steps // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * 0.5 * (1 + math.cos(math.pi * min(s, steps) / steps))
    )
    history: list[dict[str, float]] = []
    it = range(steps)
    if progress:
        from tqdm.auto import tqdm

        it = tqdm(it, desc="text encoder", unit="step")
    for step in it:
        if deadline is not None and time.time() > deadline:
            break
        batch = draw(batch_size, gen)
        for i, ex in enumerate(batch):
            bad = [k for k, n in label_sizes.items() if not 0 <= ex.labels.get(k, -1) < n]
            if bad:
                raise ValueError(f"example {ex.captions[0]!r}: labels {bad} missing or out of range {label_sizes}")
        out = model.losses(batch)
        opt.zero_grad(set_to_none=True)
        out["loss"].backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        rec = {k: float(v.detach()) for k, v in out.items()}
        history.append(rec)
        if progress and hasattr(it, "set_postfix"):
            it.set_postfix(loss=f"{rec['loss']:.3f}", acc=f"{rec['attr_acc']:.3f}")
        if log_every and step % log_every == 0 and not progress:
            print(f"step {step}: " + " ".join(f"{k}={v:.4f}" for k, v in rec.items()), flush=True)
    encoder.eval().requires_grad_(False)
    return history, model.eval()
