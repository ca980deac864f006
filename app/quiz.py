"""The quick check: the lesson's own question plus practice questions read off the illustrative model's heatmaps.

Pure functions, no web. A practice question is a small *spec* (its kind, sentence, head, query token, numbers
and a nonce), serialised compactly and signed with the app's secret into an opaque question id:

    id = base64url(JSON spec) + "." + base64url(HMAC-SHA256(secret, domain ‖ slug ‖ payload)[:18])

The signature binds the id to one lesson, so an answer is always graded against the question that was shown;
an id that does not verify is refused (QuizError → 422). The spec is signed, not encrypted: a curious learner can
decode it (it names the head shown), which is harmless for a practice quiz and keeps the server stateless. Grading never trusts a stored key or anything the
client says beyond its chosen answer: it re-runs the model on the spec and takes the correct answer from the
engine (the head's relation, the argmax of a query's row) or from arithmetic (d_k = d_model / h). The lesson's
own question (id "seed") is graded from the lesson file, so an author writes a quick check without code.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import random
import re
import secrets as _secrets
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import orjson

from app import figures
from app.content import Lesson
from app.lang.tokenizer import tokenize
from app.live import RELATIONS, InputError, check_text
from app.sources import expected_pairs, relation_accuracy, run_attention

SEED_ID = "seed"
NUM_HEADS = 4  # the illustrative model's four heads: subject_verb, adjective_noun, coreference, proximity
MAX_ID_CHARS = 2000  # the longest sentence (300 characters) signs into well under this
MAX_QUESTIONS = 12
MAX_NONCE = 2**31 - 1
MIN_TOKENS = 4  # a learner's sentence shorter than this makes a heatmap with no pattern to read
SPEC_VERSION = 1
_DOMAIN = b"attention-course/quiz/v1\x00"
_SIG_BYTES = 18

# "Where does this token look?" needs a row a learner can read: one clear winner.
CLEAR_WEIGHT = 0.4
CLEAR_MARGIN = 0.15
DIGITS = 4

RELATION_LABELS = {
    "subject_verb": "subject → verb",
    "adjective_noun": "adjective → noun",
    "coreference": "coreference (pronoun → the noun it refers to)",
    "proximity": "proximity (neighbouring words)",
}
# What each relation looks like in a heatmap, written for a learner.
RELATION_LOOKS = {
    "subject_verb": (
        "a subject → verb head lights up the cell joining a subject to its verb (like “cats” → “are”), "
        "even when other words sit between them"
    ),
    "adjective_noun": (
        "an adjective → noun head lights up the cell from each adjective to the noun it describes "
        "(like “big” → “dog”)"
    ),
    "coreference": (
        "a coreference head lights up the cell from a pronoun back to the noun it stands for "
        "(like “it” → “cat”), often several words back"
    ),
    "proximity": (
        "a proximity head makes almost every token look at a next-door word, drawing a bright stripe right "
        "beside the diagonal"
    ),
}

# (d_model, h) pairs of real and textbook models; every d_model divides evenly.
SHAPE_MODELS = [(512, 8), (768, 12), (1024, 16), (512, 4), (256, 8), (768, 8), (1024, 8), (2048, 16),
                (4096, 32), (12288, 96), (384, 6), (640, 10)]
SHAPE_FORMS = ("d_k", "heads", "concat")


class QuizError(ValueError):
    """An answer or question id the quick check cannot grade; the message is written for the learner (→ 422)."""


# ------------------------------------------------------------------------------------------------ data types


@dataclass(frozen=True)
class Option:
    key: str
    label: str


@dataclass(frozen=True)
class Question:
    id: str
    kind: str  # "seed" | "relation" | "look" | "shape"
    prompt: str
    hint: str
    input: str  # "choice" (radio group) | "number"
    options: list[Option]
    sentence: str | None = None
    tokens: list[str] | None = None
    head: int | None = None  # 1-based head number shown (look questions)
    query: int | None = None  # 0-based query token index (look questions)
    weights: list[list[float]] | None = None  # the shown head's T×T weights, rounded (table fallback)
    figure: dict[str, Any] | None = None
    # Server side only, never sent: the verified spec and the model run the question was built from.
    spec: dict[str, Any] | None = field(default=None, repr=False, compare=False)
    run: Any = field(default=None, repr=False, compare=False)

    def label_of(self, key: str) -> str:
        return next((o.label for o in self.options if o.key == key), key)


@dataclass(frozen=True)
class Quiz:
    title: str
    questions: list[Question]
    nonce: int
    note: str | None = None
    own_text: str | None = None  # the learner's sentence, when it was usable


@dataclass(frozen=True)
class OptionFeedback:
    key: str
    label: str
    correct: bool
    chosen: bool
    explanation: str


@dataclass(frozen=True)
class Result:
    question: Question
    answer: str
    answer_label: str
    correct: bool
    right_answer: str
    right_label: str
    explanation: str
    options: list[OptionFeedback] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.question.id

    @property
    def kind(self) -> str:
        return self.question.kind


@dataclass(frozen=True)
class Grade:
    results: list[Result]

    @property
    def score(self) -> int:
        return sum(r.correct for r in self.results)

    @property
    def total(self) -> int:
        return len(self.results)


# ----------------------------------------------------------------------------------------- signing question ids


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]+", text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret: bytes, slug: str, payload: str) -> bytes:
    message = _DOMAIN + slug.encode("utf-8") + b"\x00" + payload.encode("ascii")
    return hmac.new(secret, message, hashlib.sha256).digest()[:_SIG_BYTES]


def sign(spec: dict[str, Any], secret: bytes, slug: str) -> str:
    """The opaque id of a question: its spec, compactly encoded, and a signature binding it to this lesson."""
    payload = _b64encode(orjson.dumps(spec, option=orjson.OPT_SORT_KEYS))
    return f"{payload}.{_b64encode(_signature(secret, slug, payload))}"


TAMPERED = (
    "{subject} isn't one this quick check asked: it is unknown or has been changed. "
    "Reload the quiz to get fresh questions."
)


def read_id(question_id: str, secret: bytes, slug: str, where: str = "") -> dict[str, Any]:
    """The spec inside a question id, or QuizError if the id is garbled, tampered with or from another lesson."""
    refused = QuizError(TAMPERED.format(subject=where or "That question id"))
    if not isinstance(question_id, str) or len(question_id) > MAX_ID_CHARS or question_id.count(".") != 1:
        raise refused
    payload, sig = question_id.split(".")
    try:
        given = _b64decode(sig)
    except (ValueError, binascii.Error):
        raise refused from None
    if not hmac.compare_digest(given, _signature(secret, slug, payload)):
        raise refused
    try:
        spec = orjson.loads(_b64decode(payload))
    except (ValueError, binascii.Error, orjson.JSONDecodeError):
        raise refused from None
    if not _valid_spec(spec):
        raise refused
    return spec


def _is_int(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _valid_spec(spec: Any) -> bool:
    """Structure of a (verified) spec; a signed id is ours, this only guards against our own older formats."""
    if not isinstance(spec, dict) or spec.get("v") != SPEC_VERSION or not _is_int(spec.get("n"), 0, MAX_NONCE):
        return False
    kind = spec.get("k")
    if kind in ("relation", "look"):
        if not isinstance(spec.get("s"), str) or not _is_int(spec.get("h"), 0, NUM_HEADS - 1):
            return False
        if kind == "look":
            options = spec.get("o")
            return (_is_int(spec.get("q"), 0, 10_000) and isinstance(options, list) and 2 <= len(options) <= 4
                    and all(_is_int(o, 0, 10_000) for o in options))
        return True
    if kind == "shape":
        return spec.get("f") in SHAPE_FORMS and _is_int(spec.get("a"), 1, 10**6) and _is_int(spec.get("b"), 1, 10**6)
    return False


# ----------------------------------------------------------------------------------------------- the model


def token_labels(tokens: Sequence[str]) -> list[str]:
    """The tokens as the heatmap's axes name them: a repeated word gets its position, "the (5)"."""
    counts = Counter(tokens)
    return [t if counts[t] == 1 else f"{t} ({i + 1})" for i, t in enumerate(tokens)]


