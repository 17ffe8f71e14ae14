"""The bundled model's small bilingual text encoder: tokenizer, both streams, files, pre-training."""

from __future__ import annotations

import itertools
import math
import random

import pytest
import torch
import torch.nn.functional as F

from stepvid.models.text.base import TextEmbeddings, TextEncoder
from stepvid.models.text.small import (
    BOS,
    EOS,
    PAD,
    UNK,
    PretrainExample,
    SmallBilingualEncoder,
    SmallTextConfig,
    WordCharTokenizer,
    pretrain_small_encoder,
)

# A miniature bilingual world (independent of stepvid.world): 1–2 objects, colour × shape, EN and ZH.
COLORS = {"red": "红色", "blue": "蓝色", "green": "绿色", "yellow": "黄色"}
SHAPES = {"circle": "圆", "square": "正方形", "triangle": "三角形"}
LABELS = {"count": 2, "obj0.color": 4, "obj0.shape": 3, "obj1.color": 5, "obj1.shape": 4}  # obj1: +1 "none"


def caption(objs: list[tuple[str, str]]) -> tuple[str, str]:
    en = " and ".join(f"a {c} {s}" for c, s in objs) + " moving."
    zh = "和".join(f"一个{COLORS[c]}的{SHAPES[s]}" for c, s in objs) + "在移动。"
    return en, zh


def example(objs: list[tuple[str, str]]) -> PretrainExample:
    cs, ss = list(COLORS), list(SHAPES)
    lab = {"count": len(objs) - 1, "obj0.color": cs.index(objs[0][0]), "obj0.shape": ss.index(objs[0][1])}
    lab["obj1.color"] = cs.index(objs[1][0]) if len(objs) > 1 else 4
    lab["obj1.shape"] = ss.index(objs[1][1]) if len(objs) > 1 else 3
    return PretrainExample(caption(objs), lab)


ALL_OBJ = list(itertools.product(COLORS, SHAPES))
SCENES = [[o] for o in ALL_OBJ] + [[a, b] for a in ALL_OBJ for b in ALL_OBJ if a != b]


def tiny_encoder(tok: WordCharTokenizer, **kw) -> SmallBilingualEncoder:
    cfg = {"vocab_size": len(tok), "llm_dim": 32, "llm_layers": 2, "llm_heads": 2, "llm_len": 24, "clip_dim": 32,
           "clip_layers": 1, "clip_heads": 2}
    return SmallBilingualEncoder(SmallTextConfig(**{**cfg, **kw}), tok)


@pytest.fixture(scope="module")
def tok() -> WordCharTokenizer:
    return WordCharTokenizer.build(t for s in SCENES for t in caption(s))


def test_tokenizer_pieces_and_unknowns(tok):
    assert WordCharTokenizer.split("A Red circle, 向右移动！") == ["a", "red", "circle", ",", "向", "右", "移", "动", "!"]
    assert WordCharTokenizer.split("12 o'clock") == ["1", "2", "o'clock"]
    ids = tok.encode("a purple circle 紫")
    assert ids[0] == tok.bos_id and ids[-1] == tok.eos_id
    assert ids[2] == tok.unk_id and ids[4] == tok.unk_id and ids[3] == tok.index["circle"]
    assert tok.unknown("a purple circle 紫") == ["purple", "紫"]
    assert tok.vocab[:4] == [PAD, UNK, BOS, EOS]


def test_tokenizer_batch_pads_right_and_keeps_eos(tok, tmp_path):
    ids, mask = tok.batch(["a red circle", "一个红色的圆和一个蓝色的正方形在移动。"], length=6)
    assert ids.shape == mask.shape == (2, 6)
    assert mask[0].tolist() == [1, 1, 1, 1, 1, 0] and ids[0, 5] == tok.pad_id
    assert mask[1].all() and ids[1, -1] == tok.eos_id  # truncated, EOS kept
    tok.save(tmp_path / "t.json")
    assert WordCharTokenizer.load(tmp_path / "t.json").vocab == tok.vocab
    (tmp_path / "bad.json").write_text('{"vocab": 3}')
    with pytest.raises(ValueError, match="bad.json"):
        WordCharTokenizer.load(tmp_path / "bad.json")
    with pytest.raises(ValueError, match="special tokens"):
        WordCharTokenizer(["a", "b"])


