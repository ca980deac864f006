"""The quick check's pure logic (app/quiz.py): question ids, generation from the model, grading, form parsing."""

from __future__ import annotations

import base64
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import orjson
import pytest
from hypothesis import given, settings, strategies as st

from app import quiz
from app.content import load_lessons
from app.sources import expected_pairs, relation_accuracy, run_attention

ROOT = Path(__file__).resolve().parents[1]
SLUG = "multi-head-attention"
SECRET = b"test-secret"


@pytest.fixture(scope="module")
def lesson():
    return load_lessons(ROOT / "lessons")[SLUG]


def by_kind(made: quiz.Quiz) -> dict[str, quiz.Question]:
    return {q.kind: q for q in made.questions}


def spec_of(question_id: str) -> dict:
    return quiz.read_id(question_id, SECRET, SLUG)


# ------------------------------------------------------------------------------------------------ signing


def test_a_signed_spec_reads_back():
    spec = {"v": 1, "k": "shape", "f": "d_k", "a": 512, "b": 8, "n": 7}
    qid = quiz.sign(spec, SECRET, SLUG)
    assert quiz.read_id(qid, SECRET, SLUG) == spec
    assert len(qid) < 200


def _flip(text: str, i: int) -> str:
    return text[:i] + ("A" if text[i] != "A" else "B") + text[i + 1:]


@pytest.mark.parametrize("change", ["payload", "signature", "other lesson", "other secret", "new spec",
                                    "swapped signature", "no dot", "two dots", "empty", "seedish", "too long"])
def test_a_changed_or_foreign_id_is_refused(change):
    spec = {"v": 1, "k": "shape", "f": "d_k", "a": 512, "b": 8, "n": 7}
    qid = quiz.sign(spec, SECRET, SLUG)
    payload, sig = qid.split(".")
    other = quiz.sign({**spec, "a": 768}, SECRET, SLUG)
    forged = base64.urlsafe_b64encode(orjson.dumps({**spec, "a": 1024})).rstrip(b"=").decode()
    candidates = {
        "payload": _flip(payload, 5) + "." + sig,
        "signature": payload + "." + _flip(sig, 3),
        "other lesson": quiz.sign(spec, SECRET, "another-lesson"),
        "other secret": quiz.sign(spec, b"another secret", SLUG),
        "new spec": forged + "." + sig,
        "swapped signature": payload + "." + other.split(".")[1],
        "no dot": payload + sig,
        "two dots": qid + ".x",
        "empty": "",
        "seedish": "seed.",
        "too long": payload + "A" * quiz.MAX_ID_CHARS + "." + sig,
    }
    with pytest.raises(quiz.QuizError, match="isn't one this quick check asked"):
        quiz.read_id(candidates[change], SECRET, SLUG)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_string_is_an_id_or_a_clear_refusal(text):
    try:
        quiz.read_id(text, SECRET, SLUG)
    except quiz.QuizError as exc:
        assert "Reload the quiz" in str(exc)
    else:  # pragma: no cover - forging an HMAC by chance
        pytest.fail(f"accepted a random id: {text!r}")


def test_a_signed_but_malformed_spec_is_refused():
    for spec in ({"v": 1, "k": "bogus", "n": 1}, {"v": 2, "k": "shape", "f": "d_k", "a": 512, "b": 8, "n": 1},
                 {"v": 1, "k": "look", "s": "The cat sat.", "h": 9, "q": 0, "o": [0, 1], "n": 1}, [1, 2]):
        with pytest.raises(quiz.QuizError):
            quiz.read_id(quiz.sign(spec, SECRET, SLUG), SECRET, SLUG)


# --------------------------------------------------------------------------------------------- generation


def test_a_quiz_has_the_lessons_question_then_three_practice_questions(lesson):
    made = quiz.make_quiz(lesson, SECRET, nonce=1)
    assert [q.kind for q in made.questions] == ["seed", "relation", "look", "shape"]
    seed = made.questions[0]
    assert seed.id == quiz.SEED_ID
    assert seed.prompt == lesson.quick_check.question
    assert [(o.key, o.label) for o in seed.options] == [(o.key, o.text) for o in lesson.quick_check.options]
    assert len({q.id for q in made.questions}) == 4
    assert made.title == "Quick Check"


