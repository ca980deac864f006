"""A small rule-based English tagger and shallow parser that needs nothing downloaded at run time.

`tag(tokens)` returns one `TokenFeatures` per token. Every field is a property of that token alone — its part of
speech, number, gender, animacy, person, its role in its clause, and which clause and noun phrase it belongs to
(as numeric markers) — never the index of another token. The illustrative attention heads read these features
through their W_Q and W_K matrices; which key a query ends up attending to is decided by the softmax.

How it works, left to right in one pass:
  1. Each word's readings come from closed-class lists, an open-class lexicon and suffix rules (morphology.py).
  2. Context picks one reading (e.g. a noun/verb word right after a determiner is a noun; after a plural subject
     that still lacks its verb it is the verb, if the number agrees).
  3. Noun phrases are chunked (determiner, adjectives, nouns; the last noun is the head).
  4. A clause tracker assigns each noun phrase a role: the first one before a clause's finite verb is its subject
     (noun phrases inside prepositional phrases are skipped, so "The keys to the cabinet are" has subject "keys");
     relative pronouns ("who", "that") and subordinators ("because", "when") open a new clause, which closes
     again when a verb arrives that it cannot take ("The man who lives here is ...": "is" belongs to "man").
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Iterable, Sequence

from app.lang import lexicon as L
from app.lang.morphology import NUMBER_WORDS, noun_info, readings
from app.lang.tokenizer import APOSTROPHES, Token, is_word_char

__all__ = ["POS_TAGS", "TokenFeatures", "tag"]

# coarse parts of speech (Universal Dependencies names, plus REL for relative pronouns)
POS_TAGS = ("DET", "PRON", "PROPN", "NOUN", "ADJ", "ADV", "VERB", "AUX", "ADP", "CCONJ", "SCONJ", "PART",
            "NUM", "REL", "PUNCT", "SYM", "X")

_SENTENCE_END = frozenset(".!?;…")
_CLAUSE_COMMA = frozenset(",:–—")
_BE_FORMS = frozenset("am is are was were be been being".split())
_CONTRACTION_SUFFIXES = ("'s", "'re", "'m", "'ve", "'ll", "'d")


@dataclass
class TokenFeatures:
    """What the tagger knows about one token. Per-token properties only."""

    index: int
    text: str
    lower: str
    pos: str  # coarse part of speech, one of POS_TAGS
    tag: str  # finer tag (Penn-style for verbs and nouns: VBZ, VBD, NNS, ...; the pronoun kind for pronouns)
    number: str | None = None  # "sg" | "pl" | None
    gender: str | None = None  # "masc" | "fem" | "neut" | None
    animacy: str | None = None  # "human" | "animal" | "group" | "thing" | None
    person: int | None = None  # 1 | 2 | 3 | None
    clause: int = 0  # clause marker: tokens of one clause share it
    phrase: int | None = None  # noun-phrase marker: a determiner, its adjectives and its head noun share it
    phrase_role: str | None = None  # "determiner" | "adjective" | "modifier" | "head" | "preposition"
    is_subject: bool = False  # head of its clause's subject noun phrase
    is_finite_verb: bool = False  # the finite verb (first verb of the verb group) of its clause
    is_anaphor: bool = False  # third-person pronoun: looks for an antecedent
    is_antecedent: bool = False  # noun-phrase head a pronoun may refer to
    is_object: bool = False  # head of a noun phrase (or a pronoun) after its clause's verb: an object
    is_possessor: bool = False  # "cat's", "Tom's"
    in_pp: bool = False  # inside a prepositional phrase ("the cabinet" in "to the cabinet")
    sentence_start: bool = False
    capitalized: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


# ------------------------------------------------------------------------------------------------ clauses


@dataclass
class _NP:
    id: int
    tokens: list[int] = field(default_factory=list)
    head: int | None = None
    has_noun: bool = False
    pobj: bool = False
    possessor: bool = False
    is_pronoun: bool = False
    expletive: bool = False
    time: bool = False
    number: str | None = None
    person: int | None = None
    obj_case: bool = False
    obj: bool = False


@dataclass
class _Clause:
    id: int
    kind: str = "main"  # main | sub | rel | coord
    parent: _Clause | None = None
    subj: list[_NP] = field(default_factory=list)
    fin: int | None = None
    fin_is_aux: bool = False
    inverted: bool = False  # the finite verb came before any subject (question, imperative)
    coord_pending: bool = False
    last_np: _NP | None = None
    last_np_end: int = -10
    extra_fins: list[int] = field(default_factory=list)

    def subject_number(self) -> str | None:
        if len(self.subj) > 1:
            return "pl"
        if self.subj:
            np_ = self.subj[0]
            if np_.person in (1, 2):
                return "pl"  # "I/you walk" agrees like a plural
            return np_.number
        return None


def _is_word(text: str) -> bool:
    return bool(text) and is_word_char(text[0])


def _norm(text: str) -> str:
    return "".join("'" if c in APOSTROPHES else c for c in text.lower())


class _Tagger:
    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = list(texts)
        self.lowers = [_norm(t) for t in self.texts]
        self.n = len(self.texts)
        self.feats: list[TokenFeatures] = []
        self.clause_count = 0
        self.np_count = 0
        self.clauses: list[_Clause] = []
        self.nps: list[_NP] = []
        self._new_sentence()

    # ---------------------------------------------------------------------------------------------- state
    def _new_clause(self, kind: str = "main", parent: _Clause | None = None) -> _Clause:
        c = _Clause(id=self.clause_count, kind=kind, parent=parent)
        self.clause_count += 1
        self.clauses.append(c)
        return c

    def _new_sentence(self) -> None:
        self.cur = self._new_clause()
        self.np: _NP | None = None
        self.pending_prep: int | None = None
        self.in_vg = False  # inside a verb group (after a verb/auxiliary, adverbs and "not" allowed)
        self.vg_aux: str | None = None  # lemma of the last auxiliary of the open verb group
        self.after_conj = False
        self.sentence_start = True

    # ------------------------------------------------------------------------------------- look-ahead helpers
    def _low(self, i: int) -> str:
        return self.lowers[i] if 0 <= i < self.n else ""

    def _prev_pos(self, i: int, skip_adv: bool = False) -> str | None:
        j = i - 1
        while j >= 0:
            f = self.feats[j]
            if skip_adv and f.pos in ("ADV", "PART") and f.lower != "to":
                j -= 1
                continue
            return f.pos if f.pos != "PART" else ("TO" if f.lower == "to" else "NEG")
        return None

    def _prev_feat(self, i: int, skip_adv: bool = False) -> TokenFeatures | None:
        j = i - 1
        while j >= 0:
            f = self.feats[j]
            if skip_adv and (f.pos == "ADV" or (f.pos == "PART" and f.lower != "to")):
                j -= 1
                continue
            return f
        return None

    def _could_be_noun(self, j: int) -> bool:
        if not (0 <= j < self.n) or not _is_word(self.texts[j]):
            return False
        w = self.lowers[j]
        if w in L.DETERMINERS or w in L.PRONOUNS or w in L.PREPOSITIONS or w in L.AUXILIARIES:
            return False
        if w in L.COORDINATORS or w in L.SUBORDINATORS or w in L.CONTRACTED_AUX:
            return False
        r = readings(w)
        return r.noun or r.adj or (self.texts[j][:1].isupper() and j > 0) or w in NUMBER_WORDS or w.isdigit()

    def _np_continues(self, j: int) -> bool:
        """Can token j carry on a noun phrase (another adjective, or the noun itself)?"""
        if not (0 <= j < self.n) or not _is_word(self.texts[j]):
            return False
        w = self.lowers[j]
        if w in L.AUXILIARIES or w in L.CONTRACTED_AUX:
            return False
        r = readings(w)
        if r.adj and not r.noun and w not in L.ADJECTIVES and r.verb_tags & {"VBD", "VBN", "VBG"}:
            # a participle continues a noun phrase only as an adjective before a noun ("the stolen bike")
            return self._could_be_noun(j + 1) and (readings(self._low(j + 1)).noun or self.texts[j + 1][:1].isupper())
        if self._could_be_noun(j):
            return True
        if w in L.DETERMINERS or w in L.PRONOUNS or w in L.PREPOSITIONS or w in L.COORDINATORS or (
            w in L.SUBORDINATORS or w in L.ADVERBS
        ):
            return False
        r = readings(w)
        if r.verb and not r.verb_tags <= {"VBD", "VBN"}:
            # a verb-only word after an adjective is the noun when nothing nominal follows it ("a small crack")
            nj = self._low(j + 1)
            return not (self._could_be_noun(j + 1) and readings(nj).noun) and nj not in L.DETERMINERS
        return False

    def _could_be_finite_verb(self, j: int) -> bool:
        if not (0 <= j < self.n):
            return False
        w = self.lowers[j]
        if w in L.AUXILIARIES or w in L.CONTRACTED_AUX:
            return True
        if w in L.DETERMINERS or w in L.PRONOUNS or w in L.PREPOSITIONS:
            return False
        return bool(readings(w).verb_tags & {"VBD", "VBZ", "VBP"})

    def _is_unambiguous_finite(self, j: int) -> bool:
        w = self._low(j)
        if w in L.AUXILIARIES or w in L.CONTRACTED_AUX:
            return w not in ("be", "been", "being", "having")
        r = readings(w)
        return bool(r.verb_tags & {"VBD", "VBZ"}) and not r.noun and not r.adj and not (r.verb_tags & {"VBN"})

    def _clause_follows(self, i: int) -> bool:
        """After "before/after/since/until/as" at i: does a subject and a finite verb follow?"""
        j = i + 1
        if self._low(j) in L.SUBJECT_PRONOUNS or self._low(j) in ("there",):
            return True
        saw_noun = False
        while j < self.n:
            w = self.lowers[j]
            if not _is_word(self.texts[j]):
                return False
            if w in L.DETERMINERS or w in ("his", "her", "its", "their", "my", "your", "our"):
                j += 1
                continue
            if self._could_be_noun(j):
                r = readings(w)
                if saw_noun and r.verb_tags & {"VBD", "VBZ", "VBP"}:
                    return True
                saw_noun = saw_noun or r.noun or self.texts[j][:1].isupper()
                j += 1
                continue
            return saw_noun and self._could_be_finite_verb(j)
        return False

    # ------------------------------------------------------------------------------------------ main loop
    def run(self) -> list[TokenFeatures]:
        for i in range(self.n):
            self._token(i)
        self._close_np()
        self._finish()
        return self.feats

    def _emit(self, i: int, pos: str, tag: str, **kw) -> TokenFeatures:
        text = self.texts[i]
        f = TokenFeatures(index=i, text=text, lower=self.lowers[i], pos=pos, tag=tag,
                          clause=self.cur.id, sentence_start=self.sentence_start,
                          capitalized=text[:1].isupper(), **kw)
        self.feats.append(f)
        if _is_word(text) or pos not in ("PUNCT", "SYM"):
            self.sentence_start = False
        return f

    def _token(self, i: int) -> None:
        text = self.texts[i]
        if not _is_word(text):
            self._punct(i)
            return
        pos, tag, kw = self._choose(i)
        self._apply(i, pos, tag, kw)

    # -------------------------------------------------------------------------------------- punctuation
    def _punct(self, i: int) -> None:
        ch = self.texts[i]
        cat = unicodedata.category(ch)
        pos = "PUNCT" if cat.startswith("P") else "SYM"
        self._close_np()
        self.in_vg = False
        if ch in _SENTENCE_END:
            self._emit(i, "PUNCT", "end")
            self._new_sentence()
            return
        self._emit(i, pos, "comma" if ch in _CLAUSE_COMMA else "other")
        if ch in _CLAUSE_COMMA:
            self.pending_prep = None
            c = self.cur
            if c.kind in ("sub", "rel") and c.fin is not None and c.parent is not None:
                self.cur = c.parent

    # ------------------------------------------------------------------------------------ choosing a reading
    def _choose(self, i: int) -> tuple[str, str, dict]:
        text, w = self.texts[i], self.lowers[i]
        prev = self._prev_feat(i)
        prev_pos = prev.pos if prev else None
        nxt = self._low(i + 1)

        if any(c.isdigit() for c in w) and not any(c.isalpha() for c in w):
            return "NUM", "CD", {}
        # pronoun contractions: "it's", "they're", "I'm"
        for suf in _CONTRACTION_SUFFIXES:
            if w.endswith(suf) and w[: -len(suf)] in L.PRONOUNS and w[: -len(suf)] in L.SUBJECT_PRONOUNS:
                return self._pronoun(w[: -len(suf)], contracted=True)
        if w in L.CONTRACTED_AUX:
            return self._aux(L.CONTRACTED_AUX[w])
        if w.endswith("'s") or w.endswith("s'") and len(w) > 2:
            base = w[:-2]
            if base in ("let",):
                return "VERB", "VB", {}
            if base in ("there", "here", "that", "what", "who", "where"):
                return ("PRON", "demonstrative", {}) if base != "there" else ("PRON", "expletive", {})
            return self._noun_like(i, possessor=True)

        # --- a capitalized first name mid-sentence is a name even if it spells a word ("Will", "Mark")
        if text[:1].isupper() and w != "i" and (w in L.MALE_NAMES or w in L.FEMALE_NAMES) and (
            not self.sentence_start or self._name_at_start(i)
        ):
            return "PROPN", "NNP", self._propn_kw(w)

        # --- closed classes with context
        if w == "that":
            pf = self._prev_feat(i)
            if pf is not None and pf.pos in ("NOUN", "PROPN") and pf.phrase_role == "head" or (
                pf is not None and pf.pos == "PUNCT" and pf.tag == "comma" and i >= 2
                and self.feats[i - 2].pos in ("NOUN", "PROPN")
            ):
                return "REL", "relative", {}
            if prev_pos in ("VERB", "ADJ") and not self._could_be_noun(i + 1):
                return "SCONJ", "complementizer", {}
            if prev_pos in ("VERB",) and nxt in L.SUBJECT_PRONOUNS | L.DETERMINERS.keys():
                return "SCONJ", "complementizer", {}
            if self._could_be_noun(i + 1):
                return "DET", "DT", {"number": "sg"}
            return "PRON", "demonstrative", {"number": "sg", "person": 3}
        if w in ("who", "whom", "whose", "which"):
            pf = self._prev_feat(i)
            if pf is not None and pf.pos == "PUNCT" and pf.tag == "comma":
                pf = self._prev_feat(i - 1)
            if pf is not None and pf.pos in ("NOUN", "PROPN", "PRON") and i > 0:
                return "REL", "relative", {}
            if w in ("which", "whose") and self._could_be_noun(i + 1):
                return "DET", "WDT", {}
            return "PRON", "wh", {}
        if w == "her":
            if self._could_be_noun(i + 1) and nxt not in L.DETERMINERS:
                return "DET", "possessive", self._pron_kw("her")
            return "PRON", "object", self._pron_kw("her")
        if w in L.PRONOUNS:
            return self._pronoun(w)
        if w == "there":
            if nxt in _BE_FORMS or nxt in ("isn't", "aren't", "wasn't", "weren't", "seems", "seem", "remains"):
                return "PRON", "expletive", {}
            return "ADV", "RB", {}
        if w == "to":
            closed = nxt in L.PRONOUNS or nxt in L.DETERMINERS or nxt in L.PREPOSITIONS or nxt in L.AUXILIARIES
            r = readings(nxt) if nxt and not closed and _is_word(nxt) else None
            if r is not None and {"VB"} & r.verb_tags and nxt not in L.DETERMINERS and not (
                r.noun_known and "VB" not in r.verb_tags
            ):
                if not (r.noun_known and self._low(i + 2) in ("", ".", ",")) or nxt in L.REGULAR_VERBS | frozenset(
                    L.IRREGULAR_VERBS
                ):
                    return "PART", "TO", {}
            return "ADP", "IN", {}
        if w in ("not", "never", "n't"):
            return ("PART", "NEG", {}) if w != "never" else ("ADV", "RB", {})
        if w == "one" and prev_pos in ("DET", "ADJ"):
            return "NOUN", "NN", {"number": "sg", "animacy": "thing"}
        if w in ("so",):
            if readings(nxt).adj or readings(nxt).adv or nxt in ("much", "many"):
                return "ADV", "RB", {}
            return "CCONJ", "CC", {}
        if w in L.COORDINATORS and w != "so":
            return "CCONJ", "CC", {}
        if w in ("like",):
            if self.cur.fin is None and (self.cur.subj or (prev and prev.pos in ("PRON", "NOUN", "PROPN"))):
                return "VERB", "VBP", {}
            return "ADP", "IN", {}
        if w in L.PREP_OR_SUBORDINATOR:
            if self._clause_follows(i):
                return "SCONJ", "IN", {}
            return "ADP", "IN", {}
        if w in L.SUBORDINATORS:
            if w in ("when", "where", "why", "how") and (i == 0 or (prev and prev.pos == "PUNCT")) and (
                nxt in L.AUXILIARIES or nxt in L.CONTRACTED_AUX
            ):
                return "ADV", "WRB", {}  # a question word: "Where does the bus stop?"
            if w == "once" and not self._clause_follows(i):
                return "ADV", "RB", {}
            return "SCONJ", "IN", {}
        if w in ("why", "how"):
            return "ADV", "WRB", {}
        if w in ("all", "both", "each", "either", "neither", "some", "any", "none", "many", "few", "much",
                 "more", "most", "enough", "several", "another", "other") and not self._could_be_noun(i + 1):
            if w in ("much", "more", "most", "enough") and prev_pos in ("VERB", "ADV", "AUX", None):
                return "ADV", "RB", {}
            return "PRON", "indefinite", {"person": 3, "number": L.DETERMINERS.get(w)}
        if w in L.DETERMINERS and w not in ("what", "which", "whose"):
            if w in ("a", "an") or self._could_be_noun(i + 1) or w in ("the", "every", "no"):
                return "DET", "DT", {"number": L.DETERMINERS[w]}
        if w in ("what",):
            return "PRON", "wh", {}
        if w in L.AUXILIARIES:
            return self._aux(w)
        if w in L.PREPOSITIONS:
            if w in ("up", "down", "out", "off", "over", "in", "on", "away", "back", "around", "about", "by",
                     "inside", "outside", "past", "along") and not self._could_be_noun(i + 1) and nxt not in (
                L.DETERMINERS.keys() | L.PRONOUNS.keys()
            ):
                return "ADV", "RP", {}
            return "ADP", "IN", {}
        if w in L.INDEFINITE_PRONOUNS and w not in ("one", "each", "both", "all"):
            return "PRON", "indefinite", {"person": 3, "number": "sg"}
        if w in NUMBER_WORDS or (w == "one"):
            return "NUM", "CD", {}
        return self._open_class(i)

    def _name_at_start(self, i: int) -> bool:
        """A listed first name opening a sentence is a name unless it reads as a command ("Mark the page")."""
        w, nxt = self.lowers[i], self._low(i + 1)
        if w in L.AUXILIARIES or w in L.PREPOSITIONS or w in L.DETERMINERS:
            return nxt in L.COORDINATORS or self._could_be_finite_verb(i + 1) and nxt not in L.PRONOUNS
        if readings(w).verb and (nxt in L.DETERMINERS or nxt in L.PRONOUNS):
            return False
        return True

    def _pron_kw(self, w: str) -> dict:
        kind, person, number, gender = L.PRONOUNS[w]
        kw = {"person": person, "number": number, "gender": gender}
        if gender == "neut":
            kw["animacy"] = "thing"
        elif gender in ("masc", "fem"):
            kw["animacy"] = "human"
        return kw

    def _pronoun(self, w: str, contracted: bool = False) -> tuple[str, str, dict]:
        kind, person, number, gender = L.PRONOUNS[w]
        kw = self._pron_kw(w)
        if contracted:
            kw["_contracted"] = True
        if kind == "possessive":
            return "DET", "possessive", kw
        return "PRON", kind, kw

    def _aux(self, w: str) -> tuple[str, str, dict]:
        lemma, tag, number = L.AUXILIARIES[w]
        if lemma in ("have", "do") and self.in_vg is False:
            # "have"/"do" as a main verb when no verb follows ("They have a dog", "She did her homework")
            j = self._skip_adverbs(self._index_after_current())
            nj = self._low(j)
            nr = readings(nj) if nj else None
            followed_by_verb = nr is not None and bool(nr.verb_tags) and not (nj in L.DETERMINERS) and (
                nj not in L.PRONOUNS or nj in L.SUBJECT_PRONOUNS
            )
            inverted = self.cur.fin is None and not self.cur.subj
            if not followed_by_verb and not inverted and nj not in L.PRONOUNS and not self._is_subjectish(j):
                return "VERB", tag, {"number": number, "_lemma": lemma}
        return "AUX", tag, {"number": number, "_lemma": lemma}

    def _is_subjectish(self, j: int) -> bool:
        return self._low(j) in L.SUBJECT_PRONOUNS

    def _index_after_current(self) -> int:
        return len(self.feats) + 1

    def _skip_adverbs(self, j: int) -> int:
        while j < self.n and (self.lowers[j] in ("not", "n't", "never", "also", "just", "already", "still",
                                                 "always", "often", "really", "even", "ever", "usually")):
            j += 1
        return j

    # ----------------------------------------------------------------------------------------- open class
    def _noun_like(self, i: int, possessor: bool = False) -> tuple[str, str, dict]:
        text = self.texts[i]
        w = self.lowers[i]
        base = w[:-2] if possessor and w.endswith("'s") else (w[:-1] if possessor else w)
        first = self.sentence_start
        if text[:1].isupper() and (not first or base in L.MALE_NAMES or base in L.FEMALE_NAMES or (
            not readings(base).noun_known and not readings(base).verb and not readings(base).adj
        )):
            return "PROPN", "NNP", self._propn_kw(base) | ({"_possessor": True} if possessor else {})
        number, animacy, gender = noun_info(base)
        kw = {"number": number, "animacy": animacy, "gender": gender, "person": 3}
        if possessor:
            kw["_possessor"] = True
        return "NOUN", "NNS" if number == "pl" else "NN", kw

    def _propn_kw(self, base: str) -> dict:
        if base in L.MALE_NAMES and base not in L.FEMALE_NAMES:
            return {"number": "sg", "gender": "masc", "animacy": "human", "person": 3}
        if base in L.FEMALE_NAMES and base not in L.MALE_NAMES:
            return {"number": "sg", "gender": "fem", "animacy": "human", "person": 3}
        r = readings(base)
        if r.noun_known:
            number, animacy, gender = noun_info(base)
            return {"number": number, "gender": gender, "animacy": animacy, "person": 3}
        return {"number": "sg", "gender": None, "animacy": None, "person": 3}

    def _open_class(self, i: int) -> tuple[str, str, dict]:
        text, w = self.texts[i], self.lowers[i]
        r = readings(w)
        if not any(ch.isascii() for ch in w) and not r.noun_known:
            return "X", "FW", {}  # another script: no English features
        first = self.sentence_start
        cap = text[:1].isupper()
        # proper names: capitalized mid-sentence, or a listed first name, or unknown capitalized word
        if cap and (not first or ((w in L.MALE_NAMES or w in L.FEMALE_NAMES) and not r.verb)
                    or (r.guessed and not r.adv)):
            if not (first and (r.noun_known or r.verb or r.adj or r.adv)) or w in L.MALE_NAMES | L.FEMALE_NAMES:
                return "PROPN", "NNP", self._propn_kw(w)
        prev = self._prev_feat(i, skip_adv=False)
        prev_na = self._prev_feat(i, skip_adv=True)
        pp = prev.pos if prev else None
        ppa = prev_na.pos if prev_na else None
        nxt_i = i + 1
        c = self.cur

        cands = []
        if r.noun:
            cands.append("NOUN")
        if r.verb:
            cands.append("VERB")
        if r.adj:
            cands.append("ADJ")
        if r.adv:
            cands.append("ADV")
        if not cands:
            cands = ["NOUN"]
        in_np_slot = pp in ("DET", "NUM") or (pp == "ADJ" and prev is not None and prev.phrase is not None) or (
            prev is not None and prev.is_possessor
        )
        if len(cands) == 1 and not (in_np_slot and (
            cands[0] == "VERB" or (cands[0] == "ADJ" and not self._np_continues(nxt_i))
        )):
            only = cands[0]
            if only == "VERB":
                return self._verb_reading(i, r)
            if only == "NOUN":
                return self._noun_like(i)
            if only == "ADJ":
                return "ADJ", "JJ", {}
            return "ADV", "RB", {}

        # --- several readings: context decides
        in_np_slot = pp in ("DET", "NUM") or (pp == "ADJ" and prev is not None and prev.phrase is not None) or (
            prev is not None and prev.is_possessor
        )
        nxt_noun = self._could_be_noun(nxt_i)
        if "ADV" in cands and ("ADJ" not in cands or not in_np_slot) and not in_np_slot and (
            r.adv and not r.noun and not r.verb
        ):
            if pp in ("AUX", "VERB") and "ADJ" in cands and not (readings(self._low(nxt_i)).adj):
                return "ADJ", "JJ", {}
            if "ADJ" in cands and nxt_noun and readings(self._low(nxt_i)).noun:
                return "ADJ", "JJ", {}
            return "ADV", "RB", {}
        if in_np_slot or pp == "ADP":
            # inside a noun phrase: an adjective if a noun follows, otherwise the noun itself
            if "ADJ" in cands and (self._np_continues(nxt_i) or self._low(nxt_i) == "one"):
                if not (r.noun_known and not r.adj):
                    return "ADJ", "JJ", {}
            if "NOUN" in cands:
                return self._noun_like(i)
            if pp != "ADP" and not self._np_continues(nxt_i):
                # a determiner or adjective wants a noun and none follows: this word is it, whatever the
                # lexicon says ("the old cathedral", "a small crack", "the waves")
                return self._noun_like(i)
            if "ADJ" in cands:
                return "ADJ", "JJ", {}
        if pp in ("AUX",) or (pp in ("PART",) and prev is not None and prev.lower in ("not", "n't")) or (
            ppa == "AUX"
        ):
            aux_lemma = self.vg_aux
            if "VERB" in cands:
                vtags = r.verb_tags
                if aux_lemma == "be" and vtags & {"VBG", "VBN"}:
                    return self._verb_reading(i, r)
                if aux_lemma == "have" and "VBN" in vtags:
                    return self._verb_reading(i, r)
                if aux_lemma not in ("be", "have") and vtags & {"VB"}:
                    return self._verb_reading(i, r)
            if "ADJ" in cands:
                return "ADJ", "JJ", {}
            if "NOUN" in cands:
                return self._noun_like(i)
        if pp == "PART" and prev is not None and prev.lower == "to" and "VERB" in cands:
            return self._verb_reading(i, r)
        if "VERB" in cands and pp in ("PRON", "REL") and prev is not None and prev.tag in (
            "subject", "personal", "relative", "demonstrative", "indefinite", "wh"
        ) and not (prev.tag == "personal" and prev.lower == "you" and c.fin is not None):
            return self._verb_reading(i, r)
        if "VERB" in cands and pp == "CCONJ" and i >= 2 and self.feats[i - 2].pos in ("VERB", "AUX", "ADV") and (
            self.feats[i - 2].pos != "ADV" or any(f.pos == "VERB" for f in self.feats[max(0, i - 4): i - 1])
        ):
            return self._verb_reading(i, r)
        if "VERB" in cands and (pp in ("NOUN", "PROPN") or ppa in ("NOUN", "PROPN")) and c.fin is None:
            if self._verb_agrees(r, c, prev_na) and not self._is_unambiguous_finite(nxt_i) and not (
                self._low(nxt_i) in L.AUXILIARIES
            ):
                if r.verb_tags & {"VBD", "VBZ", "VBP"}:
                    return self._verb_reading(i, r)
        if "VERB" in cands and c.kind == "rel" and c.fin is not None and c.parent is not None and (
            c.parent.fin is None and c.parent.subj
        ) and c.subj and not any(s.is_pronoun and self.feats[s.head].pos == "REL" for s in c.subj) and (
            prev_na is not None and prev_na.pos == "VERB"
        ) and self._verb_agrees(r, c.parent, prev_na) and r.verb_tags & {"VBD", "VBZ", "VBP"}:
            # "The cookies that my grandmother baked | smell ...": the relative clause is complete (its object
            # is the relative pronoun), so this verb belongs to the outer clause
            self.cur = c.parent
            return self._verb_reading(i, r)
        if "VERB" in cands and c.fin is not None and ppa in ("NOUN", "PROPN") and prev_na is not None and (
            not prev_na.in_pp and prev_na.phrase_role == "head"
        ) and (self.after_conj or not r.noun) and r.verb_tags & {"VBD", "VBZ", "VBP"} and not c.inverted:
            return self._verb_reading(i, r)  # "..., but Peter never returned it": a new clause's verb
        if "VERB" in cands and c.fin is not None and c.inverted and c.fin_is_aux and (
            pp in ("NOUN", "PROPN", "PRON") or ppa in ("NOUN", "PROPN", "PRON")
        ) and r.verb_tags & {"VB", "VBN", "VBG"}:
            return self._verb_reading(i, r)
        if "VERB" in cands and (pp is None or pp in ("SCONJ", "PUNCT") or (pp == "CCONJ" and c.fin is not None)):
            # clause start: a verb before a noun phrase is an imperative ("Walk the dog")
            nl = self._low(nxt_i)
            if nl in L.DETERMINERS or nl in ("his", "her", "its", "their", "my", "your", "our", "me", "us",
                                              "him", "them"):
                if "VB" in r.verb_tags:
                    return self._verb_reading(i, r)
        if "ADJ" in cands and (pp in ("VERB", "AUX") or nxt_noun):
            if not ("NOUN" in cands and pp in ("VERB",) and not nxt_noun):
                return "ADJ", "JJ", {}
        if "NOUN" in cands:
            return self._noun_like(i)
        if "ADJ" in cands:
            return "ADJ", "JJ", {}
        if "VERB" in cands:
            return self._verb_reading(i, r)
        return "ADV", "RB", {}

    def _verb_agrees(self, r, c: _Clause, prev: TokenFeatures | None) -> bool:
        num = c.subject_number()
        if num is None and self.np is not None and self.np.head is not None:
            num = self.feats[self.np.head].number
        if not c.subj and (self.np is None or self.np.head is None):
            return False
        tags = r.verb_tags
        if "VBD" in tags:
            return True
        if num == "sg":
            return "VBZ" in tags
        if num == "pl":
            return "VBP" in tags
        return True

    def _verb_reading(self, i: int, r) -> tuple[str, str, dict]:
        """Pick the verb tag: finite or not, from the verb group and the clause state."""
        tags = r.verb_tags
        prev = self._prev_feat(i, skip_adv=True)
        c = self.cur
        kw = {"_lemma": r.verb_lemma}
        if self.in_vg and prev is not None and prev.pos in ("AUX", "VERB", "PART"):
            aux = self.vg_aux
            if aux == "be":
                t = "VBG" if "VBG" in tags else ("VBN" if "VBN" in tags else next(iter(sorted(tags))))
            elif aux == "have":
                t = "VBN" if "VBN" in tags else next(iter(sorted(tags)))
            else:
                t = "VB" if "VB" in tags else next(iter(sorted(tags)))
            return "VERB", t, kw
        if prev is not None and prev.pos == "PART" and prev.lower == "to":
            return "VERB", "VB" if "VB" in tags else sorted(tags)[0], kw
        if c.fin is not None and c.inverted and c.fin_is_aux and tags & {"VB", "VBN", "VBG"} and not (
            self.after_conj
        ):
            for t in ("VB", "VBN", "VBG"):
                if t in tags:
                    return "VERB", t, kw
        if "VBG" in tags and not tags & {"VBD", "VBZ", "VBP"}:
            return "VERB", "VBG", kw
        if tags == {"VBN"}:
            return "VERB", "VBN", kw
        open_noun = self.np is not None and self.np.head is not None
        if "VBD" in tags and "VBN" in tags and c.fin is None and (c.subj or open_noun) and not any(
            s.is_pronoun for s in c.subj
        ) and (open_noun or (prev is not None and prev.pos in ("NOUN", "PROPN"))) and self._reduced_relative(i):
            return "VERB", "VBN", kw
        for t in ("VBZ", "VBD", "VBP", "VB", "VBN", "VBG"):
            if t in tags:
                if t == "VBP" and c.subject_number() == "sg" and "VB" in tags and c.fin is not None:
                    return "VERB", "VB", kw
                return "VERB", t, kw
        return "VERB", "VB", kw

    def _reduced_relative(self, i: int) -> bool:
        """"The cake baked by my mother was ...": a past participle right after the subject, before the verb."""
        if self._low(i + 1) == "by":
            return True
        j = i + 1
        while j < self.n:
            w = self.lowers[j]
            if w in _SENTENCE_END or w in _CLAUSE_COMMA or w in L.COORDINATORS or w in L.SUBORDINATORS or (
                w in L.RELATIVE_PRONOUNS or w in L.PREP_OR_SUBORDINATOR
            ):
                return False
            if w in L.AUXILIARIES and w not in ("be", "been", "being", "having"):
                return True
            j += 1
        return False

    # ------------------------------------------------------------------------------------- applying a choice
    def _apply(self, i: int, pos: str, tag: str, kw: dict) -> None:
        possessor = kw.pop("_possessor", False)
        contracted = kw.pop("_contracted", False)
        lemma = kw.pop("_lemma", None)
        c = self.cur

        # --- noun phrase continuation
        continues_np = False
        if self.np is not None:
            last = self.feats[-1]
            if pos in ("NOUN", "PROPN"):
                continues_np = True  # compounds ("kitchen table") and apposed names ("my brother Tom")
            elif pos in ("ADJ", "NUM") and not self.np.has_noun:
                continues_np = True
            elif pos == "ADV" and not self.np.has_noun and self._could_be_noun(i + 1) and (
                readings(self._low(i + 1)).adj
            ):
                continues_np = True
            if last.pos == "PRON":
                continues_np = False
        if not continues_np:
            self._close_np()

        if pos in ("NOUN", "PROPN", "ADJ", "NUM", "DET") or (
            pos == "ADV" and continues_np
        ):
            if self.np is None:
                if pos == "ADJ" and not (self._could_be_noun(i + 1) or self._low(i + 1) in (",", "and")):
                    pass  # a lone (predicative) adjective: not a noun phrase
                else:
                    self.np = _NP(id=self.np_count)
                    self.np_count += 1
            elif pos == "DET":
                self._close_np()
                self.np = _NP(id=self.np_count)
                self.np_count += 1

        f = self._emit(i, pos, tag, **kw)
        if pos in ("ADJ", "ADV") and self.np is not None and not self.np.has_noun and (
            self.np.tokens or pos == "ADJ"
        ):
            self.np.tokens.append(i)
            f.phrase = self.np.id
            f.phrase_role = "adjective" if pos == "ADJ" else "modifier"
        elif pos in ("DET", "NUM") and self.np is not None:
            self.np.tokens.append(i)
            f.phrase = self.np.id
            f.phrase_role = "determiner" if pos == "DET" else "modifier"
        elif pos in ("NOUN", "PROPN") and self.np is not None:
            if self.np.head is not None:
                self.feats[self.np.head].phrase_role = "modifier"
            self.np.tokens.append(i)
            self.np.head = i
            self.np.has_noun = True
            self.np.number = f.number
            self.np.time = f.lower in L.TIME_NOUNS
            f.phrase = self.np.id
            f.phrase_role = "head"
            if possessor:
                f.is_possessor = True
                self.np.possessor = True
                self._close_np()
                # the possessor acts as the determiner of the next noun phrase
                self.np = _NP(id=self.np_count)
                self.np_count += 1

        # --- pronouns are noun phrases on their own
        if pos == "PRON" or pos == "REL":
            np_ = _NP(id=self.np_count, tokens=[i], head=i, is_pronoun=True, number=f.number, person=f.person,
                      expletive=(tag == "expletive"), obj_case=(tag in ("object", "reflexive")))
            self.np_count += 1
            f.phrase, f.phrase_role = np_.id, "head"
            if pos == "REL":
                new = self._new_clause("rel", parent=self.cur)
                self.cur = new
                f.clause = new.id
            self._register_np(np_)
            if contracted:
                self._finite(i, is_aux=True)
            self.in_vg = contracted
            return

        # --- verbs
        if pos in ("VERB", "AUX"):
            starts_group = not self.in_vg
            if pos == "AUX":
                self.vg_aux = lemma
            elif not self.in_vg:
                self.vg_aux = None
            if starts_group and tag in ("VBZ", "VBP", "VBD", "MD"):
                self._finite(i, is_aux=(pos == "AUX"))
                f.clause = self.cur.id
            # a verb group stays open after an auxiliary ("has been | sent"); a main verb closes it
            self.in_vg = pos == "AUX"
            return
        if pos in ("ADV",) or (pos == "PART" and tag == "NEG"):
            return  # adverbs keep the verb group open
        self.in_vg = False

        if pos == "ADP":
            self.pending_prep = i
            f.phrase_role = "preposition"
            return
        if pos == "PART":
            return
        if pos == "SCONJ":
            self.pending_prep = None
            new = self._new_clause("sub", parent=self.cur)
            self.cur = new
            f.clause = new.id
            self.after_conj = False
            return
        if pos == "CCONJ":
            c = self.cur
            if c.fin is None and c.subj and c.last_np_end == i - 1 and not c.last_np.pobj:
                c.coord_pending = True
            elif c.fin is not None:
                self.after_conj = True
            return

    def _close_np(self) -> None:
        np_ = self.np
        self.np = None
        if np_ is None:
            return
        if np_.head is None:
            # no noun: determiners/adjectives alone ("the rich", "is hungry"): no phrase
            for t in np_.tokens:
                f = self.feats[t]
                if f.phrase_role == "adjective":
                    f.phrase, f.phrase_role = None, None
                elif f.pos == "DET" and f.tag == "possessive":
                    f.phrase, f.phrase_role = None, None
            if not any(self.feats[t].pos == "DET" for t in np_.tokens):
                return
            # a determiner alone ("that", "this") acts as a pronoun-like phrase: ignore for roles
            return
        self._register_np(np_)

    def _register_np(self, np_: _NP) -> None:
        c = self.cur
        self.nps.append(np_)
        if self.pending_prep is not None and not np_.possessor:
            np_.pobj = True
            for t in np_.tokens:
                self.feats[t].in_pp = True
            self.feats[self.pending_prep].phrase = np_.id
            self.pending_prep = None
            c.last_np, c.last_np_end = np_, np_.tokens[-1]
            return
        if np_.possessor:
            return
        end = np_.tokens[-1]
        if np_.time:
            return  # "Last night the dog barked", "every morning": an adverbial, neither subject nor object
        if c.fin is None:
            if np_.obj_case:
                pass
            elif c.subj and not c.coord_pending and c.last_np is c.subj[-1] and (
                c.last_np_end == np_.tokens[0] - 1
            ) and not c.subj[-1].is_pronoun and not np_.possessor and self._could_be_finite_verb(end + 1):
                # "The book I bought ... is": a noun phrase right after the subject, before any verb, opens a
                # relative clause without "that"
                new = self._new_clause("rel", parent=c)
                new.subj = [np_]
                for t in np_.tokens:
                    self.feats[t].clause = new.id
                self.cur = new
                c = new
            elif c.coord_pending and c.subj:
                c.subj.append(np_)
                c.coord_pending = False
            else:
                c.subj = [np_]
        else:
            if not c.subj and c.inverted:
                c.subj = [np_]
            elif c.subj and all(s.expletive for s in c.subj) and c.fin is not None:
                c.subj = [np_]
            else:
                np_.obj = True  # after the clause's verb, outside a prepositional phrase: an object
        c.last_np, c.last_np_end = np_, end

    def _finite(self, i: int, is_aux: bool) -> None:
        """A finite verb at i: give it to the clause that still needs one, or open a new clause."""
        c = self.cur
        while True:
            if c.fin is None:
                c.fin = i
                c.fin_is_aux = is_aux
                if not c.subj:
                    c.inverted = True
                break
            if c.kind in ("rel", "sub") and c.parent is not None and (c.parent.fin is None):
                c = c.parent
                self.cur = c
                continue
            # the clause already has its verb
            prev = self._prev_feat(i, skip_adv=True)
            last = c.last_np
            if last is not None and prev is not None and prev.index == c.last_np_end and not last.pobj and not (
                last.obj_case
            ) and last.head is not None:
                # "..., and he sings", "I think the dog is hungry": that noun phrase is the subject of a new clause
                new = self._new_clause("coord" if self.after_conj else "sub", parent=c.parent)
                new.subj = [last]
                new.fin, new.fin_is_aux = i, is_aux
                for t in last.tokens:
                    self.feats[t].clause = new.id
                self.cur = new
            elif prev is not None and prev.pos == "CCONJ" or self.after_conj:
                c.extra_fins.append(i)  # "plays and sings": a second verb for the same subject
            else:
                new = self._new_clause("coord", parent=c.parent)
                new.fin, new.fin_is_aux = i, is_aux
                new.inverted = True
                self.cur = new
            break
        self.after_conj = False

    def _finish(self) -> None:
        for c in self.clauses:
            for np_ in c.subj:
                if np_.expletive or np_.head is None:
                    continue
                f = self.feats[np_.head]
                f.is_subject = True
                f.clause = c.id
            if c.fin is not None:
                self.feats[c.fin].is_finite_verb = True
                self.feats[c.fin].clause = c.id
            for v in c.extra_fins:
                self.feats[v].is_finite_verb = True
                self.feats[v].clause = c.id
        for np_ in self.nps:
            if np_.head is not None and (np_.obj or np_.obj_case) and not self.feats[np_.head].is_subject:
                self.feats[np_.head].is_object = True
        for f in self.feats:
            if f.pos in ("PRON", "DET") and f.lower in L.ANAPHORS and f.person == 3:
                f.is_anaphor = True
            if f.pos in ("NOUN", "PROPN") and f.phrase_role == "head" and f.lower not in L.TIME_NOUNS:
                f.is_antecedent = True


def tag(tokens: Iterable[Token | str]) -> list[TokenFeatures]:
    """Features for each token (Token objects or plain strings), computed without any network access."""
    texts = [t.text if isinstance(t, Token) else str(t) for t in tokens]
    if not texts:
        return []
    return _Tagger(texts).run()
