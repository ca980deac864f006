"""A small, strict reader for the safetensors format, memory-mapped with NumPy (no `safetensors` package).

Layout: 8 bytes little-endian u64 N, then N bytes of JSON header, then the raw little-endian tensor bytes.
The header maps each tensor name to {"dtype", "shape", "data_offsets": [begin, end]} (offsets relative to the
start of the byte buffer); an optional "__metadata__" maps str -> str.

Tensors come back as read-only views of one `np.memmap` of the file, so several worker processes loading the same
file share its pages through the OS page cache, and nothing is read until a tensor is touched.
F16, F32, F64 and the integer/bool types are returned as stored; BF16 (which NumPy lacks) is converted to float32
(a copy) unless `bf16="error"`.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = [
    "SafetensorsError",
    "TensorInfo",
    "SafetensorsHeader",
    "read_safetensors_header",
    "load_safetensors",
    "save_safetensors",
]

MAX_HEADER_BYTES = 100 * 1024 * 1024  # the reference implementation's limit

# safetensors dtype -> NumPy dtype (explicitly little-endian); BF16 is handled separately.
_DTYPES: dict[str, np.dtype] = {
    "F64": np.dtype("<f8"),
    "F32": np.dtype("<f4"),
    "F16": np.dtype("<f2"),
    "I64": np.dtype("<i8"),
    "I32": np.dtype("<i4"),
    "I16": np.dtype("<i2"),
    "I8": np.dtype("i1"),
    "U64": np.dtype("<u8"),
    "U32": np.dtype("<u4"),
    "U16": np.dtype("<u2"),
    "U8": np.dtype("u1"),
    "BOOL": np.dtype("?"),
}
_ITEMSIZE = {name: dt.itemsize for name, dt in _DTYPES.items()} | {"BF16": 2}


class SafetensorsError(ValueError):
    """The file is not a valid safetensors file (the message says where and why)."""


@dataclass(frozen=True)
class TensorInfo:
    name: str
    dtype: str  # safetensors dtype string, e.g. "F32"
    shape: tuple[int, ...]
    begin: int  # byte offsets into the data buffer
    end: int

    @property
    def nbytes(self) -> int:
        return self.end - self.begin


@dataclass(frozen=True)
class SafetensorsHeader:
    path: Path
    header_size: int  # N, the JSON header's length in bytes
    data_offset: int  # 8 + N: where the byte buffer starts in the file
    data_size: int  # length of the byte buffer
    tensors: dict[str, TensorInfo]
    metadata: dict[str, str]


def read_safetensors_header(path: str | os.PathLike) -> SafetensorsHeader:
    """Parse and validate the header of a safetensors file without reading any tensor data."""
    path = Path(path)
    try:
        file_size = path.stat().st_size
        with open(path, "rb") as f:
            prefix = f.read(8)
            if len(prefix) < 8:
                raise SafetensorsError(f"{path}: file is {file_size} bytes, too short for the 8-byte header length")
            n = int.from_bytes(prefix, "little")
            if n > MAX_HEADER_BYTES:
                raise SafetensorsError(f"{path}: header length {n} exceeds the {MAX_HEADER_BYTES}-byte limit")
            if 8 + n > file_size:
                raise SafetensorsError(
                    f"{path}: header length {n} runs past the end of the {file_size}-byte file"
                )
            raw = f.read(n)
    except OSError as exc:
        raise SafetensorsError(f"{path}: cannot read: {exc}") from exc
    if n < 2 or raw[:1] != b"{":
        raise SafetensorsError(f"{path}: header must be a JSON object starting with '{{'")
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SafetensorsError(f"{path}: header is not valid UTF-8 JSON: {exc}") from exc
    if not isinstance(header, dict):
        raise SafetensorsError(f"{path}: header must be a JSON object, got {type(header).__name__}")

    data_size = file_size - 8 - n
    metadata = header.pop("__metadata__", None) or {}
    if not isinstance(metadata, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()
    ):
        raise SafetensorsError(f"{path}: __metadata__ must map strings to strings")

    tensors: dict[str, TensorInfo] = {}
    for name, entry in header.items():
        tensors[name] = _tensor_info(path, name, entry, data_size)

    # The tensors must tile the buffer exactly: no overlap, no hole, nothing left over.
    pos = 0
    for info in sorted(tensors.values(), key=lambda t: (t.begin, t.end)):
        if info.begin != pos:
            what = "overlaps the previous tensor" if info.begin < pos else f"leaves a hole at byte {pos}"
            raise SafetensorsError(f"{path}: tensor {info.name!r} at bytes [{info.begin}, {info.end}) {what}")
        pos = info.end
    if pos != data_size:
        raise SafetensorsError(f"{path}: tensors cover {pos} bytes but the data buffer holds {data_size}")
    return SafetensorsHeader(path, n, 8 + n, data_size, tensors, dict(metadata))


def _tensor_info(path: Path, name: str, entry: object, data_size: int) -> TensorInfo:
    where = f"{path}: tensor {name!r}"
    if not isinstance(entry, dict) or not {"dtype", "shape", "data_offsets"} <= entry.keys():
        raise SafetensorsError(f"{where}: entry must be an object with dtype, shape and data_offsets")
    dtype, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
    if dtype not in _ITEMSIZE:
        raise SafetensorsError(f"{where}: unsupported dtype {dtype!r} (supported: {', '.join(sorted(_ITEMSIZE))})")
    if not isinstance(shape, list) or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape):
        raise SafetensorsError(f"{where}: shape must be a list of non-negative integers, got {shape!r}")
    if (
        not isinstance(offsets, list)
        or len(offsets) != 2
        or not all(isinstance(o, int) and not isinstance(o, bool) for o in offsets)
    ):
        raise SafetensorsError(f"{where}: data_offsets must be [begin, end] integers, got {offsets!r}")
    begin, end = offsets
    if not 0 <= begin <= end <= data_size:
        raise SafetensorsError(f"{where}: data_offsets [{begin}, {end}] fall outside the {data_size}-byte data buffer")
    expected = math.prod(shape) * _ITEMSIZE[dtype]
    if end - begin != expected:
        raise SafetensorsError(
            f"{where}: {dtype} {tuple(shape)} needs {expected} bytes but data_offsets span {end - begin}"
        )
    return TensorInfo(name, dtype, tuple(shape), begin, end)


def load_safetensors(path: str | os.PathLike, *, bf16: str = "convert") -> dict[str, np.ndarray]:
    """All tensors of a safetensors file as read-only NumPy arrays backed by one shared memory map.

    bf16: "convert" (default) returns BF16 tensors as float32 copies; "error" raises SafetensorsError instead.
    """
    if bf16 not in ("convert", "error"):
        raise ValueError(f"bf16 must be 'convert' or 'error', got {bf16!r}")
    header = read_safetensors_header(path)
    if header.data_size:
        mm = np.memmap(header.path, dtype=np.uint8, mode="r", offset=header.data_offset, shape=(header.data_size,))
        buf = np.asarray(mm)  # a plain ndarray view (its .base is the memmap): no subclass overhead downstream
    else:
        buf = np.zeros(0, dtype=np.uint8)
    out: dict[str, np.ndarray] = {}
    for name, info in header.tensors.items():
        raw = buf[info.begin : info.end]
        if info.dtype == "BF16":
            if bf16 == "error":
                raise SafetensorsError(f"{header.path}: tensor {name!r} is BF16; pass bf16='convert' to upcast")
            bits = raw.view("<u2").astype(np.uint32) << 16
            arr = bits.view(np.float32).reshape(info.shape)
        else:
            arr = raw.view(_DTYPES[info.dtype]).reshape(info.shape)
        out[name] = arr
    return out


def save_safetensors(path: str | os.PathLike, tensors: dict[str, np.ndarray], metadata: dict[str, str] | None = None) -> None:
    """Write tensors (F64/F32/F16/integer/bool arrays) as a safetensors file; used by tests and tools."""
    inverse = {dt: name for name, dt in _DTYPES.items()}
    header: dict[str, object] = {}
    if metadata:
        header["__metadata__"] = dict(metadata)
    blobs, pos = [], 0
    for name, arr in tensors.items():
        arr = np.asarray(arr)
        if not arr.flags.c_contiguous:
            arr = arr.copy(order="C")
        dt = arr.dtype.newbyteorder("<") if arr.dtype.byteorder == ">" else arr.dtype
        if dt not in inverse:
            raise ValueError(f"tensor {name!r}: dtype {arr.dtype} cannot be stored")
        data = arr.astype(dt, copy=False).tobytes()
        header[name] = {"dtype": inverse[dt], "shape": list(arr.shape), "data_offsets": [pos, pos + len(data)]}
        blobs.append(data)
        pos += len(data)
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-(8 + len(raw)) % 8)  # pad so the data buffer starts 8-byte aligned
    with open(path, "wb") as f:
        f.write(len(raw).to_bytes(8, "little"))
        f.write(raw)
        for data in blobs:
            f.write(data)