@dataclass(frozen=True)
class _Run:
    tokens: list[str]
    relations: list[str]
    weights: np.ndarray  # (h, T, T) float64


def _run(sentence: str) -> _Run:
    """The illustrative model's four heads on `sentence` (looked up at call time, so tests can swap the model)."""
    try:
        run = run_attention(sentence, num_heads=NUM_HEADS, source="illustrative")
    except ValueError:
        raise QuizError("This question's sentence can no longer be analysed. Reload the quiz.") from None
    tokens = [str(t) for t in run.tokens]
    weights = np.asarray(run.result.weights, dtype=np.float64)
    relations = [str(h.relation) for h in run.heads]
    T = len(tokens)
    if weights.ndim != 3 or weights.shape[1:] != (T, T) or len(relations) != weights.shape[0]:
        raise QuizError("This question no longer matches the model. Reload the quiz.")
    return _Run(tokens, relations, weights)


def _pairs(sentence: str) -> dict[str, list[tuple[int, int]]]:
    try:
        return {r: [(int(q), int(k)) for q, k in p] for r, p in expected_pairs(sentence).items()}
    except ValueError:
        return {}


def _captures(weights: np.ndarray, pairs: list[tuple[int, int]]) -> bool:
    hits, total = relation_accuracy(weights, pairs)
    return total > 0 and hits == total


