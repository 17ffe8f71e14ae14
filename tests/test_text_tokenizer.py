"""Step-LLM tokenisation: BOS/EOS/PAD framing, mask from length, truncation, bilingual text."""

from __future__ import annotations

import shutil

import pytest
import torch

from stepvid.models.text.step_tokenizer import StepTokenizer
from stepvid.testing.text_fixtures import _train_sentencepiece, bilingual_corpus, write_tiny_text_encoders

EN = "A white horse runs across the green grass at sunset."
ZH = "一只熊猫在雪山上慢动作奔跑。"


@pytest.fixture(scope="module")
def tok_file(tmp_path_factory):
    root = write_tiny_text_encoders(tmp_path_factory.mktemp("text_enc"), seed=0)
    return root.step_llm / "step1_chat_tokenizer.model"


@pytest.fixture(scope="module")
def tok(tok_file):
    return StepTokenizer(tok_file)


def test_framing_and_mask(tok):
    ids, mask = tok([EN, ZH, ""])
    assert ids.shape == mask.shape == (3, 320) and ids.dtype == mask.dtype == torch.long
    for row, text in enumerate([EN, ZH, ""]):
        pieces = tok.sp.encode(text)
        n = len(pieces) + 2
        assert ids[row, :n].tolist() == [1, *pieces, 2]
        assert (ids[row, n:] == 2).all()  # PAD = EOS = 2
        assert mask[row].tolist() == [1] * n + [0] * (320 - n)  # mask from length, though PAD == EOS
    assert mask[2].sum() == 2  # "" → [BOS, EOS]


def test_bilingual_round_trip(tok):
    for text in (EN, ZH, f"{ZH} {EN}", "超高清、HDR 视频、环境光。"):
        pieces = tok.encode_text(text)
        assert pieces and tok.decode(pieces) == text
        assert 0 not in pieces  # no <unk>: byte fallback covers unseen characters
    assert len(tok.encode_text("一只猫跑过绿色的草地。")) < len("一只猫跑过绿色的草地。")  # real merges, not bytes


def test_truncation_keeps_318_plus_two(tok):
    long = " ".join([EN, ZH] * 40)
    pieces = tok.sp.encode(long)
    assert len(pieces) > 318
    ids, mask = tok([long, EN])
    assert mask[0].sum() == 320 and ids[0, 0] == 1 and ids[0, -1] == 2
    assert ids[0, 1:319].tolist() == pieces[:318]
    ids8, mask8 = tok([long], max_length=8)
    assert ids8.tolist() == [[1, *pieces[:6], 2]] and mask8.sum() == 8
    assert StepTokenizer(tok.path, max_length=64)([EN])[0].shape == (1, 64)


def test_bad_inputs(tok, tok_file, tmp_path):
    with pytest.raises(ValueError, match="at least one prompt"):
        tok([])
    with pytest.raises(TypeError, match="strings"):
        tok([EN, None])
    with pytest.raises(FileNotFoundError, match="step1_chat_tokenizer.model"):
        StepTokenizer(tmp_path / "step1_chat_tokenizer.model")
    bad = tmp_path / "garbage.model"
    bad.write_bytes(b"not a sentencepiece model")
    with pytest.raises(ValueError, match="garbage.model"):
        StepTokenizer(bad)


def test_rejects_tokenizer_without_step_special_tokens(tmp_path):
    import io
    import os

    import sentencepiece as spm

    buf = io.BytesIO()
    with open(os.devnull, "w") as devnull:
        spm.SentencePieceTrainer.train(sentence_iterator=iter(bilingual_corpus(1)), model_writer=buf,
                                       logstream=devnull, vocab_size=300, hard_vocab_limit=False,
                                       character_coverage=1.0, bos_id=1, eos_id=2, unk_id=0, num_threads=1)
    (tmp_path / "plain.model").write_bytes(buf.getvalue())
    with pytest.raises(ValueError, match=r"<\|BOT\|>"):
        StepTokenizer(tmp_path / "plain.model")
    # and the fixture's trainer does produce them, as control pieces
    (tmp_path / "step.model").write_bytes(_train_sentencepiece(bilingual_corpus(1), 640))
    t = StepTokenizer(tmp_path / "step.model")
    assert t.sp.is_control(t.sp.piece_to_id("<|EOT|>"))
    shutil.rmtree(tmp_path)
