"""app/pretrained_view.py: the pretrained source's payload, model view and dispatch; the evaluate and CLI entry points.

Tests that need the real model (models/all-MiniLM-L6-v2, `attention-course fetch-model`) skip, printing the reason,
when it is absent; the rest (labels, the missing-model paths) always run.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app import pretrained_view as pv
from app.live import InputError, analyze
from app.pretrained.analysis import HEAD_ROLES, attention_maps, head_roles_data

REPO = Path(__file__).resolve().parents[1]
DEV = REPO.parent / "shared" / "eval" / "relations-dev.jsonl"
SENTENCE = "The cats are sleeping unbelievably soundly."


def row_sums_ok(weights, tol=1e-3) -> bool:
    return all(abs(sum(row) - 1.0) <= tol for row in weights)


# ------------------------------------------------------------------------------------------------ no model needed


def test_piece_labels_join_a_split_word_with_hyphens():
    tokens = ["[CLS]", "the", "un", "##bel", "##ie", "##va", "##bly", "sound", "##ly", ".", "[SEP]"]
    word_ids = [None, 0, 1, 1, 1, 1, 1, 2, 2, 3, None]
    assert pv.piece_labels(tokens, word_ids) == [
        "[CLS]", "the", "un-", "-bel-", "-ie-", "-va-", "-bly", "sound-", "-ly", ".", "[SEP]"]


def test_without_the_model_pretrained_is_refused_with_how_to_enable(no_model):
    with pytest.raises(InputError) as exc:
        pv.pretrained_payload("The cat sat.")
    assert str(exc.value) == pv.NOT_INSTALLED
    assert "attention-course fetch-model" in pv.NOT_INSTALLED and "python -m app.pretrained.fetch" in pv.NOT_INSTALLED
    options = pv.form_options()
    assert options["available"] is False and "attention-course fetch-model" in options["hint"]
    # Other sources are untouched by the missing model.
    assert pv.analysis_for(_Req("The cat sat.", source="illustrative")).payload["source"] == "illustrative"


def test_layer_and_head_come_together_for_every_source():
    for source in ("illustrative", "random", "pretrained"):
        with pytest.raises(InputError, match="both a layer and a head"):
            pv.check_pretrained_choice("The cat sat.", source, layer=2, head=None)
        with pytest.raises(InputError, match="both a layer and a head"):
            pv.check_pretrained_choice("The cat sat.", source, layer=None, head=2)


def test_form_values():
    assert pv.form_value("") is None and pv.form_value(" 3 ") == 3 and pv.form_value("x") == "x"
    assert pv.form_flag("") is False and pv.form_flag("true") is True and pv.form_flag("on") is True
    assert pv.form_flag("off") is False and pv.form_flag("maybe") == "maybe"


def test_evaluate_pretrained_without_the_model_exits_2_saying_how(no_model, capsys):
    from app.evaluate import main

    assert main(["--source", "pretrained", str(REPO / "app" / "pretrained" / "probe-relations.jsonl")]) == 2
    assert "attention-course fetch-model" in capsys.readouterr().err


def test_cli_fetch_model_calls_the_fetcher(monkeypatch):
    import app.pretrained.fetch as fetch
    from app.cli import main

    calls = []
    monkeypatch.setattr(fetch, "main", lambda argv=None: calls.append(argv) or 0)
    assert main(["fetch-model"]) == 0
    assert main(["fetch-model", "--dir", "/tmp/models"]) == 0
    assert calls == [[], ["--dir", "/tmp/models"]]


class _Req:
    def __init__(self, text, source="pretrained", num_heads=4, seed=None, layer=None, head=None, special=False):
        self.text, self.source, self.num_heads, self.seed = text, source, num_heads, seed
        self.layer, self.head, self.special = layer, head, special


# ------------------------------------------------------------------------------------------------ with the model


def test_payload_has_the_live_contract_and_four_measured_heads(model):
    from app.routers.attention import AttentionResponse

    payload = pv.pretrained_payload(SENTENCE)
    live_keys = set(analyze(SENTENCE).payload)
    assert set(payload) == live_keys | {"pretrained"}
    AttentionResponse.model_validate(payload)  # the API's documented response
    assert payload["source"] == "pretrained" and payload["seed"] is None
    assert (payload["d_model"], payload["d_k"]) == (384, 32)
    assert payload["num_heads"] == len(payload["heads"]) == len(payload["figure"]["data"]) == len(HEAD_ROLES) == 4
    names = {"previous_token": "previous word", "next_token": "next word", "coreference": "pronoun → antecedent",
             "adjective_noun": "adjective → noun"}
    for i, (head, role) in enumerate(zip(payload["heads"], HEAD_ROLES)):
        assert head["index"] == i + 1
        assert (head["layer"], head["head"], head["relation"]) == (role.layer, role.head, role.role)
        assert head["title"] == f"Layer {role.layer} · head {role.head} — {names[role.role]}"
        assert head["description"] == role.caption and "%" in head["description"]
    assert payload["heads"][0]["title"] == "Layer 1 · head 3 — previous word"
    p = payload["pretrained"]
    assert (p["model"], p["layers"], p["heads_per_layer"]) == ("all-MiniLM-L6-v2", 6, 12)
    assert p["special_shown"] is False and p["renormalized"] is True and p["picked"] is None
    assert "hidden" in p["special_note"] and "renormalized" in p["special_note"]
    assert p["subject_verb_statement"] == head_roles_data()["subject_verb"]["statement"]
    assert p["subject_verb_statement"].startswith("No head tracks subject → verb better than a fixed offset")


def test_weights_are_the_models_renormalized_maps_and_the_figure_shows_them(model):
    payload = pv.pretrained_payload(SENTENCE)
    sa = attention_maps(SENTENCE)  # [CLS]/[SEP] dropped, rows renormalized
    assert payload["tokens"] == sa.tokens
    T = len(sa.tokens)
    for head, trace in zip(payload["heads"], payload["figure"]["data"]):
        assert trace["z"] == head["weights"]  # identical numbers in the heads and the figure
        w = np.array(head["weights"])
        assert w.shape == (T, T)
        assert row_sums_ok(head["weights"])
        np.testing.assert_allclose(w, np.round(sa.head(head["layer"], head["head"]), 4), atol=1e-9)
        assert np.all(np.round(w, 4) == w)  # 4 decimals
        top = head["top"]
        assert [t["key_index"] for t in top] == list(np.argmax(w, axis=1))


def test_wordpieces_are_labelled_readably(model):
    payload = pv.pretrained_payload(SENTENCE)
    tokens, p = payload["tokens"], payload["pretrained"]
    assert tokens[4:9] == ["un", "##bel", "##ie", "##va", "##bly"]  # the model's own pieces in `tokens`
    assert p["labels"][4:9] == ["un-", "-bel-", "-ie-", "-va-", "-bly"]
    assert "".join(p["labels"][4:9]).replace("-", "") == "unbelievably"
    assert p["words"][4:9] == ["unbelievably"] * 5
    assert payload["figure"]["data"][0]["x"][4:9] == ["un-", "-bel-", "-ie-", "-va-", "-bly"]
    assert {"word": "unbelievably", "pieces": ["un", "##bel", "##ie", "##va", "##bly"]} in p["split_words"]
    assert "unbelievably" in p["pieces_note"] and "un- -bel- -ie- -va- -bly" in p["pieces_note"]
    assert "single WordPiece" in pv.pretrained_payload("The cats are sleeping.")["pretrained"]["pieces_note"]


def test_special_toggle_keeps_cls_sep_and_the_raw_rows(model):
    hidden = pv.pretrained_payload("The cats are sleeping.")
    shown = pv.pretrained_payload("The cats are sleeping.", special=True)
    assert len(shown["tokens"]) == len(hidden["tokens"]) + 2
    assert shown["tokens"][0] == "[CLS]" and shown["tokens"][-1] == "[SEP]"
    assert shown["pretrained"]["labels"][0] == "[CLS]"
    assert shown["pretrained"]["special_shown"] is True and shown["pretrained"]["renormalized"] is False
    assert "shown" in shown["pretrained"]["special_note"]
    raw = attention_maps("The cats are sleeping.", drop_special=False)
    short = []
    for head, hidden_head in zip(shown["heads"], hidden["heads"]):
        w = np.array(head["weights"])
        np.testing.assert_allclose(w, np.round(raw.head(head["layer"], head["head"]), 4), atol=1e-9)
        assert row_sums_ok(head["weights"])  # the softmax over every position
        # Not renormalized: without the [CLS]/[SEP] columns the rows sum to less than 1; hiding them renormalizes.
        inner = w[1:-1, 1:-1]
        sums = inner.sum(axis=1)
        short.append(np.sum(sums < 0.99))
        kept = sums > 0.1
        renormalized = inner[kept] / sums[kept, None]
        np.testing.assert_allclose(np.array(hidden_head["weights"])[kept], renormalized, atol=3e-3)
    assert sum(short) >= 4
    assert shown["shapes"][0]["shape"] == hidden["shapes"][0]["shape"] == [len(shown["tokens"]), 384]


def test_shapes_are_one_real_layer_with_cls_and_sep(model):
    payload = pv.pretrained_payload("The cats are sleeping.")
    T = len(payload["tokens"]) + 2
    shapes = {s["name"]: s["shape"] for s in payload["shapes"]}
    assert shapes == {
        "X": [T, 384], "W_Qᵢ, W_Kᵢ, W_Vᵢ": [384, 32], "Qᵢ = X·W_Qᵢ, Kᵢ, Vᵢ": [T, 32],
        "scores Qᵢ·Kᵢᵀ / √d_k": [T, T], "weights = softmax(scores)": [T, T], "headᵢ = weights·Vᵢ": [T, 32],
        "Concat(head₁…headₕ)": [T, 384], "W_O": [384, 384], "output = Concat·W_O": [T, 384],
    }
    assert "[CLS] and [SEP]" in payload["shapes"][0]["note"]


def test_picker_shows_one_head(model):
    one = pv.pretrained_payload("The cats are sleeping.", layer=5, head=7)
    assert one["num_heads"] == len(one["heads"]) == len(one["figure"]["data"]) == 1
    head = one["heads"][0]
    assert head["title"] == "Layer 5 · head 7" and head["relation"] == "pretrained"
    assert head["description"].startswith("Not one of the four measured heads")
    assert one["pretrained"]["picked"] == {"layer": 5, "head": 7}
    np.testing.assert_allclose(head["weights"], np.round(attention_maps("The cats are sleeping.").head(5, 7), 4))
    measured = pv.pretrained_payload("The cats are sleeping.", layer=1, head=3)["heads"][0]
    assert measured["title"] == "Layer 1 · head 3 — previous word"
    assert measured["description"] == HEAD_ROLES[0].caption
    # A head among the best five for a relation says so.
    assert "previous word (#2 of 72" in pv.pretrained_payload("The cats sat.", layer=2, head=10)["heads"][0]["description"]
    for layer, head in ((0, 1), (7, 1), (1, 13)):
        with pytest.raises(InputError, match="layers 1 to 6 and heads 1 to 12"):
            pv.pretrained_payload("The cats are sleeping.", layer=layer, head=head)


def test_model_view_has_72_small_heatmaps(model):
    import plotly.graph_objects as go

    view = pv.model_view("The cats are sleeping.")
    figure = view["figure"]
    go.Figure(figure)  # valid against plotly's schema
    assert len(figure["data"]) == 72
    assert pv.model_view_figure("The cats are sleeping.") is figure
    sa = attention_maps("The cats are sleeping.")
    seen = set()
    for i, trace in enumerate(figure["data"]):
        layer, head = trace["meta"]["layer"], trace["meta"]["head"]
        assert (layer - 1) * 12 + head - 1 == i
        seen.add((layer, head))
        assert trace["coloraxis"] == "coloraxis" and "→" in trace["hovertemplate"]
        np.testing.assert_allclose(trace["z"], np.round(sa.head(layer, head), 3), atol=1e-9)
    assert seen == {(l, h) for l in range(1, 7) for h in range(1, 13)}
    layout = figure["layout"]
    assert (layout["coloraxis"]["cmin"], layout["coloraxis"]["cmax"]) == (0.0, 1.0)
    axes = [v for k, v in layout.items() if k.startswith(("xaxis", "yaxis"))]
    assert len(axes) == 144 and all(a["showticklabels"] is False for a in axes)
    texts = {a["text"] for a in layout["annotations"]}
    assert {"1-1", "6-12", "Layer 1", "Layer 6"} <= texts
    special = pv.model_view("The cats are sleeping.", special=True)
    assert special["tokens"][0] == "[CLS]" and len(special["figure"]["data"][0]["z"]) == len(view["tokens"]) + 2
    go.Figure(special["figure"])


def test_results_are_cached(model):
    assert pv.pretrained_analysis(SENTENCE) is pv.pretrained_analysis(SENTENCE)
    assert pv.model_view_analysis(SENTENCE) is pv.model_view_analysis(SENTENCE)
    a = pv.pretrained_analysis(SENTENCE)
    assert a.json.startswith(b'{"text":')


def test_too_many_wordpieces_is_refused(model):
    text = "Antidisestablishmentarianism " * 9  # few of our tokens, many WordPieces
    with pytest.raises(InputError, match="WordPieces"):
        pv.pretrained_payload(text)
    with pytest.raises(InputError, match="no words"):
        pv.pretrained_payload("\U000fb38f")


def test_dispatch_routes_by_source(model):
    assert pv.analysis_for(_Req("The cat sat.", source="illustrative")) is analyze("The cat sat.")
    assert pv.analysis_for(_Req("The cat sat.", layer=2, head=4)).payload["heads"][0]["title"].startswith(
        "Layer 2 · head 4")


def test_evaluate_pretrained_prints_best_head_per_relation_beside_baselines(model, capsys):
    from app.evaluate import main

    path = DEV if DEV.is_file() else REPO / "app" / "pretrained" / "probe-relations.jsonl"
    assert main(["--source", "pretrained", str(path)]) == 0
    out = capsys.readouterr().out
    for relation in ("previous_token", "next_token", "proximity", "subject_verb", "adjective_noun", "coreference"):
        assert f"\n{relation}  (" in out
    assert out.count("best head") == 6
    for baseline in ("previous token", "next token", "nearest noun to the left"):
        assert out.count(f"baseline   {baseline} ") == 6