def readable_heads(sentence: str, run: _Run | None = None) -> list[int]:
    """Heads whose heatmap shows their relation on this sentence, and no other relation as fully.

    The relation must occur in the sentence (expected_pairs), the head must put every such pair's argmax on the
    expected key, and it must not also capture every pair of another relation that occurs (a proximity head on
    "cats are" would also look like subject → verb): so exactly one option is right by reading the heatmap.
    """
    run = run or _run(sentence)
    pairs = _pairs(sentence)
    present = [r for r in RELATIONS if pairs.get(r)]
    good = []
    for h, relation in enumerate(run.relations[:NUM_HEADS]):
        if relation not in present or not _captures(run.weights[h], pairs[relation]):
            continue
        if any(other != relation and _captures(run.weights[h], pairs[other]) for other in present):
            continue
        good.append(h)
    return good


def clear_queries(run: _Run, head: int) -> list[int]:
    """Query tokens whose row in this head has one clear winner (weight ≥ 0.4, ahead of the next by ≥ 0.15)."""
    rows = run.weights[head]
    found = []
    for q in range(rows.shape[0]):
        ordered = np.sort(rows[q])[::-1]
        second = ordered[1] if len(ordered) > 1 else 0.0
        if ordered[0] >= CLEAR_WEIGHT and ordered[0] - second >= CLEAR_MARGIN:
            found.append(q)
    return found


def _is_word(token: str) -> bool:
    return any(ch.isalnum() for ch in token)


# ---------------------------------------------------------------------------------------------- generation


def new_nonce() -> int:
    return _secrets.randbelow(MAX_NONCE + 1)


def practice_pool(lesson: Lesson) -> list[str]:
    pool = list(lesson.quick_check.practice_sentences)
    if not pool and lesson.interactive:
        pool = [lesson.interactive.default_sentence, *lesson.interactive.examples]
    usable = []
    for sentence in pool:
        try:
            check_text(sentence)
        except InputError:
            continue
        if len(tokenize(sentence)) >= MIN_TOKENS:
            usable.append(sentence)
    return usable


