"""A cached replication on disk: frames as plain arrays, a JSON header, a SHA-256. No pickle.

File layout::

    MAGIC | header length (8 bytes, big-endian) | header (canonical JSON) | payload (.npz)

The payload is ``numpy.savez`` of one array per column (text as its distinct values, a
fixed-width unicode array, plus int32 codes, -1 for missing), read back with ``allow_pickle=False``, so nothing in a cache file
can run code. The header holds the key the entry was stored under, each frame's columns and
dtypes, and ``sha256`` = SHA-256 of (the header without ``sha256``) + payload. Any change of
any byte makes :func:`decode` fail with :class:`CorruptEntry`.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from sim.experiment.replication import FRAME_NAMES, Frames

MAGIC = b"SIM-REPLICATION-1\n"
_NUMERIC_KINDS = "biuf"  # bool, signed, unsigned, float


class CorruptEntry(ValueError):
    """A cache file that is damaged, tampered with or not of this format."""


class Unsupported(ValueError):
    """Frames holding a column type this format does not store exactly."""


def _canonical(data: dict) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                      allow_nan=False).encode("ascii")


def _column_arrays(series: pd.Series, stem: str) -> tuple[str, dict[str, np.ndarray]]:
    """The header dtype and the arrays of one column (``Unsupported`` if not exact)."""
    dtype = series.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in _NUMERIC_KINDS:
        return dtype.str, {stem: series.to_numpy(copy=False)}
    if str(dtype) in ("str", "object", "string"):
        return f"text:{dtype}", _text_arrays(series, stem)
    raise Unsupported(f"column {series.name!r} has dtype {dtype}")


def _text_arrays(series: pd.Series, stem: str) -> dict[str, np.ndarray]:
    """A text column as its distinct values and int32 codes (-1: missing)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    if not all(isinstance(v, str) for v in uniques):
        raise Unsupported(f"column {series.name!r} holds non-string objects")
    text = np.array(list(uniques), dtype=np.str_)
    return {stem: text, f"{stem}_codes": codes.astype(np.int32)}


def _column(dtype: str, arrays: Any, stem: str) -> pd.Series:
    """One column read back from the payload, checked against its header dtype."""
    if dtype.startswith("text:"):
        return _text_column(dtype[len("text:"):], arrays[stem], arrays[f"{stem}_codes"], stem)
    values = arrays[stem]
    if values.dtype.str != dtype:
        raise CorruptEntry(f"{stem}: dtype {values.dtype.str}, header says {dtype}")
    return pd.Series(values, copy=True)


def _is_text(text: np.ndarray, codes: np.ndarray) -> bool:
    """Unicode values and a flat int32 code array."""
    return bool(text.dtype.kind == "U" and codes.dtype == np.int32 and codes.ndim == 1)


def _text_column(dtype: str, text: np.ndarray, codes: np.ndarray, stem: str) -> pd.Series:
    """A text column from its distinct values and codes (checked to be in range)."""
    if not _is_text(text, codes):
        raise CorruptEntry(f"{stem}: not a text column")
    if len(codes) and not -1 <= codes.min() <= codes.max() < len(text):
        raise CorruptEntry(f"{stem}: codes out of range")
    with_missing = np.append(text.astype(object), np.array([None], dtype=object))
    return pd.Series(with_missing[codes], dtype=dtype)  # code -1 → the appended None


