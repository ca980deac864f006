"""A BERT encoder (Hugging Face `BertModel` weights) run in NumPy, every attention layer by `app.engine`.

    embeddings  = LayerNorm(word[ids] + position[0..T-1] + token_type[tt])
    per layer:  a = LayerNorm(x + MultiHead(x, x, x))          # app.engine.multi_head_attention, with biases
                x = LayerNorm(a + GELU(a·W_1 + b_1)·W_2 + b_2)

Hugging Face stores each Linear weight as (out, in) and computes x·W^T + b; our engine computes x·W, so we pass
the transposed views (no copy). Weights are memory-mapped from model.safetensors (see `app.pretrained.safetensors`),
so several worker processes share one copy in the page cache.
"""

from __future__ import annotations

import json
import math
import os
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from app.engine import AttentionResult, MHAParams, multi_head_attention
from app.pretrained.safetensors import load_safetensors

__all__ = [
    "BertConfig",
    "BertLayerParams",
    "BertModel",
    "BertOutput",
    "erf",
    "gelu",
    "layer_norm",
    "load_model",
]

# --------------------------------------------------------------------------------------------- erf and GELU
#
# NumPy has no erf. For x >= 0 we write erfc(x) = t·exp(-x² + g(t)) with t = 1/(1 + x/2) (the form of the classic
# Numerical Recipes `erfcc`), where g is smooth on t in (0, 1]. Instead of typing in published coefficients we
# interpolate g at Chebyshev points from the standard library's math.erfc when this module is imported (a dozen
# calls, deterministic), then evaluate the polynomial with Horner's rule in u, t mapped onto [-1, 1] (well
# conditioned: the power-basis coefficients' absolute values sum to about 1.2).
#   float64: degree 12 on x in [0, 12]: max |erf error| ≈ 5e-10 (tested against math.erf); erf = 1 beyond 12
#            (erfc(12) ≈ 1.4e-64).
#   float32: degree 8 on x in [0, 6]: fit error ≈ 2e-8, below float32 rounding (≈ 3.5e-7 near 0); clipping at 6
#            (erfc(6) ≈ 2e-17) also keeps exp() out of the slow subnormal range.
# erf is odd.


def _erf_poly(degree: int, xmax: float) -> tuple[np.ndarray, float, float]:
    """(power-basis coefficients in u, scale, shift) with u = t·scale - shift."""
    tmin = 1.0 / (1.0 + xmax / 2.0)

    def g(t: float) -> float:
        x = 2.0 * (1.0 - t) / t
        return math.log(math.erfc(x) / t) + x * x

    n = degree + 1
    u = np.cos(np.pi * (np.arange(n) + 0.5) / n)  # Chebyshev points of the first kind
    values = np.array([g(tmin + (ui + 1.0) / 2.0 * (1.0 - tmin)) for ui in u])
    poly = np.polynomial.chebyshev.cheb2poly(np.polynomial.chebyshev.chebfit(u, values, degree))
    poly[0] -= poly.sum()  # pin g(t=1) = g(u=1) = 0 exactly, so that erf(0) = 0
    return poly, 2.0 / (1.0 - tmin), 2.0 * tmin / (1.0 - tmin) + 1.0


_ERF_XMAX = {np.dtype(np.float64): 12.0, np.dtype(np.float32): 6.0}
_ERF_TABLES = {
    np.dtype(np.float64): _erf_poly(12, 12.0),
    np.dtype(np.float32): tuple(np.float32(v) if np.isscalar(v) else v.astype(np.float32) for v in _erf_poly(8, 6.0)),
}


def _erf_into(x: np.ndarray, out: np.ndarray) -> np.ndarray:
    """erf(x) written into `out` (same shape, float32 or float64; may be x itself). Few temporaries, in place."""
    dt = out.dtype.type
    coeffs, scale, shift = _ERF_TABLES[out.dtype]
    a = np.abs(x)
    np.minimum(a, dt(_ERF_XMAX[out.dtype]), out=a)
    t = a * dt(0.5)
    t += dt(1.0)
    np.reciprocal(t, out=t)  # t = 1 / (1 + |x|/2)
    u = t * dt(scale)
    u -= dt(shift)
    g = u * coeffs[-1]
    g += coeffs[-2]
    for c in coeffs[-3::-1]:  # Horner: g = g·u + c
        g *= u
        g += c
    np.multiply(a, a, out=a)
    g -= a  # g(t) - x²
    np.exp(g, out=g)
    g *= t  # erfc(|x|)
    np.subtract(dt(1.0), g, out=g)
    return np.copysign(g, x, out=out)


