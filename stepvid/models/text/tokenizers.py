"""Tokenizers of the small bilingual text encoder; no download, vocabularies are JSON next to the weights.

* :class:`WordCharTokenizer` (bundled models up to run 9): one token per lower-cased English word, CJK
  character, digit and punctuation mark, from a closed vocabulary — anything else is ``[UNK]``.
* :class:`ByteBPETokenizer` (open vocabulary): the same pieces, looked up in a word list first (so a model
  whose word list is an older closed vocabulary reads those pieces exactly as before), every other piece as
  byte-level BPE learned on a caption corpus. Every byte has a token, so no input — any Unicode, emoji,
  typos, code-switched EN/ZH — maps to an unknown token.

Both give ``[BOS] tokens… [EOS]`` after NFKC normalisation and lower-casing; control and format characters
count as spaces. :func:`load_tokenizer` reads either file.
"""

from __future__ import annotations

import itertools
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import torch

__all__ = ["BOS", "EOS", "PAD", "SPECIALS", "UNK", "ByteBPETokenizer", "WordCharTokenizer", "load_tokenizer"]

PAD, UNK, BOS, EOS = "[PAD]", "[UNK]", "[BOS]", "[EOS]"
SPECIALS = (PAD, UNK, BOS, EOS)

# One CJK ideograph / kana / fullwidth or CJK punctuation mark per piece; lower-cased English words (with an
# optional apostrophe part); single digits; any other non-space character on its own.
_CJK = r"[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"
_PIECE_RE = re.compile(rf"{_CJK}|[a-z]+(?:'[a-z]+)?|[0-9]|[^\sa-z0-9]")


def normalize(text: str) -> str:
    """NFKC, lower case, control/format/unassigned characters (Unicode category C*) as spaces."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(" " if unicodedata.category(c)[0] == "C" else c for c in text)


def split_pieces(text: str) -> list[str]:
    """The pieces of ``text`` both tokenizers look up (words, CJK characters, digits, other symbols)."""
    return _PIECE_RE.findall(normalize(text))


class _Tokenizer:
    """Shared batching: subclasses define ``pad_id``, ``bos_id``, ``eos_id``, ``__len__`` and ``piece_ids``."""

    pad_id: int
    bos_id: int
    eos_id: int

    split = staticmethod(split_pieces)

    def piece_ids(self, piece: str) -> list[int]:
        raise NotImplementedError

    def encode(self, text: str) -> list[int]:
        """``[BOS] ids… [EOS]`` of ``text``, not truncated."""
        return [self.bos_id] + [i for p in self.split(text) for i in self.piece_ids(p)] + [self.eos_id]

    def batch(self, texts: Sequence[str], length: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Right-padded ids [B, length] (long) and mask [B, length] (long). Over-long texts are truncated
        to ``length`` tokens keeping the final ``[EOS]``, like the released Step-LLM tokenisation."""
        return self.pad([self.encode(t) for t in texts], length)

    def pad(self, encoded: Sequence[list[int]], length: int) -> tuple[torch.Tensor, torch.Tensor]:
        """:meth:`batch` of already encoded texts (encode once, pad to several lengths)."""
        if length < 2:
            raise ValueError(f"token length must be >= 2 (BOS and EOS); got {length}")
        rows, masks = [], []
        for tok in encoded:
            if len(tok) > length:
                tok = tok[: length - 1] + [self.eos_id]
            rows.append(tok + [self.pad_id] * (length - len(tok)))
            masks.append([1] * len(tok) + [0] * (length - len(tok)))
        return (torch.tensor(rows, dtype=torch.long).view(-1, length),
                torch.tensor(masks, dtype=torch.long).view(-1, length))

    def _write(self, path: str | Path, data: dict) -> None:
        from stepvid.video import atomic_path

        with atomic_path(Path(path)) as tmp:
            Path(tmp).write_text(json.dumps(data, ensure_ascii=False, indent=0), encoding="utf-8")


def _check_words(words: Sequence[str]) -> list[str]:
    words = list(words)
    if tuple(words[: len(SPECIALS)]) != SPECIALS:
        raise ValueError(f"vocabulary must start with the special tokens {SPECIALS}; got {words[:4]}")
    if len(set(words)) != len(words):
        dup = sorted({t for t in words if words.count(t) > 1})[:5]
        raise ValueError(f"vocabulary has duplicate tokens, e.g. {dup}")
    return words


