"""Property tests of the NumPy attention engine, its cost model and its initialiser."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.engine import (
    AttentionResult,
    MHAParams,
    attention_costs,
    glorot_limit,
    init_params,
    multi_head_attention,
    scaled_dot_product_attention,
    softmax,
)

SETTINGS = settings(max_examples=50, deadline=None, derandomize=True)
TOL = {np.dtype(np.float64): 1e-12, np.dtype(np.float32): 1e-5}
FLOAT_FIELDS = ("q", "k", "v", "scores", "scaled_scores", "weights", "head_outputs", "concat", "output")


@dataclasses.dataclass
class Case:
    params: MHAParams
    h: int
    query: np.ndarray
    key_value: np.ndarray | None  # None = self-attention
    dtype: np.dtype


@st.composite
def cases(draw, *, batched=None, self_attention=None, dtype=None, max_t=6) -> Case:
    h = draw(st.sampled_from([1, 2, 4]))
    d_k = draw(st.integers(1, 4))
    d = h * d_k
    dt = np.dtype(draw(st.sampled_from([np.float32, np.float64])) if dtype is None else dtype)
    is_batched = draw(st.booleans()) if batched is None else batched
    is_self = draw(st.booleans()) if self_attention is None else self_attention
    t_q = draw(st.integers(1, max_t))
    t_k = t_q if is_self else draw(st.integers(1, max_t))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    lead = (draw(st.integers(1, 3)),) if is_batched else ()
    params = init_params(d, seed, dtype=dt, bias=draw(st.booleans()))
    if params.b_q is not None:  # make the zero-initialised biases visible
        params = MHAParams(*params.arrays()[:4], *(rng.uniform(-1, 1, d).astype(dt) for _ in range(4)))
    query = rng.standard_normal(lead + (t_q, d)).astype(dt)
    key_value = None if is_self else rng.standard_normal(lead + (t_k, d)).astype(dt)
    return Case(params, h, query, key_value, dt)


def _t_k(case: Case) -> int:
    return (case.query if case.key_value is None else case.key_value).shape[-2]


def _batch(case: Case) -> int | None:
    return case.query.shape[0] if case.query.ndim == 3 else None


@st.composite
def masks(draw, case: Case, *, sparse: bool = False) -> dict:
    """Random causal / key padding / attn_mask arguments; `sparse` makes all-masked rows likely."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    t_q, t_k, B = case.query.shape[-2], _t_k(case), _batch(case)
    p = 0.3 if sparse else 0.7
    kw: dict = {"causal": draw(st.booleans())}
    if draw(st.booleans()):
        kw["key_padding_mask"] = rng.random((t_k,) if B is None or draw(st.booleans()) else (B, t_k)) < p
    if draw(st.booleans()):
        kw["attn_mask"] = rng.random((t_q, t_k)) < p
    return kw


def _run(case: Case, **kw) -> AttentionResult:
    return multi_head_attention(case.query, case.key_value, case.params, case.h, **kw)


def _allowed(case: Case, causal=False, key_padding_mask=None, attn_mask=None) -> np.ndarray:
    """The combined mask, computed independently: (B?, 1, T_q, T_k)."""
    t_q, t_k, B = case.query.shape[-2], _t_k(case), _batch(case)
    allowed = np.ones((B or 1, 1, t_q, t_k), dtype=bool)
    if causal:
        allowed &= np.array([[j <= i for j in range(t_k)] for i in range(t_q)], dtype=bool)
    if key_padding_mask is not None:
        allowed &= np.asarray(key_padding_mask).reshape(-1, 1, 1, t_k)
    if attn_mask is not None:
        allowed &= attn_mask
    return allowed if B is not None else allowed[0]


# --------------------------------------------------------------------------------------------- softmax rows


