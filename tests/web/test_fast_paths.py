"""The performance shortcuts give exactly the answers of the plain computation (see bench/RESULTS-http.md).

- app/live.py keeps analyses (bounded), serializes each once, and scores "one head vs four" from the run it
  already has instead of tokenizing and tagging the sentence three more times;
- app/web.py sends text static files gzipped from memory instead of compressing them on every request.
"""

from __future__ import annotations

import gzip

import numpy as np
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app import live
from app.live import InputError, analyze, check_text, illustrative_weights, one_vs_many
from app.sources import RELATIONS, expected_pairs, relation_accuracy, run_attention
from app.settings import get_settings

SENTENCES = ["The big cat sat on the mat because it was tired.", "Tom called his sister because he missed her.",
             "The keys to the old cabinet are on the table.", "She said he would come."]
WORDS = st.sampled_from("The a big cat dogs sat on mat it he she her his was were because and tired , . ! ?".split())


def slow_one_vs_many(text: str) -> dict:
    """The definition, computed the long way: tag the text again and run each head count from scratch."""
    pairs = expected_pairs(text)
    out = {}
    for h in (1, 4):
        weights = run_attention(text, num_heads=h, source="illustrative").result.weights
        rel = {r: dict(zip(("hits", "total"), relation_accuracy(weights[0 if h == 1 else i], pairs.get(r, []))))
               for i, r in enumerate(RELATIONS)}
        present = [r for r in RELATIONS if rel[r]["total"]]
        out[f"h{h}"] = {"relations": rel, "present": len(present),
                        "captured": len([r for r in present if rel[r]["hits"] == rel[r]["total"]])}
    return out


@settings(max_examples=40, deadline=None)
@given(words=st.lists(WORDS, min_size=1, max_size=40), num_heads=st.sampled_from([1, 2, 4, 8]),
       source=st.sampled_from(["illustrative", "random"]))
def test_one_vs_many_from_a_run_equals_the_definition(words, num_heads, source):
    text = " ".join(words)
    try:
        check_text(text)
    except InputError:
        return
    run = run_attention(text, num_heads=num_heads, source=source, seed=3)
    for h in (1, 2, 4, 8):
        assert np.array_equal(illustrative_weights(run.x, h),
                              run_attention(text, num_heads=h, source="illustrative").result.weights)
    live._ONE_VS_MANY.pop(text, None)
    assert one_vs_many(text, run) == slow_one_vs_many(text)


@pytest.mark.parametrize("text", SENTENCES)
def test_cached_analysis_is_the_same_answer_and_its_json_is_the_payload(text):
    first = analyze(text, 4)
    again = analyze(text, 4)
    assert again is first
    assert orjson.loads(first.json) == orjson.loads(orjson.dumps(first.payload))
    # The heads' weights and the figure's z are one list per head, equal to a fresh computation.
    fresh = live._analyze(text, 4, "illustrative", None)
    assert orjson.loads(fresh.json) == orjson.loads(first.json)
    for head, trace in zip(first.payload["heads"], first.payload["figure"]["data"]):
        assert trace["z"] is head["weights"]
    assert analyze(text, 2) is not first
    assert analyze(text, 4, "random", 1) is not analyze(text, 4, "random", 2)


def test_the_analysis_cache_stays_within_its_budget():
    for n in range(200):
        analyze(" ".join(["word"] * (n % 59 + 1)), 8)
    assert live._ANALYSES.size <= live._ANALYSES.max_size
    assert len(live._ANALYSES) <= live._ANALYSES.max_entries
    assert live._ANALYSES.size == sum(a.cells for a in live._ANALYSES.values())


def test_static_text_files_go_out_gzipped_from_memory_and_identical(client):
    path = "/static/vendor/plotly-cartesian-4.1.1.min.js"
    raw = (get_settings().static_dir / "vendor" / "plotly-cartesian-4.1.1.min.js").read_bytes()
    zipped = client.get(path, headers={"accept-encoding": "gzip"})
    assert zipped.status_code == 200
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.headers["vary"] == "Accept-Encoding"
    assert zipped.headers["cache-control"].startswith("public, max-age=31536000")
    assert zipped.headers["x-content-type-options"] == "nosniff"
    assert int(zipped.headers["content-length"]) < len(raw) // 2
    assert zipped.content == raw  # httpx decoded it
    plain = client.get(path, headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == raw
    assert client.get(path, headers={"if-none-match": zipped.headers["etag"]}).status_code == 304
    ranged = client.get(path, headers={"range": "bytes=0-9", "accept-encoding": "gzip"})
    assert ranged.status_code == 206 and ranged.content == raw[:10]


def test_precompressed_bytes_decompress_to_the_file(client):
    # The client's sync stream gives the bytes as sent (no asyncio.run: browser tests may hold a running loop).
    with client.stream("GET", "/static/css/site.css", headers={"accept-encoding": "gzip"}) as response:
        response.raw_bytes = b"".join(response.iter_raw())
    assert response.headers["content-encoding"] == "gzip"
    assert gzip.decompress(response.raw_bytes) == (get_settings().static_dir / "css" / "site.css").read_bytes()
