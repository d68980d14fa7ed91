"""Demand that responds to officers: street vendors, parking, door-front responsibility.

The top-level ``demand:`` section. Each part is off unless ``enabled: true``; the catalog's
fixed rates (``incidents``) keep producing whatever they produce, so a type generated here
should have its ``rate_per_day`` removed (or kept as a residual outside the model's zones).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from sim.scenario.base import Frozen, Whole, ZoneId, ZoneKind
from sim.scenario.distributions import Distribution, fixed
from sim.scenario.incidents import Probability, Weight
from sim.scenario.offenders import Offending, SpillOver
from sim.scenario.shifts import ClockTime, Weekday, clock_minutes

Count = Annotated[Whole, Field(ge=0, le=1_000_000)]
PerDay = Annotated[float, Field(ge=0, le=1_000_000, allow_inf_nan=False)]
VEHICLES: tuple[str, ...] = ("motor", "nonmotor")


def _flat(n: int) -> list[float]:
    return [1.0] * n


class Deterrence(Frozen):
    """Perceived risk of enforcement, one memory per zone, shared by vendors and drivers.

    P(t) = ∫ n(s)·e^(−λ(t−s)) ds + w·Σ e^(−λ(t−tₑ)), with n(s) the officers visibly
    present in the zone (patrol, post, on a job), tₑ the times officers enforced there (a
    case resolved or an offender fled), w = ``enforcement_weight``, λ = ln 2 / ``half_life_min``.
    Perceived risk(t) = 1 − exp(−k·P(t)), k = ``k``. Risk rises while officers are present,
    jumps after enforcement and fades with the half-life. Disabled: risk is always 0. The
    defaults (h = 20 min, k = 0.23) reproduce Koper's (1995) residual deterrence of hot-spot
    stops (docs/validation.md).
    """

    enabled: bool = Field(True, description="false: presence and enforcement change nothing.")
    half_life_min: float = Field(
        20.0, gt=0, le=100_000, description="Half-life h of the memory (minutes)."
    )
    k: float = Field(
        0.23, ge=0, le=100, description="Risk per presence-minute: risk = 1 − exp(−k·P)."
    )
    enforcement_weight: float = Field(
        20.0, ge=0, le=100_000,
        description="One enforcement event counts as this many presence-minutes (w).",
    )


class Session(Frozen):
    """A daily trading window; ``end`` earlier than ``start`` runs across midnight."""

    start: ClockTime = Field(description="Window start, HH:MM.")
    end: ClockTime = Field(description="Window end, HH:MM (24:00 allowed).")
    days: list[Weekday] | Literal["all", "weekdays", "weekends"] = Field(
        "all", description="Weekdays the window opens on: a list or all/weekdays/weekends."
    )

    @model_validator(mode="after")
    def _not_empty(self) -> Session:
        if clock_minutes(self.start) == clock_minutes(self.end):
            raise ValueError(f"session {self.start}-{self.end} is empty")
        return self


class VendorSite(Frozen):
    """A hotspot with its own vendor population (market, school gate, metro exit, ...).

    Every vendor intends to trade in every session with probability ``setup_probability``
    (the base); the intended start is uniform in the window and the trading time is drawn
    from ``trading`` (both exogenous, per-site streams).
    """

    zone: ZoneId = Field(description="The hotspot's zone.")
    vendors: Whole = Field(ge=1, le=10_000, description="Vendors who trade here.")
    sessions: list[Session] = Field(min_length=1, description="Daily trading windows.")
    trading: Distribution = Field(
        default_factory=lambda: fixed(90.0), description="Intended trading time (minutes)."
    )
    setup_probability: Probability | None = Field(
        None, description="Base chance a vendor comes to a session (default: vendors')."
    )


class Vendors(Frozen):
    """Street vendors as a population that responds to officers.

    Set-up: a vendor who comes sets up with probability 1 − risk (so overall base × (1 −
    risk)); otherwise it is deterred and, with probability ``displace``, tries a neighbouring
    zone after ``displace_delay``. A set-up is an incident of ``incident_type`` that clears
    by itself at the end of the intended trading time. When an officer arrives the vendor
    flees with the type's ``flee_probability``; a fled vendor moves to a neighbouring zone
    (probability ``displace``) or comes back after ``return_after`` if no officer is present
    then. A vendor who complies leaves for the session. Offences (cases worked by an officer)
    are remembered per vendor: the n-th offence starts the ladder at ``ladder_by_offence[n-1]``
    (the last entry for later ones), and with ``first_offence_tolerance`` the first offence
    ends with a warning (its first step always succeeds).
    """

    enabled: bool = Field(False, description="Generate vendors with this model.")
    incident_type: str = Field("mobile_vendor", description="Incident type of a set-up.")
    setup_probability: Probability = Field(
        0.6, description="Base chance that a vendor comes to a session (before deterrence)."
    )
    sites: list[VendorSite] = Field(default_factory=list, description="Vendor hotspots.")
    displace: Probability = Field(
        0.5, description="Chance a deterred or fled vendor tries a neighbouring zone."
    )
    displace_delay: Distribution = Field(
        default_factory=lambda: fixed(20.0), description="Time to move to the neighbour (min)."
    )
    return_after: Distribution = Field(
        default_factory=lambda: fixed(30.0),
        description="A fled vendor who does not move comes back after this (minutes).",
    )
    neighbour_m: float = Field(
        400.0, gt=0, description="Zones whose centres are this close are neighbours (m)."
    )
    min_trading_min: float = Field(
        10.0, ge=0, description="No new set-up with less trading time than this left (min)."
    )
    first_offence_tolerance: bool = Field(
        True, description="A vendor's first offence ends with a warning."
    )
    ladder_by_offence: list[Annotated[Whole, Field(ge=0, le=20)]] = Field(
        default_factory=lambda: [0, 1, 2], min_length=1,
        description="Ladder step (0-based, clipped to the ladder) where the 1st, 2nd, 3rd+ "
        "offence starts: one persuade, two move, three check-and-seize.",
    )


class VehicleBehaviour(Frozen):
    """How drivers of one vehicle kind park.

    A driver who finds the legal spaces of the zone full parks illegally with probability
    ``propensity`` × (1 − exp(−search_min / patience_min)) × (1 − barriers) × (1 −
    ``risk_weight`` × risk): it rises with the search cost of a legal alternative and falls
    with perceived enforcement; otherwise the driver goes elsewhere (leaves the model).
    """

    incident_type: str = Field(description="Incident type of an illegally parked vehicle.")
    hour_profile: list[Weight] = Field(
        default_factory=lambda: _flat(24), min_length=24, max_length=24,
        description="Arrivals: 24 relative weights, one per hour of day; normalised.",
    )
    dow_profile: list[Weight] = Field(
        default_factory=lambda: _flat(7), min_length=7, max_length=7,
        description="Arrivals: 7 weights, Monday first; normalised to mean 1.",
    )
    dwell: Distribution = Field(
        default_factory=lambda: fixed(120.0), description="Time parked legally (minutes)."
    )
    illegal_dwell_factor: float = Field(
        0.6, gt=0, le=10, description="An illegally parked vehicle stays this × its dwell."
    )
    propensity: Probability = Field(0.8, description="Chance to park illegally at most.")
    patience_min: float = Field(
        10.0, gt=0, description="Search cost scale: willingness = 1 − exp(−search/patience)."
    )
    risk_weight: Probability = Field(
        0.7, description="How much perceived risk deters illegal parking (0: not at all)."
    )


def _motor() -> VehicleBehaviour:
    return VehicleBehaviour(incident_type="illegal_parking")


def _nonmotor() -> VehicleBehaviour:
    return VehicleBehaviour(incident_type="ebike_parking")


class Supply(Frozen):
    """Demand and legal supply of one vehicle kind in a zone."""

    arrivals_per_day: PerDay = Field(0.0, description="Vehicles arriving per day.")
    capacity: Count = Field(0, description="Legal spaces.")
    search_min: float = Field(
        5.0, ge=0, le=1000, description="Search cost of a legal alternative (minutes)."
    )
    dwell: Distribution | None = Field(
        None, description="Dwell here (default: the vehicle kind's)."
    )
    hour_profile: list[Weight] | None = Field(
        None, min_length=24, max_length=24, description="Arrival profile here (default: kind's)."
    )


class SupplyPatch(Frozen):
    """Per-zone changes to a zone kind's supply (fields not given are kept)."""

    arrivals_per_day: PerDay | None = None
    capacity: Count | None = None
    search_min: float | None = Field(None, ge=0, le=1000)
    dwell: Distribution | None = None
    hour_profile: list[Weight] | None = Field(None, min_length=24, max_length=24)


