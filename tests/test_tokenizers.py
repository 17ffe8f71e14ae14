"""Open-vocabulary byte-level BPE tokenizer of the small text encoder: no unknown tokens, exact merges, files."""

from __future__ import annotations

import json
import random

import pytest
import torch

from stepvid.models.text.small import SmallBilingualEncoder, SmallTextConfig
from stepvid.models.text.tokenizers import (
    SPECIALS,
    ByteBPETokenizer,
    WordCharTokenizer,
    load_tokenizer,
    normalize,
    split_pieces,
)

WORDS = [*SPECIALS, "a", "red", "circle", "moves", "right", "红", "色", "圆"]


def bpe_pieces(tok: ByteBPETokenizer, ids: list[int]) -> bytes:
    return b"".join(tok.token_bytes[i - tok.byte0] for i in ids)


def test_merges_follow_the_bpe_algorithm_on_a_closed_form_corpus():
    """Pieces "abab" x2, "ab", "abc": (a,b) occurs 6 times -> merge 0; then "X X" twice -> merge 1; "X c" once
    (< min_count 2) stops training."""
    tok = ByteBPETokenizer.train(["abab abab ab", "abc"], WORDS, num_merges=10, min_count=2)
    a, b, c = (tok.byte0 + ord(x) for x in "abc")
    x = tok.byte0 + 256
    assert tok.merges == [(a, b), (x, x)]
    assert len(tok) == len(WORDS) + 256 + 2
    assert tok.encode("abab")[1:-1] == [x + 1]
    assert tok.encode("abc ba")[1:-1] == [x, c, b, a]
    assert tok.token_text(x + 1) == "abab"
    # ties go to the smallest pair of ids, so training is deterministic
    assert ByteBPETokenizer.train(["ab cd"], WORDS, 1, min_count=1).merges == [(a, b)]


def test_word_list_pieces_keep_their_ids_and_everything_else_is_bytes():
    tok = ByteBPETokenizer.train(["a red circle slides left"] * 3, WORDS, 40)
    ids = tok.encode("A RED circle moves right")
    assert ids == [tok.bos_id] + [WORDS.index(w) for w in ("a", "red", "circle", "moves", "right")] + [tok.eos_id]
    assert tok.encode("红色的圆")[1:-1][:2] == [WORDS.index("红"), WORDS.index("色")]
    assert tok.pieces_outside_words("a red ball") == ["ball"]


@pytest.mark.parametrize("text", [
    "🚀🎬 a red circle 🔴 moves →", "a\x00red\x07circle\u200b\u202emoves\x1b[31m", "a 红色 circle 向右 slides rihgt",
    "ÉCLAIR naïve café ﬁ ｆｕｌｌ－ｗｉｄｔｈ", "\U0001f600" * 3 + "\U000e0041", "" , "   ", "日本語のテキスト한국어",
])
def test_no_input_maps_to_an_unknown_token(text):
    tok = ByteBPETokenizer.train(["a red circle slides left", "红色圆形向右移动"] * 5, WORDS, 60)
    ids = tok.encode(text)
    assert tok.unk_id not in ids and ids[0] == tok.bos_id and ids[-1] == tok.eos_id
    assert all(0 <= i < len(tok) for i in ids)
    # every non-word piece round-trips through its tokens' bytes (the tokenisation loses nothing)
    for piece in split_pieces(text):
        pids = tok.piece_ids(piece)
        if piece not in tok.index:
            assert bpe_pieces(tok, pids) == piece.encode("utf-8")
    assert tok.unknown(text) == []


def test_random_unicode_round_trips_through_bpe():
    rng = random.Random(0)
    corpus = ["".join(chr(rng.randrange(0x20, 0x3000)) for _ in range(12)) for _ in range(200)]
    tok = ByteBPETokenizer.train(corpus, WORDS, 300, min_count=1)
    for text in corpus[:50] + ["".join(chr(rng.randrange(0x20, 0x10FFFF)) for _ in range(30)) for _ in range(50)]:
        for piece in split_pieces(text):
            if piece not in tok.index:
                assert bpe_pieces(tok, tok.piece_ids(piece)) == piece.encode("utf-8")


def test_normalisation_folds_width_case_and_control_characters():
    assert normalize("ＡＢＣ\tx\x00y") == "abc x y"
    assert split_pieces("A Red circle, 向右移动！") == ["a", "red", "circle", ",", "向", "右", "移", "动", "!"]


