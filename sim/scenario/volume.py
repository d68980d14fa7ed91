"""Refusing a scenario whose expected volume (incidents, vendor sessions, parked cars) would
exhaust the machine: each check gives at most one (field, message) problem."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sim.scenario.demand import Parking, Vendors
from sim.scenario.incidents import IncidentType
from sim.scenario.limits import over_limit
from sim.scenario.places import Zone

Problems = list[tuple[str, str]]


def _over(where: str, limit_name: str, amount: float, detail: str, note: str = "") -> Problems:
    """The problem at ``where`` if ``amount`` exceeds the limit (``note`` appended)."""
    too_many = over_limit(limit_name, amount, detail)
    return [(where, too_many + note)] if too_many else []


def incident_volume(incidents: Mapping[str, IncidentType], zones: Sequence[Zone],
                    multiplier: float, days: int) -> Problems:
    """The catalog's rates over every zone and day."""
    per_day = multiplier * _catalog_per_day(incidents, zones)
    return _over("incidents", "incidents", per_day * days,
                 f"the rates add up to {per_day:,.0f} incidents a day, {{n}} in {days} days",
                 " (rate_per_day is incidents per zone per day)")


def _catalog_per_day(incidents: Mapping[str, IncidentType], zones: Sequence[Zone]) -> float:
    """Expected incidents a day of the enabled types (zone rates over kind rates)."""
    return sum(
        itype.zone_rates.get(z.id, itype.rate_per_day.get(z.kind, 0.0))
        for itype in incidents.values()
        if itype.enabled
        for z in zones
    )


def vendor_volume(vendors: Vendors, days: int) -> Problems:
    """Every vendor may come to every session of every day."""
    if not vendors.enabled:
        return []
    attempts = sum(site.vendors * len(site.sessions) for site in vendors.sites)
    return _over("demand.vendors.sites", "incidents", attempts * days,
                 f"vendor sites add up to {attempts:,} intended sessions a day, {{n}} in "
                 f"{days} days")


def parking_volume(parking: Parking, zones: Sequence[Zone], days: int) -> Problems:
    """The parking arrivals of every zone and day."""
    if not parking.enabled:
        return []
    cars = sum(parking.arrivals_per_day(z.id, z.kind) for z in zones)
    return _over("demand.parking", "parking_arrivals", cars * days,
                 f"parking arrivals add up to {cars:,.0f} a day, {{n}} in {days} days",
                 " (arrivals_per_day is per zone)")
