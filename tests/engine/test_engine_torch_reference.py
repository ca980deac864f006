"""The engine against torch.nn.MultiheadAttention outputs frozen in fixtures/torch_mha.npz.

The fixture comes from make_torch_fixtures.py (run with a torch interpreter); torch is not needed here.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from app.engine import MHAParams, multi_head_attention

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "torch_mha.npz"
TOL = {"float64": 1e-10, "float32": 1e-5}


def _load() -> tuple[dict[str, np.ndarray], list[dict]]:
    with np.load(FIXTURE, allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in npz.files}
    return arrays, json.loads(str(arrays["configs"]))


ARRAYS, CONFIGS = _load()


def test_fixture_is_small_and_covers_the_grid() -> None:
    assert FIXTURE.stat().st_size < 1_000_000
    assert {c["num_heads"] for c in CONFIGS} == {1, 2, 4, 8}
    assert {c["dtype"] for c in CONFIGS} == {"float32", "float64"}
    assert {c["batched"] for c in CONFIGS} == {True, False}
    assert {c["self_attention"] for c in CONFIGS} == {True, False}
    assert any(c["causal"] for c in CONFIGS)
    assert any(f"{c['name']}/attn_mask" in ARRAYS for c in CONFIGS)
    assert any(f"{c['name']}/key_padding_mask" in ARRAYS for c in CONFIGS)


def _params_from_torch(a: dict[str, np.ndarray], d: int) -> MHAParams:
    """torch: in_proj_weight = [W_Q; W_K; W_V] (3d, d) used as x @ W^T  ->  ours: x @ w_q with w_q = W_Q^T."""
    w_in, b_in = a["in_proj_weight"], a["in_proj_bias"]
    return MHAParams(
        w_q=w_in[:d].T, w_k=w_in[d : 2 * d].T, w_v=w_in[2 * d :].T, w_o=a["out_proj_weight"].T,
        b_q=b_in[:d], b_k=b_in[d : 2 * d], b_v=b_in[2 * d :], b_o=a["out_proj_bias"],
    )


@pytest.mark.parametrize("cfg", CONFIGS, ids=[c["name"] for c in CONFIGS])
def test_engine_matches_torch(cfg: dict) -> None:
    name, d, h = cfg["name"], cfg["d_model"], cfg["num_heads"]
    a = {key.split("/", 1)[1]: v for key, v in ARRAYS.items() if key.startswith(name + "/")}
    dtype = np.dtype(cfg["dtype"])
    assert a["query"].dtype == dtype
    params = _params_from_torch(a, d)

    res = multi_head_attention(
        a["query"], a.get("key_value"), params, h,
        causal=cfg["causal"], key_padding_mask=a.get("key_padding_mask"), attn_mask=a.get("attn_mask"),
    )

    tol = TOL[cfg["dtype"]]
    assert res.output.dtype == dtype and res.weights.dtype == dtype
    assert res.output.shape == a["output"].shape
    assert res.weights.shape == a["weights"].shape  # (B?, h, T_q, T_k)
    np.testing.assert_allclose(res.output, a["output"], rtol=tol, atol=tol)
    np.testing.assert_allclose(res.weights, a["weights"], rtol=tol, atol=tol)
    # torch's masked weights are exactly 0 too
    assert np.all(res.weights[a["weights"] == 0] == 0)
