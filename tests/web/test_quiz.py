"""HTTP tests of the quick check: the quiz page, its JSON twin, grading over JSON and over a plain form post."""

from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pytest

from app import quiz
from app.routers.quiz import GradeOut, QuizOut
from app.sources import run_attention
from htmltext import visible_text

SLUG = "multi-head-attention"
PAGE = f"/lessons/{SLUG}/quiz"
API = f"/api/quiz/{SLUG}"
ANSWERS = f"/api/quiz/{SLUG}/answers"
SEED_LINES = [
    "Quick Check",
    "Why does Multi-Head Attention use multiple heads instead of one big attention head?",
    "To increase the vocabulary size",
    "To process multiple sentences at once",
    "Each head can learn to capture different types of relationships simultaneously",
    "To reduce memory usage",
]


@pytest.fixture
def secret(app) -> bytes:
    return app.state.settings.secret


def fresh(client, **params) -> dict:
    response = client.get(API, params=params)
    assert response.status_code == 200, response.text
    QuizOut.model_validate(response.json())
    return response.json()


def question(client, kind: str, nonce: int = 5, **params) -> dict:
    return next(q for q in fresh(client, nonce=nonce, **params)["questions"] if q["kind"] == kind)


def grade(client, *answers) -> dict:
    response = client.post(ANSWERS, json={"answers": [{"id": i, "answer": a} for i, a in answers]})
    assert response.status_code == 200, response.text
    GradeOut.model_validate(response.json())
    return response.json()


def refused(response, *phrases: str) -> str:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/json")
    detail = response.json()["detail"]
    text = detail if isinstance(detail, str) else " ".join(detail)
    for phrase in phrases:
        assert phrase in text
    return text


def right_answers(client, questions: list[dict]) -> list[tuple[str, str]]:
    """Each question's right answer, as the server reports it for a first (any) answer."""
    out = []
    for q in questions:
        first = q["options"][0]["key"] if q["options"] else "1"
        out.append((q["id"], grade(client, (q["id"], first))["results"][0]["right_answer"]))
    return out


# ---------------------------------------------------------------------------------------------- the page


def test_the_quiz_page_shows_the_lessons_question_verbatim(client):
    response = client.get(PAGE)
    assert response.status_code == 200
    text = visible_text(response.text)
    for line in SEED_LINES:
        assert line in text, line
    html = response.text
    assert "<h1 id=\"quiz-title\">Quick Check</h1>" in html
    for key in "ABCD":
        assert f'<input type="radio" name="answer-1" value="{key}" required data-answer> <span class="option-key">{key}</span>' in html
    assert html.count("data-question ") == 4
    assert 'method="post" action="/lessons/multi-head-attention/quiz"' in html
    assert 'name="id-1" value="seed"' in html


def test_the_practice_questions_are_on_the_page(client):
    html = client.get(PAGE, params={"nonce": 7}).text
    text = visible_text(html)
    assert "Which relationship does this head capture?" in text
    assert "Where does this token look?" in text
    for label in ("subject → verb", "adjective → noun", "coreference", "proximity"):
        assert label in text
    assert html.count("data-quiz-figure") == 2  # the two heads to read, as Plotly JSON
    assert html.count('<table class="matrix">') == 2  # and as tables, without JavaScript
    assert 'type="number"' in html and 'name="answer-4"' in html


def test_the_page_and_its_json_twin_ask_the_same_questions(client):
    html = client.get(PAGE, params={"nonce": 12}).text
    ids = re.findall(r'name="id-\d" value="([^"]+)"', html)
    assert ids == [q["id"] for q in fresh(client, nonce=12)["questions"]]


def test_the_quiz_page_loads_only_its_own_scripts(client):
    html = client.get(PAGE).text
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts, "no scripts"
    for attrs in scripts:
        assert ("src=" in attrs and "defer" in attrs) or 'type="application/json"' in attrs, attrs
    assert "/static/vendor/plotly-" in html and "js/plots.js" in html and "js/quiz.js" in html


