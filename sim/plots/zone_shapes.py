"""Drawing a district's real zone shapes (and its streets, lightly) on a map axes.

Used by ``district_map`` when a scenario's district comes from a map (``district.map``):
``shapes`` is then the scenario's ``sim.geo.layout.GeoLayout`` (any object with
``outlines()`` → zone id → rings and ``streets()`` → segments or None).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.colors import Colormap, Normalize

# (at most this many zones, label font size); beyond the last, only named zones are labelled
_LABEL_SIZES = ((36, 7.0), (80, 5.5), (150, 4.5))


def label_size(n_zones: int) -> float | None:
    """Font size of zone labels for ``n_zones`` zones; None: label only named zones."""
    return next((size for most, size in _LABEL_SIZES if n_zones <= most), None)


def draw_shapes(
    ax: Axes, shapes: Any, zones: list[str], values: np.ndarray, cmap: Colormap, norm: Normalize
) -> PolyCollection:
    """Fill each zone's polygon by its value; streets drawn lightly on top; returns the fill."""
    polys, vals = _rings(shapes.outlines(), zones, values)
    coll = PolyCollection(polys, cmap=cmap, norm=norm, edgecolor="white", linewidths=0.4)
    coll.set_array(np.ma.masked_invalid(np.asarray(vals, dtype=float)))
    ax.add_collection(coll)
    streets = shapes.streets()
    if streets is not None and len(streets):
        ax.add_collection(LineCollection(streets, colors="black", linewidths=0.4, alpha=0.35))
    _fit(ax, np.vstack(polys) if polys else np.zeros((1, 2)))
    return coll


def _rings(outlines: dict[str, list[Any]], zones: list[str],
           values: np.ndarray) -> tuple[list[Any], list[float]]:
    """Every ring of the zones' outlines, each with its zone's value."""
    pairs = [(ring, v) for zid, v in zip(zones, values) for ring in outlines.get(zid, [])]
    return [p for p, _ in pairs], [v for _, v in pairs]


def _fit(ax: Axes, pts: np.ndarray) -> None:
    """Axis limits around ``pts`` with a 2 % margin."""
    pad = 0.02 * max(np.ptp(pts[:, 0]), np.ptp(pts[:, 1]), 1.0)
    ax.set_xlim(pts[:, 0].min() - pad, pts[:, 0].max() + pad)
    ax.set_ylim(pts[:, 1].min() - pad, pts[:, 1].max() + pad)


def ink(cmap: Colormap, norm: Normalize, value: float) -> str:
    """Black or white text, whichever reads on the colour of ``value`` (NaN: light grey)."""
    r, g, b, _ = cmap(norm(value)) if np.isfinite(value) else (0.8, 0.8, 0.8, 1)
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "white"


def label_shapes(
    ax: Axes, zones: list[str], names: list[str], xy: np.ndarray, values: np.ndarray,
    cmap: Colormap, norm: Normalize,
) -> None:
    """Zone ids at the centres, sized for the zone count; with many zones only named ones."""
    size = label_size(len(zones))
    for zid, name, (x, y), v in zip(zones, names, xy, values):
        if size is not None or _named(zid, name):
            ax.text(x, y, str(zid), ha="center", va="center", fontsize=size or 6.0,
                    color=ink(cmap, norm, v))


def _named(zid: str, name: str) -> bool:
    """True if the zone has a name of its own (not empty, not its id)."""
    return bool(name) and name != zid