def _frame_layout(f: int, name: str, frame: pd.DataFrame,
                  arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    """Add frame number ``f``'s column arrays to ``arrays``; its header entry."""
    if not frame.index.equals(pd.RangeIndex(len(frame))):
        raise Unsupported(f"frame {name} has a non-default index")
    dtypes = []
    for c, column in enumerate(frame.columns):
        if not isinstance(column, str):
            raise Unsupported(f"frame {name}: column name {column!r}")
        dtype, parts = _column_arrays(frame[column], f"f{f}c{c}")
        dtypes.append(dtype)
        arrays.update(parts)
    return {"name": name, "columns": list(frame.columns), "dtypes": dtypes, "rows": len(frame)}


def encode(frames: Frames, key: dict[str, Any]) -> bytes:
    """The bytes of a cache file for ``frames`` stored under ``key``.

    Raises:
        Unsupported: a frame cannot be stored exactly (then it is simply not cached).
    """
    arrays: dict[str, np.ndarray] = {}
    layout = [_frame_layout(f, name, frame, arrays)
              for f, (name, frame) in enumerate(frames.items())]
    buffer = io.BytesIO()
    np.savez(buffer, allow_pickle=False, **arrays)
    payload = buffer.getvalue()
    header = {"format": 1, "key": key, "frames": layout}
    digest = hashlib.sha256(_canonical(header) + payload).hexdigest()
    head = _canonical({**header, "sha256": digest})
    return MAGIC + len(head).to_bytes(8, "big") + head + payload


def _split(data: bytes) -> tuple[bytes, bytes]:
    """The header bytes and the payload of a cache file."""
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 8:
        raise CorruptEntry("not a cache file of this format")
    start = len(MAGIC) + 8
    size = int.from_bytes(data[len(MAGIC):start], "big")
    return data[start:start + size], data[start + size:]


def _header(head: bytes) -> dict:
    """The header, which must be canonical JSON (as written)."""
    try:
        header = json.loads(head.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        raise CorruptEntry("unreadable header") from None
    if not isinstance(header, dict) or _canonical(header) != head:
        raise CorruptEntry("header not in canonical form")
    return header


def _verified(data: bytes) -> tuple[dict, bytes]:
    """The header (without its checksum) and payload, if the checksum matches."""
    head, payload = _split(data)
    header = _header(head)
    digest = header.pop("sha256", None)
    if digest != hashlib.sha256(_canonical(header) + payload).hexdigest():
        raise CorruptEntry("checksum mismatch")
    return header, payload


def decode(data: bytes, key: dict[str, Any]) -> Frames:
    """The frames in cache file bytes ``data``, if intact and stored under ``key``.

    Raises:
        CorruptEntry: damaged, tampered with, another format, or another key.
    """
    header, payload = _verified(data)
    if header.get("format") != 1 or header.get("key") != key:
        raise CorruptEntry("stored under another key")
    tables = _tables(header, payload)
    if list(tables)[:len(FRAME_NAMES)] != list(FRAME_NAMES):
        raise CorruptEntry("missing frames")
    return Frames.from_tables(tables)


def _tables(header: dict, payload: bytes) -> dict[str, pd.DataFrame]:
    """Every frame of a verified payload by name (any malformed payload: CorruptEntry)."""
    try:
        with np.load(io.BytesIO(payload), allow_pickle=False) as arrays:
            return {spec["name"]: _frame(arrays, f, spec)
                    for f, spec in enumerate(header["frames"])}
    except CorruptEntry:
        raise
    except Exception as exc:  # any malformed payload is a miss, never a crash
        raise CorruptEntry(f"unreadable payload ({type(exc).__name__})") from None


def _check_length(columns: Iterable[pd.Series], spec: dict[str, Any]) -> None:
    """Every column must have the frame's number of rows."""
    if any(len(col) != spec["rows"] for col in columns):
        raise CorruptEntry(f"frame {spec['name']}: wrong length")


def _frame(arrays: Any, f: int, spec: dict[str, Any]) -> pd.DataFrame:
    """Frame number ``f`` as its header entry ``spec`` describes it (checked)."""
    columns = {col: _column(dtype, arrays, f"f{f}c{c}") for c, (col, dtype)
               in enumerate(zip(spec["columns"], spec["dtypes"], strict=True))}
    _check_length(columns.values(), spec)
    frame = pd.DataFrame(columns, index=pd.RangeIndex(spec["rows"]))
    if list(frame.columns) != spec["columns"]:
        raise CorruptEntry(f"frame {spec['name']}: wrong shape")
    return frame


def same_frames(a: Frames, b: Frames) -> bool:
    """Equal names, columns, dtypes and values (NaN equal to NaN)."""
    items_a, items_b = dict(a.items()), dict(b.items())
    return list(items_a) == list(items_b) and all(
        _same_frame(items_a[name], items_b[name]) for name in items_a)


def _same_frame(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Equal columns, dtypes and values (NaN equal to NaN)."""
    return list(a.columns) == list(b.columns) and list(a.dtypes) == list(b.dtypes) and a.equals(b)
