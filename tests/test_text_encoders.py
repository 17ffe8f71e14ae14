"""StepVideoTextEncoder end to end on tiny released-layout folders; Hunyuan-CLIP against plain transformers."""

from __future__ import annotations

import os
import shutil
import sys

import pytest
import torch
from safetensors.torch import load_file, save_file

from stepvid.models.text.base import TextEmbeddings, TextEncoder
from stepvid.models.text.hunyuan_clip import HunyuanCLIP, bert_text_tower_state_dict, require_transformers
from stepvid.models.text.step_video import StepVideoTextEncoder
from stepvid.testing.text_fixtures import write_tiny_text_encoders

EN = "A white horse runs across the green grass at sunset."
ZH = "一只熊猫跑过雪山，慢动作。"


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    n = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny tensors; extra threads only contend on the shared box
    yield
    torch.set_num_threads(n)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return write_tiny_text_encoders(tmp_path_factory.mktemp("text_enc"), seed=0)


@pytest.fixture(scope="module")
def encoder(tiny):
    return StepVideoTextEncoder.from_pretrained(tiny.root)


@pytest.fixture
def copy(tiny, tmp_path):
    dst = tmp_path / "ckpt"
    shutil.copytree(tiny.root, dst)
    return dst


def test_encodes_english_and_chinese(encoder, tiny):
    assert isinstance(encoder, TextEncoder)
    assert (encoder.llm_dim, encoder.clip_dim) == (96, 48)
    emb = encoder.encode([EN, ZH])
    assert isinstance(emb, TextEmbeddings)
    assert emb.llm.shape == (2, 320, 96) and emb.llm.dtype == torch.bfloat16
    assert emb.clip.shape == (2, 77, 48) and emb.clip.dtype == torch.bfloat16
    assert emb.llm_mask.shape == (2, 320) and emb.llm_mask.dtype == torch.long
    for row, text in enumerate([EN, ZH]):
        n = len(encoder.tokenizer.encode_text(text)) + 2
        assert emb.llm_mask[row].tolist() == [1] * n + [0] * (320 - n)
    assert torch.isfinite(emb.llm.float()).all() and torch.isfinite(emb.clip.float()).all()
    # batch independence: each prompt alone gives the same valid states
    alone = encoder.encode([ZH])
    n = int(alone.llm_mask.sum())
    torch.testing.assert_close(alone.llm[0, :n], emb.llm[1, :n], rtol=0, atol=0)
    torch.testing.assert_close(alone.clip[0], emb.clip[1], rtol=1e-5, atol=1e-5)
    assert emb.cross_attention_mask().shape == (2, 397)


def test_weights_round_trip_and_frozen(encoder, tiny):
    files = {}
    for shard in sorted(tiny.step_llm.glob("model-*.safetensors")):
        files.update(load_file(str(shard)))
    sd = encoder.llm.state_dict()
    assert sorted(files) == sorted(sd)
    for k, v in files.items():
        assert v.dtype == torch.bfloat16 and torch.equal(sd[k], v), k
    assert not any(p.requires_grad for p in encoder.parameters())
    assert not encoder.training and not encoder.llm.training and not encoder.clip.bert.training
    assert encoder.clip.bert.embeddings.word_embeddings.weight.dtype == torch.float32  # CLIP stays fp32


def test_clip_matches_plain_transformers(encoder, tiny):
    from transformers import BertConfig, BertModel, BertTokenizer

    raw = torch.load(tiny.hunyuan_clip / "clip_text_encoder" / "pytorch_model.bin", weights_only=True)
    tower = {k[5:]: v for k, v in raw.items() if k.startswith("bert.") and not k.startswith("bert.pooler.")}
    ref = BertModel(BertConfig(**tiny.clip_config), add_pooling_layer=False).eval()
    ref.load_state_dict(tower, strict=True)
    tok = BertTokenizer.from_pretrained(str(tiny.hunyuan_clip / "tokenizer"))
    enc = tok([EN, ZH], padding="max_length", max_length=77, truncation=True, return_tensors="pt")
    assert enc["input_ids"][1, 1:len(ZH) + 1].ne(tok.unk_token_id).all()  # one known piece per CJK char
    assert enc["attention_mask"][1].sum() == len(ZH) + 2  # [CLS] chars [SEP]
    with torch.no_grad():
        want = ref(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]).last_hidden_state
    got = encoder.clip([EN, ZH])
    assert got.dtype == torch.float32
    torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(encoder.encode([EN, ZH]).clip, want.to(torch.bfloat16), rtol=0, atol=0)
    # the mask is passed: changing padding length changes nothing for valid tokens, but masking matters
    with torch.no_grad():
        unmasked = ref(input_ids=enc["input_ids"]).last_hidden_state
    assert (unmasked[1, :5] - want[1, :5]).abs().max() > 1e-4


