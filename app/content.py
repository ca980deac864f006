"""Lesson content: the pydantic schema of a lesson file and the loader that validates every file at start-up."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

SLUG_RE = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class ContentModel(BaseModel):
    # An author's typo in a field name must fail loudly, not vanish.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Module(ContentModel):
    number: int = Field(ge=1)
    name: str
    label: str
    breadcrumb: str


class NumberedItem(ContentModel):
    label: str
    text: str


class ParagraphBlock(ContentModel):
    type: Literal["paragraph"]
    text: str


class NumberedBlock(ContentModel):
    type: Literal["numbered"]
    items: list[NumberedItem] = Field(min_length=1)


class CalloutBlock(ContentModel):
    type: Literal["callout"]
    tone: Literal["tip", "success", "info"] = "info"
    icon: str = ""
    label: str = ""
    text: str


class HeadCard(ContentModel):
    name: str
    learns: str
    example: str


class HeadsBlock(ContentModel):
    type: Literal["heads"]
    items: list[HeadCard] = Field(min_length=1)


class ComparisonItem(ContentModel):
    label: str
    value: str


class ComparisonBlock(ContentModel):
    type: Literal["comparison"]
    title: str
    items: list[ComparisonItem] = Field(min_length=2)


class FormulaBlock(ContentModel):
    type: Literal["formula"]
    text: str
    mathml: str

    @field_validator("mathml")
    @classmethod
    def _only_mathml(cls, value: str) -> str:
        check_mathml(value)
        return value


class StepsBlock(ContentModel):
    type: Literal["steps"]
    items: list[str] = Field(min_length=1)


class PillsBlock(ContentModel):
    type: Literal["pills"]
    items: list[str] = Field(min_length=1)


class NoteBlock(ContentModel):
    type: Literal["note"]
    label: str = ""
    text: str


class LiveBlock(ContentModel):
    """A place where the page shows the engine at work on the learner's sentence."""

    type: Literal["live"]
    view: Literal["explorer", "one_vs_many", "shape_walk", "compute_costs"]


Block = Annotated[
    ParagraphBlock
    | NumberedBlock
    | CalloutBlock
    | HeadsBlock
    | ComparisonBlock
    | FormulaBlock
    | StepsBlock
    | PillsBlock
    | NoteBlock
    | LiveBlock,
    Field(discriminator="type"),
]


class Slide(ContentModel):
    title: str
    blocks: list[Block] = Field(min_length=1)

    @property
    def live_views(self) -> list[str]:
        return [b.view for b in self.blocks if isinstance(b, LiveBlock)]


class Analogy(ContentModel):
    icon: str = ""
    title: str
    text: str


class KeyConcept(ContentModel):
    icon: str = ""
    term: str
    definition: str


class Interactive(ContentModel):
    default_sentence: str
    examples: list[str] = Field(default_factory=list)


class QuizOption(ContentModel):
    key: str = Field(pattern=r"^[A-Z]$")
    text: str
    explanation: str


class QuickCheck(ContentModel):
    title: str = "Quick Check"
    question: str
    options: list[QuizOption] = Field(min_length=2)
    answer: str
    practice_sentences: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _answer_is_an_option(self) -> QuickCheck:
        keys = [o.key for o in self.options]
        if len(set(keys)) != len(keys):
            raise ValueError(f"option keys must be unique, got {keys}")
        if self.answer not in keys:
            raise ValueError(f"answer {self.answer!r} is not one of the option keys {keys}")
        return self

    @property
    def correct_option(self) -> QuizOption:
        return next(o for o in self.options if o.key == self.answer)