@SETTINGS
@given(st.data())
def test_rows_sum_to_one_masked_zero_and_empty_rows_zero(data) -> None:
    case = data.draw(cases())
    kw = data.draw(masks(case, sparse=data.draw(st.booleans())))
    with np.errstate(all="raise", under="ignore"):
        res = _run(case, **kw)
    allowed = np.broadcast_to(_allowed(case, **kw), res.weights.shape)
    assert np.array_equal(np.broadcast_to(res.allowed, allowed.shape), allowed)
    assert np.all(np.isfinite(res.weights)) and np.all(np.isfinite(res.output))
    assert np.all(res.weights[~allowed] == 0)  # masked: exactly 0
    assert np.all(res.weights >= 0)
    has_key = allowed.any(axis=-1)  # (B?, h, T_q)
    sums = res.weights.sum(axis=-1)
    np.testing.assert_allclose(sums[has_key], 1, rtol=0, atol=TOL[case.dtype] * 10)
    assert np.all(sums[~has_key] == 0)  # all-masked rows: exactly 0, no NaN
    # ... so their heads output 0 and the layer outputs the output bias alone
    assert np.all(res.head_outputs[~has_key] == 0)
    empty_q = ~has_key[..., 0, :]  # (B?, T_q), the same for every head
    b_o = 0 if case.params.b_o is None else case.params.b_o
    assert np.array_equal(res.output[empty_q], np.broadcast_to(b_o, res.output[empty_q].shape))


def test_all_masked_row_is_zero_not_nan_explicit() -> None:
    params = init_params(4, 0)
    x = np.random.default_rng(0).standard_normal((3, 4))
    attn_mask = np.array([[True, False, True], [False, False, False], [True, True, True]])
    res = multi_head_attention(x, None, params, 2, attn_mask=attn_mask)
    assert np.array_equal(res.weights[:, 1], np.zeros((2, 3)))
    assert not np.isnan(res.output).any()
    assert np.array_equal(softmax(np.array([[1.0, 2.0]]), np.array([[False, False]])), [[0.0, 0.0]])
    assert np.array_equal(softmax(np.array([[-np.inf, -np.inf]])), [[0.0, 0.0]])


@SETTINGS
@given(st.data(), st.sampled_from([1e3, 1e6]))
def test_huge_scores_do_not_overflow(data, scale) -> None:
    case = data.draw(cases())
    kw = data.draw(masks(case))
    big = dataclasses.replace(
        case, query=case.query * case.dtype.type(scale),
        key_value=None if case.key_value is None else case.key_value * case.dtype.type(scale),
    )
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        res = _run(big, **kw)
    assert np.all(np.isfinite(res.scaled_scores))  # the scores themselves are representable...
    assert np.all(np.isfinite(res.weights)) and np.all(np.isfinite(res.output))  # ...and nothing overflows
    allowed = np.broadcast_to(_allowed(big, **kw), res.weights.shape)
    has_key = allowed.any(axis=-1)
    np.testing.assert_allclose(res.weights.sum(-1)[has_key], 1, atol=1e-5)
    assert np.all(res.weights[~allowed] == 0)


def test_softmax_matches_naive_and_is_shift_invariant() -> None:
    s = np.random.default_rng(1).standard_normal((2, 3, 5))
    naive = np.exp(s) / np.exp(s).sum(-1, keepdims=True)
    np.testing.assert_allclose(softmax(s), naive, rtol=1e-14)
    np.testing.assert_allclose(softmax(s + 1000.0), naive, rtol=1e-12)
    before = s.copy()
    softmax(s, s > 0)
    assert np.array_equal(s, before)  # the input is never modified


# ------------------------------------------------------------------------------------------ structural laws


@SETTINGS
@given(st.data())
def test_permuting_tokens_permutes_the_output(data) -> None:
    case = data.draw(cases(self_attention=True))
    perm = np.random.default_rng(data.draw(st.integers(0, 1000))).permutation(case.query.shape[-2])
    res = _run(case)
    res_p = _run(dataclasses.replace(case, query=case.query[..., perm, :]))
    tol = TOL[case.dtype] * 10
    np.testing.assert_allclose(res_p.output, res.output[..., perm, :], rtol=tol, atol=tol)
    np.testing.assert_allclose(res_p.weights, res.weights[..., perm, :][..., perm], rtol=tol, atol=tol)