def test_slide_5_leads_to_the_quiz_with_the_learners_sentence(client):
    text = "Tom called his sister because he missed her."
    html = client.get(f"/lessons/{SLUG}/slides/5", params={"text": text}).text
    href = re.search(r'rel="next" data-nav="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert href.startswith(PAGE + "?")
    page = client.get(href)
    assert page.status_code == 200
    assert page.text.count(f"<q data-quiz-sentence>{text}</q>") == 2
    assert "data-quiz-note" not in page.text
    assert 'href="/lessons/multi-head-attention/quiz?text=Tom+called' in page.text  # "New practice questions"


@pytest.mark.parametrize("text", ["x" * 301, "a\x01b c d", "Hi."])
def test_an_unusable_sentence_falls_back_with_a_note(client, text):
    response = client.get(PAGE, params={"text": text})
    assert response.status_code == 200
    assert "data-quiz-note" in response.text
    assert "the practice questions use sentences from the lesson" in visible_text(response.text)


def test_learner_text_is_escaped_everywhere(client):
    text = '<img src=x onerror=alert(1)> and "the" cat </script> sat.'
    response = client.get(PAGE, params={"text": text})
    assert response.status_code == 200
    assert "<img src=x" not in response.text and "</script> sat" not in response.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in response.text


def test_unknown_lessons_are_404(client):
    page = client.get("/lessons/nope/quiz")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    api = client.get("/api/quiz/nope")
    assert api.status_code == 404 and "There is no lesson called 'nope'." == api.json()["detail"]
    post = client.post("/api/quiz/nope/answers", json={"answers": [{"id": "seed", "answer": "C"}]})
    assert post.status_code == 404


def test_the_json_twin_is_deterministic_by_nonce_and_fresh_without(client):
    assert fresh(client, nonce=3) == fresh(client, nonce=3)
    a, b = fresh(client), fresh(client)
    assert a["nonce"] != b["nonce"] or a == b
    assert [q["kind"] for q in a["questions"]] == ["seed", "relation", "look", "shape"]
    relation = a["questions"][1]
    assert relation["figure"]["data"][0]["type"] == "heatmap"
    assert relation["head"] is None  # nothing on the question names the head (its relation is the answer)


@pytest.mark.parametrize("params", [{"nonce": "-1"}, {"nonce": "abc"}, {"nonce": str(2**31)}, {"text": "x" * 301}])
def test_the_json_twin_refuses_bad_parameters(client, params):
    assert client.get(API, params=params).status_code == 422


# ------------------------------------------------------------------------------------------- grading (JSON)


@pytest.mark.parametrize("key", ["A", "B", "C", "D"])
def test_every_option_of_the_lessons_question_is_graded(client, key):
    result = grade(client, ("seed", key))["results"][0]
    assert result["correct"] is (key == "C")
    assert result["right_answer"] == "C"
    assert result["right_label"] == SEED_LINES[4]
    assert result["answer"] == key
    lines = {o["key"]: o for o in result["options"]}
    assert list(lines) == ["A", "B", "C", "D"] and lines[key]["chosen"]
    for k in "ABD":  # one line for each wrong option, saying why it's wrong
        assert not lines[k]["correct"] and lines[k]["explanation"].startswith("Not quite")
    assert lines["C"]["correct"] and lines["C"]["explanation"].startswith("Right")
    assert "vocabulary is fixed by the tokenizer" in lines["A"]["explanation"]
    assert "batching" in lines["B"]["explanation"]
    assert "memory stays roughly the same" in lines["D"]["explanation"]


def test_the_relation_question_is_graded_against_the_model(client, secret):
    for nonce in range(6):
        q = question(client, "relation", nonce)
        head = quiz.read_id(q["id"], secret, SLUG)["h"]
        truth = run_attention(q["sentence"], num_heads=4, source="illustrative").heads[head].relation
        for option in q["options"]:
            result = grade(client, (q["id"], option["key"]))["results"][0]
            assert result["correct"] is (option["key"] == truth)
            assert result["right_answer"] == truth
            assert result["explanation"]


def test_the_look_question_is_graded_against_the_engines_argmax(client, secret):
    for nonce in range(6):
        q = question(client, "look", nonce)
        spec = quiz.read_id(q["id"], secret, SLUG)
        weights = run_attention(q["sentence"], num_heads=4, source="illustrative").result.weights
        best = str(int(np.argmax(weights[spec["h"]][spec["q"]])))
        assert best in [o["key"] for o in q["options"]]
        for option in q["options"]:
            result = grade(client, (q["id"], option["key"]))["results"][0]
            assert result["correct"] is (option["key"] == best)
            assert result["right_answer"] == best


def _swap_model(monkeypatch, change):
    real_run = run_attention

    def fake(text, num_heads=4, source="illustrative", seed=None):
        real = real_run(text, num_heads=num_heads, source=source, seed=seed)
        relations, weights = change([h.relation for h in real.heads], np.array(real.result.weights, dtype=float))
        return SimpleNamespace(tokens=real.tokens, heads=[SimpleNamespace(relation=r) for r in relations],
                               result=SimpleNamespace(weights=weights))

    monkeypatch.setattr(quiz, "run_attention", fake)


def test_a_relation_answer_changes_when_the_model_says_something_else(client, secret, monkeypatch):
    q = question(client, "relation", 4)
    head = quiz.read_id(q["id"], secret, SLUG)["h"]
    before = grade(client, (q["id"], "subject_verb"))["results"][0]["right_answer"]
    other = "coreference" if before != "coreference" else "proximity"

    def relabel(relations, weights):
        relations[head] = other
        return relations, weights

    _swap_model(monkeypatch, relabel)
    after = grade(client, (q["id"], other))["results"][0]
    assert after["correct"] is True and after["right_answer"] == other != before
    assert grade(client, (q["id"], before))["results"][0]["correct"] is False


def test_a_look_answer_changes_when_the_model_says_something_else(client, secret, monkeypatch):
    q = question(client, "look", 4)
    spec = quiz.read_id(q["id"], secret, SLUG)
    before = grade(client, (q["id"], q["options"][0]["key"]))["results"][0]["right_answer"]
    other = next(o["key"] for o in q["options"] if o["key"] != before)

    def move(relations, weights):
        weights[spec["h"], spec["q"], :] = 0.05
        weights[spec["h"], spec["q"], int(other)] = 0.6
        return relations, weights

    _swap_model(monkeypatch, move)
    after = grade(client, (q["id"], other))["results"][0]
    assert after["correct"] is True and after["right_answer"] == other != before
    assert grade(client, (q["id"], before))["results"][0]["correct"] is False


def test_the_shape_question_is_graded_by_arithmetic(client, secret):
    for nonce in range(8):
        q = question(client, "shape", nonce)
        spec = quiz.read_id(q["id"], secret, SLUG)
        right = spec["a"] * spec["b"] if spec["f"] == "concat" else spec["a"] // spec["b"]
        assert str(spec["a"]) in q["prompt"] and str(spec["b"]) in q["prompt"]
        assert grade(client, (q["id"], str(right)))["results"][0]["correct"] is True
        assert grade(client, (q["id"], right))["results"][0]["correct"] is True  # a JSON number is fine too
        wrong = grade(client, (q["id"], str(right * 2)))["results"][0]
        assert wrong["correct"] is False and wrong["right_answer"] == str(right)


def test_a_whole_quiz_is_scored_in_one_request(client):
    questions = fresh(client, nonce=21)["questions"]
    body = grade(client, *right_answers(client, questions))
    assert (body["score"], body["total"]) == (4, 4)
    wrong = [(q["id"], "A" if q["kind"] == "seed" else "1" if q["kind"] == "shape" else None) for q in questions]
    for n, (qid, answer) in enumerate(wrong):
        if answer is None:
            q = questions[n]
            right = body["results"][n]["right_answer"]
            wrong[n] = (qid, next(o["key"] for o in q["options"] if o["key"] != right))
    body = grade(client, *wrong)
    assert body["score"] == 0 and [r["id"] for r in body["results"]] == [q["id"] for q in questions]


# --------------------------------------------------------------------------------------------- refusals (JSON)


def _tampered(client, secret) -> dict[str, str]:
    q = question(client, "relation", 2)
    qid = q["id"]
    payload, sig = qid.split(".")
    other = question(client, "look", 2)["id"]
    flip = lambda s, i: s[:i] + ("B" if s[i] == "A" else "A") + s[i + 1:]  # noqa: E731
    return {
        "payload changed": flip(payload, 10) + "." + sig,
        "signature changed": payload + "." + flip(sig, 0),
        "signature of another question": payload + "." + other.split(".")[1],
        "from another lesson": quiz.sign(quiz.read_id(qid, secret, SLUG), secret, "another-lesson"),
        "signed with another secret": quiz.sign(quiz.read_id(qid, secret, SLUG), b"guess", SLUG),
        "unknown": "question-1",
        "garbled": "%%%.***",
        "seed with a dot": "seed.",
    }


@pytest.mark.parametrize("case", ["payload changed", "signature changed", "signature of another question",
                                  "from another lesson", "signed with another secret", "unknown", "garbled",
                                  "seed with a dot"])
def test_a_tampered_or_unknown_question_id_is_422(client, secret, case):
    qid = _tampered(client, secret)[case]
    response = client.post(ANSWERS, json={"answers": [{"id": qid, "answer": "proximity"}]})
    refused(response, "isn't one this quick check asked", "Reload the quiz")


@pytest.mark.parametrize("body,phrases", [
    ({}, ["'answers' is required."]),
    ({"answers": []}, ["'answers'"]),
    ({"answers": "C"}, ["'answers'"]),
    ({"answers": [{"answer": "C"}]}, ["'answers.0.id' is required."]),
    ({"answers": [{"id": "seed"}]}, ["'answers.0.answer' is required."]),
    ({"answers": [{"id": "seed", "answer": None}]}, ["answers.0.answer"]),
    ({"answers": [{"id": "seed", "answer": ["C"]}]}, ["answers.0.answer"]),
    ({"answers": [{"id": "seed", "answer": True}]}, ["answers.0.answer"]),
    ({"answers": [{"id": "seed", "answer": "C", "correct": True}]}, ["answers.0.correct"]),
    ({"answers": [{"id": "seed", "answer": "E"}]}, ["“E” isn't one of the options", "“C”"]),
    ({"answers": [{"id": "seed", "answer": "c "}]}, ["isn't one of the options"]),
    ({"answers": [{"id": "seed", "answer": ""}]}, ["Please choose an answer"]),
    ({"answers": [{"id": "seed", "answer": "A"}, {"id": "seed", "answer": "C"}]}, ["answered more than once"]),
    ({"answers": [{"id": "seed", "answer": "C"}] * 13}, ["'answers'"]),
    ({"answers": [{"id": "x" * 2001, "answer": "C"}]}, ["answers.0.id"]),
    ({"answers": [{"id": "seed", "answer": "C" * 101}]}, ["answers.0.answer"]),
    ({"answers": [{"id": "seed", "answer": "C"}, {"id": "nope", "answer": "A"}]},
     ["The question id of answer 2 isn't one this quick check asked"]),
])
def test_malformed_missing_and_duplicated_answers_are_422(client, body, phrases):
    refused(client.post(ANSWERS, json=body), *phrases)


def test_answers_that_are_not_json_are_422(client):
    response = client.post(ANSWERS, content=b"answers=C", headers={"content-type": "application/json"})
    refused(response, "The request body is not valid JSON.")
    refused(client.post(ANSWERS, content=b"[1, 2", headers={"content-type": "application/json"}))


def test_a_practice_answer_that_is_not_an_option_is_422(client):
    relation = question(client, "relation")
    refused(client.post(ANSWERS, json={"answers": [{"id": relation["id"], "answer": "subject-verb"}]}),
            "isn't one of the options", "“subject_verb”")
    look = question(client, "look")
    unshown = next(str(i) for i in range(60) if str(i) not in [o["key"] for o in look["options"]])
    refused(client.post(ANSWERS, json={"answers": [{"id": look["id"], "answer": unshown}]}),
            "isn't one of the options")
    shape = question(client, "shape")
    refused(client.post(ANSWERS, json={"answers": [{"id": shape["id"], "answer": "sixty-four"}]}),
            "must be a whole number")


# ----------------------------------------------------------------------------------------- the form (no JS)


def form_for(questions: list[dict], answers: list[str | None]) -> dict[str, str]:
    data = {}
    for n, (q, a) in enumerate(zip(questions, answers), start=1):
        data[f"id-{n}"] = q["id"]
        if a is not None:
            data[f"answer-{n}"] = a
    return data


def test_the_form_post_shows_the_score_explanations_and_four_heads(client):
    questions = fresh(client, nonce=17)["questions"]
    right = [a for _, a in right_answers(client, questions)]
    response = client.post(PAGE, data=form_for(questions, right))
    assert response.status_code == 200
    html = response.text
    text = visible_text(html)
    assert "Quick Check: your score" in text and "You got 4 / 4 right." in text
    assert 'data-score="4" data-total="4"' in html and f'data-slug="{SLUG}"' in html
    assert html.count('data-correct="true"') >= 4
    assert html.count('class="head-panel"') == 4  # the visual explanation: four heads, one sentence
    assert "data-attention-payload" in html and 'class="head-grid heads-4"' in html
    assert f"<q data-heads-sentence>{questions[1]['sentence']}</q>" in html
    for label in ("Try again", "Back to the overview"):
        assert label in text
    assert "js/quiz.js" in html and "/static/vendor/plotly-" in html and "js/plots.js" in html


def test_the_form_post_explains_wrong_answers(client):
    questions = fresh(client, nonce=17)["questions"]
    right = [a for _, a in right_answers(client, questions)]
    wrong = ["B"]
    for q, r in zip(questions[1:], right[1:]):
        wrong.append(next(o["key"] for o in q["options"] if o["key"] != r) if q["options"] else str(int(r) + 1))
    response = client.post(PAGE, data=form_for(questions, wrong))
    assert response.status_code == 200
    text = visible_text(response.text)
    assert "You got 0 / 4 right." in text
    assert "✗ Not quite. You answered “To process multiple sentences at once”." in text
    assert f"The right answer is “{SEED_LINES[4]}”." in text
    assert "batching" in text and "the vocabulary is fixed by the tokenizer" in text  # a line per wrong option
    assert "isn't the pattern in this heatmap" in text
    assert "the largest in that row" in text


def test_a_form_with_a_missing_answer_comes_back_with_the_answers_kept(client):
    questions = fresh(client, nonce=17)["questions"]
    response = client.post(PAGE, data=form_for(questions, ["C", None, None, "64"]))
    assert response.status_code == 422
    html = response.text
    assert "Please answer questions 2, 3 before checking your score." in visible_text(html)
    assert 'value="C" required checked' in html and 'value="64"' in html
    assert re.findall(r'name="id-\d" value="([^"]+)"', html) == [q["id"] for q in questions]


@pytest.mark.parametrize("case", ["tampered", "duplicated answer", "duplicated question", "not an option",
                                  "no questions", "not a number", "bad utf-8"])
def test_bad_forms_get_a_friendly_422(client, secret, case):
    questions = fresh(client, nonce=17)["questions"]
    tampered = _tampered(client, secret)["payload changed"]
    bodies = {
        "tampered": f"id-1=seed&answer-1=C&id-2={tampered}&answer-2=proximity",
        "duplicated answer": "id-1=seed&answer-1=C&answer-1=A",
        "duplicated question": "id-1=seed&answer-1=C&id-2=seed&answer-2=A",
        "not an option": "id-1=seed&answer-1=Z",
        "no questions": "answer=C",
        "not a number": f"id-1={questions[3]['id']}&answer-1=lots",
        "bad utf-8": b"id-1=seed&answer-1=\xff\xfe",
    }
    body = bodies[case]
    response = client.post(PAGE, content=body if isinstance(body, bytes) else body.encode(),
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 422, case
    assert response.headers["content-type"].startswith("text/html")
    assert "Traceback" not in response.text
    text = visible_text(response.text)
    expected = {
        "tampered": "Question 2 isn't one this quick check asked",
        "duplicated answer": "Question 1 was sent with more than one answer",
        "duplicated question": "The same question appears twice",
        "not an option": "“Z” isn't one of the options",
        "no questions": "The form has no questions in it",
        "not a number": "must be a whole number",
        "bad utf-8": "The form could not be read",
    }[case]
    assert expected in text


def test_the_form_endpoint_wants_a_form(client):
    response = client.post(PAGE, json={"answers": [{"id": "seed", "answer": "C"}]})
    assert response.status_code == 415
    assert "Send your answers with the quiz page's form" in visible_text(response.text)


def test_the_lesson_overview_has_a_place_for_the_last_score(client):
    html = client.get(f"/lessons/{SLUG}").text
    assert f'data-last-score="{SLUG}"' in html
    assert f'href="{PAGE}"' in html
