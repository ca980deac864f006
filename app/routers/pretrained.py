"""The pretrained model's extra API: all 72 heads of all-MiniLM-L6-v2 at once (the slide's "model view").

The pretrained heads themselves come through the attention API with `source=pretrained` (app/routers/attention.py);
this router adds what only the pretrained source has. Included before the attention router (same prefix).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel, Field

from app.live import InputError, check_text
from app.pretrained_view import NOT_INSTALLED, model_view_analysis
from app.settings import MAX_CHARS

router = APIRouter(prefix="/api/attention", tags=["attention"])


class PickedHead(BaseModel):
    layer: int
    head: int


class MeasuredHead(BaseModel):
    layer: int
    head: int
    role: str
    role_name: str
    accuracy: float = Field(description="share of the annotated pairs this head gets right (argmax)")


class SplitWord(BaseModel):
    word: str
    pieces: list[str]


class PretrainedOut(BaseModel):
    """What only the pretrained source's payload has (source=pretrained)."""

    model: str
    layers: int
    heads_per_layer: int
    special_shown: bool = Field(description="[CLS] and [SEP] are among the tokens")
    renormalized: bool = Field(description="rows renormalized to sum to 1 after hiding [CLS]/[SEP]")
    special_note: str
    pieces_note: str
    subject_verb_statement: str
    picked: PickedHead | None = Field(description="the head asked for by layer and head; null: the four measured")
    labels: list[str] = Field(description="readable label per token: a split word's pieces read 'un-', '-bel-', '-bly'")
    words: list[str] = Field(description="the word each token belongs to")
    split_words: list[SplitWord]
    model_length: int = Field(description="T as the model ran, [CLS] and [SEP] included")
    measured: list[MeasuredHead]


class ModelViewOut(BaseModel):
    text: str
    tokens: list[str]
    labels: list[str]
    layers: int
    heads_per_layer: int
    special_shown: bool
    renormalized: bool
    special_note: str
    figure: dict[str, Any] = Field(description="Plotly figure JSON: one small heatmap per head, meta {layer, head}")


@router.get("/model-view", response_model=ModelViewOut,
            summary="Every head of the pretrained model for a sentence, as one figure of small heatmaps")
async def model_view(
    text: Annotated[str, Query(min_length=1, max_length=MAX_CHARS)],
    special: Annotated[bool, Query(description="show [CLS] and [SEP] (rows not renormalized)")] = False,
) -> Response:
    try:
        check_text(text)
        analysis = model_view_analysis(text, special=special)
    except InputError as exc:
        loc = () if str(exc) == NOT_INSTALLED else ("query", "text")
        raise RequestValidationError([{"type": "value_error", "loc": loc, "msg": str(exc), "input": text}]) from None
    return Response(analysis.json, media_type="application/json")
