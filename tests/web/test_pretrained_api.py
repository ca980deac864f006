"""The pretrained source over HTTP: source=pretrained on the attention API, the layer/head picker and its 422s, the
model view endpoint, slide 4's form and results, and the app without the model folder (an optional extra).

Tests needing the real model skip, printing the reason, when models/all-MiniLM-L6-v2 is absent; the missing-model
tests point the app at an empty folder through ATTENTION_COURSE_MODEL_DIR and always run.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import plotly.graph_objects as go
import pytest

from app.pretrained_view import NOT_INSTALLED, PAIR_REQUIRED
from app.routers.attention import AttentionResponse

from htmltext import visible_text

SLUG = "multi-head-attention"
SENTENCE = "The cats are sleeping unbelievably soundly."
SLIDE_4 = f"/lessons/{SLUG}/slides/4"


def get(client, **params):
    return client.get("/api/attention", params=params)


# ------------------------------------------------------------------------------------------------ with the model


def test_get_and_post_pretrained_contract(client, model):
    by_get = get(client, text=SENTENCE, source="pretrained")
    by_post = client.post("/api/attention", json={"text": SENTENCE, "source": "pretrained"})
    assert by_get.status_code == by_post.status_code == 200
    body = by_get.json()
    assert body == by_post.json()
    AttentionResponse.model_validate(body)
    assert body["source"] == "pretrained" and body["seed"] is None
    assert body["num_heads"] == len(body["heads"]) == len(body["figure"]["data"]) == 4
    assert (body["d_model"], body["d_k"]) == (384, 32)
    assert "##bel" in body["tokens"] and "[CLS]" not in body["tokens"]
    T = len(body["tokens"])
    for head, trace in zip(body["heads"], body["figure"]["data"]):
        assert trace["z"] == head["weights"]
        w = np.array(head["weights"])
        assert w.shape == (T, T) and np.allclose(w.sum(axis=1), 1, atol=1e-3)
        assert head["title"].startswith("Layer ") and "%" in head["description"]
    assert body["figure"]["data"][0]["x"][4:9] == ["un-", "-bel-", "-ie-", "-va-", "-bly"]
    p = body["pretrained"]
    assert p["special_shown"] is False and p["renormalized"] is True and p["picked"] is None
    assert "fixed offset" in p["subject_verb_statement"]
    go.Figure(body["figure"])


def test_pretrained_ignores_heads_and_seed(client, model):
    a = get(client, text="The cat sat.", source="pretrained").json()
    b = get(client, text="The cat sat.", source="pretrained", heads=8, seed=3).json()
    assert a == b


def test_layer_and_head_pick_one_head(client, model):
    body = get(client, text="The cats are sleeping.", source="pretrained", layer=3, head=5).json()
    assert [h["title"] for h in body["heads"]] == ["Layer 3 · head 5"]
    assert body["num_heads"] == 1 and body["pretrained"]["picked"] == {"layer": 3, "head": 5}
    post = client.post("/api/attention", json={"text": "The cats are sleeping.", "source": "pretrained",
                                               "layer": 3, "head": 5})
    assert post.json() == body


@pytest.mark.parametrize("params, message", [
    ({"layer": 3}, PAIR_REQUIRED),
    ({"head": 5}, PAIR_REQUIRED),
    ({"layer": 0, "head": 1}, "'layer': Input should be greater than or equal to 1"),
    ({"layer": 7, "head": 1}, "'layer': Input should be less than or equal to 6"),
    ({"layer": 1, "head": 13}, "'head': Input should be less than or equal to 12"),
    ({"layer": "two", "head": 1}, "'layer': Input should be a valid integer"),
    ({"special": "maybe"}, "'special': Input should be a valid boolean"),
])
def test_layer_head_and_special_are_checked(client, model, params, message):
    response = get(client, text="The cat sat.", source="pretrained", **params)
    assert response.status_code == 422
    assert message in response.json()["errors"][0]


def test_post_body_is_strict(client, model):
    for body, message in [
        ({"layer": 2}, PAIR_REQUIRED),
        ({"layer": True, "head": 1}, "'layer': must be a whole number"),
        ({"special": 1}, "'special': Input should be a valid boolean"),
        ({"special": "true"}, "'special': Input should be a valid boolean"),
    ]:
        response = client.post("/api/attention", json={"text": "The cat sat.", "source": "pretrained", **body})
        assert response.status_code == 422, body
        assert message in " ".join(response.json()["errors"]), (body, response.json())


def test_layer_and_head_need_each_other_whatever_the_source(client):
    response = get(client, text="The cat sat.", layer=1)
    assert response.status_code == 422 and response.json()["detail"] == PAIR_REQUIRED
    # Given together they only mean something to the pretrained source; the others ignore them (like seed).
    assert get(client, text="The cat sat.", layer=1, head=1).json() == get(client, text="The cat sat.").json()


def test_special_tokens_toggle(client, model):
    body = get(client, text="The cats are sleeping.", source="pretrained", special="true").json()
    assert body["tokens"][0] == "[CLS]" and body["tokens"][-1] == "[SEP]"
    assert body["pretrained"]["special_shown"] is True and body["pretrained"]["renormalized"] is False
    for head in body["heads"]:
        assert np.allclose(np.array(head["weights"]).sum(axis=1), 1, atol=1e-3)


def test_too_many_wordpieces_is_a_clear_422(client, model):
    response = get(client, text="Antidisestablishmentarianism " * 9, source="pretrained")
    assert response.status_code == 422
    assert "WordPieces" in response.json()["detail"] and "60" in response.json()["detail"]


def test_csv_and_json_downloads(client, model):
    response = client.get("/api/attention/weights.csv",
                          params={"text": "The cats are sleeping.", "source": "pretrained", "layer": 2, "head": 4})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["head", "relation", "query_index", "query", "key_index", "key", "weight"]
    assert len(rows) == 1 + 5 * 5 and rows[1][3] == "the"
    download = get(client, text="The cats are sleeping.", source="pretrained", download="true")
    assert "attachment" in download.headers["content-disposition"]


def test_params_are_not_served_for_pretrained(client):
    response = client.get("/api/attention/params", params={"source": "pretrained"})
    assert response.status_code == 422


def test_model_view_endpoint(client, model):
    response = client.get("/api/attention/model-view", params={"text": "The cats are sleeping."})
    assert response.status_code == 200
    body = response.json()
    assert body["tokens"] == ["the", "cats", "are", "sleeping", "."]
    assert (body["layers"], body["heads_per_layer"]) == (6, 12)
    assert len(body["figure"]["data"]) == 72
    assert body["figure"]["data"][29]["meta"] == {"layer": 3, "head": 6}
    go.Figure(body["figure"])
    special = client.get("/api/attention/model-view", params={"text": "The cats are sleeping.", "special": "true"}).json()
    assert special["tokens"][0] == "[CLS]" and special["renormalized"] is False
    for params in ({"text": ""}, {"text": "a " * 61}, {"text": "x" * 301}, {}, {"text": "a", "special": "maybe"}):
        assert client.get("/api/attention/model-view", params=params).status_code == 422, params


def test_openapi_documents_the_pretrained_source(client):
    schema = client.get("/api/openapi.json").json()
    request = schema["components"]["schemas"]["AttentionRequest"]["properties"]
    assert "pretrained" in request["source"]["enum"]
    assert {"layer", "head", "special"} <= set(request)
    assert "/api/attention/model-view" in schema["paths"]


def test_slide_4_offers_pretrained_and_renders_it(client, model):
    html = client.get(SLIDE_4).text
    assert '<option value="pretrained"' in html and "pretrained (MiniLM)" in html
    assert "data-pretrained-controls hidden disabled" in html  # shown (and sent) only with source=pretrained
    assert "js/pretrained.js" in html

    response = client.get(SLIDE_4, params={"text": SENTENCE, "source": "pretrained"})
    assert response.status_code == 200
    text = visible_text(response.text)
    assert "Layer 1 · head 3 — previous word" in text and "Layer 4 · head 2 — adjective → noun" in text
    assert "No head tracks subject → verb better than a fixed offset" in text
    assert "[CLS] and [SEP] are hidden" in text and "renormalized" in text
    assert "un- -bel- -ie- -va- -bly is “unbelievably”" in text
    assert "Model view: all 72 heads" in text
    assert "data-pretrained-controls hidden" not in response.text
    assert "One head vs four" not in text


def test_slide_4_picker_special_and_model_view_without_js(client, model):
    response = client.get(SLIDE_4, params={"text": "The cats are sleeping.", "source": "pretrained",
                                           "layer": "6", "head": "1", "special": "true"})
    assert response.status_code == 200
    text = visible_text(response.text)
    assert "Layer 6 · head 1" in text and "Back to the four measured heads" in text
    assert '<option value="6" selected>' in response.text
    assert "[CLS]" in text and "are shown" in text
    assert "One head vs four" not in text
    # Previous/next keep the choices.
    assert "layer=6" in response.text.split('data-slide-nav', 1)[1]

    view = client.get(SLIDE_4, params={"text": "The cats are sleeping.", "source": "pretrained", "view": "model"})
    assert view.status_code == 200
    assert "data-model-view-figure" in view.text and view.text.count("data-open-head") == 72
    assert "layer=3&amp;head=5" in view.text


def test_slide_4_refuses_a_half_picked_head(client, model):
    response = client.get(SLIDE_4, params={"text": "The cat sat.", "source": "pretrained", "layer": "2"})
    assert response.status_code == 422
    assert PAIR_REQUIRED in visible_text(response.text)


def test_slide_3_shows_the_models_real_shapes(client, model):
    response = client.get(f"/lessons/{SLUG}/slides/3", params={"text": "The cats are sleeping.", "source": "pretrained"})
    text = visible_text(response.text)
    assert "T = 7 tokens, d_model = 384, h = 12, d_k = d_v = d_model / h = 32" in text
    assert "12 × 32 = 384" in text


# ------------------------------------------------------------------------------------------------ without the model


def test_without_the_model_pretrained_is_a_422_saying_how_to_enable_it(client, no_model):
    for response in (
        get(client, text="The cat sat.", source="pretrained"),
        client.post("/api/attention", json={"text": "The cat sat.", "source": "pretrained"}),
        client.get("/api/attention/model-view", params={"text": "The cat sat."}),
        client.get("/api/attention/weights.csv", params={"text": "The cat sat.", "source": "pretrained"}),
    ):
        assert response.status_code == 422
        assert response.json()["detail"] == NOT_INSTALLED


def test_without_the_model_the_lesson_runs_as_before(client, no_model):
    response = client.get(SLIDE_4)
    assert response.status_code == 200
    assert '<option value="pretrained"' not in response.text
    assert "data-pretrained-controls" not in response.text
    assert "attention-course fetch-model" in visible_text(response.text)
    assert get(client, text="The cat sat.").status_code == 200
    page = client.get(SLIDE_4, params={"text": "The cat sat.", "source": "pretrained"})
    assert page.status_code == 422 and NOT_INSTALLED in visible_text(page.text)
