"""The quick check in real Chromium: instant feedback (a wrong answer, then the right one), the score, the
result heatmaps, the score remembered on the overview, and the same quiz with JavaScript off."""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

SLUG = "multi-head-attention"
RIGHT_SEED = "Each head can learn to capture different types of relationships simultaneously"


def feedback(question):
    return question.locator("[data-feedback] [data-verdict]")


def answer(question, value: str) -> None:
    """Choose an option (instant check on change) or type a number and press Enter."""
    if question.get_attribute("data-kind") == "shape":
        box = question.locator("input[type=number]")
        box.fill(value)
        box.press("Enter")
    else:
        question.locator(f'input[type=radio][value="{value}"]').check()


def wait_for_verdict(question):
    verdict = feedback(question)
    expect(verdict).to_have_count(1)
    expect(question).not_to_have_attribute("aria-busy", "true")
    return verdict


def test_the_quiz_gives_instant_feedback_then_a_score_and_the_heads(page, live_server):
    page.goto(f"/lessons/{SLUG}/quiz?nonce=1234")
    expect(page.locator("h1")).to_have_text("Quick Check")
    questions = page.locator("[data-question]")
    expect(questions).to_have_count(4)
    # The two heads to read are drawn by Plotly from the server's figure JSON.
    heads = page.locator("[data-quiz-head]")
    expect(heads).to_have_count(2)
    for i in range(2):
        expect(heads.nth(i)).to_have_attribute("data-plotted", "1")
        expect(heads.nth(i).locator(".main-svg").first).to_be_visible()
        expect(heads.nth(i).locator("[data-weights-matrix]")).to_be_hidden()
    expect(questions.nth(0).locator("[data-check]")).to_be_visible()

    # The lesson's question: a wrong answer first, with a line for every option, then the right one.
    seed = questions.nth(0)
    answer(seed, "B")
    verdict = wait_for_verdict(seed)
    expect(verdict).to_have_attribute("data-correct", "false")
    expect(verdict).to_contain_text("✗ Not quite.")
    expect(verdict).to_contain_text(f"The right answer is “{RIGHT_SEED}”.")
    expect(verdict.locator("li")).to_have_count(4)
    expect(verdict.locator("li.is-chosen")).to_contain_text("batching")
    answer(seed, "C")
    expect(feedback(seed)).to_have_attribute("data-correct", "true")
    expect(feedback(seed)).to_contain_text("✓ Correct.")
    assert page.url.endswith("/quiz?nonce=1234"), "instant feedback must not leave the page"

    # Each practice question: answer wrongly on purpose, read the right answer from the feedback, then fix it.
    for i in range(1, 4):
        q = questions.nth(i)
        if q.get_attribute("data-kind") == "shape":
            first = "1"
        else:
            first = q.locator("input[type=radio]").first.get_attribute("value")
        answer(q, first)
        verdict = wait_for_verdict(q)
        right = verdict.get_attribute("data-right-answer")
        if right == first:
            expect(verdict).to_have_attribute("data-correct", "true")
            continue
        expect(verdict).to_have_attribute("data-correct", "false")
        expect(verdict.locator("[data-explanation]")).not_to_be_empty()
        answer(q, right)
        expect(feedback(q)).to_have_attribute("data-correct", "true")
        expect(feedback(q)).to_contain_text("✓ Correct.")

    # The whole form: the score, the explanations and the four heads on one sentence.
    page.locator("[data-quiz-submit]").click()
    page.wait_for_url(re.compile(r"/lessons/multi-head-attention/quiz$"))
    expect(page.locator("h1")).to_have_text("Quick Check: your score")
    expect(page.locator("[data-quiz-score]")).to_contain_text("You got 4 / 4 right.")
    expect(page.locator("[data-result]")).to_have_count(4)
    expect(page.locator('[data-result][data-correct="true"]')).to_have_count(4)
    grid = page.locator("[data-quiz-heads]")
    expect(grid).to_have_attribute("data-plotted", "4")
    expect(grid.locator(".head-panel")).to_have_count(4)
    expect(grid.locator(".head-panel .main-svg").first).to_be_visible()
    boxes = [grid.locator(".head-panel").nth(i).bounding_box() for i in range(4)]
    assert boxes[0]["y"] == boxes[1]["y"] and boxes[0]["x"] < boxes[1]["x"], "heads sit side by side"

    # The score is remembered in this browser and shown on the overview.
    expect(page.locator("[data-quiz-score]")).to_have_attribute("data-saved", "true")
    saved = json.loads(page.evaluate("localStorage.getItem('attention-course:score:multi-head-attention')"))
    assert (saved["score"], saved["total"]) == (4, 4) and saved["at"]
    page.locator("[data-try-again]").click()
    expect(page.locator("[data-question]")).to_have_count(4)
    page.goto(f"/lessons/{SLUG}")
    expect(page.locator(f'[data-last-score="{SLUG}"]')).to_have_text("Last quick check: 4 / 4")


def test_an_error_from_the_api_is_shown_in_place(page_and_watch):
    page, watch = page_and_watch
    page.goto(f"/lessons/{SLUG}/quiz?nonce=5")
    shape = page.locator('[data-question][data-kind="shape"]')
    shape.locator("[data-check]").click()
    expect(shape.locator("[data-feedback] [data-error]")).to_have_text("Type a whole number first.")
    # A question id changed in the page is refused by the server, and the learner is told why.
    relation = page.locator('[data-question][data-kind="relation"]')
    relation.evaluate("el => el.dataset.questionId = el.dataset.questionId.replace(/^./, 'x')")
    relation.locator("input[type=radio]").first.check()
    expect(relation.locator("[data-feedback] [data-error]")).to_contain_text("isn't one this quick check asked")
    # Chromium logs the refused request itself; nothing else may go wrong.
    assert all("status of 422" in message for message in watch.console_errors), watch.console_errors
    watch.console_errors.clear()
    watch.assert_clean()


def test_the_quiz_works_without_javascript(new_page):
    page = new_page(java_script_enabled=False, viewport={"width": 1000, "height": 900})
    page.goto(f"/lessons/{SLUG}/quiz?nonce=99")
    questions = page.locator("[data-question]")
    expect(questions).to_have_count(4)
    expect(page.locator("[data-check]").first).to_be_hidden()
    expect(page.locator("[data-weights-matrix]").first).to_be_visible()  # the heads as tables
    page.locator('input[name="answer-1"][value="B"]').check()
    for i in (2, 3):
        page.locator(f'input[name="answer-{i}"]').first.check()
    page.locator('input[name="answer-4"]').fill("64")
    page.locator("[data-quiz-submit]").click()
    expect(page.locator("h1")).to_have_text("Quick Check: your score")
    expect(page.locator("[data-quiz-score]")).to_contain_text(re.compile(r"You got [0-3] / 4 right\."))
    first = page.locator("[data-result]").first
    expect(first).to_have_attribute("data-correct", "false")
    expect(first).to_contain_text(f"The right answer is “{RIGHT_SEED}”.")
    expect(page.locator(".head-panel")).to_have_count(4)
    expect(page.locator(".head-panel table.matrix").first).to_be_visible()
