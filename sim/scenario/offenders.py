"""Offenders with a history: how offending concentrates on a few shops, and parking spill-over.

``Offending`` says how a zone's shop-front disorder is shared among its shops ("x % of
offenders commit y % of offences"); ``SpillOver`` lets a blocked driver try a neighbouring
zone. Both are off by default (every shop equally likely; a blocked driver stays), which
reproduces the results of scenarios written before they existed.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from sim.scenario.base import Frozen
from sim.scenario.incidents import Probability


class Offending(Frozen):
    """How a zone's shop-front offences are shared among its shops.

    ``even``: every shop is equally likely (no concentration). ``lognormal``: shop
    propensities are lognormal with σ = Φ⁻¹(1 − x) − Φ⁻¹(1 − y), so the most prone
    ``top_share`` x of shops expect ``offence_share`` y of the offences (the Lorenz curve of
    a lognormal). ``two_class``: exactly round(x · shops) shops of each zone, drawn at random,
    offend r = y(1 − x) / (x(1 − y)) times as often as the others. Propensities are drawn
    once per replication (stream ``door_front/propensity``), whatever the officers do.
    """

    kind: Literal["even", "lognormal", "two_class"] = Field(
        "even", description="even (no concentration), lognormal or two_class."
    )
    top_share: float = Field(
        0.08, gt=0, lt=1, description="x: share of shops that are the most prone."
    )
    offence_share: float = Field(
        0.29, gt=0, lt=1, description="y: share of offences they are expected to commit."
    )

    @model_validator(mode="after")
    def _concentrated(self) -> Offending:
        if self.kind != "even" and self.offence_share <= self.top_share:
            raise ValueError(
                f"offence_share ({self.offence_share:g}) must exceed top_share "
                f"({self.top_share:g}): the most prone shops commit more than their share"
            )
        return self


class SpillOver(Frozen):
    """A driver who finds the zone's legal spaces full may try a neighbouring zone first.

    Neighbours are the zones whose centres lie within ``walk_m`` of the zone's centre (the
    walking distance a driver tolerates from where they want to be); 0 turns spill-over off.
    A blocked driver tries one of them (at random) with probability 1 − (1 − ``probability``)
    × (1 − barriers of the zone): planters that make the kerb unparkable push drivers on.
    In the neighbour the driver parks legally if a space is free; otherwise it decides there
    whether to park illegally (that zone's propensity, search cost, barriers and risk) or
    leave. Driving to the neighbour takes no time in the model.
    """

    walk_m: float = Field(
        0.0, ge=0, le=5000, description="Walking-distance tolerance (m); 0: no spill-over."
    )
    probability: Probability = Field(
        0.5, description="Chance a blocked driver tries a neighbour (without barriers)."
    )
