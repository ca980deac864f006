"""The attention API through the app: the contract, every error case, and figures that match the weights."""

from __future__ import annotations

import csv
import io

import numpy as np
import plotly.graph_objects as go
import pytest

from app.routers.attention import AttentionResponse
from app.settings import MAX_CHARS, MAX_TOKENS

SENTENCE = "The big cat sat on the mat because it was tired."


def post(client, **body):
    return client.post("/api/attention", json=body)


@pytest.mark.parametrize("num_heads", [1, 2, 4, 8])
@pytest.mark.parametrize("source", ["illustrative", "random"])
def test_contract(client, num_heads, source):
    response = post(client, text=SENTENCE, num_heads=num_heads, source=source, seed=7)
    assert response.status_code == 200
    body = response.json()
    AttentionResponse.model_validate(body)
    T = len(body["tokens"])
    assert body["tokens"][:3] == ["The", "big", "cat"] and body["tokens"][-1] == "."
    assert body["num_heads"] == num_heads == len(body["heads"])
    assert body["d_k"] * num_heads == body["d_model"]
    assert [h["index"] for h in body["heads"]] == list(range(1, num_heads + 1))
    for head in body["heads"]:
        w = np.array(head["weights"])
        assert w.shape == (T, T)
        assert np.all(w >= 0) and np.allclose(w.sum(axis=1), 1.0, atol=1e-3)
        assert head["title"] and head["description"] and head["relation"]
        assert [t["key_index"] for t in head["top"]] == list(w.argmax(axis=1))
    # Every figure's z values are the returned weights, head by head.
    figure = body["figure"]
    assert len(figure["data"]) == num_heads
    for trace, head in zip(figure["data"], body["heads"]):
        assert trace["type"] == "heatmap"
        assert trace["z"] == head["weights"]
        assert len(trace["x"]) == len(trace["y"]) == T
        assert trace["coloraxis"] == "coloraxis"
        assert "%{z:.2f}" in trace["hovertemplate"] and "→" in trace["hovertemplate"]
    assert figure["layout"]["coloraxis"]["cmin"] == 0 and figure["layout"]["coloraxis"]["cmax"] == 1
    go.Figure(figure)  # plotly's own schema accepts the plain dict


def test_illustrative_heads_are_the_four_relations(client):
    body = post(client, text=SENTENCE).json()
    assert [h["relation"] for h in body["heads"]] == ["subject_verb", "adjective_noun", "coreference", "proximity"]
    tokens = body["tokens"]
    top = {h["relation"]: {t["query"]: t["key"] for t in h["top"]} for h in body["heads"]}
    assert top["subject_verb"]["cat"] == "sat"
    assert top["adjective_noun"]["big"] == "cat"
    assert top["coreference"]["it"] == "cat"
    assert tokens.count("the") == 1 and tokens.count("The") == 1


def test_shapes_are_the_real_shapes(client):
    body = post(client, text=SENTENCE, num_heads=8).json()
    T, d, h, dk = len(body["tokens"]), body["d_model"], 8, body["d_k"]
    shapes = {s["name"]: s["shape"] for s in body["shapes"]}
    assert shapes["X"] == [T, d]
    assert shapes["W_Qᵢ, W_Kᵢ, W_Vᵢ"] == [d, dk]
    assert shapes["Qᵢ = X·W_Qᵢ, Kᵢ, Vᵢ"] == [T, dk]  # per head
    assert shapes["weights = softmax(scores)"] == [T, T]
    assert shapes["headᵢ = weights·Vᵢ"] == [T, dk]
    assert shapes["Concat(head₁…headₕ)"] == [T, h * dk]
    assert shapes["output = Concat·W_O"] == [T, d]


def test_get_twin_equals_post(client):
    got = client.get("/api/attention", params={"text": SENTENCE, "heads": 2}).json()
    posted = post(client, text=SENTENCE, num_heads=2).json()
    assert got == posted


def test_random_source_is_reproducible_by_seed(client):
    a = post(client, text=SENTENCE, source="random", seed=3).json()["heads"][0]["weights"]
    b = post(client, text=SENTENCE, source="random", seed=3).json()["heads"][0]["weights"]
    c = post(client, text=SENTENCE, source="random", seed=4).json()["heads"][0]["weights"]
    assert a == b and a != c