class WordCharTokenizer(_Tokenizer):
    """Word-level (English) / character-level (CJK) tokenizer with a closed vocabulary (``[UNK]`` otherwise)."""

    def __init__(self, vocab: Sequence[str]):
        self.vocab = _check_words(vocab)
        self.index = {t: i for i, t in enumerate(self.vocab)}
        self.pad_id, self.unk_id, self.bos_id, self.eos_id = (self.index[t] for t in SPECIALS)

    def __len__(self) -> int:
        return len(self.vocab)

    @classmethod
    def build(cls, texts: Iterable[str]) -> WordCharTokenizer:
        """A vocabulary of every piece occurring in ``texts`` (sorted, so the result is deterministic)."""
        pieces: set[str] = set()
        for t in texts:
            pieces.update(split_pieces(t))
        return cls(list(SPECIALS) + sorted(pieces - set(SPECIALS)))

    def piece_ids(self, piece: str) -> list[int]:
        return [self.index.get(piece, self.unk_id)]

    def unknown(self, text: str) -> list[str]:
        """Pieces of ``text`` that are not in the vocabulary (they would become ``[UNK]``)."""
        return [p for p in self.split(text) if p not in self.index]

    def save(self, path: str | Path) -> None:
        self._write(path, {"type": "word-char", "vocab": self.vocab})

    @classmethod
    def load(cls, path: str | Path) -> WordCharTokenizer:
        data = _read(path)
        if data.get("type") != "word-char" or not isinstance(data.get("vocab"), list):
            raise ValueError(f"{path}: not a word-char tokenizer file (expected {{'type': 'word-char', 'vocab': [...]}})")
        return cls(data["vocab"])


