"""The lesson's "pretrained (MiniLM)" source: the real heads of all-MiniLM-L6-v2 on a learner's sentence.

Pure functions over app.pretrained (no web code), shared by the JSON API and the slide pages so both show the
same numbers:

* `pretrained_payload(text)` has the keys of `app.live.analyze(...).payload` (plus `pretrained`): by default the
  four heads chosen by measurement (app/pretrained/head_roles.json), or one head picked by layer and head.
* `model_view_figure(text)`: all 72 heads as small multiples, one Plotly figure.
* `analysis_for(request)`: the one dispatch the routers call: pretrained here, every other source in app.live.

[CLS]/[SEP] are hidden and rows renormalised over the sentence's WordPieces by default (`special=False`); with
`special=True` they are kept and rows are the model's raw softmax rows. The model always runs with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from app import figures
from app.cache import LRUCache
from app.live import DIGITS, Analysis, InputError, analyze, check_text, one_vs_many, top_keys
from app.settings import MAX_TOKENS

__all__ = [
    "MODEL_VIEW_DIGITS",
    "NOT_INSTALLED",
    "PAIR_REQUIRED",
    "SCHEMA_INVISIBLE_REFUSALS",
    "PRETRAINED",
    "SOURCE_LABEL",
    "analysis_for",
    "available",
    "check_pretrained_choice",
    "enable_hint",
    "form_flag",
    "form_options",
    "form_value",
    "model_dims",
    "model_view",
    "model_view_analysis",
    "model_view_figure",
    "piece_labels",
    "pretrained_analysis",
    "pretrained_payload",
]

PRETRAINED = "pretrained"
SOURCE_LABEL = "pretrained (MiniLM)"
MODEL_NAME = "all-MiniLM-L6-v2"
NOT_INSTALLED = ("The pretrained model is not installed on this server. Run `attention-course fetch-model` "
                 "(or `python -m app.pretrained.fetch`) and restart.")
PAIR_REQUIRED = "Pick both a layer and a head (or neither, to see the four measured heads)."
TOO_MANY_PIECES = "The pretrained model splits that text into"
NO_PIECES = "The pretrained model finds no words in that text; please type a sentence."
# Refusals of schema-valid requests that JSON Schema cannot state (a pair of fields, the model's own tokenizer, a
# missing optional model): tests/test_schemathesis.py accepts them like the text limits.
SCHEMA_INVISIBLE_REFUSALS = (PAIR_REQUIRED, TOO_MANY_PIECES, NO_PIECES, NOT_INSTALLED)
MODEL_VIEW_DIGITS = 3
ROLE_NAMES = {
    "previous_token": "previous word",
    "next_token": "next word",
    "proximity": "neighbouring word",
    "subject_verb": "subject → verb",
    "adjective_noun": "adjective → noun",
    "coreference": "pronoun → antecedent",
}
SPECIALS = ("[CLS]", "[SEP]")


def available() -> bool:
    """True when the model folder is there (checked on every call: cheap, and a fetch needs no code reload)."""
    from app.pretrained.analysis import model_available

    return model_available()


def enable_hint() -> str:
    """What a page says when the pretrained source is not installed."""
    return ("A third source, the real heads of a pretrained model (all-MiniLM-L6-v2), can be added: run "
            "`attention-course fetch-model` (or `python -m app.pretrained.fetch`) and restart the server.")


def _pretrained():
    from app.pretrained.analysis import get_pretrained

    return get_pretrained()


@lru_cache(maxsize=1)
def _dims() -> tuple[int, int, int]:
    """(layers, heads per layer, d_model) of the installed model."""
    config = _pretrained().model.config
    return config.num_hidden_layers, config.num_attention_heads, config.hidden_size


def model_dims() -> dict[str, int]:
    layers, heads, d_model = _dims()
    return {"layers": layers, "heads_per_layer": heads, "d_model": d_model, "d_k": d_model // heads}


# --------------------------------------------------------------------------------------------- checks


@lru_cache(maxsize=1024)
def _piece_count(text: str) -> int:
    return sum(1 for w in _pretrained().tokenizer.encode(text).word_ids if w is not None)


def check_pretrained_choice(text: str, source: str, layer: int | None = None, head: int | None = None,
                            special: bool = False) -> None:
    """InputError (a learner-readable message) unless the pretrained-only choices of a request can be used.

    Layer and head come both or neither, whatever the source (other sources ignore them, like `special`).
    With the pretrained source: the model must be installed and the sentence must fit in MAX_TOKENS WordPieces
    (the model's own tokens, [CLS]/[SEP] included when shown), so every heatmap stays readable.
    """
    if (layer is None) != (head is None):
        raise InputError(PAIR_REQUIRED)
    if source != PRETRAINED:
        return
    if not available():
        raise InputError(NOT_INSTALLED)
    layers, heads, _ = _dims()
    if layer is not None and not (1 <= layer <= layers and 1 <= head <= heads):
        raise InputError(f"The model has layers 1 to {layers} and heads 1 to {heads}; there is no head {layer}-{head}.")
    pieces = _piece_count(text)
    if pieces == 0:
        raise InputError(NO_PIECES)
    count = pieces + (2 if special else 0)
    if count > MAX_TOKENS:
        raise InputError(
            f"{TOO_MANY_PIECES} {count} WordPieces (pieces of words"
            f"{', [CLS] and [SEP] included' if special else ''}); the limit is {MAX_TOKENS}, so every heatmap "
            f"stays readable. Try a shorter sentence."
        )


# --------------------------------------------------------------------------------------------- labels


def piece_labels(tokens: list[str], word_ids: list[int | None]) -> list[str]:
    """Readable axis labels for wordpieces: a word split in pieces reads "un-", "-bel-", "-bly".

    Whole words and [CLS]/[SEP] keep their own label; BERT's "##" continuation mark becomes a leading hyphen and
    every piece but a word's last gets a trailing one, so the pieces of one word visibly join up.
    """
    labels = []
    for i, (tok, w) in enumerate(zip(tokens, word_ids)):
        if w is None:
            labels.append(tok)
            continue
        first = i == 0 or word_ids[i - 1] != w
        last = i == len(tokens) - 1 or word_ids[i + 1] != w
        core = tok[2:] if tok.startswith("##") and not first else tok
        labels.append(("" if first else "-") + core + ("" if last else "-"))
    return labels


# --------------------------------------------------------------------------------------------- one sentence


@dataclass(frozen=True)
class _Sentence:
    """A sentence's maps as shown: tokens (wordpieces), their readable labels and words, and (L, h, n, n) maps."""

    tokens: list[str]
    labels: list[str]
    words: list[str]  # the word each token belongs to ([CLS]/[SEP] for themselves)
    split_words: list[dict]  # [{"word", "pieces"}] for words of several pieces
    word_ids: list[int | None]
    maps: np.ndarray  # (L, h, n, n) float32
    model_length: int  # T as the model ran: the sentence's wordpieces plus [CLS] and [SEP]


_SENTENCES: LRUCache[_Sentence] = LRUCache(max_entries=16)  # (6·12·62² float32 ≈ 1.1 MB each at worst)


def _sentence(text: str, special: bool) -> _Sentence:
    """The model's maps for `text`, kept in a small LRU (a forward pass takes ~30 ms)."""
    key = (text, special)
    cached = _SENTENCES.get(key)
    if cached is not None:
        return cached
    from app.pretrained.analysis import attention_maps

    sa = attention_maps(text, pretrained=_pretrained(), drop_special=not special, renormalize=True)
    enc = sa.encoding
    word_ids = [enc.word_ids[p] for p in sa.positions]
    shown = [enc.piece_labels()[p] for p in sa.positions]  # [UNK] shows the word it stands for
    words = [enc.tokens[p] if w is None else enc.words[w] for p, w in zip(sa.positions, word_ids)]
    split = []
    for w, word in enumerate(enc.words):
        pieces = [enc.tokens[p] for p in enc.word_pieces(w)]
        if len(pieces) > 1:
            split.append({"word": word, "pieces": pieces})
    sentence = _Sentence(
        tokens=list(sa.tokens),
        labels=piece_labels(shown, word_ids),
        words=words,
        split_words=split,
        word_ids=word_ids,
        maps=sa.maps,
        model_length=len(enc),
    )
    _SENTENCES.put(key, sentence)
    return sentence


def _roles() -> dict[tuple[int, int], Any]:
    from app.pretrained.analysis import HEAD_ROLES

    return {(r.layer, r.head): r for r in HEAD_ROLES}


def _head_info(layer: int, head: int) -> tuple[str, str, str]:
    """(relation, title, description) of one head: a measured head's role and caption, else what is known."""
    role = _roles().get((layer, head))
    if role is not None:
        name = ROLE_NAMES.get(role.role, role.role.replace("_", " "))
        return role.role, f"Layer {layer} · head {head} — {name}", role.caption
    return "pretrained", f"Layer {layer} · head {head}", _unmeasured_description(layer, head)


def _unmeasured_description(layer: int, head: int) -> str:
    from app.pretrained.analysis import head_roles_data

    text = ("Not one of the four measured heads: nobody chose it for a role, so read its pattern from the heatmap "
            "and be wary of a story that fits one sentence.")
    ranks = []
    for relation, data in (head_roles_data().get("relations") or {}).items():
        for rank, entry in enumerate(data.get("top5", []), 1):
            if entry.get("layer") == layer and entry.get("head") == head:
                ranks.append(f"{ROLE_NAMES.get(relation, relation)} (#{rank} of 72, right for "
                             f"{100 * entry['accuracy']:.0f}% of {data.get('n_pairs', '?')} pairs)")
    if ranks:
        text += " On the annotated set it is among the five best heads for " + "; ".join(ranks) + "."
    return text


def _special_note(special: bool, model_length: int) -> str:
    if special:
        return (f"[CLS] and [SEP] are shown, and each row is the model's own softmax over all {model_length} "
                "positions, unchanged. Much of the attention parks on [CLS] and [SEP].")
    return ("[CLS] and [SEP] are hidden: the model adds them around every sentence and parks much of its attention "
            "on them, so each row is renormalized to sum to 1 over your sentence's WordPieces.")


def _pieces_note(split_words: list[dict]) -> str:
    if not split_words:
        return "Every word of this sentence is a single WordPiece of the model's vocabulary."
    example = split_words[0]
    shown = " ".join(piece_labels(example["pieces"], [0] * len(example["pieces"])))
    return (f"The model splits {len(split_words)} word{'s' if len(split_words) > 1 else ''} of this sentence into "
            f"WordPieces; the labels join a word's pieces with hyphens: {shown} is “{example['word']}” "
            f"(the model writes {' '.join(example['pieces'])}).")


def _statement() -> str:
    from app.pretrained.analysis import head_roles_data

    statement = (head_roles_data().get("subject_verb") or {}).get("statement")
    return statement or "No head of this model tracks subject → verb better than a fixed offset."


def shapes(model_length: int, special: bool) -> list[dict]:
    """The real shapes of one attention layer of the model on this sentence (T counts [CLS] and [SEP])."""
    _, h, d_model = _dims()
    d_k = d_model // h
    T = model_length
    why = "shown" if special else "hidden in the heatmaps"
    rows = [
        ("X", (T, d_model), f"the sentence: T = {T} WordPieces including [CLS] and [SEP] ({why}), which the model "
                            "always sees"),
        ("W_Qᵢ, W_Kᵢ, W_Vᵢ", (d_model, d_k), f"each head's own learned projections (×{h} heads)"),
        ("Qᵢ = X·W_Qᵢ, Kᵢ, Vᵢ", (T, d_k), "each head's queries, keys and values"),
        ("scores Qᵢ·Kᵢᵀ / √d_k", (T, T), "how well each query matches each key"),
        ("weights = softmax(scores)", (T, T), "each row sums to 1: the heatmap"),
        ("headᵢ = weights·Vᵢ", (T, d_k), "each head's output vector per token (d_v = d_k)"),
        ("Concat(head₁…headₕ)", (T, h * d_k), f"{h} × {d_k} = {h * d_k} values per token"),
        ("W_O", (h * d_k, d_model), "projects back to d_model"),
        ("output = Concat·W_O", (T, d_model), "same shape as X: on to the feed-forward block and the next layer"),
    ]
    return [{"name": name, "shape": list(shape), "note": note} for name, shape, note in rows]


def pretrained_payload(text: str, *, layer: int | None = None, head: int | None = None,
                       special: bool = False) -> dict:
    """The API payload for the pretrained source (the keys of app.live's, plus `pretrained`). Cached."""
    return pretrained_analysis(text, layer=layer, head=head, special=special).payload


_ANALYSES: LRUCache[Analysis] = LRUCache(max_entries=64)


def pretrained_analysis(text: str, *, layer: int | None = None, head: int | None = None,
                        special: bool = False) -> Analysis:
    check_text(text)
    check_pretrained_choice(text, PRETRAINED, layer, head, special)
    key = (text, layer, head, bool(special))
    return _ANALYSES.get(key) or _ANALYSES.put(key, Analysis(_build_payload(text, layer, head, bool(special))))


def _build_payload(text: str, layer: int | None, head: int | None, special: bool) -> dict:
    from app.pretrained.analysis import HEAD_ROLES

    s = _sentence(text, special)
    picked = (layer, head) if layer is not None else None
    chosen = [picked] if picked else [(r.layer, r.head) for r in HEAD_ROLES]
    weights = np.round(np.stack([s.maps[l - 1, h - 1] for l, h in chosen]).astype(np.float64), DIGITS)
    z = [w.tolist() for w in weights]  # shared by `heads` and the figure, as in app.live
    infos = [_head_info(l, h) for l, h in chosen]
    heads = [
        {
            "index": i + 1,
            "relation": relation,
            "title": title,
            "description": description,
            "weights": z[i],
            "top": top_keys(s.tokens, weights[i]),
            "layer": l,
            "head": h,
        }
        for i, ((l, h), (relation, title, description)) in enumerate(zip(chosen, infos))
    ]
    dims = model_dims()
    return {
        "text": text,
        "tokens": list(s.tokens),
        "num_heads": len(heads),
        "source": PRETRAINED,
        "seed": None,
        "d_model": dims["d_model"],
        "d_k": dims["d_k"],
        "heads": heads,
        "figure": figures.attention_figure(s.labels, weights, [t for _, t, _ in infos], z=z),
        "shapes": shapes(s.model_length, special),
        "one_vs_many": one_vs_many(text),  # the illustrative heads' score, as on slide 1 for every source
        "pretrained": {
            "model": MODEL_NAME,
            "layers": dims["layers"],
            "heads_per_layer": dims["heads_per_layer"],
            "special_shown": special,
            "renormalized": not special,
            "special_note": _special_note(special, s.model_length),
            "pieces_note": _pieces_note(s.split_words),
            "subject_verb_statement": _statement(),
            "picked": {"layer": layer, "head": head} if picked else None,
            "labels": list(s.labels),
            "words": list(s.words),
            "split_words": s.split_words,
            "model_length": s.model_length,
            "measured": [{"layer": r.layer, "head": r.head, "role": r.role,
                          "role_name": ROLE_NAMES.get(r.role, r.role), "accuracy": r.accuracy} for r in HEAD_ROLES],
        },
    }


# --------------------------------------------------------------------------------------------- model view


def model_view_figure(text: str, *, special: bool = False) -> dict:
    """All L·h heads as small heatmaps (a row per layer), one shared 0–1 colour axis, no tick labels.

    Each trace carries meta {layer, head} (numbered from 1) so a click can open that head.
    """
    return model_view(text, special=special)["figure"]


def model_view(text: str, *, special: bool = False) -> dict:
    """{tokens, labels, figure, special_shown, renormalized, special_note, layers, heads_per_layer}. Cached."""
    return model_view_analysis(text, special=special).payload


_MODEL_VIEWS: LRUCache[Analysis] = LRUCache(max_entries=8)  # up to ~1.5 MB of JSON each for 60 pieces


def model_view_analysis(text: str, *, special: bool = False) -> Analysis:
    check_text(text)
    check_pretrained_choice(text, PRETRAINED, None, None, special)
    key = (text, bool(special))
    cached = _MODEL_VIEWS.get(key)
    if cached is not None:
        return cached
    s = _sentence(text, bool(special))
    dims = model_dims()
    payload = {
        "text": text,
        "tokens": list(s.tokens),
        "labels": list(s.labels),
        "layers": dims["layers"],
        "heads_per_layer": dims["heads_per_layer"],
        "special_shown": bool(special),
        "renormalized": not special,
        "special_note": _special_note(bool(special), s.model_length),
        "figure": _model_view_figure(s),
    }
    return _MODEL_VIEWS.put(key, Analysis(payload))


def _model_view_figure(s: _Sentence) -> dict:
    L, H, n, _ = s.maps.shape
    labels = figures.token_labels(s.labels)
    z = np.round(s.maps.astype(np.float64), MODEL_VIEW_DIGITS)
    gap_x, gap_y = 0.01, 0.045
    cell_w = (1 - gap_x * (H - 1)) / H
    cell_h = (1 - gap_y * (L - 1)) / L
    data, annotations = [], []
    layout: dict = {
        "coloraxis": {
            "colorscale": figures.COLORSCALE,
            "cmin": 0.0,
            "cmax": 1.0,
            "colorbar": {"title": {"text": "weight"}, "thickness": 10, "len": 0.5, "tickvals": [0, 0.5, 1]},
        },
        "font": figures.FONT,
        "margin": {"l": 60, "r": 10, "t": 24, "b": 10},
        "height": 110 * L + 60,
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "hovermode": "closest",
        "annotations": annotations,
    }
    for layer in range(1, L + 1):
        y1 = 1 - (layer - 1) * (cell_h + gap_y)
        annotations.append({"text": f"Layer {layer}", "x": 0, "y": y1 - cell_h / 2, "xref": "paper", "yref": "paper",
                            "xanchor": "right", "yanchor": "middle", "xshift": -6, "showarrow": False,
                            "font": {"size": 11}})
        for head in range(1, H + 1):
            i = (layer - 1) * H + (head - 1)
            suffix = "" if i == 0 else str(i + 1)
            x0 = (head - 1) * (cell_w + gap_x)
            data.append({
                "type": "heatmap",
                "name": f"Layer {layer} · head {head}",
                "z": z[layer - 1, head - 1].tolist(),
                "x": labels,
                "y": labels,
                "coloraxis": "coloraxis",
                "hovertemplate": f"{layer}-{head}: %{{y}} → %{{x}}: %{{z:.3f}}<extra></extra>",
                "xaxis": f"x{suffix}",
                "yaxis": f"y{suffix}",
                "meta": {"layer": layer, "head": head},
            })
            axis = {"type": "category", "showticklabels": False, "ticks": "", "showgrid": False, "zeroline": False,
                    "fixedrange": True}
            layout[f"xaxis{suffix}"] = {**axis, "domain": _domain(x0, x0 + cell_w), "anchor": f"y{suffix}"}
            layout[f"yaxis{suffix}"] = {**axis, "domain": _domain(y1 - cell_h, y1), "anchor": f"x{suffix}",
                                        "autorange": "reversed"}
            annotations.append({"text": f"{layer}-{head}", "x": x0 + cell_w / 2, "y": y1, "xref": "paper",
                                "yref": "paper", "xanchor": "center", "yanchor": "bottom", "showarrow": False,
                                "font": {"size": 9}})
    return {"data": data, "layout": layout}


def _domain(a: float, b: float) -> list[float]:
    # Rounded and clamped: summed gaps leave -1e-16 at an edge, which plotly's schema refuses.
    return [min(max(round(a, 6), 0.0), 1.0), min(max(round(b, 6), 0.0), 1.0)]


# --------------------------------------------------------------------------------------------- dispatch


def analysis_for(request: Any):
    """The analysis a request asks for: `.payload` (dict) and `.json` (bytes), whatever the source.

    `request` has the AttentionRequest fields: text, num_heads, source, seed and (optional) layer, head, special.
    """
    if request.source == PRETRAINED:
        return pretrained_analysis(request.text, layer=getattr(request, "layer", None),
                                   head=getattr(request, "head", None), special=bool(getattr(request, "special", False)))
    return analyze(request.text, request.num_heads, request.source, request.seed)


# --------------------------------------------------------------------------------------------- pages


def form_options() -> dict[str, Any]:
    """What the slide form needs to offer the pretrained source (or to say how to enable it)."""
    if not available():
        return {"available": False, "hint": enable_hint(), "label": SOURCE_LABEL}
    dims = model_dims()
    return {
        "available": True,
        "hint": "",
        "label": SOURCE_LABEL,
        "layers": list(range(1, dims["layers"] + 1)),
        "heads": list(range(1, dims["heads_per_layer"] + 1)),
        "total": dims["layers"] * dims["heads_per_layer"],
    }


def form_value(value: str) -> int | str | None:
    """A layer/head URL value as AttentionRequest takes it: "" is none, digits a number, anything else is refused."""
    value = value.strip()
    if not value:
        return None
    return int(value) if value.isascii() and value.isdigit() and len(value) < 6 else value


def form_flag(value: str) -> bool | str:
    """The `special` checkbox from a URL: absent or empty is False, true/false words as such, anything else refused."""
    word = value.strip().lower()
    if word in ("", "false", "0", "off", "no"):
        return False
    if word in ("true", "1", "on", "yes"):
        return True
    return value
