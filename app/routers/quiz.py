"""The quick check: the quiz page, its form post (→ result page) and its JSON twin (questions and grading)."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl, urlencode

import orjson
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from app import quiz
from app.content import Lesson
from app.live import analyze
from app.routers.attention import json_response
from app.settings import MAX_CHARS
from app.web import get_lesson, render_error

router = APIRouter(tags=["quiz"])

Nonce = Annotated[int | None, Query(ge=0, le=quiz.MAX_NONCE, description="Draws the same practice questions again.")]
Text = Annotated[str | None, Query(max_length=MAX_CHARS, description="The learner's sentence for the heatmaps.")]


# -------------------------------------------------------------------------------------------- models (JSON)


class OptionOut(BaseModel):
    key: str = Field(description="What to send as the answer")
    label: str


class QuestionOut(BaseModel):
    id: str = Field(description="Opaque, signed: send it back with the answer")
    kind: Literal["seed", "relation", "look", "shape"]
    prompt: str
    hint: str
    input: Literal["choice", "number"]
    options: list[OptionOut] = Field(description="Empty for a number question")
    sentence: str | None = None
    tokens: list[str] | None = None
    head: int | None = Field(None, description="1-based head shown ('look' questions)")
    query: int | None = Field(None, description="0-based index of the query token ('look' questions)")
    figure: dict[str, Any] | None = Field(None, description="Plotly figure JSON of the head to read")


class QuizOut(BaseModel):
    slug: str
    title: str
    nonce: int
    note: str | None
    questions: list[QuestionOut]


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=quiz.MAX_ID_CHARS)
    answer: Annotated[str, Field(max_length=100)] | StrictInt


class AnswersIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answers: list[AnswerIn] = Field(min_length=1, max_length=quiz.MAX_QUESTIONS)


class OptionFeedbackOut(BaseModel):
    key: str
    label: str
    correct: bool
    chosen: bool
    explanation: str


class ResultOut(BaseModel):
    id: str
    kind: str
    correct: bool
    answer: str
    answer_label: str
    right_answer: str
    right_label: str
    explanation: str
    options: list[OptionFeedbackOut] = Field(description="The lesson's question: why each option is right or wrong")


class GradeOut(BaseModel):
    score: int
    total: int
    results: list[ResultOut]


def question_out(q: quiz.Question) -> dict[str, Any]:
    return {
        "id": q.id, "kind": q.kind, "prompt": q.prompt, "hint": q.hint, "input": q.input,
        "options": [{"key": o.key, "label": o.label} for o in q.options],
        "sentence": q.sentence, "tokens": q.tokens, "head": q.head, "query": q.query, "figure": q.figure,
    }


def result_out(r: quiz.Result) -> dict[str, Any]:
    return {
        "id": r.id, "kind": r.kind, "correct": r.correct, "answer": r.answer, "answer_label": r.answer_label,
        "right_answer": r.right_answer, "right_label": r.right_label, "explanation": r.explanation,
        "options": [vars(o) for o in r.options],
    }


def secret_of(request: Request) -> bytes:
    return request.app.state.settings.secret


def unprocessable(exc: quiz.QuizError) -> HTTPException:
    return HTTPException(status_code=422, detail=str(exc))


# ---------------------------------------------------------------------------------------------------- JSON


@router.get("/api/quiz/{slug}", response_model=QuizOut, summary="Fresh quiz questions (the quiz page's JSON twin)")
async def quiz_api(request: Request, slug: str, text: Text = None, nonce: Nonce = None) -> Response:
    lesson = get_lesson(request, slug)
    made = quiz.make_quiz(lesson, secret_of(request), text=text, nonce=nonce)
    return json_response({"slug": lesson.slug, "title": made.title, "nonce": made.nonce, "note": made.note,
                          "questions": [question_out(q) for q in made.questions]})


@router.post("/api/quiz/{slug}/answers", response_model=GradeOut, summary="Grade answers to questions we asked")
async def grade_api(request: Request, slug: str, body: AnswersIn) -> Response:
    lesson = get_lesson(request, slug)
    try:
        graded = quiz.grade(lesson, secret_of(request), [(a.id, a.answer) for a in body.answers])
    except quiz.QuizError as exc:
        raise unprocessable(exc) from None
    return json_response({"score": graded.score, "total": graded.total,
                          "results": [result_out(r) for r in graded.results]})


# ---------------------------------------------------------------------------------------------------- HTML


def render(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> Response:
    return request.app.state.templates.TemplateResponse(request, template, context, status_code=status_code)


def quiz_page(request: Request, lesson: Lesson, questions: list[quiz.Question], *, note: str | None = None,
              error: str | None = None, answers: dict[str, str] | None = None, status_code: int = 200,
              again_text: str | None = None) -> Response:
    context = {
        "lesson": lesson,
        "questions": questions,
        "note": note,
        "error": error,
        "answers": answers or {},
        "figures_json": {q.id: orjson.dumps(q.figure).decode() for q in questions if q.figure},
        "again_href": again_href(lesson, again_text),
    }
    return render(request, "quiz.html", context, status_code=status_code)


def again_href(lesson: Lesson, text: str | None) -> str:
    """"Try again": the quiz without a nonce (so fresh questions), keeping the learner's own sentence."""
    base = f"/lessons/{lesson.slug}/quiz"
    if text and text not in lesson.quick_check.practice_sentences:
        return base + "?" + urlencode({"text": text})
    return base


