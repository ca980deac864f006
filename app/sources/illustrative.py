"""The illustrative weight source: W_Q, W_K, W_V, W_O constructed (not trained) from the head specs.

The matrices do not depend on the sentence: they are fixed (D_MODEL, D_MODEL) arrays for each head count, built
once and cached. Only X (the tokens' features) and the relative-position bias (its size T) change per sentence.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from app.engine import MHAParams
from app.sources.features import D_MODEL, FEATURE_INDEX
from app.sources.heads import HEAD_LAYOUTS, HeadLayout, combined_bias

__all__ = ["illustrative_params", "relative_position_bias", "layouts"]


def layouts(num_heads: int) -> tuple[HeadLayout, ...]:
    return HEAD_LAYOUTS[num_heads]


@lru_cache(maxsize=None)
def illustrative_params(num_heads: int) -> MHAParams:
    """The constructed parameters for `num_heads` heads (read-only arrays)."""
    d_k = D_MODEL // num_heads
    s = d_k ** 0.25  # split the 1/sqrt(d_k) scaling between W_Q and W_K
    w_q = np.zeros((D_MODEL, D_MODEL))
    w_k = np.zeros((D_MODEL, D_MODEL))
    w_v = np.zeros((D_MODEL, D_MODEL))
    w_o = np.zeros((D_MODEL, D_MODEL))
    for h, layout in enumerate(layouts(num_heads)):
        base = h * d_k
        col = 0
        for spec in layout.specs:
            for query_feature, keys in spec.terms:
                if col >= d_k:
                    raise AssertionError(f"head {layout.relation} needs more than d_k={d_k} query columns")
                w_q[FEATURE_INDEX[query_feature], base + col] = s
                for key_feature, weight in keys:
                    w_k[FEATURE_INDEX[key_feature], base + col] += weight * s
                col += 1
        # values: copy the features this head cares about from the key it attends to; W_O writes them back
        value_features: list[str] = []
        for spec in layout.specs:
            value_features += [v for v in spec.values if v not in value_features]
        for c, name in enumerate(value_features[:d_k]):
            w_v[FEATURE_INDEX[name], base + c] = 1.0
            w_o[base + c, FEATURE_INDEX[name]] += 1.0
    for a in (w_q, w_k, w_v, w_o):
        a.setflags(write=False)
    return MHAParams(w_q=w_q, w_k=w_k, w_v=w_v, w_o=w_o)


@lru_cache(maxsize=None)  # perf: depends only on (h, T), at most 4 × 60 arrays; read-only like the params
def relative_position_bias(num_heads: int, num_tokens: int) -> np.ndarray:
    """(h, T, T): bias[i, q, k] = head i's bias for a key k - q positions to the right of the query."""
    idx = np.arange(num_tokens)
    d = idx[None, :] - idx[:, None]  # (T, T): d[q, k] = k - q
    bias = np.stack([combined_bias(layout.specs, d) for layout in layouts(num_heads)])
    bias.setflags(write=False)
    return bias
