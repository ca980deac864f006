"""Measure which of all-MiniLM-L6-v2's 72 heads play the lesson's roles and write app/pretrained/head_roles.json.

    python -m app.pretrained.measure_roles [--dev PATH] [--probe PATH] [--out PATH] [--folder MODEL_DIR]

Data: the shared annotated file (shared/eval/relations-dev.jsonl, 40 sentences) and probe-relations.jsonl beside
this module (22 sentences written for this measurement, annotated by hand in the same format, where adjectives sit
further from their noun, subjects further from their verb, and pronouns have nearer distractor nouns: the dev file
mostly has adjacent pairs, which a pure next-word head gets right).

Selection rule, role by role in the order previous_token, next_token, coreference, adjective_noun, among heads not
already chosen (ties: lower layer, then lower head), on the pooled gold pairs of both files: for the position roles
the highest accuracy; for the content roles the highest balanced accuracy, the mean of the accuracy on pairs whose
key sits at the best fixed offset (for adjectives: the next word) and on the pairs whose key does not. Plain
accuracy would reward a head that mostly looks one word ahead, since most adjectives in the data touch their noun
(the JSON records each head's plain accuracy, its accuracy away from the offset and the plain-accuracy runner-up). Scoring convention: see app.pretrained.analysis (word level, [CLS]/[SEP] dropped, rows
renormalised, a word's row = mean of its wordpieces' rows, its column = sum of their columns; argmax hit).
Every number in the JSON comes from this run; nothing is typed in by hand.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from app.pretrained.analysis import (
    HEAD_ROLES_PATH,
    Evaluation,
    RelationScores,
    get_pretrained,
    load_relations,
    score_records,
)
from app.pretrained.fetch import MODEL_NAME, MODEL_SHA256, REPO_ROOT

ROLES = ("previous_token", "next_token", "coreference", "adjective_noun")
CONTENT_ROLES = ("coreference", "adjective_noun")
DEV_PATH = REPO_ROOT.parent / "shared" / "eval" / "relations-dev.jsonl"
PROBE_PATH = Path(__file__).with_name("probe-relations.jsonl")

_CAPTIONS = {
    "previous_token": (
        "Layer {layer}, head {head} learned to look at the previous word: the word just before gets its largest "
        "weight for {acc} of {n} words."
    ),
    "next_token": (
        "Layer {layer}, head {head} learned to look at the next word: the word just after gets its largest weight "
        "for {acc} of {n} words."
    ),
    "coreference": (
        "Layer {layer}, head {head} links a pronoun to the noun it refers to: right for {acc} of {n} pronouns, "
        "where simply taking the nearest noun to the left is right for {nearest}."
    ),
    "adjective_noun": (
        "Layer {layer}, head {head} links an adjective to its noun: right for {acc} of {n} adjectives, and for "
        "{off} of the {n_off} whose noun is not the next word (always taking the next word: {offset})."
    ),
}


def _pct(x: float | None) -> str:
    return "n/a" if x is None or x != x else f"{100 * x:.0f}%"


def _r(x: float) -> float | None:
    return None if x != x else round(float(x), 4)


def _head_summary(ev: Evaluation, rel: str, layer: int, head: int) -> dict:
    rs = ev.relations[rel]
    return {
        "accuracy": _r(rs.of(layer, head)),
        "n_pairs": rs.n_pairs,
        "accuracy_off_offset": _r(rs.accuracy_off_offset[layer - 1, head - 1]),
        "n_off_offset": rs.n_off_offset,
    }


def selection_score(rs: RelationScores) -> np.ndarray:
    """(L, h) score a head is chosen by.

    Position roles: plain accuracy. Content roles (coreference, adjective_noun): balanced accuracy, the mean of
    the accuracy on the pairs whose key sits at the best fixed offset and on the pairs whose key does not, so that
    a head that merely looks at a fixed position cannot win on data where most pairs are adjacent.
    """
    n, n_off = rs.n_pairs, rs.n_off_offset
    if rs.relation not in CONTENT_ROLES or n_off == 0 or n_off == n:
        return rs.accuracy
    acc_at = (rs.accuracy * n - rs.accuracy_off_offset * n_off) / (n - n_off)
    return (acc_at + rs.accuracy_off_offset) / 2


def choose_heads(pooled: Evaluation, roles=ROLES) -> list[tuple[str, int, int]]:
    chosen: list[tuple[str, int, int]] = []
    taken: set[tuple[int, int]] = set()
    for role in roles:
        acc = selection_score(pooled.relations[role])
        H = acc.shape[1]
        for flat in np.argsort(-acc, axis=None, kind="stable"):
            lh = (int(flat) // H + 1, int(flat) % H + 1)
            if lh not in taken:
                break
        taken.add(lh)
        chosen.append((role, *lh))
    return chosen


def measure(dev: Path = DEV_PATH, probe: Path = PROBE_PATH, folder: Path | None = None) -> tuple[dict, dict[str, Evaluation]]:
    pre = get_pretrained(folder)
    dev_records, probe_records = load_relations(dev), load_relations(probe)
    evs = {
        "dev": score_records(dev_records, pretrained=pre, name=_display(dev)),
        "probe": score_records(probe_records, pretrained=pre, name=_display(probe)),
        "pooled": score_records(dev_records + probe_records, pretrained=pre, name="dev + probe"),
    }
    first = score_records(dev_records + probe_records, pretrained=pre, convention="first", name="dev + probe")
    pooled = evs["pooled"]

    heads = []
    for role, layer, head in choose_heads(pooled):
        rs = pooled.relations[role]
        runner = next((l, h, a) for l, h, a in rs.ranking(10) if (l, h) != (layer, head))
        offset_key = f"best fixed offset ({rs.best_offset:+d})"
        fields = {
            "layer": layer,
            "head": head,
            "n": rs.n_pairs,
            "acc": _pct(rs.of(layer, head)),
            "nearest": _pct(rs.baselines.get("nearest noun to the left")),
            "off": _pct(rs.accuracy_off_offset[layer - 1, head - 1]),
            "n_off": rs.n_off_offset,
            "offset": _pct(rs.baselines[offset_key]),
        }
        heads.append({
            "layer": layer,
            "head": head,
            "role": role,
            "caption": _CAPTIONS[role].format(**fields),
            "accuracy": _r(rs.of(layer, head)),
            "n_pairs": rs.n_pairs,
            "accuracy_dev": _head_summary(evs["dev"], role, layer, head),
            "accuracy_probe": _head_summary(evs["probe"], role, layer, head),
            "accuracy_first_wordpiece": _r(first.relations[role].of(layer, head)),
            "accuracy_off_offset": _r(rs.accuracy_off_offset[layer - 1, head - 1]),
            "n_off_offset": rs.n_off_offset,
            "baselines": {k: (None if v is None else _r(v)) for k, v in rs.baselines.items()},
            "selection_score": _r(selection_score(rs)[layer - 1, head - 1]),
            "beats_best_fixed_offset": bool(rs.of(layer, head) > rs.baselines[offset_key]),
            "best_by_plain_accuracy": {"layer": rs.best[0], "head": rs.best[1], "accuracy": _r(rs.best[2]),
                                       "accuracy_off_offset": _r(rs.accuracy_off_offset[rs.best[0] - 1, rs.best[1] - 1])},
            "runner_up": {"layer": runner[0], "head": runner[1], "accuracy": _r(runner[2])},
        })

    sv = pooled.relations["subject_verb"]
    sv_l, sv_h, sv_acc = sv.best
    sv_offset = sv.baselines[f"best fixed offset ({sv.best_offset:+d})"]
    off = np.nan_to_num(sv.accuracy_off_offset, nan=-1.0)
    off_flat = int(np.argmax(off))
    off_l, off_h = off_flat // off.shape[1] + 1, off_flat % off.shape[1] + 1
    beats = sv_acc > sv_offset
    where = {1: "the next word", -1: "the previous word"}.get(sv.best_offset, f"the word at offset {sv.best_offset:+d}")
    if beats:
        statement = (
            f"Head {sv_l}-{sv_h} finds a subject's verb more often ({_pct(sv_acc)} of {sv.n_pairs}) than always "
            f"taking {where} ({_pct(sv_offset)})."
        )
    else:
        statement = (
            f"No head tracks subject → verb better than a fixed offset: the best head, {sv_l}-{sv_h}, is right for "
            f"{_pct(sv_acc)} of {sv.n_pairs} subjects, and always taking {where} is right for {_pct(sv_offset)}. "
            f"On the {sv.n_off_offset} subjects whose verb is not {where}, the best head ({off_l}-{off_h}) is right "
            f"for {_pct(float(off.flat[off_flat]))}."
        )
    subject_verb = {
        "best_head": {"layer": sv_l, "head": sv_h, "accuracy": _r(sv_acc)},
        "best_fixed_offset": {"offset": sv.best_offset, "accuracy": _r(sv_offset)},
        "n_pairs": sv.n_pairs,
        "head_beats_fixed_offset": bool(beats),
        "best_head_off_offset": {"layer": off_l, "head": off_h, "accuracy": _r(float(off.flat[off_flat])),
                                 "n_pairs": sv.n_off_offset},
        "dev": {"best_head": list(evs["dev"].relations["subject_verb"].best[:2]),
                "accuracy": _r(evs["dev"].relations["subject_verb"].best[2]),
                "best_fixed_offset": _r(max(v for k, v in evs["dev"].relations["subject_verb"].baselines.items()
                                            if k.startswith("best fixed offset")))},
        "statement": statement,
    }

    relations = {}
    for rel, rs in pooled.relations.items():
        relations[rel] = {
            "n_pairs": rs.n_pairs,
            "top5": [{"layer": l, "head": h, "accuracy": _r(a)} for l, h, a in rs.ranking(5)],
            "baselines": {k: (None if v is None else _r(v)) for k, v in rs.baselines.items()},
            "dev_best": {"layer": evs["dev"].relations[rel].best[0], "head": evs["dev"].relations[rel].best[1],
                         "accuracy": _r(evs["dev"].relations[rel].best[2])},
        }

    data = {
        "model": MODEL_NAME,
        "model_sha256": MODEL_SHA256,
        "generated_by": "python -m app.pretrained.measure_roles",
        "numbering": "layers and heads from 1",
        "convention": (
            "word level on the gold tokens: [CLS]/[SEP] dropped and rows renormalised; a word's row is the mean of "
            "its wordpieces' rows, its column the sum of their columns; a hit when the query row's argmax is the "
            "gold key"
        ),
        "selection": (
            "role by role (previous_token, next_token, coreference, adjective_noun), among heads not already "
            "chosen, on the pooled pairs of both files: position roles by accuracy; content roles by balanced "
            "accuracy = mean of the accuracy on pairs whose key is at the best fixed offset and on pairs whose key "
            "is not (so a head that just looks one word ahead cannot win)"
        ),
        "data": [
            {"name": "dev", "path": _display(dev), "sentences": len(dev_records)},
            {"name": "probe", "path": _display(probe), "sentences": len(probe_records)},
        ],
        "heads": heads,
        "subject_verb": subject_verb,
        "relations": relations,
        "notes": list(pooled.notes),
    }
    return data, evs


def _display(path: Path) -> str:
    path = Path(path).resolve()
    for base, prefix in ((REPO_ROOT, ""), (REPO_ROOT.parent, "")):
        try:
            return prefix + str(path.relative_to(base))
        except ValueError:
            continue
    return str(path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m app.pretrained.measure_roles", description=__doc__.split("\n\n")[0])
    ap.add_argument("--dev", type=Path, default=DEV_PATH)
    ap.add_argument("--probe", type=Path, default=PROBE_PATH)
    ap.add_argument("--out", type=Path, default=HEAD_ROLES_PATH)
    ap.add_argument("--folder", type=Path, default=None, help="model folder (default: the fetched model)")
    ap.add_argument("--quiet", action="store_true", help="do not print the full reports")
    args = ap.parse_args(argv)
    data, evs = measure(args.dev, args.probe, args.folder)
    if not args.quiet:
        for name in ("dev", "probe", "pooled"):
            print(evs[name].report())
    for h in data["heads"]:
        print(f"{h['role']:<15} {h['layer']}-{h['head']}  {h['caption']}")
    print("subject_verb   ", data["subject_verb"]["statement"])
    args.out.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
