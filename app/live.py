"""What the lesson computes for a learner's sentence: heads, figure, shapes, one-vs-many score and costs.

Pure functions over the engine and the weight sources, shared by the JSON API and the HTML pages, so both
always show the same numbers.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np
import orjson

from app import figures
from app.cache import LRUCache
from app.engine import multi_head_attention
from app.engine.costs import AttentionCosts, attention_costs
from app.lang.tokenizer import EmptyTextError, tokenize
from app.settings import MAX_CHARS, MAX_TOKENS
from app.sources import HEAD_COUNTS, SOURCES, AttentionRun, relation_accuracy, run_attention
from app.sources.illustrative import illustrative_params, relative_position_bias
from app.sources.recipes import head_recipes
from app.sources.relations import pairs_from_features

RELATIONS = ("subject_verb", "adjective_noun", "coreference", "proximity")
RELATION_NAMES = {
    "subject_verb": "subject → verb",
    "adjective_noun": "adjective → noun",
    "coreference": "pronoun → antecedent",
    "proximity": "neighbouring word",
}
DIGITS = 4  # weights are sent rounded to 4 decimals, in the heads and in the figure alike


class InputError(ValueError):
    """Learner input the lesson cannot use; the message is written for the learner."""


def check_text(text: str) -> str:
    """The sentence if the lesson can use it, else InputError with a message a learner understands."""
    if not text or not text.strip():
        raise InputError("Please type a sentence: the text is empty.")
    if len(text) > MAX_CHARS:
        raise InputError(
            f"That text is {len(text):,} characters long; the limit is {MAX_CHARS}. Try one or two sentences."
        )
    for ch in text:
        category = unicodedata.category(ch)
        if (category == "Cc" and ch not in "\t\n\r") or category == "Cs":
            raise InputError(
                f"The text contains an invisible control character (U+{ord(ch):04X}); please remove it."
            )
    count = _token_count(text)
    if count > MAX_TOKENS:
        raise InputError(
            f"That text has {count} tokens (words and punctuation marks); the limit is {MAX_TOKENS}, so every "
            f"heatmap stays readable."
        )
    return text


@lru_cache(maxsize=1024)
def _token_count(text: str) -> int:
    # Perf: an API request checks its text twice (the request model's validator, then analyze); tokenize once.
    return len(tokenize(text))


def check_choice(num_heads: int, source: str) -> None:
    if num_heads not in HEAD_COUNTS:
        raise InputError(f"The number of heads must be one of {', '.join(map(str, HEAD_COUNTS))}.")
    if source not in SOURCES:
        raise InputError(f"The weight source must be one of: {', '.join(SOURCES)}.")


@dataclass(frozen=True)
class Analysis:
    """One sentence's analysis. Shared through the cache below: callers read it and never change it."""

    payload: dict  # the JSON the API returns (and the page embeds)
    cells: int = 0  # h·T²: the size the cache below counts
    # The engine's run is not kept: cached runs of the random source would each hold their own W matrices.

    @cached_property
    def json(self) -> bytes:
        """The payload as JSON, serialized once (orjson spends most of a 40-token response's time on floats)."""
        return orjson.dumps(self.payload)


def analyze(text: str, num_heads: int = 4, source: str = "illustrative", seed: int | None = None) -> Analysis:
    """Run the lesson's attention on `text` and build everything the API and the pages show."""
    check_text(text)
    check_choice(num_heads, source)
    key = (text, num_heads, source, seed)
    return _ANALYSES.get(key) or _ANALYSES.put(key, _analyze(text, num_heads, source, seed))


# Perf: the same sentence is asked for again and again in a class (the default sentence on every first view of
# slides 1, 3, 4 and 5, the example chips, the quiz's practice sentences), so analyses are kept, least recently
# used first out, within a budget of weight cells (h·T²): about 100 bytes of memory each with the JSON, so the
# budget below holds ≤ 10-15 MB (e.g. 4 worst-case 8-head 60-token analyses, or 128 typical 12-word ones).
_ANALYSES: LRUCache[Analysis] = LRUCache(max_entries=128, max_size=100_000, size_of=lambda a: a.cells)


def _analyze(text: str, num_heads: int, source: str, seed: int | None) -> Analysis:
    try:
        run = run_attention(text, num_heads=num_heads, source=source, seed=seed)
    except EmptyTextError:
        raise InputError("Please type a sentence: the text has no words or symbols in it.") from None
    weights = np.round(run.result.weights.astype(np.float64), DIGITS)  # (h, T, T)
    # One list per head, shared by `heads` and the figure's z (the JSON is the same; memory and time halve).
    z = [w.tolist() for w in weights]
    titles = [head.title for head in run.heads]
    recipes = head_recipes(run.num_heads) if run.source == "illustrative" else None
    heads = [
        {
            "index": head.index,
            "relation": head.relation,
            "title": head.title,
            "description": head.description,
            "weights": z[i],
            "top": top_keys(run.tokens, weights[i]),
            "recipe": recipes[i] if recipes else None,
        }
        for i, head in enumerate(run.heads)
    ]
    payload = {
        "text": text,
        "tokens": list(run.tokens),
        "num_heads": run.num_heads,
        "source": run.source,
        "seed": seed,
        "d_model": run.d_model,
        "d_k": run.d_k,
        "heads": heads,
        "figure": figures.attention_figure(run.tokens, weights, titles, z=z),
        "shapes": shapes(run),
        "one_vs_many": one_vs_many(text, run),
    }
    return Analysis(payload=payload, cells=int(weights.size))


