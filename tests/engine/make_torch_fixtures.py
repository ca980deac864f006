"""Regenerate tests/engine/fixtures/torch_mha.npz from torch.nn.MultiheadAttention.

    /work/refenv/bin/python tests/engine/make_torch_fixtures.py

Run it with an interpreter that has torch; torch is NOT a dependency of the project or its tests: the tests
only read the .npz written here. Everything is stored in torch's own conventions and the test converts:
  * in_proj_weight (3·d_model, d_model) = [W_Q; W_K; W_V] applied as x @ W^T, so our w_q = in_proj_weight[:d].T;
    out_proj_weight (d_model, d_model), our w_o = out_proj_weight.T.
  * masks are stored as the engine's "allowed" (True = may attend) and inverted for torch, whose boolean
    attn_mask / key_padding_mask mean True = NOT allowed. `causal` is passed to torch as an explicit mask
    tril(ones(T_q, T_k)) (top-left aligned), ANDed with attn_mask.
  * every query row keeps at least one allowed key (torch gives NaN rows where the engine gives zeros).
Keys in the archive are "<config>/<array>"; "configs" holds a JSON list of the configurations.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

OUT = Path(__file__).resolve().parent / "fixtures" / "torch_mha.npz"

# name, d_model, h, B (None = unbatched), T_q, T_k (None = self-attention), dtype, causal, key padding, attn_mask
CONFIGS = [
    ("self_h1_f64_unbatched", 8, 1, None, 5, None, "float64", False, False, False),
    ("self_h2_f64_batched_causal", 8, 2, 2, 6, None, "float64", True, False, False),
    ("cross_h4_f64_batched_kpm", 16, 4, 3, 4, 7, "float64", False, True, False),
    ("self_h8_f64_unbatched_attnmask", 16, 8, None, 6, None, "float64", False, False, True),
    ("cross_h2_f64_unbatched_all_masks", 8, 2, None, 5, 6, "float64", True, True, True),
    ("self_h4_f64_batched_all_masks", 16, 4, 2, 7, None, "float64", True, True, True),
    ("self_h8_f64_batched_nomask", 32, 8, 2, 9, None, "float64", False, False, False),
    ("self_h1_f32_batched", 8, 1, 2, 5, None, "float32", False, False, False),
    ("self_h4_f32_batched_causal_kpm", 16, 4, 2, 6, None, "float32", True, True, False),
    ("cross_h8_f32_unbatched_attnmask", 32, 8, None, 4, 6, "float32", False, False, True),
    ("cross_h2_f32_batched_all_masks", 8, 2, 3, 5, 5, "float32", True, True, True),
]


def make(rng: np.random.Generator, name, d, h, B, T_q, T_k, dtype, causal, kpm, attn, arrays, meta) -> None:
    self_attn = T_k is None
    T_k = T_q if self_attn else T_k
    tdtype = getattr(torch, dtype)
    lead = () if B is None else (B,)

    torch.manual_seed(int(rng.integers(2**31)))
    mha = torch.nn.MultiheadAttention(d, h, bias=True, batch_first=True, dtype=tdtype).eval()
    with torch.no_grad():  # torch starts biases at 0; make them visible
        mha.in_proj_bias.copy_(torch.from_numpy(rng.uniform(-0.5, 0.5, 3 * d)))
        mha.out_proj.bias.copy_(torch.from_numpy(rng.uniform(-0.5, 0.5, d)))

    query = rng.standard_normal(lead + (T_q, d)).astype(dtype)
    key_value = query if self_attn else rng.standard_normal(lead + (T_k, d)).astype(dtype)

    allowed = np.ones((T_q, T_k), dtype=bool)  # (T_q, T_k), what torch gets as attn_mask (inverted)
    if causal:
        allowed &= np.tril(np.ones((T_q, T_k), dtype=bool))
    attn_mask = None
    if attn:
        attn_mask = rng.random((T_q, T_k)) < 0.7
        attn_mask[:, 0] = True  # key 0 stays visible: no all-masked rows
        allowed &= attn_mask
    key_padding = None
    if kpm:
        # True = real token; pad a random tail of each sequence, always keeping key 0.
        lengths = rng.integers(1, T_k + 1, size=lead or (1,))
        lengths[0] = min(lengths[0], T_k - 1)  # at least one padded key somewhere
        key_padding = np.arange(T_k)[None, :] < lengths[:, None]  # (B or 1, T_k)
        if B is None:
            key_padding = key_padding[0]  # (T_k,)

    t = torch.from_numpy
    with torch.no_grad():
        out, weights = mha(
            t(query), t(key_value), t(key_value),
            key_padding_mask=None if key_padding is None else t(~key_padding),
            attn_mask=None if not (causal or attn) else t(~allowed),
            need_weights=True,
            average_attn_weights=False,
        )
    assert not torch.isnan(out).any() and not torch.isnan(weights).any(), name

    def put(key: str, a) -> None:
        arrays[f"{name}/{key}"] = np.asarray(a)

    put("query", query)
    if not self_attn:
        put("key_value", key_value)
    put("in_proj_weight", mha.in_proj_weight.detach().numpy())
    put("in_proj_bias", mha.in_proj_bias.detach().numpy())
    put("out_proj_weight", mha.out_proj.weight.detach().numpy())
    put("out_proj_bias", mha.out_proj.bias.detach().numpy())
    if attn_mask is not None:
        put("attn_mask", attn_mask)
    if key_padding is not None:
        put("key_padding_mask", key_padding)
    put("output", out.numpy())
    put("weights", weights.numpy())  # (B?, h, T_q, T_k) per head
    meta.append(dict(name=name, d_model=d, num_heads=h, batched=B is not None, self_attention=self_attn,
                     dtype=dtype, causal=causal))


def main() -> None:
    rng = np.random.default_rng(20240601)
    arrays: dict[str, np.ndarray] = {}
    meta: list[dict] = []
    for cfg in CONFIGS:
        make(rng, *cfg, arrays=arrays, meta=meta)
    arrays["configs"] = np.array(json.dumps(meta))
    arrays["torch_version"] = np.array(torch.__version__)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT, **arrays)
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes, {len(meta)} configs, torch {torch.__version__})")


if __name__ == "__main__":
    main()