class Lesson(ContentModel):
    slug: str = Field(pattern=SLUG_RE)
    module: Module
    number: int = Field(ge=1)
    total: int = Field(ge=1)
    duration_minutes: int = Field(ge=1)
    duration_icon: str = ""
    number_icon: str = ""
    title: str
    subtitle: str
    slides: list[Slide] = Field(min_length=1)
    analogy: Analogy
    key_concepts: list[KeyConcept] = Field(min_length=1)
    interactive: Interactive | None = None
    quick_check: QuickCheck

    @model_validator(mode="after")
    def _number_within_total(self) -> Lesson:
        if self.number > self.total:
            raise ValueError(f"lesson number {self.number} is greater than the total {self.total}")
        needs_sentence = any(s.live_views for s in self.slides)
        if needs_sentence and self.interactive is None:
            raise ValueError("slides with 'live' blocks need an 'interactive' section with a default_sentence")
        return self

    def slide(self, n: int) -> Slide | None:
        """Slide n, counted from 1, or None."""
        return self.slides[n - 1] if 1 <= n <= len(self.slides) else None


class LessonError(RuntimeError):
    """A lesson file that cannot be served; the message names the file and the field."""


def load_lesson(path: Path) -> Lesson:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise LessonError(f"{path}: cannot read lesson file: {exc}") from None
    if not isinstance(data, dict):
        raise LessonError(f"{path}: a lesson file must be a YAML mapping of fields, got {type(data).__name__}")
    try:
        return Lesson.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"field '{'.'.join(str(p) for p in err['loc']) or '(top level)'}': {err['msg']}" for err in exc.errors()
        )
        raise LessonError(f"{path}: {problems}") from None


def load_lessons(folder: Path) -> dict[str, Lesson]:
    """Every `*.yaml` lesson in `folder`, by slug, in course order (module, then lesson number)."""
    paths = sorted(folder.glob("*.yaml"))
    if not paths:
        raise LessonError(f"{folder}: no lesson files (*.yaml) found")
    lessons: dict[str, Lesson] = {}
    origin: dict[str, Path] = {}
    for path in paths:
        lesson = load_lesson(path)
        if lesson.slug in lessons:
            raise LessonError(f"{path}: field 'slug': {lesson.slug!r} is already used by {origin[lesson.slug]}")
        lessons[lesson.slug] = lesson
        origin[lesson.slug] = path
    ordered = sorted(lessons.values(), key=lambda item: (item.module.number, item.number))
    return {lesson.slug: lesson for lesson in ordered}


# MathML elements and attributes an author may use; everything else in a formula is refused at load time, so a
# lesson file cannot smuggle HTML or script into the page through the one field rendered unescaped.
MATHML_TAGS = frozenset(
    "math mrow mi mn mo ms mtext mspace msub msup msubsup munder mover munderover mfrac msqrt mroot mstyle "
    "mtable mtr mtd mpadded mphantom menclose semantics annotation".split()
)
MATHML_ATTRS = frozenset(
    "display mathvariant stretchy fence separator lspace rspace form largeop movablelimits accent accentunder "
    "columnalign rowspacing columnspacing notation encoding scriptlevel displaystyle width height depth".split()
)


class _MathMLChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.roots = 0
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in MATHML_TAGS:
            self.problems.append(f"element <{tag}> is not allowed")
        for name, _ in attrs:
            if name not in MATHML_ATTRS:
                self.problems.append(f"attribute '{name}' on <{tag}> is not allowed")
        if self.depth == 0:
            self.roots += 1
            if tag != "math":
                self.problems.append("the formula must be one <math> element")
        self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        self.depth -= 1

    def handle_comment(self, data: str) -> None:
        self.problems.append("comments are not allowed")

    def handle_data(self, data: str) -> None:
        if self.depth == 0 and data.strip():
            self.problems.append("text outside <math> is not allowed")


def check_mathml(markup: str) -> None:
    checker = _MathMLChecker()
    checker.feed(markup)
    checker.close()
    if checker.roots != 1 and not checker.problems:
        checker.problems.append("the formula must be exactly one <math> element")
    if checker.depth != 0:
        checker.problems.append("unbalanced tags")
    if re.search(r"<\s*/?\s*script", markup, re.IGNORECASE):
        checker.problems.append("script is not allowed")
    if checker.problems:
        raise ValueError("invalid MathML: " + "; ".join(dict.fromkeys(checker.problems)))
