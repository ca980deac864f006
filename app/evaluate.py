"""Score the attention heads on an annotated file of sentences.

    python -m app.evaluate PATH.jsonl [--source illustrative|random] [--heads 4] [--seed N]
    python -m app.evaluate --source pretrained PATH.jsonl

With `--source pretrained` every one of the model's 72 heads is scored on every relation, and the best head per
relation is printed beside the baselines (previous token, next token, nearest noun to the left or right, best
fixed offset); see app/pretrained/analysis.py. It needs the optional model (`attention-course fetch-model`).

Each line of PATH is a JSON object: `text`, gold `tokens`, and gold [query, key] token-index pairs for
`subject_verb`, `adjective_noun` and `coreference`. Proximity needs no annotation: it is scored on every token
(a hit when the argmax is at distance 1). A relation's accuracy is the share of gold pairs whose query row has
its argmax at the gold key, read from the head that shows that relation. Sentences whose tokens differ from the
gold tokens are reported (and left out of the scores) rather than silently skipped.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from app.sources import HEAD_COUNTS, RELATIONS, SOURCES, relation_accuracy, run_attention

__all__ = ["EvalReport", "evaluate_file", "evaluate_lines", "main"]

ANNOTATED = ("subject_verb", "adjective_noun", "coreference")


@dataclass
class EvalReport:
    source: str
    num_heads: int
    sentences: int = 0  # scored sentences
    hits: dict[str, int] = field(default_factory=lambda: {r: 0 for r in RELATIONS})
    totals: dict[str, int] = field(default_factory=lambda: {r: 0 for r in RELATIONS})
    mismatches: list[tuple[int, str, list[str], list[str]]] = field(default_factory=list)  # line, text, ours, gold
    misses: list[tuple[int, str, str, str, str]] = field(default_factory=list)  # line, relation, query, gold, got

    def accuracy(self, relation: str) -> float:
        total = self.totals[relation]
        return self.hits[relation] / total if total else float("nan")

    def summary(self) -> str:
        parts = " ".join(f"{r} {100 * self.accuracy(r):.1f}%" for r in RELATIONS)
        extra = f", {len(self.mismatches)} with mismatched tokens" if self.mismatches else ""
        return f"summary: {parts} ({self.sentences} sentences{extra})"


def evaluate_lines(lines: Sequence[str], source: str = "illustrative", num_heads: int = 4,
                   seed: int | None = None) -> EvalReport:
    report = EvalReport(source=source, num_heads=num_heads)
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        item = json.loads(line)
        run = run_attention(item["text"], num_heads=num_heads, source=source, seed=seed)
        gold_tokens = list(item.get("tokens", run.tokens))
        if run.tokens != gold_tokens:
            report.mismatches.append((lineno, item["text"], run.tokens, gold_tokens))
            continue
        report.sentences += 1
        weights = run.result.weights  # (h, T, T)
        for relation in ANNOTATED:
            pairs = [(int(q), int(k)) for q, k in item.get(relation, [])]
            w = weights[run.head_for(relation)]
            hits, total = relation_accuracy(w, pairs)
            report.hits[relation] += hits
            report.totals[relation] += total
            for q, k in pairs:
                got = int(np.argmax(w[q]))
                if got != k:
                    report.misses.append((lineno, relation, run.tokens[q], run.tokens[k], run.tokens[got]))
        T = len(run.tokens)
        if T > 1:
            w = weights[run.head_for("proximity")]
            best = w.argmax(axis=1)
            report.hits["proximity"] += int(np.sum(np.abs(best - np.arange(T)) == 1))
            report.totals["proximity"] += T
    return report


def evaluate_file(path: str | Path, source: str = "illustrative", num_heads: int = 4,
                  seed: int | None = None) -> EvalReport:
    return evaluate_lines(Path(path).read_text(encoding="utf-8").splitlines(), source, num_heads, seed)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.evaluate", description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path, help="annotated JSONL file (e.g. ../shared/eval/relations-dev.jsonl)")
    parser.add_argument("--source", default="illustrative", choices=(*SOURCES, "pretrained"),
                        help="weight source ('pretrained': every head of all-MiniLM-L6-v2, beside the baselines)")
    parser.add_argument("--heads", type=int, default=4, choices=HEAD_COUNTS, help="number of heads")
    parser.add_argument("--seed", type=int, default=None, help="seed of the random source")
    parser.add_argument("--show-misses", action="store_true", help="list every gold pair the heads missed")
    args = parser.parse_args(argv)
    if not args.path.is_file():
        parser.error(f"no such file: {args.path}")
    if args.source == "pretrained":
        return evaluate_pretrained_main(args.path)
    report = evaluate_file(args.path, args.source, args.heads, args.seed)

    print(f"source: {args.source}, {args.heads} head(s), file: {args.path}")
    for relation in RELATIONS:
        total = report.totals[relation]
        pct = f"{100 * report.accuracy(relation):5.1f}%" if total else "   n/a"
        print(f"{relation:<15} {report.hits[relation]:>5}/{total:<5} {pct}")
    if report.mismatches:
        print(f"{len(report.mismatches)} sentence(s) not scored because their tokens differ from the gold tokens:")
        for lineno, text, ours, gold in report.mismatches:
            print(f"  line {lineno}: {text!r}\n    ours: {ours}\n    gold: {gold}")
    else:
        print("token mismatches: none")
    if args.show_misses:
        for lineno, relation, q, k, got in report.misses:
            print(f"  miss line {lineno} {relation}: {q} -> {k} (argmax: {got})")
    print(report.summary())
    sys.stdout.flush()
    return 0


def evaluate_pretrained_main(path: Path) -> int:
    """Print the pretrained model's per-relation report; exit 2 (with how to enable it) without the model."""
    from app.pretrained.analysis import evaluate_pretrained
    from app.pretrained_view import available

    if not available():
        print("error: the pretrained model is not installed. Run `attention-course fetch-model` "
              "(or `python -m app.pretrained.fetch`) first.", file=sys.stderr)
        return 2
    try:
        print(evaluate_pretrained(path), end="")
    except (ValueError, KeyError) as exc:
        print(f"error: {path}: {exc}", file=sys.stderr)
        return 1
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