class ZoneParking(Frozen):
    """Parking demand and supply of a zone kind."""

    motor: Supply = Field(default_factory=Supply, description="Motor vehicles.")
    nonmotor: Supply = Field(default_factory=Supply, description="Non-motor vehicles / e-bikes.")
    charging_share: Probability = Field(
        0.0, description="Share of non-motor arrivals that need a charge."
    )


class ZoneParkingPatch(Frozen):
    """Per-zone overrides of the zone kind's parking."""

    motor: SupplyPatch | None = None
    nonmotor: SupplyPatch | None = None
    charging_share: Probability | None = None


class Charging(Frozen):
    """E-bike charging: piles first, else a private wire with some probability.

    E-bikes needing a charge arrive at ``charging_share`` × non-motor arrivals per day with
    this ``hour_profile``; one occupies a free port (piles × ``ports_per_pile``) for
    ``duration``; when every port is busy its owner pulls a private wire with probability
    ``wire_probability`` (an incident of ``incident_type``). Officers do not change this, so it
    is generated before the run.
    """

    incident_type: str = Field("charging_wire", description="Incident type of a wire.")
    hour_profile: list[Weight] = Field(
        default_factory=lambda: _flat(24), min_length=24, max_length=24,
        description="When e-bikes needing a charge arrive (24 weights).",
    )
    duration: Distribution = Field(
        default_factory=lambda: fixed(480.0), description="Time on a pile (minutes)."
    )
    wire_probability: Probability = Field(
        0.05, description="Chance that an owner who finds no free pile pulls a wire."
    )
    ports_per_pile: Whole = Field(
        10, ge=1, le=100, description="E-bikes one charging pile charges at once."
    )


