"""What a district is made of: zones, changes to generated zones, and travel settings."""

from __future__ import annotations

from pydantic import Field

from sim.scenario.base import MAX_CELL_M, Coordinate, Frozen, Minutes, Mode, Whole, ZoneId, ZoneKind


class Zone(Frozen):
    """One zone of the district (a block, a street segment, a market...)."""

    id: ZoneId = Field(description="Unique zone id, used everywhere a zone is referenced.")
    name: str | None = Field(None, description="Readable name; defaults to the id.")
    x_m: Coordinate = Field(description="Centre x coordinate (metres).")
    y_m: Coordinate = Field(description="Centre y coordinate (metres).")
    kind: ZoneKind = Field("residential", description="Land use; selects incident base rates.")
    population: Whole = Field(0, ge=0, description="Residents (informational).")
    shop_fronts: Whole = Field(0, ge=0, description="Shop fronts (door-front responsibility).")


class ZonePatch(Frozen):
    """Changes to one generated grid zone."""

    name: str | None = None
    kind: ZoneKind | None = None
    population: Whole | None = Field(None, ge=0)
    shop_fronts: Whole | None = Field(None, ge=0)


class Speeds(Frozen):
    """Travel speeds per mode (km/h)."""

    foot: float = Field(4.5, gt=0, le=20)
    ebike: float = Field(15.0, gt=0, le=60)
    car: float = Field(25.0, gt=0, le=120)


class Travel(Frozen):
    """How long it takes to move between zones, per mode.

    From distance: Manhattan distance between zone centres × ``detour_factor`` ÷ speed,
    with ``intra_zone_m`` for a move inside one zone. Or an explicit matrix per mode.
    """

    detour_factor: float = Field(1.2, ge=1, le=5, description="Street distance ÷ grid distance.")
    speeds_kmh: Speeds = Field(default_factory=Speeds, description="Speeds per mode (km/h).")
    intra_zone_m: float = Field(
        150.0, ge=0, le=MAX_CELL_M, allow_inf_nan=False,
        description="Distance travelled to reach a spot inside the same zone (m).",
    )
    matrix_minutes: dict[Mode, list[list[Minutes]]] | None = Field(
        None,
        description="Explicit zone × zone travel times (minutes) per mode, in zone order; "
        "modes not listed use distances.",
    )
    matrix_files: dict[Mode, str] | None = Field(
        None,
        description="Travel times per mode from CSV files (minutes; header `zone,<id>,...`, "
        "one row `<id>,<minutes>,...` per zone), relative to the scenario file that names it.",
    )