def make_quiz(lesson: Lesson, secret: bytes, *, text: str | None = None, nonce: int | None = None) -> Quiz:
    """The lesson's question and fresh practice questions; the same nonce (and text) gives the same quiz."""
    nonce = new_nonce() if nonce is None else nonce
    rng = random.Random(nonce)
    note = None
    own: str | None = None
    if text is not None and text.strip():
        try:
            own = check_text(text)
        except InputError as exc:
            note = f"Your sentence couldn't be used ({exc}) so the practice questions use sentences from the lesson."
        else:
            if len(tokenize(own)) < MIN_TOKENS:
                own = None
                note = (f"Your sentence is too short to show a pattern (a heatmap question needs at least {MIN_TOKENS} "
                        "words and punctuation marks), so the practice questions use sentences from the lesson.")
    pool = practice_pool(lesson)
    rng.shuffle(pool)
    candidates = ([own] if own else []) + [s for s in pool if s != own]

    questions = [seed_question(lesson)]
    relation_spec = _relation_spec(candidates, rng, nonce)
    if own and (relation_spec is None or relation_spec["s"] != own) and note is None:
        note = ("Your sentence doesn't show any of the four relationships clearly enough for the first heatmap "
                "question, so it uses a sentence from the lesson.")
    # The second heatmap question prefers another sentence than the first (the learner's own sentence is used
    # for both when it works).
    look_order = candidates
    if relation_spec is not None and not own:
        look_order = [s for s in candidates if s != relation_spec["s"]] + [relation_spec["s"]]
    look_spec = _look_spec(look_order, rng, nonce)
    for spec in (relation_spec, look_spec, _shape_spec(rng, nonce)):
        if spec is not None:
            questions.append(question_from_spec(spec, sign(spec, secret, lesson.slug)))
    return Quiz(title=lesson.quick_check.title, questions=questions, nonce=nonce, note=note, own_text=own)


def _relation_spec(candidates: Iterable[str], rng: random.Random, nonce: int) -> dict[str, Any] | None:
    for sentence in candidates:
        heads = readable_heads(sentence)
        if heads:
            return {"v": SPEC_VERSION, "k": "relation", "s": sentence, "h": rng.choice(heads), "n": nonce}
    return None


def _look_spec(candidates: Iterable[str], rng: random.Random, nonce: int) -> dict[str, Any] | None:
    for sentence in candidates:
        run = _run(sentence)
        choices = []
        for h in range(min(NUM_HEADS, run.weights.shape[0])):
            for q in clear_queries(run, h):
                if not _is_word(run.tokens[q]):
                    continue
                k = int(np.argmax(run.weights[h][q]))
                # A word that looks at another word reads best; looking at itself or at punctuation is a fallback.
                preferred = k != q and _is_word(run.tokens[k])
                choices.append((preferred, h, q, k))
        if not choices:
            continue
        best = [c for c in choices if c[0]] or choices
        head = rng.choice(sorted({c[1] for c in best}))  # each head as likely, however many clear rows it has
        _, h, q, k = rng.choice([c for c in best if c[1] == head])
        options = _distractors(run.tokens, k, q, rng) + [k]
        return {"v": SPEC_VERSION, "k": "look", "s": sentence, "h": h, "q": q, "o": sorted(options), "n": nonce}
    return None


def _distractors(tokens: Sequence[str], right: int, query: int, rng: random.Random, count: int = 3) -> list[int]:
    """Up to `count` other tokens: the query itself (the diagonal, the natural slip), then other words, each with
    text different from the right key's and from each other."""
    others = [i for i in range(len(tokens)) if i not in (right, query)]
    rng.shuffle(others)
    others.sort(key=lambda i: not _is_word(tokens[i]))  # stable: words first, shuffled within
    if query != right:
        others.insert(0, query)
    chosen: list[int] = []
    seen = {tokens[right].lower()}
    for i in others:
        if len(chosen) == count:
            break
        if tokens[i].lower() not in seen:
            chosen.append(i)
            seen.add(tokens[i].lower())
    for i in others:  # a short sentence of repeated words: allow repeats, told apart by position
        if len(chosen) == count:
            break
        if i not in chosen:
            chosen.append(i)
    return chosen


