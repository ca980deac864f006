"""Every setting of the app in one place, read once from the environment (ATTENTION_COURSE_*)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# A learner's sentence: these limits keep every heatmap readable and every request cheap.
MAX_CHARS = 300
MAX_TOKENS = 60


@dataclass(frozen=True)
class Settings:
    lessons_dir: Path = ROOT / "lessons"
    templates_dir: Path = ROOT / "templates"
    static_dir: Path = ROOT / "static"
    # Request bodies above this are refused with 413 before they are read into memory.
    max_body_bytes: int = 16_384
    # Signs quiz questions so an answer is graded against the question that was shown. Workers must share it:
    # set ATTENTION_COURSE_SECRET when running several; without it each process draws its own.
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)
    model_dir: Path = ROOT / "models"

    def __post_init__(self) -> None:
        if self.max_body_bytes < 1024:
            raise ValueError("max_body_bytes must be at least 1024")


def settings_from_env(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    kwargs: dict[str, object] = {}
    if "ATTENTION_COURSE_LESSONS_DIR" in env:
        kwargs["lessons_dir"] = Path(env["ATTENTION_COURSE_LESSONS_DIR"])
    if "ATTENTION_COURSE_SECRET" in env:
        kwargs["secret"] = env["ATTENTION_COURSE_SECRET"].encode()
    if "ATTENTION_COURSE_MODEL_DIR" in env:
        kwargs["model_dir"] = Path(env["ATTENTION_COURSE_MODEL_DIR"])
    return Settings(**kwargs)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return settings_from_env()
