"""The scenario: one validated, immutable description of a district, its demand and deployment."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Literal

from pydantic import Field, field_validator, model_validator

from sim.scenario.base import Frozen, Whole
from sim.scenario.demand import Demand
from sim.scenario.district import District
from sim.scenario.errors import FieldProblems, unknown_name
from sim.scenario.incidents import IncidentType
from sim.scenario.limits import over_limit
from sim.scenario.operations import Detection, Dispatch
from sim.scenario.units import FixedPost, UnitGroup, Weekday
from sim.scenario.workflow import Workflow

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_STEM = 100  # characters in a scenario name (it names the results folder)
MAX_STEM_BYTES = 200  # as UTF-8: with prefixes and suffixes it stays under 255 bytes
STEM_RULE = (
    f"must be a file-name stem of 1 to {MAX_STEM} letters (any script, at most "
    f"{MAX_STEM_BYTES} bytes as UTF-8), digits, '-', '_' or '.', not starting with '.' "
    "(it names the results folder)"
)


def is_safe_stem(text: str) -> bool:
    """A name usable as one path component anywhere: letters (with their combining marks,
    as in Thai or Devanagari), digits, '-', '_', '.'; no separators, no leading dot."""
    return (
        0 < len(text) <= MAX_STEM
        and len(text.encode("utf-8", "surrogatepass")) <= MAX_STEM_BYTES
        and not text.startswith(".")
        and (text[0].isalnum() or text[0] in "-_")
        and all(ch.isalnum() or ch in "-_." or unicodedata.category(ch)[0] == "M"
                for ch in text)
    )


class ReportOptions(Frozen):
    """How reports and figures are written (no effect on results)."""

    lang: Literal["en", "zh"] = Field(
        "en", description="Language of report.md, report.html and the figures: en (English) "
        "or zh (Chinese); the --lang option overrides it.",
    )


class Clock(Frozen):
    """How long to simulate. Internally, time is minutes from the first midnight."""

    days: Whole = Field(7, ge=1, le=3660, description="Days simulated.")
    warmup_days: float = Field(
        0.0, ge=0, description="Days at the start left out of all measures."
    )
    start_weekday: Weekday = Field("mon", description="Weekday of day 0.")
    cooldown_days: float | None = Field(
        None, ge=0, le=365, allow_inf_nan=False,
        description="Days every counted incident is followed after it occurs: incident "
        "measures count incidents occurring in [warm-up, days − cool-down) and cap times at "
        "the cool-down. Default: twice the longest rectification deadline, in whole days, at "
        "least 1, and never less than the longest sla_min.",
    )

    @model_validator(mode="after")
    def _warmup_inside(self) -> Clock:
        if self.warmup_days >= self.days:
            raise FieldProblems((
                "warmup_days",
                f"must be less than days ({self.days}), got {self.warmup_days:g}: shorten "
                "the warm-up or simulate longer (on the command line: --warmup-days D, "
                "or --days N)",
            ))
        return self


class Scenario(Frozen):
    """A complete scenario file, after `extends:` has been resolved."""

    name: str = Field(
        "scenario",
        description="Short name, used in tables, plots and as the results folder name: "
        "letters, digits, -, _ or . (not first), at most 100 characters.",
    )
    description: str = Field("", description="What this scenario is for.")
    seed: Whole = Field(1, ge=0, le=2**63 - 1, description="Root random seed.")
    replications: Whole = Field(1, ge=1, le=10_000, description="Independent replications.")
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
    demand: Demand = Field(
        default_factory=Demand, description="Behavioural demand: vendors, parking, door fronts."
    )
    workflow: Workflow | None = Field(
        None, description="The command room's case workflow (report back, check, close, "
        "time limits per case class); null: a case ends when the officer finishes.",
    )
    report: ReportOptions = Field(
        default_factory=ReportOptions, description="Report language (no effect on results)."
    )

    @field_validator("name")
    @classmethod
    def _safe_stem(cls, value: str) -> str:
        if not is_safe_stem(value):
            shown = value if len(value) <= 40 else value[:40] + "..."
            raise FieldProblems(("", f"{STEM_RULE}, got {shown!r}"))
        return value

    @field_validator("incidents", "units")
    @classmethod
    def _names(cls, value: dict) -> dict:
        for key in value:
            if not isinstance(key, str) or not _NAME.match(key):
                raise FieldProblems((
                    str(key),
                    "a name must start with a lower-case letter and use only a-z, 0-9 and _",
                ))
        return value

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        zone_order = [z.id for z in self.district.all_zones()]
        zones, types = set(zone_order), set(self.incidents)
        problems = [(where, unknown_name("zone", zone, zone_order))
                    for where, zone in self._zone_refs() if zone not in zones]
        problems += [(where, unknown_name("incident type", name, types))
                     for where, name in self._type_refs() if name not in types]
        problems += self._grid_split_problems(len(zones)) + self._run_card_problems(zones)
        if not any(t.enabled for t in self.incidents.values()):
            problems.append(("incidents", "every type is disabled"))
        if problems:
            raise FieldProblems(*problems)
        return self

    def _zone_refs(self) -> Iterator[tuple[str, str]]:
        """(field, zone id) for every zone the scenario names outside the district."""
        for tname, itype in self.incidents.items():
            for zone in itype.zone_rates:
                yield f"incidents.{tname}.zone_rates.{zone}", zone
        for gname, group in self.units.items():
            if group.home_zone is not None:
                yield f"units.{gname}.home_zone", group.home_zone
            for zone in group.zones or []:
                yield f"units.{gname}.zones", zone
            if isinstance(group.behaviour, FixedPost) and group.behaviour.zone is not None:
                yield f"units.{gname}.behaviour.zone", group.behaviour.zone
            for field, zone in group.referenced_zones():
                yield f"units.{gname}.{field}", zone
        if self.detection.cameras.zones != "all":
            for zone in self.detection.cameras.zones:
                yield "detection.cameras.zones", zone
        for zone in self.dispatch.run_cards:
            yield f"dispatch.run_cards.{zone}", zone
        for k, layer in enumerate(self.detection.channels):
            for zone in layer.zones if layer.zones != "all" else []:
                yield f"detection.channels.{k}.zones", zone

    def _type_refs(self) -> Iterator[tuple[str, str]]:
        """(field, incident type) for every type the scenario names outside the catalog."""
        for tname in self.detection.cameras.types or []:
            yield "detection.cameras.types", tname
        for field in ("sight_by_type", "sight_passing_by_type"):
            for tname in getattr(self.detection, field):
                yield f"detection.{field}.{tname}", tname
        for k, layer in enumerate(self.detection.channels):
            for tname in layer.types or []:
                yield f"detection.channels.{k}.types", tname
            if isinstance(layer.probability, dict):
                for tname in layer.probability:
                    yield f"detection.channels.{k}.probability.{tname}", tname
        for cname, spec in (self.workflow.classes.items() if self.workflow else []):
            for tname in spec.types:
                yield f"workflow.classes.{cname}.types", tname

    def _grid_split_problems(self, n_district: int) -> list[tuple[str, str]]:
        out = []
        for gname, group in self.units.items():
            n_zones = len(group.zones) if group.zones else n_district
            if group.grid_split is not None and group.grid_split > n_zones:
                out.append((f"units.{gname}.grid_split",
                            f"{group.grid_split} grids but only {n_zones} zones"))
        return out

    def _run_card_problems(self, zones: set[str]) -> list[tuple[str, str]]:
        officer_ids = {f"{g}-{k + 1}" for g, grp in self.units.items() for k in range(grp.count)}
        out = [(f"dispatch.run_cards.{zone}",
                f"{ref!r} is neither an officer id (group-k) nor a unit group")
               for zone, card in self.dispatch.run_cards.items() for ref in card
               if ref not in officer_ids and ref not in self.units]
        if self.dispatch.policy == "run_cards":
            missing = sorted(zones - set(self.dispatch.run_cards))
            if missing:
                out.append(("dispatch.run_cards", f"no run card for zones {missing[:8]}"))
        return out

    @model_validator(mode="after")
    def _demand_references(self) -> Scenario:
        zone_order = [z.id for z in self.district.all_zones()]
        shops = {z.id: z.shop_fronts for z in self.district.all_zones()}
        problems: list[tuple[str, str]] = []
        for where, zone in self.demand.zone_refs():
            if zone not in shops:
                problems.append((where, unknown_name("zone", zone, zone_order)))
        for where, tname in self.demand.type_refs():
            if tname not in self.incidents:
                problems.append((where, unknown_name("incident type", tname, self.incidents)))
        for zone, n in self.demand.door_front.contracts.items():
            if zone in shops and n > shops[zone]:
                problems.append((f"demand.door_front.contracts.{zone}",
                                 f"{n} contracts but the zone has {shops[zone]} shop fronts"))
        if problems:
            raise FieldProblems(*problems)
        return self

    @model_validator(mode="after")
    def _demand_size(self) -> Scenario:
        zones = self.district.all_zones()
        days = self.clock.days
        per_day = self.rate_multiplier * sum(
            itype.zone_rates.get(z.id, itype.rate_per_day.get(z.kind, 0.0))
            for itype in self.incidents.values()
            if itype.enabled
            for z in zones
        )
        problems: list[tuple[str, str]] = []
        too_many = over_limit(
            "incidents", per_day * days,
            f"the rates add up to {per_day:,.0f} incidents a day, {{n}} in {days} days",
        )
        if too_many:
            problems.append(("incidents", f"{too_many} (rate_per_day is incidents per zone "
                             "per day)"))
        vendors = self.demand.vendors
        if vendors.enabled:  # every vendor may come to every session of every day
            attempts = sum(site.vendors * len(site.sessions) for site in vendors.sites)
            too_many = over_limit(
                "incidents", attempts * days,
                f"vendor sites add up to {attempts:,} intended sessions a day, {{n}} in "
                f"{days} days",
            )
            if too_many:
                problems.append(("demand.vendors.sites", too_many))
        parking = self.demand.parking
        if parking.enabled:
            cars = sum(parking.arrivals_per_day(z.id, z.kind) for z in zones)
            too_many = over_limit(
                "parking_arrivals", cars * days,
                f"parking arrivals add up to {cars:,.0f} a day, {{n}} in {days} days",
            )
            if too_many:
                problems.append(("demand.parking", f"{too_many} (arrivals_per_day is per zone)"))
        if problems:
            raise FieldProblems(*problems)
        return self
