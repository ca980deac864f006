"""The weight sources' matrices are inspectable through the API."""

import numpy as np
import pytest

from app.sources import source_params


@pytest.mark.parametrize("num_heads", [1, 2, 4, 8])
def test_params_are_the_sources_matrices(client, num_heads):
    body = client.get("/api/attention/params", params={"heads": num_heads}).json()
    params, heads = source_params(num_heads)
    d_k = body["d_k"]
    assert body["d_model"] == params.d_model == len(body["feature_names"])
    assert d_k * num_heads == body["d_model"]
    for i, head in enumerate(body["heads"]):
        assert head["title"] == heads[i].title
        assert np.allclose(head["w_q"], params.w_q[:, i * d_k:(i + 1) * d_k], atol=1e-6)
        assert np.allclose(head["w_k"], params.w_k[:, i * d_k:(i + 1) * d_k], atol=1e-6)
    assert np.allclose(body["w_o"], params.w_o, atol=1e-6)


def test_random_params_follow_the_seed(client):
    a = client.get("/api/attention/params", params={"source": "random", "seed": 1, "heads": 2}).json()
    b = client.get("/api/attention/params", params={"source": "random", "seed": 2, "heads": 2}).json()
    assert a["heads"][0]["w_q"] != b["heads"][0]["w_q"]


@pytest.mark.parametrize("query", [{"heads": 3}, {"source": "nope"}, {"seed": -5, "source": "random"}])
def test_params_errors(client, query):
    assert client.get("/api/attention/params", params=query).status_code == 422


def test_four_heads_show_how_they_are_built(client):
    body = client.post("/api/attention", json={"text": "The cats are sleeping."}).json()
    recipes = [h.get("recipe") for h in body["heads"]]
    assert all(recipes) and recipes[0]["terms"][0]["query"] == "subject of clause n"
    html = client.get("/lessons/multi-head-attention/slides/4").text
    assert html.count("How this head is built") == 4
    random_body = client.post("/api/attention", json={"text": "The cats are sleeping.", "source": "random"}).json()
    assert all(h.get("recipe") is None for h in random_body["heads"])
