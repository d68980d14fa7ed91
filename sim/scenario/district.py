"""The district: zones (generated as a grid, listed, or from a map) and travel between them."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator, model_validator

from sim.scenario.base import MAX_CELL_M, MODES, Frozen, Mode, Whole, ZoneId, ZoneKind  # noqa: F401  (other packages import them from here)
from sim.scenario.errors import raise_any
from sim.scenario.geo import DistrictMap
from sim.scenario.limits import over_limit
from sim.scenario.places import Travel, Zone, ZonePatch


class Grid(Frozen):
    """A rows × cols grid of square cells; zone ids are A1, A2, ... (row letter, column)."""

    rows: Whole = Field(ge=1, le=26, description="Number of rows (at most 26).")
    cols: Whole = Field(ge=1, le=99, description="Number of columns.")
    cell_m: float = Field(
        gt=0, le=MAX_CELL_M, allow_inf_nan=False, description="Cell side (metres, at most 100 km)."
    )
    kind: ZoneKind = Field("residential", description="Kind of every cell not patched.")
    population: Whole = Field(2000, ge=0, description="Residents per cell.")
    shop_fronts: Whole = Field(20, ge=0, description="Shop fronts per cell.")
    patches: dict[ZoneId, ZonePatch] = Field(
        default_factory=dict, description="Per-zone changes, keyed by zone id (e.g. C4)."
    )

    def zone_ids(self) -> list[str]:
        return [f"{chr(65 + r)}{c + 1}" for r in range(self.rows) for c in range(self.cols)]

    def zones(self) -> list[Zone]:
        """The cells as zones, row by row, with their patches applied."""
        return [self._cell(idx, zid) for idx, zid in enumerate(self.zone_ids())]

    def _cell(self, idx: int, zid: str) -> Zone:
        r, c = divmod(idx, self.cols)
        patch = self.patches.get(zid, ZonePatch())
        return Zone(
            id=zid,
            name=patch.name or zid,
            x_m=(c + 0.5) * self.cell_m,
            y_m=(r + 0.5) * self.cell_m,
            kind=patch.kind or self.kind,
            population=_patched(patch.population, self.population),
            shop_fronts=_patched(patch.shop_fronts, self.shop_fronts),
        )

    def patch_problems(self) -> list[tuple[str, str]]:
        """Patches of zones that are not in the grid."""
        ids = self.zone_ids()
        return [(f"patches.{zid}",
                 f"zone {zid!r} is not in the {self.rows} × {self.cols} grid "
                 f"(zones A1 to {ids[-1]}: row letter, then column number)")
                for zid in self.patches if zid not in ids]


def _patched(value: int | None, default: int) -> int:
    return default if value is None else value


class District(Frozen):
    """The area the officers are responsible for."""

    name: str = Field("district", description="Name of the district.")
    grid: Grid | None = Field(None, description="Generate zones as a grid (or list `zones`).")
    zones: list[Zone] | None = Field(None, description="Listed zones (or give `grid`).")
    map: DistrictMap | None = Field(
        None, description="Zones from a map file or a unit grid, travel on a street network "
        "(needs `pip install chengguan-sim[geo]`)."
    )
    travel: Travel = Field(default_factory=Travel, description="Travel between zones.")

    @field_validator("zones", mode="before")
    @classmethod
    def _not_too_many(cls, value: Any) -> Any:
        """Refuse a huge zone list before validating every zone in it."""
        if isinstance(value, list):
            problem = over_limit("zones", len(value), "{n} zones are listed")
            if problem:
                raise ValueError(problem)
        return value

    @field_validator("grid")
    @classmethod
    def _grid_not_too_large(cls, value: Grid | None) -> Grid | None:
        if value is not None:
            problem = over_limit("zones", value.rows * value.cols,
                                 f"the {value.rows} × {value.cols} grid has {{n}} zones")
            if problem:
                raise ValueError(problem)
        return value

    @model_validator(mode="after")
    def _one_layout(self) -> District:
        raise_any(self._layout_problems())
        raise_any(self._map_problems())
        raise_any([
            *self._zone_list_problems(),
            *self._grid_patch_problems(),
            *self._matrix_size_problems(),
            *self._matrix_file_problems(),
        ])
        return self

    def _layout_problems(self) -> list[tuple[str, str]]:
        """Exactly one of grid, zones and map."""
        given = self._layouts_given()
        if len(given) > 1:
            return [("", f"give one of `grid` (a generated grid), `zones` (a list) or `map` "
                         f"(zones from a map), not both {' and '.join(given)}")]
        if not given:
            return [("", "missing: give `grid` (zones generated as a grid), `zones` (a list) "
                         "or `map` (zones from a map)")]
        return []

    def _layouts_given(self) -> list[str]:
        return [k for k in ("grid", "zones", "map") if getattr(self, k) is not None]

    def _map_problems(self) -> list[tuple[str, str]]:
        """The map's zones read and its network routed (nothing to check without a map)."""
        if self.map is None:
            return []
        from sim.geo.check import map_problems

        return map_problems(self.map, self.travel)

    def _zone_list_problems(self) -> list[tuple[str, str]]:
        """A listed zone list must not be empty nor use an id twice."""
        if self.zones is None:
            return []
        empty = [("zones", "the list is empty: a district needs at least one zone")]
        return (empty if not self.zones else []) + _duplicate_ids(self.zones)

    def _grid_patch_problems(self) -> list[tuple[str, str]]:
        if self.grid is None:
            return []
        return [(f"grid.{field}", message) for field, message in self.grid.patch_problems()]

    def _matrix_size_problems(self) -> list[tuple[str, str]]:
        """Every explicit travel matrix has one row and one column per zone."""
        n = len(self.all_zones())
        return [(f"travel.matrix_minutes.{mode}", _matrix_size_message(matrix, n))
                for mode, matrix in (self.travel.matrix_minutes or {}).items()
                if not _is_square(matrix, n)]

    def _matrix_file_problems(self) -> list[tuple[str, str]]:
        """Every travel-time file is readable, fits the zones and is not also given inline."""
        ids = [z.id for z in self.all_zones()]
        found = {mode: self._matrix_file_problem(mode, path, ids)
                 for mode, path in (self.travel.matrix_files or {}).items()}
        return [(f"travel.matrix_files.{mode}", problem) for mode, problem in found.items()
                if problem]

    def _matrix_file_problem(self, mode: str, path: str, ids: list[str]) -> str:
        if mode in (self.travel.matrix_minutes or {}):
            return "also given in matrix_minutes"
        return _unreadable_matrix(path, ids)

    def all_zones(self) -> list[Zone]:
        """The zones, generated, listed or from the map, in a fixed order."""
        if self.map is not None:
            from sim.geo.resolve import map_zones

            return map_zones(self.map)
        return self.grid.zones() if self.grid is not None else list(self.zones or [])


def _duplicate_ids(zones: list[Zone]) -> list[tuple[str, str]]:
    """Zones whose id an earlier zone of the list already uses."""
    first: dict[str, int] = {}
    out = []
    for k, z in enumerate(zones):
        if z.id in first:
            out.append((f"zones.{k}.id", f"zone id {z.id!r} is already used by zones.{first[z.id]}"))
        first.setdefault(z.id, k)
    return out


def _is_square(matrix: list[list[float]], n: int) -> bool:
    """Does the matrix have n rows of n values?"""
    return len(matrix) == n and all(len(row) == n for row in matrix)


def _matrix_size_message(matrix: list[list[float]], n: int) -> str:
    sizes = sorted({len(row) for row in matrix})
    got = f"{len(matrix)} rows of {' or '.join(map(str, sizes)) or 0}"
    return (f"expected {n} rows of {n} minutes (one row and one column per zone, in zone "
            f"order), got {got}")


def _unreadable_matrix(path: str, ids: list[str]) -> str:
    """Why a travel-time file cannot be used ("" when it can)."""
    from sim.scenario.travel_csv import MatrixFileError, read_matrix

    try:
        read_matrix(path, ids)
    except MatrixFileError as exc:
        return str(exc)
    return ""
