"""The safetensors reader: round trips, memory mapping, dtype handling and clear errors for malformed files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.pretrained.safetensors import (
    SafetensorsError,
    load_safetensors,
    read_safetensors_header,
    save_safetensors,
)

TINY = Path(__file__).parent / "fixtures" / "tiny-bert" / "model.safetensors"


def _raw(path: Path, header: dict | bytes, data: bytes = b"", length: int | None = None) -> Path:
    raw = header if isinstance(header, bytes) else json.dumps(header).encode()
    n = len(raw) if length is None else length
    path.write_bytes(n.to_bytes(8, "little") + raw + data)
    return path


def test_round_trip_every_dtype(tmp_path):
    rng = np.random.default_rng(0)
    tensors = {
        "f32": rng.standard_normal((3, 4)).astype(np.float32),
        "f64": rng.standard_normal(5),
        "f16": rng.standard_normal((2, 2)).astype(np.float16),
        "i64": np.arange(6, dtype=np.int64).reshape(2, 3),
        "i32": np.array([-1, 2], dtype=np.int32),
        "u8": np.array([0, 255], dtype=np.uint8),
        "b": np.array([True, False]),
        "scalar": np.array(3.5, dtype=np.float32),
        "empty": np.zeros((0, 4), dtype=np.float32),
    }
    path = tmp_path / "t.safetensors"
    save_safetensors(path, tensors, metadata={"format": "np"})
    out = load_safetensors(path)
    assert set(out) == set(tensors)
    for name, a in tensors.items():
        assert out[name].dtype == a.dtype, name
        assert out[name].shape == a.shape, name
        np.testing.assert_array_equal(out[name], a)
    header = read_safetensors_header(path)
    assert header.metadata == {"format": "np"}
    assert header.data_offset % 8 == 0


def test_arrays_are_read_only_views_of_one_memory_map():
    out = load_safetensors(TINY)
    a = out["embeddings.word_embeddings.weight"]
    assert a.dtype == np.float32 and not a.flags.writeable
    base = a
    while getattr(base, "base", None) is not None and not isinstance(base, np.memmap):
        base = base.base
    assert isinstance(base, np.memmap)
    with pytest.raises(ValueError):
        a[0, 0] = 1.0


def test_reads_what_transformers_wrote():
    out = load_safetensors(TINY)
    assert out["encoder.layer.1.attention.self.query.weight"].shape == (16, 16)
    assert out["encoder.layer.0.intermediate.dense.weight"].shape == (32, 16)


def test_bf16_converted_or_refused(tmp_path):
    values = np.array([1.0, -2.5, 3.140625, 0.0], dtype=np.float32)
    bf16 = (values.view(np.uint32) >> 16).astype("<u2")
    path = _raw(tmp_path / "bf.safetensors", {"x": {"dtype": "BF16", "shape": [4], "data_offsets": [0, 8]}},
                bf16.tobytes())
    np.testing.assert_array_equal(load_safetensors(path)["x"], values)
    with pytest.raises(SafetensorsError, match="BF16"):
        load_safetensors(path, bf16="error")


@pytest.mark.parametrize(
    "header, data, length, message",
    [
        (b"", b"", 0, "header must be a JSON object"),
        (b"{not json", b"", None, "not valid UTF-8 JSON"),
        (b"[1, 2]", b"", None, "JSON object"),
        ({"x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}, b"\0" * 8, 10_000, "runs past the end"),
        ({"x": {"dtype": "Q4", "shape": [2], "data_offsets": [0, 8]}}, b"\0" * 8, None, "unsupported dtype 'Q4'"),
        ({"x": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}, b"\0" * 8, None, "needs 12 bytes"),
        ({"x": {"dtype": "F32", "shape": [-2], "data_offsets": [0, 8]}}, b"\0" * 8, None, "non-negative"),
        ({"x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 16]}}, b"\0" * 8, None, "outside"),
        ({"x": {"dtype": "F32", "shape": [2]}}, b"\0" * 8, None, "dtype, shape and data_offsets"),
        (
            {"x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
             "y": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}},
            b"\0" * 12, None, "overlaps",
        ),
        ({"x": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}, b"\0" * 8, None, "hole at byte 0"),
        ({"x": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}, b"\0" * 8, None, "cover 4 bytes"),
        ({"__metadata__": {"a": 1}}, b"", None, "__metadata__"),
    ],
)
def test_malformed_files_raise_clear_errors(tmp_path, header, data, length, message):
    path = _raw(tmp_path / "bad.safetensors", header, data, length)
    with pytest.raises(SafetensorsError, match=message):
        load_safetensors(path)


def test_too_short_and_missing_files(tmp_path):
    short = tmp_path / "short.safetensors"
    short.write_bytes(b"\x01\x02")
    with pytest.raises(SafetensorsError, match="too short"):
        load_safetensors(short)
    with pytest.raises(SafetensorsError, match="cannot read"):
        load_safetensors(tmp_path / "missing.safetensors")
    huge = _raw(tmp_path / "huge.safetensors", b"{}", b"", 1 << 40)
    with pytest.raises(SafetensorsError, match="exceeds"):
        load_safetensors(huge)


@settings(max_examples=25, deadline=None)
@given(
    shapes=st.lists(st.lists(st.integers(0, 4), max_size=3), min_size=1, max_size=4),
    dtype=st.sampled_from([np.float32, np.float16, np.int64, np.uint8]),
)
def test_round_trip_property(tmp_path_factory, shapes, dtype):
    rng = np.random.default_rng(1)
    tensors = {f"t{i}": (rng.standard_normal(s) * 10).astype(dtype) for i, s in enumerate(shapes)}
    path = tmp_path_factory.mktemp("st") / "p.safetensors"
    save_safetensors(path, tensors)
    out = load_safetensors(path)
    for name, a in tensors.items():
        np.testing.assert_array_equal(out[name], a)