def test_llm_stream_matches_fp64_step_llm_recipe(tok):
    """The LLM-like stream is Step-LLM at toy size: RMSNorm -> softmax(q.k/sqrt(dh) - slope_h sqrt(i-j)) v with
    the spec's slopes (2 heads: 2^-4, 2^-8) -> wo; SwiGLU FFN; no final norm. Written out in fp64 here."""
    torch.manual_seed(0)
    enc = tiny_encoder(tok, llm_layers=1, llm_dim=16, llm_heads=2).double().eval()
    ids, mask = tok.batch(["a red circle moving."], 24)
    n, d, h = int(mask.sum()), 16, 2
    blk = enc.llm.transformer.layers[0]

    def rms(t, w):
        return t / torch.sqrt(t.pow(2).mean(-1, keepdim=True) + 1e-5) * w

    x = enc.llm.tok_embeddings.word_embeddings.weight[ids[0, :n]]
    qkv = rms(x, blk.attention_norm.weight) @ blk.attention.wqkv.weight.T
    q = qkv[:, :d].view(n, h, d // h)
    kv = qkv[:, d:].view(n, h, 2, d // h)  # one KV group per head: [k | v]
    k, v = kv[:, :, 0], kv[:, :, 1]
    i = torch.arange(n, dtype=torch.float64)
    slopes = torch.tensor([2.0**-4, 2.0**-8], dtype=torch.float64)
    bias = -slopes[:, None, None] * (i[:, None] - i[None]).clamp(min=0).sqrt()
    bias = bias.masked_fill(torch.ones(n, n).triu(1).bool(), -math.inf)
    att = (torch.einsum("ihd,jhd->hij", q, k) / math.sqrt(d // h) + bias).softmax(-1)
    y = x + torch.einsum("hij,jhd->ihd", att, v).reshape(n, d) @ blk.attention.wo.weight.T
    g, u = (rms(y, blk.ffn_norm.weight) @ blk.feed_forward.w1.weight.T).chunk(2, -1)
    ref = y + (F.silu(g) * u) @ blk.feed_forward.w2.weight.T
    with torch.no_grad():
        got = enc(**enc.tokenize(["a red circle moving."])).llm[0, :n]
    assert torch.allclose(got, ref, atol=1e-10)
    assert "llm.transformer.layers.0.attention.wqkv.weight" in enc.state_dict()  # Step-LLM's released naming


def test_streams_shapes_causality_and_protocol(tok):
    enc = tiny_encoder(tok).eval()
    assert isinstance(enc, TextEncoder)
    e = enc.encode(["a red circle moving.", "一个蓝色的三角形和一个绿色的圆在移动。"])
    assert isinstance(e, TextEmbeddings)
    assert e.llm.shape == (2, 24, 32) and e.clip.shape == (2, 77, 32)
    assert e.llm_mask[0].sum() == 2 + 5 and e.llm_mask[1].sum() == 2 + 19
    assert (e.llm[0, 7:] == 0).all()  # padding states zeroed
    # causal LLM stream: changing a later word leaves earlier states untouched; the CLIP stream sees it
    f = enc.encode(["a red square moving."])
    assert torch.allclose(e.llm[0, :3], f.llm[0, :3]) and not torch.allclose(e.llm[0, 3], f.llm[0, 3])
    assert not torch.allclose(e.clip[0, 1], f.clip[0, 1])
    with pytest.raises(TypeError):
        enc.encode("a red circle")


def test_save_load_round_trip_bf16_storage(tok, tmp_path):
    enc = tiny_encoder(tok).eval()
    enc.save_pretrained(tmp_path / "te", dtype=torch.bfloat16)
    back = SmallBilingualEncoder.from_pretrained(tmp_path / "te")
    ref = tiny_encoder(tok)
    ref.load_state_dict({k: v.bfloat16().float() for k, v in enc.state_dict().items()})
    p = ["a yellow square and a red circle moving.", "一个红色的圆在移动。"]
    a, b = back.encode(p), ref.eval().encode(p)
    assert torch.equal(a.llm, b.llm) and torch.equal(a.clip, b.clip)
    (tmp_path / "te" / "model.safetensors").unlink()
    with pytest.raises(FileNotFoundError, match="model.safetensors"):
        SmallBilingualEncoder.from_pretrained(tmp_path / "te")


@pytest.fixture
def one_thread():
    """Tiny tensors: intra-op threads only add overhead (and spin on a shared machine)."""
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


def test_pretraining_learns_attributes_and_aligns_languages(tok, one_thread):
    rnd = random.Random(0)
    held = {("red", "triangle"), ("blue", "circle")}  # single-object scenes never seen in training
    # as many one-object as two-object scenes (the world samples counts evenly)
    train = [example(s) for s in SCENES if len(s) == 2 or s[0] not in held]
    train += [example(s) for s in SCENES if len(s) == 1 and s[0] not in held] * 12
    test = [example(s) for s in rnd.sample(SCENES, 48)]
    torch.manual_seed(0)
    enc = tiny_encoder(tok)
    hist, heads = pretrain_small_encoder(enc, train, LABELS, steps=150, batch_size=16, lr=3e-3, seed=0)
    assert hist[0]["attr_acc"] < 0.6 and sum(h["attr_acc"] for h in hist[-10:]) / 10 > 0.85
    assert sum(h["align"] for h in hist[-10:]) / 10 < 0.5 * hist[0]["align"]
    assert not enc.training and not any(p.requires_grad for p in enc.parameters())
    # EN and ZH of the same scene are closer than of different scenes (pooled, frozen encoder states)
    def pooled(texts):
        e = enc.encode(texts)
        m = e.llm_mask[..., None].float()
        v = torch.cat([(e.llm * m).sum(1) / m.sum(1), e.clip.mean(1)], -1)
        return F.normalize(v - v.mean(0), dim=-1)

    en, zh = pooled([x.captions[0] for x in test]), pooled([x.captions[1] for x in test])
    sim = en @ zh.T
    assert (sim.diag()[:, None] > sim + 1e-6).float().sum(1).mean() > 0.9 * (len(test) - 1)
    # attributes of single-object scenes never seen in training are still read right, in both languages
    acc_en, acc_zh = heads.accuracy([example(s) for s in SCENES if len(s) == 1 and s[0] in held])
    assert acc_en > 0.8 and acc_zh > 0.8
