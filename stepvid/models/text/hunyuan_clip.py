"""Hunyuan-CLIP text tower: a bilingual BERT (transformers ``BertModel``), Step-Video's short text stream.

Released layout (spec §1, §5.2)::

    hunyuan_clip/clip_text_encoder/  config.json (BertConfig) + pytorch_model.bin (full CLIP state dict)
                                      or model.safetensors
    hunyuan_clip/tokenizer/          BertTokenizer files (vocab.txt, ...)

Only the BERT text tower is loaded. As ``BertModel.from_pretrained`` does in the official code, keys may
carry the ``bert.`` prefix; other towers (``visual.*``, ``text_projection``, ``logit_scale``) and the unused
pooler are dropped. Prompts are padded/truncated to 77 tokens and the mask is passed to BERT; the output is
``last_hidden_state`` [B, 77, hidden] computed in fp32.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import torch
from torch import nn

from stepvid.checkpoints import read_config_json
from stepvid.optional import require

__all__ = [
    "HunyuanCLIP",
    "bert_text_tower_state_dict",
    "clip_weights_file",
    "load_clip_state_dict",
    "require_transformers",
]

_TOWER_PREFIXES = ("embeddings.", "encoder.")


def require_transformers():
    """Import transformers or fail with an install hint (it is the optional extra ``stepvid[text]``)."""
    return require("transformers", "text", "Hunyuan-CLIP")


def bert_text_tower_state_dict(state_dict: dict[str, torch.Tensor], source: str = "checkpoint") -> dict[str, torch.Tensor]:
    """Keep the BERT text-tower tensors of a CLIP state dict, with the ``bert.`` prefix removed."""
    prefixed = {k[len("bert."):]: v for k, v in state_dict.items() if k.startswith("bert.")}
    tower = prefixed if prefixed else state_dict
    out = {k: v for k, v in tower.items() if k.startswith(_TOWER_PREFIXES)}
    if not out:
        sample = ", ".join(list(state_dict)[:8])
        raise ValueError(f"{source}: no BERT text-tower keys ('bert.embeddings.*' / 'bert.encoder.*'); found: {sample}")
    return out


def clip_weights_file(folder: Path) -> Path:
    """``model.safetensors`` if present, else the released ``pytorch_model.bin``; FileNotFoundError if
    neither."""
    st, pt = folder / "model.safetensors", folder / "pytorch_model.bin"
    if st.is_file() or pt.is_file():
        return st if st.is_file() else pt
    raise FileNotFoundError(f"Hunyuan-CLIP weights not found: expected {st} or {pt}")


def _refusal(exc: pickle.UnpicklingError) -> str:
    """The one line of torch's weights-only refusal that names what was refused (not its advice to retry
    with ``weights_only=False``, which would run the file's code)."""
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    named = [ln for ln in lines if "GLOBAL" in ln or "Unsupported" in ln or "WeightsUnpickler" in ln]
    line = (named or lines[-1:] or ["not a plain tensor pickle"])[0]
    return line.split(". ")[0].rstrip(".")  # torch goes on to explain how to allow it: not an option here