def _plain_attention(x_q, x_kv, w_q, w_k, w_v, b_q, b_k, b_v, allowed):
    """One head, written out the textbook way: softmax(Q K^T / sqrt(d)) V with a Python max/exp/sum."""
    Q, K, V = x_q @ w_q + b_q, x_kv @ w_k + b_k, x_kv @ w_v + b_v
    S = Q @ K.T / np.sqrt(Q.shape[1])
    W = np.zeros_like(S)
    for i in range(S.shape[0]):
        keys = [j for j in range(S.shape[1]) if allowed[i, j]]
        if keys:
            m = max(S[i, j] for j in keys)
            e = {j: np.exp(S[i, j] - m) for j in keys}
            total = sum(e.values())
            for j in keys:
                W[i, j] = e[j] / total
    return W, W @ V


@SETTINGS
@given(st.data())
def test_matches_independent_per_head_reference(data) -> None:
    """h = 1 is plain single-head attention; for any h, head i uses column block i and Concat · W_O."""
    case = data.draw(cases(batched=False, dtype=np.float64))
    kw = data.draw(masks(case))
    res = _run(case, **kw)
    p, d, h = case.params, case.params.d_model, case.h
    d_k = d // h
    x_kv = case.query if case.key_value is None else case.key_value
    allowed = _allowed(case, **kw)[0]
    zero = np.zeros(d)
    b = [zero if a is None else a for a in (p.b_q, p.b_k, p.b_v, p.b_o)]
    heads = []
    for i in range(h):
        cols = slice(i * d_k, (i + 1) * d_k)
        W, head = _plain_attention(
            case.query, x_kv, p.w_q[:, cols], p.w_k[:, cols], p.w_v[:, cols], b[0][cols], b[1][cols], b[2][cols],
            allowed,
        )
        np.testing.assert_allclose(res.weights[i], W, rtol=1e-12, atol=1e-12)
        heads.append(head)
    expected = np.concatenate(heads, axis=1) @ p.w_o + b[3]
    np.testing.assert_allclose(res.output, expected, rtol=1e-11, atol=1e-11)
    if h == 1:
        np.testing.assert_allclose(res.concat, heads[0], rtol=1e-12, atol=1e-12)


def test_h1_is_scaled_dot_product_attention() -> None:
    rng = np.random.default_rng(3)
    q, k, v = rng.standard_normal((4, 3)), rng.standard_normal((5, 3)), rng.standard_normal((5, 2))
    scores, scaled, weights, out = scaled_dot_product_attention(q, k, v)
    np.testing.assert_allclose(scores, q @ k.T)
    np.testing.assert_allclose(scaled, q @ k.T / np.sqrt(3))
    np.testing.assert_allclose(out, softmax(q @ k.T / np.sqrt(3)) @ v)


@SETTINGS
@given(st.data())
def test_head_with_zero_w_q_attends_uniformly(data) -> None:
    case = data.draw(cases())
    kw = data.draw(masks(case))
    p, h = case.params, case.h
    d_k = p.d_model // h
    head = data.draw(st.integers(0, h - 1))
    cols = slice(head * d_k, (head + 1) * d_k)
    w_q = p.w_q.copy()
    w_q[:, cols] = 0
    b_q = None if p.b_q is None else p.b_q.copy()
    if b_q is not None:
        b_q[cols] = 0
    res = _run(dataclasses.replace(case, params=dataclasses.replace(p, w_q=w_q, b_q=b_q)), **kw)
    weights = res.weights[..., head, :, :]  # (B?, T_q, T_k)
    allowed = np.broadcast_to(_allowed(case, **kw)[..., 0, :, :], weights.shape)
    n_allowed = allowed.sum(-1, keepdims=True)
    expected = np.where(allowed, 1 / np.maximum(n_allowed, 1), 0)
    np.testing.assert_allclose(weights, expected, rtol=TOL[case.dtype], atol=TOL[case.dtype])
    assert np.all(res.scores[..., head, :, :] == 0)