def top_keys(tokens: list[str], weights: np.ndarray) -> list[dict]:
    """For each query token, the key it attends to most and with what weight."""
    best = weights.argmax(axis=1)  # (T,)
    return [
        {"query": tokens[q], "key": tokens[int(k)], "key_index": int(k), "weight": float(weights[q, k])}
        for q, k in enumerate(best)
    ]


def shapes(run: AttentionRun) -> list[dict]:
    """The real shapes of this computation, step by step, as the slide's formula names them (per head for ᵢ)."""
    T, d_model, h, d_k = len(run.tokens), run.d_model, run.num_heads, run.d_k
    r = run.result
    rows = [
        ("X", r.q.shape[1:2] + (d_model,), "the sentence: one row of features per token"),
        ("W_Qᵢ, W_Kᵢ, W_Vᵢ", (d_model, d_k), f"each head's own projections (×{h} heads)"),
        ("Qᵢ = X·W_Qᵢ, Kᵢ, Vᵢ", r.q.shape[1:], "each head's queries, keys and values"),
        ("scores Qᵢ·Kᵢᵀ / √d_k", r.scaled_scores.shape[1:], "how well each query matches each key"),
        ("weights = softmax(scores)", r.weights.shape[1:], "each row sums to 1: the heatmap"),
        ("headᵢ = weights·Vᵢ", r.head_outputs.shape[1:], "each head's output vector per token (d_v = d_k)"),
        ("Concat(head₁…headₕ)", r.concat.shape, f"{h} × {d_k} = {h * d_k} values per token"),
        ("W_O", run.params.w_o.shape, "projects back to d_model"),
        ("output = Concat·W_O", r.output.shape, "same shape as X: ready for the next layer"),
    ]
    assert r.q.shape[1] == T
    return [{"name": name, "shape": [int(s) for s in shape], "note": note} for name, shape, note in rows]


def one_vs_many(text: str, run: AttentionRun | None = None) -> dict:
    """How many of the four relations one full-width head gets right for this sentence, beside four heads.

    "Right" follows the model's own evaluation: a relation counts when every expected pair has its query's
    argmax at the expected key. `run` (any run of this same text) lends its tokens' features and X, so the
    sentence is tokenized, tagged and embedded once per request instead of four times.
    """
    cached = _ONE_VS_MANY.get(text)
    if cached is not None:
        return cached
    if run is None:
        run = run_attention(text, num_heads=4, source="illustrative")
    pairs = pairs_from_features(run.features)  # == expected_pairs(text), without tagging the text again
    result = {}
    for h in (1, 4):
        same = run.source == "illustrative" and run.num_heads == h
        all_weights = run.result.weights if same else illustrative_weights(run.x, h)
        per_relation = {}
        for i, relation in enumerate(RELATIONS):
            weights = all_weights[0 if h == 1 else i]
            hits, total = relation_accuracy(weights, pairs.get(relation, []))
            per_relation[relation] = {"hits": hits, "total": total}
        present = [r for r in RELATIONS if per_relation[r]["total"] > 0]
        captured = [r for r in present if per_relation[r]["hits"] == per_relation[r]["total"]]
        result[f"h{h}"] = {"relations": per_relation, "present": len(present), "captured": len(captured)}
    return _ONE_VS_MANY.put(text, result)


_ONE_VS_MANY: LRUCache[dict] = LRUCache(max_entries=256)


def illustrative_weights(x: np.ndarray, num_heads: int) -> np.ndarray:
    """(h, T, T) weights of the illustrative source's heads for embeddings `x` (T, d_model).

    The same numbers as run_attention(text, num_heads, "illustrative").result.weights, whose X is `x`: the
    illustrative source's weights and bias do not depend on the sentence beyond its length (tested in
    tests/web/test_fast_paths.py), so a caller that already has X skips tokenizing, tagging and embedding.
    """
    bias = relative_position_bias(num_heads, x.shape[0])
    return multi_head_attention(x, None, illustrative_params(num_heads), num_heads, score_bias=bias).weights


@lru_cache(maxsize=8)
def cost_table(d_model: int, seq_len: int) -> list[dict]:
    """Parameters and multiply-adds of one head of size d_model and of h heads of size d_model/h."""
    rows = []
    for h in (1, 4, 8, 96):
        if d_model % h:
            continue
        c = attention_costs(d_model, h, seq_len)
        rows.append({"d_model": d_model, "num_heads": h, "d_k": c.d_k, "params": c.params.weights,
                     "macs": c.macs.total, "stages": stage_macs(c)})
    return rows


STAGES = {"q_proj": "Q·W_Q", "k_proj": "K·W_K", "v_proj": "V·W_V", "scores": "Q·Kᵀ", "weighted_sum": "weights·V",
          "out_proj": "Concat·W_O"}


def stage_macs(costs: AttentionCosts) -> dict[str, int]:
    return {label: getattr(costs.macs, field) for field, label in STAGES.items()}


def cost_figure(d_model: int, seq_len: int, num_heads: int = 8) -> dict:
    """Bar chart of multiply-adds per stage: one head of size d_model beside `num_heads` heads of d_model/h."""
    one = stage_macs(attention_costs(d_model, 1, seq_len))
    many = stage_macs(attention_costs(d_model, num_heads, seq_len))
    return figures.cost_figure(
        list(one),
        list(one.values()),
        list(many.values()),
        f"{num_heads} heads of size {d_model // num_heads}",
    )
