"""The token embedding X: one row per token, one named column per feature (plus a positional encoding).

X (T, d_model) with d_model = 96. Every column has a name (FEATURE_NAMES) so the lesson can label the rows of
W_Q, W_K and W_V. Columns hold 0/1 features computed by the tagger from the token alone:

  pos:*            part of speech (one-hot)
  sg, pl, masc, ... grammatical number, gender, animacy, person
  subj@c           "I am the subject of clause marker c" (c = clause id mod 6)
  fin@c            "I am the finite verb of clause marker c"
  subj_sg, ...     the subject's / finite verb's number, for agreement
  adj@n, det@n,    "I am an attributive adjective / determiner / the preposition of noun phrase marker n",
  prep@n, head@n   "I am the head noun of noun phrase marker n" (n = phrase id mod 4)
  ana*             "I am a third-person pronoun" and its number / gender (the coreference head's queries)
  cand*            "I am a noun-phrase head a pronoun may point back to", with number, gender, animacy and
                   whether it is a subject (the coreference head's keys)
  pe:*             a sinusoidal positional encoding of the token's index (read by the random source; the
                   illustrative heads get position from a relative-position score bias instead)

Clause and phrase markers are labels shared by the tokens of one clause or phrase, never the index of another
token.
"""

from __future__ import annotations

import numpy as np

from app.lang.tagger import POS_TAGS, TokenFeatures

__all__ = ["CLAUSE_SLOTS", "D_MODEL", "FEATURE_INDEX", "FEATURE_NAMES", "PHRASE_SLOTS", "embed"]

D_MODEL = 96
CLAUSE_SLOTS = 6
PHRASE_SLOTS = 4

_NAMES: list[str] = [f"pos:{p}" for p in POS_TAGS]
_NAMES += ["sg", "pl", "masc", "fem", "human", "animal", "group", "thing", "person1", "person2", "person3"]
_NAMES += [f"subj@{c}" for c in range(CLAUSE_SLOTS)] + [f"fin@{c}" for c in range(CLAUSE_SLOTS)]
_NAMES += ["subj_sg", "subj_pl", "fin_sg", "fin_pl"]
for role in ("adj", "det", "prep", "head"):
    _NAMES += [f"{role}@{n}" for n in range(PHRASE_SLOTS)]
_NAMES += ["ana", "ana_sg", "ana_pl", "ana_masc", "ana_fem", "ana_neut", "ana_obj"]
_NAMES += ["cand", "cand_sg", "cand_pl", "cand_masc", "cand_fem", "cand_human", "cand_animal", "cand_thing",
           "cand_subj", "cand_obj"]
_NAMES += ["capitalized", "sentence_start", "word"]
_PE_DIMS = D_MODEL - len(_NAMES)
assert _PE_DIMS >= 8 and _PE_DIMS % 2 == 0, _PE_DIMS
_NAMES += [f"pe:{'sin' if k % 2 == 0 else 'cos'}{k // 2}" for k in range(_PE_DIMS)]

FEATURE_NAMES: tuple[str, ...] = tuple(_NAMES)
FEATURE_INDEX: dict[str, int] = {name: i for i, name in enumerate(FEATURE_NAMES)}
assert len(FEATURE_NAMES) == D_MODEL


def active_features(f: TokenFeatures) -> list[str]:
    """The names of the 0/1 feature columns that are 1 for this token (positional encoding excluded)."""
    on: list[str] = [f"pos:{f.pos}"]
    if f.number in ("sg", "pl"):
        on.append(f.number)
    if f.gender in ("masc", "fem"):
        on.append(f.gender)
    if f.animacy in ("human", "animal", "group", "thing"):
        on.append(f.animacy)
    if f.person in (1, 2, 3):
        on.append(f"person{f.person}")
    c = f.clause % CLAUSE_SLOTS
    if f.is_subject:
        on.append(f"subj@{c}")
        if f.person in (3, None) and f.number in ("sg", "pl"):
            on.append(f"subj_{f.number}")
    if f.is_finite_verb:
        on.append(f"fin@{c}")
        if f.number in ("sg", "pl"):
            on.append(f"fin_{f.number}")
    if f.phrase is not None:
        n = f.phrase % PHRASE_SLOTS
        role = {"adjective": "adj", "determiner": "det", "preposition": "prep", "head": "head"}.get(
            f.phrase_role or ""
        )
        if role == "head" and f.pos not in ("NOUN", "PROPN"):
            role = None  # pronouns head their own phrase but are nobody's noun
        if role:
            on.append(f"{role}@{n}")
    if f.is_anaphor:
        on.append("ana")
        if f.number in ("sg", "pl"):
            on.append(f"ana_{f.number}")
        if f.gender in ("masc", "fem", "neut"):
            on.append(f"ana_{f.gender}")
        if f.is_object:
            on.append("ana_obj")
    if f.is_antecedent:
        on.append("cand")
        if f.number in ("sg", "pl"):
            on.append(f"cand_{f.number}")
        if f.gender in ("masc", "fem"):
            on.append(f"cand_{f.gender}")
        if f.animacy in ("human", "animal"):
            on.append(f"cand_{f.animacy}")
        elif f.animacy in ("thing", "group"):
            on.append("cand_thing")
        if f.is_subject:
            on.append("cand_subj")
        if f.is_object:
            on.append("cand_obj")
    if f.capitalized:
        on.append("capitalized")
    if f.sentence_start:
        on.append("sentence_start")
    if f.pos not in ("PUNCT", "SYM"):
        on.append("word")
    return on


def positional_encoding(num_tokens: int, dims: int = _PE_DIMS) -> np.ndarray:
    """Sinusoidal positional encoding (Vaswani et al.), (T, dims)."""
    pos = np.arange(num_tokens, dtype=np.float64)[:, None]
    k = np.arange(dims // 2, dtype=np.float64)[None, :]
    angle = pos / (100.0 ** (2 * k / dims))
    pe = np.empty((num_tokens, dims))
    pe[:, 0::2] = np.sin(angle)
    pe[:, 1::2] = np.cos(angle)
    return pe


def embed(features: list[TokenFeatures]) -> np.ndarray:
    """X (T, D_MODEL): the 0/1 feature columns of every token, then its positional encoding."""
    T = len(features)
    x = np.zeros((T, D_MODEL))
    for t, f in enumerate(features):
        for name in active_features(f):
            x[t, FEATURE_INDEX[name]] = 1.0
    x[:, D_MODEL - _PE_DIMS:] = positional_encoding(T)
    return x
