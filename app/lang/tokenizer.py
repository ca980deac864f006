"""Word-level tokenizer: predictable enough that a learner can guess the tokens of their own sentence.

A token is either
  * a run of word characters (letters, digits, combining marks, connector punctuation such as "_" — any
    script) with an optional apostrophe suffix: "don't", "cat's", "l’homme"; or
  * any other single non-space character: punctuation, a symbol, an emoji, a control or zero-width character.

Whitespace separates tokens and is never a token. The tokenizer keeps the case of the text and never fails on
non-empty text; empty or whitespace-only text raises EmptyTextError (a ValueError) which the API turns into a
422. It enforces no maximum length: the web layer does.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

__all__ = ["APOSTROPHES", "EmptyTextError", "Token", "is_word_char", "tokenize"]

APOSTROPHES = frozenset("'\u2019")  # ASCII apostrophe and the typographic right single quote


class EmptyTextError(ValueError):
    """The text is empty or only whitespace, so there is nothing to attend over."""

    def __init__(self, message: str = "Type a sentence: the text is empty.") -> None:
        super().__init__(message)


@dataclass(frozen=True)
class Token:
    """One token: its text and its [start, end) character offsets in the original string."""

    text: str
    start: int
    end: int


def is_word_char(ch: str) -> bool:
    """Letters and digits of any script, combining marks, and connector punctuation ("_")."""
    if ch.isalnum():
        return True
    cat = unicodedata.category(ch)
    return cat[0] == "M" or cat == "Pc"


def tokenize(text: str) -> list[Token]:
    """Split `text` into word tokens (with an optional apostrophe suffix) and single-character tokens."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if is_word_char(ch):
            j = i + 1
            while j < n and is_word_char(text[j]):
                j += 1
            # optional apostrophe suffix: one apostrophe followed by at least one word character
            if j + 1 < n and text[j] in APOSTROPHES and is_word_char(text[j + 1]):
                j += 2
                while j < n and is_word_char(text[j]):
                    j += 1
            tokens.append(Token(text[i:j], i, j))
            i = j
        else:
            tokens.append(Token(ch, i, i + 1))
            i += 1
    if not tokens:
        raise EmptyTextError()
    return tokens
