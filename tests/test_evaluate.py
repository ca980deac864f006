"""`python -m app.evaluate PATH.jsonl`: per-relation accuracy, token mismatches reported, a summary line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.evaluate import evaluate_file, main

REPO = Path(__file__).resolve().parents[1]
DEV = REPO.parent / "shared" / "eval" / "relations-dev.jsonl"


def write(tmp_path: Path, items: list[dict]) -> Path:
    p = tmp_path / "gold.jsonl"
    p.write_text("\n".join(json.dumps(i) for i in items) + "\n", encoding="utf-8")
    return p


GOOD = {
    "text": "The big dog chased the small cat because it was hungry.",
    "tokens": ["The", "big", "dog", "chased", "the", "small", "cat", "because", "it", "was", "hungry", "."],
    "subject_verb": [[2, 3]],
    "adjective_noun": [[1, 2], [5, 6]],
    "coreference": [[8, 2]],
}
BAD_TOKENS = {
    "text": "I don't know.",
    "tokens": ["I", "do", "n't", "know", "."],
    "subject_verb": [],
    "adjective_noun": [],
    "coreference": [],
}


def test_main_prints_accuracy_mismatches_and_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, [GOOD, BAD_TOKENS])
    assert main([str(path)]) == 0
    out = capsys.readouterr().out
    lines = out.strip().splitlines()
    assert any(line.startswith("subject_verb") and "1/1" in line and "100.0%" in line for line in lines)
    assert any(line.startswith("adjective_noun") and "2/2" in line for line in lines)
    assert any(line.startswith("proximity") and "12/12" in line for line in lines)
    assert "1 sentence(s) not scored" in out and "I don't know." in out and "'do', \"n't\"" in out
    assert lines[-1].startswith("summary: subject_verb 100.0% adjective_noun 100.0% coreference 100.0% proximity")
    assert "(1 sentences, 1 with mismatched tokens)" in lines[-1]


def test_misses_are_counted(tmp_path: Path) -> None:
    wrong = dict(GOOD, coreference=[[8, 6]])  # gold says "cat": the head says "dog"
    report = evaluate_file(write(tmp_path, [wrong]))
    assert (report.hits["coreference"], report.totals["coreference"]) == (0, 1)
    assert report.misses == [(1, "coreference", "it", "cat", "dog")]


def test_other_sources_and_head_counts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, [GOOD])
    for argv in (["--source", "random", "--seed", "1"], ["--heads", "1"], ["--heads", "8"]):
        assert main([str(path), *argv]) == 0
        assert capsys.readouterr().out.strip().splitlines()[-1].startswith("summary:")


@pytest.mark.skipif(not DEV.is_file(), reason=f"dev set not found at {DEV}")
def test_module_entry_point_on_the_dev_set() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "app.evaluate", str(DEV)], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    last = proc.stdout.strip().splitlines()[-1]
    assert last.startswith("summary:") and "(40 sentences)" in last
    values = [float(tok.rstrip("%")) for tok in last.split() if tok.endswith("%")]
    assert len(values) == 4 and min(values[:3]) >= 95.0 and values[3] == 100.0
    assert "token mismatches: none" in proc.stdout
