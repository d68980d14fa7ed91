"""How disorder is found (detection) and how the command room dispatches it."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from sim.scenario.base import Frozen, Mode, ZoneId
from sim.scenario.channels import Layer, check_layer_list
from sim.scenario.distributions import Distribution, fixed
from sim.scenario.errors import FieldProblems
from sim.scenario.incidents import Probability


def _default_sight() -> dict[Mode, float]:
    return {"foot": 0.85, "ebike": 0.6, "car": 0.35}


def default_sight_passing() -> dict[Mode, float]:
    # Passing through costs a foot officer minutes per block and a car seconds: the walker
    # still looks along the street it walks; the driver watches the traffic (assumed values).
    return {"foot": 0.6, "ebike": 0.3, "car": 0.1}


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
    sight_passing: dict[Mode, Probability] = Field(
        default_factory=default_sight_passing,
        description="Chance an officer notices an incident in a zone it passes through on the "
        "way somewhere (on entering it, or as it occurs while the officer passes), by mode. "
        "Lower than `sight`: the officer is moving, a car fast (\"foot sees more per street, "
        "car covers more ground\"). Defaults foot 0.6, e-bike 0.3, car 0.1 (assumed); a "
        "mode left out keeps its default.",
    )
    sight_passing_by_type: dict[str, dict[Mode, Probability]] = Field(
        default_factory=dict, description="Per incident type overrides of `sight_passing`."
    )
    cameras: Cameras = Field(default_factory=Cameras, description="Video surveillance.")
    complaints: bool = Field(True, description="Does the public hotline report incidents?")
    door_front: DoorFront = Field(default_factory=DoorFront, description="Shop self-correction.")
    channels: list[Layer] = Field(
        default_factory=list,
        description="Detection and handling layers as a list (co-management): the built-in "
        "camera, hotline and merchant channels and any number of further layers. When given, "
        "it replaces `cameras`, `complaints` and the shop's fix_share and delay of "
        "`door_front` (a built-in kind left out is off). Empty: those keys as written.",
    )

    @model_validator(mode="after")
    def _from_channels(self) -> Detection:
        if not self.channels:
            return self
        check_layer_list(self.channels)
        for key, value in self._derived().items():
            self._check_agrees(key, value)
            object.__setattr__(self, key, value)  # frozen: set once, while validating
        return self

    def _check_agrees(self, key: str, value: Any) -> None:
        """An old key written as well as `channels` must say the same."""
        if key in self.model_fields_set and getattr(self, key) != value:
            raise FieldProblems((key, "given both here and in `channels`, differently: "
                                 "keep one of them"))

    def _derived(self) -> dict[str, Any]:
        """The old keys (cameras, complaints, door_front) as the channel list sets them."""
        by_kind = {layer.kind: layer for layer in self.channels}
        return {"cameras": _cameras(by_kind.get("camera")),
                "complaints": "hotline" in by_kind,
                "door_front": _door_front(by_kind.get("merchant"), self.door_front)}

    def camera_zone_refs(self) -> list[tuple[str, str]]:
        """(where, zone id) of every zone under cameras."""
        zones = self.cameras.zones if self.cameras.zones != "all" else []
        return [("detection.cameras.zones", zone) for zone in zones]

    def channel_zone_refs(self) -> list[tuple[str, str]]:
        """(where, zone id) of every zone a layer of `channels` watches."""
        return [(f"detection.channels.{k}.zones", zone) for k, layer in enumerate(self.channels)
                for zone in (layer.zones if layer.zones != "all" else [])]

    def type_refs(self) -> list[tuple[str, str]]:
        """(where, incident type) of every type this section names."""
        refs = [("detection.cameras.types", name) for name in self.cameras.types or []]
        refs += [(f"detection.sight_by_type.{name}", name) for name in self.sight_by_type]
        refs += [(f"detection.sight_passing_by_type.{name}", name)
                 for name in self.sight_passing_by_type]
        return refs + self._channel_type_refs()

    def _channel_type_refs(self) -> list[tuple[str, str]]:
        return [(f"detection.channels.{k}.{field}", name)
                for k, layer in enumerate(self.channels) for field, name in layer.type_refs()]

    def layers(self) -> list[Layer]:
        """Every detection layer as a list (the old keys translated when no list was given)."""
        if self.channels:
            return list(self.channels)
        return self._old_key_layers()

    def _old_key_layers(self) -> list[Layer]:
        """The layers that `door_front`, `cameras` and `complaints` describe."""
        out = [Layer(name="merchant", kind="merchant", probability=self.door_front.fix_share,
                     delay=self.door_front.delay)]
        if self.cameras.zones:
            out.append(Layer(name="camera", kind="camera", zones=self.cameras.zones,
                             probability=self.cameras.probability, delay=self.cameras.delay,
                             types=self.cameras.types))
        if self.complaints:
            out.append(Layer(name="hotline", kind="hotline"))
        return out


def _given(layer: Layer, keys: tuple[str, ...]) -> dict[str, Any]:
    """The layer's values of ``keys`` that are set (not None)."""
    return {k: getattr(layer, k) for k in keys if getattr(layer, k) is not None}


def _cameras(layer: Layer | None) -> Cameras:
    if layer is None:
        return Cameras()
    return Cameras(zones=layer.zones, **_given(layer, ("probability", "delay", "types")))


def _door_front(layer: Layer | None, door: DoorFront) -> DoorFront:
    if layer is None:
        return door.model_copy(update={"fix_share": 0.0})
    update = _given(layer, ("probability", "delay"))
    if "probability" in update:
        update["fix_share"] = update.pop("probability")
    return door.model_copy(update=update)


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

    def zone_refs(self) -> list[tuple[str, str]]:
        """(where, zone id) of every zone with a run card."""
        return [(f"dispatch.run_cards.{zone}", zone) for zone in self.run_cards]

    def run_card_problems(self, names: set[str], zones: set[str]) -> list[tuple[str, str]]:
        """Run cards naming neither an officer id nor a group (``names`` has both), and, with
        the run_cards policy, zones without a card."""
        out = [(f"dispatch.run_cards.{zone}",
                f"{ref!r} is neither an officer id (group-k) nor a unit group")
               for zone, card in self.run_cards.items() for ref in card if ref not in names]
        return out + self._missing_cards(zones)

    def _missing_cards(self, zones: set[str]) -> list[tuple[str, str]]:
        """With the run_cards policy, every zone needs a card."""
        missing = sorted(zones - set(self.run_cards))
        if self.policy != "run_cards" or not missing:
            return []
        return [("dispatch.run_cards", f"no run card for zones {missing[:8]}")]
