"""The real all-MiniLM-L6-v2 in our NumPy engine against transformers' outputs stored in minilm-reference.npz.

Runs when the model has been fetched (`python -m app.pretrained.fetch`); skipped otherwise. Torch is not needed:
the reference numbers were computed by make_tiny_bert_fixture.py with torch + transformers.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.pretrained.analysis import HEAD_ROLES, attention_maps, get_pretrained, model_available
from app.pretrained.fetch import default_model_folder, is_model_folder_complete

FIXTURES = Path(__file__).parent / "fixtures"
FOLDER = default_model_folder()

if not model_available(FOLDER):
    print(f"\n[test_pretrained_minilm] skipped: no model in {FOLDER}; run `python -m app.pretrained.fetch`")
pytestmark = pytest.mark.skipif(
    not model_available(FOLDER), reason=f"all-MiniLM-L6-v2 not fetched into {FOLDER} (python -m app.pretrained.fetch)"
)


@pytest.fixture(scope="module")
def pre():
    return get_pretrained(FOLDER)


def test_folder_verifies():
    assert is_model_folder_complete(FOLDER)


@pytest.mark.parametrize("i", [0, 1])
def test_matches_transformers(pre, i):
    ref = np.load(FIXTURES / "minilm-reference.npz")
    text = str(ref[f"s{i}_text"])
    enc = pre.tokenizer.encode(text)
    np.testing.assert_array_equal(enc.ids, ref[f"s{i}_ids"])
    out = pre.model.forward(np.asarray(enc.ids))
    assert out.attentions.shape == (6, 12, len(enc), len(enc))
    np.testing.assert_allclose(out.attentions[0], ref[f"s{i}_att_layer1"], atol=1e-5, rtol=0)
    np.testing.assert_allclose(out.attentions[5], ref[f"s{i}_att_layer6"], atol=1e-5, rtol=0)
    np.testing.assert_allclose(out.last_hidden_state[:, :16], ref[f"s{i}_last_hidden16"], atol=1e-5, rtol=0)


def test_attention_maps_drop_specials_and_renormalise(pre):
    sa = attention_maps("The cat sat on the mat because it was tired.", pretrained=pre)
    assert sa.maps.shape == (6, 12, len(sa.positions), len(sa.positions))
    assert "[CLS]" not in sa.tokens and "[SEP]" not in sa.tokens
    np.testing.assert_allclose(sa.maps.sum(-1), 1.0, atol=1e-5)
    full = attention_maps("The cat sat on the mat because it was tired.", pretrained=pre, drop_special=False)
    assert full.tokens[0] == "[CLS]" and full.maps.shape[-1] == len(sa.positions) + 2


def test_previous_token_head_really_looks_back(pre):
    role = next(h for h in HEAD_ROLES if h.role == "previous_token")
    sa = attention_maps("A young girl reads a long book every night.", pretrained=pre)
    m = sa.head(role.layer, role.head)
    assert all(int(np.argmax(m[i])) == i - 1 for i in range(1, m.shape[0]))
