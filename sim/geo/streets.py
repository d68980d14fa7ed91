"""The street network as one edge table (nodes and edges), built from any file format."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

import numpy as np

F = "map.network.file"
_ONEWAY = {"yes": 1, "true": 1, "1": 1, "-1": -1}


@dataclass
class Streets:
    """Nodes (x, y in ``crs``) and edges (node indices, metres, highway tag, one-way flag)."""

    x: np.ndarray
    y: np.ndarray
    u: np.ndarray
    v: np.ndarray
    length: np.ndarray | None  # metres, None: compute from projected coordinates
    highway: list[str]
    oneway: np.ndarray  # 1 forward only, -1 backward only, 0 both
    foot_no: np.ndarray  # tagged foot=no
    crs: Any


def _first(value: Any) -> str:
    """The first highway value (osmnx writes lists as "['a', 'b']")."""
    if isinstance(value, (list, tuple)):
        return str(value[0]) if value else ""
    text = _text(value)
    return _first_listed(text) if text.startswith("[") else text


def _text(value: Any) -> str:
    """The value as text; "" for a missing one (None or NaN)."""
    return "" if value is None or value != value else str(value)


def _first_listed(text: str) -> str:
    """The first item of a list written as text (the text itself if it is no list)."""
    try:
        return _first(ast.literal_eval(text))
    except (ValueError, SyntaxError):
        return text


def _oneway(value: Any) -> int:
    return _ONEWAY.get(_first(value).strip().lower(), 0)


def table(nodes: dict, edges: list[tuple], crs: Any, lengths: list | None = None) -> Streets:
    """Streets from node id → (x, y) and edges (u id, v id, highway, oneway, foot=no);
    edges with an end that is not a node are dropped."""
    ids = {nid: k for k, nid in enumerate(nodes)}
    xy = np.array(list(nodes.values()), dtype=float).reshape(len(nodes), 2)
    keep = _kept(edges, ids)
    kept = [edges[k] for k in keep]
    return Streets(
        x=xy[:, 0], y=xy[:, 1], u=_ends(kept, ids, 0), v=_ends(kept, ids, 1),
        length=_kept_lengths(lengths, keep), crs=crs, **_tag_columns(kept),
    )


def _kept(edges: list[tuple], ids: dict) -> list[int]:
    """Indices of the edges whose both ends are nodes."""
    return [k for k, e in enumerate(edges) if e[0] in ids and e[1] in ids]


def _ends(edges: list[tuple], ids: dict, end: int) -> np.ndarray:
    return np.array([ids[e[end]] for e in edges], dtype=np.int64)


def _kept_lengths(lengths: list | None, keep: list[int]) -> np.ndarray | None:
    return None if lengths is None else np.array([lengths[k] for k in keep], dtype=float)


def _tag_columns(edges: list[tuple]) -> dict[str, Any]:
    """The highway, oneway and foot=no columns of the edges."""
    return {
        "highway": [_first(e[2]) for e in edges],
        "oneway": np.array([_oneway(e[3]) for e in edges], dtype=np.int8),
        "foot_no": np.array([_first(e[4]).lower() == "no" for e in edges], dtype=bool),
    }
