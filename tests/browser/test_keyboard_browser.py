"""The whole lesson without a mouse: Tab, Shift+Tab, Enter, Space, arrow keys and typing only.

From the course page through the overview and the five slides, a sentence typed and submitted on slide 4, on to
the quick check, every question answered and the score page. Every element that Tab reaches on the way must
show a visible focus indicator (an outline or a box shadow while it has focus).
"""

from __future__ import annotations

import re

SLUG = "multi-head-attention"
SENTENCE = "Tom called his sister because he missed her."

FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return {tag: 'BODY'};
  const cs = getComputedStyle(e);
  const label = e.labels && e.labels.length ? e.labels[0].innerText : null;
  return {tag: e.tagName, type: e.getAttribute('type'), id: e.id || null, name: e.getAttribute('name'),
          text: (e.innerText || '').trim().slice(0, 80), label: label ? label.trim() : null,
          aria: e.getAttribute('aria-label'), outlineStyle: cs.outlineStyle, outlineWidth: cs.outlineWidth,
          boxShadow: cs.boxShadow, visible: !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length)};
}"""


def describe(f: dict) -> str:
    return f"<{f['tag'].lower()}> {f.get('text') or f.get('label') or f.get('aria') or f.get('name') or f.get('id')}"


def has_focus_indicator(f: dict) -> bool:
    outline = f["outlineStyle"] != "none" and float(f["outlineWidth"].removesuffix("px") or 0) > 0
    return outline or f["boxShadow"] not in ("none", "")


class Keyboard:
    """Presses keys and checks every focus stop on the way."""

    def __init__(self, page) -> None:
        self.page = page
        self.stops: list[str] = []

    def focused(self) -> dict:
        return self.page.evaluate(FOCUSED)

    def tab(self, shift: bool = False) -> dict:
        self.page.keyboard.press("Shift+Tab" if shift else "Tab")
        f = self.focused()
        if f["tag"] != "BODY":
            self.stops.append(describe(f))
            assert f["visible"], f"Tab reached an invisible element: {describe(f)}"
            assert has_focus_indicator(f), f"no visible focus indicator on {describe(f)}: {f}"
        return f

    def tab_to(self, matches, what: str, limit: int = 80) -> dict:
        for _ in range(limit):
            f = self.tab()
            if f["tag"] != "BODY" and matches(f):
                return f
        raise AssertionError(f"Tab never reached {what}; stops: {self.stops[-limit:]}")

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)


def link(text: str):
    return lambda f: f["tag"] == "A" and f["text"].startswith(text)


def test_the_whole_lesson_by_keyboard(page, live_server, screenshot):
    kb = Keyboard(page)
    page.goto("/")
    # The skip link comes first and is visible when focused.
    first = kb.tab()
    assert first["tag"] == "A" and "Skip to content" in first["text"]

    kb.tab_to(link("Multi-Head Attention"), "the lesson's link")
    kb.press("Enter")
    page.wait_for_url(re.compile(f"/lessons/{SLUG}$"))

    kb.tab_to(link("Start the lesson"), "Start the lesson")
    kb.press("Enter")
    page.wait_for_url(re.compile(f"/lessons/{SLUG}/slides/1$"))

    # Slide 1 → 2 with Tab and Enter on "Next →", then 2 → 3 → 4 with the arrow key.
    kb.tab_to(link("Next →"), "Next on slide 1")
    kb.press("Enter")
    page.wait_for_url(re.compile("/slides/2$"))
    for n in (3, 4):
        kb.press("ArrowRight")
        page.wait_for_url(re.compile(f"/slides/{n}$"))
    page.wait_for_selector("[data-plotted='4']")

    # Slide 4: type a sentence, choose 4 heads with the arrow keys, submit with the keyboard.
    f = kb.tab_to(lambda f: f["tag"] == "TEXTAREA", "the sentence box")
    assert f["label"] == "Your sentence"
    kb.press("Control+A")
    page.keyboard.type(SENTENCE)
    f = kb.tab_to(lambda f: f["tag"] == "INPUT" and f["type"] == "radio", "the head-count radios")
    kb.press("ArrowRight")  # the arrow keys move the choice within the radio group, not the slide
    assert page.url.endswith("/slides/4")
    kb.press("ArrowLeft")
    assert page.locator("input[name=heads]:checked").get_attribute("value") == "4"
    kb.tab_to(lambda f: f["tag"] == "BUTTON" and f["text"] == "Show the heads", "Show the heads")
    kb.press("Enter")
    page.locator('[data-head="1"] .xtick text').filter(has_text="missed").first.wait_for()
    page.wait_for_selector("[data-explorer-results][data-plotted='4']")
    assert "text=Tom" in page.url
    screenshot(page, "keyboard-slide-4-submitted")

    # On to slide 5 (the sentence travels), then the quick check.
    kb.tab_to(link("Next →"), "Next on slide 4")
    kb.press("Enter")
    page.wait_for_url(re.compile(r"/slides/5\?.*text=Tom"))
    kb.tab_to(link("Quick Check"), "the Quick Check link")
    kb.press("Enter")
    page.wait_for_url(re.compile(f"/lessons/{SLUG}/quiz"))
    page.locator("form[data-quiz]").wait_for()

    # Answer every question: Space picks the first option of a radio group (and JavaScript checks it at
    # once); a number question gets a number typed in.
    questions = page.locator("[data-question]")
    count = questions.count()
    assert count >= 2
    for i in range(1, count + 1):
        f = kb.tab_to(lambda f, i=i: f["tag"] == "INPUT" and (f["name"] or "") == f"answer-{i}",
                      f"question {i}'s answer")
        if f["type"] == "radio":
            kb.press("Space")
            page.locator(f"#question-{i} [data-verdict]").wait_for()
        else:
            page.keyboard.type("4")
            kb.press("Enter")  # checks this answer without leaving the page
            page.locator(f"#question-{i} [data-verdict]").wait_for()
    kb.tab_to(lambda f: f["tag"] == "BUTTON" and f["text"] == "See my score", "See my score")
    kb.press("Enter")
    page.locator("[data-quiz-score]").wait_for()
    assert re.search(r"\d+ / \d+", page.locator("[data-score-text]").inner_text())
    kb.tab_to(link("Try again"), "Try again on the score page")
    screenshot(page, "keyboard-quiz-result")
    print(f"\n{len(kb.stops)} focus stops, every one with a visible indicator")
