"""Tiny, randomly initialised text-encoder checkpoint folders in the released layout, for tests.

``write_tiny_text_encoders(root)`` writes::

    root/step_llm/      config.json (released field names), model-0000{1,2}-of-00002.safetensors (bf16),
                        model.safetensors.index.json, step1_chat_tokenizer.model (SentencePiece trained here
                        on a few hundred bilingual sentences, with the special pieces the official code asserts)
    root/hunyuan_clip/  clip_text_encoder/{config.json, pytorch_model.bin}  (a CLIP-style state dict: the BERT
                        tower under ``bert.``, plus pooler, ``visual.*``, ``text_projection``, ``logit_scale``)
                        tokenizer/{vocab.txt, tokenizer_config.json, special_tokens_map.json}

Deterministic for a given seed; needs sentencepiece but not transformers; well under a second.
"""

from __future__ import annotations

import io
import json
import os
import random
from dataclasses import dataclass
from pathlib import Path

import torch

from stepvid.checkpoints import save_sharded_safetensors
from stepvid.models.text.step_llm import StepLLMConfig
from stepvid.models.text.step_tokenizer import REQUIRED_CONTROL_TOKENS, REQUIRED_TOKENS

__all__ = ["TINY_CLIP_CONFIG", "TinyTextEncoders", "bilingual_corpus", "write_tiny_text_encoders"]

_EN_SUBJECTS = ["a cat", "a dog", "an astronaut", "a red car", "two children", "an old man", "a panda",
                "a white horse", "a robot", "a girl", "a small boat", "three birds"]
_EN_ACTIONS = ["runs across", "walks along", "jumps over", "sleeps on", "rides through", "dances in",
               "flies above", "swims in", "looks at", "waits beside"]
_EN_PLACES = ["the green grass", "a quiet street", "the snowy mountain", "a busy market", "the sandy beach",
              "a dark forest", "the city at night", "a small river", "an empty room", "the blue sky"]
_EN_STYLES = ["in slow motion", "at sunset", "under heavy rain", "with soft light", "in cinematic style",
              "seen from above", ""]
_ZH_SUBJECTS = ["一只猫", "一条狗", "一名宇航员", "一辆红色汽车", "两个孩子", "一位老人", "一只熊猫", "一匹白马",
                "一个机器人", "一个女孩", "一条小船", "三只鸟"]
_ZH_ACTIONS = ["跑过", "沿着", "跳过", "睡在", "骑行穿过", "跳舞在", "飞过", "游泳在", "看着", "等在"]
_ZH_PLACES = ["绿色的草地", "安静的街道", "雪山", "热闹的市场", "沙滩", "黑暗的森林", "夜晚的城市", "小河",
              "空房间", "蓝天"]
_ZH_STYLES = ["慢动作", "日落时分", "大雨中", "柔和的光线", "电影风格", "俯视镜头", ""]
# The released positive suffix and negative prompt (spec §4.1), so they tokenise into real pieces.
_MAGIC = [
    "超高清、HDR 视频、环境光、杜比全景声、画面稳定、流畅动作、逼真的细节、专业级构图、超现实主义、自然、生动、超细节、清晰。",
    "画面暗、低分辨率、不良手、文本、缺少手指、多余的手指、裁剪、低质量、颗粒状、签名、水印、用户名、模糊。",
]

TINY_CLIP_CONFIG = {
    "architectures": ["BertModel"], "model_type": "bert", "hidden_size": 48, "num_hidden_layers": 2,
    "num_attention_heads": 4, "intermediate_size": 96, "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
    "attention_probs_dropout_prob": 0.1, "max_position_embeddings": 128, "type_vocab_size": 2,
    "layer_norm_eps": 1e-12, "pad_token_id": 0, "position_embedding_type": "absolute", "initializer_range": 0.02,
}


