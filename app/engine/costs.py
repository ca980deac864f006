"""Parameter and multiply-add (MAC) counts of one multi-head attention layer.

With d_k = d_v = d_model / h, for T_q queries over T_k keys:

  parameters   W_Q, W_K, W_V, W_O: d_model x d_model each             = 4·d_model²  (+ 4·d_model biases)
  Q projection T_q · d_model · d_model        (h heads x T_q·d_model·d_k)
  K projection T_k · d_model · d_model
  V projection T_k · d_model · d_model
  scores QK^T  h · T_q · T_k · d_k            = T_q · T_k · d_model
  weights · V  h · T_q · T_k · d_v            = T_q · T_k · d_model
  W_O          T_q · d_model · d_model

Every count depends on h only through h·d_k = d_model, so h heads of size d_model/h cost exactly what one head
of size d_model costs. What does grow with h is the number of attention weights, h·T_q·T_k (one exp each in
the softmax): more attention maps, not more multiply-adds. Bias additions are not counted as MACs.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

__all__ = ["AttentionCosts", "MacCounts", "ParamCounts", "attention_costs"]


@dataclass(frozen=True)
class ParamCounts:
    """Learned scalars per matrix; each w_* is d_model² and each b_* is d_model (0 counted as absent below)."""

    w_q: int
    w_k: int
    w_v: int
    w_o: int
    b_q: int
    b_k: int
    b_v: int
    b_o: int

    @property
    def weights(self) -> int:
        """W_Q + W_K + W_V + W_O = 4·d_model²."""
        return self.w_q + self.w_k + self.w_v + self.w_o

    @property
    def biases(self) -> int:
        """b_Q + b_K + b_V + b_O = 4·d_model."""
        return self.b_q + self.b_k + self.b_v + self.b_o

    @property
    def total_without_bias(self) -> int:
        return self.weights

    @property
    def total_with_bias(self) -> int:
        return self.weights + self.biases


@dataclass(frozen=True)
class MacCounts:
    """Multiply-adds per stage (one MAC = one multiply + one add, i.e. 2 FLOPs)."""

    q_proj: int
    k_proj: int
    v_proj: int
    scores: int
    weighted_sum: int
    out_proj: int

    @property
    def projections(self) -> int:
        """Q, K, V and W_O projections together."""
        return self.q_proj + self.k_proj + self.v_proj + self.out_proj

    @property
    def attention(self) -> int:
        """QK^T plus weights·V, the part that grows with T_q·T_k."""
        return self.scores + self.weighted_sum

    @property
    def total(self) -> int:
        return self.projections + self.attention

    @property
    def flops(self) -> int:
        return 2 * self.total


@dataclass(frozen=True)
class AttentionCosts:
    d_model: int
    num_heads: int
    d_k: int
    seq_len: int  # T_q
    kv_len: int  # T_k (= T_q for self-attention)
    params: ParamCounts
    macs: MacCounts
    attention_weights: int  # h · T_q · T_k entries in the attention maps (one exp each)

    def as_dict(self) -> dict:
        """Plain nested dict (JSON-ready), derived totals included."""
        d = asdict(self)
        p, m = self.params, self.macs
        d["params"].update(
            weights=p.weights, biases=p.biases, total_without_bias=p.total_without_bias,
            total_with_bias=p.total_with_bias,
        )
        d["macs"].update(projections=m.projections, attention=m.attention, total=m.total, flops=m.flops)
        return d


def attention_costs(d_model: int, num_heads: int, seq_len: int, kv_len: int | None = None) -> AttentionCosts:
    """Costs of one layer for seq_len queries over kv_len keys (None = self-attention, kv_len = seq_len)."""
    kv_len = seq_len if kv_len is None else kv_len
    for name, value, low in (("d_model", d_model, 1), ("num_heads", num_heads, 1), ("seq_len", seq_len, 0),
                             ("kv_len", kv_len, 0)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    if d_model % num_heads:
        raise ValueError(f"d_model={d_model} is not divisible by num_heads={num_heads}")
    h, d, t_q, t_k = num_heads, d_model, seq_len, kv_len
    d_k = d // h
    params = ParamCounts(w_q=d * d, w_k=d * d, w_v=d * d, w_o=(h * d_k) * d, b_q=d, b_k=d, b_v=d, b_o=d)
    macs = MacCounts(
        q_proj=h * (t_q * d * d_k),  # h heads, each (T_q, d) @ (d, d_k)
        k_proj=h * (t_k * d * d_k),  # h heads, each (T_k, d) @ (d, d_k)
        v_proj=h * (t_k * d * d_k),  # h heads, each (T_k, d) @ (d, d_v)
        scores=h * (t_q * t_k * d_k),  # h heads, each (T_q, d_k) @ (d_k, T_k)
        weighted_sum=h * (t_q * t_k * d_k),  # h heads, each (T_q, T_k) @ (T_k, d_v)
        out_proj=t_q * (h * d_k) * d,  # (T_q, h·d_v) @ (h·d_v, d)
    )
    return AttentionCosts(
        d_model=d, num_heads=h, d_k=d_k, seq_len=t_q, kv_len=t_k, params=params, macs=macs,
        attention_weights=h * t_q * t_k,
    )