@SETTINGS
@given(st.data())
def test_batched_equals_stacked_unbatched(data) -> None:
    case = data.draw(cases(batched=True))
    kw = data.draw(masks(case))
    res = _run(case, **kw)
    for b in range(case.query.shape[0]):
        kw_b = dict(kw)
        kpm = kw.get("key_padding_mask")
        if kpm is not None and kpm.ndim == 2:
            kw_b["key_padding_mask"] = kpm[b]
        one = multi_head_attention(
            case.query[b], None if case.key_value is None else case.key_value[b], case.params, case.h, **kw_b
        )
        for name in FLOAT_FIELDS + ("allowed",):
            got, want = getattr(res, name)[b], getattr(one, name)
            assert got.shape == want.shape, name
            np.testing.assert_allclose(got, want, rtol=TOL[case.dtype], atol=TOL[case.dtype], err_msg=name)


@SETTINGS
@given(st.data())
def test_causal_outputs_ignore_later_tokens(data) -> None:
    case = data.draw(cases(self_attention=True))
    t = case.query.shape[-2]
    cut = data.draw(st.integers(0, t - 1))
    changed = case.query.copy()
    changed[..., cut + 1 :, :] += 5
    a = _run(case, causal=True)
    b = _run(dataclasses.replace(case, query=changed), causal=True)
    tol = TOL[case.dtype]
    np.testing.assert_allclose(a.output[..., : cut + 1, :], b.output[..., : cut + 1, :], rtol=tol, atol=tol)


@SETTINGS
@given(st.data())
def test_dtype_is_preserved(data) -> None:
    case = data.draw(cases())
    other = np.float64 if case.dtype == np.float32 else np.float32
    params = case.params.astype(other) if data.draw(st.booleans()) else case.params
    t_q, t_k = case.query.shape[-2], _t_k(case)
    bias = np.random.default_rng(0).standard_normal((case.h, t_q, t_k)).astype(other)
    res = multi_head_attention(case.query, case.key_value, params, case.h, score_bias=bias, causal=True)
    for name in FLOAT_FIELDS:
        assert getattr(res, name).dtype == case.dtype, name
    assert res.allowed.dtype == np.bool_
    assert res.num_heads == case.h


def test_float32_agrees_with_float64() -> None:
    params = init_params(16, 7)
    x = np.random.default_rng(7).standard_normal((2, 5, 16))
    r64 = multi_head_attention(x, None, params, 4, causal=True)
    r32 = multi_head_attention(x.astype(np.float32), None, params.astype(np.float32), 4, causal=True)
    np.testing.assert_allclose(r32.output, r64.output, rtol=1e-5, atol=1e-5)


def test_score_bias_is_added_and_can_mask() -> None:
    params = init_params(8, 1)
    x = np.random.default_rng(1).standard_normal((4, 8))
    plain = multi_head_attention(x, None, params, 2)
    bias = np.zeros((2, 4, 4))
    bias[1, :, 3] = -np.inf  # head 1 may not look at key 3
    biased = multi_head_attention(x, None, params, 2, score_bias=bias)
    np.testing.assert_allclose(biased.scaled_scores[0], plain.scaled_scores[0])
    assert np.all(biased.weights[1, :, 3] == 0)
    np.testing.assert_allclose(biased.weights.sum(-1), 1)
    # a per-row constant does not change the softmax
    shifted = multi_head_attention(x, None, params, 2, score_bias=np.arange(4.0)[:, None] * 100)
    np.testing.assert_allclose(shifted.weights, plain.weights, atol=1e-12)


def test_inputs_are_not_modified() -> None:
    params = init_params(8, 2, bias=True)
    x = np.random.default_rng(2).standard_normal((2, 3, 8))
    before = x.copy(), [a.copy() for a in params.arrays()]
    multi_head_attention(x, x, params, 4, causal=True, key_padding_mask=np.array([True, True, False]))
    assert np.array_equal(x, before[0])
    assert all(np.array_equal(a, b) for a, b in zip(params.arrays(), before[1]))


# ------------------------------------------------------------------------------------------------- errors


