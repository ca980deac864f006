"""The ASGI application: `create_app()` wires settings, lessons, templates, middleware and one router per concern."""

from __future__ import annotations

from fastapi import FastAPI

from app.content import load_lessons
from app.settings import Settings, get_settings
from app.web import API_ERROR_RESPONSES, install_error_handlers, install_middleware, mount_static, make_templates
from app.routers import attention, health, lessons_api, pages, pretrained, quiz


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app. A malformed lesson file raises LessonError here, at start-up, naming the file and field."""
    settings = settings or get_settings()
    lessons = load_lessons(settings.lessons_dir)
    app = FastAPI(
        title="Attention Course",
        summary="An interactive lesson on multi-head attention, computed live by a NumPy engine.",
        version="0.1.0",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.lessons = lessons
    app.state.templates = make_templates(settings)
    install_middleware(app, settings)
    install_error_handlers(app)
    mount_static(app, settings)
    for module in (health, lessons_api, pretrained, attention, quiz, pages):
        app.include_router(module.router, responses=API_ERROR_RESPONSES)
    return app


app = create_app()
