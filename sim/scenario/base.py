"""Field types shared by the scenario models, and their base model."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

ZoneKind = Literal[
    "commercial",
    "residential",
    "market",
    "school",
    "old_community",
    "construction",
    "transit",
    "park",
]
Mode = Literal["foot", "ebike", "car"]
MODES: tuple[Mode, ...] = ("foot", "ebike", "car")


def _as_str(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


ZoneId = Annotated[str, BeforeValidator(_as_str), Field(min_length=1)]

MAX_COORDINATE_M = 10_000_000.0  # 10,000 km: distances stay far from float overflow
MAX_CELL_M = 100_000.0  # 100 km: a 99-column grid stays inside MAX_COORDINATE_M


def _not_a_bool(value: Any) -> Any:
    """``count: true`` is not one officer: booleans are not counts."""
    if isinstance(value, bool):
        raise ValueError(f"expected a whole number, got {str(value).lower()} (a yes/no value)")
    return value


Whole = Annotated[int, BeforeValidator(_not_a_bool)]
"""A whole number (a count, a seed, a number of days); true/false are refused."""
Minutes = Annotated[float, Field(ge=0, le=1e6, allow_inf_nan=False)]  # a travel time
Coordinate = Annotated[
    float, Field(ge=-MAX_COORDINATE_M, le=MAX_COORDINATE_M, allow_inf_nan=False)
]


class Frozen(BaseModel):
    """Base for scenario models: immutable, unknown keys rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
