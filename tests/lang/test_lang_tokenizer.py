"""The word-level tokenizer: predictable tokens, offsets into the text, and no failure on any non-empty text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.lang.tokenizer import EmptyTextError, Token, tokenize


def texts(s: str) -> list[str]:
    return [t.text for t in tokenize(s)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The cats are sleeping.", ["The", "cats", "are", "sleeping", "."]),
        ("I don't know.", ["I", "don't", "know", "."]),
        ("The cat's toy", ["The", "cat's", "toy"]),
        ("it’s fine", ["it’s", "fine"]),  # typographic apostrophe
        ("dogs' bowls", ["dogs", "'", "bowls"]),  # a trailing apostrophe is punctuation
        ("'quoted'", ["'", "quoted", "'"]),
        ("rock'n'roll", ["rock'n", "'", "roll"]),  # one apostrophe suffix only
        ("Wait... what?!", ["Wait", ".", ".", ".", "what", "?", "!"]),
        ("e-mail, 3.14 and 42", ["e", "-", "mail", ",", "3", ".", "14", "and", "42"]),
        ("snake_case", ["snake_case"]),
        ("Café naïve Straße", ["Café", "naïve", "Straße"]),
        ("cafe\u0301 au lait", ["cafe\u0301", "au", "lait"]),  # combining accent stays in the word
        ("Die Katze schläft", ["Die", "Katze", "schläft"]),
        ("猫が好き", ["猫が好き"]),
        ("مرحبا بالعالم", ["مرحبا", "بالعالم"]),
        ("I ❤️ cats 😀", ["I", "❤", "\ufe0f", "cats", "😀"]),
        ("a\u200bb", ["a", "\u200b", "b"]),  # zero-width space is a (non-space) character of its own
        ("  spaced\tout\n", ["spaced", "out"]),
        ("!!!", ["!", "!", "!"]),
    ],
)
def test_tokens(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_offsets_point_into_the_text() -> None:
    text = "  The dog's   bone, 😀!"
    for tok in tokenize(text):
        assert isinstance(tok, Token)
        assert text[tok.start:tok.end] == tok.text


def test_case_is_kept() -> None:
    assert texts("The CAT Sat") == ["The", "CAT", "Sat"]


@pytest.mark.parametrize("text", ["", " ", "\t\n  ", "\u3000"])
def test_empty_text_is_an_error(text: str) -> None:
    with pytest.raises(EmptyTextError):
        tokenize(text)
    assert issubclass(EmptyTextError, ValueError)


def test_token_is_frozen() -> None:
    tok = tokenize("cat")[0]
    with pytest.raises(AttributeError):
        tok.text = "dog"  # type: ignore[misc]


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=200))
def test_any_text_tokenizes_or_is_empty(text: str) -> None:
    if not text.strip():
        with pytest.raises(EmptyTextError):
            tokenize(text)
        return
    toks = tokenize(text)
    assert toks
    assert all(t.text and not t.text.isspace() and text[t.start:t.end] == t.text for t in toks)
    assert all(a.end <= b.start for a, b in zip(toks, toks[1:]))
