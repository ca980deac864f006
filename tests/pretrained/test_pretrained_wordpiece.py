"""Our WordPiece tokenizer against Hugging Face's (tokenizers' BertTokenizerFast and the slow BertTokenizer).

The reference ids, wordpieces, word ids and character offsets were produced by make_tiny_bert_fixture.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.pretrained.fetch import default_model_folder
from app.pretrained.wordpiece import WordPieceTokenizer, align_tokens

FIXTURES = Path(__file__).parent / "fixtures"
REFERENCE = json.loads((FIXTURES / "wordpiece-reference.json").read_text(encoding="utf-8"))
TINY_VOCAB = FIXTURES / "tiny-bert" / "vocab.txt"
REAL = default_model_folder()


def _check(tok: WordPieceTokenizer, ref: dict) -> None:
    assert tok.vocab_size == ref["vocab_size"]
    for case in ref["cases"]:
        enc = tok.encode(case["text"])
        assert list(enc.ids) == case["ids"], case["text"]
        assert list(enc.tokens) == case["tokens"], case["text"]
        assert list(enc.word_ids) == case["word_ids"], case["text"]
        assert [list(o) for o in enc.offsets] == case["offsets"], case["text"]
        assert case["slow_ids"] == case["ids"], "the fast and slow reference tokenizers disagree"


def test_tiny_vocab_matches_reference():
    _check(WordPieceTokenizer.from_vocab(TINY_VOCAB), REFERENCE["tiny"])


def test_reference_sentences_cover_the_hard_cases():
    texts = [c["text"] for c in REFERENCE["tiny"]["cases"]]
    joined = "".join(texts)
    for needle in ("é", "🍕", "我", "[MASK]", "\u200b", "\x00", "’", "ﬁ", "x" * 101):
        assert needle in joined


@pytest.mark.skipif(not (REAL / "vocab.txt").is_file(), reason=f"real model not fetched into {REAL}")
def test_minilm_vocab_matches_reference():
    assert "minilm" in REFERENCE
    _check(WordPieceTokenizer.from_folder(REAL), REFERENCE["minilm"])


def test_word_alignment_and_labels():
    tok = WordPieceTokenizer(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "play", "##ing", "the", "cat", "'", "s", "."])
    text = "The cat's Playing."
    enc = tok.encode(text)
    assert enc.tokens == ("[CLS]", "the", "cat", "'", "s", "play", "##ing", ".", "[SEP]")
    assert enc.word_ids == (None, 0, 1, 2, 3, 4, 4, 5, None)
    assert enc.words == ("The", "cat", "'", "s", "Playing", ".")
    assert enc.word_label(4) == "play ##ing"
    assert enc.word_pieces(4) == [5, 6]
    assert [text[a:b] for a, b in enc.offsets[1:-1]] == ["The", "cat", "'", "s", "Play", "ing", "."]
    assert enc.special_mask == (True,) + (False,) * 7 + (True,)
    # our own word-level tokens ("cat's" is one token) map onto the wordpieces they cover
    assert align_tokens(enc, ["The", "cat's", "Playing", "."]) == [[1], [2, 3, 4], [5, 6], [7]]
    with pytest.raises(ValueError, match="not found"):
        align_tokens(enc, ["dog"])


def test_unknown_words_and_long_words_become_unk():
    tok = WordPieceTokenizer(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "a", "##b"], max_input_chars_per_word=5)
    enc = tok.encode("ab abx abbbbb")
    assert enc.tokens == ("[CLS]", "a", "##b", "[UNK]", "[UNK]", "[SEP]")
    assert enc.piece_labels()[3:5] == ["abx", "abbbbb"]


def test_truncation_keeps_cls_and_sep():
    tok = WordPieceTokenizer.from_vocab(TINY_VOCAB)
    enc = tok.encode("the cat sat on the mat because it was tired", max_length=5)
    assert len(enc) == 5 and enc.tokens[0] == "[CLS]" and enc.tokens[-1] == "[SEP]"
    assert len(enc.words) == max(w for w in enc.word_ids if w is not None) + 1
    assert tok.tokenize("") == [] and tok.encode("").tokens == ("[CLS]", "[SEP]")


def test_vocab_errors(tmp_path):
    with pytest.raises(ValueError, match="unk_token"):
        WordPieceTokenizer(["[CLS]", "[SEP]", "a"])
    empty = tmp_path / "vocab.txt"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(ValueError, match="empty"):
        WordPieceTokenizer.from_vocab(empty)
    with pytest.raises(TypeError):
        WordPieceTokenizer.from_vocab(TINY_VOCAB).encode(None)