def _bad_calls():
    p = init_params(8, 0)
    x = np.zeros((3, 8))
    xb = np.zeros((2, 3, 8))
    return [
        ("divisible", lambda: multi_head_attention(x, None, p, 3)),
        ("positive integer", lambda: multi_head_attention(x, None, p, 0)),
        ("positive integer", lambda: multi_head_attention(x, None, p, -2)),
        ("positive integer", lambda: multi_head_attention(x, None, p, 2.0)),
        ("positive integer", lambda: multi_head_attention(x, None, p, True)),
        ("d_model=6", lambda: multi_head_attention(np.zeros((3, 6)), None, p, 2)),
        ("does not match", lambda: multi_head_attention(x, np.zeros((4, 6)), p, 2)),
        ("does not match", lambda: multi_head_attention(xb, np.zeros((3, 3, 8)), p, 2)),
        ("both be", lambda: multi_head_attention(xb, x, p, 2)),
        ("both be", lambda: multi_head_attention(np.zeros(8), None, p, 2)),
        ("both be", lambda: multi_head_attention(np.zeros((1, 2, 3, 8)), None, p, 2)),
        ("float32 or float64", lambda: multi_head_attention(x.astype(int), None, p, 2)),
        ("dtypes differ", lambda: multi_head_attention(x, x.astype(np.float32), p, 2)),
        ("at least one token", lambda: multi_head_attention(x, np.zeros((0, 8)), p, 2)),
        ("key_padding_mask", lambda: multi_head_attention(x, None, p, 2, key_padding_mask=np.ones(4, bool))),
        ("key_padding_mask", lambda: multi_head_attention(xb, None, p, 2, key_padding_mask=np.ones((3, 3), bool))),
        ("boolean", lambda: multi_head_attention(x, None, p, 2, key_padding_mask=np.ones(3))),
        ("attn_mask", lambda: multi_head_attention(x, None, p, 2, attn_mask=np.ones((3, 4), bool))),
        ("boolean", lambda: multi_head_attention(x, None, p, 2, attn_mask=np.ones((3, 3), int))),
        ("score_bias", lambda: multi_head_attention(x, None, p, 2, score_bias=np.zeros((3, 3, 3)))),
        ("score_bias", lambda: multi_head_attention(x, None, p, 2, score_bias=np.zeros((2, 2, 2, 3, 3)))),
        ("w_o", lambda: MHAParams(p.w_q, p.w_k, p.w_v, np.zeros((8, 4)))),
        ("w_k", lambda: MHAParams(p.w_q, [[1.0]], p.w_v, p.w_o)),
        ("b_v", lambda: MHAParams(p.w_q, p.w_k, p.w_v, p.w_o, b_v=np.zeros(7))),
        ("d_model", lambda: init_params(0, 1)),
        ("seed", lambda: init_params(4, -1)),
        ("dtype", lambda: init_params(4, 1, dtype=np.int32)),
        ("divisible", lambda: attention_costs(10, 4, 3)),
        ("num_heads", lambda: attention_costs(8, 0, 3)),
        ("seq_len", lambda: attention_costs(8, 2, -1)),
    ]


@pytest.mark.parametrize("match, call", _bad_calls(), ids=lambda v: v if isinstance(v, str) else "")
def test_value_errors(match, call) -> None:
    with pytest.raises(ValueError, match=match):
        call()


# -------------------------------------------------------------------------------------------------- costs


@given(st.sampled_from([8, 12, 64, 96, 512]), st.integers(1, 600), st.integers(1, 600))
@SETTINGS
def test_h_heads_cost_the_same_as_one_head(d_model, t_q, t_k) -> None:
    one = attention_costs(d_model, 1, t_q, t_k)
    for h in (h for h in range(1, d_model + 1) if d_model % h == 0):
        many = attention_costs(d_model, h, t_q, t_k)
        assert many.params == one.params
        assert many.macs == one.macs
        assert many.macs.total == one.macs.total
        assert many.d_k * h == d_model
        assert many.attention_weights == h * one.attention_weights  # more maps, same multiply-adds


