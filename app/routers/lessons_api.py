"""The JSON twin of the lesson pages: course listing, whole lessons and single slides."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel

from app.content import Lesson, Slide
from app.web import get_lesson, get_slide

router = APIRouter(prefix="/api/lessons", tags=["lessons"])


class LessonSummary(BaseModel):
    slug: str
    title: str
    subtitle: str
    module: str
    number: int
    total: int
    duration_minutes: int
    slide_count: int
    url: str


class SlideOut(BaseModel):
    lesson: str
    number: int
    of: int
    slide: Slide
    url: str


def summarize(lesson: Lesson) -> LessonSummary:
    return LessonSummary(
        slug=lesson.slug,
        title=lesson.title,
        subtitle=lesson.subtitle,
        module=lesson.module.label,
        number=lesson.number,
        total=lesson.total,
        duration_minutes=lesson.duration_minutes,
        slide_count=len(lesson.slides),
        url=f"/lessons/{lesson.slug}",
    )


@router.get("", response_model=list[LessonSummary])
async def list_lessons(request: Request) -> list[LessonSummary]:
    return [summarize(lesson) for lesson in request.app.state.lessons.values()]


@router.get("/{slug}", response_model=Lesson)
async def lesson_detail(request: Request, slug: str) -> Lesson:
    return get_lesson(request, slug)


@router.get("/{slug}/slides/{n}", response_model=SlideOut)
async def slide_detail(request: Request, slug: str, n: str) -> SlideOut:
    lesson = get_lesson(request, slug)
    n, slide = get_slide(lesson, n)
    return SlideOut(lesson=slug, number=n, of=len(lesson.slides), slide=slide, url=f"/lessons/{slug}/slides/{n}")
