"""Head specifications for the illustrative source: which query features look for which key features.

A head's score between query token i and key token j is

    score(i, j) = q_i · k_j / sqrt(d_k) + bias(j - i),    q_i = x_i · W_Qᵢ,  k_j = x_j · W_Kᵢ

A `HeadSpec` lists *terms*: "query feature A looks for key feature B with weight w". Each query feature gets one
column of the head's d_k columns: W_Qᵢ has d_k^(1/4) in row A of that column and W_Kᵢ has w · d_k^(1/4) in row B,
so after the engine divides by sqrt(d_k) the score is exactly the sum of the weights of the matched terms. Most
entries are zero, so the matrices are sparse and readable.

`bias(d)` is a relative-position bias (as in T5 and ALiBi), added to the scaled scores; d = j - i is how far the
key is to the right of the query. It encodes where a head prefers to look (the nearest verb to the right, the
nearest antecedent to the left, the previous word) and the default: a token whose query matches nothing attends
to itself (a bonus at d = 0), so rows that have nothing to say stay readable on the heatmap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from app.sources import relations as R
from app.sources.features import CLAUSE_SLOTS, PHRASE_SLOTS

__all__ = ["HEAD_LAYOUTS", "HeadSpec", "SPECS", "combined_bias"]

SELF = 3.0  # bias at d = 0 in every structural head: the default "attend to yourself"
MATCH = 10.0  # score of a structural match (same clause / same phrase marker)


@dataclass(frozen=True)
class HeadSpec:
    relation: str
    title: str  # without the "Head i ·" prefix
    description: str
    terms: tuple[tuple[str, tuple[tuple[str, float], ...]], ...]  # (query feature, ((key feature, weight), ...))
    search: Callable[[np.ndarray], np.ndarray]  # bias(d) without the self default
    default_self: bool = True  # add SELF at d = 0
    values: tuple[str, ...] = ()  # feature columns this head copies from the key it attends to

    def bias(self, d: np.ndarray) -> np.ndarray:
        b = self.search(d).astype(np.float64)
        if self.default_self:
            b = b + np.where(d == 0, SELF, 0.0)
        return b


def _slots(query: str, key: str, n: int, weight: float = MATCH) -> list[tuple[str, tuple[tuple[str, float], ...]]]:
    return [(f"{query}@{c}", ((f"{key}@{c}", weight),)) for c in range(n)]


def _prefer_right(step: float, left_penalty: float) -> Callable[[np.ndarray], np.ndarray]:
    """0 for the next token, -step per further token to the right; keys to the left cost left_penalty more."""
    return lambda d: np.where(d > 0, -step * (d - 1), np.where(d < 0, -left_penalty - step * (-d - 1), 0.0))


def _prefer_left(step: float, right_penalty: float) -> Callable[[np.ndarray], np.ndarray]:
    return lambda d: np.where(d < 0, -step * (-d - 1), np.where(d > 0, -right_penalty - step * (d - 1), 0.0))


def _offsets(table: dict[int, float]) -> Callable[[np.ndarray], np.ndarray]:
    def f(d: np.ndarray) -> np.ndarray:
        out = np.zeros(d.shape)
        for off, v in table.items():
            out = np.where(d == off, v, out)
        return out

    return f


SUBJECT_VERB = HeadSpec(
    relation="subject_verb",
    title="Subject → verb",
    description=(
        "A subject's query looks for a finite verb carrying the same clause marker, and prefers the verb whose "
        "number agrees (plural 'keys' → 'are'). Nearer verbs to the right win ties; every other token attends "
        "to itself."
    ),
    terms=tuple(
        _slots("subj", "fin", CLAUSE_SLOTS)
        + [
            ("subj_sg", (("fin_sg", 1.0), ("fin_pl", -3.0))),
            ("subj_pl", (("fin_pl", 1.0), ("fin_sg", -3.0))),
        ]
    ),
    search=_prefer_right(0.1, 1.5),
    values=("pos:VERB", "pos:AUX", "fin_sg", "fin_pl", "sg", "pl"),
)

ADJECTIVE_NOUN = HeadSpec(
    relation="adjective_noun",
    title="Adjective → noun",
    description=(
        "An adjective's query looks for the head noun of its own noun phrase (same phrase marker), skipping "
        "other adjectives: 'quick' and 'brown' both find 'fox'. Every other token attends to itself."
    ),
    terms=tuple(_slots("adj", "head", PHRASE_SLOTS)),
    search=_prefer_right(0.2, 2.0),
    values=("pos:NOUN", "pos:PROPN", "sg", "pl", "human", "animal", "thing"),
)

COREFERENCE = HeadSpec(
    relation="coreference",
    title="Pronoun → antecedent",
    description=(
        "A third-person pronoun's query looks for an earlier noun that matches it in number, gender and "
        "animacy ('he' wants a male or unknown person, 'it' a thing or an animal), preferring nearer nouns "
        "and nouns in the same role (a subject for 'he', an object for 'him'). Other tokens attend to "
        "themselves."
    ),
    terms=(
        ("ana", (("cand", R.CANDIDATE), ("cand_subj", R.SUBJECT_BONUS))),
        ("ana_sg", (("cand_sg", R.NUMBER_MATCH), ("cand_pl", -R.CLASH))),
        ("ana_pl", (("cand_pl", R.NUMBER_MATCH), ("cand_sg", -R.CLASH))),
        ("ana_masc", (("cand_masc", R.GENDER_MATCH), ("cand_fem", -R.CLASH), ("cand_thing", -R.CLASH),
                      ("cand_animal", -R.ANIMAL_AS_PERSON))),
        ("ana_fem", (("cand_fem", R.GENDER_MATCH), ("cand_masc", -R.CLASH), ("cand_thing", -R.CLASH),
                     ("cand_animal", -R.ANIMAL_AS_PERSON))),
        ("ana_neut", (("cand_human", -R.CLASH), ("cand_animal", -R.ANIMAL_AS_IT))),
        ("ana_obj", (("cand_obj", R.OBJECT_BONUS), ("cand_subj", -R.SUBJECT_BONUS))),
    ),
    search=_prefer_left(R.RECENCY_STEP, 2.5),
    values=("cand", "sg", "pl", "masc", "fem", "human", "animal", "thing", "pos:PROPN"),
)

PROXIMITY = HeadSpec(
    relation="proximity",
    title="Neighbouring words",
    description=(
        "This head reads no word features at all (its W_Q and W_K are zero): the relative-position bias alone, "
        "+6 for the word just before and +4 for the word just after, makes every token look at its neighbour "
        "(the first token looks at the next one)."
    ),
    terms=(),
    search=_offsets({-1: 6.0, 1: 4.0}),
    default_self=False,
    values=("pos:NOUN", "pos:VERB", "pos:ADJ", "pos:DET", "pos:ADP", "pos:PRON", "pos:PUNCT"),
)

PREVIOUS_TOKEN = HeadSpec(
    relation="previous_token",
    title="Previous word",
    description=(
        "Position only: a +6 bias for the word just before. The first token has no previous word and "
        "attends to itself."
    ),
    terms=(),
    search=_offsets({-1: 6.0}),
    values=PROXIMITY.values,
)

NEXT_TOKEN = HeadSpec(
    relation="next_token",
    title="Next word",
    description="Position only: a +6 bias for the word just after. The last token attends to itself.",
    terms=(),
    search=_offsets({1: 6.0}),
    values=PROXIMITY.values,
)

VERB_SUBJECT = HeadSpec(
    relation="verb_subject",
    title="Verb → subject",
    description=(
        "Head 1 turned around: a finite verb's query looks for the subject with the same clause marker "
        "('are' → 'keys'). Every other token attends to itself."
    ),
    terms=tuple(_slots("fin", "subj", CLAUSE_SLOTS)),
    search=_prefer_left(0.1, 1.5),
    values=("pos:NOUN", "pos:PROPN", "pos:PRON", "sg", "pl", "human", "animal", "thing"),
)

DETERMINER_NOUN = HeadSpec(
    relation="determiner_noun",
    title="Determiner → noun",
    description=(
        "A determiner ('the', 'a', 'his') looks for the head noun of its noun phrase (same phrase marker). "
        "Every other token attends to itself."
    ),
    terms=tuple(_slots("det", "head", PHRASE_SLOTS)),
    search=_prefer_right(0.2, 2.0),
    values=ADJECTIVE_NOUN.values,
)

PREPOSITION_OBJECT = HeadSpec(
    relation="preposition_object",
    title="Preposition → its noun",
    description=(
        "A preposition ('to', 'in', 'on') looks for the head noun of the phrase it introduces: 'to the "
        "cabinet' → 'cabinet'. Every other token attends to itself."
    ),
    terms=tuple(_slots("prep", "head", PHRASE_SLOTS)),
    search=_prefer_right(0.2, 2.0),
    values=ADJECTIVE_NOUN.values,
)

SPECS: dict[str, HeadSpec] = {
    s.relation: s
    for s in (SUBJECT_VERB, ADJECTIVE_NOUN, COREFERENCE, PROXIMITY, PREVIOUS_TOKEN, NEXT_TOKEN, VERB_SUBJECT,
              DETERMINER_NOUN, PREPOSITION_OBJECT)
}


@dataclass(frozen=True)
class HeadLayout:
    """One head of a configuration: the specs it combines, and its relation id, title and description."""

    relation: str
    title: str
    description: str
    specs: tuple[HeadSpec, ...] = field(default_factory=tuple)

    @property
    def covers(self) -> tuple[str, ...]:
        """The four illustrative relations this head is meant to show (for scoring)."""
        names = {"previous_token": "proximity"}
        out = [names.get(s.relation, s.relation) for s in self.specs]
        return tuple(r for r in out if r in ("subject_verb", "adjective_noun", "coreference", "proximity"))


def _single(spec: HeadSpec) -> HeadLayout:
    return HeadLayout(spec.relation, spec.title, spec.description, (spec,))


HEAD_LAYOUTS: dict[int, tuple[HeadLayout, ...]] = {
    1: (
        HeadLayout(
            "combined",
            "All four relations in one head",
            "One full-width head whose W_Q and W_K stack all four relations' features, with the position bias "
            "of all four added. Each row can have only one winner, so a token that must find its verb (or "
            "antecedent, or noun) can no longer also look at its neighbour, and a pronoun subject must choose "
            "between its verb and its antecedent.",
            (SUBJECT_VERB, ADJECTIVE_NOUN, COREFERENCE, PROXIMITY),
        ),
    ),
    2: (
        HeadLayout(
            "grammar",
            "Grammar: subject → verb and adjective → noun",
            "Subjects look for their clause's finite verb and adjectives for their noun, in one head: the two "
            "kinds of query are different tokens, so they rarely get in each other's way. Other tokens attend "
            "to themselves.",
            (SUBJECT_VERB, ADJECTIVE_NOUN),
        ),
        HeadLayout(
            "reference_position",
            "Reference and position: pronoun → antecedent, neighbours",
            "Pronouns look back for a matching noun; every other token looks at the word just before it. A "
            "pronoun cannot do both, so it gives up its neighbour.",
            (COREFERENCE, PROXIMITY),
        ),
    ),
    4: tuple(_single(s) for s in (SUBJECT_VERB, ADJECTIVE_NOUN, COREFERENCE, PROXIMITY)),
    8: tuple(
        _single(s)
        for s in (SUBJECT_VERB, ADJECTIVE_NOUN, COREFERENCE, PREVIOUS_TOKEN, NEXT_TOKEN, VERB_SUBJECT,
                  DETERMINER_NOUN, PREPOSITION_OBJECT)
    ),
}


def combined_bias(specs: tuple[HeadSpec, ...], d: np.ndarray) -> np.ndarray:
    """The bias of a head that combines several specs: the default plus the average of their search biases.

    The default is the proximity spec's neighbour bias when it is among them, otherwise the self bonus. The
    structural specs' search biases (where each prefers to look) are averaged: one head has one bias, so it
    can only take a compromise between "look right" and "look left".
    """
    if len(specs) == 1:
        return specs[0].bias(d)
    defaults = [s for s in specs if not s.default_self]
    searchers = [s for s in specs if s.default_self]
    total = np.zeros(d.shape)
    for s in searchers:
        total = total + s.search(d) / len(searchers)
    if defaults:
        for s in defaults:
            total = total + s.search(d)
    else:
        total = total + np.where(d == 0, SELF, 0.0)
    return total
