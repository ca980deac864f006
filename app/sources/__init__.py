"""Weight sources for the lesson's multi-head attention: run a learner's sentence through real attention.

    run = run_attention("The cats are sleeping.", num_heads=4, source="illustrative")
    run.result.weights  # (h, T, T), the engine's softmax output

Sources:
  * "illustrative" — W_Q/W_K/W_V/W_O constructed from readable feature matches (app/sources/heads.py) plus a
    relative-position score bias; with h = 4 the heads are subject → verb, adjective → noun, pronoun →
    antecedent and neighbouring words (slide 2's order).
  * "random" — seeded Glorot weights on the same embeddings and no bias: what an untrained layer does.
The registry (`_BUILDERS`) keeps the source pluggable: a "pretrained" source can be added with its own builder.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from app.engine import AttentionResult, MHAParams, init_params, multi_head_attention
from app.lang.tagger import TokenFeatures, tag
from app.lang.tokenizer import EmptyTextError, tokenize
from app.sources.features import D_MODEL, FEATURE_NAMES, embed
from app.sources.illustrative import illustrative_params, layouts, relative_position_bias
from app.sources.relations import RELATIONS, expected_pairs, relation_accuracy

__all__ = [
    "D_MODEL",
    "DEFAULT_SEED",
    "FEATURE_NAMES",
    "HEAD_COUNTS",
    "RELATIONS",
    "SOURCES",
    "AttentionRun",
    "EmptyTextError",
    "HeadInfo",
    "expected_pairs",
    "relation_accuracy",
    "run_attention",
    "source_params",
]

SOURCES: tuple[str, ...] = ("illustrative", "random")
HEAD_COUNTS: tuple[int, ...] = (1, 2, 4, 8)
DEFAULT_SEED = 0  # the random source's seed when none is given, so a page reload shows the same weights


@dataclass(frozen=True)
class HeadInfo:
    index: int  # 1-based
    relation: str
    title: str
    description: str
    covers: tuple[str, ...] = ()  # which of the four illustrative relations this head is meant to show


@dataclass(frozen=True)
class AttentionRun:
    tokens: list[str]
    features: list[TokenFeatures]
    x: np.ndarray  # (T, d_model)
    params: MHAParams
    num_heads: int
    score_bias: np.ndarray | None  # (h, T, T) or None
    heads: list[HeadInfo]
    result: AttentionResult
    source: str

    @property
    def d_model(self) -> int:
        return int(self.x.shape[1])

    @property
    def d_k(self) -> int:
        return self.d_model // self.num_heads

    def head_for(self, relation: str) -> int:
        """0-based index of the head that shows `relation` (the slide's order when no head claims it)."""
        for i, head in enumerate(self.heads):
            if relation in head.covers or head.relation == relation:
                return i
        return RELATIONS.index(relation) % self.num_heads if relation in RELATIONS else 0


Builder = Callable[[list[TokenFeatures], int, "int | None"], tuple[MHAParams, "np.ndarray | None", list[HeadInfo]]]


def _illustrative(features: list[TokenFeatures], num_heads: int, seed: int | None):
    heads = [
        HeadInfo(index=i + 1, relation=lay.relation, title=f"Head {i + 1} · {lay.title}",
                 description=lay.description, covers=lay.covers)
        for i, lay in enumerate(layouts(num_heads))
    ]
    return illustrative_params(num_heads), relative_position_bias(num_heads, len(features)), heads


def _random(features: list[TokenFeatures], num_heads: int, seed: int | None):
    params = init_params(D_MODEL, DEFAULT_SEED if seed is None else seed)
    heads = [
        HeadInfo(
            index=i + 1,
            relation="random",
            title=f"Head {i + 1} · random (untrained)",
            description=(
                "Seeded Glorot-uniform W_Q and W_K on the same token features: nothing has been learned, so the "
                "weights follow no relation (mostly spread out, with accidental favourites)."
            ),
        )
        for i in range(num_heads)
    ]
    return params, None, heads


_BUILDERS: dict[str, Builder] = {"illustrative": _illustrative, "random": _random}


def source_params(num_heads: int, source: str = "illustrative", seed: int | None = None) -> tuple[MHAParams, list[HeadInfo]]:
    """The source's W_Q, W_K, W_V, W_O and head descriptions, which do not depend on the sentence."""
    if source not in _BUILDERS or num_heads not in HEAD_COUNTS:
        raise ValueError(f"Unknown source {source!r} or head count {num_heads!r}.")
    params, _bias, heads = _BUILDERS[source]([], num_heads, seed)
    return params, heads


def run_attention(text: str, num_heads: int = 4, source: str = "illustrative", seed: int | None = None) -> AttentionRun:
    """Tokenize, tag and embed `text`, build the source's weights and run the engine's multi-head attention."""
    if source not in _BUILDERS:
        raise ValueError(f"Unknown weight source {source!r}: choose one of {', '.join(SOURCES)}.")
    if isinstance(num_heads, bool) or not isinstance(num_heads, (int, np.integer)) or int(num_heads) not in HEAD_COUNTS:
        raise ValueError(
            f"The number of heads must be one of {', '.join(map(str, HEAD_COUNTS))} (got {num_heads!r})."
        )
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
        raise ValueError(f"The seed must be a non-negative whole number (got {seed!r}).")
    num_heads = int(num_heads)
    tokens = tokenize(text)  # raises EmptyTextError
    features = tag(tokens)
    x = embed(features)
    params, bias, heads = _BUILDERS[source](features, num_heads, seed)
    result = multi_head_attention(x, None, params, num_heads, score_bias=bias)
    return AttentionRun(
        tokens=[t.text for t in tokens], features=features, x=x, params=params, num_heads=num_heads,
        score_bias=bias, heads=heads, result=result, source=source,
    )