def test_files_round_trip_and_bad_files_are_refused(tmp_path):
    tok = ByteBPETokenizer.train(["slides glides drifts"] * 4, WORDS, 30)
    tok.save(tmp_path / "t.json")
    back = load_tokenizer(tmp_path / "t.json")
    assert isinstance(back, ByteBPETokenizer) and back.merges == tok.merges and back.words == tok.words
    assert back.encode("glides slides") == tok.encode("glides slides")
    WordCharTokenizer(WORDS).save(tmp_path / "w.json")
    assert isinstance(load_tokenizer(tmp_path / "w.json"), WordCharTokenizer)
    (tmp_path / "bad.json").write_text(json.dumps({"type": "byte-bpe", "words": WORDS, "merges": [[0, 1]]}))
    with pytest.raises(ValueError, match=r"bad\.json: merge 0 \(0, 1\) refers to a token that is not byte-level"):
        load_tokenizer(tmp_path / "bad.json")
    (tmp_path / "dup.json").write_text(json.dumps({"type": "byte-bpe", "words": WORDS,
                                                   "merges": [[len(WORDS), len(WORDS) + 1]] * 2}))
    with pytest.raises(ValueError, match="repeats merge 0"):
        load_tokenizer(tmp_path / "dup.json")
    (tmp_path / "odd.json").write_text(json.dumps({"type": "sentencepiece"}))
    with pytest.raises(ValueError, match="unknown tokenizer type 'sentencepiece'"):
        load_tokenizer(tmp_path / "odd.json")
    (tmp_path / "bin.json").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ValueError, match="not a JSON tokenizer file"):
        load_tokenizer(tmp_path / "bin.json")


def _tiny(tok, **kw) -> SmallBilingualEncoder:
    cfg = {"vocab_size": len(tok), "llm_dim": 32, "llm_layers": 1, "llm_heads": 2, "llm_len": 16, "clip_dim": 32,
           "clip_layers": 1, "clip_heads": 2}
    return SmallBilingualEncoder(SmallTextConfig(**{**cfg, **kw}), tok)


def test_encoder_on_an_open_tokenizer_reads_old_texts_exactly_as_before(tmp_path):
    torch.manual_seed(0)
    old = _tiny(WordCharTokenizer(WORDS)).eval()
    tok = ByteBPETokenizer.train(["a red ball slides", "红色圆形向右"] * 3, WORDS, 20)
    new = old.with_tokenizer(tok).eval()
    texts = ["a red circle moves right", "红色圆", ""]
    a, b = old.encode(texts), new.encode(texts)
    assert torch.equal(a.llm, b.llm) and torch.equal(a.clip, b.clip) and torch.equal(a.llm_mask, b.llm_mask)
    # a new piece starts near [UNK] (noise 0.002), so the copy reads it as the old encoder read unknown words
    emb = new.llm.tok_embeddings.word_embeddings.weight
    unk = emb[tok.unk_id]
    assert (emb[len(WORDS):] - unk).abs().max() < 0.02
    new.save_pretrained(tmp_path / "enc")
    back = SmallBilingualEncoder.from_pretrained(tmp_path / "enc")
    assert isinstance(back.tokenizer, ByteBPETokenizer)
    assert torch.equal(back.encode(["a red ball"]).llm, new.encode(["a red ball"]).llm)
    with pytest.raises(ValueError, match="does not start with this encoder's vocabulary"):
        old.with_tokenizer(ByteBPETokenizer.train([], [*SPECIALS, "x"], 0))


def test_overflow_names_each_stream_that_cuts_the_prompt():
    tok = ByteBPETokenizer.train(["a red circle"], WORDS, 5)
    enc = _tiny(tok, llm_len=16)
    assert enc.overflow("a red circle") == {}
    long = "a red circle " * 3334  # 10,002 words -> 10,004 tokens with BOS/EOS
    assert len(tok.encode(long)) == 10004
    assert enc.overflow(long) == {"llm": (10002, 14), "clip": (10002, 75)}  # text tokens, BOS/EOS not counted
    e = enc.encode([long])
    assert int(e.llm_mask.sum()) == 16
    fits = " ".join(["a"] * 14)  # 14 text tokens: exactly what the LLM stream keeps
    assert enc.overflow(fits) == {} and enc.overflow(fits + " a") == {"llm": (15, 14)}


def test_truncated_or_foreign_weights_are_refused_in_one_line(tmp_path):
    from stepvid.checkpoints import CheckpointError

    tok = ByteBPETokenizer.train(["a red circle"], WORDS, 5)
    _tiny(tok).save_pretrained(tmp_path / "enc")
    f = tmp_path / "enc" / "model.safetensors"
    f.write_bytes(f.read_bytes()[:-100])
    with pytest.raises(CheckpointError, match=r"truncated checkpoint file .*model\.safetensors"):
        SmallBilingualEncoder.from_pretrained(tmp_path / "enc")
    f.write_bytes(b"\x05\x00\x00\x00\x00\x00\x00\x00{}")
    with pytest.raises(CheckpointError, match=r"model\.safetensors"):
        SmallBilingualEncoder.from_pretrained(tmp_path / "enc")