def test_costs_hand_computed() -> None:
    c = attention_costs(512, 8, 128)
    d, t = 512, 128
    assert (c.d_k, c.seq_len, c.kv_len) == (64, 128, 128)
    assert c.params.total_without_bias == c.params.weights == 4 * d * d == 1_048_576
    assert c.params.total_with_bias == 4 * d * d + 4 * d == 1_050_624
    assert c.params.biases == 2048
    assert c.macs.q_proj == c.macs.k_proj == c.macs.v_proj == c.macs.out_proj == t * d * d
    assert c.macs.scores == c.macs.weighted_sum == t * t * d
    assert c.macs.projections == 4 * t * d * d
    assert c.macs.total == 4 * t * d * d + 2 * t * t * d == 150_994_944
    assert c.macs.flops == 2 * c.macs.total
    assert c.attention_weights == 8 * t * t
    d_ = c.as_dict()
    assert d_["macs"]["total"] == c.macs.total and d_["params"]["total_with_bias"] == 1_050_624
    cross = attention_costs(64, 4, 3, 10)
    assert cross.macs.k_proj == 10 * 64 * 64 and cross.macs.q_proj == 3 * 64 * 64
    assert cross.macs.scores == 4 * 3 * 10 * 16


def test_costs_match_the_engine_shapes() -> None:
    """Each MAC count is (entries of the stage's output) x (length of each dot product)."""
    d, h, t_q, t_k = 16, 4, 5, 7
    res = multi_head_attention(np.zeros((t_q, d)), np.zeros((t_k, d)), init_params(d, 0), h)
    m = attention_costs(d, h, t_q, t_k).macs
    assert m.q_proj == res.q.size * d
    assert m.k_proj == res.k.size * d and m.v_proj == res.v.size * d
    assert m.scores == res.scores.size * res.q.shape[-1]
    assert m.weighted_sum == res.head_outputs.size * t_k
    assert m.out_proj == res.output.size * res.concat.shape[-1]


# --------------------------------------------------------------------------------------------------- init


@SETTINGS
@given(st.integers(1, 24), st.integers(0, 2**63), st.sampled_from([np.float32, np.float64]), st.booleans())
def test_init_is_reproducible(d_model, seed, dtype, bias) -> None:
    a = init_params(d_model, seed, dtype=dtype, bias=bias)
    b = init_params(d_model, seed, dtype=dtype, bias=bias)
    for x, y in zip(a.arrays(), b.arrays()):
        assert (x is None and y is None) or (x.dtype == dtype and np.array_equal(x, y))
    limit = glorot_limit(d_model, d_model)
    assert all(np.all(np.abs(w) <= limit) for w in a.arrays()[:4])
    assert (a.b_q is not None) == bias and (not bias or all(np.all(b_ == 0) for b_ in a.arrays()[4:]))
    c = init_params(d_model, seed + 1, dtype=dtype)
    assert not np.array_equal(a.w_q, c.w_q)
    # the four matrices are different draws, and float32 is float64 rounded
    assert not np.array_equal(a.w_q, a.w_k)
    np.testing.assert_array_equal(init_params(d_model, seed, dtype=np.float32).w_o,
                                  init_params(d_model, seed).w_o.astype(np.float32))


def test_init_values_are_pinned() -> None:
    """Catches a change of bit generator, draw order or formula: these must never move."""
    p = init_params(4, 0)
    assert glorot_limit(4, 4) == np.sqrt(3 / 4)
    assert p.w_q[0, 0] == 0.23722460113112098
    assert p.w_q[3, 2] == 0.3977749014515757
    assert p.w_o[1, 3] == -0.6057337317882123
    p = init_params(8, 12345)
    assert p.w_k[0, 0] == -0.021112650809997913
    assert p.w_v[7, 7] == -0.4651010674530636
    assert init_params(4, 0, dtype=np.float32).w_q[0, 0] == np.float32(0.2372246)


# ------------------------------------------------------------------------------------------------ imports


def test_engine_imports_only_numpy_and_the_standard_library() -> None:
    import ast
    import sys
    from pathlib import Path

    import app.engine

    allowed = set(sys.stdlib_module_names) | {"numpy", "app"}
    for path in Path(app.engine.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in allowed, f"{path.name} imports {name}"
                if name.startswith("app"):
                    assert name.startswith("app.engine"), f"{path.name} imports {name}"
