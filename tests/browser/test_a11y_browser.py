"""axe-core in Chromium on every page type: no violation of impact "serious" or "critical".

Each page audited at 360 px and 1280 px is also saved as a screenshot (test-artifacts/a11y-*.png) and must not
scroll sideways.

axe-core comes inside the axe-playwright-python package (no network). It is evaluated through the DevTools
protocol (page.evaluate), which the page's CSP does not govern, so the pages keep their real CSP while audited.
Every violation found, whatever its impact, is printed with the elements it concerns.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

SLUG = "multi-head-attention"
BLOCKING = {"serious", "critical"}


def axe_source() -> str:
    try:
        import axe_playwright_python
    except ImportError:
        pytest.skip("axe-playwright-python (which ships axe-core) is not installed")
    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def audit(page, label: str) -> list[dict]:
    """Run axe on the page as it is now; print every violation; return those that block."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    violations = result["violations"]
    print(f"\n[axe {result['testEngine']['version']}] {label}: {len(violations)} violation(s)")
    for v in violations:
        targets = [", ".join(node["target"]) for node in v["nodes"]][:5]
        print(f"  {v['impact']:>8} {v['id']}: {v['help']} ({len(v['nodes'])} node(s)) e.g. {targets}")
    return [v for v in violations if v["impact"] in BLOCKING]


def assert_fits(page, screenshot, name: str, width: int) -> None:
    """A full-page screenshot under test-artifacts/, and no sideways scrolling at this width."""
    screenshot(page, f"a11y-{name}-{width}")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"


def assert_no_blocking(page, label: str) -> None:
    blocking = audit(page, label)
    assert blocking == [], f"{label}: " + "; ".join(
        f"{v['impact']} {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes']][:3]}" for v in blocking)


PAGES = [
    ("course", "/"),
    ("lesson overview", f"/lessons/{SLUG}"),
    *[(f"slide {n}", f"/lessons/{SLUG}/slides/{n}") for n in range(1, 6)],
    ("quiz", f"/lessons/{SLUG}/quiz"),
]
ERROR_PAGES = [
    ("404 page", "/lessons/no-such-lesson", 404),
    ("422 page (slide 4, bad sentence)", f"/lessons/{SLUG}/slides/4?text=" + "word+" * 70, 422),
]


@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize(("label", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_page_has_no_serious_violations(new_page, screenshot, label, path, width):
    page = new_page(viewport={"width": width, "height": 900})
    page.goto(path)
    if "/slides/4" in path:
        page.wait_for_selector("[data-plotted='4']")
    if path.endswith("/quiz"):
        page.wait_for_selector("[data-quiz-head][data-plotted]")
    assert_no_blocking(page, f"{label} at {width}px")
    assert_fits(page, screenshot, label.replace(" ", "-"), width)


@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize(("label", "path", "status"), ERROR_PAGES, ids=[p[0] for p in ERROR_PAGES])
def test_error_page_has_no_serious_violations(browser, live_server, screenshot, label, path, status, width):
    # Not the `new_page` fixture: Chromium logs the page's own 4xx status as a console error, which is the point.
    context = browser.new_context(base_url=live_server, viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.route(lambda url: not url.startswith(live_server), lambda route: route.abort())
        assert page.goto(path).status == status
        assert_no_blocking(page, f"{label} at {width}px")
        assert_fits(page, screenshot, f"error-{status}", width)
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 360])
def test_slide_4_without_its_scripts_has_no_serious_violations(browser, live_server, width):
    # The page as it is without JavaScript (shaded weight tables instead of heatmaps): its scripts are not
    # loaded. (Turning JavaScript off in the context would also stop axe, which runs as JavaScript.)
    context = browser.new_context(base_url=live_server, viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.route(lambda url: not url.startswith(live_server) or urlparse(url).path.endswith(".js"),
                   lambda route: route.abort())
        page.goto(f"/lessons/{SLUG}/slides/4?text=" + "The+old+man+by+the+river+told+his+grandson+a+story+" * 2)
        assert page.locator('[data-head="1"] table.matrix').is_visible()
        assert_no_blocking(page, f"slide 4 without its scripts at {width}px")
    finally:
        context.close()


def test_slide_4_after_interaction_has_no_serious_violations(page_and_watch):
    page, watch = page_and_watch
    page.goto(f"/lessons/{SLUG}/slides/4")
    page.wait_for_selector("[data-plotted='4']")
    # Redrawn by JavaScript for a new sentence and one head (the "one head vs four" box appears).
    page.get_by_label("Your sentence").fill("Tom called his sister because he missed her.")
    page.get_by_label("1", exact=True).check()
    page.get_by_role("button", name="Show the heads").click()
    page.wait_for_selector("[data-one-vs-many]")
    page.wait_for_selector("[data-plotted='1']")
    page.locator('[data-head="1"]').get_by_text("Where each token looks most").click()
    assert_no_blocking(page, "slide 4 redrawn with one head")
    # An error shown in place.
    page.get_by_label("Your sentence").fill("a " * 65)  # 65 tokens, under the 300-character maxlength
    page.get_by_role("button", name="Show the heads").click()
    page.get_by_role("alert").wait_for()
    assert_no_blocking(page, "slide 4 with an error message")
    # Chromium logs the API's 422 as a console error; that one is expected, anything else is not.
    watch.console_errors = [e for e in watch.console_errors if "status of 422" not in e]
    watch.assert_clean()


@pytest.mark.parametrize("width", [1280, 360])
def test_quiz_feedback_and_result_page_have_no_serious_violations(new_page, screenshot, width):
    page = new_page(viewport={"width": width, "height": 900})
    page.goto(f"/lessons/{SLUG}/quiz")
    questions = page.locator("[data-question]")
    for i in range(questions.count()):
        q = questions.nth(i)
        radios = q.locator("input[type=radio]")
        if radios.count():
            radios.first.check()
            q.locator("[data-verdict]").wait_for()
        else:
            q.locator("input[type=number]").fill("4")
    assert_no_blocking(page, f"quiz with instant feedback at {width}px")
    assert_fits(page, screenshot, "quiz-answered", width)
    page.get_by_role("button", name="See my score").click()
    page.wait_for_url(re.compile(f"/lessons/{SLUG}/quiz"))
    page.locator("[data-quiz-score]").wait_for()
    page.wait_for_selector("[data-quiz-heads][data-plotted]")
    assert_no_blocking(page, f"quiz result page at {width}px")
    assert_fits(page, screenshot, "quiz-result", width)