def test_the_same_nonce_gives_the_same_quiz_and_others_vary(lesson):
    a = quiz.make_quiz(lesson, SECRET, nonce=42)
    assert [q.id for q in a.questions] == [q.id for q in quiz.make_quiz(lesson, SECRET, nonce=42).questions]
    quizzes = [quiz.make_quiz(lesson, SECRET, nonce=n) for n in range(30)]
    relation_sentences = {by_kind(m)["relation"].sentence for m in quizzes}
    relations = {spec_of(by_kind(m)["relation"].id)["h"] for m in quizzes}
    look_heads = {by_kind(m)["look"].head for m in quizzes}
    shapes = {by_kind(m)["shape"].prompt for m in quizzes}
    assert len(relation_sentences) >= 3 and len(relations) >= 3 and len(look_heads) >= 3 and len(shapes) >= 10


@pytest.mark.parametrize("nonce", range(25))
def test_the_relation_question_shows_a_head_whose_relation_is_in_the_sentence(lesson, nonce):
    question = by_kind(quiz.make_quiz(lesson, SECRET, nonce=nonce))["relation"]
    spec = spec_of(question.id)
    run = run_attention(question.sentence, num_heads=4, source="illustrative")
    relation = run.heads[spec["h"]].relation
    pairs = expected_pairs(question.sentence)
    assert pairs[relation], "the head's relation must occur in the sentence"
    hits, total = relation_accuracy(run.result.weights[spec["h"]], pairs[relation])
    assert hits == total
    # No other relation of the sentence is captured as fully by this head: exactly one option reads right.
    for other, other_pairs in pairs.items():
        if other != relation and other_pairs:
            hits, total = relation_accuracy(run.result.weights[spec["h"]], other_pairs)
            assert hits < total, other
    assert [o.key for o in question.options] == list(quiz.RELATIONS)
    assert question.sentence in lesson.quick_check.practice_sentences
    assert "subject" not in question.figure["data"][0]["name"].lower()  # the plot doesn't give the answer away
    np.testing.assert_allclose(question.weights, np.round(run.result.weights[spec["h"]], 4))


@pytest.mark.parametrize("nonce", range(25))
def test_the_look_question_asks_about_a_clear_row_and_offers_its_argmax(lesson, nonce):
    question = by_kind(quiz.make_quiz(lesson, SECRET, nonce=nonce))["look"]
    spec = spec_of(question.id)
    run = run_attention(question.sentence, num_heads=4, source="illustrative")
    row = np.asarray(run.result.weights[spec["h"]][spec["q"]], dtype=float)
    best = int(row.argmax())
    assert row[best] >= 0.4 and row[best] - np.sort(row)[-2] >= 0.15
    keys = [o.key for o in question.options]
    assert str(best) in keys and 2 <= len(keys) <= 4
    labels = [o.label for o in question.options]
    assert len(set(labels)) == len(labels)
    assert question.head == spec["h"] + 1 and question.query == spec["q"]
    assert f"“{quiz.token_labels(list(run.tokens))[spec['q']]}”" in question.prompt
    assert question.figure["layout"]["shapes"][0]["y0"] == spec["q"] - 0.5


def test_repeated_words_are_labelled_by_position():
    assert quiz.token_labels(["the", "cat", "saw", "the", "dog"]) == ["the (1)", "cat", "saw", "the (4)", "dog"]


def test_the_shape_question_varies_its_numbers_and_they_divide(lesson):
    seen = set()
    for n in range(60):
        spec = spec_of(by_kind(quiz.make_quiz(lesson, SECRET, nonce=n))["shape"].id)
        seen.add((spec["f"], spec["a"], spec["b"]))
        if spec["f"] in ("d_k", "heads"):
            assert spec["a"] % spec["b"] == 0
    assert {f for f, _, _ in seen} == set(quiz.SHAPE_FORMS)
    assert len(seen) >= 15


def test_the_learners_own_sentence_is_used(lesson):
    text = "The big dog chased the small cat because it was hungry."
    made = quiz.make_quiz(lesson, SECRET, text="Tom called his sister because he missed her.", nonce=3)
    kinds = by_kind(made)
    assert kinds["relation"].sentence == kinds["look"].sentence == "Tom called his sister because he missed her."
    assert made.note is None and made.own_text == "Tom called his sister because he missed her."
    assert by_kind(quiz.make_quiz(lesson, SECRET, text=text, nonce=4))["relation"].sentence == text


@pytest.mark.parametrize("text", ["x" * 400, "bad\x00text", "   "])
def test_an_unusable_sentence_falls_back_to_the_pool_with_a_note(lesson, text):
    made = quiz.make_quiz(lesson, SECRET, text=text, nonce=3)
    kinds = by_kind(made)
    assert kinds["relation"].sentence in lesson.quick_check.practice_sentences
    assert kinds["look"].sentence in lesson.quick_check.practice_sentences
    if text.strip():
        assert made.note and "couldn't be used" in made.note
    assert made.own_text is None