class Measures(Frozen):
    """A planner's supply measures in one zone (added to the zone's supply)."""

    motor_spaces: Count = Field(0, description="Extra legal motor-vehicle spaces.")
    nonmotor_spaces: Count = Field(0, description="Extra legal non-motor spaces.")
    ebike_bays: Count = Field(0, description="Standard e-bike bays (non-motor capacity).")
    charging_piles: Count = Field(0, description="Centralised e-bike charging piles.")
    barriers: Probability = Field(
        0.0, description="Share of the kerb made unparkable for cars (planters, bollards)."
    )


class Parking(Frozen):
    """Parking as demand meeting legal supply (a loss system per zone and vehicle kind).

    Arrivals are a non-homogeneous Poisson process per zone and kind; a vehicle takes a
    legal space if one is free (legal occupancy is an M/G/c/c loss system that officers do
    not change, so it is computed before the run); otherwise the driver may park illegally
    (see VehicleBehaviour) — an incident that ends when the driver leaves or is enforced.
    """

    enabled: bool = Field(False, description="Generate parking incidents with this model.")
    motor: VehicleBehaviour = Field(default_factory=_motor, description="Cars.")
    nonmotor: VehicleBehaviour = Field(
        default_factory=_nonmotor, description="Non-motor vehicles and e-bikes."
    )
    zone_kinds: dict[ZoneKind, ZoneParking] = Field(
        default_factory=dict, description="Defaults by zone kind (kinds not listed: none)."
    )
    zones: dict[ZoneId, ZoneParkingPatch] = Field(
        default_factory=dict, description="Per-zone overrides."
    )
    charging: Charging = Field(default_factory=Charging, description="E-bike charging.")
    measures: dict[ZoneId, Measures] = Field(
        default_factory=dict, description="Supply measures per zone (the planner's levers)."
    )
    spill: SpillOver = Field(
        default_factory=SpillOver, description="Blocked drivers trying a neighbouring zone."
    )

    def arrivals_per_day(self, zone_id: str, zone_kind: str) -> float:
        """Motor plus non-motor vehicles arriving per day in one zone (kind, then patch)."""
        defaults = self.zone_kinds.get(zone_kind)  # type: ignore[call-overload]
        patch = self.zones.get(zone_id)
        total = 0.0
        for vehicle in ("motor", "nonmotor"):
            total += _arrivals(vehicle, defaults, patch)
        return total


def _arrivals(vehicle: str, defaults: ZoneParking | None, patch: ZoneParkingPatch | None) -> float:
    """One vehicle type's arrivals per day: the zone's patch, else its kind's, else 0."""
    override = getattr(patch, vehicle) if patch is not None else None
    if override is not None and override.arrivals_per_day is not None:
        return override.arrivals_per_day
    return getattr(defaults, vehicle).arrivals_per_day if defaults is not None else 0.0