def test_one_vs_many(client):
    body = post(client, text="The big dog chased the small cat because it was hungry.").json()
    ovm = body["one_vs_many"]
    assert ovm["h4"]["present"] == 4 and ovm["h4"]["captured"] == 4
    assert ovm["h1"]["captured"] < ovm["h4"]["captured"]


def test_csv_download_escapes_formulas(client):
    response = client.get("/api/attention/weights.csv", params={"text": "=SUM(A1) +1 @x", "heads": 1})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    queries = {r["query"] for r in rows}
    assert "'=" in queries and "'+" in queries and "'@" in queries
    assert len(rows) == len(queries) ** 2 or len(rows) > 0


def test_json_download(client):
    response = client.get("/api/attention", params={"text": SENTENCE, "download": "true"})
    assert "attachment" in response.headers["content-disposition"]


@pytest.mark.parametrize(
    "body, needle",
    [
        ({"text": ""}, "empty"),
        ({"text": "   \n\t "}, "empty"),
        ({}, "'text' is required"),
        ({"text": "x" * (MAX_CHARS + 1)}, f"limit is {MAX_CHARS}"),
        ({"text": " ".join(["w"] * (MAX_TOKENS + 1))}, f"limit is {MAX_TOKENS}"),
        ({"text": "hello", "num_heads": 3}, "num_heads"),
        ({"text": "hello", "num_heads": "four"}, "num_heads"),
        ({"text": "hello", "source": "gpt"}, "source"),
        ({"text": "hello", "seed": -1}, "seed"),
        ({"text": "a\x00b"}, "control character"),
        ({"text": "bell\x07"}, "control character"),
        ({"text": "hello", "colour": "red"}, "colour"),
        ({"text": 42}, "text"),
    ],
)
def test_errors_are_422_with_a_readable_message(client, body, needle):
    response = client.post("/api/attention", json=body)
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert needle in (detail if isinstance(detail, str) else " ".join(detail))


def test_invalid_json_is_422(client):
    response = client.post("/api/attention", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["detail"] == "The request body is not valid JSON."


def test_oversize_body_is_413_before_parsing(client):
    response = client.post("/api/attention", content=b"{" + b" " * 20_000 + b"}",
                           headers={"content-type": "application/json"})
    assert response.status_code == 413


def test_lone_surrogate_is_refused(client):
    response = client.post("/api/attention", content=b'{"text": "a \\ud800 b"}',
                           headers={"content-type": "application/json"})
    assert response.status_code == 422


@pytest.mark.parametrize("text", ["42 + 7 = 49 !!!", "🙂🙃 emoji 🎉", "مرحبا بالعالم", "e\u0301te\u0301", "a\u200bb",
                                  "...", "Straße über naïve", "日本語のテキスト"])
def test_any_unicode_gives_finite_weights(client, text):
    body = post(client, text=text).json()
    for head in body["heads"]:
        w = np.array(head["weights"])
        assert np.all(np.isfinite(w)) and np.allclose(w.sum(axis=1), 1.0, atol=1e-3)


def test_slide_4_page_renders_the_same_numbers(client):
    html = client.get("/lessons/multi-head-attention/slides/4", params={"text": "Tom called his sister.", "heads": 2}).text
    assert "data-attention-payload" in html
    assert html.count('class="head-panel"') == 2
    assert "<th scope=\"col\">sister</th>" in html


def test_slide_4_page_bad_input_is_422_page_with_the_form(client):
    response = client.get("/lessons/multi-head-attention/slides/4", params={"text": "hi", "heads": "3"})
    assert response.status_code == 422
    assert 'role="alert"' in response.text and "num_heads" in response.text
    assert 'name="text"' in response.text


def test_slide_pages_escape_learner_text(client):
    hostile = '"><script>alert(1)</script>'
    html = client.get("/lessons/multi-head-attention/slides/4", params={"text": hostile}).text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html or "\\u003cscript\\u003e" in html