def test_a_too_short_sentence_falls_back_with_a_note(lesson):
    made = quiz.make_quiz(lesson, SECRET, text="Hmm.", nonce=3)
    assert by_kind(made)["relation"].sentence in lesson.quick_check.practice_sentences
    assert by_kind(made)["look"].sentence in lesson.quick_check.practice_sentences
    assert made.note and "too short" in made.note


def test_a_sentence_without_a_readable_relation_says_so(lesson, monkeypatch):
    own = "Tom called his sister because he missed her."
    real = quiz.readable_heads
    monkeypatch.setattr(quiz, "readable_heads", lambda s, run=None: [] if s == own else real(s, run))
    made = quiz.make_quiz(lesson, SECRET, text=own, nonce=3)
    assert by_kind(made)["relation"].sentence in lesson.quick_check.practice_sentences
    assert by_kind(made)["look"].sentence == own  # the other heatmap question still uses it
    assert made.note and "doesn't show any of the four relationships" in made.note


def test_a_pool_of_unusable_sentences_still_gives_a_quiz(lesson):
    qc = lesson.quick_check.model_copy(update={"practice_sentences": ["…", "?!"]})
    odd = lesson.model_copy(update={"quick_check": qc})
    made = quiz.make_quiz(odd, SECRET, nonce=1)
    assert made.questions[0].kind == "seed" and made.questions[-1].kind == "shape"
    graded = quiz.grade(odd, SECRET, [(q.id, q.options[0].key if q.options else "1") for q in made.questions])
    assert graded.total == len(made.questions)


# ------------------------------------------------------------------------------------------------ grading


@pytest.mark.parametrize("key", ["A", "B", "C", "D"])
def test_every_option_of_the_lessons_question_is_graded(lesson, key):
    result = quiz.grade(lesson, SECRET, [("seed", key)]).results[0]
    assert result.correct is (key == "C")
    assert result.right_answer == "C"
    assert [o.key for o in result.options] == ["A", "B", "C", "D"]
    assert [o.chosen for o in result.options] == [k == key for k in "ABCD"]
    by_key = {o.key: o for o in result.options}
    for k, option in by_key.items():
        assert option.explanation == next(o.explanation for o in lesson.quick_check.options if o.key == k)
        assert option.explanation.startswith("Right" if k == "C" else "Not quite")


def _fake_run(real, relations=None, weights=None):
    heads = [SimpleNamespace(relation=r) for r in (relations or [h.relation for h in real.heads])]
    w = real.result.weights if weights is None else weights
    return SimpleNamespace(tokens=real.tokens, heads=heads, result=SimpleNamespace(weights=w))


def test_the_relation_answer_comes_from_the_model_and_follows_it(lesson, monkeypatch):
    question = by_kind(quiz.make_quiz(lesson, SECRET, nonce=8))["relation"]
    h = spec_of(question.id)["h"]
    real = run_attention(question.sentence, num_heads=4, source="illustrative")
    truth = real.heads[h].relation
    for option in question.options:
        result = quiz.grade(lesson, SECRET, [(question.id, option.key)]).results[0]
        assert result.correct is (option.key == truth)
        assert result.right_answer == truth
    # The model now says this head does something else: the same question is graded the new way.
    other = next(r for r in quiz.RELATIONS if r != truth)
    relabelled = [other if i == h else r.relation for i, r in enumerate(real.heads)]
    monkeypatch.setattr(quiz, "run_attention", lambda *a, **k: _fake_run(real, relations=relabelled))
    assert quiz.grade(lesson, SECRET, [(question.id, truth)]).results[0].correct is False
    result = quiz.grade(lesson, SECRET, [(question.id, other)]).results[0]
    assert result.correct is True and result.right_answer == other


def test_the_look_answer_is_the_engines_argmax_and_follows_it(lesson, monkeypatch):
    question = by_kind(quiz.make_quiz(lesson, SECRET, nonce=9))["look"]
    spec = spec_of(question.id)
    real = run_attention(question.sentence, num_heads=4, source="illustrative")
    best = int(np.argmax(real.result.weights[spec["h"]][spec["q"]]))
    for option in question.options:
        result = quiz.grade(lesson, SECRET, [(question.id, option.key)]).results[0]
        assert result.correct is (option.key == str(best))
        assert result.right_answer == str(best)
    assert "the largest in that row" in result.explanation
    other = next(int(o.key) for o in question.options if o.key != str(best))
    weights = np.array(real.result.weights, dtype=float)
    weights[spec["h"], spec["q"], :] = 0.0
    weights[spec["h"], spec["q"], other] = 1.0
    monkeypatch.setattr(quiz, "run_attention", lambda *a, **k: _fake_run(real, weights=weights))
    assert quiz.grade(lesson, SECRET, [(question.id, str(best))]).results[0].correct is False
    result = quiz.grade(lesson, SECRET, [(question.id, str(other))]).results[0]
    assert result.correct is True and result.right_answer == str(other)


