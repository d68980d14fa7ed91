"""The scenario: one validated, immutable description of a district, its demand and deployment."""

from __future__ import annotations

import re

from pydantic import Field, field_validator, model_validator

from sim.scenario.district import District, Frozen
from sim.scenario.incidents import IncidentType
from sim.scenario.operations import Detection, Dispatch
from sim.scenario.units import FixedPost, UnitGroup, Weekday

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class Clock(Frozen):
    """How long to simulate. Internally, time is minutes from the first midnight."""

    days: int = Field(7, ge=1, le=3660, description="Days simulated.")
    warmup_days: float = Field(
        0.0, ge=0, description="Days at the start left out of all measures."
    )
    start_weekday: Weekday = Field("mon", description="Weekday of day 0.")

    @model_validator(mode="after")
    def _warmup_inside(self) -> Clock:
        if self.warmup_days >= self.days:
            raise ValueError(
                f"warmup_days ({self.warmup_days}) must be less than days ({self.days})"
            )
        return self


class Scenario(Frozen):
    """A complete scenario file, after `extends:` has been resolved."""

    name: str = Field("scenario", description="Short name, used in tables and plots.")
    description: str = Field("", description="What this scenario is for.")
    seed: int = Field(1, ge=0, le=2**63 - 1, description="Root random seed.")
    replications: int = Field(1, ge=1, le=10_000, description="Independent replications.")
    clock: Clock = Field(default_factory=Clock, description="Simulated period.")
    rate_multiplier: float = Field(
        1.0, gt=0, le=100,
        description="Multiplies every incident rate (what if disorder grows by 20 %? 1.2).",
    )
    district: District = Field(description="Zones and travel.")
    incidents: dict[str, IncidentType] = Field(
        min_length=1, description="The disorder catalog, keyed by type name."
    )
    detection: Detection = Field(default_factory=Detection, description="Detection channels.")
    dispatch: Dispatch = Field(default_factory=Dispatch, description="Command room.")
    units: dict[str, UnitGroup] = Field(
        min_length=1, description="Officer groups, keyed by group name."
    )

    @field_validator("incidents", "units")
    @classmethod
    def _names(cls, value: dict) -> dict:
        for key in value:
            if not _NAME.match(key):
                raise ValueError(
                    f"name {key!r} must start with a lower-case letter and use only a-z, 0-9, _"
                )
        return value

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        zones = {z.id for z in self.district.all_zones()}
        types = set(self.incidents)
        problems: list[str] = []

        def need_zone(where: str, zone: str | None) -> None:
            if zone is not None and zone not in zones:
                problems.append(f"{where}: zone {zone!r} is not defined in the district")

        for tname, itype in self.incidents.items():
            for zone in itype.zone_rates:
                need_zone(f"incidents.{tname}.zone_rates", zone)
        if not any(t.enabled for t in self.incidents.values()):
            problems.append("incidents: every type is disabled")
        for gname, group in self.units.items():
            need_zone(f"units.{gname}.home_zone", group.home_zone)
            for zone in group.zones or []:
                need_zone(f"units.{gname}.zones", zone)
            if isinstance(group.behaviour, FixedPost):
                need_zone(f"units.{gname}.behaviour.zone", group.behaviour.zone)
        if self.detection.cameras.zones != "all":
            for zone in self.detection.cameras.zones:
                need_zone("detection.cameras.zones", zone)
        for tname in self.detection.cameras.types or []:
            if tname not in types:
                problems.append(f"detection.cameras.types: unknown incident type {tname!r}")
        for tname in self.detection.sight_by_type:
            if tname not in types:
                problems.append(f"detection.sight_by_type: unknown incident type {tname!r}")
        officer_ids = {f"{g}-{k + 1}" for g, grp in self.units.items() for k in range(grp.count)}
        for zone, card in self.dispatch.run_cards.items():
            need_zone("dispatch.run_cards", zone)
            for ref in card:
                if ref not in officer_ids and ref not in self.units:
                    problems.append(
                        f"dispatch.run_cards.{zone}: {ref!r} is neither an officer id "
                        "(group-k) nor a unit group"
                    )
        if self.dispatch.policy == "run_cards":
            missing = sorted(zones - set(self.dispatch.run_cards))
            if missing:
                problems.append(f"dispatch.run_cards: no run card for zones {missing[:8]}")
        if problems:
            raise ValueError("; ".join(problems))
        return self
