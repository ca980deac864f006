"""Real Chromium on slide 4 with the pretrained source: four measured heads, WordPiece labels, the [CLS]/[SEP]
toggle, the model view of all 72 heads and click-to-enlarge, with and without JavaScript.

Skipped, with the reason printed, when the model folder is absent (`attention-course fetch-model` adds it).
"""

from __future__ import annotations

import re
import sys
from urllib.parse import parse_qs, urlparse

import pytest

from app.pretrained.analysis import model_available

SLUG = "multi-head-attention"
SENTENCE = "The cats are sleeping unbelievably soundly."

if not model_available():
    REASON = "the pretrained model folder is absent (run `attention-course fetch-model`)"
    print(f"\nSKIP pretrained browser tests: {REASON}", file=sys.stderr)
    pytest.skip(REASON, allow_module_level=True)


def tick_labels(page, selector: str) -> list[str]:
    return [t.strip() for t in page.locator(f"{selector} .xaxislayer-above .xtick text").all_text_contents()]


def choose_pretrained(page, sentence: str = SENTENCE) -> None:
    page.goto(f"/lessons/{SLUG}/slides/4")
    page.wait_for_selector("[data-explorer-results][data-plotted='4']")
    assert page.locator("[data-pretrained-controls]").is_hidden()
    page.get_by_label("Weights", exact=True).select_option("pretrained")
    assert page.locator("[data-pretrained-controls]").is_visible()
    page.get_by_label("Your sentence").fill(sentence)
    page.get_by_role("button", name="Show the heads").click()
    page.locator("[data-pretrained-info]").wait_for()
    page.wait_for_selector("[data-explorer-results][data-plotted='4']")


def test_pretrained_shows_four_measured_heads_with_readable_wordpieces(page, screenshot):
    choose_pretrained(page)
    titles = page.locator("[data-head-title]").all_text_contents()
    assert titles == ["Layer 1 · head 3 — previous word", "Layer 2 · head 9 — next word",
                      "Layer 2 · head 4 — pronoun → antecedent", "Layer 4 · head 2 — adjective → noun"]
    assert page.locator("[data-head] .main-svg").count() >= 4
    # Captions say how often each head is right on the annotated set.
    for caption in page.locator("[data-head-description]").all_text_contents():
        assert re.search(r"\d+%", caption), caption
    labels = tick_labels(page, '[data-head="1"]')
    assert labels == ["the", "cats", "are", "sleeping", "un-", "-bel-", "-ie-", "-va-", "-bly", "sound-", "-ly", "."]
    assert "[CLS]" not in labels
    assert "unbelievably" in page.locator("[data-pieces-note]").inner_text()
    assert "hidden" in page.locator("[data-special-note]").inner_text()
    assert "renormalized" in page.locator("[data-special-note]").inner_text()
    statement = page.locator("[data-subject-verb]").inner_text()
    assert "No head tracks subject → verb better than a fixed offset" in statement
    assert "WordPieces" in page.locator("[data-run-summary]").inner_text()
    query = parse_qs(urlparse(page.url).query)
    assert query["source"] == ["pretrained"] and "layer" not in query and "special" not in query
    screenshot(page, "pretrained-four-heads")


def test_special_tokens_toggle_shows_cls_and_sep(page):
    choose_pretrained(page, "The cats are sleeping.")
    page.get_by_label("Show [CLS] and [SEP]").check()
    page.get_by_role("button", name="Show the heads").click()
    page.locator('[data-head="1"] .xtick text').filter(has_text="[CLS]").first.wait_for()
    page.wait_for_selector("[data-explorer-results][data-plotted='4']")
    assert tick_labels(page, '[data-head="1"]') == ["[CLS]", "the", "cats", "are", "sleeping", ".", "[SEP]"]
    assert "shown" in page.locator("[data-special-note]").inner_text()
    assert parse_qs(urlparse(page.url).query)["special"] == ["true"]