def test_clip_safetensors_and_truncation(tiny, copy):
    enc_dir = copy / "hunyuan_clip" / "clip_text_encoder"
    raw = torch.load(enc_dir / "pytorch_model.bin", weights_only=True)
    (enc_dir / "pytorch_model.bin").unlink()
    save_file({k: v.contiguous() for k, v in raw.items() if k.startswith("bert.")}, str(enc_dir / "model.safetensors"))
    a = HunyuanCLIP.from_pretrained(copy / "hunyuan_clip")
    b = HunyuanCLIP.from_pretrained(tiny.hunyuan_clip)
    torch.testing.assert_close(a([EN]), b([EN]), rtol=0, atol=0)
    ids, mask = a.tokenize([" ".join([EN] * 20)])
    assert ids.shape == (1, 77) and mask.sum() == 77 and ids[0, -1] == a.tokenizer.sep_token_id


def test_float32_output_and_llm_override(tiny):
    enc = StepVideoTextEncoder.from_pretrained(tiny.root, dtype=torch.float32, max_length=64, position_bias="none")
    assert enc.llm.cfg.position_bias == "none"
    emb = enc.encode([EN])
    assert emb.llm.dtype == emb.clip.dtype == torch.float32 and emb.llm.shape == (1, 64, 96)


def test_empty_prompt_list(encoder):
    with pytest.raises(ValueError, match="at least one prompt"):
        encoder.encode([])


def test_missing_shard_names_file(copy):
    (copy / "step_llm" / "model-00002-of-00002.safetensors").unlink()
    with pytest.raises(ValueError, match="model-00002-of-00002.safetensors"):
        StepVideoTextEncoder.from_pretrained(copy)


def test_truncated_shard_names_file(copy):
    shard = copy / "step_llm" / "model-00001-of-00002.safetensors"
    data = shard.read_bytes()
    shard.write_bytes(data[: len(data) - 1000])
    with pytest.raises(ValueError, match=r"truncated.*model-00001-of-00002.safetensors"):
        StepVideoTextEncoder.from_pretrained(copy)


def test_missing_tokenizer_names_file(copy):
    (copy / "step_llm" / "step1_chat_tokenizer.model").unlink()
    with pytest.raises(FileNotFoundError, match="step1_chat_tokenizer.model"):
        StepVideoTextEncoder.from_pretrained(copy)


def test_missing_clip_parts_name_file_or_key(copy):
    vocab = copy / "hunyuan_clip" / "tokenizer" / "vocab.txt"
    vocab.rename(vocab.with_suffix(".bak"))
    with pytest.raises(FileNotFoundError, match="vocab.txt"):
        HunyuanCLIP.from_pretrained(copy / "hunyuan_clip")
    vocab.with_suffix(".bak").rename(vocab)
    bin_path = copy / "hunyuan_clip" / "clip_text_encoder" / "pytorch_model.bin"
    raw = torch.load(bin_path, weights_only=True)
    del raw["bert.encoder.layer.1.output.dense.weight"]
    torch.save(raw, bin_path)
    with pytest.raises(ValueError, match=r"encoder\.layer\.1\.output\.dense\.weight"):
        HunyuanCLIP.from_pretrained(copy / "hunyuan_clip")
    bin_path.unlink()
    with pytest.raises(FileNotFoundError, match="pytorch_model.bin"):
        HunyuanCLIP.from_pretrained(copy / "hunyuan_clip")


