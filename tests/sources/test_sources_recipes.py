"""The learner-readable recipe of each illustrative head is read back from its real matrices and bias."""

import numpy as np
import pytest

from app.sources import HEAD_COUNTS, run_attention
from app.sources.illustrative import illustrative_params, relative_position_bias
from app.sources.recipes import OFFSETS, head_recipes


@pytest.mark.parametrize("num_heads", HEAD_COUNTS)
def test_one_recipe_per_head(num_heads):
    recipes = head_recipes(num_heads)
    assert len(recipes) == num_heads
    for recipe in recipes:
        assert recipe["bias"]["offsets"] == list(OFFSETS)
        assert len(recipe["bias"]["values"]) == len(OFFSETS)


def test_four_head_recipes_say_what_the_slide_says():
    sv, an, co, px = head_recipes(4)
    assert sv["terms"][0] == {"query": "subject of clause n", "key": "finite verb of clause n", "score": 10.0}
    assert an["terms"][0]["key"] == "head noun of noun phrase n"
    assert co["terms"][0]["query"] == "third-person pronoun"
    assert px["terms"] == []  # the neighbour head reads positions only
    offsets = px["bias"]["offsets"]
    assert px["bias"]["values"][offsets.index(-1)] > px["bias"]["values"][offsets.index(1)] > 0


def test_recipe_scores_are_the_matrices_scores():
    """A query with feature a and a key with feature b: q·k/√d_k of the engine equals the listed score."""
    params = illustrative_params(4)
    d_k = 24
    match = params.w_q[:, :d_k] @ params.w_k[:, :d_k].T / np.sqrt(d_k)
    assert np.isclose(match.max(), head_recipes(4)[0]["terms"][0]["score"])


def test_recipe_bias_is_the_bias_the_engine_gets():
    run = run_attention("The big cat sat on the mat because it was tired .")
    bias = relative_position_bias(4, len(run.tokens))
    assert np.array_equal(run.score_bias, bias)
    q = 5
    for i, recipe in enumerate(head_recipes(4)):
        for d, value in zip(recipe["bias"]["offsets"], recipe["bias"]["values"]):
            assert np.isclose(bias[i, q, q + d], value, atol=0.005)