def test_layer_head_picker_shows_one_head(page):
    choose_pretrained(page, "The cats are sleeping.")
    page.get_by_label("Layer", exact=True).select_option("5")
    page.get_by_label("Head", exact=True).select_option("7")
    page.get_by_role("button", name="Show this head").click()
    page.locator("[data-head-title]").filter(has_text="Layer 5 · head 7").wait_for()
    page.wait_for_selector("[data-explorer-results][data-plotted='1']")
    assert page.locator("[data-head]").count() == 1
    assert page.locator("[data-one-vs-many]").count() == 0
    assert "Not one of the four measured heads" in page.locator("[data-head-description]").inner_text()
    query = parse_qs(urlparse(page.url).query)
    assert query["layer"] == ["5"] and query["head"] == ["7"]
    # Back to the four measured heads.
    page.get_by_role("link", name="Back to the four measured heads").click()
    page.locator("[data-head-title]").filter(has_text="Layer 4 · head 2").wait_for()
    assert page.locator("[data-head]").count() == 4


def test_model_view_draws_72_heads_and_a_click_enlarges_one(page, screenshot):
    choose_pretrained(page, "The cats are sleeping.")
    page.get_by_role("link", name="Model view: all 72 heads").click()
    page.wait_for_selector("[data-model-view][data-model-plotted='72']")
    plot = page.locator("[data-model-view-plot]")
    assert plot.locator(".hm").count() == 72  # one heatmap image per head
    assert plot.locator(".xtick").count() == 0  # small multiples: no tick labels
    assert page.locator("[data-open-head]").count() == 72
    assert "view=model" in page.url
    screenshot(page, "pretrained-model-view")
    # Click the small map of layer 3, head 5 (subplot 2·12 + 5 = 29): it opens alone, titled.
    box = plot.locator(".draglayer .x29y29 .nsewdrag").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.locator("[data-head-title]").filter(has_text="Layer 3 · head 5").wait_for()
    page.wait_for_selector("[data-explorer-results][data-plotted='1']")
    assert page.locator("[data-head-title]").all_text_contents() == ["Layer 3 · head 5"]
    assert page.locator("[data-model-view]").count() == 0
    query = parse_qs(urlparse(page.url).query)
    assert query["layer"] == ["3"] and query["head"] == ["5"] and "view" not in query
    assert page.get_by_label("Layer", exact=True).input_value() == "3"


def test_model_view_and_picker_without_javascript(new_page):
    page = new_page(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page.goto(f"/lessons/{SLUG}/slides/4?text=The+cats+are+sleeping.&source=pretrained")
    assert page.locator("[data-pretrained-controls]").is_visible()
    assert page.locator("[data-head]").count() == 4
    page.get_by_role("link", name="Model view: all 72 heads").click()
    assert page.locator("[data-model-view]").is_visible()
    page.get_by_role("link", name="Layer 6, head 1", exact=True).click()
    assert page.locator("[data-head-title]").all_text_contents() == ["Layer 6 · head 1"]
    page.get_by_label("Show [CLS] and [SEP]").check()
    page.get_by_role("button", name="Show this head").click()
    assert "[CLS]" in page.locator('[data-head="1"] [data-weights-matrix] thead').inner_text()
    query = parse_qs(urlparse(page.url).query)
    assert query["layer"] == ["6"] and query["special"] == ["true"]


@pytest.mark.parametrize("width", [360, 1280])
def test_pretrained_model_view_fits_the_screen(new_page, screenshot, width):
    page = new_page(viewport={"width": width, "height": 800})
    page.goto(f"/lessons/{SLUG}/slides/4?text=The+cats+are+sleeping+unbelievably+soundly.&source=pretrained&view=model")
    page.wait_for_selector("[data-model-view][data-model-plotted='72']")
    page.wait_for_selector("[data-explorer-results][data-plotted='4']")
    screenshot(page, f"pretrained-model-view-{width}")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"slide 4 (pretrained, model view) scrolls sideways by {overflow}px at {width}px"


def test_pretrained_view_has_no_serious_accessibility_violations(page):
    from browser.test_a11y_browser import assert_no_blocking  # tests/ is on the path (pyproject)

    page.goto(f"/lessons/{SLUG}/slides/4?text=The+cats+are+sleeping+unbelievably.&source=pretrained&view=model")
    page.wait_for_selector("[data-model-view][data-model-plotted='72']")
    page.wait_for_selector("[data-explorer-results][data-plotted='4']")
    assert_no_blocking(page, "slide 4, pretrained with the model view")
