"""The offline tagger: parts of speech, morphology and the clause/phrase roles the heads read."""

from __future__ import annotations

import pytest

from app.lang import TokenFeatures, tag, tokenize


def feats(text: str) -> dict[str, TokenFeatures]:
    """Features by token text (first occurrence wins unless a later one is asked for with '#2')."""
    out: dict[str, TokenFeatures] = {}
    for f in tag(tokenize(text)):
        key = f.text
        n = 2
        while key in out:
            key = f"{f.text}#{n}"
            n += 1
        out[key] = f
    return out


def test_accepts_strings_and_tokens() -> None:
    a = tag(tokenize("The cat sleeps."))
    b = tag(["The", "cat", "sleeps", "."])
    assert [f.pos for f in a] == [f.pos for f in b] == ["DET", "NOUN", "VERB", "PUNCT"]
    assert tag([]) == []


def test_as_dict_is_plain_data() -> None:
    d = tag(tokenize("The cats are here."))[1].as_dict()
    assert d["text"] == "cats" and d["pos"] == "NOUN" and d["number"] == "pl" and d["is_subject"] is True
    assert all(isinstance(v, (str, int, bool, type(None))) for v in d.values())


@pytest.mark.parametrize(
    "text, word, pos",
    [
        ("The dogs bark at strangers.", "bark", "VERB"),
        ("The bark of the tree is rough.", "bark", "NOUN"),
        ("The flowers in the garden smell sweet.", "smell", "VERB"),
        ("The smell of bread filled the room.", "smell", "NOUN"),
        ("My brother plays the guitar.", "plays", "VERB"),
        ("She reads long books.", "books", "NOUN"),
        ("Mary bought a new one.", "one", "NOUN"),
        ("The quick brown fox jumps.", "quick", "ADJ"),
        ("A frozen lake glittered.", "frozen", "ADJ"),
        ("The window was broken by a stone.", "broken", "VERB"),
        ("Mark and Lisa are painting the old fence.", "Mark", "PROPN"),
        ("The river flows quickly after heavy rain.", "after", "ADP"),
        ("The students left before the bell rang.", "before", "SCONJ"),
        ("The man who lives here is a doctor.", "who", "REL"),
        ("The book that I read was long.", "that", "REL"),
        ("I know that dog.", "that", "DET"),
        ("They visited the old cathedral.", "cathedral", "NOUN"),  # unknown word, noun by position
        ("Snorgles blimp the zarfs.", "zarfs", "NOUN"),
    ],
)
def test_part_of_speech_in_context(text: str, word: str, pos: str) -> None:
    assert feats(text)[word].pos == pos


def test_morphology_number_gender_animacy() -> None:
    f = feats("The women and the wolves saw Tom, a table and a teacher.")
    assert (f["women"].number, f["women"].gender, f["women"].animacy) == ("pl", "fem", "human")
    assert (f["wolves"].number, f["wolves"].animacy) == ("pl", "animal")
    assert (f["Tom"].pos, f["Tom"].gender, f["Tom"].animacy) == ("PROPN", "masc", "human")
    assert (f["table"].number, f["table"].animacy) == ("sg", "thing")
    assert f["teacher"].animacy == "human" and f["teacher"].gender is None


def test_pronoun_features() -> None:
    f = feats("He gave her his book and they thanked him; it was theirs.")
    assert (f["He"].person, f["He"].number, f["He"].gender) == (3, "sg", "masc")
    assert f["her"].gender == "fem" and f["her"].is_anaphor
    assert f["his"].pos == "DET" and f["his"].tag == "possessive" and f["his"].is_anaphor
    assert f["they"].number == "pl" and f["it"].gender == "neut"
    assert not feats("I saw you.")["I"].is_anaphor  # first/second person: no antecedent to find


@pytest.mark.parametrize(
    "text, subject, verb",
    [
        ("The keys to the cabinet are on the table.", "keys", "are"),
        ("The man who lives next door is a doctor.", "man", "is"),
        ("The cookies that my grandmother baked smell delicious.", "cookies", "smell"),
        ("Are the cats hungry?", "cats", "Are"),
        ("Where does the bus stop?", "bus", "does"),
        ("The children were playing in the garden.", "children", "were"),
        ("There are three cats in the garden.", "cats", "are"),
        ("When the rain stopped, the kids ran outside.", "kids", "ran"),
        ("The cake baked by my mother was delicious.", "cake", "was"),
    ],
)
def test_subject_and_finite_verb_share_a_clause(text: str, subject: str, verb: str) -> None:
    f = feats(text)
    assert f[subject].is_subject, [(x.text, x.is_subject) for x in f.values()]
    assert f[verb].is_finite_verb
    assert f[subject].clause == f[verb].clause
    others = [x for x in f.values() if x.is_finite_verb and x.clause == f[subject].clause and x.text != verb]
    assert not others


def test_prepositional_object_is_not_the_subject() -> None:
    f = feats("The keys to the cabinet are lost.")
    assert f["cabinet"].in_pp and not f["cabinet"].is_subject


def test_coordinated_subjects() -> None:
    f = feats("Tom and Mary are painting the fence.")
    assert f["Tom"].is_subject and f["Mary"].is_subject
    assert f["Tom"].clause == f["Mary"].clause == f["are"].clause


def test_clause_markers_separate_clauses() -> None:
    f = feats("The students finished their homework before the bell rang.")
    assert f["students"].clause == f["finished"].clause
    assert f["bell"].clause == f["rang"].clause != f["students"].clause


def test_phrase_markers() -> None:
    f = feats("The quick brown fox jumps over the lazy dog.")
    assert f["quick"].phrase == f["brown"].phrase == f["fox"].phrase
    assert (f["quick"].phrase_role, f["fox"].phrase_role, f["The"].phrase_role) == ("adjective", "head", "determiner")
    assert f["lazy"].phrase == f["dog"].phrase != f["fox"].phrase
    assert f["over"].phrase_role == "preposition" and f["over"].phrase == f["dog"].phrase


def test_predicative_adjective_has_no_phrase() -> None:
    f = feats("The apples taste sour.")
    assert f["sour"].pos == "ADJ" and f["sour"].phrase is None


def test_kitchen_table_is_one_phrase_with_head_table() -> None:
    f = feats("The keys are on the kitchen table.")
    assert f["kitchen"].phrase_role == "modifier" and f["table"].phrase_role == "head"
    assert f["table"].is_antecedent and not f["kitchen"].is_antecedent


def test_roles_object_and_antecedent() -> None:
    f = feats("The chef tasted the soup before he served it.")
    assert f["soup"].is_object and f["soup"].is_antecedent
    assert f["chef"].is_subject and not f["chef"].is_object
    assert f["it"].is_object and f["it"].is_anaphor and not f["it"].is_antecedent


@pytest.mark.parametrize(
    "text",
    ["", "!!!", "😀 😀", "42", "Die Katze schläft auf der Matte.", "the the the the", ". , ; :", "'s",
     "don't won't can't", "and and and", "who which that", "A", "Is?", "x" * 300],
)
def test_odd_input_never_raises(text: str) -> None:
    toks = tokenize(text) if text.strip() else []
    fs = tag(toks)
    assert len(fs) == len(toks)
    assert all(f.pos for f in fs)
