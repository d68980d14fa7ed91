"""Unit grids: regular square cells over a boundary polygon (metric coordinates)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from sim.geo import GeoError


def cell_id(row: int, col: int, rows: int, cols: int) -> str:
    """``r03c07``: row (from the south) and column (from the west), zero-padded, 1-based."""
    wr, wc = len(str(rows)), len(str(cols))
    return f"r{row + 1:0{wr}d}c{col + 1:0{wc}d}"


def _cells_across(extent: float, cell_m: float) -> int:
    return max(1, math.ceil(extent / cell_m))


def unit_grid(boundary: Any, cell_m: float, min_share: float) -> tuple[list[str], list[Any]]:
    """Cells of side ``cell_m`` over ``boundary``, clipped to it; cells less than ``min_share``
    inside are dropped. Returns (ids, clipped polygons), south-west first, row by row."""
    import shapely

    minx, miny, maxx, maxy = boundary.bounds
    cols, rows = _cells_across(maxx - minx, cell_m), _cells_across(maxy - miny, cell_m)
    r, c = np.divmod(np.arange(rows * cols), cols)
    cells = shapely.box(minx + c * cell_m, miny + r * cell_m,
                        minx + (c + 1) * cell_m, miny + (r + 1) * cell_m)
    clipped = shapely.intersection(cells, boundary)
    keep = shapely.area(clipped) >= min_share * cell_m * cell_m - 1e-6
    if not keep.any():
        raise GeoError("map.unit_grid.cell_m", f"no {cell_m:g} m cell lies {min_share:.0%} "
                                               "inside the boundary: use smaller cells")
    ids = [cell_id(int(i), int(j), rows, cols) for i, j in zip(r[keep], c[keep])]
    return ids, list(clipped[keep])