@dataclass(frozen=True)
class TinyTextEncoders:
    root: Path
    llm_config: StepLLMConfig
    clip_config: dict
    corpus: list[str]

    @property
    def step_llm(self) -> Path:
        return self.root / "step_llm"

    @property
    def hunyuan_clip(self) -> Path:
        return self.root / "hunyuan_clip"


def bilingual_corpus(seed: int = 0, n: int = 360) -> list[str]:
    """``n`` short English, Chinese and mixed sentences (deterministic), plus the two magic strings."""
    rng = random.Random(seed)
    out = list(_MAGIC)
    for i in range(n):
        en = " ".join(w for w in (rng.choice(_EN_SUBJECTS), rng.choice(_EN_ACTIONS), rng.choice(_EN_PLACES),
                                  rng.choice(_EN_STYLES)) if w)
        zh = rng.choice(_ZH_SUBJECTS) + rng.choice(_ZH_ACTIONS) + rng.choice(_ZH_PLACES) + rng.choice(_ZH_STYLES)
        kind = i % 3
        out.append(en[0].upper() + en[1:] + "." if kind == 0 else zh + "。" if kind == 1 else f"{zh}, {en}.")
    return out


def _train_sentencepiece(corpus: list[str], vocab_size: int) -> bytes:
    import sentencepiece as spm

    model = io.BytesIO()
    with open(os.devnull, "w") as devnull:
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(corpus), model_writer=model, logstream=devnull, model_type="bpe",
            vocab_size=vocab_size, hard_vocab_limit=False, character_coverage=1.0, byte_fallback=True,
            unk_id=0, bos_id=1, eos_id=2, pad_id=-1, control_symbols=list(REQUIRED_CONTROL_TOKENS),
            user_defined_symbols=[t for t in REQUIRED_TOKENS if t not in REQUIRED_CONTROL_TOKENS],
            num_threads=1, split_digits=True,
        )
    return model.getvalue()


def _tiny_llm_state_dict(cfg: StepLLMConfig, gen: torch.Generator) -> dict[str, torch.Tensor]:
    from stepvid.models.text.step_llm import StepLLM

    shapes = {k: v.shape for k, v in StepLLM(cfg).state_dict().items()}  # tiny: build on CPU
    sd = {}
    for k, shape in shapes.items():
        if k.endswith("norm.weight"):
            t = 1.0 + 0.1 * torch.randn(shape, generator=gen)
        elif "word_embeddings" in k:
            t = torch.randn(shape, generator=gen)
        else:
            t = torch.randn(shape, generator=gen) / shape[-1] ** 0.5
        sd[k] = t.to(torch.bfloat16)
    return sd


def _bert_vocab(corpus: list[str]) -> list[str]:
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    chars = sorted({c for line in corpus for c in line if "\u4e00" <= c <= "\u9fff"})
    words = sorted({w.strip(".,").lower() for line in corpus for w in line.split() if w.isascii()} - {""})
    letters = [chr(c) for c in range(ord("a"), ord("z") + 1)] + [str(d) for d in range(10)]
    pieces = ["##" + x for x in letters] + ["##s", "##ed", "##ing", "##er"]
    punct = list(".,!?;:'\"()-、。，！？：；")
    vocab, seen = [], set()
    for tok in specials + punct + letters + words + pieces + chars:
        if tok not in seen:
            seen.add(tok)
            vocab.append(tok)
    return vocab


