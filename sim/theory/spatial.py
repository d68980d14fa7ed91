"""The square-root law: how far the nearest free officer is.

With n free units scattered uniformly at random (a Poisson pattern) over an area A, the
distance from a random place to the nearest unit has mean c·√(A/n): c = 1/2 in straight
lines, c = √(π/8) ≈ 0.6267 on a street grid where travel is at right angles (Manhattan metric).
Kolesar & Blum (1973); Larson & Odoni, *Urban Operations Research* (1981), ch. 3. Edge
effects are ignored (they lengthen distances near the border of a bounded district); the
street distance of ``sim``'s districts is this grid distance times ``detour_factor``.
"""

from __future__ import annotations

import math
from typing import Literal

Metric = Literal["right_angle", "euclidean"]

CONSTANTS: dict[str, float] = {"right_angle": math.sqrt(math.pi / 8.0), "euclidean": 0.5}

__all__ = ["CONSTANTS", "nearest_unit_distance", "nearest_unit_minutes"]


def nearest_unit_distance(area: float, units: float, metric: Metric = "right_angle") -> float:
    """Mean distance to the nearest of ``units`` free units spread over ``area``.

    Args:
        area: The area they cover (any square unit; the result is in its linear unit).
        units: How many free units (> 0).
        metric: ``right_angle`` (street grid, 0.6267) or ``euclidean`` (0.5).
    """
    _check_positive("area and units", area, units)
    if metric not in CONSTANTS:
        raise ValueError(f"metric must be one of {sorted(CONSTANTS)}, got {metric!r}")
    return CONSTANTS[metric] * math.sqrt(area / units)


def nearest_unit_minutes(area_km2: float, units: float, speed_kmh: float,
                         detour: float = 1.0) -> float:
    """Mean travel time (minutes) of the nearest free unit on a street grid, at constant
    ``speed_kmh`` with street distance = grid distance × ``detour`` (no acceleration)."""
    _check_positive("speed and detour", speed_kmh, detour)
    return nearest_unit_distance(area_km2, units) * detour / speed_kmh * 60.0


def _check_positive(names: str, a: float, b: float) -> None:
    if a <= 0 or b <= 0:
        raise ValueError(f"{names} must be positive, got {a}, {b}")
