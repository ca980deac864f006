"""How each illustrative head is built, in words a learner can read: its W_Q·W_Kᵀ matches and its position bias.

The illustrative heads are real attention over constructed matrices; this module reads those same matrices and
biases back (never a second description that could drift from them).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from app.sources.features import D_MODEL, FEATURE_NAMES
from app.sources.illustrative import illustrative_params, layouts, relative_position_bias

OFFSETS = (-3, -2, -1, 0, 1, 2, 3)  # key position minus query position

# Plain-language names of the feature columns the heads match on; "@n" columns are clause or phrase markers.
FEATURE_WORDS = {
    "subj": "subject of clause n",
    "fin": "finite verb of clause n",
    "subj_sg": "singular subject",
    "subj_pl": "plural subject",
    "fin_sg": "singular verb",
    "fin_pl": "plural verb",
    "adj": "adjective in noun phrase n",
    "det": "determiner in noun phrase n",
    "prep": "preposition before noun phrase n",
    "head": "head noun of noun phrase n",
    "ana": "third-person pronoun",
    "ana_sg": "singular pronoun",
    "ana_pl": "plural pronoun",
    "ana_masc": "masculine pronoun",
    "ana_fem": "feminine pronoun",
    "ana_neut": "neuter pronoun (it)",
    "ana_obj": "object pronoun",
    "cand": "noun a pronoun may refer to",
    "cand_sg": "singular candidate noun",
    "cand_pl": "plural candidate noun",
    "cand_masc": "masculine candidate noun",
    "cand_fem": "feminine candidate noun",
    "cand_human": "candidate noun for a person",
    "cand_animal": "candidate noun for an animal",
    "cand_thing": "candidate noun for a thing",
    "cand_subj": "candidate noun that is a subject",
    "cand_obj": "candidate noun that is an object",
}


def describe(feature: str) -> str:
    base, _, _slot = feature.partition("@")
    return FEATURE_WORDS.get(base, feature)


@lru_cache(maxsize=None)
def head_recipes(num_heads: int) -> tuple[dict, ...]:
    """Per head: the query→key feature matches its W_Q·W_Kᵀ scores, and its bias for keys 3 before to 3 after.

    A match's score is read from the matrices: (W_Q_i W_K_iᵀ)[a, b] / √d_k for query feature a and key feature
    b. Matches that differ only in their clause or phrase marker n are listed once ("… of clause n").
    """
    params = illustrative_params(num_heads)
    d_k = D_MODEL // num_heads
    centre = len(OFFSETS) // 2
    bias = relative_position_bias(num_heads, len(OFFSETS))[:, centre, :]  # (h, 7): query in the middle
    recipes = []
    for i, layout in enumerate(layouts(num_heads)):
        block = slice(i * d_k, (i + 1) * d_k)
        match = params.w_q[:, block] @ params.w_k[:, block].T / np.sqrt(d_k)  # (d_model, d_model)
        terms: dict[tuple[str, str], float] = {}
        for a, b in zip(*np.nonzero(np.abs(match) > 1e-9)):
            key = (describe(FEATURE_NAMES[a]), describe(FEATURE_NAMES[b]))
            terms.setdefault(key, round(float(match[a, b]), 2))
        recipes.append(
            {
                "terms": [{"query": q, "key": k, "score": s} for (q, k), s in sorted(terms.items(), key=lambda t: -t[1])],
                "bias": {"offsets": list(OFFSETS), "values": [round(float(v), 2) for v in bias[i]]},
                "relation": layout.relation,
            }
        )
    return tuple(recipes)
