"""Seeded Glorot/Xavier-uniform initialisation of the attention parameters.

W ~ U(-a, a),  a = sqrt(6 / (fan_in + fan_out)) = sqrt(6 / (d_model + d_model)) = sqrt(3 / d_model)

Each of W_Q, W_K, W_V, W_O is a (d_model, d_model) matrix, so the limit is the same for all four. The values
do not depend on the number of heads: h only decides how the columns are split, which is the point the
lesson makes. Biases (bias=True) start at zero, as in torch.nn.MultiheadAttention and most frameworks.

Reproducibility: NumPy's Generator with the PCG64 bit generator gives the same stream for the same seed on
every platform; the draws are made in float64 in a fixed order (W_Q, W_K, W_V, W_O) and then rounded to the
requested dtype, so float32 parameters are exactly the float64 ones rounded.
"""

from __future__ import annotations

import math

import numpy as np

from app.engine.attention import MHAParams

__all__ = ["glorot_limit", "init_params"]


def glorot_limit(fan_in: int, fan_out: int) -> float:
    """a = sqrt(6 / (fan_in + fan_out)), the half-width of the Glorot/Xavier uniform distribution."""
    return math.sqrt(6.0 / (fan_in + fan_out))


def init_params(d_model: int, seed: int, *, dtype: type | np.dtype = np.float64, bias: bool = False) -> MHAParams:
    """W_Q, W_K, W_V, W_O ~ U(-sqrt(3/d_model), sqrt(3/d_model)), drawn from PCG64(seed); biases zero if bias."""
    if isinstance(d_model, bool) or not isinstance(d_model, (int, np.integer)) or d_model < 1:
        raise ValueError(f"d_model must be a positive integer, got {d_model!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64, got {dtype}")
    d = int(d_model)
    rng = np.random.Generator(np.random.PCG64(int(seed)))  # == np.random.default_rng(seed), spelled out
    a = glorot_limit(d, d)
    # Fixed draw order W_Q, W_K, W_V, W_O; float64 draws, then rounded to dtype.
    w_q, w_k, w_v, w_o = (rng.uniform(-a, a, size=(d, d)).astype(dtype) for _ in range(4))  # 4 x (d, d)
    b = (lambda: np.zeros(d, dtype=dtype)) if bias else (lambda: None)  # (d,) or None
    return MHAParams(w_q=w_q, w_k=w_k, w_v=w_v, w_o=w_o, b_q=b(), b_k=b(), b_v=b(), b_o=b())
