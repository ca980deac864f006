"""The illustrative heads: real attention over constructed W_Q/W_K, the slide's examples, the other head counts,
the random source, and the scores on the dev set and on our own held-out set."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from app.engine import MHAParams, multi_head_attention
from app.evaluate import evaluate_file
from app.sources import (
    DEFAULT_SEED,
    HEAD_COUNTS,
    RELATIONS,
    SOURCES,
    AttentionRun,
    EmptyTextError,
    HeadInfo,
    expected_pairs,
    relation_accuracy,
    run_attention,
)
from app.sources.features import D_MODEL, FEATURE_NAMES

REPO = Path(__file__).resolve().parents[2]
DEV = REPO.parent / "shared" / "eval" / "relations-dev.jsonl"
HELDOUT = REPO / "tests" / "lang" / "fixtures" / "relations-heldout.jsonl"
needs_dev = pytest.mark.skipif(not DEV.is_file(), reason=f"dev set not found at {DEV}")


def argmax_of(run: AttentionRun, head: int, query: str, occurrence: int = 1) -> str:
    idx = [i for i, t in enumerate(run.tokens) if t == query][occurrence - 1]
    return run.tokens[int(np.argmax(run.result.weights[head, idx]))]


# ------------------------------------------------------------------------------------------- slide examples


def test_slide_examples() -> None:
    run = run_attention("The cats are sleeping on the warm mat.")
    assert [h.relation for h in run.heads] == list(RELATIONS)
    assert argmax_of(run, 0, "cats") == "are"
    assert argmax_of(run, 3, "are") == "cats"  # proximity: the previous word

    run = run_attention("I saw the big dog in the park.")
    assert argmax_of(run, 1, "big") == "dog"

    run = run_attention("The cat sat on the mat because it was tired.")
    assert argmax_of(run, 2, "it") == "cat"


@pytest.mark.parametrize(
    "text, head, query, key",
    [
        ("The keys to the cabinet are on the kitchen table.", 0, "keys", "are"),
        ("The quick brown fox jumps over the lazy dog.", 1, "quick", "fox"),
        ("The quick brown fox jumps over the lazy dog.", 1, "brown", "fox"),
        ("Tom called his sister because he missed her.", 2, "he", "Tom"),
        ("Tom called his sister because he missed her.", 2, "her", "sister"),
        ("The boy kicked the ball and it flew over the fence.", 2, "it", "ball"),
        ("The farmer sold the cows because they were old.", 2, "they", "cows"),
    ],
)
def test_issue_examples(text: str, head: int, query: str, key: str) -> None:
    assert argmax_of(run_attention(text), head, query) == key


def test_confident_softmax_and_self_default() -> None:
    run = run_attention("The keys to the cabinet are on the kitchen table.")
    w = run.result.weights
    assert w[0, 1, 5] > 0.9  # keys -> are
    for t in (0, 2, 3, 4, 6):  # tokens the subject head has nothing to say about attend to themselves
        assert int(np.argmax(w[0, t])) == t and w[0, t, t] >= 0.6
    # proximity: previous word everywhere, the next for the first token
    best = w[3].argmax(axis=1)
    assert best[0] == 1 and all(best[i] == i - 1 for i in range(1, len(run.tokens)))


# ------------------------------------------------------------------------------------------ real attention


def test_weights_are_the_engines_softmax() -> None:
    run = run_attention("The big dog chased the small cat because it was hungry.")
    again = multi_head_attention(run.x, None, run.params, run.num_heads, score_bias=run.score_bias)
    np.testing.assert_array_equal(again.weights, run.result.weights)
    q = run.x @ run.params.w_q
    k = run.x @ run.params.w_k
    d_k = run.d_k
    for i in range(run.num_heads):
        s = q[:, i * d_k:(i + 1) * d_k] @ k[:, i * d_k:(i + 1) * d_k].T / np.sqrt(d_k) + run.score_bias[i]
        e = np.exp(s - s.max(axis=1, keepdims=True))
        np.testing.assert_allclose(e / e.sum(axis=1, keepdims=True), run.result.weights[i], atol=1e-12)


@pytest.mark.parametrize("h", HEAD_COUNTS)
def test_shapes_and_inspectable_matrices(h: int) -> None:
    run = run_attention("The cats are hungry.", num_heads=h)
    T = len(run.tokens)
    assert run.d_model == D_MODEL == len(FEATURE_NAMES) and run.d_k == D_MODEL // h
    assert run.x.shape == (T, D_MODEL)
    assert isinstance(run.params, MHAParams)
    for w in (run.params.w_q, run.params.w_k, run.params.w_v, run.params.w_o):
        assert w.shape == (D_MODEL, D_MODEL) and np.isfinite(w).all()
    assert run.score_bias is not None and run.score_bias.shape == (h, T, T)
    assert run.result.weights.shape == (h, T, T)
    assert len(run.heads) == h
    for i, head in enumerate(run.heads, start=1):
        assert isinstance(head, HeadInfo) and head.index == i
        assert head.title.startswith(f"Head {i} · ") and head.relation and len(head.description) > 30
    assert len({hd.relation for hd in run.heads}) == h


def test_matrices_do_not_depend_on_the_sentence_and_are_sparse() -> None:
    a = run_attention("The cats are hungry.")
    b = run_attention("A completely different sentence about dogs, with more words in it.")
    for name in ("w_q", "w_k", "w_v", "w_o"):
        np.testing.assert_array_equal(getattr(a.params, name), getattr(b.params, name))
    assert np.count_nonzero(a.params.w_q) < 0.05 * a.params.w_q.size


def test_query_rows_read_named_features() -> None:
    run = run_attention("The cats are hungry.")
    d_k = run.d_k
    w_q = run.params.w_q[:, 0:d_k]  # head 1: subject -> verb
    rows = {FEATURE_NAMES[r] for r in np.nonzero(w_q)[0]}
    assert rows == {f"subj@{c}" for c in range(6)} | {"subj_sg", "subj_pl"}
    assert not np.any(run.params.w_q[:, 3 * d_k:])  # proximity reads position only, through the bias


def test_bias_is_relative_position_only() -> None:
    run = run_attention("one two three four five six")
    b = run.score_bias
    T = b.shape[1]
    for h in range(b.shape[0]):
        for d in range(-T + 1, T):
            diag = np.diagonal(b[h], offset=d)
            assert np.all(diag == diag[0])


# ------------------------------------------------------------------------------------------ other configs


def test_head_counts_have_documented_relations() -> None:
    assert [h.relation for h in run_attention("Hi.", 1).heads] == ["combined"]
    assert [h.relation for h in run_attention("Hi.", 2).heads] == ["grammar", "reference_position"]
    assert [h.relation for h in run_attention("Hi.", 8).heads][:3] == ["subject_verb", "adjective_noun", "coreference"]


def test_eight_heads() -> None:
    run = run_attention("The keys to the cabinet are on the big table.", 8)
    rel = {h.relation: i for i, h in enumerate(run.heads)}
    assert argmax_of(run, rel["verb_subject"], "are") == "keys"
    assert argmax_of(run, rel["determiner_noun"], "The") == "keys"
    assert argmax_of(run, rel["preposition_object"], "to") == "cabinet"
    assert argmax_of(run, rel["next_token"], "keys") == "to"
    assert argmax_of(run, rel["previous_token"], "keys") == "The"


def test_random_source_is_seeded_and_untrained() -> None:
    a = run_attention("The cats are sleeping on the warm mat.", source="random", seed=7)
    b = run_attention("The cats are sleeping on the warm mat.", source="random", seed=7)
    c = run_attention("The cats are sleeping on the warm mat.", source="random", seed=8)
    np.testing.assert_array_equal(a.result.weights, b.result.weights)
    assert not np.array_equal(a.result.weights, c.result.weights)
    assert a.score_bias is None
    assert all(h.relation == "random" and h.title == f"Head {h.index} · random (untrained)" for h in a.heads)
    np.testing.assert_array_equal(a.x, run_attention("The cats are sleeping on the warm mat.").x)  # same X
    no_seed = run_attention("The cats are sleeping on the warm mat.", source="random")
    seed0 = run_attention("The cats are sleeping on the warm mat.", source="random", seed=DEFAULT_SEED)
    np.testing.assert_array_equal(no_seed.result.weights, seed0.result.weights)


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        (dict(source="pretrained"), "weight source"),
        (dict(source=""), "weight source"),
        (dict(num_heads=3), "number of heads"),
        (dict(num_heads=0), "number of heads"),
        (dict(num_heads=True), "number of heads"),
        (dict(source="random", seed=-1), "seed"),
    ],
)
def test_bad_choices_are_readable_value_errors(kwargs: dict, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        run_attention("The cats are hungry.", **kwargs)


def test_empty_text() -> None:
    with pytest.raises(EmptyTextError):
        run_attention("   ")
    assert SOURCES == ("illustrative", "random") and HEAD_COUNTS == (1, 2, 4, 8)


# ------------------------------------------------------------------------------ expected pairs and accuracy


def test_expected_pairs() -> None:
    pairs = expected_pairs("Tom called his sister because he missed her.")
    assert set(pairs) == set(RELATIONS)
    assert pairs["subject_verb"] == [(0, 1), (5, 6)]  # pronoun subjects find their verb too
    assert sorted(pairs["coreference"]) == [(2, 0), (5, 0), (7, 3)]
    assert pairs["proximity"][0] == (0, 1) and pairs["proximity"][1:] == [(i, i - 1) for i in range(1, 9)]
    assert expected_pairs(["The", "big", "dog"])["adjective_noun"] == [(1, 2)]
    assert expected_pairs("Hi")["proximity"] == []


def test_relation_accuracy() -> None:
    w = np.array([[0.1, 0.9], [0.7, 0.3]])
    assert relation_accuracy(w, [(0, 1), (1, 1)]) == (1, 2)
    assert relation_accuracy(w, []) == (0, 0)
    with pytest.raises(ValueError):
        relation_accuracy(np.zeros((2, 2, 2)), [])


def _sentences(path: Path) -> list[str]:
    return [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _agreement(texts: list[str]) -> tuple[int, int]:
    hits = total = 0
    for text in texts:
        run = run_attention(text)
        pairs = expected_pairs(text)
        for i, relation in enumerate(RELATIONS):
            h, t = relation_accuracy(run.result.weights[i], pairs[relation])
            hits, total = hits + h, total + t
    return hits, total


@needs_dev
def test_four_heads_agree_with_expected_pairs_on_dev() -> None:
    hits, total = _agreement(_sentences(DEV))
    assert hits == total


def test_four_heads_agree_with_expected_pairs_on_heldout() -> None:
    hits, total = _agreement(_sentences(HELDOUT))
    assert hits >= 0.995 * total, (hits, total)


# ---------------------------------------------------------------------------------------- scores


@needs_dev
def test_dev_set_scores() -> None:
    report = evaluate_file(DEV)
    assert not report.mismatches
    for relation in ("subject_verb", "adjective_noun", "coreference"):
        assert report.accuracy(relation) >= 0.95, report.summary()
    assert report.accuracy("proximity") == 1.0, report.summary()


def test_heldout_scores(capsys: pytest.CaptureFixture[str]) -> None:
    """Our own held-out sentences (different words, harder constructions): reported, with a floor."""
    report = evaluate_file(HELDOUT)
    with capsys.disabled():
        print(f"\n[held-out] {report.summary()}")
    assert not report.mismatches
    assert report.sentences >= 40
    for relation in RELATIONS:
        assert report.accuracy(relation) >= 0.9, report.summary()


@needs_dev
def test_one_head_gets_fewer_relations_right_than_four() -> None:
    one, four = evaluate_file(DEV, num_heads=1), evaluate_file(DEV, num_heads=4)
    good = lambda r: sum(r.accuracy(rel) >= 0.95 for rel in RELATIONS)  # noqa: E731
    assert good(one) < good(four) == 4
    assert sum(one.hits.values()) < sum(four.hits.values())


def test_one_head_is_one_full_width_head_from_the_same_features() -> None:
    run1 = run_attention("The cats are hungry.", 1)
    run4 = run_attention("The cats are hungry.", 4)
    np.testing.assert_array_equal(run1.x, run4.x)
    assert run1.d_k == run1.d_model
    # the single head reads the same feature rows as the four heads together
    assert set(np.nonzero(run1.params.w_q)[0]) == set(np.nonzero(run4.params.w_q)[0])
    assert set(np.nonzero(run1.params.w_k)[0]) == set(np.nonzero(run4.params.w_k)[0])
