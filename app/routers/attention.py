"""The attention API: a learner's sentence in, every head's weights, a Plotly figure and the shapes out."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any, Literal

import numpy as np
import orjson
from fastapi import APIRouter, Query
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from app.live import InputError, check_text
from app.pretrained_view import analysis_for, check_pretrained_choice
from app.routers.pretrained import PretrainedOut
from app.settings import MAX_CHARS
from app.sources import FEATURE_NAMES, source_params

router = APIRouter(prefix="/api/attention", tags=["attention"])

HeadCount = Literal[1, 2, 4, 8]
Source = Literal["illustrative", "random", "pretrained"]
ParamsSource = Literal["illustrative", "random"]  # the pretrained model's weights are not served
Layer = Annotated[int, Field(ge=1, le=6, description="Pretrained source: layer of the one head to show (with head).")]
HeadNumber = Annotated[int, Field(ge=1, le=12, description="Pretrained source: head within the layer (with layer).")]
SPECIAL_HELP = "Pretrained source: keep [CLS]/[SEP] and the raw (not renormalized) rows."
Special = Annotated[bool, Field(strict=True, description=SPECIAL_HELP)]  # JSON true/false only, as the schema says
SpecialQuery = Annotated[bool, Query(description=SPECIAL_HELP)]  # the URL's true/false/1/0/on/off
Seed = Annotated[int, Field(ge=0, le=2**32 - 1, description="Seed of the random weights (source 'random').")]
# An int in the URL, checked by AttentionRequest; the enum keeps the OpenAPI schema honest about what is accepted.
HeadsQuery = Annotated[int, Query(description="number of heads: 1, 2, 4 or 8", json_schema_extra={"enum": [1, 2, 4, 8]})]


TEXT_RULES = ("The learner's sentence: at most 300 characters and 60 tokens (words and punctuation marks), not only "
              "spaces, and no control characters other than tab and line breaks.")
# Documentation only (the friendly messages come from check_text): no C0/C1 control character but \t, \n, \r.
NO_CONTROL_CHARACTERS = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$"


class AttentionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=MAX_CHARS, description=TEXT_RULES,
                      json_schema_extra={"pattern": NO_CONTROL_CHARACTERS})
    num_heads: HeadCount = 4
    source: Source = "illustrative"
    seed: Seed | None = None
    layer: Layer | None = None
    head: HeadNumber | None = None
    special: Special = False

    @field_validator("num_heads", "seed", "layer", "head", mode="before")
    @classmethod
    def _no_booleans(cls, value: Any) -> Any:
        # JSON true/false is not a number (pydantic would read true as 1): refuse it as the schema says.
        if isinstance(value, bool):
            raise ValueError("must be a whole number, not true or false")
        return value

    @field_validator("text")
    @classmethod
    def _usable_text(cls, text: str) -> str:
        try:
            return check_text(text)
        except InputError as exc:
            raise ValueError(str(exc)) from None

    @model_validator(mode="after")
    def _pretrained_choices(self) -> "AttentionRequest":
        # Layer and head both or neither; source=pretrained needs the model installed (app/pretrained_view.py).
        check_pretrained_choice(self.text, self.source, self.layer, self.head, self.special)
        return self


class TopKey(BaseModel):
    query: str
    key: str
    key_index: int
    weight: float


class RecipeTerm(BaseModel):
    query: str
    key: str
    score: float


class RecipeBias(BaseModel):
    offsets: list[int] = Field(description="key position minus query position")
    values: list[float]


class Recipe(BaseModel):
    relation: str
    terms: list[RecipeTerm] = Field(description="query feature → key feature matches scored by W_Qᵢ·W_Kᵢᵀ/√d_k")
    bias: RecipeBias = Field(description="the relative-position bias added to the scores")


class HeadOut(BaseModel):
    index: int = Field(description="1-based head number")
    relation: str
    title: str
    description: str
    weights: list[list[float]] = Field(description="T×T, row = query token, column = key token; rows sum to 1")
    top: list[TopKey] = Field(description="per query token, the key it attends to most")
    recipe: Recipe | None = Field(None, description="how an illustrative head is built (None for other sources)")
    layer: int | None = Field(None, description="source 'pretrained': the model's layer of this head, from 1")
    head: int | None = Field(None, description="source 'pretrained': the head within its layer, from 1")


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
    pretrained: PretrainedOut | None = Field(None, description="source=pretrained only: the model and the view")


def json_response(payload: Any, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    # orjson is ~50× faster than the default encoder on the figure's float matrices. Bytes are sent as they are.
    body = payload if isinstance(payload, bytes) else orjson.dumps(payload)
    return Response(body, status_code=status_code, media_type="application/json", headers=headers)


@router.post("", response_model=AttentionResponse)
async def attention(request: AttentionRequest) -> Response:
    # .json: serialized once per cached analysis (app/live.py), not once per request.
    return json_response(analysis_for(request).json)


@router.get("", response_model=AttentionResponse, summary="The same as POST, from the page's URL parameters")
async def attention_get(
    text: Annotated[str, Query(min_length=1, max_length=MAX_CHARS)],
    heads: HeadsQuery = 4,
    source: Annotated[Source, Query()] = "illustrative",
    seed: Annotated[Seed | None, Query()] = None,
    download: Annotated[bool, Query(description="Send as a file to save")] = False,
    layer: Annotated[Layer | None, Query()] = None,
    head: Annotated[HeadNumber | None, Query()] = None,
    special: SpecialQuery = False,
) -> Response:
    request = _validated(text, heads, source, seed, layer=layer, head=head, special=special)
    analysis = analysis_for(request)
    headers = {"content-disposition": 'attachment; filename="attention-weights.json"'} if download else None
    return json_response(analysis.json, headers=headers)


class HeadParams(BaseModel):
    index: int
    relation: str
    title: str
    w_q: list[list[float]] = Field(description="W_Qᵢ, d_model × d_k (rows are X's feature columns)")
    w_k: list[list[float]]
    w_v: list[list[float]]


class ParamsResponse(BaseModel):
    source: str
    num_heads: int
    d_model: int
    d_k: int
    seed: int | None
    feature_names: list[str] = Field(description="the name of each column of X, i.e. each row of W_Qᵢ")
    heads: list[HeadParams]
    w_o: list[list[float]] = Field(description="W_O, h·d_v × d_model")


@router.get("/params", response_model=ParamsResponse, summary="The weight source's matrices, head by head")
async def attention_params(
    heads: HeadsQuery = 4,
    source: Annotated[ParamsSource, Query()] = "illustrative",
    seed: Annotated[Seed | None, Query()] = None,
) -> Response:
    request = _validated("params", heads, source, seed)
    params, infos = source_params(request.num_heads, request.source, request.seed)
    d_model = params.d_model
    d_k = d_model // request.num_heads

    def block(w, i: int) -> list[list[float]]:
        return np.round(w[:, i * d_k:(i + 1) * d_k], 6).tolist()

    return json_response({
        "source": request.source,
        "num_heads": request.num_heads,
        "d_model": d_model,
        "d_k": d_k,
        "seed": request.seed,
        "feature_names": list(FEATURE_NAMES),
        "heads": [
            {"index": info.index, "relation": info.relation, "title": info.title,
             "w_q": block(params.w_q, i), "w_k": block(params.w_k, i), "w_v": block(params.w_v, i)}
            for i, info in enumerate(infos)
        ],
        "w_o": np.round(params.w_o, 6).tolist(),
    })


@router.get("/weights.csv", response_class=Response, summary="Every head's weights as CSV, one row per cell")
async def attention_csv(
    text: Annotated[str, Query(min_length=1, max_length=MAX_CHARS)],
    heads: HeadsQuery = 4,
    source: Annotated[Source, Query()] = "illustrative",
    seed: Annotated[Seed | None, Query()] = None,
    layer: Annotated[Layer | None, Query()] = None,
    head: Annotated[HeadNumber | None, Query()] = None,
    special: SpecialQuery = False,
) -> Response:
    request = _validated(text, heads, source, seed, layer=layer, head=head, special=special)
    payload = analysis_for(request).payload
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


def _validated(text: str, heads: int, source: str, seed: int | None, **pretrained: Any) -> AttentionRequest:
    try:
        return AttentionRequest(text=text, num_heads=heads, source=source, seed=seed, **pretrained)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False)) from None


def csv_safe(value: str) -> str:
    """A token as a spreadsheet will show it, never run it: formula-leading characters get a quote first."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
