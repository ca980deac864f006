"""Hypothesis through the whole HTTP path: any text, any bytes, any JSON → 200 or a 4xx, never a 5xx.

Text is drawn from every Unicode category (RTL scripts, combining marks, emoji, zero-width and control
characters, NUL; surrogates cannot travel in UTF-8 JSON and are sent as raw escapes instead). A 200 always
carries finite weights whose rows sum to 1.
"""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

SLUG = "multi-head-attention"
FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Characters that have broken text handling elsewhere, mixed into ordinary words so some inputs get through.
TRICKY = ["\u200b", "\u200d", "\u202e", "\u2066", "\ufeff", "\u0301", "\u0000", "\u0007", "\u001b", "\u007f",
          "\u0085", "\u2028", "\u2029", "\ufffd", "👩‍👩‍👧", "🇺🇳", "مرحبا", "שלום", "e\u0301",
          "ﬁ", "İ", "ß",
          "\t", "\n", "\r\n", "<", "&", '"', "\\", "=", "@"]
texts = st.one_of(
    st.text(max_size=400),
    st.lists(st.one_of(st.sampled_from(["The", "cat", "sat", "it", ".", ",", "she", "dog"]), st.sampled_from(TRICKY),
                       st.text(min_size=1, max_size=8)), max_size=70).map(" ".join),
)
heads = st.sampled_from([1, 2, 4, 8])


def assert_ok_or_refused(response) -> None:
    assert response.status_code < 500, (response.status_code, response.text[:500])
    assert response.status_code == 200 or 400 <= response.status_code < 500


def assert_sane_payload(body: dict) -> None:
    T = len(body["tokens"])
    assert 1 <= T <= 60
    assert len(body["heads"]) == body["num_heads"] == len(body["figure"]["data"])
    for head in body["heads"]:
        assert len(head["weights"]) == T
        for row in head["weights"]:
            assert len(row) == T
            assert all(math.isfinite(w) and 0.0 <= w <= 1.0 for w in row)
            assert math.isclose(sum(row), 1.0, abs_tol=T * 1e-4)


@FUZZ
@given(text=texts, num_heads=heads)
@example(text="\u0000", num_heads=4)
@example(text="The cat\u200b sat\u202e on the mat.", num_heads=4)
@example(text="👩‍👩‍👧 مرحبا שלום e\u0301", num_heads=8)
@example(text=" \n\t ", num_heads=1)
@example(text="a" * 301, num_heads=4)
@example(text="a " * 61, num_heads=4)
def test_post_any_text(client, text, num_heads):
    response = client.post("/api/attention", json={"text": text, "num_heads": num_heads})
    assert_ok_or_refused(response)
    if response.status_code == 200:
        body = response.json()
        assert body["text"] == text
        assert_sane_payload(body)
    else:
        assert response.status_code == 422
        assert isinstance(response.json()["detail"], (str, list))


@FUZZ
@given(text=texts, num_heads=st.one_of(heads, st.integers(), st.text(max_size=5)))
def test_get_any_text(client, text, num_heads):
    response = client.get("/api/attention", params={"text": text, "heads": num_heads})
    assert_ok_or_refused(response)
    if response.status_code == 200:
        assert_sane_payload(response.json())


@FUZZ
@given(text=texts, num_heads=st.one_of(heads, st.text(max_size=5)), source=st.text(max_size=12),
       seed=st.one_of(st.integers(min_value=-5, max_value=2**33).map(str), st.text(max_size=6)))
@example(text="The cat sat.", num_heads="²", source="random", seed="²")  # isdigit() but not int(): was a 500
@example(text="The cat sat.", num_heads="4", source="random", seed="9" * 5000)  # int() refuses > 4300 digits
def test_slide_4_with_any_text(client, text, num_heads, source, seed):
    response = client.get(f"/lessons/{SLUG}/slides/4",
                          params={"text": text, "heads": num_heads, "source": source, "seed": seed})
    assert_ok_or_refused(response)
    assert response.headers["content-type"].startswith("text/html")


@FUZZ
@given(body=st.binary(max_size=2000))
@example(body=b'{"text": "\\ud800"}')  # a lone surrogate, escaped
@example(body=b'{"text": "\\udc00 cat"}')
@example(body=b'{"text": "\xff\xfe"}')  # not UTF-8
@example(body=b'{"text": "The cat", "text": 5}')
@example(body=b"[]")
@example(body=b"null")
@example(body=b'{"text": "The cat sat.", "num_heads": 4.0}')
@example(body=b'{"text": "The cat sat.", "num_heads": true}')
@example(body=b'{"text": "The cat sat.", "seed": 1e400}')
@example(body=b'{"text": "The cat sat.", "seed": -1}')
@example(body=b'{"text": "The cat sat.", "source": "pretrained"}')
@example(body=b'{"text": "The cat sat.", "extra": 1}')
def test_post_any_bytes(client, body):
    response = client.post("/api/attention", content=body, headers={"content-type": "application/json"})
    assert_ok_or_refused(response)
    assert response.status_code in (200, 422), response.text[:300]  # broken JSON is a 422 too, never a 400
    if response.status_code == 200:
        assert_sane_payload(response.json())


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)


@FUZZ
@given(value=st.one_of(json_values, st.fixed_dictionaries(
    {"text": st.one_of(texts, json_values)},
    optional={"num_heads": json_values, "source": json_values, "seed": json_values})))
def test_post_any_json(client, value):
    response = client.post("/api/attention", content=json.dumps(value), headers={"content-type": "application/json"})
    assert_ok_or_refused(response)
    assert response.status_code in (200, 422), response.text[:300]
    if response.status_code == 200:
        assert_sane_payload(response.json())


@FUZZ
@given(answers=json_values, raw=st.binary(max_size=300))
def test_quiz_endpoints_with_any_input(client, answers, raw):
    response = client.post(f"/api/quiz/{SLUG}/answers", content=json.dumps({"answers": answers}),
                           headers={"content-type": "application/json"})
    assert response.status_code in (200, 422), response.text[:300]
    response = client.post(f"/api/quiz/{SLUG}/answers", content=raw, headers={"content-type": "application/json"})
    assert response.status_code in (200, 422), response.text[:300]
    response = client.post(f"/lessons/{SLUG}/quiz", content=raw,
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code in (200, 422), response.text[:300]


@pytest.mark.parametrize("size", [16_384 + 1, 100_000])
def test_a_body_over_the_limit_is_413_before_parsing(client, size):
    response = client.post("/api/attention", content=b"{" + b" " * (size - 1),
                           headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "limit" in response.json()["detail"]


@FUZZ
@given(text=texts, nonce=st.one_of(st.integers(min_value=-5, max_value=2**40).map(str), st.text(max_size=8)))
@example(text="The cat sat.", nonce="²")
def test_quiz_page_and_api_with_any_text(client, text, nonce):
    response = client.get(f"/lessons/{SLUG}/quiz", params={"text": text, "nonce": nonce})
    assert response.status_code == 200, response.text[:300]  # an unusable sentence falls back to the lesson's own
    response = client.get(f"/api/quiz/{SLUG}", params={"text": text})
    assert response.status_code in (200, 422), response.text[:300]
