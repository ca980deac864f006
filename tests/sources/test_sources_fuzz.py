"""Any input of 1 to 80 tokens gives finite weights whose rows sum to 1, for every head count and source."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from app.lang import tag, tokenize
from app.sources import HEAD_COUNTS, SOURCES, expected_pairs, run_attention

MAX_TOKENS = 80

_WORDS = st.sampled_from(
    "the a an cats dog is are was were he she it they his her them who that which because and but so when "
    "before after , . ? ! ; ' 's don't I you we 3 42 😀 👩‍👩‍👧 é \u200b \u200d Katze 猫 مرحبا running ran "
    "big red quickly of to in on there one Tom Mary the's who's".split(" ")
)


def check(text: str, *, fuzzed: bool = True) -> None:
    if not text.strip():
        return
    n = len(tokenize(text))
    if fuzzed:
        assume(1 <= n <= MAX_TOKENS)
    else:
        assert 1 <= n <= MAX_TOKENS
    for source in SOURCES:
        for h in HEAD_COUNTS:
            run = run_attention(text, num_heads=h, source=source, seed=3)
            w = run.result.weights
            assert w.shape == (h, n, n)
            assert np.isfinite(w).all() and np.isfinite(run.result.output).all()
            np.testing.assert_allclose(w.sum(axis=-1), 1.0, atol=1e-9)
    pairs = expected_pairs(text)
    assert all(0 <= q < n and 0 <= k < n for ps in pairs.values() for q, k in ps)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(st.text(min_size=1, max_size=160))
@example("a")
@example("😀")
@example("\u200d")
@example("\x00")
@example("\u202e\u05e9\u05dc\u05d5\u05dd")
@example("e\u0301\u0301\u0301")
@example("!" * 80)
def test_arbitrary_text(text: str) -> None:
    check(text)


@settings(max_examples=120, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=MAX_TOKENS))
def test_word_salad(words: list[str]) -> None:
    check(" ".join(words))


@pytest.mark.parametrize(
    "text",
    ["x", "The", "it", "he he he", "and", ".", "The cats are", "Are?", "who who who", "Tom's", "it's",
     " ".join(["the big dog"] * 26) + ".", " ".join(["it"] * 80), "12 34 56", "🙂🙃", "The cats are sleeping. " * 8],
)
def test_edge_cases(text: str) -> None:
    check(text, fuzzed=False)


def test_eighty_tokens_of_real_sentences() -> None:
    text = ("The children played in the park while their parents talked , and then they went home . " * 5).strip()
    n = len(tokenize(text))
    assert n >= 80
    text = " ".join(t.text for t in tokenize(text)[:MAX_TOKENS])
    check(text, fuzzed=False)
    assert len(tag(tokenize(text))) == MAX_TOKENS
