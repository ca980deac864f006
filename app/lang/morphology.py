"""Lexical look-up: every reading a word can have, before context picks one.

`readings(word)` returns a `Readings` object holding, per part of speech, what the lexicon and the suffix rules
say about the word (verb tags and lemma, noun number, animacy and gender, ...). It never looks at neighbours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from app.lang import lexicon as L

__all__ = ["Readings", "readings", "noun_info", "NUMBER_WORDS"]

NUMBER_WORDS = frozenset(
    "zero two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand "
    "million billion dozen".split()
)

_IRREG_PAST = {past: base for base, (past, _) in L.IRREGULAR_VERBS.items()}
_IRREG_PP = {pp: base for base, (_, pp) in L.IRREGULAR_VERBS.items()}
_VERB_BASES = L.REGULAR_VERBS | frozenset(L.IRREGULAR_VERBS)
_ALL_NOUNS = (
    L.COMMON_NOUNS | L.HUMAN | L.HUMAN_MALE | L.HUMAN_FEMALE | L.ANIMAL | L.COLLECTIVE | L.TIME_NOUNS
    | frozenset(L.IRREGULAR_PLURALS) | L.PLURAL_ONLY_NOUNS | L.NUMBER_NEUTRAL_NOUNS
)
_NOUN_SUFFIXES = ("tion", "sion", "ment", "ness", "ity", "ship", "hood", "ism", "ance", "ence", "dom", "ure",
                  "age", "ery", "ist", "ian", "or", "er", "ee", "eer", "ology", "graphy", "phone", "scope")
_ADJ_SUFFIXES = ("ous", "ful", "less", "ive", "able", "ible", "ical", "al", "ic", "ish", "ary", "ese", "esque",
                 "ient", "ant", "ent", "y")
_AGENT_SUFFIXES = ("ist", "ian", "eer", "ess")


@dataclass
class Readings:
    word: str
    lower: str
    verb_tags: set[str] = field(default_factory=set)  # VB VBP VBZ VBD VBN VBG
    verb_lemma: str | None = None
    noun: bool = False
    noun_known: bool = False  # listed in the lexicon (not guessed from a suffix)
    adj: bool = False
    adv: bool = False
    guessed: bool = False  # nothing in the lexicon: suffix rules and defaults

    @property
    def verb(self) -> bool:
        return bool(self.verb_tags)


def _verb_lemma_candidates(w: str, suffix: str) -> list[str]:
    stem = w[: -len(suffix)]
    out = [stem, stem + "e"]
    if len(stem) > 2 and stem[-1] == stem[-2]:
        out.append(stem[:-1])  # stopped -> stop
    if suffix in ("ed", "es") and stem.endswith("i"):
        out.append(stem[:-1] + "y")  # carried -> carry, cries -> cry
    return out


def _verb_analysis(w: str) -> tuple[set[str], str | None]:
    tags: set[str] = set()
    lemma = None
    if w in _VERB_BASES:
        tags |= {"VB", "VBP"}
        lemma = w
    if w in _IRREG_PAST:
        tags.add("VBD")
        lemma = lemma or _IRREG_PAST[w]
    if w in _IRREG_PP:
        tags.add("VBN")
        lemma = lemma or _IRREG_PP[w]
    if w in L.IRREGULAR_PAST_EXTRA:
        tags |= {"VBD", "VBN"}
        lemma = lemma or L.IRREGULAR_PAST_EXTRA[w]
    for suffix, new in (("ing", {"VBG"}), ("ed", {"VBD", "VBN"}), ("d", {"VBD", "VBN"}), ("es", {"VBZ"}),
                        ("s", {"VBZ"})):
        if w.endswith(suffix) and len(w) > len(suffix) + 1:
            for cand in _verb_lemma_candidates(w, suffix):
                if cand in _VERB_BASES and (suffix != "d" or cand.endswith("e")):
                    tags |= new
                    lemma = lemma or cand
                    break
    return tags, lemma


def _singular(w: str) -> str | None:
    """The singular of a plural-looking noun, if the lexicon knows it."""
    if w in L.IRREGULAR_PLURALS:
        return L.IRREGULAR_PLURALS[w]
    for suffix, repl in (("ies", "y"), ("ves", "f"), ("ves", "fe"), ("es", ""), ("s", "")):
        if w.endswith(suffix) and (w[: -len(suffix)] + repl) in _ALL_NOUNS:
            return w[: -len(suffix)] + repl
    return None


@lru_cache(maxsize=8192)
def noun_info(w: str) -> tuple[str | None, str | None, str | None]:
    """(number, animacy, gender) of a common noun: number sg/pl/None, animacy human/animal/group/thing."""
    if w in L.NUMBER_NEUTRAL_NOUNS:
        number = None
    elif w in L.PLURAL_ONLY_NOUNS or w in L.IRREGULAR_PLURALS:
        number = "pl"
    elif w in L.SINGULAR_S_NOUNS or w.endswith(("ss", "us", "is", "ous")):
        number = "sg"
    elif w.endswith("s") and len(w) > 2:
        number = "pl"
    else:
        number = "sg"
    lemma = _singular(w) if number == "pl" else w
    forms = {w, lemma} - {None}
    gender = None
    if forms & L.COLLECTIVE:
        animacy = "group"
    elif forms & L.HUMAN_MALE:
        animacy, gender = "human", "masc"
    elif forms & L.HUMAN_FEMALE:
        animacy, gender = "human", "fem"
    elif forms & L.HUMAN:
        animacy = "human"
    elif forms & L.ANIMAL:
        animacy = "animal"
    elif not (forms & _ALL_NOUNS) and any(f.endswith(_AGENT_SUFFIXES) for f in forms):
        animacy = "human"
    elif not (forms & _ALL_NOUNS) and any(
        f.endswith(("er", "or")) and (f[:-2] in _VERB_BASES or f[:-1] in _VERB_BASES) for f in forms
    ):
        animacy = "human"  # agent nouns: teach -> teacher, sail -> sailor
    else:
        animacy = "thing"
    return number, animacy, gender


def _comparative_base(w: str) -> str | None:
    for suffix in ("est", "er"):
        if w.endswith(suffix) and len(w) > len(suffix) + 2:
            stem = w[: -len(suffix)]
            for cand in (stem, stem + "e", stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] else None,
                         stem[:-1] + "y" if stem.endswith("i") else None):
                if cand and cand in L.ADJECTIVES:
                    return cand
    return None


@lru_cache(maxsize=8192)
def readings(lower: str) -> Readings:
    """Every open-class reading of a lower-cased word (closed classes are handled by the tagger itself)."""
    r = Readings(word=lower, lower=lower)
    r.verb_tags, r.verb_lemma = _verb_analysis(lower)
    if lower in _ALL_NOUNS or _singular(lower) is not None:
        r.noun = r.noun_known = True
    if lower in L.ADJECTIVES:
        r.adj = True
    if lower in L.ADVERBS:
        r.adv = True
    if not r.adj and _comparative_base(lower) is not None:
        r.adj = True  # taller, biggest, happier
    if r.noun or r.adj or r.adv or r.verb:
        # an -ing/-ed verb form can also be an adjective ("a sleeping baby", "the frozen lake")
        if r.verb_tags & {"VBG", "VBN"}:
            r.adj = r.adj or "VBN" in r.verb_tags or "VBG" in r.verb_tags
        if "VBG" in r.verb_tags and not r.noun:
            r.noun = True  # gerund: "the painting", "swimming is fun"
        return r
    # nothing listed: guess from the suffix
    r.guessed = True
    if lower.endswith("ly") and len(lower) > 4:
        r.adv = True
    elif lower.endswith("ing") and len(lower) > 5:
        r.verb_tags = {"VBG"}
        r.noun = r.adj = True
    elif lower.endswith("ed") and len(lower) > 4:
        r.verb_tags = {"VBD", "VBN"}
        r.adj = True
    elif lower.endswith(_NOUN_SUFFIXES) and len(lower) > 4:
        r.noun = True
    elif lower.endswith(_ADJ_SUFFIXES) and len(lower) > 4 and not lower.endswith(("ys", "ey")):
        r.adj = True
    elif lower.endswith("s") and not lower.endswith("ss") and len(lower) > 3:
        r.noun = True
        r.verb_tags = {"VBZ"}
    else:
        r.noun = True
        r.verb_tags = {"VB", "VBP"}
    return r