class Cards(Frozen):
    """Red/yellow card points for contracted shops.

    Each offence (a shop-front case resolved by an officer) gives the shop 1 point; points
    older than ``memory_days`` lapse. With ``yellow_points`` or more the next case starts at
    ladder step ``yellow_step``, with ``red_points`` or more at the last step. A card also
    deters: while it holds, the shop commits a share ``sanction_effect`` less shop-front
    disorder (yellow; red: 1 − (1 − effect)²). With ``clean_record_warning`` a shop without
    live points gets a warning: the first step of its case always ends it (the reward).
    """

    enabled: bool = Field(True, description="Use the points scheme.")
    yellow_points: Whole = Field(2, ge=1, description="Points for a yellow card.")
    red_points: Whole = Field(4, ge=1, description="Points for a red card.")
    memory_days: float = Field(30.0, gt=0, description="Points lapse after this many days.")
    yellow_step: Whole = Field(1, ge=0, description="Ladder start step under a yellow card.")
    sanction_effect: Probability = Field(
        0.0, description="Share of its offending a carded shop gives up while carded."
    )
    clean_record_warning: bool = Field(
        False, description="A shop without live points gets a warning (first step ends it)."
    )

    @model_validator(mode="after")
    def _ordered(self) -> Cards:
        if self.red_points < self.yellow_points:
            raise ValueError("red_points must be at least yellow_points")
        return self


class DoorFrontContracts(Frozen):
    """Door-front responsibility per zone ("three guarantees in front of the door").

    Each shop-front incident (catalog types with ``shop_front: true``) belongs to one of the
    zone's ``shop_fronts`` (uniformly, or by propensity: ``offending``). A contracted shop
    produces ``rate_reduction`` less shop-front disorder (exact thinning of the arrivals)
    and fixes its own with ``detection.door_front.fix_share`` after
    ``detection.door_front.delay``. Contracts per
    zone come from ``contracts`` or, for zones not listed, ``detection.door_front
    .contract_share`` × shop fronts. Uncontracted shops never fix their own disorder.
    """

    enabled: bool = Field(False, description="Model contracts per zone and shop.")
    contracts: dict[ZoneId, Count] = Field(
        default_factory=dict, description="Contracted shop fronts per zone (≤ shop_fronts)."
    )
    rate_reduction: Probability = Field(
        0.4, description="Less shop-front disorder from a contracted shop (share)."
    )
    cards: Cards = Field(default_factory=Cards, description="Red/yellow card points scheme.")
    offending: Offending = Field(
        default_factory=Offending, description="How offences concentrate on a few shops."
    )


class Demand(Frozen):
    """Behavioural demand models: vendors, parking, door-front contracts, deterrence."""

    deterrence: Deterrence = Field(default_factory=Deterrence, description="Perceived risk.")
    vendors: Vendors = Field(default_factory=Vendors, description="Street vendors.")
    parking: Parking = Field(default_factory=Parking, description="Parking demand and supply.")
    door_front: DoorFrontContracts = Field(
        default_factory=DoorFrontContracts, description="Door-front contracts per zone."
    )

    def zone_refs(self) -> list[tuple[str, str]]:
        """(where, zone id) of every zone this section names."""
        refs = [("demand.vendors.sites", s.zone) for s in self.vendors.sites]
        refs += [("demand.parking.zones", z) for z in self.parking.zones]
        refs += [("demand.parking.measures", z) for z in self.parking.measures]
        refs += [("demand.door_front.contracts", z) for z in self.door_front.contracts]
        return refs

    def type_refs(self) -> list[tuple[str, str]]:
        """(where, incident type) of every type an enabled part generates."""
        refs = []
        if self.vendors.enabled:
            refs.append(("demand.vendors.incident_type", self.vendors.incident_type))
        return refs + (self._parking_type_refs() if self.parking.enabled else [])

    def _parking_type_refs(self) -> list[tuple[str, str]]:
        p = self.parking
        return [
            ("demand.parking.motor.incident_type", p.motor.incident_type),
            ("demand.parking.nonmotor.incident_type", p.nonmotor.incident_type),
            ("demand.parking.charging.incident_type", p.charging.incident_type),
        ]

    def contract_problems(self, shop_fronts: dict[str, int]) -> list[tuple[str, str]]:
        """Zones with more door-front contracts than shop fronts (``shop_fronts`` by zone id;
        unknown zones are reported elsewhere)."""
        return [(f"demand.door_front.contracts.{zone}",
                 f"{n} contracts but the zone has {shop_fronts[zone]} shop fronts")
                for zone, n in self.door_front.contracts.items()
                if zone in shop_fronts and n > shop_fronts[zone]]
