"""HTTP tests of the lesson pages: content from the seed, navigation, 404s, and no outside hosts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from htmltext import fold, visible_text

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT.parent / "shared" / "seed" / "000_e0d5f9c7d0f9875e.txt"
SLUG = "multi-head-attention"

SLIDE_PHRASES = {
    1: ["One Head Isn't Enough", "A single attention head can only focus on one type of relationship at a time.",
        "Syntactic: Subject → Verb agreement (\"The cats are\")", "Semantic: Word meaning in context",
        "Positional: Nearby words tend to be related", "Coreference: Pronouns → their referents",
        "Solution: Run several attention heads in parallel"],
    2: ["Multiple Perspectives", "Each head has its own W_Q, W_K, W_V matrices", "Subject-Verb relationships",
        "\"cats\" → \"are\"", "Noun-Adjective relationships", "\"big\" → \"dog\"", "\"it\" → \"the cat\"",
        "Positional proximity", "adjacent words", "GPT-3 has 96 heads", "h = 8 heads", "h = 96 heads"],
    3: ["The MHA Formula", "concatenates the output of all heads, then projects",
        "Each head runs attention with its own learned W_Q, W_K, W_V",
        "Each head produces an output vector of size d_v (e.g., 64)",
        "h × d_v dimensions (e.g., 8 × 64 = 512)", "W_O projects back to d_model dimensions (e.g., 512)"],
    4: ["Interactive: Head Visualization",
        "Here's a visualization of 4 attention heads running in parallel for the same sentence:",
        "Each head processes the same input but through different learned projections, capturing different patterns."],
    5: ["Why This is Powerful", "Grammar", "Semantics", "Discourse", "...all from the same layer, in one forward pass.",
        "discovers the most useful division of labor during training!",
        "Compute efficiency: Each head works on a smaller d_k (d_model/h)"],
}


def get_text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return visible_text(response.text)


@pytest.mark.parametrize("n", sorted(SLIDE_PHRASES))
def test_slide_shows_its_phrases_and_position(client, n):
    response = client.get(f"/lessons/{SLUG}/slides/{n}")
    assert response.status_code == 200
    text = visible_text(response.text)
    for phrase in SLIDE_PHRASES[n]:
        assert fold(phrase) in text, phrase
    assert f"Slide {n} of 5" in text
    assert f"{n} / 5" in text
    assert f'<progress class="progress" max="5" value="{n}"' in response.text
    assert response.text.count("<h1") == 1
    assert '<html lang="en">' in response.text


def test_slide_3_formula_is_mathml(client):
    html = client.get(f"/lessons/{SLUG}/slides/3").text
    assert html.count('<math display="block">') == 2
    assert "<msub><mi>W</mi><mi>O</mi></msub>" in html
    assert "<msubsup><mi>W</mi><mi>i</mi><mi>Q</mi></msubsup>" in html


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_slide_navigation_links(client, n):
    html = client.get(f"/lessons/{SLUG}/slides/{n}").text
    prev = re.search(r'rel="prev" data-nav="prev" href="([^"]+)"', html).group(1)
    nxt = re.search(r'rel="next" data-nav="next" href="([^"]+)"', html).group(1)
    assert prev == (f"/lessons/{SLUG}" if n == 1 else f"/lessons/{SLUG}/slides/{n - 1}")
    assert nxt == (f"/lessons/{SLUG}/quiz" if n == 5 else f"/lessons/{SLUG}/slides/{n + 1}")


def test_navigation_carries_the_learners_sentence(client):
    html = client.get(f"/lessons/{SLUG}/slides/2", params={"text": "Dogs bark.", "heads": "2"}).text
    assert f'href="/lessons/{SLUG}/slides/3?text=Dogs+bark.&amp;heads=2"' in html


def test_course_page_lists_the_lesson(client):
    text = get_text(client, "/")
    assert "Module 2 · Attention" in text
    assert "Multi-Head Attention" in text
    assert "Lesson 7 of 11" in text and "10 min" in text


def test_overview_has_everything(client):
    response = client.get(f"/lessons/{SLUG}")
    text = visible_text(response.text)
    assert "Why one attention head isn't enough — and how running multiple attention mechanisms in parallel gives richer understanding." in text
    assert "⏱️ 10 min 🎯 Lesson 7 of 11" in text
    assert "The Expert Panel Analogy" in text and "the rhetorician on tone" in text
    for term in ["Multi-Head Attention", "h (number of heads)", "Concatenation", "d_k = d_model / h"]:
        assert term in text
    assert f'href="/lessons/{SLUG}/slides/1"' in response.text
    for n, title in enumerate(["One Head Isn't Enough", "Multiple Perspectives", "The MHA Formula",
                               "Interactive: Head Visualization", "Why This is Powerful"], start=1):
        assert f'<a href="/lessons/{SLUG}/slides/{n}">{title.replace(chr(39), "&#39;")}</a>' in response.text


def test_every_line_of_the_seed_reaches_the_learner(client):
    if not SEED.exists():
        pytest.skip(f"seed not found at {SEED}")
    pages = ["/", f"/lessons/{SLUG}", f"/lessons/{SLUG}/quiz"] + [f"/lessons/{SLUG}/slides/{n}" for n in range(1, 6)]
    corpus = " ".join(get_text(client, url) for url in pages)
    missing = [line for line in SEED.read_text(encoding="utf-8").splitlines()
               if line.strip() and fold(line) not in corpus]
    assert missing == []


@pytest.mark.parametrize(
    "url",
    ["/nope", "/lessons/unknown", f"/lessons/{SLUG}/slides/0", f"/lessons/{SLUG}/slides/6",
     f"/lessons/{SLUG}/slides/abc", f"/lessons/{SLUG}/slides/-1", "/lessons/unknown/slides/1"],
)
def test_unknown_pages_get_a_friendly_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert 'href="/"' in response.text
    assert "Page not found" in response.text
    assert "Traceback" not in response.text


def test_static_files_and_traversal(client):
    assert client.get("/static/css/site.css").status_code == 200
    assert client.get("/static/../app/main.py").status_code == 404
    assert client.get("/static/%2e%2e/app/main.py").status_code == 404
    assert client.get("/static/").status_code == 404
    assert client.get("/static/css/").status_code == 404


def test_plotly_is_served_versioned_and_cached(client):
    html = client.get(f"/lessons/{SLUG}/slides/4").text
    src = re.search(r'<script src="(/static/vendor/plotly-[^"]+\.js)"', html).group(1)
    response = client.get(src)
    assert response.status_code == 200
    assert "max-age=31536000" in response.headers["cache-control"]
    assert "plotly.js (cartesian - minified) v4.1.1" in response.text[:200]


def test_no_template_or_static_file_references_an_outside_host():
    pattern = re.compile(r"""(?:src|href|url)\s*[=(]\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)
    offenders = []
    for folder in ("templates", "static/css", "static/js"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and pattern.search(path.read_text(encoding="utf-8")):
                offenders.append(str(path))
    assert offenders == []


def test_security_headers_on_pages(client):
    response = client.get("/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-eval" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "server" not in response.headers