def load_clip_state_dict(folder: Path) -> dict[str, torch.Tensor]:
    """The BERT text tower of ``clip_text_encoder/`` (see :func:`clip_weights_file`), on the CPU; a truncated
    file or a pickle holding anything but tensors is refused in one line naming the file."""
    path = clip_weights_file(folder)
    if path.suffix == ".safetensors":
        from safetensors.torch import load_file

        from stepvid.checkpoints import read_safetensors_header

        read_safetensors_header(path)  # names the file if it is truncated or not safetensors
        return bert_text_tower_state_dict(load_file(str(path)), str(path))
    # The release ships this tower as a torch pickle: read it with torch's weights-only unpickler, which
    # builds tensors and containers only and refuses anything that would import or call code.
    try:
        try:
            sd = torch.load(str(path), map_location="cpu", weights_only=True, mmap=True)
        except RuntimeError as exc:  # legacy (pre-zip) serialisation cannot be memory-mapped
            if "mmap" not in str(exc):
                raise
            sd = torch.load(str(path), map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001 -- zip/pickle errors from a damaged download have many types
        if isinstance(exc, pickle.UnpicklingError) and "weights only" in str(exc).lower():
            raise ValueError(
                f"{path}: refused, it holds more than tensors ({_refusal(exc)}); stepvid never runs code "
                "from a model folder: convert the weights to model.safetensors"
            ) from None
        first = (str(exc).strip().splitlines() or [""])[0]
        raise ValueError(
            f"{path}: unreadable or truncated checkpoint ({type(exc).__name__}: {first})"
        ) from None
    if not isinstance(sd, dict):
        raise ValueError(f"{path}: expected a state dict, got {type(sd).__name__}")  # noqa: TRY004
    sd = sd.get("state_dict", sd) if isinstance(sd.get("state_dict"), dict) else sd
    return bert_text_tower_state_dict(sd, str(path))


class HunyuanCLIP(nn.Module):
    """BERT text tower + its tokenizer; ``forward(prompts)`` → fp32 ``last_hidden_state`` [B, 77, hidden]."""

    def __init__(self, bert: nn.Module, tokenizer, max_length: int = 77):
        super().__init__()
        self.bert = bert
        self.tokenizer = tokenizer
        self.max_length = max_length

    @property
    def hidden_size(self) -> int:
        return int(self.bert.config.hidden_size)

    @classmethod
    def from_pretrained(cls, root: str | os.PathLike, device: torch.device | str = "cpu", max_length: int = 77) -> HunyuanCLIP:
        """Load from a ``hunyuan_clip/`` folder (with ``clip_text_encoder/`` and ``tokenizer/``); fp32, frozen."""
        transformers = require_transformers()
        root = Path(root)
        enc_dir, tok_dir = root / "clip_text_encoder", root / "tokenizer"
        cfg_file = enc_dir / "config.json"
        raw = read_config_json(cfg_file, "Hunyuan-CLIP config")
        if not (tok_dir / "vocab.txt").is_file():
            raise FileNotFoundError(f"Hunyuan-CLIP tokenizer not found: {tok_dir / 'vocab.txt'}")
        config = transformers.BertConfig.from_dict(raw)
        if config.max_position_embeddings < max_length:
            raise ValueError(f"{cfg_file}: max_position_embeddings {config.max_position_embeddings} < {max_length}")
        sd = load_clip_state_dict(enc_dir)
        # from_pretrained with an explicit state dict: meta-device init, then one fp32 copy is materialised.
        dtype_kw = "dtype" if int(transformers.__version__.split(".")[0]) >= 5 else "torch_dtype"
        bert, info = transformers.BertModel.from_pretrained(
            None, config=config, state_dict=sd, add_pooling_layer=False, output_loading_info=True,
            **{dtype_kw: torch.float32},
        )
        problems = {k: sorted(info.get(k) or []) for k in ("missing_keys", "unexpected_keys", "mismatched_keys")}
        if any(problems.values()):
            detail = "; ".join(f"{k}: {v[:10]}" for k, v in problems.items() if v)
            raise ValueError(f"Hunyuan-CLIP weights in {enc_dir} do not match config.json: {detail}")
        del sd
        tokenizer = transformers.BertTokenizer.from_pretrained(str(tok_dir))
        model = cls(bert.to(device=device, dtype=torch.float32), tokenizer, max_length)
        return model.eval().requires_grad_(False)

    def tokenize(self, prompts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
        """(input_ids, attention_mask), each [B, 77] int64: padded to max_length, truncated."""
        enc = self.tokenizer(list(prompts), padding="max_length", max_length=self.max_length, truncation=True,
                             return_attention_mask=True, return_tensors="pt")
        return enc["input_ids"], enc["attention_mask"]

    def count_tokens(self, prompt: str) -> int:
        """Word pieces in ``prompt`` before truncation ([CLS] and [SEP] not counted; ``max_length - 2``
        fit). transformers' own "sequence longer than the maximum" notice is silenced: callers report cuts."""
        tf_logging = require_transformers().utils.logging
        level = tf_logging.get_verbosity()
        tf_logging.set_verbosity_error()
        try:
            return len(self.tokenizer.tokenize(prompt))
        finally:
            tf_logging.set_verbosity(level)

    @torch.no_grad()
    def forward(self, prompts: list[str]) -> torch.Tensor:
        device = next(self.bert.parameters()).device
        ids, mask = self.tokenize(prompts)
        with torch.autocast(device.type, enabled=False):  # fp32 even inside a caller's autocast region
            out = self.bert(input_ids=ids.to(device), attention_mask=mask.to(device))
        return out.last_hidden_state.float()
