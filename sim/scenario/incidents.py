"""The incident catalog: the kinds of disorder a district produces and how each is handled."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from sim.scenario.base import Frozen, Whole, ZoneId, ZoneKind
from sim.scenario.distributions import MIN_LOOP_MINUTES, Distribution, Weight, fixed
from sim.scenario.errors import raise_any

Probability = Annotated[float, Field(ge=0, le=1)]
Rate = Annotated[float, Field(ge=0, le=10_000, allow_inf_nan=False)]


class Complaint(Frozen):
    """Whether and how soon the public reports the incident to the hotline."""

    probability: Probability = Field(0.3, description="Chance that someone complains at all.")
    delay: Distribution = Field(
        default_factory=lambda: fixed(60.0), description="Occurrence → complaint (minutes)."
    )


class LadderStep(Frozen):
    """One rung of the escalation ladder ("persuade → order to remove → seize")."""

    name: str = Field(description="Step name, e.g. persuade, order, seize, remove.")
    duration: Distribution = Field(description="Officer time on scene for this step (minutes).")
    compliance: Probability = Field(
        1.0, description="Chance the step ends the incident; otherwise the next step follows."
    )
    deadline_min: float | None = Field(
        None,
        gt=0,
        allow_inf_nan=False,
        description="Rectification deadline (minutes): the party is given until then and an "
        "officer re-inspects after it; compliance is judged at the re-inspection.",
    )
    remote: bool = Field(
        False, description="The notice is served remotely (a message to the site managers' "
        "group) when the command room files the case: no officer visit for the notice, one "
        "re-inspection at the deadline. Only on a first step with a deadline.",
    )


class IncidentType(Frozen):
    """One kind of disorder."""

    label: str | None = Field(None, description="Readable name.")
    enabled: bool = Field(True, description="Set false to leave this type out.")
    rate_per_day: dict[ZoneKind, Rate] = Field(
        default_factory=dict,
        description="Mean incidents per zone per day, by zone kind (kinds not listed: 0).",
    )
    zone_rates: dict[ZoneId, Rate] = Field(
        default_factory=dict,
        description="Per-zone rates per day that replace the kind's rate (hotspots).",
    )
    hour_profile: list[Weight] = Field(
        default_factory=lambda: [1.0] * 24,
        min_length=24,
        max_length=24,
        description="24 relative weights, one per hour of day (00-01 first); normalised.",
    )
    dow_profile: list[Weight] = Field(
        default_factory=lambda: [1.0] * 7,
        min_length=7,
        max_length=7,
        description="7 relative weights, Monday first; normalised to mean 1.",
    )
    self_clear: Distribution | None = Field(
        None,
        description="Time until the disorder ends by itself if nobody acts (minutes); "
        "null: it stays until removed (graffiti, ads, piles).",
    )
    complaint: Complaint = Field(default_factory=Complaint, description="Public complaints.")
    priority: Whole = Field(3, ge=1, le=9, description="Dispatch priority class; 1 is highest.")
    sla_min: float | None = Field(
        None, gt=0, allow_inf_nan=False, description="Service target, minutes from occurrence to the end of the disorder (e.g. dogs 60). Every incident of the type counts: one whose disorder lasted longer is a miss, whoever ended it, so better service can only raise attainment."
    )
    shop_front: bool = Field(
        False, description="Caused by a shop front (door-front responsibility applies)."
    )
    flee_probability: Probability = Field(
        0.0, description="Chance the offender leaves when an officer arrives (vendors)."
    )
    recurrence: Probability = Field(
        0.0, description="Chance the same disorder recurs at the same place after resolution."
    )
    recurrence_delay: Distribution = Field(
        default_factory=lambda: fixed(240.0),
        description="Resolution → recurrence (minutes).",
    )
    ladder: list[LadderStep] = Field(
        min_length=1, description="Escalation ladder, first step first."
    )
    minor: bool = Field(
        False, description="A small offence: an offender's first one ends with a warning."
    )
    ladder_by_offence: list[Annotated[Whole, Field(ge=0, le=20)]] | None = Field(
        None, min_length=1,
        description="Ladder step (0-based, clipped) where a recurring offender's 1st, 2nd, "
        "3rd+ offence starts; null: always the first step.",
    )

    def zone_refs(self) -> list[tuple[str, str]]:
        """(field, zone id) of every zone this type names."""
        return [(f"zone_rates.{zone}", zone) for zone in self.zone_rates]

    @model_validator(mode="after")
    def _check(self) -> IncidentType:
        raise_any([
            *self._profile_problems(),
            *self._recurrence_problems(),
            *self._remote_problems(),
            *self._last_step_problems(),
        ])
        return self

    def _profile_problems(self) -> list[tuple[str, str]]:
        """Each profile needs a positive weight somewhere."""
        out = []
        if sum(self.hour_profile) <= 0:
            out.append(("hour_profile", "every weight is 0: at least one hour needs a positive weight"))
        if sum(self.dow_profile) <= 0:
            out.append(("dow_profile", "every weight is 0: at least one day needs a positive weight"))
        return out

    def _recurrence_problems(self) -> list[tuple[str, str]]:
        """A recurring disorder must not come back faster than the loop guard allows."""
        if self.recurrence <= 0 or self.recurrence_delay.mean >= MIN_LOOP_MINUTES:
            return []
        return [(
            "recurrence_delay",
            f"the mean is {self.recurrence_delay.mean:g} minutes: with recurrence > 0 it "
            f"must average at least {MIN_LOOP_MINUTES:g} minutes (6 seconds)",
        )]

    def _remote_problems(self) -> list[tuple[str, str]]:
        """Only the first step, with a deadline, may be served remotely."""
        return [(f"ladder.{k}.remote", "only the first step, with a deadline_min, can be "
                 "served remotely")
                for k, step in enumerate(self.ladder)
                if step.remote and (k > 0 or step.deadline_min is None)]

    def _last_step_problems(self) -> list[tuple[str, str]]:
        """The last step always ends the incident."""
        last = self.ladder[-1]
        if last.compliance == 1.0:
            return []
        return [(
            f"ladder.{len(self.ladder) - 1}.compliance",
            f"the last step ({last.name!r}) must have compliance 1.0, got "
            f"{last.compliance:g}: it is the step that always ends the incident",
        )]
