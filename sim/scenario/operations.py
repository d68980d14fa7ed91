"""How disorder is found (detection) and how the command room dispatches it."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from sim.scenario.distributions import Distribution, fixed
from sim.scenario.district import Frozen, Mode, ZoneId
from sim.scenario.incidents import Probability


def _default_sight() -> dict[str, float]:
    return {"foot": 0.85, "ebike": 0.6, "car": 0.35}


class Cameras(Frozen):
    """Video feeding the command room."""

    zones: list[ZoneId] | Literal["all"] = Field(
        default_factory=list, description="Zones under cameras (a list, or all)."
    )
    probability: Probability = Field(0.5, description="Chance a camera catches an incident.")
    delay: Distribution = Field(
        default_factory=lambda: fixed(10.0), description="Occurrence → camera report (minutes)."
    )
    types: list[str] | None = Field(None, description="Incident types cameras see (default: all).")


class DoorFront(Frozen):
    """Door-front responsibility contracts: shops fix part of shop-front disorder themselves."""

    contract_share: Probability = Field(0.0, description="Share of shop fronts under contract.")
    fix_share: Probability = Field(
        0.5, description="Chance a contracted shop fixes a shop-front incident itself."
    )
    delay: Distribution = Field(
        default_factory=lambda: fixed(45.0), description="Occurrence → fixed by the shop (minutes)."
    )


class Detection(Frozen):
    """The channels through which disorder becomes known."""

    sight: dict[Mode, Probability] = Field(
        default_factory=_default_sight,
        description="Chance an officer notices an incident while present in its zone, by mode.",
    )
    sight_by_type: dict[str, dict[Mode, Probability]] = Field(
        default_factory=dict, description="Per incident type overrides of `sight`."
    )
    cameras: Cameras = Field(default_factory=Cameras, description="Video surveillance.")
    complaints: bool = Field(True, description="Does the public hotline report incidents?")
    door_front: DoorFront = Field(default_factory=DoorFront, description="Shop self-correction.")


class Dispatch(Frozen):
    """The command room: files reported cases and sends officers."""

    policy: Literal["nearest", "run_cards"] = Field(
        "nearest",
        description="nearest: the free eligible officer with the shortest travel time; "
        "run_cards: the first free officer on the zone's preference list.",
    )
    run_cards: dict[ZoneId, list[str]] = Field(
        default_factory=dict,
        description="Per zone, an ordered list of officer ids (group-k) or group names.",
    )
    handling_delay: Distribution = Field(
        default_factory=lambda: fixed(2.0), description="Report → ready to dispatch (minutes)."
    )
    handle_on_sight: bool = Field(
        True, description="An officer who finds disorder on patrol handles it at once."
    )
