"""The district: zones (generated as a grid, listed, or from a map) and travel between them."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator, model_validator

from sim.scenario.base import MAX_CELL_M, MODES, Frozen, Mode, Whole, ZoneId, ZoneKind  # noqa: F401  (other packages import them from here)
from sim.scenario.errors import FieldProblems
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
        out = []
        for idx, zid in enumerate(self.zone_ids()):
            r, c = divmod(idx, self.cols)
            patch = self.patches.get(zid, ZonePatch())
            out.append(
                Zone(
                    id=zid,
                    name=patch.name or zid,
                    x_m=(c + 0.5) * self.cell_m,
                    y_m=(r + 0.5) * self.cell_m,
                    kind=patch.kind or self.kind,
                    population=self.population if patch.population is None else patch.population,
                    shop_fronts=self.shop_fronts
                    if patch.shop_fronts is None
                    else patch.shop_fronts,
                )
            )
        return out


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
        given = [k for k in ("grid", "zones", "map") if getattr(self, k) is not None]
        if len(given) > 1:
            raise FieldProblems(
                ("", f"give one of `grid` (a generated grid), `zones` (a list) or `map` (zones "
                     f"from a map), not both {' and '.join(given)}")
            )
        if not given:
            raise FieldProblems(
                ("", "missing: give `grid` (zones generated as a grid), `zones` (a list) or "
                     "`map` (zones from a map)")
            )
        if self.map is not None:
            from sim.geo.check import map_problems

            trouble = map_problems(self.map, self.travel)
            if trouble:
                raise FieldProblems(*trouble)
        problems: list[tuple[str, str]] = []
        if self.zones is not None:
            if not self.zones:
                problems.append(("zones", "the list is empty: a district needs at least one zone"))
            first: dict[str, int] = {}
            for k, z in enumerate(self.zones):
                if z.id in first:
                    problems.append(
                        (f"zones.{k}.id", f"zone id {z.id!r} is already used by zones.{first[z.id]}")
                    )
                first.setdefault(z.id, k)
        if self.grid is not None:
            ids = self.grid.zone_ids()
            for zid in self.grid.patches:
                if zid not in ids:
                    problems.append((
                        f"grid.patches.{zid}",
                        f"zone {zid!r} is not in the {self.grid.rows} × {self.grid.cols} grid "
                        f"(zones A1 to {ids[-1]}: row letter, then column number)",
                    ))
        n = len(self.all_zones())
        for mode, matrix in (self.travel.matrix_minutes or {}).items():
            if len(matrix) != n or any(len(row) != n for row in matrix):
                sizes = sorted({len(row) for row in matrix})
                got = f"{len(matrix)} rows of {' or '.join(map(str, sizes)) or 0}"
                problems.append((
                    f"travel.matrix_minutes.{mode}",
                    f"expected {n} rows of {n} minutes (one row and one column per zone, in "
                    f"zone order), got {got}",
                ))
        problems += self._matrix_file_problems()
        if problems:
            raise FieldProblems(*problems)
        return self

    def _matrix_file_problems(self) -> list[tuple[str, str]]:
        from sim.scenario.travel_csv import MatrixFileError, read_matrix

        ids = [z.id for z in self.all_zones()]
        out = []
        for mode, path in (self.travel.matrix_files or {}).items():
            if mode in (self.travel.matrix_minutes or {}):
                out.append((f"travel.matrix_files.{mode}", "also given in matrix_minutes"))
                continue
            try:
                read_matrix(path, ids)
            except MatrixFileError as exc:
                out.append((f"travel.matrix_files.{mode}", str(exc)))
        return out

    def all_zones(self) -> list[Zone]:
        """The zones, generated, listed or from the map, in a fixed order."""
        if self.map is not None:
            from sim.geo.resolve import map_zones

            return map_zones(self.map)
        return self.grid.zones() if self.grid is not None else list(self.zones or [])