def test_a_model_that_no_longer_fits_the_question_is_a_clear_error(lesson, monkeypatch):
    question = by_kind(quiz.make_quiz(lesson, SECRET, nonce=9))["look"]
    real = run_attention(question.sentence, num_heads=4, source="illustrative")
    monkeypatch.setattr(quiz, "run_attention",
                        lambda *a, **k: _fake_run(real, weights=np.ones((4, 2, 2)) / 2))
    with pytest.raises(quiz.QuizError, match="no longer matches the model"):
        quiz.grade(lesson, SECRET, [(question.id, question.options[0].key)])


@pytest.mark.parametrize("form,a,b,right", [("d_k", 512, 8, 64), ("heads", 768, 64, 12), ("concat", 8, 64, 512)])
def test_the_shape_answer_is_arithmetic(lesson, form, a, b, right):
    qid = quiz.sign({"v": 1, "k": "shape", "f": form, "a": a, "b": b, "n": 0}, SECRET, SLUG)
    assert quiz.grade(lesson, SECRET, [(qid, str(right))]).results[0].correct
    assert quiz.grade(lesson, SECRET, [(qid, f" +{right} ")]).results[0].correct
    assert quiz.grade(lesson, SECRET, [(qid, right)]).results[0].correct
    wrong = quiz.grade(lesson, SECRET, [(qid, str(right + 1))]).results[0]
    assert not wrong.correct and wrong.right_answer == str(right) and str(a) in wrong.explanation


@pytest.mark.parametrize("answers,message", [
    ([], "no answers"),
    ([("seed", "A"), ("seed", "C")], "answered more than once"),
    ([("seed", "E")], "isn't one of the options"),
    ([("seed", "")], "Please choose an answer"),
    ([("seed", None)], "Please choose an answer"),
    ([("seed", True)], "must be text"),
    ([("seed", ["C"])], "must be text"),
    ([("nope", "A")], "isn't one this quick check asked"),
    ([("seed", "C"), ("x.y", "A")], "The question id of answer 2 isn't one"),
])
def test_bad_answers_are_refused_with_a_clear_message(lesson, answers, message):
    with pytest.raises(quiz.QuizError, match=message):
        quiz.grade(lesson, SECRET, answers)


def test_a_number_question_wants_a_whole_number(lesson):
    qid = quiz.sign({"v": 1, "k": "shape", "f": "d_k", "a": 512, "b": 8, "n": 0}, SECRET, SLUG)
    for bad in ("sixty-four", "64.0", "-64", "1e3"):
        with pytest.raises(quiz.QuizError, match="whole number"):
            quiz.grade(lesson, SECRET, [(qid, bad)])
    with pytest.raises(quiz.QuizError, match="Please type an answer"):
        quiz.grade(lesson, SECRET, [(qid, " ")])


def test_a_full_quiz_is_scored(lesson):
    made = quiz.make_quiz(lesson, SECRET, nonce=11)
    right = []
    for q in made.questions:
        first = quiz.grade(lesson, SECRET, [(q.id, q.options[0].key if q.options else "1")]).results[0]
        right.append((q.id, first.right_answer))
    graded = quiz.grade(lesson, SECRET, right)
    assert (graded.score, graded.total) == (4, 4)
    assert all(r.explanation for r in graded.results)


# ---------------------------------------------------------------------------------------------------- forms


def test_form_fields_pair_up_in_page_order():
    fields = [("answer-2", "proximity"), ("id-1", "seed"), ("id-2", "abc.def"), ("answer-1", "C"), ("go", "")]
    assert quiz.answers_from_form(fields) == [("seed", "C"), ("abc.def", "proximity")]
    assert quiz.answers_from_form([("id-1", "seed")]) == [("seed", None)]


@pytest.mark.parametrize("fields,message", [
    ([("id-1", "seed"), ("answer-1", "A"), ("answer-1", "C")], "more than one answer"),
    ([("id-1", "seed"), ("id-1", "seed"), ("answer-1", "C")], "question id twice"),
    ([("answer-1", "C")], "no questions"),
    ([("id-1", "seed"), ("answer-3", "C")], "answer for question 3 but not the question"),
    ([], "no questions"),
])
def test_bad_forms_are_refused(fields, message):
    with pytest.raises(quiz.QuizError, match=message):
        quiz.answers_from_form(fields)
