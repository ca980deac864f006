"""The JSON twin of the lesson pages."""

SLUG = "multi-head-attention"


def test_health(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_lesson_list(client):
    lessons = client.get("/api/lessons").json()
    assert [l["slug"] for l in lessons] == [SLUG]
    assert lessons[0]["module"] == "Module 2 · Attention"
    assert (lessons[0]["number"], lessons[0]["total"], lessons[0]["duration_minutes"]) == (7, 11, 10)
    assert lessons[0]["slide_count"] == 5


def test_lesson_detail_carries_the_whole_lesson(client):
    lesson = client.get(f"/api/lessons/{SLUG}").json()
    assert lesson["title"] == "Multi-Head Attention"
    assert len(lesson["slides"]) == 5
    assert lesson["analogy"]["title"] == "The Expert Panel Analogy"
    assert len(lesson["key_concepts"]) == 4
    quick = lesson["quick_check"]
    assert quick["answer"] == "C"
    assert [o["key"] for o in quick["options"]] == ["A", "B", "C", "D"]


def test_slide_twin(client):
    slide = client.get(f"/api/lessons/{SLUG}/slides/3").json()
    assert slide["number"] == 3 and slide["of"] == 5
    assert slide["slide"]["title"] == "The MHA Formula"


def test_api_404s_are_json(client):
    for url in ["/api/lessons/nope", f"/api/lessons/{SLUG}/slides/9", "/api/nothing"]:
        response = client.get(url)
        assert response.status_code == 404
        assert "detail" in response.json()
