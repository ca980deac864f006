"""Plotly figure JSON as plain dicts: arrays in, figure dict out (no plotly import on the request path).

plotly's figure schema is the contract; tests validate samples with `plotly.graph_objects.Figure`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

# Viridis is perceptually uniform and readable with every common colour-vision deficiency.
COLORSCALE = "Viridis"
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 12, "color": "#1f2430"}
HOVER = "%{y} → %{x}: %{z:.2f}<extra></extra>"


def token_labels(tokens: Sequence[str]) -> list[str]:
    """Axis labels: one per token, unique (plotly merges equal categories), with plotly's markup escaped."""
    counts = Counter(tokens)
    labels = []
    for i, token in enumerate(tokens):
        label = token if counts[token] == 1 else f"{token} ({i + 1})"
        # plotly reads a small HTML subset in labels; entities make '<' and '&' show literally.
        labels.append(label.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
    return labels


def grid_shape(num_heads: int) -> tuple[int, int]:
    """(rows, columns) of the head grid: two columns, except a single head."""
    cols = 1 if num_heads == 1 else 2
    return -(-num_heads // cols), cols


def _round(a: np.ndarray, digits: int = 4) -> list:
    # Four decimals keep the hover exact to the shown 2 and shrink the JSON by half.
    return np.round(np.asarray(a, dtype=np.float64), digits).tolist()


def attention_figure(tokens: Sequence[str], weights: np.ndarray, titles: Sequence[str],
                     z: Sequence[list] | None = None) -> dict:
    """One heatmap per head (queries down, keys across) sharing a 0–1 colour axis with one colour bar.

    weights: (h, T, T), row = query token, column = key token. z: the same weights already rounded, as one
    nested list per head, if the caller has them (they are used as they are, not copied).
    """
    h, T, _ = weights.shape
    if len(titles) != h or len(tokens) != T:
        raise ValueError(f"need {h} titles and {T} tokens, got {len(titles)} and {len(tokens)}")
    labels = token_labels(tokens)
    rows, cols = grid_shape(h)
    gap_x, gap_y = 0.12, 0.5 / max(rows, 1) * 0.3
    cell_w = (1 - gap_x * (cols - 1)) / cols
    cell_h = (1 - gap_y * (rows - 1)) / rows
    tick_font = {"size": 12 if T <= 16 else 10 if T <= 32 else 8}
    data, annotations = [], []
    layout: dict = {
        "coloraxis": {
            "colorscale": COLORSCALE,
            "cmin": 0.0,
            "cmax": 1.0,
            "colorbar": {"title": {"text": "weight"}, "thickness": 12, "len": 0.6, "tickvals": [0, 0.5, 1]},
        },
        "font": FONT,
        "margin": {"l": 80, "r": 20, "t": 40, "b": 80},
        "height": max(320, rows * (220 + 12 * T)),
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "annotations": annotations,
    }
    for i in range(h):
        r, c = divmod(i, cols)
        suffix = "" if i == 0 else str(i + 1)
        x0 = c * (cell_w + gap_x)
        y1 = 1 - r * (cell_h + gap_y)
        data.append(
            {
                "type": "heatmap",
                "name": titles[i],
                "z": z[i] if z is not None else _round(weights[i]),
                "x": labels,
                "y": labels,
                "coloraxis": "coloraxis",
                "hovertemplate": HOVER,
                "xaxis": f"x{suffix}",
                "yaxis": f"y{suffix}",
                "xgap": 1,
                "ygap": 1,
            }
        )
        layout[f"xaxis{suffix}"] = {
            "domain": [x0, x0 + cell_w],
            "anchor": f"y{suffix}",
            "title": {"text": "key (attended to)"},
            "tickangle": -45,
            "tickfont": tick_font,
            "type": "category",
            "fixedrange": True,
        }
        layout[f"yaxis{suffix}"] = {
            "domain": [y1 - cell_h, y1],
            "anchor": f"x{suffix}",
            "title": {"text": "query"},
            "autorange": "reversed",
            "tickfont": tick_font,
            "type": "category",
            "fixedrange": True,
        }
        annotations.append(
            {
                "text": _escape(titles[i]),
                "x": x0 + cell_w / 2,
                "y": y1,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "center",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 14},
            }
        )
    return {"data": data, "layout": layout}


def cost_figure(labels: Sequence[str], one_head: Sequence[int], many_heads: Sequence[int], many_name: str) -> dict:
    """Grouped bars of multiply-adds per stage: one head of size d_model beside h heads of size d_model/h."""
    return {
        "data": [
            {"type": "bar", "name": "1 head of size d_model", "x": list(labels), "y": list(one_head),
             "marker": {"color": "#3b528b"}, "hovertemplate": "%{x}: %{y:,} multiply-adds<extra>1 head</extra>"},
            {"type": "bar", "name": _escape(many_name), "x": list(labels), "y": list(many_heads),
             "marker": {"color": "#5ec962"}, "hovertemplate": "%{x}: %{y:,} multiply-adds<extra>%{fullData.name}</extra>"},
        ],
        "layout": {
            "barmode": "group",
            "font": FONT,
            "height": 340,
            "margin": {"l": 70, "r": 20, "t": 30, "b": 60},
            "yaxis": {"title": {"text": "multiply-adds"}, "fixedrange": True},
            "xaxis": {"fixedrange": True},
            "legend": {"orientation": "h", "y": 1.12},
            "paper_bgcolor": "rgba(0,0,0,0)",
            "plot_bgcolor": "rgba(0,0,0,0)",
        },
    }


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
