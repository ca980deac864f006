"""The lesson loader: valid files load, malformed ones fail at start-up naming the file and the field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from app.content import LessonError, check_mathml, load_lessons
from app.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
LESSON = ROOT / "lessons" / "07-multi-head-attention.yaml"


def write(tmp_path: Path, data: dict) -> Path:
    folder = tmp_path / "lessons"
    folder.mkdir(exist_ok=True)
    (folder / "07-broken.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


def lesson_data() -> dict:
    return yaml.safe_load(LESSON.read_text(encoding="utf-8"))


def test_the_real_lesson_loads():
    lessons = load_lessons(ROOT / "lessons")
    lesson = lessons["multi-head-attention"]
    assert lesson.module.label == "Module 2 · Attention"
    assert (lesson.number, lesson.total, lesson.duration_minutes) == (7, 11, 10)
    assert len(lesson.slides) == 5
    assert lesson.quick_check.correct_option.text.startswith("Each head can learn")


@pytest.mark.parametrize(
    "mutate, field",
    [
        (lambda d: d.pop("title"), "title"),
        (lambda d: d["slides"][1]["blocks"][0].update(type="poem"), "slides.1.blocks.0"),
        (lambda d: d["quick_check"].update(answer="E"), "quick_check"),
        (lambda d: d.update(duration_minutes="ten"), "duration_minutes"),
        (lambda d: d["slides"][2]["blocks"][1].update(mathml="<math><script>alert(1)</script></math>"),
         "slides.2.blocks.1.formula.mathml"),
        (lambda d: d.update(colour="blue"), "colour"),
    ],
)
def test_malformed_lesson_names_file_and_field(tmp_path, mutate, field):
    data = lesson_data()
    mutate(data)
    folder = write(tmp_path, data)
    with pytest.raises(LessonError) as info:
        load_lessons(folder)
    message = str(info.value)
    assert "07-broken.yaml" in message
    assert field in message


def test_broken_lesson_stops_the_app_at_start_up(tmp_path):
    from app.main import create_app

    data = lesson_data()
    data["slides"] = []
    folder = write(tmp_path, data)
    with pytest.raises(LessonError, match="07-broken.yaml.*slides"):
        create_app(Settings(lessons_dir=folder))


def test_yaml_syntax_error_names_the_file(tmp_path):
    folder = tmp_path / "lessons"
    folder.mkdir()
    (folder / "bad.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    with pytest.raises(LessonError, match="bad.yaml"):
        load_lessons(folder)


def test_duplicate_slugs_are_refused(tmp_path):
    folder = tmp_path / "lessons"
    folder.mkdir()
    shutil.copy(LESSON, folder / "a.yaml")
    shutil.copy(LESSON, folder / "b.yaml")
    with pytest.raises(LessonError, match="b.yaml.*slug"):
        load_lessons(folder)


@pytest.mark.parametrize(
    "markup",
    ["<math><mi>x</mi></math>", '<math display="block"><msub><mi>W</mi><mi>O</mi></msub></math>'],
)
def test_mathml_allowed(markup):
    check_mathml(markup)


@pytest.mark.parametrize(
    "markup",
    ["<math><mi onclick='x()'>x</mi></math>", "<div>x</div>", "<math><mi>x</mi></math><p>after</p>",
     "<math><a href='javascript:1'>x</a></math>", "<math><mi>x</mi>", "plain text"],
)
def test_mathml_refused(markup):
    with pytest.raises(ValueError):
        check_mathml(markup)