class ByteBPETokenizer(_Tokenizer):
    """Open vocabulary: a piece in ``words`` is one token; any other piece is byte-level BPE.

    Ids: ``words`` first (specials at 0-3), then the 256 bytes, then one id per merge in rank order. A merge
    ``(a, b)`` joins two adjacent byte-level tokens. Encoding a piece applies the lowest-ranked applicable merge
    until none applies (standard BPE), so every input has a tokenisation and ``[UNK]`` is never produced.
    """

    def __init__(self, words: Sequence[str], merges: Sequence[tuple[int, int]]):
        self.words = _check_words(words)
        self.index = {t: i for i, t in enumerate(self.words)}
        self.pad_id, self.unk_id, self.bos_id, self.eos_id = (self.index[t] for t in SPECIALS)
        self.byte0 = len(self.words)
        self.token_bytes: list[bytes] = [bytes([b]) for b in range(256)]
        self.merges = [tuple(int(x) for x in m) for m in merges]
        self.ranks: dict[tuple[int, int], int] = {}
        for r, (a, b) in enumerate(self.merges):
            n = self.byte0 + len(self.token_bytes)
            if not (self.byte0 <= a < n and self.byte0 <= b < n):
                raise ValueError(f"merge {r} ({a}, {b}) refers to a token that is not byte-level or not yet defined")
            if (a, b) in self.ranks:
                raise ValueError(f"merge {r} ({a}, {b}) repeats merge {self.ranks[(a, b)]}")
            self.ranks[(a, b)] = r
            self.token_bytes.append(self.token_bytes[a - self.byte0] + self.token_bytes[b - self.byte0])
        self._cache: dict[str, list[int]] = {}

    def __len__(self) -> int:
        return self.byte0 + len(self.token_bytes)

    def piece_ids(self, piece: str) -> list[int]:
        if piece in self.index:
            return [self.index[piece]]
        ids = self._cache.get(piece)
        if ids is None:
            ids = self._bpe([self.byte0 + b for b in piece.encode("utf-8")])
            if len(self._cache) < 200_000:
                self._cache[piece] = ids
        return ids

    def _bpe(self, ids: list[int]) -> list[int]:
        while len(ids) > 1:
            best = min(((self.ranks.get((a, b), len(self.ranks)), i) for i, (a, b) in enumerate(itertools.pairwise(ids))))
            r, i = best
            if r == len(self.ranks):
                break
            new = self.byte0 + 256 + r
            out, j = [], 0
            pair = (ids[i], ids[i + 1])
            while j < len(ids):  # merge every occurrence of the pair, left to right
                if j + 1 < len(ids) and (ids[j], ids[j + 1]) == pair:
                    out.append(new)
                    j += 2
                else:
                    out.append(ids[j])
                    j += 1
            ids = out
        return ids

    def token_text(self, i: int) -> str:
        """Readable form of token ``i`` (a word, or its bytes decoded with replacement of partial characters)."""
        if i < self.byte0:
            return self.words[i]
        return self.token_bytes[i - self.byte0].decode("utf-8", errors="backslashreplace")

    def unknown(self, text: str) -> list[str]:
        """Always empty: every piece has a tokenisation (kept for the closed tokenizer's interface)."""
        return []

    def pieces_outside_words(self, text: str) -> list[str]:
        """Pieces of ``text`` that are not whole words of the word list (they go through BPE)."""
        return [p for p in self.split(text) if p not in self.index]

    @classmethod
    def train(cls, texts: Iterable[str], words: Sequence[str], num_merges: int, min_count: int = 2
              ) -> ByteBPETokenizer:
        """Learn ``num_merges`` merges (fewer if no pair occurs ``min_count`` times) on the pieces of ``texts``
        that are not in ``words``. Deterministic: ties go to the smallest pair of ids."""
        words = _check_words(words)
        index = set(words)
        counts = Counter(p for t in texts for p in split_pieces(t) if p not in index)
        byte0 = len(words)
        seqs = [[byte0 + b for b in p.encode("utf-8")] for p in counts]
        freq = list(counts.values())
        pairs: Counter = Counter()
        where: dict[tuple[int, int], set[int]] = {}
        for k, s in enumerate(seqs):
            for pr in itertools.pairwise(s):
                pairs[pr] += freq[k]
                where.setdefault(pr, set()).add(k)
        merges: list[tuple[int, int]] = []
        while len(merges) < num_merges and pairs:
            pair, n = min(pairs.items(), key=lambda kv: (-kv[1], kv[0]))
            if n < min_count:
                break
            new = byte0 + 256 + len(merges)
            merges.append(pair)
            for k in where.pop(pair, ()):
                s, f = seqs[k], freq[k]
                for pr in itertools.pairwise(s):
                    pairs[pr] -= f
                    if pairs[pr] <= 0:
                        del pairs[pr]
                out, j = [], 0
                while j < len(s):
                    if j + 1 < len(s) and (s[j], s[j + 1]) == pair:
                        out.append(new)
                        j += 2
                    else:
                        out.append(s[j])
                        j += 1
                seqs[k] = out
                for pr in itertools.pairwise(out):
                    pairs[pr] += f
                    where.setdefault(pr, set()).add(k)
        return cls(words, merges)

    def save(self, path: str | Path) -> None:
        self._write(path, {"type": "byte-bpe", "words": self.words, "merges": [list(m) for m in self.merges]})

    @classmethod
    def load(cls, path: str | Path) -> ByteBPETokenizer:
        data = _read(path)
        if data.get("type") != "byte-bpe" or not isinstance(data.get("words"), list) \
                or not isinstance(data.get("merges"), list):
            raise ValueError(f"{path}: not a byte-bpe tokenizer file (expected 'type', 'words', 'merges')")
        try:
            return cls(data["words"], [tuple(m) for m in data["merges"]])
        except (TypeError, ValueError) as e:
            raise ValueError(f"{path}: {e}") from None


def _read(path: str | Path) -> dict:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"tokenizer file not found: {path}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ValueError(f"{path}: not a JSON tokenizer file ({e})") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: not a tokenizer file (expected a JSON object with a 'type')")  # noqa: TRY004
    return data


def load_tokenizer(path: str | Path) -> WordCharTokenizer | ByteBPETokenizer:
    """Read a ``tokenizer.json`` of either kind (by its ``type``)."""
    kind = _read(path).get("type")
    if kind == "byte-bpe":
        return ByteBPETokenizer.load(path)
    if kind == "word-char":
        return WordCharTokenizer.load(path)
    raise ValueError(f"{path}: unknown tokenizer type {kind!r} (expected 'byte-bpe' or 'word-char')")
