"""The scenario: one validated, immutable description of a district, its demand and deployment."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Mapping
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from sim.scenario.base import Frozen, Whole
from sim.scenario.demand import Demand
from sim.scenario.district import District
from sim.scenario.errors import FieldProblems, raise_any, unknown_name
from sim.scenario.incidents import IncidentType
from sim.scenario.operations import Detection, Dispatch
from sim.scenario.shifts import Weekday
from sim.scenario.units import UnitGroup
from sim.scenario.volume import incident_volume, parking_volume, vendor_volume
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
    return _short_enough(text) and not text.startswith(".") and _stem_chars(text)


def _short_enough(text: str) -> bool:
    """1 to MAX_STEM characters, at most MAX_STEM_BYTES as UTF-8."""
    return 0 < len(text) <= MAX_STEM and len(text.encode("utf-8", "surrogatepass")) <= MAX_STEM_BYTES


def _stem_chars(text: str) -> bool:
    """Starts with a letter, digit, '-' or '_'; then letters, marks, digits, '-', '_', '.'."""
    return (text[0].isalnum() or text[0] in "-_") and all(map(_stem_char, text))


def _stem_char(ch: str) -> bool:
    """A letter, a combining mark (as in Thai or Devanagari), a digit, '-', '_' or '.'."""
    return ch.isalnum() or ch in "-_." or unicodedata.category(ch)[0] == "M"


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
        bad = [key for key in value if not _is_name(key)]
        if bad:
            raise FieldProblems((
                str(bad[0]),
                "a name must start with a lower-case letter and use only a-z, 0-9 and _",
            ))
        return value

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        zone_order = [z.id for z in self.district.all_zones()]
        zones = set(zone_order)
        problems = _unknown("zone", self._zone_refs(), zone_order)
        problems += _unknown("incident type", self._type_refs(), self.incidents)
        problems += self._grid_split_problems(len(zones)) + self._run_card_problems(zones)
        if not any(t.enabled for t in self.incidents.values()):
            problems.append(("incidents", "every type is disabled"))
        raise_any(problems)
        return self

    def _zone_refs(self) -> list[tuple[str, str]]:
        """(field, zone id) for every zone the scenario names outside the district (and
        outside `demand`, checked on its own)."""
        return [
            *_prefixed("incidents", self.incidents, IncidentType.zone_refs),
            *_prefixed("units", self.units, UnitGroup.zone_refs),
            *self.detection.camera_zone_refs(),
            *self.dispatch.zone_refs(),
            *self.detection.channel_zone_refs(),
        ]

    def _type_refs(self) -> list[tuple[str, str]]:
        """(field, incident type) for every type the scenario names outside the catalog."""
        return [*self.detection.type_refs(), *(self.workflow.type_refs() if self.workflow else [])]

    def _grid_split_problems(self, n_district: int) -> list[tuple[str, str]]:
        return [problem for gname, group in self.units.items()
                for problem in _grid_split_problem(gname, group, n_district)]

    def _run_card_problems(self, zones: set[str]) -> list[tuple[str, str]]:
        officer_ids = {f"{g}-{k + 1}" for g, grp in self.units.items() for k in range(grp.count)}
        return self.dispatch.run_card_problems(officer_ids | set(self.units), zones)

    @model_validator(mode="after")
    def _demand_references(self) -> Scenario:
        zones = self.district.all_zones()
        problems = _unknown("zone", self.demand.zone_refs(), [z.id for z in zones])
        problems += _unknown("incident type", self.demand.type_refs(), self.incidents)
        problems += self.demand.contract_problems({z.id: z.shop_fronts for z in zones})
        raise_any(problems)
        return self

    @model_validator(mode="after")
    def _demand_size(self) -> Scenario:
        zones, days = self.district.all_zones(), self.clock.days
        raise_any([
            *incident_volume(self.incidents, zones, self.rate_multiplier, days),
            *vendor_volume(self.demand.vendors, days),
            *parking_volume(self.demand.parking, zones, days),
        ])
        return self


def _is_name(key: object) -> bool:
    """A lower-case letter, then a-z, 0-9 and _ (names of types and groups)."""
    return isinstance(key, str) and _NAME.match(key) is not None


def _grid_split_problem(gname: str, group: UnitGroup, n_district: int) -> list[tuple[str, str]]:
    """More grids than the group has zones (its own, else the district's)."""
    n_zones = len(group.zones or []) or n_district
    if (group.grid_split or 0) <= n_zones:
        return []
    return [(f"units.{gname}.grid_split", f"{group.grid_split} grids but only {n_zones} zones")]


def _unknown(what: str, refs: list[tuple[str, str]], known: Collection[str]) -> list[tuple[str, str]]:
    """A problem for every reference (field, name) to a name not among ``known``."""
    names = set(known)
    return [(where, unknown_name(what, name, known)) for where, name in refs if name not in names]


def _prefixed(section: str, named: Mapping[str, Any],
              refs_of: Callable[[Any], list[tuple[str, str]]]) -> list[tuple[str, str]]:
    """The references of every named entry of a section, with the entry's path prefixed."""
    return [(f"{section}.{name}.{field}", ref)
            for name, entry in named.items() for field, ref in refs_of(entry)]