def _shape_spec(rng: random.Random, nonce: int) -> dict[str, Any]:
    d_model, h = rng.choice(SHAPE_MODELS)
    form = rng.choice(SHAPE_FORMS)
    a, b = {"d_k": (d_model, h), "heads": (d_model, d_model // h), "concat": (h, d_model // h)}[form]
    return {"v": SPEC_VERSION, "k": "shape", "f": form, "a": a, "b": b, "n": nonce}


# ---------------------------------------------------------------------------------------- questions from specs


def seed_question(lesson: Lesson) -> Question:
    qc = lesson.quick_check
    return Question(
        id=SEED_ID,
        kind="seed",
        prompt=qc.question,
        hint="Choose one answer.",
        input="choice",
        options=[Option(o.key, o.text) for o in qc.options],
    )


def load_question(lesson: Lesson, secret: bytes, question_id: str, where: str = "") -> Question:
    """The question an id stands for, rebuilt from its verified spec (QuizError if the id isn't ours)."""
    if question_id == SEED_ID:
        return seed_question(lesson)
    return question_from_spec(read_id(question_id, secret, lesson.slug, where), question_id)


def question_from_spec(spec: dict[str, Any], question_id: str) -> Question:
    kind = spec["k"]
    if kind == "shape":
        return _shape_question(spec, question_id)
    sentence = spec["s"]
    run = _run(sentence)
    h = spec["h"]
    if h >= run.weights.shape[0]:
        raise QuizError("This question no longer matches the model. Reload the quiz.")
    labels = token_labels(run.tokens)
    weights = np.round(run.weights[h], DIGITS)
    if kind == "relation":
        return Question(
            id=question_id,
            kind="relation",
            prompt="Which relationship does this head capture?",
            hint=("Each row is a query token and each column a key it can attend to; the brighter the cell, the "
                  "more that token looks there. Look for the pattern the bright cells make."),
            input="choice",
            options=[Option(r, RELATION_LABELS[r]) for r in RELATIONS],
            sentence=sentence,
            tokens=run.tokens,
            weights=weights.tolist(),
            figure=head_figure(run.tokens, weights, "Mystery head"),
            spec=spec,
            run=run,
        )
    q = spec["q"]
    options = spec["o"]
    if q >= len(run.tokens) or any(o >= len(run.tokens) for o in options):
        raise QuizError("This question no longer matches the model. Reload the quiz.")
    return Question(
        id=question_id,
        kind="look",
        prompt=f"Where does this token look? In head {h + 1}, which token does “{labels[q]}” attend to most?",
        hint=f"Find the row “{labels[q]}” (outlined) and its brightest cell: that cell's column is the answer.",
        input="choice",
        options=[Option(str(o), labels[o]) for o in options],
        sentence=sentence,
        tokens=run.tokens,
        head=h + 1,
        query=q,
        weights=weights.tolist(),
        figure=head_figure(run.tokens, weights, f"Head {h + 1}", highlight_row=q),
        spec=spec,
        run=run,
    )


def _shape_question(spec: dict[str, Any], question_id: str) -> Question:
    a, b, form = spec["a"], spec["b"], spec["f"]
    prompt = {
        "d_k": f"A model has d_model = {a} and h = {b} heads. What is d_k, the size each head works in?",
        "heads": f"A model has d_model = {a}, and each head works in d_k = {b} dimensions. How many heads (h) does it have?",
        "concat": (f"{a} heads each output a vector of size d_v = {b} per token. How many numbers per token does "
                   "Concat(head₁, …, headₕ) have?"),
    }[form]
    return Question(id=question_id, kind="shape", prompt=prompt, hint="Type a whole number.", input="number",
                    options=[], spec=spec)


def head_figure(tokens: Sequence[str], weights: np.ndarray, title: str, highlight_row: int | None = None) -> dict:
    """One head's heatmap as a Plotly figure of its own (title shown by the page, not in the plot)."""
    figure = figures.attention_figure(tokens, np.asarray(weights)[None, :, :], [title])
    layout = figure["layout"]
    layout["annotations"] = []
    layout["margin"] = {"l": 80, "r": 20, "t": 10, "b": 80}
    layout["height"] = max(300, min(640, 170 + 18 * len(tokens)))
    if highlight_row is not None:
        layout["shapes"] = [{
            "type": "rect", "xref": "paper", "yref": "y", "x0": 0, "x1": 1,
            "y0": highlight_row - 0.5, "y1": highlight_row + 0.5,
            "line": {"color": "#d9480f", "width": 3}, "fillcolor": "rgba(0,0,0,0)",
        }]
    return figure


# ---------------------------------------------------------------------------------------------------- grading


def grade(lesson: Lesson, secret: bytes, answers: Sequence[tuple[str, Any]]) -> Grade:
    """Grade (question id, answer) pairs against the questions those ids stand for.

    Raises QuizError (→ 422) for an empty list, a question answered twice, an id we didn't issue, a missing
    answer or an answer that isn't one of the question's options.
    """
    if not answers:
        raise QuizError("There are no answers to grade.")
    if len(answers) > MAX_QUESTIONS:
        raise QuizError(f"That is {len(answers)} answers; a quick check has at most {MAX_QUESTIONS} questions.")
    seen: dict[str, int] = {}
    for n, (question_id, _) in enumerate(answers, start=1):
        if question_id in seen:
            raise QuizError(f"Question {seen[question_id]} is answered more than once (again as answer {n}). "
                            "Send one answer per question.")
        seen[question_id] = n
    many = len(answers) > 1
    questions = [load_question(lesson, secret, qid, where=f"The question id of answer {n}" if many else "")
                 for n, (qid, _) in enumerate(answers, start=1)]
    return grade_questions(lesson, [(q, a) for q, (_, a) in zip(questions, answers)])


def grade_questions(lesson: Lesson, answered: Sequence[tuple[Question, Any]]) -> Grade:
    """Grade answers to questions already loaded from verified ids (see load_question)."""
    many = len(answered) > 1
    return Grade([grade_one(lesson, q, a, n if many else None) for n, (q, a) in enumerate(answered, start=1)])


def _normal_answer(question: Question, answer: Any, n: int | None) -> str:
    which = f"question {n}" if n else "this question"
    if answer is None or (isinstance(answer, str) and not answer.strip()):
        verb = "type" if question.input == "number" else "choose"
        raise QuizError(f"Please {verb} an answer for {which}.")
    if isinstance(answer, bool) or not isinstance(answer, (str, int)):
        raise QuizError(f"The answer to {which} must be text, like \"C\" or \"64\".")
    text = str(answer).strip()
    if question.input == "number":
        if not re.fullmatch(r"\+?\d{1,9}", text):
            raise QuizError(f"The answer to {which} must be a whole number, like 64; “{text[:40]}” isn't one.")
        return str(int(text))
    keys = [o.key for o in question.options]
    if text not in keys:
        shown = ", ".join(f"“{k}”" for k in keys)
        raise QuizError(f"“{text[:40]}” isn't one of the options of {which}; choose one of {shown}.")
    return text


def grade_one(lesson: Lesson, question: Question, answer: Any, n: int | None = None) -> Result:
    chosen = _normal_answer(question, answer, n)
    if question.kind == "seed":
        return _grade_seed(lesson, question, chosen)
    if question.kind == "shape":
        return _grade_shape(question, chosen)
    if question.kind == "relation":
        return _grade_relation(question, chosen)
    return _grade_look(question, chosen)


def _grade_seed(lesson: Lesson, question: Question, chosen: str) -> Result:
    qc = lesson.quick_check
    right = qc.correct_option
    options = [OptionFeedback(o.key, o.text, o.key == qc.answer, o.key == chosen, o.explanation) for o in qc.options]
    picked = next(o for o in qc.options if o.key == chosen)
    explanation = right.explanation if chosen == qc.answer else f"{picked.explanation} {right.explanation}"
    return Result(question, chosen, picked.text, chosen == qc.answer, right.key, right.text, explanation, options)


def _grade_relation(question: Question, chosen: str) -> Result:
    run, h = question.run, question.spec["h"]
    right = run.relations[h]
    evidence = _relation_evidence(question.sentence or "", run, h, right)
    text = f"It's {RELATION_LABELS.get(right, right)}: {RELATION_LOOKS.get(right, '')}."
    if evidence:
        text += f" Here, {evidence}."
    if chosen != right:
        text += (f" You chose {RELATION_LABELS[chosen]}, but {RELATION_LOOKS[chosen]}: that isn't the pattern in "
                 "this heatmap.")
    return Result(question, chosen, question.label_of(chosen), chosen == right, right,
                  RELATION_LABELS.get(right, right), text)


def _relation_evidence(sentence: str, run: _Run, h: int, relation: str) -> str:
    pairs = _pairs(sentence).get(relation, [])
    T = len(run.tokens)
    parts = []
    for q, _ in pairs[:2]:
        if not 0 <= q < T:
            continue
        k = int(np.argmax(run.weights[h][q]))
        parts.append(f"“{run.tokens[q]}” looks most at “{run.tokens[k]}” ({run.weights[h][q][k]:.2f})")
    return " and ".join(parts)


def _grade_look(question: Question, chosen: str) -> Result:
    run, h, q = question.run, question.spec["h"], question.spec["q"]
    labels = token_labels(run.tokens)
    row = run.weights[h][q]
    k = int(np.argmax(row))
    order = [int(i) for i in np.argsort(-row, kind="stable")]
    runner_up = next((i for i in order if i != k), None)
    text = (f"Row “{labels[q]}” is brightest in column “{labels[k]}”: weight {row[k]:.2f}, the largest in that "
            "row")
    if runner_up is not None:
        text += f" (next is “{labels[runner_up]}” at {row[runner_up]:.2f})"
    text += "."
    c = int(chosen)
    if c != k and 0 <= c < len(labels):
        text += f" “{labels[c]}” gets only {row[c]:.2f}."
    return Result(question, chosen, question.label_of(chosen), c == k, str(k), labels[k], text)


def shape_answer(form: str, a: int, b: int) -> int:
    return {"d_k": a // b, "heads": a // b, "concat": a * b}[form]


def _grade_shape(question: Question, chosen: str) -> Result:
    form, a, b = question.spec["f"], question.spec["a"], question.spec["b"]
    right = shape_answer(form, a, b)
    text = {
        "d_k": (f"d_k = d_model / h = {a} / {b} = {right}. The model's width is split evenly between the heads, so "
                "all of them together cost about as much as one full-size head."),
        "heads": (f"h = d_model / d_k = {a} / {b} = {right}, because d_k = d_model / h: the heads share the "
                  "model's width evenly."),
        "concat": (f"h × d_v = {a} × {b} = {right} numbers per token. W_O then projects this concatenation back "
                   "to d_model."),
    }[form]
    return Result(question, chosen, chosen, int(chosen) == right, str(right), str(right), text)


# ------------------------------------------------------------------------------------------------- forms


FORM_FIELD = re.compile(r"^(id|answer)-(\d{1,2})$")


def answers_from_form(fields: Sequence[tuple[str, str]]) -> list[tuple[str, str | None]]:
    """(id, answer or None) per question of the HTML form (`id-N`, `answer-N`), in the page's order.

    Raises QuizError for a field sent twice, an answer without its question id, or a form with no questions.
    Other fields (the submit button) are ignored.
    """
    ids: dict[int, str] = {}
    given: dict[int, str] = {}
    for name, value in fields:
        match = FORM_FIELD.match(name)
        if not match:
            continue
        kind, n = match.group(1), int(match.group(2))
        target = ids if kind == "id" else given
        if n in target:
            what = "more than one answer" if kind == "answer" else "its question id twice"
            raise QuizError(f"Question {n} was sent with {what}. Send one answer per question.")
        target[n] = value
    if not ids:
        raise QuizError("The form has no questions in it. Reload the quiz and try again.")
    stray = sorted(set(given) - set(ids))
    if stray:
        raise QuizError(f"The form has an answer for question {stray[0]} but not the question itself. "
                        "Reload the quiz and try again.")
    return [(ids[n], given.get(n)) for n in sorted(ids)]