def erf(x: np.ndarray) -> np.ndarray:
    """The error function, elementwise, in x's float dtype (float32 stays float32; others computed in float64).

    Max abs error: < 1e-9 in float64 (vs math.erf); in float32 < 4e-7 (a few ulp of 1: rounding, not the fit).
    """
    x = np.asarray(x)
    dtype = x.dtype if x.dtype in (np.float32, np.float64) else np.dtype(np.float64)
    x = x.astype(dtype, copy=False)
    return _erf_into(x, np.empty_like(x))


def gelu(x: np.ndarray) -> np.ndarray:
    """GELU, exact (erf) form: x · Φ(x) = x/2 · (1 + erf(x/√2)); BERT's `hidden_act="gelu"`."""
    x = np.asarray(x)
    if x.dtype not in (np.float32, np.float64):
        x = x.astype(np.float64)
    dt = x.dtype.type
    y = x * dt(1.0 / math.sqrt(2.0))
    _erf_into(y, y)
    y += dt(1.0)
    y *= x
    y *= dt(0.5)
    return y


def _gelu_tanh(x: np.ndarray) -> np.ndarray:
    dtype = x.dtype.type
    inner = dtype(math.sqrt(2.0 / math.pi)) * (x + dtype(0.044715) * x * x * x)
    return dtype(0.5) * x * (dtype(1.0) + np.tanh(inner))


def _relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, x.dtype.type(0.0))


_ACTIVATIONS = {"gelu": gelu, "gelu_new": _gelu_tanh, "gelu_pytorch_tanh": _gelu_tanh, "relu": _relu}


def layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    """LayerNorm over the last axis (biased variance), as torch.nn.LayerNorm."""
    mean = x.mean(axis=-1, keepdims=True)
    centered = x - mean
    var = np.mean(centered * centered, axis=-1, keepdims=True)
    return centered / np.sqrt(var + x.dtype.type(eps)) * weight + bias


# --------------------------------------------------------------------------------------------- config


@dataclass(frozen=True)
class BertConfig:
    vocab_size: int
    hidden_size: int
    num_hidden_layers: int
    num_attention_heads: int
    intermediate_size: int
    hidden_act: str = "gelu"
    max_position_embeddings: int = 512
    type_vocab_size: int = 2
    layer_norm_eps: float = 1e-12
    pad_token_id: int = 0
    position_embedding_type: str = "absolute"

    def __post_init__(self) -> None:
        for name in ("vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
                     "max_position_embeddings", "type_vocab_size"):
            v = getattr(self, name)
            if not isinstance(v, int) or isinstance(v, bool) or v < 1:
                raise ValueError(f"BertConfig.{name} must be a positive integer, got {v!r}")
        if self.hidden_size % self.num_attention_heads:
            raise ValueError(
                f"hidden_size={self.hidden_size} is not divisible by num_attention_heads={self.num_attention_heads}"
            )
        if self.hidden_act not in _ACTIVATIONS:
            raise ValueError(f"hidden_act {self.hidden_act!r} is not supported (supported: {sorted(_ACTIVATIONS)})")
        if self.position_embedding_type != "absolute":
            raise ValueError(f"position_embedding_type {self.position_embedding_type!r} is not supported (only 'absolute')")
        if not isinstance(self.layer_norm_eps, (int, float)) or not 0 < self.layer_norm_eps < 1:
            raise ValueError(f"layer_norm_eps must be a small positive number, got {self.layer_norm_eps!r}")
        if not isinstance(self.pad_token_id, int) or not 0 <= self.pad_token_id < self.vocab_size:
            raise ValueError(f"pad_token_id must be a vocabulary id, got {self.pad_token_id!r}")

    @property
    def head_dim(self) -> int:
        return self.hidden_size // self.num_attention_heads

    @classmethod
    def from_dict(cls, d: dict) -> BertConfig:
        model_type = d.get("model_type", "bert")
        if model_type != "bert":
            raise ValueError(f"model_type {model_type!r} is not 'bert'")
        known = {f for f in cls.__dataclass_fields__}
        missing = [f for f in ("vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads",
                               "intermediate_size") if f not in d]
        if missing:
            raise ValueError(f"config lacks {', '.join(missing)}")
        kwargs = {k: v for k, v in d.items() if k in known}
        if kwargs.get("pad_token_id") is None:
            kwargs.pop("pad_token_id", None)
        if isinstance(kwargs.get("layer_norm_eps"), int):
            kwargs["layer_norm_eps"] = float(kwargs["layer_norm_eps"])
        return cls(**kwargs)

    @classmethod
    def from_json(cls, path: str | os.PathLike) -> BertConfig:
        with open(path, encoding="utf-8") as f:
            try:
                d = json.load(f)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}: not valid JSON: {exc}") from exc
        if not isinstance(d, dict):
            raise ValueError(f"{path}: config must be a JSON object")
        try:
            return cls.from_dict(d)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{path}: {exc}") from exc


