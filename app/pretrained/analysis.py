"""What the 72 learned heads of all-MiniLM-L6-v2 do: attention maps for a sentence, and head scoring on gold data.

Conventions
-----------
* Layers and heads are numbered from 1 in everything shown or stored (layer 1 head 3 = "1-3"); arrays are
  0-based.
* `attention_maps(text)` drops [CLS] and [SEP] by default and renormalises each row over the remaining
  wordpieces (BERT parks much of its attention on [SEP]/[CLS]; with them dropped, a row shows where the rest goes).
* Word level (`word_maps`, `score_heads`): a word's row is the **mean of its wordpieces' rows** and its column is
  the **sum of its wordpieces' columns** (Clark et al. 2019, "What does BERT look at?"), so word rows still sum to
  1. A wordpiece belongs to the word whose character span contains its first character. convention="first"
  instead keeps only each word's first wordpiece (row and column).
* Scoring (`score_heads`): the gold files' word tokens (our tokenizer's: word runs with an optional apostrophe
  suffix, every other non-space character alone) are mapped to wordpieces as above; a head is right on a gold pair
  (query, key) when the key is the argmax of the query's word-level row. previous_token / next_token: every token
  with a left / right neighbour, the neighbour is the gold key. proximity: every token of a sentence with at least
  two, right when the argmax is either neighbour (the shared README's rule).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from app.pretrained.bert import BertModel, load_model
from app.pretrained.fetch import default_model_folder
from app.pretrained.wordpiece import Encoding, WordPieceTokenizer, load_tokenizer, spans_of_tokens

__all__ = [
    "HEAD_ROLES",
    "HeadRole",
    "Pretrained",
    "SentenceAttention",
    "RelationScores",
    "Evaluation",
    "RELATIONS",
    "attention_maps",
    "evaluate_pretrained",
    "get_pretrained",
    "gold_pairs",
    "head_roles_data",
    "model_available",
    "load_relations",
    "score_heads",
    "score_records",
    "spans_of_tokens",
    "group_pieces",
]

RELATIONS = ("previous_token", "next_token", "proximity", "subject_verb", "adjective_noun", "coreference")
HEAD_ROLES_PATH = Path(__file__).with_name("head_roles.json")
DEFAULT_MAX_PIECES = 512


# --------------------------------------------------------------------------------------------- loading


@dataclass(frozen=True, eq=False)
class Pretrained:
    model: BertModel
    tokenizer: WordPieceTokenizer
    folder: Path

    @property
    def load_seconds(self) -> float:
        return self.model.load_seconds


def model_available(folder: str | os.PathLike | None = None) -> bool:
    """True when the model folder has what the NumPy model needs (no hashing: cheap enough for a health check)."""
    folder = Path(folder) if folder is not None else default_model_folder()
    return all((folder / n).is_file() for n in ("config.json", "vocab.txt", "model.safetensors"))


def get_pretrained(folder: str | os.PathLike | None = None) -> Pretrained:
    """Model + tokenizer of `folder` (default: the fetched all-MiniLM-L6-v2), loaded once per process."""
    folder = Path(folder) if folder is not None else default_model_folder()
    return _get_pretrained(str(folder.resolve()))


@lru_cache(maxsize=4)
def _get_pretrained(folder: str) -> Pretrained:
    if not model_available(folder):
        raise FileNotFoundError(
            f"no pretrained model in {folder}; run `python -m app.pretrained.fetch` (or set ATTENTION_COURSE_MODEL_DIR)"
        )
    return Pretrained(model=load_model(folder), tokenizer=load_tokenizer(folder), folder=Path(folder))


# --------------------------------------------------------------------------------------------- one sentence


def group_pieces(offsets: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int]]) -> list[list[int]]:
    """For each span, the indices of the pieces (given by their character offsets) whose first character it holds.

    A span holding no piece's first character gets the pieces that overlap it instead (so it is never empty when
    some piece covers it).
    """
    groups: list[list[int]] = []
    for a, b in spans:
        g = [i for i, (s, e) in enumerate(offsets) if e > s and a <= s < b]
        if not g:
            g = [i for i, (s, e) in enumerate(offsets) if e > s and s < b and a < e]
        groups.append(g)
    return groups


def _word_matrices(n: int, groups: Sequence[Sequence[int]], convention: str) -> tuple[np.ndarray, np.ndarray]:
    """(G, n) row-averaging and (n, G) column-summing matrices for W = P · A · S."""
    if convention not in ("mean-sum", "first"):
        raise ValueError(f"convention must be 'mean-sum' or 'first', got {convention!r}")
    G = len(groups)
    P = np.zeros((G, n), dtype=np.float32)
    S = np.zeros((n, G), dtype=np.float32)
    for g, pieces in enumerate(groups):
        if not pieces:
            continue
        if convention == "first":
            pieces = pieces[:1]
        P[g, pieces] = 1.0 / len(pieces)
        S[pieces, g] = 1.0
    return P, S


@dataclass(frozen=True, eq=False)
class SentenceAttention:
    """The attention maps of every layer and head for one sentence."""

    text: str
    encoding: Encoding  # the full encoding, [CLS]/[SEP] included
    positions: tuple[int, ...]  # which encoding positions the maps' rows/columns are
    maps: np.ndarray  # (L, h, n, n) float32
    dropped_special: bool
    renormalized: bool
    forward_seconds: float

    @property
    def tokens(self) -> list[str]:
        return [self.encoding.tokens[i] for i in self.positions]

    @property
    def num_layers(self) -> int:
        return self.maps.shape[0]

    @property
    def num_heads(self) -> int:
        return self.maps.shape[1]

    def head(self, layer: int, head: int) -> np.ndarray:
        """The (n, n) map of layer `layer`, head `head`, both numbered from 1."""
        if not (1 <= layer <= self.num_layers and 1 <= head <= self.num_heads):
            raise ValueError(f"layer must be 1..{self.num_layers} and head 1..{self.num_heads}, got {layer}-{head}")
        return self.maps[layer - 1, head - 1]

    def word_groups(self) -> tuple[list[str], list[list[int]]]:
        """BERT's own words (whitespace + punctuation split) and their wordpieces, in map indices."""
        index = {p: i for i, p in enumerate(self.positions)}
        words = list(self.encoding.words)
        groups: list[list[int]] = [[] for _ in words]
        for p, w in enumerate(self.encoding.word_ids):
            if w is not None and p in index:
                groups[w].append(index[p])
        return words, groups

    def groups_for_spans(self, spans: Sequence[tuple[int, int]]) -> list[list[int]]:
        """Map indices of the wordpieces of each character span (e.g. our own tokenizer's tokens)."""
        offsets = [self.encoding.offsets[p] if self.encoding.word_ids[p] is not None else (0, 0) for p in self.positions]
        return group_pieces(offsets, spans)

    def word_maps(self, groups: Sequence[Sequence[int]] | None = None, *, convention: str = "mean-sum") -> np.ndarray:
        """(L, h, G, G) word-level maps: rows averaged over a word's pieces, columns summed (see module doc).

        groups: map indices per word; default BERT's own words (`word_groups`).
        """
        if groups is None:
            groups = self.word_groups()[1]
        P, S = _word_matrices(len(self.positions), groups, convention)
        return (P @ self.maps @ S).astype(np.float32)


