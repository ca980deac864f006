"""Regenerate the fixtures of tests/pretrained/ with the reference implementation (torch + transformers + tokenizers).

    /work/refenv/bin/python tests/pretrained/make_tiny_bert_fixture.py [--model-dir models/all-MiniLM-L6-v2]

Writes into tests/pretrained/fixtures/:
  tiny-bert/                  config.json, model.safetensors (transformers' save_pretrained), vocab.txt
                              (a 2-layer, 4-head, hidden-16 BertModel with random, deliberately non-trivial weights)
  tiny-bert-reference.npz     input ids and transformers' outputs (eager attention): every hidden state and
                              every attention map, for three single sequences and one padded batch
  wordpiece-reference.json    token ids, wordpieces, word ids and offsets from transformers' BertTokenizerFast
                              (the `tokenizers` Rust code) and BertTokenizer (slow, pure Python) for a varied
                              sentence list, with the tiny vocab and, when the real model folder exists, its vocab
  minilm-reference.npz        (only when the real model folder exists) all-MiniLM-L6-v2 via transformers for two
                              sentences: input ids, attentions of layers 1 and 6, first 16 dims of the last hidden
                              state

The tiny vocab is the special tokens, single characters (plain and ##), and every wordpiece the real tokenizer
produces for the sentence list, plus a fixed sample of the real vocab (so greedy longest-match has choices to make).
Without the real model folder the script reuses the existing tiny-bert/vocab.txt.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from pathlib import Path

import numpy as np
import torch
from transformers import BertConfig, BertModel, BertTokenizer, BertTokenizerFast

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
TINY = FIXTURES / "tiny-bert"
REPO = HERE.parents[1]

SENTENCES = [
    "The cats are sleeping on the warm mat.",
    "The big dog chased the small cat because it was hungry.",
    "Héllo wörld! Café naïve résumé, façade; Ångström.",
    "Don't stop-believing: it's 3.14159 (approx) & 100% [true]?",
    "unbelievably antidisestablishmentarianism xqzvbw playing replayed",
    "I love 🍕 and 👍🏽 emoji 😀!",
    "我爱北京天安门。日本語のテキスト、한국어 텍스트",
    "İstanbul’da “quotes” — dashes… ",
    "tab\there\nnewline\u00a0nbsp\u200bzero-width\u2028line",
    "a[MASK]b [CLS] [SEP]x",
    "e\u0301 composed vs é; ﬁnance ﬂow Ⅻ ½ ²",
    "x" * 120 + " y",
    "\x00null\ufffdrepl\x07bell",
    "",
    "   ",
    "Schrödinger's cat's whiskers; Müller's Straße",
    "http://example.com/a_b?c=d#e U.S.A. e.g. i.e.",
]

TINY_INPUTS = [
    [2, 17, 40, 41, 12, 3],
    [2, 5, 9, 33, 7, 1, 12, 20, 45, 3],
    [2] + list(range(6, 30)) + [3],
]


def build_vocab(real_vocab: list[str], real_fast: BertTokenizerFast) -> list[str]:
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    chars = [chr(c) for c in range(33, 127)] + list("éöüßåç我爱北京日本")
    pieces = set()
    for s in SENTENCES:
        pieces.update(real_fast.tokenize(s))
    rng = random.Random(0)
    sample = rng.sample([t for t in real_vocab if not t.startswith("[")], 300)
    vocab = list(specials)
    seen = set(vocab)
    for tok in [c.lower() for c in chars] + ["##" + c.lower() for c in chars] + sorted(pieces) + sample:
        if tok not in seen:
            seen.add(tok)
            vocab.append(tok)
    return vocab


def tokenizer_reference(vocab_file: Path) -> dict:
    fast = BertTokenizerFast(str(vocab_file), do_lower_case=True)
    slow = BertTokenizer(str(vocab_file), do_lower_case=True)
    cases = []
    for s in SENTENCES:
        enc = fast(s, return_offsets_mapping=True)
        cases.append({
            "text": s,
            "ids": enc["input_ids"],
            "tokens": fast.convert_ids_to_tokens(enc["input_ids"]),
            "word_ids": enc.word_ids(),
            "offsets": [list(o) for o in enc["offset_mapping"]],
            "slow_ids": slow(s)["input_ids"],
        })
    return {"vocab_size": fast.vocab_size, "cases": cases}


def make_tiny_model(vocab_size: int) -> BertModel:
    config = BertConfig(
        vocab_size=vocab_size,
        hidden_size=16,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=32,
        max_position_embeddings=40,
        type_vocab_size=2,
        hidden_act="gelu",
        layer_norm_eps=1e-12,
        attn_implementation="eager",
    )
    torch.manual_seed(0)
    model = BertModel(config, add_pooling_layer=False).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "LayerNorm.weight" in name:
                p.uniform_(0.5, 1.5)
            elif "LayerNorm.bias" in name or name.endswith(".bias"):
                p.normal_(0.0, 0.1)
            elif "query" in name or "key" in name:
                p.normal_(0.0, 0.6)  # large enough that attention maps are far from uniform
            else:
                p.normal_(0.0, 0.3)
    return model


def run(model: BertModel, ids, mask=None):
    with torch.no_grad():
        out = model(
            input_ids=torch.tensor(ids),
            attention_mask=None if mask is None else torch.tensor(mask),
            output_attentions=True,
            output_hidden_states=True,
        )
    hidden = torch.stack(out.hidden_states, 1).numpy().astype(np.float32)  # (B, L+1, T, H)
    att = torch.stack(out.attentions, 1).numpy().astype(np.float32)  # (B, L, h, T, T)
    return hidden, att


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model-dir", type=Path, default=REPO / "models" / "all-MiniLM-L6-v2")
    args = ap.parse_args(argv)
    FIXTURES.mkdir(parents=True, exist_ok=True)
    real = args.model_dir if (args.model_dir / "model.safetensors").is_file() else None

    # ---- tiny vocab
    if real is not None:
        real_vocab = (real / "vocab.txt").read_text(encoding="utf-8").splitlines()
        vocab = build_vocab(real_vocab, BertTokenizerFast(str(real / "vocab.txt")))
    else:
        vocab = (TINY / "vocab.txt").read_text(encoding="utf-8").splitlines()
        print("real model folder not found: reusing the existing tiny vocab", file=sys.stderr)

    # ---- tiny model
    if TINY.exists():
        shutil.rmtree(TINY)
    model = make_tiny_model(len(vocab))
    model.save_pretrained(TINY, safe_serialization=True)
    (TINY / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    (TINY / "model.safetensors").chmod(0o644)
    for extra in TINY.glob("generation_config.json"):
        extra.unlink()

    arrays = {}
    for i, ids in enumerate(TINY_INPUTS):
        hidden, att = run(model, [ids])
        arrays[f"single{i}_ids"] = np.array(ids, dtype=np.int64)
        arrays[f"single{i}_hidden"] = hidden[0]
        arrays[f"single{i}_attentions"] = att[0]
    # a padded batch: the second row has 3 pad tokens masked out
    b_ids = [[2, 8, 9, 10, 11, 3], [2, 12, 13, 3, 0, 0]]
    b_mask = [[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0]]
    b_tt = [[0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 0, 0]]
    with torch.no_grad():
        out = model(input_ids=torch.tensor(b_ids), attention_mask=torch.tensor(b_mask),
                    token_type_ids=torch.tensor(b_tt), output_attentions=True, output_hidden_states=True)
    arrays["batch_ids"] = np.array(b_ids, dtype=np.int64)
    arrays["batch_mask"] = np.array(b_mask, dtype=np.int64)
    arrays["batch_token_types"] = np.array(b_tt, dtype=np.int64)
    arrays["batch_hidden"] = torch.stack(out.hidden_states, 1).numpy().astype(np.float32)
    arrays["batch_attentions"] = torch.stack(out.attentions, 1).numpy().astype(np.float32)
    np.savez_compressed(FIXTURES / "tiny-bert-reference.npz", **arrays)

    # ---- tokenizer references
    ref = {"tiny": tokenizer_reference(TINY / "vocab.txt")}
    if real is not None:
        ref["minilm"] = tokenizer_reference(real / "vocab.txt")
    else:
        old = FIXTURES / "wordpiece-reference.json"
        if old.is_file():
            prev = json.loads(old.read_text(encoding="utf-8"))
            if "minilm" in prev:
                ref["minilm"] = prev["minilm"]
    (FIXTURES / "wordpiece-reference.json").write_text(
        json.dumps(ref, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )

    # ---- the real model
    if real is not None:
        fast = BertTokenizerFast(str(real / "vocab.txt"))
        big = BertModel.from_pretrained(str(real), attn_implementation="eager", add_pooling_layer=False).eval()
        arrays = {}
        for i, s in enumerate(["The cat sat on the mat because it was tired.",
                               "A young girl reads a long book every night."]):
            ids = fast(s)["input_ids"]
            hidden, att = run(big, [ids])
            arrays[f"s{i}_text"] = np.array(s)
            arrays[f"s{i}_ids"] = np.array(ids, dtype=np.int64)
            arrays[f"s{i}_att_layer1"] = att[0, 0]
            arrays[f"s{i}_att_layer6"] = att[0, 5]
            arrays[f"s{i}_last_hidden16"] = hidden[0, -1, :, :16]
        np.savez_compressed(FIXTURES / "minilm-reference.npz", **arrays)
    else:
        print("real model folder not found: minilm-reference.npz left as it is", file=sys.stderr)

    total = sum(p.stat().st_size for p in FIXTURES.rglob("*") if p.is_file())
    print(f"fixtures written to {FIXTURES} ({total / 1024:.1f} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