# --------------------------------------------------------------------------------------------- model


@dataclass(frozen=True)
class BertLayerParams:
    attention: MHAParams  # x·W convention (transposed views of the (out, in) HF weights)
    attn_ln_w: np.ndarray
    attn_ln_b: np.ndarray
    w_in: np.ndarray  # (hidden, intermediate)
    b_in: np.ndarray
    w_out: np.ndarray  # (intermediate, hidden)
    b_out: np.ndarray
    out_ln_w: np.ndarray
    out_ln_b: np.ndarray


@dataclass(frozen=True)
class BertOutput:
    """hidden_states[0] is the embedding output, hidden_states[l] the output of layer l (1-based)."""

    input_ids: np.ndarray  # (T,) or (B, T)
    hidden_states: tuple[np.ndarray, ...]  # num_layers + 1 arrays, (T, H) or (B, T, H), float32
    attentions: np.ndarray  # (L, h, T, T) or (B, L, h, T, T), float32; rows sum to 1
    attention_results: tuple[AttentionResult, ...] | None = None  # every intermediate, when asked for

    @property
    def last_hidden_state(self) -> np.ndarray:
        return self.hidden_states[-1]


@dataclass(frozen=True, eq=False)
class BertModel:
    config: BertConfig
    word_embeddings: np.ndarray  # (V, H)
    position_embeddings: np.ndarray  # (P, H)
    token_type_embeddings: np.ndarray  # (types, H)
    emb_ln_w: np.ndarray
    emb_ln_b: np.ndarray
    layers: tuple[BertLayerParams, ...]
    folder: Path | None = None
    load_seconds: float = field(default=0.0, compare=False)

    @classmethod
    def from_weights(cls, config: BertConfig, weights: dict[str, np.ndarray], *, folder: Path | None = None,
                     load_seconds: float = 0.0) -> BertModel:
        """Build from a Hugging Face BertModel state dict (keys with or without the "bert." prefix)."""
        w = {(k[5:] if k.startswith("bert.") else k): v for k, v in weights.items()}
        H, I, V = config.hidden_size, config.intermediate_size, config.vocab_size

        def get(name: str, shape: tuple[int, ...]) -> np.ndarray:
            if name not in w:
                raise ValueError(f"weights lack {name!r}")
            a = np.asarray(w[name])
            if a.shape != shape:
                raise ValueError(f"weight {name!r} has shape {a.shape}, config expects {shape}")
            if a.dtype != np.float32:
                a = a.astype(np.float32)
            return a

        layers = []
        for i in range(config.num_hidden_layers):
            p = f"encoder.layer.{i}."
            att = MHAParams(
                w_q=get(p + "attention.self.query.weight", (H, H)).T,
                w_k=get(p + "attention.self.key.weight", (H, H)).T,
                w_v=get(p + "attention.self.value.weight", (H, H)).T,
                w_o=get(p + "attention.output.dense.weight", (H, H)).T,
                b_q=get(p + "attention.self.query.bias", (H,)),
                b_k=get(p + "attention.self.key.bias", (H,)),
                b_v=get(p + "attention.self.value.bias", (H,)),
                b_o=get(p + "attention.output.dense.bias", (H,)),
            )
            layers.append(BertLayerParams(
                attention=att,
                attn_ln_w=get(p + "attention.output.LayerNorm.weight", (H,)),
                attn_ln_b=get(p + "attention.output.LayerNorm.bias", (H,)),
                w_in=get(p + "intermediate.dense.weight", (I, H)).T,
                b_in=get(p + "intermediate.dense.bias", (I,)),
                w_out=get(p + "output.dense.weight", (H, I)).T,
                b_out=get(p + "output.dense.bias", (H,)),
                out_ln_w=get(p + "output.LayerNorm.weight", (H,)),
                out_ln_b=get(p + "output.LayerNorm.bias", (H,)),
            ))
        return cls(
            config=config,
            word_embeddings=get("embeddings.word_embeddings.weight", (V, H)),
            position_embeddings=get("embeddings.position_embeddings.weight", (config.max_position_embeddings, H)),
            token_type_embeddings=get("embeddings.token_type_embeddings.weight", (config.type_vocab_size, H)),
            emb_ln_w=get("embeddings.LayerNorm.weight", (H,)),
            emb_ln_b=get("embeddings.LayerNorm.bias", (H,)),
            layers=tuple(layers),
            folder=folder,
            load_seconds=load_seconds,
        )

    @classmethod
    def from_folder(cls, folder: str | os.PathLike, *, mmap: bool = True) -> BertModel:
        """Load config.json + model.safetensors. mmap=False copies the weights into private memory."""
        t0 = time.perf_counter()
        folder = Path(folder)
        for name in ("config.json", "model.safetensors"):
            if not (folder / name).is_file():
                raise FileNotFoundError(
                    f"{folder / name} not found; fetch the model with `python -m app.pretrained.fetch`"
                )
        config = BertConfig.from_json(folder / "config.json")
        weights = load_safetensors(folder / "model.safetensors")
        if not mmap:
            weights = {k: np.array(v) for k, v in weights.items()}
        model = cls.from_weights(config, weights, folder=folder)
        object.__setattr__(model, "load_seconds", time.perf_counter() - t0)
        return model

    @property
    def num_layers(self) -> int:
        return self.config.num_hidden_layers

    @property
    def num_heads(self) -> int:
        return self.config.num_attention_heads

    def embed(self, input_ids: np.ndarray, token_type_ids: np.ndarray | None = None) -> np.ndarray:
        T = input_ids.shape[-1]
        x = self.word_embeddings[input_ids] + self.position_embeddings[:T]
        if token_type_ids is None:
            x += self.token_type_embeddings[0]
        else:
            x += self.token_type_embeddings[token_type_ids]
        return layer_norm(x, self.emb_ln_w, self.emb_ln_b, self.config.layer_norm_eps)

    def forward(
        self,
        input_ids,
        token_type_ids=None,
        attention_mask=None,
        *,
        keep_attention_results: bool = False,
    ) -> BertOutput:
        """Run the encoder on (T,) or (B, T) token ids; attention_mask (same shape, 1/True = real token)."""
        ids = np.asarray(input_ids)
        if ids.ndim not in (1, 2) or ids.shape[-1] == 0:
            raise ValueError(f"input_ids must be a non-empty (T,) or (B, T) array, got shape {ids.shape}")
        if not np.issubdtype(ids.dtype, np.integer):
            raise ValueError(f"input_ids must be integers, got dtype {ids.dtype}")
        cfg = self.config
        T = ids.shape[-1]
        if T > cfg.max_position_embeddings:
            raise ValueError(f"{T} tokens exceed max_position_embeddings={cfg.max_position_embeddings}")
        if ids.min() < 0 or ids.max() >= cfg.vocab_size:
            raise ValueError(f"input_ids must lie in [0, {cfg.vocab_size})")
        tt = None
        if token_type_ids is not None:
            tt = np.asarray(token_type_ids)
            if tt.shape != ids.shape or tt.min() < 0 or tt.max() >= cfg.type_vocab_size:
                raise ValueError(f"token_type_ids must have shape {ids.shape} with values < {cfg.type_vocab_size}")
        kpm = None
        if attention_mask is not None:
            kpm = np.asarray(attention_mask).astype(bool)
            if kpm.shape != ids.shape:
                raise ValueError(f"attention_mask must have shape {ids.shape}, got {kpm.shape}")

        act = _ACTIVATIONS[cfg.hidden_act]
        eps = cfg.layer_norm_eps
        x = self.embed(ids, tt)
        hidden = [x]
        attentions = []
        results = []
        for layer in self.layers:
            r = multi_head_attention(x, None, layer.attention, cfg.num_attention_heads, key_padding_mask=kpm)
            a = layer_norm(r.output + x, layer.attn_ln_w, layer.attn_ln_b, eps)
            h = act(a @ layer.w_in + layer.b_in)
            x = layer_norm(h @ layer.w_out + layer.b_out + a, layer.out_ln_w, layer.out_ln_b, eps)
            hidden.append(x)
            attentions.append(r.weights)
            if keep_attention_results:
                results.append(r)
        att = np.stack(attentions, axis=-4)  # (L, h, T, T) or (B, L, h, T, T)
        return BertOutput(
            input_ids=ids,
            hidden_states=tuple(hidden),
            attentions=att,
            attention_results=tuple(results) if keep_attention_results else None,
        )

    __call__ = forward


@lru_cache(maxsize=4)
def _load_cached(folder: str) -> BertModel:
    return BertModel.from_folder(folder)


def load_model(folder: str | os.PathLike) -> BertModel:
    """The model of `folder`, loaded once per process (keyed by the resolved path); see `.load_seconds`."""
    return _load_cached(str(Path(folder).resolve()))