def attention_maps(
    text: str,
    *,
    pretrained: Pretrained | None = None,
    folder: str | os.PathLike | None = None,
    drop_special: bool = True,
    renormalize: bool = True,
    max_pieces: int = DEFAULT_MAX_PIECES,
) -> SentenceAttention:
    """Run the model on `text`; all L·h maps (72 for MiniLM), by default without [CLS]/[SEP], rows renormalised.

    Text longer than `max_pieces` wordpieces ([CLS]/[SEP] included) is truncated.
    """
    pre = pretrained if pretrained is not None else get_pretrained(folder)
    max_pieces = min(max_pieces, pre.model.config.max_position_embeddings)
    enc = pre.tokenizer.encode(text, max_length=max_pieces)
    t0 = time.perf_counter()
    out = pre.model.forward(np.asarray(enc.ids, dtype=np.int64))
    seconds = time.perf_counter() - t0
    att = out.attentions  # (L, h, T, T)
    if drop_special:
        positions = tuple(i for i, w in enumerate(enc.word_ids) if w is not None)
        keep = np.asarray(positions, dtype=np.intp)
        att = att[:, :, keep][:, :, :, keep]
        if renormalize and len(positions):
            sums = att.sum(axis=-1, keepdims=True)
            att = att / np.maximum(sums, np.float32(1e-30))
    else:
        positions = tuple(range(len(enc)))
    return SentenceAttention(
        text=text,
        encoding=enc,
        positions=positions,
        maps=np.ascontiguousarray(att, dtype=np.float32),
        dropped_special=drop_special,
        renormalized=drop_special and renormalize,
        forward_seconds=seconds,
    )


