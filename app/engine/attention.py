"""Scaled dot-product and multi-head attention in NumPy, returning every intermediate the lesson shows.

MultiHead(Q, K, V) = Concat(head_1, ..., head_h) · W_O
head_i             = softmax((Q·W_Q_i)(K·W_K_i)^T / sqrt(d_k) + bias_i) · (V·W_V_i)
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

__all__ = [
    "AttentionResult",
    "MHAParams",
    "multi_head_attention",
    "scaled_dot_product_attention",
    "softmax",
]


def softmax(scores: np.ndarray, allowed: np.ndarray | None = None, *, out: np.ndarray | None = None) -> np.ndarray:
    """Numerically stable softmax over the last axis: softmax(s)_j = exp(s_j - max s) / sum_k exp(s_k - max s).

    `allowed` (broadcastable to `scores`, True = may attend) zeroes the masked entries exactly. A row whose
    entries are all masked (or all -inf, e.g. through a score bias) gets weights of exactly 0 everywhere (it
    attends to nothing, so its head output is the zero vector) instead of the NaN that 0/0 would give.
    Scores are assumed finite or -inf; `scores` itself is never modified. `out` (same shape and dtype as
    `scores`) receives the weights instead of a new array.
    """
    if allowed is None:
        row_max = scores.max(axis=-1, keepdims=True)  # (..., 1)
    else:
        allowed = np.asarray(allowed, dtype=bool)
        row_max = np.max(scores, axis=-1, keepdims=True, initial=-np.inf, where=allowed)  # (..., 1)
    # A row with nothing allowed has max -inf; shifting it by 0 instead keeps exp(-inf) = 0 and avoids
    # -inf - (-inf) = NaN. Every other row sums to >= 1, since its max entry contributes exp(0) = 1.
    empty_rows = bool(row_max.min() == -np.inf)
    if empty_rows:
        row_max = np.where(row_max == -np.inf, 0, row_max).astype(scores.dtype, copy=False)  # (..., 1)
    weights = np.subtract(scores, row_max, out=out)  # (..., T_k)  the only full-size array; the rest is in place
    if allowed is not None:
        np.copyto(weights, -np.inf, where=~allowed)  # masked entries: exp(-inf) = 0 exactly
    np.exp(weights, out=weights)
    denom = weights.sum(axis=-1, keepdims=True)  # (..., 1)
    if empty_rows:
        denom[denom == 0] = 1  # 0 / 1 = 0: the row attends to nothing
    weights /= denom
    return weights


def scaled_dot_product_attention(
    q: np.ndarray,
    k: np.ndarray,
    v: np.ndarray,
    allowed: np.ndarray | None = None,
    score_bias: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Attention(Q, K, V) = softmax(Q·K^T / sqrt(d_k) + bias) · V for any leading batch/head axes.

    Returns (raw scores, scaled scores (bias included), weights, output).
    """
    scores, scaled, weights = _attention_weights(q, k, allowed, score_bias)  # (..., T_q, T_k) x 3
    out = np.matmul(weights, v)  # (..., T_q, d_v)
    return scores, scaled, weights, out


