"""Language front end of the illustrative heads: a predictable word-level tokenizer and a small offline tagger."""

from app.lang.tagger import TokenFeatures, tag
from app.lang.tokenizer import EmptyTextError, Token, tokenize

__all__ = ["EmptyTextError", "Token", "TokenFeatures", "tag", "tokenize"]
