"""Detection and handling layers (co-management) as a list: `detection.channels`.

Each entry is one layer that can find disorder: the built-in kinds are the cameras
(``camera``), the public hotline (``hotline``, probabilities and delays from each incident
type's ``complaint``) and shops under a door-front contract (``merchant``: contracts from
``detection.door_front``); ``layer`` entries are any number of further layers — a community
co-manager, a third-party supervisor, a department's joint action, a higher-level referral —
each with its zones, working hours, chance per incident type, delay, and whether it ends the
incident itself (``handles``) or reports it to the command room.

The old keys (``cameras``, ``complaints``, ``door_front.fix_share``/``delay``) are the same
built-in layers written another way; a scenario may use either, and the list of a scenario
written with the old keys is ``Detection.layers()``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from sim.scenario.base import Frozen, ZoneId
from sim.scenario.distributions import Distribution, fixed
from sim.scenario.errors import FieldProblems
from sim.scenario.incidents import Probability
from sim.scenario.workflow import span_at
from sim.scenario.workflow import span_minutes as span_minutes  # sim.engine imports it here

DEFAULTS = {"zones": "all", "hours": None, "probability": None, "delay": None, "types": None,
            "handles": False}  # fields a built-in kind leaves at these values
LayerKind = Literal["camera", "hotline", "merchant", "layer"]
BUILT_IN_NAMES = ("none", "patrol", "camera", "complaint", "merchant", "reopened")
_BUILT_IN_FIELDS: dict[str, set[str]] = {  # the fields a built-in kind takes (a layer: any)
    "camera": {"zones", "probability", "delay", "types"}, "hotline": set(),
    "merchant": {"probability", "delay"},
}


class Layer(Frozen):
    """One layer that finds (and perhaps handles) disorder."""

    name: str = Field(
        pattern=r"^[a-z][a-z0-9_]*$",
        description="Layer name (a-z, 0-9, _): names the channel in `channel` and tables.",
    )
    kind: LayerKind = Field(
        "layer", description="camera, hotline, merchant (the built-in channels) or layer.",
    )
    zones: list[ZoneId] | Literal["all"] = Field(
        "all", description="Zones the layer watches (a list, or all).",
    )
    hours: list[str] | None = Field(
        None, description="When the layer works, as HH:MM-HH:MM spans of every day (null: "
        "around the clock). Disorder that occurs outside them is found after the next start.",
    )
    probability: Probability | dict[str, Probability] | None = Field(
        None, description="Chance the layer finds an incident: one number, or per incident "
        "type (types not listed: 0). Default 0.5 (camera: cameras.probability's default). "
        "Merchant: the chance a contracted shop fixes its shop-front disorder (default: "
        "door_front.fix_share).",
    )
    delay: Distribution | None = Field(
        None, description="Occurrence (or the start of the layer's hours) → found (minutes). "
        "Default 30 (camera and merchant: the defaults of cameras and door_front).",
    )
    types: list[str] | None = Field(None, description="Incident types it sees (default: all).")
    handles: bool = Field(
        False, description="The layer ends the incident itself (persuades the vendor, clears "
        "the pile); otherwise it reports it to the command room.",
    )

    @field_validator("hours")
    @classmethod
    def _spans(cls, value: list[str] | None) -> list[str] | None:
        for k, text in enumerate(value or []):
            span_at(k, text)
        return value

    @model_validator(mode="after")
    def _built_in(self) -> Layer:
        given = self._given()
        allowed = _BUILT_IN_FIELDS.get(self.kind, given)
        extra = sorted(given - allowed)
        if extra:
            raise FieldProblems((extra[0], f"not used by a {self.kind} layer (it takes "
                                 f"{', '.join(sorted(allowed)) or 'only name and kind'})"))
        self._one_number()
        return self

    def _given(self) -> set[str]:
        """The fields set to something other than what a built-in kind leaves them at."""
        return {k for k, v in DEFAULTS.items() if getattr(self, k) != v}

    def _one_number(self) -> None:
        """The camera and merchant layers take one probability, not one per type."""
        if self.kind in ("camera", "merchant") and isinstance(self.probability, dict):
            raise FieldProblems(("probability", f"a {self.kind} layer takes one number"))

    def type_refs(self) -> list[tuple[str, str]]:
        """(field, incident type) of every type the layer names."""
        refs = [("types", name) for name in self.types or []]
        by_type = self.probability if isinstance(self.probability, dict) else {}
        return refs + [(f"probability.{name}", name) for name in by_type]

    def chance(self, type_name: str) -> float:
        """The chance this layer finds an incident of ``type_name``."""
        if self.types is not None and type_name not in self.types:
            return 0.0
        if isinstance(self.probability, dict):
            return self.probability.get(type_name, 0.0)
        return 0.5 if self.probability is None else self.probability

    def found_delay(self) -> Distribution:
        """Occurrence (or the start of the layer's hours) → found."""
        return fixed(30.0) if self.delay is None else self.delay


def check_layer_list(layers: list[Layer]) -> list[Layer]:
    """Names unique and not a built-in channel name; at most one of each built-in kind."""
    seen: set[str] = set()
    for k, layer in enumerate(layers):
        _check_name(k, layer, seen)
        seen.add(layer.name)
    _one_of_each_kind(layers)
    return layers


def _one_of_each_kind(layers: list[Layer]) -> None:
    """At most one camera, one hotline and one merchant layer."""
    for kind in ("camera", "hotline", "merchant"):
        if sum(layer.kind == kind for layer in layers) > 1:
            raise FieldProblems(("", f"at most one {kind} layer"))


def _check_name(k: int, layer: Layer, seen: set[str]) -> None:
    """A layer's name is new and, for a further layer, not a built-in channel's."""
    if layer.name in seen:
        raise FieldProblems((f"{k}.name", f"{layer.name!r} names two layers"))
    if layer.kind == "layer" and layer.name in BUILT_IN_NAMES:
        raise FieldProblems((f"{k}.name", f"{layer.name!r} is a built-in channel name; "
                             "choose another"))


def custom_layers(layers: list[Layer]) -> list[Layer]:
    """The layers beyond the built-in channels, in order."""
    return [layer for layer in layers if layer.kind == "layer"]