def test_missing_transformers_gives_install_hint(monkeypatch):
    monkeypatch.setitem(sys.modules, "transformers", None)
    with pytest.raises(ImportError, match=r"pip install 'stepvid\[text\]'"):
        require_transformers()


def test_caller_autocast_does_not_change_outputs(encoder):
    plain = encoder.encode([EN, ZH])
    with torch.autocast("cpu", dtype=torch.bfloat16):
        auto = encoder.encode([EN, ZH])
    torch.testing.assert_close(auto.clip, plain.clip, rtol=0, atol=0)  # CLIP stays fp32 inside
    torch.testing.assert_close(auto.llm, plain.llm, rtol=0, atol=0)


def test_text_tower_key_selection():
    t = torch.zeros(1)
    clip_style = {"bert.embeddings.x": t, "bert.encoder.layer.0.y": t, "bert.pooler.dense.weight": t,
                  "visual.proj": t, "logit_scale": t}
    assert sorted(bert_text_tower_state_dict(clip_style)) == ["embeddings.x", "encoder.layer.0.y"]
    bare = {"embeddings.x": t, "encoder.layer.0.y": t, "pooler.dense.bias": t}
    assert sorted(bert_text_tower_state_dict(bare)) == ["embeddings.x", "encoder.layer.0.y"]
    with pytest.raises(ValueError, match="no BERT text-tower keys.*visual.proj"):
        bert_text_tower_state_dict({"visual.proj": t, "text_model.embeddings.x": t}, "clip.bin")


def test_truncated_clip_bin_names_file(copy):
    bin_path = copy / "hunyuan_clip" / "clip_text_encoder" / "pytorch_model.bin"
    data = bin_path.read_bytes()
    bin_path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="pytorch_model.bin"):
        HunyuanCLIP.from_pretrained(copy / "hunyuan_clip")


def test_tokenizer_larger_than_embedding_table(encoder):
    from stepvid.models.text.step_llm import StepLLM, StepLLMConfig

    small = StepLLM(StepLLMConfig.from_preset("tiny", padded_vocab_size=256))
    with pytest.raises(ValueError, match="640 pieces.*256 rows"):
        StepVideoTextEncoder(small, encoder.tokenizer, encoder.clip)


def test_overflow_counts_what_encoding_cuts(encoder):
    """overflow() against the tokenisation itself: the Step-LLM framing (BOS + pieces + EOS, 320 positions)
    and the BERT tokenizer without truncation give the totals; the truncated encodings give what is kept."""
    assert encoder.overflow(EN) == {} and encoder.overflow(ZH) == {}
    long = " ".join([EN, ZH] * 40)
    total_llm = int(encoder.tokenizer([long], max_length=100_000)[1].sum()) - 2
    total_clip = len(encoder.clip.tokenizer(long)["input_ids"]) - 2
    kept_llm = int(encoder.tokenizer([long])[1].sum()) - 2
    kept_clip = int(encoder.clip.tokenize([long])[1].sum()) - 2
    assert (kept_llm, kept_clip) == (318, 75) and total_llm > 318 and total_clip > 75
    assert encoder.overflow(long) == {"llm": (total_llm, 318), "clip": (total_clip, 75)}
    # a prompt only the 77-token CLIP stream cuts
    words = "a cat runs " * 30
    n_clip = len(encoder.clip.tokenizer(words)["input_ids"]) - 2
    assert int(encoder.tokenizer([words], max_length=100_000)[1].sum()) - 2 <= 318 and n_clip > 75
    assert encoder.overflow(words) == {"clip": (n_clip, 75)}


def test_pickle_payload_in_clip_bin_is_refused(copy, tmp_path):
    marker = tmp_path / "PAYLOAD_RAN"

    class Payload:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    bin_path = copy / "hunyuan_clip" / "clip_text_encoder" / "pytorch_model.bin"
    torch.save({"bert.embeddings.word_embeddings.weight": Payload()}, bin_path)
    with pytest.raises(ValueError) as info:
        HunyuanCLIP.from_pretrained(copy / "hunyuan_clip")
    message = str(info.value)
    assert "\n" not in message and "pytorch_model.bin: refused, it holds more than tensors" in message
    assert "system" in message and "weights_only" not in message  # names what was refused, not how to allow it
    assert not marker.exists()
