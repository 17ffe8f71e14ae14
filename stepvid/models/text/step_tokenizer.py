"""The Step-LLM tokenizer: SentencePiece ``step1_chat_tokenizer.model`` plus Step-Video's fixed framing.

Each prompt becomes ``[BOS=1] + sp.encode(text)[:L-2] + [EOS=2]``, right-padded with PAD=2 to L tokens
(L = 320 in the release). No chat template. PAD and EOS share id 2, so the mask comes from the length.
"""

from __future__ import annotations

import os
from pathlib import Path

import torch

from stepvid.optional import require

__all__ = ["BOS_ID", "EOS_ID", "PAD_ID", "REQUIRED_CONTROL_TOKENS", "REQUIRED_TOKENS", "StepTokenizer"]

BOS_ID, EOS_ID, PAD_ID = 1, 2, 2
# The official tokenizer asserts these exist; the first six as control (special) pieces.
REQUIRED_CONTROL_TOKENS = ("<|BOT|>", "<|EOT|>", "<|CALL_START|>", "<|CALL_END|>", "<|THINK_START|>", "<|THINK_END|>")
REQUIRED_TOKENS = REQUIRED_CONTROL_TOKENS + ("<|MASK_1e69f|>", "<|UNMASK_1e69f|>")


class StepTokenizer:
    """Prompts → (input_ids [B, L] int64, mask [B, L] int64) in the released framing.

    ``max_length`` (L) is the padded length, 320 for Step-Video; at most L - 2 text tokens are kept.
    """

    def __init__(self, model_file: str | os.PathLike, max_length: int = 320):
        path = Path(model_file)
        if not path.is_file():
            raise FileNotFoundError(f"Step-LLM tokenizer model not found: {path}")
        if max_length < 2:
            raise ValueError(f"max_length must be >= 2 (BOS + EOS); got {max_length}")
        spm = require("sentencepiece", "text", "the Step-LLM tokenizer")
        self.sp = spm.SentencePieceProcessor()
        try:
            self.sp.Load(str(path))
        except (OSError, RuntimeError) as exc:
            raise ValueError(f"{path}: not a valid SentencePiece model ({exc})") from exc
        self.path = path
        self.max_length = max_length
        for token in REQUIRED_TOKENS:
            idx = self.sp.piece_to_id(token)
            if self.sp.id_to_piece(idx) != token:
                raise ValueError(f"{path}: not a Step-LLM tokenizer, piece {token!r} is missing")
            if token in REQUIRED_CONTROL_TOKENS and not self.sp.is_control(idx):
                raise ValueError(f"{path}: piece {token!r} must be a control (special) token")
        if self.sp.bos_id() != BOS_ID or self.sp.eos_id() != EOS_ID:
            raise ValueError(
                f"{path}: expected BOS id {BOS_ID} and EOS id {EOS_ID}; model has {self.sp.bos_id()}, {self.sp.eos_id()}"
            )

    @property
    def vocab_size(self) -> int:
        return self.sp.get_piece_size()

    def encode_text(self, text: str) -> list[int]:
        """Raw SentencePiece ids of ``text`` (no BOS/EOS, no truncation)."""
        return self.sp.encode(text)

    def decode(self, ids: list[int]) -> str:
        return self.sp.decode(ids)

    def __call__(self, prompts: list[str] | str, max_length: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Tokenise a batch. An empty string encodes as ``[BOS, EOS]`` (as the official code does); an empty
        batch is an error."""
        if isinstance(prompts, str):
            prompts = [prompts]
        if len(prompts) == 0:
            raise ValueError("no prompts given: need at least one prompt")
        bad = [type(p).__name__ for p in prompts if not isinstance(p, str)]
        if bad:
            raise TypeError(f"prompts must be strings; got {bad[0]}")
        length = self.max_length if max_length is None else max_length
        if length < 2:
            raise ValueError(f"max_length must be >= 2 (BOS + EOS); got {length}")
        ids = torch.full((len(prompts), length), PAD_ID, dtype=torch.long)
        mask = torch.zeros((len(prompts), length), dtype=torch.long)
        for row, pieces in enumerate(self.sp.encode(list(prompts))):
            toks = [BOS_ID, *pieces[: length - 2], EOS_ID]
            ids[row, : len(toks)] = torch.tensor(toks, dtype=torch.long)
            mask[row, : len(toks)] = 1
        return ids, mask
