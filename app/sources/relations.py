"""What the four illustrative relations should produce for a sentence, from the tagger's features alone.

`expected_pairs` applies the relation rules directly to the tagger's per-token features, with no attention
computed, so the lesson can check any model (the four heads, the single head, a random layer) against them.
`relation_accuracy` scores one head's weights against a list of pairs by argmax.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from app.lang.tagger import TokenFeatures, tag
from app.lang.tokenizer import Token, tokenize

__all__ = ["RELATIONS", "coreference_antecedent", "expected_pairs", "pairs_from_features", "relation_accuracy"]

RELATIONS = ("subject_verb", "adjective_noun", "coreference", "proximity")

# the coreference rule's numbers (the coreference head uses the same ones in its W_K and bias)
CANDIDATE = 8.0  # any noun-phrase head is a candidate
CLASH = 8.0  # a number, gender or animacy clash cancels the candidate
NUMBER_MATCH = 1.0
GENDER_MATCH = 2.5  # "he" and a known man: stronger evidence than being the subject
SUBJECT_BONUS = 2.0  # subject (or possessive) pronouns prefer subjects ...
OBJECT_BONUS = 2.5  # ... object pronouns ("him", "it" after a verb) prefer objects
ANIMAL_AS_PERSON = 1.0  # an animal called "he"/"she": possible, less likely
ANIMAL_AS_IT = 0.5
RECENCY_STEP = 0.15  # per token of distance beyond the first


def _compatible(p: TokenFeatures, c: TokenFeatures) -> bool:
    if p.number and c.number and p.number != c.number:
        return False
    if p.gender in ("masc", "fem"):
        if c.gender in ("masc", "fem") and c.gender != p.gender:
            return False
        if c.animacy in ("thing", "group"):
            return False
    if p.gender == "neut" and c.animacy == "human":
        return False
    return True


def coreference_antecedent(features: Sequence[TokenFeatures], i: int) -> int | None:
    """The antecedent the rule picks for the pronoun at i: the best compatible earlier noun, or None.

    Compatible: number, gender and animacy do not clash ("he" never a woman or a thing, "it" never a person,
    "they" never a singular). Among those the score adds: +1 for the same number, +2.5 for the same known
    gender, +2 for a subject (an object pronoun instead gets +2.5 for an object and nothing for a subject),
    -1 for an animal called he/she (-0.5 called it), and -0.15 per token of distance beyond the first.
    """
    p = features[i]
    best, best_score = None, -np.inf
    for j in range(i - 1, -1, -1):
        c = features[j]
        if not c.is_antecedent or not _compatible(p, c):
            continue
        score = -RECENCY_STEP * (i - j - 1)
        if p.is_object:
            score += OBJECT_BONUS * c.is_object
        else:
            score += SUBJECT_BONUS * c.is_subject
        score += NUMBER_MATCH if p.number and p.number == c.number else 0.0
        score += GENDER_MATCH if p.gender in ("masc", "fem") and p.gender == c.gender else 0.0
        if c.animacy == "animal":
            score -= ANIMAL_AS_PERSON if p.gender in ("masc", "fem") else (ANIMAL_AS_IT if p.gender == "neut" else 0.0)
        if score > best_score:
            best, best_score = j, score
    return best


def pairs_from_features(features: Sequence[TokenFeatures]) -> dict[str, list[tuple[int, int]]]:
    T = len(features)
    out: dict[str, list[tuple[int, int]]] = {r: [] for r in RELATIONS}
    for i, f in enumerate(features):
        if f.is_subject:
            verbs = [j for j, g in enumerate(features) if g.is_finite_verb and g.clause == f.clause and j != i]
            if verbs:
                right = [j for j in verbs if j > i]
                out["subject_verb"].append((i, min(right) if right else max(verbs)))
        if f.phrase_role == "adjective" and f.phrase is not None:
            heads = [j for j, g in enumerate(features) if g.phrase == f.phrase and g.phrase_role == "head"
                     and g.pos in ("NOUN", "PROPN")]
            if heads:
                out["adjective_noun"].append((i, heads[0]))
        if f.is_anaphor:
            j = coreference_antecedent(features, i)
            if j is not None:
                out["coreference"].append((i, j))
    if T > 1:
        out["proximity"] = [(0, 1)] + [(i, i - 1) for i in range(1, T)]
    return out


def expected_pairs(text_or_tokens: str | Sequence[str] | Sequence[Token]) -> dict[str, list[tuple[int, int]]]:
    """{relation: [(query index, key index), ...]} for subject_verb, adjective_noun, coreference, proximity.

    Accepts the raw text (tokenized here) or a token list. Tokens a relation has nothing to say about appear
    in no pair (proximity covers every token: the previous one, or the next one for the first token).
    """
    tokens = tokenize(text_or_tokens) if isinstance(text_or_tokens, str) else list(text_or_tokens)
    return pairs_from_features(tag(tokens))


def relation_accuracy(weights: np.ndarray, pairs: Sequence[tuple[int, int]]) -> tuple[int, int]:
    """(hits, total): how many (query, key) pairs have the query row's argmax at the key."""
    w = np.asarray(weights)
    if w.ndim != 2:
        raise ValueError(f"weights must be one head's (T, T) matrix, got shape {w.shape}")
    hits = sum(int(int(np.argmax(w[q])) == int(k)) for q, k in pairs)
    return hits, len(pairs)