# --------------------------------------------------------------------------------------------- scoring


def gold_pairs(record: dict, relation: str) -> list[tuple[int, int]]:
    """(query, key) gold token pairs of one annotated sentence; for proximity the key is the left neighbour."""
    n = len(record["tokens"])
    if relation == "previous_token":
        return [(i, i - 1) for i in range(1, n)]
    if relation == "next_token":
        return [(i, i + 1) for i in range(n - 1)]
    if relation == "proximity":
        return [(i, i - 1 if i > 0 else i + 1) for i in range(n)] if n > 1 else []
    if relation not in RELATIONS:
        raise ValueError(f"unknown relation {relation!r}")
    return [(int(q), int(k)) for q, k in record.get(relation, [])]


def _hit(relation: str, q: int, k: int, pred: int) -> bool:
    if relation == "proximity":
        return abs(pred - q) == 1
    return pred == k


@dataclass(frozen=True)
class RelationScores:
    relation: str
    n_pairs: int
    accuracy: np.ndarray  # (L, h) share of gold pairs whose query row has its argmax at the gold key
    baselines: dict[str, float | None]  # name -> accuracy (None = not available)
    best_offset: int  # the fixed offset d (key = query + d) with the best accuracy on these pairs
    n_off_offset: int  # gold pairs whose key is NOT at query + best_offset
    accuracy_off_offset: np.ndarray  # (L, h) accuracy on those pairs alone (NaN when there are none)

    @property
    def best(self) -> tuple[int, int, float]:
        """(layer, head, accuracy), numbered from 1; ties go to the earlier layer/head."""
        flat = int(np.argmax(self.accuracy))
        layer, head = divmod(flat, self.accuracy.shape[1])
        return layer + 1, head + 1, float(self.accuracy.flat[flat])

    def ranking(self, k: int = 3) -> list[tuple[int, int, float]]:
        order = np.argsort(-self.accuracy, axis=None, kind="stable")[:k]
        h = self.accuracy.shape[1]
        return [(int(i) // h + 1, int(i) % h + 1, float(self.accuracy.flat[i])) for i in order]

    def of(self, layer: int, head: int) -> float:
        return float(self.accuracy[layer - 1, head - 1])


@dataclass(frozen=True)
class Evaluation:
    path: str
    n_sentences: int
    convention: str
    relations: dict[str, RelationScores]
    notes: tuple[str, ...] = field(default=())
    seconds: float = 0.0

    def report(self) -> str:
        how = "mean of pieces' rows, sum of pieces' columns" if self.convention == "mean-sum" else "first wordpiece"
        lines = [
            f"all-MiniLM-L6-v2 heads on {self.path}: {self.n_sentences} sentences, word level ({how}; "
            f"[CLS]/[SEP] dropped, rows renormalised); {self.seconds:.2f} s",
            "",
        ]
        for rel, rs in self.relations.items():
            layer, head, acc = rs.best
            lines.append(f"{rel}  ({rs.n_pairs} gold pairs)")
            off = rs.accuracy_off_offset[layer - 1, head - 1]
            off_txt = "" if rs.n_off_offset == 0 else (
                f"   ({_pct(off).strip()} of the {rs.n_off_offset} pairs not at offset {rs.best_offset:+d})"
            )
            lines.append(f"  best head  {layer}-{head}  {_pct(acc)}{off_txt}")
            lines.append("  next       " + ", ".join(f"{l}-{h} {_pct(a)}" for l, h, a in rs.ranking(4)[1:]))
            for name, value in rs.baselines.items():
                lines.append(f"  baseline   {name:<26} {'n/a' if value is None else _pct(value)}")
            lines.append("")
        lines.extend(f"note: {n}" for n in self.notes)
        return "\n".join(lines).rstrip() + "\n"


def _pct(x: float) -> str:
    return "  n/a" if x != x else f"{100 * x:5.1f}%"


def load_relations(path: str | os.PathLike) -> list[dict]:
    """Annotated sentences of a JSONL file (format: shared/README.md)."""
    records = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if line.strip():
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{lineno}: not JSON: {exc}") from exc
                if not isinstance(rec, dict) or "text" not in rec or "tokens" not in rec:
                    raise ValueError(f"{path}:{lineno}: each line needs 'text' and 'tokens'")
                records.append(rec)
    return records


def _pos_tags(tokens: Sequence[str]) -> list[str] | None:
    try:
        from app.lang.tagger import tag  # optional: another module of the app; only the noun baselines use it
    except ImportError:
        return None
    return [f.pos for f in tag(list(tokens))]


def _nearest(pos: Sequence[str], q: int, step: int, wanted: frozenset[str]) -> int | None:
    j = q + step
    while 0 <= j < len(pos):
        if pos[j] in wanted:
            return j
        j += step
    return None


_NOUNS = frozenset({"NOUN", "PROPN"})
OFFSETS = tuple(d for d in range(-8, 9) if d)
_BASELINES = ("previous token", "next token", "nearest noun to the left", "nearest noun to the right")


def score_records(
    records: Sequence[dict],
    *,
    pretrained: Pretrained | None = None,
    folder: str | os.PathLike | None = None,
    convention: str = "mean-sum",
    relations: Sequence[str] = RELATIONS,
    name: str = "records",
) -> Evaluation:
    """Score every head on every relation of annotated sentences (dicts with text, tokens and pair lists)."""
    t0 = time.perf_counter()
    pre = pretrained if pretrained is not None else get_pretrained(folder)
    # per relation, per gold pair: (query, key, n tokens, the heads' argmax (L, h), baseline guesses)
    pairs: dict[str, list[tuple[int, int, int, np.ndarray, dict[str, int | None]]]] = {r: [] for r in relations}
    have_pos = True
    for rec in records:
        tokens = rec["tokens"]
        sa = attention_maps(rec["text"], pretrained=pre, drop_special=True, renormalize=True)
        groups = sa.groups_for_spans(spans_of_tokens(rec["text"], tokens))
        pred = np.argmax(sa.word_maps(groups, convention=convention), axis=-1)  # (L, h, G)
        pos = _pos_tags(tokens) if have_pos else None
        have_pos = pos is not None
        n = len(tokens)
        for rel in relations:
            for q, k in gold_pairs(rec, rel):
                guesses: dict[str, int | None] = {
                    "previous token": q - 1 if q > 0 else None,
                    "next token": q + 1 if q + 1 < n else None,
                }
                if pos is not None:
                    guesses["nearest noun to the left"] = _nearest(pos, q, -1, _NOUNS)
                    guesses["nearest noun to the right"] = _nearest(pos, q, +1, _NOUNS)
                pairs[rel].append((q, k, n, pred[:, :, q], guesses))

    L, H = pre.model.num_layers, pre.model.num_heads
    results = {}
    for rel in relations:
        items = pairs[rel]
        c = max(len(items), 1)
        head_hits = np.zeros((L, H), dtype=np.int64)
        for q, k, _, p, _ in items:
            head_hits += (np.abs(p - q) == 1) if rel == "proximity" else (p == k)
        offset_hits = [sum(int(0 <= q + d < n and _hit(rel, q, k, q + d)) for q, k, n, _, _ in items) for d in OFFSETS]
        best_offset = OFFSETS[int(np.argmax(offset_hits))]
        off_items = [it for it in items if not _hit(rel, it[0], it[1], it[0] + best_offset)]
        off_hits = np.zeros((L, H), dtype=np.int64)
        for q, k, _, p, _ in off_items:
            off_hits += (np.abs(p - q) == 1) if rel == "proximity" else (p == k)
        baselines: dict[str, float | None] = {}
        for b in _BASELINES:
            if not have_pos and "noun" in b:
                baselines[b] = None
            else:
                baselines[b] = sum(int(g[b] is not None and _hit(rel, q, k, g[b])) for q, k, _, _, g in items) / c
        baselines[f"best fixed offset ({best_offset:+d})"] = max(offset_hits) / c
        results[rel] = RelationScores(
            relation=rel,
            n_pairs=len(items),
            accuracy=head_hits / c,
            baselines=baselines,
            best_offset=best_offset,
            n_off_offset=len(off_items),
            accuracy_off_offset=off_hits / len(off_items) if off_items else np.full((L, H), np.nan),
        )
    notes = [
        "best fixed offset: the offset d (key = query + d, |d| <= 8) with the best accuracy on these very pairs, "
        "an optimistic baseline",
    ]
    if not have_pos:
        notes.append("app.lang.tagger is not available: the nearest-noun baselines are skipped")
    return Evaluation(
        path=name,
        n_sentences=len(records),
        convention=convention,
        relations=results,
        notes=tuple(notes),
        seconds=time.perf_counter() - t0,
    )


def score_heads(
    jsonl_path: str | os.PathLike,
    *,
    pretrained: Pretrained | None = None,
    folder: str | os.PathLike | None = None,
    convention: str = "mean-sum",
    relations: Sequence[str] = RELATIONS,
) -> Evaluation:
    """Score every head on every relation of an annotated JSONL file (format: shared/README.md)."""
    return score_records(
        load_relations(jsonl_path), pretrained=pretrained, folder=folder, convention=convention,
        relations=relations, name=str(jsonl_path),
    )


def evaluate_pretrained(
    jsonl_path: str | os.PathLike,
    *,
    folder: str | os.PathLike | None = None,
    pretrained: Pretrained | None = None,
    convention: str = "mean-sum",
) -> str:
    """A text report: the best of the 72 heads per relation beside the baselines, with accuracies."""
    return score_heads(jsonl_path, folder=folder, pretrained=pretrained, convention=convention).report()


# --------------------------------------------------------------------------------------------- chosen heads


@dataclass(frozen=True)
class HeadRole:
    layer: int  # from 1
    head: int  # from 1
    role: str  # relation name, e.g. "previous_token"
    caption: str
    accuracy: float  # on the pooled gold pairs of the files named in head_roles.json ("data")
    n_pairs: int = 0
    accuracy_dev: float | None = None  # on shared/eval/relations-dev.jsonl alone

    @property
    def label(self) -> str:
        return f"{self.layer}-{self.head}"


def head_roles_data(path: str | os.PathLike = HEAD_ROLES_PATH) -> dict:
    """The whole measured record written by `python -m app.pretrained.measure_roles` ({} when absent)."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def _load_head_roles() -> tuple[HeadRole, ...]:
    data = head_roles_data()
    return tuple(
        HeadRole(
            layer=r["layer"], head=r["head"], role=r["role"], caption=r["caption"], accuracy=r["accuracy"],
            n_pairs=r.get("n_pairs", 0), accuracy_dev=(r.get("accuracy_dev") or {}).get("accuracy"),
        )
        for r in data.get("heads", [])
    )


HEAD_ROLES: tuple[HeadRole, ...] = _load_head_roles()