def _tiny_bert_clip_state_dict(cfg: dict, gen: torch.Generator) -> dict[str, torch.Tensor]:
    """A CLIP-style state dict whose text tower uses BERT's standard key names under ``bert.``."""
    h, f, v = cfg["hidden_size"], cfg["intermediate_size"], cfg["vocab_size"]

    def w(*shape):
        return 0.05 * torch.randn(shape, generator=gen)

    def ln(prefix):
        return {f"{prefix}.weight": 1.0 + 0.1 * torch.randn(h, generator=gen), f"{prefix}.bias": w(h)}

    sd = {
        "bert.embeddings.word_embeddings.weight": w(v, h),
        "bert.embeddings.position_embeddings.weight": w(cfg["max_position_embeddings"], h),
        "bert.embeddings.token_type_embeddings.weight": w(cfg["type_vocab_size"], h),
        **ln("bert.embeddings.LayerNorm"),
    }
    for i in range(cfg["num_hidden_layers"]):
        p = f"bert.encoder.layer.{i}"
        for name in ("query", "key", "value"):
            sd[f"{p}.attention.self.{name}.weight"], sd[f"{p}.attention.self.{name}.bias"] = w(h, h), w(h)
        sd[f"{p}.attention.output.dense.weight"], sd[f"{p}.attention.output.dense.bias"] = w(h, h), w(h)
        sd.update(ln(f"{p}.attention.output.LayerNorm"))
        sd[f"{p}.intermediate.dense.weight"], sd[f"{p}.intermediate.dense.bias"] = w(f, h), w(f)
        sd[f"{p}.output.dense.weight"], sd[f"{p}.output.dense.bias"] = w(h, f), w(h)
        sd.update(ln(f"{p}.output.LayerNorm"))
    # Parts of the CLIP checkpoint that the text encoder must ignore.
    sd.update({"bert.pooler.dense.weight": w(h, h), "bert.pooler.dense.bias": w(h),
               "visual.proj": w(h, 8), "visual.conv1.weight": w(8, 3, 2, 2), "text_projection": w(h, 8),
               "logit_scale": torch.tensor(4.6)})
    return sd


def write_tiny_text_encoders(root: str | os.PathLike, seed: int = 0) -> TinyTextEncoders:
    """Write tiny Step-LLM and Hunyuan-CLIP folders under ``root`` (see the module docstring)."""
    root = Path(root)
    gen = torch.Generator().manual_seed(seed)
    corpus = bilingual_corpus(seed)

    llm_dir = root / "step_llm"
    llm_dir.mkdir(parents=True, exist_ok=True)
    (llm_dir / "step1_chat_tokenizer.model").write_bytes(_train_sentencepiece(corpus, vocab_size=640))
    cfg = StepLLMConfig.from_preset("tiny")
    released = cfg.to_released() | {"seq_length": 16384, "max_position_embeddings": 16384}
    (llm_dir / "config.json").write_text(json.dumps(released, indent=2) + "\n")
    sd = _tiny_llm_state_dict(cfg, gen)
    sizes = [t.numel() * t.element_size() for t in sd.values()]
    written = save_sharded_safetensors(sd, llm_dir, max_shard_bytes=sum(sizes) // 2 + max(sizes) // 2,
                                       index_name="model.safetensors.index.json")
    assert len(written) == 3, f"expected 2 shards + index, wrote {[p.name for p in written]}"

    clip_dir = root / "hunyuan_clip"
    enc_dir, tok_dir = clip_dir / "clip_text_encoder", clip_dir / "tokenizer"
    enc_dir.mkdir(parents=True, exist_ok=True)
    tok_dir.mkdir(parents=True, exist_ok=True)
    vocab = _bert_vocab(corpus)
    (tok_dir / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    (tok_dir / "tokenizer_config.json").write_text(json.dumps(
        {"tokenizer_class": "BertTokenizer", "do_lower_case": True, "tokenize_chinese_chars": True,
         "model_max_length": 512}) + "\n")
    (tok_dir / "special_tokens_map.json").write_text(json.dumps(
        {"unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]",
         "mask_token": "[MASK]"}) + "\n")
    clip_cfg = dict(TINY_CLIP_CONFIG, vocab_size=len(vocab))
    (enc_dir / "config.json").write_text(json.dumps(clip_cfg, indent=2) + "\n")
    torch.save(_tiny_bert_clip_state_dict(clip_cfg, gen), enc_dir / "pytorch_model.bin")
    return TinyTextEncoders(root, cfg, clip_cfg, corpus)
