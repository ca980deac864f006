"""The NumPy BERT against transformers' BertModel (eager attention) on a tiny random model, plus erf/GELU accuracy."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

import app.pretrained.bert as bert_module
from app.pretrained.bert import BertConfig, BertModel, erf, gelu, layer_norm, load_model

FIXTURES = Path(__file__).parent / "fixtures"
TINY = FIXTURES / "tiny-bert"
REF = np.load(FIXTURES / "tiny-bert-reference.npz")
TOL = 1e-5


@pytest.fixture(scope="module")
def model() -> BertModel:
    return BertModel.from_folder(TINY)


@pytest.mark.parametrize("case", ["single0", "single1", "single2"])
def test_matches_transformers(model, case):
    out = model.forward(REF[f"{case}_ids"])
    hidden = np.stack(out.hidden_states)
    assert hidden.dtype == np.float32 and out.attentions.dtype == np.float32
    assert hidden.shape == REF[f"{case}_hidden"].shape
    np.testing.assert_allclose(hidden, REF[f"{case}_hidden"], atol=TOL, rtol=0)
    np.testing.assert_allclose(out.attentions, REF[f"{case}_attentions"], atol=TOL, rtol=0)
    np.testing.assert_allclose(out.attentions.sum(-1), 1.0, atol=1e-5)
    assert out.last_hidden_state is out.hidden_states[-1]


def test_padded_batch_with_token_types_matches_transformers(model):
    out = model.forward(REF["batch_ids"], token_type_ids=REF["batch_token_types"], attention_mask=REF["batch_mask"])
    hidden = np.stack(out.hidden_states, axis=1)  # (B, L+1, T, H)
    assert out.attentions.shape == REF["batch_attentions"].shape  # (B, L, h, T, T)
    np.testing.assert_allclose(out.attentions, REF["batch_attentions"], atol=TOL, rtol=0)
    np.testing.assert_allclose(hidden, REF["batch_hidden"], atol=TOL, rtol=0)
    assert np.all(out.attentions[1, :, :, :, 4:] == 0.0)  # padding gets exactly zero weight


def test_the_attention_maps_are_not_trivial():
    att = REF["single1_attentions"]
    assert att.max() > 0.5 and np.abs(att - 1.0 / att.shape[-1]).max() > 0.3


def test_every_layer_runs_through_the_engine(model, monkeypatch):
    calls = []
    real = bert_module.multi_head_attention

    def spy(*args, **kwargs):
        calls.append(args[3])
        return real(*args, **kwargs)

    monkeypatch.setattr(bert_module, "multi_head_attention", spy)
    out = model.forward(REF["single0_ids"], keep_attention_results=True)
    assert calls == [4, 4]
    assert len(out.attention_results) == 2
    np.testing.assert_array_equal(out.attention_results[1].weights, out.attentions[1])


def test_weights_are_transposed_views_not_copies(model):
    w = model.layers[0].attention.w_q
    assert w.shape == (16, 16) and not w.flags.c_contiguous and w.flags.f_contiguous


def test_load_model_is_cached():
    a = load_model(TINY)
    assert load_model(str(TINY) + "/") is a
    assert a.load_seconds > 0


def test_input_validation(model):
    with pytest.raises(ValueError, match="lie in"):
        model.forward([2, 10_000])
    with pytest.raises(ValueError, match="max_position_embeddings"):
        model.forward(np.zeros(41, dtype=np.int64))
    with pytest.raises(ValueError, match="integers"):
        model.forward(np.zeros(3))
    with pytest.raises(ValueError, match="non-empty"):
        model.forward(np.zeros(0, dtype=np.int64))
    with pytest.raises(ValueError, match="attention_mask"):
        model.forward([2, 3], attention_mask=[1])


def test_config_validation(tmp_path):
    good = json.loads((TINY / "config.json").read_text())
    cfg = BertConfig.from_dict(good)
    assert (cfg.hidden_size, cfg.num_attention_heads, cfg.head_dim, cfg.layer_norm_eps) == (16, 4, 4, 1e-12)
    with pytest.raises(Exception):
        cfg.hidden_size = 8  # frozen
    for change, message in [
        ({"num_attention_heads": 3}, "not divisible"),
        ({"hidden_act": "swish"}, "not supported"),
        ({"position_embedding_type": "relative_key"}, "only 'absolute'"),
        ({"hidden_size": 0}, "positive integer"),
        ({"layer_norm_eps": -1}, "layer_norm_eps"),
        ({"model_type": "gpt2"}, "not 'bert'"),
    ]:
        with pytest.raises(ValueError, match=message):
            BertConfig.from_dict({**good, **change})
    with pytest.raises(ValueError, match="lacks vocab_size"):
        BertConfig.from_dict({k: v for k, v in good.items() if k != "vocab_size"})
    bad = tmp_path / "config.json"
    bad.write_text("{oops")
    with pytest.raises(ValueError, match="not valid JSON"):
        BertConfig.from_json(bad)


def test_missing_folder_and_weights(tmp_path):
    with pytest.raises(FileNotFoundError, match="app.pretrained.fetch"):
        BertModel.from_folder(tmp_path)
    cfg = BertConfig.from_json(TINY / "config.json")
    with pytest.raises(ValueError, match="weights lack"):
        BertModel.from_weights(cfg, {})


# ------------------------------------------------------------------------------------------------ erf / GELU


def test_erf_float64_error_below_1e_9():
    x = np.concatenate([np.linspace(-15, 15, 300_001), [0.0, -0.0, 1e-300, 6.0, 12.0, 12.5, 40.0, -40.0]])
    ref = np.array([math.erf(v) for v in x])
    err = np.abs(erf(x) - ref)
    assert err.max() < 1e-9, err.max()


def test_erf_float32_within_a_few_ulp_of_one():
    x = np.linspace(-8, 8, 160_001).astype(np.float32)
    ref = np.array([math.erf(float(v)) for v in x])
    out = erf(x)
    assert out.dtype == np.float32
    assert np.abs(out - ref).max() < 5e-7


def test_erf_special_values():
    out = erf(np.array([np.inf, -np.inf, 0.0, np.nan]))
    assert out[0] == 1.0 and out[1] == -1.0 and abs(out[2]) < 1e-15 and np.isnan(out[3])
    assert erf(np.array([1, 2])).dtype == np.float64  # integers computed in float64


def test_gelu_is_the_exact_erf_form():
    x = np.linspace(-10, 10, 20_001)
    ref = np.array([0.5 * v * (1.0 + math.erf(v / math.sqrt(2.0))) for v in x])
    assert np.abs(gelu(x) - ref).max() < 1e-8
    x32 = x.astype(np.float32)
    ref32 = np.array([0.5 * float(v) * (1.0 + math.erf(float(v) / math.sqrt(2.0))) for v in x32])
    assert gelu(x32).dtype == np.float32
    assert np.abs(gelu(x32) - ref32).max() < 2e-6
    assert np.abs(gelu(x32) - ref32).max() <= 4 * np.spacing(np.float32(10.0))


def test_layer_norm_matches_definition():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 8))
    w, b = rng.standard_normal(8), rng.standard_normal(8)
    ref = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-5) * w + b
    np.testing.assert_allclose(layer_norm(x, w, b, 1e-5), ref, atol=1e-12)
