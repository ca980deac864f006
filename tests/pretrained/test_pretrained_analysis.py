"""Attention maps, word-level aggregation and head scoring, on the tiny random BERT (no real model needed)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import app.pretrained.analysis as analysis
import app.pretrained.fetch as fetch_module
from app.pretrained.analysis import (
    attention_maps,
    evaluate_pretrained,
    get_pretrained,
    gold_pairs,
    group_pieces,
    score_records,
    spans_of_tokens,
)

TINY = Path(__file__).parent / "fixtures" / "tiny-bert"
RECORDS = [
    {"text": "The big dog chased the small cat because it was hungry.",
     "tokens": ["The", "big", "dog", "chased", "the", "small", "cat", "because", "it", "was", "hungry", "."],
     "subject_verb": [[2, 3]], "adjective_noun": [[1, 2], [5, 6]], "coreference": [[8, 2]]},
    {"text": "My brother's dog sleeps.", "tokens": ["My", "brother's", "dog", "sleeps", "."],
     "subject_verb": [[2, 3]], "adjective_noun": [], "coreference": []},
]


@pytest.fixture(scope="module")
def pre():
    return get_pretrained(TINY)


def test_get_pretrained_is_cached_and_missing_folder_is_clear(pre, tmp_path):
    assert get_pretrained(TINY) is pre
    assert pre.model.num_heads == 4 and pre.load_seconds > 0
    with pytest.raises(FileNotFoundError, match="app.pretrained.fetch"):
        get_pretrained(tmp_path)


def test_maps_drop_specials_and_renormalise(pre):
    text = "the cat sat on the mat."
    sa = attention_maps(text, pretrained=pre)
    full = attention_maps(text, pretrained=pre, drop_special=False)
    raw = attention_maps(text, pretrained=pre, renormalize=False)
    n = len(sa.positions)
    assert sa.maps.shape == (2, 4, n, n) and full.maps.shape == (2, 4, n + 2, n + 2)
    assert full.tokens[0] == "[CLS]" and full.tokens[-1] == "[SEP]" and "[CLS]" not in sa.tokens
    np.testing.assert_allclose(sa.maps.sum(-1), 1.0, atol=1e-5)
    np.testing.assert_allclose(raw.maps, full.maps[:, :, 1:-1, 1:-1])
    np.testing.assert_allclose(sa.maps, raw.maps / raw.maps.sum(-1, keepdims=True), atol=1e-6)
    assert np.array_equal(sa.head(2, 3), sa.maps[1, 2])
    with pytest.raises(ValueError, match="layer must be"):
        sa.head(3, 1)


def test_word_maps_average_rows_and_sum_columns(pre):
    sa = attention_maps("unbelievably playing", pretrained=pre)
    words, groups = sa.word_groups()
    assert words == ["unbelievably", "playing"]
    W = sa.word_maps()
    A = sa.maps
    g0, g1 = groups
    expected01 = A[:, :, g0][:, :, :, g1].sum(-1).mean(-1)
    np.testing.assert_allclose(W[:, :, 0, 1], expected01, atol=1e-6)
    np.testing.assert_allclose(W.sum(-1), 1.0, atol=1e-5)
    first = sa.word_maps(convention="first")
    np.testing.assert_allclose(first[:, :, 0, 1], A[:, :, g0[0], g1[0]], atol=1e-7)
    with pytest.raises(ValueError, match="convention"):
        sa.word_maps(convention="max")


def test_gold_tokens_map_onto_wordpieces(pre):
    text = RECORDS[1]["text"]
    sa = attention_maps(text, pretrained=pre)
    groups = sa.groups_for_spans(spans_of_tokens(text, RECORDS[1]["tokens"]))
    pieces = [[sa.tokens[i] for i in g] for g in groups]
    assert "".join(t.removeprefix("##") for t in pieces[1]) == "brother's" and pieces[1][-2:] == ["'", "s"]
    assert all(groups) and sorted(i for g in groups for i in g) == list(range(len(sa.positions)))
    assert group_pieces([(0, 3), (3, 6)], [(0, 6)]) == [[0, 1]]
    assert group_pieces([(0, 6)], [(2, 4)]) == [[0]]  # no piece starts inside: the overlapping one


def test_gold_pairs():
    rec = RECORDS[1]
    assert gold_pairs(rec, "previous_token") == [(1, 0), (2, 1), (3, 2), (4, 3)]
    assert gold_pairs(rec, "next_token") == [(0, 1), (1, 2), (2, 3), (3, 4)]
    assert gold_pairs(rec, "proximity")[0] == (0, 1)
    assert gold_pairs(rec, "subject_verb") == [(2, 3)]
    with pytest.raises(ValueError):
        gold_pairs(rec, "nonsense")


def test_scoring_counts_and_baselines(pre):
    ev = score_records(RECORDS, pretrained=pre, name="mini")
    assert ev.n_sentences == 2
    prev = ev.relations["previous_token"]
    assert prev.n_pairs == 11 + 4 and prev.accuracy.shape == (2, 4)
    assert prev.baselines["previous token"] == 1.0 and prev.baselines["next token"] == 0.0
    assert prev.best_offset == -1 and prev.n_off_offset == 0
    sv = ev.relations["subject_verb"]
    assert sv.n_pairs == 2 and sv.baselines["best fixed offset (+1)"] == 1.0
    adj = ev.relations["adjective_noun"]
    assert adj.baselines["next token"] == 1.0
    # the argmax rule by hand for one head
    sa = attention_maps(RECORDS[0]["text"], pretrained=pre)
    W = sa.word_maps(sa.groups_for_spans(spans_of_tokens(RECORDS[0]["text"], RECORDS[0]["tokens"])))
    hits = int(np.argmax(W[1, 2, 8]) == 2)
    assert ev.relations["coreference"].accuracy[1, 2] == hits
    report = ev.report()
    assert "coreference  (1 gold pairs)" in report and "best head" in report and "baseline" in report


def test_report_without_tagger(pre, monkeypatch, tmp_path):
    monkeypatch.setattr(analysis, "_pos_tags", lambda tokens: None)
    path = tmp_path / "rel.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in RECORDS) + "\n", encoding="utf-8")
    report = evaluate_pretrained(path, pretrained=pre)
    assert "nearest noun to the left   n/a" in report
    assert "noun baselines are skipped" in report


def test_bad_jsonl(tmp_path, pre):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="needs 'text' and 'tokens'"):
        evaluate_pretrained(bad, pretrained=pre)


def test_probe_file_is_well_formed():
    path = Path(analysis.__file__).with_name("probe-relations.jsonl")
    records = analysis.load_relations(path)
    assert len(records) >= 20
    for rec in records:
        spans_of_tokens(rec["text"], rec["tokens"])  # tokens occur in order
        assert "".join(rec["tokens"]) == "".join(rec["text"].split())
        for rel in ("subject_verb", "adjective_noun", "coreference"):
            for q, k in rec[rel]:
                assert 0 <= q < len(rec["tokens"]) and 0 <= k < len(rec["tokens"]) and q != k


def test_head_roles_file_is_consistent():
    data = analysis.head_roles_data()
    assert data["model_sha256"] == fetch_module.MODEL_SHA256
    assert [h.role for h in analysis.HEAD_ROLES] == ["previous_token", "next_token", "coreference", "adjective_noun"]
    assert len({(h.layer, h.head) for h in analysis.HEAD_ROLES}) == 4
    for h in analysis.HEAD_ROLES:
        assert 1 <= h.layer <= 6 and 1 <= h.head <= 12 and 0 < h.accuracy <= 1
        assert f"{h.layer}, head {h.head}" in h.caption
    assert "statement" in data["subject_verb"]
