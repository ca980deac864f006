"""BERT's WordPiece tokenizer in pure Python (no `tokenizers`/`transformers` at run time).

Pipeline, as in Hugging Face's `BertNormalizer` + `BertPreTokenizer` + `WordPiece` (tokenizer.json of BERT models):

1. special tokens written literally in the text ("[MASK]", ...) are split off first and kept whole;
2. clean: drop NUL, U+FFFD and control characters (Unicode category C*, except tab/newline/CR), map whitespace to
   a space;
3. put spaces around CJK ideographs, so each becomes a word of its own;
4. strip accents (NFD, then drop non-spacing marks, category Mn) and lower-case, character by character;
5. split on whitespace and around every punctuation character (ASCII punctuation or Unicode category P*);
6. each word -> greedy longest-match-first wordpieces, continuation pieces prefixed with "##"; a word with no
   full cover by the vocabulary, or longer than 100 characters, becomes [UNK].

Every wordpiece keeps the character span it came from in the original text and the index of the word (step 5) it
belongs to, so a view can label a split word as "play ##ing" and map our own word-level tokens onto wordpieces.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["Encoding", "WordPieceTokenizer", "align_tokens", "is_cjk", "is_punctuation", "load_tokenizer"]

SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")


def is_cjk(cp: int) -> bool:
    """CJK Unified Ideographs blocks, as BERT defines them (not Hangul, Hiragana or Katakana)."""
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x2A6DF
        or 0x2A700 <= cp <= 0x2B73F
        or 0x2B740 <= cp <= 0x2B81F
        or 0x2B820 <= cp <= 0x2CEAF
        or 0xF900 <= cp <= 0xFAFF
        or 0x2F800 <= cp <= 0x2FA1F
    )


def is_punctuation(ch: str) -> bool:
    """ASCII punctuation (incl. $, +, <, ^, `, |, ~ which Unicode files as symbols) or any Unicode P* character."""
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_whitespace(ch: str) -> bool:
    return ch in " \t\n\r" or ch.isspace() or unicodedata.category(ch) == "Zs"


def _is_control(ch: str) -> bool:
    if ch in "\t\n\r":
        return False
    return unicodedata.category(ch).startswith("C")


@dataclass(frozen=True)
class Encoding:
    """One tokenized text. Index i runs over wordpieces, [CLS] and [SEP] included when added."""

    text: str
    tokens: tuple[str, ...]  # wordpieces, e.g. ("[CLS]", "play", "##ing", "[SEP]")
    ids: tuple[int, ...]  # vocabulary ids
    word_ids: tuple[int | None, ...]  # word index of each wordpiece; None for the added [CLS]/[SEP]
    offsets: tuple[tuple[int, int], ...]  # [start, end) character span in `text`; (0, 0) for added specials
    words: tuple[str, ...]  # each word's surface form in `text` (pre-tokenized: whitespace + punctuation split)
    word_spans: tuple[tuple[int, int], ...]  # [start, end) of each word in `text`

    def __len__(self) -> int:
        return len(self.tokens)

    @property
    def special_mask(self) -> tuple[bool, ...]:
        """True at the [CLS]/[SEP] added around the text."""
        return tuple(w is None for w in self.word_ids)

    def word_pieces(self, word_index: int) -> list[int]:
        """Wordpiece positions of one word."""
        return [i for i, w in enumerate(self.word_ids) if w == word_index]

    def word_label(self, word_index: int) -> str:
        """The word's pieces as BERT sees them, e.g. "play ##ing"."""
        return " ".join(self.tokens[i] for i in self.word_pieces(word_index))

    def piece_labels(self) -> list[str]:
        """A display label per wordpiece: the piece itself ("##ing" keeps its prefix, [UNK] shows the word)."""
        labels = []
        for tok, (a, b), w in zip(self.tokens, self.offsets, self.word_ids):
            labels.append(self.text[a:b] if tok == "[UNK]" and w is not None else tok)
        return labels


class WordPieceTokenizer:
    """BERT uncased WordPiece; `encode` matches Hugging Face's BertTokenizer(Fast) ids for the same vocab."""

    def __init__(
        self,
        vocab: Sequence[str],
        *,
        do_lower_case: bool = True,
        strip_accents: bool | None = None,
        tokenize_chinese_chars: bool = True,
        unk_token: str = "[UNK]",
        cls_token: str = "[CLS]",
        sep_token: str = "[SEP]",
        max_input_chars_per_word: int = 100,
        special_tokens: Sequence[str] = SPECIAL_TOKENS,
    ) -> None:
        self.vocab: dict[str, int] = {}
        for i, tok in enumerate(vocab):
            self.vocab.setdefault(tok, i)
        self.inv_vocab = list(vocab)
        for name, tok in (("unk_token", unk_token), ("cls_token", cls_token), ("sep_token", sep_token)):
            if tok not in self.vocab:
                raise ValueError(f"{name} {tok!r} is not in the vocabulary")
        self.do_lower_case = do_lower_case
        self.strip_accents = do_lower_case if strip_accents is None else strip_accents
        self.tokenize_chinese_chars = tokenize_chinese_chars
        self.unk_token, self.cls_token, self.sep_token = unk_token, cls_token, sep_token
        self.unk_id, self.cls_id, self.sep_id = self.vocab[unk_token], self.vocab[cls_token], self.vocab[sep_token]
        self.max_input_chars_per_word = max_input_chars_per_word
        present = sorted((t for t in special_tokens if t in self.vocab), key=len, reverse=True)
        self._special_re = re.compile("|".join(map(re.escape, present))) if present else None
        self._piece_cache: dict[str, tuple[tuple[str, int, int, int], ...]] = {}

    @classmethod
    def from_vocab(cls, path: str | os.PathLike, **options) -> WordPieceTokenizer:
        """Read a vocab.txt (one token per line, line number = id)."""
        with open(path, encoding="utf-8") as f:
            vocab = [line.rstrip("\n").rstrip("\r") for line in f]
        if vocab and vocab[-1] == "":
            vocab.pop()
        if not vocab:
            raise ValueError(f"{path}: empty vocabulary")
        return cls(vocab, **options)

    @classmethod
    def from_folder(cls, folder: str | os.PathLike) -> WordPieceTokenizer:
        """vocab.txt plus the options of tokenizer_config.json when present."""
        folder = Path(folder)
        options = {}
        cfg_path = folder / "tokenizer_config.json"
        if cfg_path.is_file():
            cfg = json.loads(cfg_path.read_text(encoding="utf-8"))
            for key in ("do_lower_case", "strip_accents", "tokenize_chinese_chars", "unk_token", "cls_token", "sep_token"):
                if cfg.get(key) is not None:
                    options[key] = cfg[key]
        return cls.from_vocab(folder / "vocab.txt", **options)

    @property
    def vocab_size(self) -> int:
        return len(self.inv_vocab)

    # ------------------------------------------------------------------ normalisation + pre-tokenization

    def _normalize(self, text: str, base: int) -> tuple[str, list[int]]:
        """Normalized text and, for each of its characters, the index in the original text it came from."""
        out: list[str] = []
        src: list[int] = []
        for i, ch in enumerate(text, start=base):
            cp = ord(ch)
            if cp == 0 or cp == 0xFFFD or _is_control(ch):
                continue
            if _is_whitespace(ch):
                out.append(" ")
                src.append(i)
                continue
            cjk = self.tokenize_chinese_chars and is_cjk(cp)
            if cjk:
                out.append(" ")
                src.append(i)
            chars = ch
            if self.strip_accents:
                chars = "".join(c for c in unicodedata.normalize("NFD", ch) if unicodedata.category(c) != "Mn")
            if self.do_lower_case:
                chars = "".join(c.lower() for c in chars)
            for c in chars:
                out.append(c)
                src.append(i)
            if cjk:
                out.append(" ")
                src.append(i)
        return "".join(out), src

    @staticmethod
    def _split_words(norm: str) -> list[tuple[int, int]]:
        """[start, end) spans in the normalized text: whitespace-separated runs, punctuation alone."""
        spans = []
        start = None
        for j, ch in enumerate(norm):
            if ch.isspace():
                if start is not None:
                    spans.append((start, j))
                    start = None
            elif is_punctuation(ch):
                if start is not None:
                    spans.append((start, j))
                    start = None
                spans.append((j, j + 1))
            elif start is None:
                start = j
        if start is not None:
            spans.append((start, len(norm)))
        return spans

    def _wordpieces(self, word: str) -> tuple[tuple[str, int, int, int], ...]:
        """(piece, id, start, end) of one normalized word; [start, end) indexes the word's characters."""
        cached = self._piece_cache.get(word)
        if cached is not None:
            return cached
        n = len(word)
        pieces: list[tuple[str, int, int, int]] = []
        if n > self.max_input_chars_per_word:
            pieces = [(self.unk_token, self.unk_id, 0, n)]
        else:
            start = 0
            while start < n:
                end = n
                found = None
                while start < end:
                    sub = word[start:end] if start == 0 else "##" + word[start:end]
                    idx = self.vocab.get(sub)
                    if idx is not None:
                        found = (sub, idx, start, end)
                        break
                    end -= 1
                if found is None:
                    pieces = [(self.unk_token, self.unk_id, 0, n)]
                    break
                pieces.append(found)
                start = end
        result = tuple(pieces)
        if len(self._piece_cache) < 100_000:
            self._piece_cache[word] = result
        return result

    # ------------------------------------------------------------------ public API

    def encode(self, text: str, *, add_special_tokens: bool = True, max_length: int | None = None) -> Encoding:
        """Tokenize `text`. `max_length` truncates to that many wordpieces, [CLS]/[SEP] included."""
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        tokens: list[str] = []
        ids: list[int] = []
        word_ids: list[int | None] = []
        offsets: list[tuple[int, int]] = []
        words: list[str] = []
        word_spans: list[tuple[int, int]] = []

        def add_word(a: int, b: int) -> int:
            words.append(text[a:b])
            word_spans.append((a, b))
            return len(words) - 1

        pos = 0
        segments: list[tuple[int, int, bool]] = []  # (start, end, is_special)
        if self._special_re is not None:
            for m in self._special_re.finditer(text):
                segments.append((pos, m.start(), False))
                segments.append((m.start(), m.end(), True))
                pos = m.end()
        segments.append((pos, len(text), False))

        for a, b, special in segments:
            if special:
                w = add_word(a, b)
                tokens.append(text[a:b])
                ids.append(self.vocab[text[a:b]])
                word_ids.append(w)
                offsets.append((a, b))
                continue
            if a == b:
                continue
            norm, src = self._normalize(text[a:b], a)
            for s, e in self._split_words(norm):
                w = add_word(src[s], src[e - 1] + 1)
                for piece, idx, ps, pe in self._wordpieces(norm[s:e]):
                    tokens.append(piece)
                    ids.append(idx)
                    word_ids.append(w)
                    offsets.append((src[s + ps], src[s + pe - 1] + 1))

        if max_length is not None:
            room = max_length - (2 if add_special_tokens else 0)
            if room < 0:
                raise ValueError(f"max_length={max_length} leaves no room for [CLS] and [SEP]")
            del tokens[room:], ids[room:], word_ids[room:], offsets[room:]
            n_words = (max(w for w in word_ids if w is not None) + 1) if word_ids else 0
            del words[n_words:], word_spans[n_words:]
        if add_special_tokens:
            tokens = [self.cls_token, *tokens, self.sep_token]
            ids = [self.cls_id, *ids, self.sep_id]
            word_ids = [None, *word_ids, None]
            offsets = [(0, 0), *offsets, (0, 0)]
        return Encoding(
            text=text,
            tokens=tuple(tokens),
            ids=tuple(ids),
            word_ids=tuple(word_ids),
            offsets=tuple(offsets),
            words=tuple(words),
            word_spans=tuple(word_spans),
        )

    def tokenize(self, text: str) -> list[str]:
        """The wordpieces of `text`, without [CLS]/[SEP]."""
        return list(self.encode(text, add_special_tokens=False).tokens)

    def convert_ids_to_tokens(self, ids: Sequence[int]) -> list[str]:
        return [self.inv_vocab[i] for i in ids]


def spans_of_tokens(text: str, tokens: Sequence[str], *, start: int = 0) -> list[tuple[int, int]]:
    """[start, end) of each token, found in order in `text` from `start`; ValueError if one is missing."""
    spans, cursor = [], start
    for tok in tokens:
        at = text.find(tok, cursor)
        if at < 0:
            raise ValueError(f"token {tok!r} not found in {text!r} after position {cursor}")
        spans.append((at, at + len(tok)))
        cursor = at + len(tok)
    return spans


def align_tokens(encoding: Encoding, tokens: Sequence[str], *, start: int = 0) -> list[list[int]]:
    """Map word-level tokens of `encoding.text` (in order, e.g. our own tokenizer's or the gold ones) to wordpieces.

    Each token is found in the text after the previous one; the result lists, per token, the positions of the
    wordpieces whose character span overlaps it (an empty list if it produced none, e.g. a dropped control
    character). Raises ValueError if a token does not occur in the text in order.
    """
    spans = spans_of_tokens(encoding.text, tokens, start=start)
    result: list[list[int]] = []
    for a, b in spans:
        result.append([
            i for i, ((s, e), w) in enumerate(zip(encoding.offsets, encoding.word_ids))
            if w is not None and s < b and a < e
        ])
    return result


@lru_cache(maxsize=8)
def load_tokenizer(folder: str) -> WordPieceTokenizer:
    """One tokenizer per model folder, shared by every caller in the process."""
    return WordPieceTokenizer.from_folder(folder)