@router.get("/lessons/{slug}/quiz", response_class=HTMLResponse, include_in_schema=False)
async def quiz_get(request: Request, slug: str) -> Response:
    lesson = get_lesson(request, slug)
    text = request.query_params.get("text")
    raw_nonce = request.query_params.get("nonce", "")
    nonce = int(raw_nonce) if raw_nonce.isascii() and raw_nonce.isdigit() and len(raw_nonce) < 11 else None
    if nonce is not None and nonce > quiz.MAX_NONCE:
        nonce = None
    made = quiz.make_quiz(lesson, secret_of(request), text=text, nonce=nonce)
    return quiz_page(request, lesson, made.questions, note=made.note, again_text=made.own_text)


@router.post("/lessons/{slug}/quiz", response_class=HTMLResponse, include_in_schema=False)
async def quiz_post(request: Request, slug: str) -> Response:
    lesson = get_lesson(request, slug)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        return render_error(request, 415, "That isn't a quiz form",
                            "Send your answers with the quiz page's form (or as JSON to the quiz API).")
    try:
        fields = parse_qsl((await request.body()).decode("utf-8"), keep_blank_values=True, max_num_fields=100)
        pairs = quiz.answers_from_form(fields)
        questions = [quiz.load_question(lesson, secret_of(request), qid, where=f"Question {n}")
                     for n, (qid, _) in enumerate(pairs, start=1)]
    except (UnicodeDecodeError, ValueError) as exc:
        message = str(exc) if isinstance(exc, quiz.QuizError) else "The form could not be read. Reload the quiz."
        return render_error(request, 422, "That input can't be used", message)
    if len({qid for qid, _ in pairs}) != len(pairs):
        return render_error(request, 422, "That input can't be used",
                            "The same question appears twice in the form. Reload the quiz and try again.")
    answers = {qid: answer for qid, answer in pairs if answer is not None}
    missing = [n for n, (_, answer) in enumerate(pairs, start=1) if answer is None or not answer.strip()]
    if missing:
        which = ", ".join(str(n) for n in missing)
        error = (f"Please answer question {which} before checking your score." if len(missing) == 1
                 else f"Please answer questions {which} before checking your score.")
        return quiz_page(request, lesson, questions, error=error, answers=answers, status_code=422)
    try:
        graded = quiz.grade_questions(lesson, [(q, answers[q.id]) for q in questions])
    except quiz.QuizError as exc:
        return quiz_page(request, lesson, questions, error=str(exc), answers=answers, status_code=422)
    sentence = next((r.question.sentence for r in graded.results if r.question.sentence), None)
    sentence = sentence or (lesson.interactive.default_sentence if lesson.interactive else None)
    payload = analyze(sentence, 4, "illustrative", None).payload if sentence else None
    context = {
        "lesson": lesson,
        "grade": graded,
        "analysis": payload,
        "payload_json": orjson.dumps(payload).decode() if payload else None,
        "again_href": again_href(lesson, sentence),
    }
    return render(request, "quiz_result.html", context)
