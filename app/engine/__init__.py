"""The NumPy attention engine: pure NumPy and the standard library, no web and no plotting."""

from app.engine.attention import (
    AttentionResult,
    MHAParams,
    multi_head_attention,
    scaled_dot_product_attention,
    softmax,
)
from app.engine.costs import AttentionCosts, MacCounts, ParamCounts, attention_costs
from app.engine.init import glorot_limit, init_params

__all__ = [
    "AttentionCosts",
    "AttentionResult",
    "MHAParams",
    "MacCounts",
    "ParamCounts",
    "attention_costs",
    "glorot_limit",
    "init_params",
    "multi_head_attention",
    "scaled_dot_product_attention",
    "softmax",
]
