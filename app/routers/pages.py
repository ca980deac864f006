"""HTML pages: the course, each lesson's overview and its slides, with the live views filled in by the engine."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from app.content import Lesson
from app.live import RELATION_NAMES, cost_figure, cost_table
from app.pretrained_view import PRETRAINED, analysis_for, form_flag, form_options, form_value, model_view_analysis
from app.routers.attention import AttentionRequest
from app.settings import MAX_CHARS, MAX_TOKENS
from app.sources import HEAD_COUNTS, SOURCES
from app.web import get_lesson, get_slide, readable_validation_error

router = APIRouter(include_in_schema=False)


def render(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> Response:
    return request.app.state.templates.TemplateResponse(request, template, context, status_code=status_code)


@router.get("/", response_class=HTMLResponse)
async def course(request: Request) -> Response:
    return render(request, "course.html", {"lessons": list(request.app.state.lessons.values())})


@router.get("/lessons/{slug}", response_class=HTMLResponse)
async def lesson_overview(request: Request, slug: str) -> Response:
    return render(request, "lesson.html", {"lesson": get_lesson(request, slug)})


@router.get("/lessons/{slug}/slides/{n}", response_class=HTMLResponse)
async def slide_page(request: Request, slug: str, n: str) -> Response:
    lesson = get_lesson(request, slug)
    number, slide = get_slide(lesson, n)
    context: dict[str, Any] = {
        "lesson": lesson,
        "slide": slide,
        "n": number,
        "count": len(lesson.slides),
        "nav_query": carried_query(request),
    }
    status = 200
    views = slide.live_views
    context["needs_plotly"] = bool(views)
    if views:
        live, status = live_context(request, lesson)
        context["live"] = live
    else:
        context["live"] = {}
    return render(request, "slide.html", context, status_code=status)


CARRIED = ("text", "heads", "source", "seed", "layer", "head", "special")


def carried_query(request: Request) -> str:
    """The learner's sentence and choices, carried from slide to slide so every live view shows their sentence."""
    keep = {k: v for k, v in request.query_params.items() if k in CARRIED and v}
    return "?" + urlencode(keep) if keep else ""


def _small_int(value: str) -> bool:
    # ASCII digits only: "²".isdigit() is true but int("²") fails, and int() refuses over 4300 digits (found by
    # tests/web/test_fuzz_http.py). Anything else goes to the request model as it is and gets a 422 message.
    return value.isascii() and value.isdigit() and len(value) < 20


def live_context(request: Request, lesson: Lesson) -> tuple[dict[str, Any], int]:
    """The learner's choices from the URL, validated, and the engine's answer for them (or a friendly error)."""
    params = request.query_params
    default = lesson.interactive.default_sentence if lesson.interactive else ""
    form = {
        "text": params.get("text", default),
        "heads": params.get("heads", "4"),
        "source": params.get("source", "illustrative"),
        "seed": params.get("seed", ""),
        "layer": params.get("layer", ""),
        "head": params.get("head", ""),
        "special": params.get("special", ""),
    }
    pretrained = form_options()
    live: dict[str, Any] = {
        "form": form,
        "examples": lesson.interactive.examples if lesson.interactive else [],
        "head_counts": HEAD_COUNTS,
        "sources": SOURCES + ((PRETRAINED,) if pretrained["available"] else ()),
        "pretrained": pretrained,
        "max_chars": MAX_CHARS,
        "max_tokens": MAX_TOKENS,
        "relation_names": RELATION_NAMES,
        "error": None,
        "analysis": None,
    }
    try:
        req = AttentionRequest(
            text=form["text"],
            num_heads=int(form["heads"]) if _small_int(form["heads"]) else form["heads"],
            source=form["source"],
            seed=int(form["seed"]) if _small_int(form["seed"]) else (form["seed"] or None),
            layer=form_value(form["layer"]),
            head=form_value(form["head"]),
            special=form_flag(form["special"]),
        )
    except ValidationError as exc:
        live["error"] = " ".join(readable_validation_error(e) for e in exc.errors())
        return live, 422
    analysis = analysis_for(req)
    payload = analysis.payload
    query = {"text": req.text, "heads": req.num_heads, "source": req.source}
    if req.seed is not None:
        query["seed"] = req.seed
    if req.source == PRETRAINED:
        if req.special:
            query["special"] = "true"
        live["pretrained_query"] = urlencode(query)  # without layer/head: the links to the model view and to heads
        if req.layer is not None:
            query.update(layer=req.layer, head=req.head)
        if params.get("view") == "model":  # the model view without JavaScript: all heads, drawn by the page's JS
            view = model_view_analysis(req.text, special=req.special)
            live["model_view"] = view.payload
            live["model_view_json"] = view.json.decode()
    live["query"] = urlencode(query)
    live["analysis"] = payload
    live["payload_json"] = analysis.json.decode()  # serialized once per cached analysis
    live["costs"] = cost_table(payload["d_model"], len(payload["tokens"]))
    live["paper_costs"] = cost_table(512, len(payload["tokens"]))
    live["gpt3_costs"] = cost_table(12288, len(payload["tokens"]))
    live["cost_figure_json"] = orjson.dumps(cost_figure(512, len(payload["tokens"]))).decode()
    return live, 200