def _attention_weights(
    q: np.ndarray, k: np.ndarray, allowed: np.ndarray | None, score_bias: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(q·k^T, q·k^T / sqrt(d_k) + bias, softmax of that under `allowed`), for any leading axes."""
    d_k, T_q, T_k = q.shape[-1], q.shape[-2], k.shape[-2]
    dtype = np.result_type(q.dtype, k.dtype, np.float32)  # float32 stays float32; anything else float64
    shape = np.broadcast_shapes(q.shape[:-2], k.shape[:-2]) + (T_q, T_k)
    # scores, scaled scores and weights share one allocation: one large block instead of three is cheaper to
    # obtain (fewer page faults) and they always live and die together in the result anyway.
    scores, scaled, weights = np.empty((3,) + shape, dtype=dtype)  # 3 x (..., T_q, T_k)
    np.matmul(q, np.swapaxes(k, -1, -2), out=scores)  # (..., T_q, T_k)
    np.multiply(scores, dtype.type(1.0 / np.sqrt(d_k)), out=scaled)  # (..., T_q, T_k)  scale in that dtype
    if score_bias is not None:
        bias = np.asarray(score_bias).astype(dtype, copy=False)
        if np.broadcast_shapes(bias.shape, shape) == shape:
            scaled += bias  # (..., T_q, T_k)  in place
        else:
            scaled = scaled + bias  # (..., T_q, T_k)  the bias carries extra leading axes
            weights = None
    weights = softmax(scaled, allowed, out=weights)  # (..., T_q, T_k)
    return scores, scaled, weights


@dataclass(frozen=True)
class MHAParams:
    """The learned matrices of one multi-head attention layer.

    w_q, w_k, w_v: (d_model, d_model); column block i*d_k:(i+1)*d_k is head i's W_Q_i (W_K_i, W_V_i), so
    `x @ w_q` projects every head at once. w_o: (h*d_v, d_model) = (d_model, d_model). Biases: (d_model,).
    """

    w_q: np.ndarray
    w_k: np.ndarray
    w_v: np.ndarray
    w_o: np.ndarray
    b_q: np.ndarray | None = None
    b_k: np.ndarray | None = None
    b_v: np.ndarray | None = None
    b_o: np.ndarray | None = None

    def __post_init__(self) -> None:
        for name in ("w_q", "w_k", "w_v", "w_o"):
            w = getattr(self, name)
            if not isinstance(w, np.ndarray) or w.ndim != 2:
                raise ValueError(f"{name} must be a 2-D NumPy array, got {_describe(w)}")
        d_model = self.w_q.shape[0]
        if d_model == 0:
            raise ValueError("d_model must be at least 1, got w_q of shape (0, 0)")
        for name in ("w_q", "w_k", "w_v", "w_o"):
            if getattr(self, name).shape != (d_model, d_model):
                raise ValueError(
                    f"{name} must have shape (d_model, d_model) = ({d_model}, {d_model}), "
                    f"got {getattr(self, name).shape}"
                )
        for name in ("b_q", "b_k", "b_v", "b_o"):
            b = getattr(self, name)
            if b is not None and (not isinstance(b, np.ndarray) or b.shape != (d_model,)):
                raise ValueError(f"{name} must have shape ({d_model},), got {_describe(b)}")

    @property
    def d_model(self) -> int:
        return self.w_q.shape[0]

    def arrays(self) -> tuple[np.ndarray | None, ...]:
        """(w_q, w_k, w_v, w_o, b_q, b_k, b_v, b_o)."""
        return (self.w_q, self.w_k, self.w_v, self.w_o, self.b_q, self.b_k, self.b_v, self.b_o)

    def astype(self, dtype: np.dtype) -> MHAParams:
        """The same parameters in another float dtype."""
        cast = {f.name: (None if (a := getattr(self, f.name)) is None else a.astype(dtype)) for f in fields(self)}
        return MHAParams(**cast)


@dataclass(frozen=True)
class AttentionResult:
    """Everything one multi-head attention call computed; a leading (B,) axis appears on batched input."""

    q: np.ndarray  # (B?, h, T_q, d_k)   per-head queries  Q·W_Q_i
    k: np.ndarray  # (B?, h, T_k, d_k)   per-head keys     K·W_K_i
    v: np.ndarray  # (B?, h, T_k, d_v)   per-head values   V·W_V_i
    scores: np.ndarray  # (B?, h, T_q, T_k)   raw q·k^T
    scaled_scores: np.ndarray  # (B?, h, T_q, T_k)   q·k^T / sqrt(d_k) (+ score bias), masked entries kept
    weights: np.ndarray  # (B?, h, T_q, T_k)   softmax rows; masked entries exactly 0
    head_outputs: np.ndarray  # (B?, h, T_q, d_v)   head_i = weights_i · V_i
    concat: np.ndarray  # (B?, T_q, h*d_v)    Concat(head_1, ..., head_h)
    output: np.ndarray  # (B?, T_q, d_model)  Concat · W_O (+ b_o)
    allowed: np.ndarray  # (B?, 1, T_q, T_k)   the combined mask, True = may attend

    @property
    def num_heads(self) -> int:
        return self.weights.shape[-3]


def multi_head_attention(
    query: np.ndarray,
    key_value: np.ndarray | None,
    params: MHAParams,
    num_heads: int,
    *,
    causal: bool = False,
    key_padding_mask: np.ndarray | None = None,
    attn_mask: np.ndarray | None = None,
    score_bias: np.ndarray | None = None,
) -> AttentionResult:
    """Multi-head attention of `query` over `key_value` (None = self-attention).

    query: (T_q, d_model) or (B, T_q, d_model); key_value: the same rank with T_k rows.
    Masks are boolean with True = may attend: `causal` (query i sees keys j <= i), `key_padding_mask` (T_k,) or
    (B, T_k), `attn_mask` (T_q, T_k). `score_bias` is added to the scaled scores before the softmax, broadcast
    to (h, T_q, T_k) or (B, h, T_q, T_k) (e.g. a relative-position bias, as in T5 or ALiBi). A query row with
    no allowed key gets weights of exactly 0 (never NaN), so its head outputs are 0 and its output is b_o.
    The compute dtype is query's (float32 or float64, preserved in every result array); params are cast to it.
    Raises ValueError on bad dtypes, mismatched shapes, or d_model not divisible by num_heads.
    """
    query = np.asarray(query)
    key_value = query if key_value is None else np.asarray(key_value)
    if query.dtype not in (np.float32, np.float64):
        raise ValueError(f"query must be float32 or float64, got {query.dtype}")
    if key_value.dtype != query.dtype:
        raise ValueError(f"query and key_value dtypes differ: {query.dtype} vs {key_value.dtype}")
    if query.ndim not in (2, 3) or key_value.ndim != query.ndim:
        raise ValueError(
            f"query and key_value must both be (T, d_model) or (B, T, d_model), got {query.shape} and "
            f"{key_value.shape}"
        )
    batched = query.ndim == 3
    x_q = query if batched else query[None]  # (B, T_q, d_model)
    x_kv = key_value if batched else key_value[None]  # (B, T_k, d_model)
    B, T_q, d_model = x_q.shape
    T_k = x_kv.shape[1]
    if x_kv.shape[0] != B or x_kv.shape[2] != d_model:
        raise ValueError(f"key_value shape {key_value.shape} does not match query shape {query.shape}")
    if T_q == 0 or T_k == 0:
        raise ValueError(f"query and key_value need at least one token, got {query.shape} and {key_value.shape}")
    if d_model != params.d_model:
        raise ValueError(f"inputs have d_model={d_model} but the parameters expect {params.d_model}")
    if isinstance(num_heads, bool) or not isinstance(num_heads, (int, np.integer)) or num_heads < 1:
        raise ValueError(f"num_heads must be a positive integer, got {num_heads!r}")
    if d_model % num_heads:
        raise ValueError(f"d_model={d_model} is not divisible by num_heads={num_heads}")
    h, d_k = int(num_heads), d_model // num_heads
    if not all(a is None or a.dtype == query.dtype for a in params.arrays()):
        params = params.astype(query.dtype)

    allowed = _combined_mask(B, T_q, T_k, causal, key_padding_mask, attn_mask)  # (B, 1, T_q, T_k) or None
    bias = None
    if score_bias is not None:
        bias = np.asarray(score_bias)
        if not (np.issubdtype(bias.dtype, np.floating) or np.issubdtype(bias.dtype, np.integer)):
            raise ValueError(f"score_bias must be real numbers, got dtype {bias.dtype}")
        try:
            if np.broadcast_shapes(bias.shape, (B, h, T_q, T_k)) != (B, h, T_q, T_k):
                raise ValueError
        except ValueError:
            raise ValueError(f"score_bias shape {bias.shape} does not broadcast to (h, T_q, T_k)") from None

    # 1) project: x @ W_Q computes every head's Q·W_Q_i at once (head i owns column block i).
    q = _project(x_q, params.w_q, params.b_q)  # (B, T_q, d_model)
    k = _project(x_kv, params.w_k, params.b_k)  # (B, T_k, d_model)
    v = _project(x_kv, params.w_v, params.b_v)  # (B, T_k, d_model)
    # 2) split heads: (B, T, h*d_k) -> (B, h, T, d_k), views (no copy; matmul reads the strides directly)
    q = q.reshape(B, T_q, h, d_k).transpose(0, 2, 1, 3)  # (B, h, T_q, d_k)
    k = k.reshape(B, T_k, h, d_k).transpose(0, 2, 1, 3)  # (B, h, T_k, d_k)
    v = v.reshape(B, T_k, h, d_k).transpose(0, 2, 1, 3)  # (B, h, T_k, d_v)
    # 3) attend, every head in parallel: scores = q·k^T, scaled = scores/sqrt(d_k) (+ bias), softmax
    scores, scaled, weights = _attention_weights(q, k, allowed, bias)  # (B, h, T_q, T_k) x 3
    # 4) head_i = weights_i · V_i, written straight into the concat layout (B, T_q, h, d_v): no copy
    concat = np.empty((B, T_q, h, d_k), dtype=query.dtype)  # (B, T_q, h, d_v)
    heads = concat.transpose(0, 2, 1, 3)  # (B, h, T_q, d_v)  view of concat
    np.matmul(weights, v, out=heads)  # (B, h, T_q, d_v)
    concat = concat.reshape(B, T_q, h * d_k)  # (B, T_q, h*d_v)  Concat(head_1, ..., head_h), a view
    # 5) W_O projects back to d_model
    output = _project(concat, params.w_o, params.b_o)  # (B, T_q, d_model)

    if allowed is None:
        allowed = np.ones((B, 1, T_q, T_k), dtype=bool)  # (B, 1, T_q, T_k)
    parts = dict(
        q=q, k=k, v=v, scores=scores, scaled_scores=scaled, weights=weights, head_outputs=heads,
        concat=concat, output=output, allowed=allowed,
    )
    if not batched:
        parts = {name: a[0] for name, a in parts.items()}
    return AttentionResult(**parts)


def _project(x: np.ndarray, w: np.ndarray, b: np.ndarray | None) -> np.ndarray:
    """y = x·W (+ b) as one (B*T, d) x (d, d) matrix product instead of B small ones."""
    B, T, d = x.shape
    y = np.matmul(x.reshape(B * T, d), w)  # (B*T, d_out)
    if b is not None:
        y += b  # (B*T, d_out)
    return y.reshape(B, T, w.shape[1])  # (B, T, d_out)


def _combined_mask(
    B: int,
    T_q: int,
    T_k: int,
    causal: bool,
    key_padding_mask: np.ndarray | None,
    attn_mask: np.ndarray | None,
) -> np.ndarray | None:
    """AND of every mask given, as (B, 1, T_q, T_k) booleans (True = may attend), or None when there is none."""
    allowed = None

    def combine(mask: np.ndarray) -> None:
        nonlocal allowed
        allowed = mask if allowed is None else allowed & mask

    if causal:
        combine(np.tril(np.ones((T_q, T_k), dtype=bool))[None, None])
    if key_padding_mask is not None:
        kpm = _bool_mask(key_padding_mask, "key_padding_mask")
        if kpm.shape == (T_k,):
            kpm = np.broadcast_to(kpm, (B, T_k))
        if kpm.shape != (B, T_k):
            raise ValueError(f"key_padding_mask must have shape ({T_k},) or ({B}, {T_k}), got {kpm.shape}")
        combine(kpm[:, None, None, :])
    if attn_mask is not None:
        am = _bool_mask(attn_mask, "attn_mask")
        if am.shape != (T_q, T_k):
            raise ValueError(f"attn_mask must have shape ({T_q}, {T_k}), got {am.shape}")
        combine(am[None, None])
    return None if allowed is None else np.broadcast_to(allowed, (B, 1, T_q, T_k))


def _bool_mask(mask: np.ndarray, name: str) -> np.ndarray:
    mask = np.asarray(mask)
    if mask.dtype != np.bool_:
        raise ValueError(f"{name} must be boolean (True = may attend), got dtype {mask.dtype}")
    return mask


def _describe(a: object) -> str:
    return f"shape {a.shape}" if isinstance(a, np.ndarray) else type(a).__name__
