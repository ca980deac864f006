"""The attention API: a learner's sentence in, every head's weights, a Plotly figure and the shapes out."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Query
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from app.live import InputError, analyze, check_text
from app.settings import MAX_CHARS

router = APIRouter(prefix="/api/attention", tags=["attention"])

HeadCount = Literal[1, 2, 4, 8]
Source = Literal["illustrative", "random"]
Seed = Annotated[int, Field(ge=0, le=2**32 - 1, description="Seed of the random weights (source 'random').")]


class AttentionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=MAX_CHARS, description="The learner's sentence.")
    num_heads: HeadCount = 4
    source: Source = "illustrative"
    seed: Seed | None = None

    @field_validator("text")
    @classmethod
    def _usable_text(cls, text: str) -> str:
        try:
            return check_text(text)
        except InputError as exc:
            raise ValueError(str(exc)) from None


class TopKey(BaseModel):
    query: str
    key: str
    key_index: int
    weight: float


class HeadOut(BaseModel):
    index: int = Field(description="1-based head number")
    relation: str
    title: str
    description: str
    weights: list[list[float]] = Field(description="T×T, row = query token, column = key token; rows sum to 1")
    top: list[TopKey] = Field(description="per query token, the key it attends to most")


class ShapeOut(BaseModel):
    name: str
    shape: list[int]
    note: str


class RelationScore(BaseModel):
    hits: int
    total: int


class HeadCountScore(BaseModel):
    relations: dict[str, RelationScore]
    present: int = Field(description="relations with at least one expected pair in this sentence")
    captured: int = Field(description="relations whose every expected pair the head(s) get right by argmax")


class AttentionResponse(BaseModel):
    text: str
    tokens: list[str]
    num_heads: int
    source: str
    seed: int | None
    d_model: int
    d_k: int
    heads: list[HeadOut]
    figure: dict[str, Any] = Field(description="Plotly figure JSON: one heatmap per head")
    shapes: list[ShapeOut]
    one_vs_many: dict[str, HeadCountScore] = Field(description="one full-width head vs four heads (h1, h4)")


def json_response(payload: Any, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    # orjson is ~50× faster than the default encoder on the figure's float matrices.
    return Response(orjson.dumps(payload), status_code=status_code, media_type="application/json",
                    headers=headers)


@router.post("", response_model=AttentionResponse)
async def attention(request: AttentionRequest) -> Response:
    return json_response(analyze(request.text, request.num_heads, request.source, request.seed).payload)


@router.get("", response_model=AttentionResponse, summary="The same as POST, from the page's URL parameters")
async def attention_get(
    text: Annotated[str, Query(min_length=1, max_length=MAX_CHARS)],
    heads: Annotated[int, Query(description="number of heads: 1, 2, 4 or 8")] = 4,
    source: Annotated[Source, Query()] = "illustrative",
    seed: Annotated[Seed | None, Query()] = None,
    download: Annotated[bool, Query(description="Send as a file to save")] = False,
) -> Response:
    request = _validated(text, heads, source, seed)
    payload = analyze(request.text, request.num_heads, request.source, request.seed).payload
    headers = {"content-disposition": 'attachment; filename="attention-weights.json"'} if download else None
    return json_response(payload, headers=headers)


@router.get("/weights.csv", response_class=Response, summary="Every head's weights as CSV, one row per cell")
async def attention_csv(
    text: Annotated[str, Query(min_length=1, max_length=MAX_CHARS)],
    heads: Annotated[int, Query(description="number of heads: 1, 2, 4 or 8")] = 4,
    source: Annotated[Source, Query()] = "illustrative",
    seed: Annotated[Seed | None, Query()] = None,
) -> Response:
    request = _validated(text, heads, source, seed)
    payload = analyze(request.text, request.num_heads, request.source, request.seed).payload
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["head", "relation", "query_index", "query", "key_index", "key", "weight"])
    tokens = [csv_safe(t) for t in payload["tokens"]]
    for head in payload["heads"]:
        for q, row in enumerate(head["weights"]):
            for k, w in enumerate(row):
                writer.writerow([head["index"], head["relation"], q, tokens[q], k, tokens[k], f"{w:.4f}"])
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="attention-weights.csv"'},
    )


def _validated(text: str, heads: int, source: str, seed: int | None) -> AttentionRequest:
    try:
        return AttentionRequest(text=text, num_heads=heads, source=source, seed=seed)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False)) from None


def csv_safe(value: str) -> str:
    """A token as a spreadsheet will show it, never run it: formula-leading characters get a quote first."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
