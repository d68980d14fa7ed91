"""Size limits that keep a typo from exhausting a shared machine, each raisable by the user.

Every limit has a default sized for a laptop or a 2-core server and an environment variable
that raises (or lowers) it for one shell or job script, e.g. ``SIM_MAX_ZONES=5000 sim run
big.yaml``. The limit is set by whoever *runs* the simulation, not by the scenario file:
a file received from a colleague cannot lift it. Limits only decide what is refused; they
never change a result.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


class BadLimitSetting(Exception):
    """A limit's environment variable is set to something that is not a positive number."""


@dataclass(frozen=True)
class Limit:
    """One limit: its environment variable, default and what it counts."""

    env: str
    default: int
    what: str


LIMITS: dict[str, Limit] = {
    "file_mb": Limit("SIM_MAX_FILE_MB", 1, "megabytes of one scenario file"),
    "yaml_values": Limit(
        "SIM_MAX_YAML_VALUES", 5_000_000,
        "values in one scenario file, counting every repetition an alias (*name) makes",
    ),
    "reps": Limit("SIM_MAX_REPS", 10_000, "replications of one run, comparison or sweep point"),
    "jobs": Limit("SIM_MAX_JOBS", 64, "local worker processes (--jobs; each takes ~90 MB)"),
    "sweep_values": Limit("SIM_MAX_SWEEP_VALUES", 1_000, "values of one --vary"),
    "sweep_points": Limit("SIM_MAX_SWEEP_POINTS", 2_000, "points of a sweep (factorial cells)"),
    "runs": Limit(
        "SIM_MAX_RUNS", 200_000, "replications of one command in all (points × replications)"
    ),
    "zones": Limit(
        "SIM_MAX_ZONES", 2_000,
        "zones of a district (memory grows as zones²: about 200 bytes × zones², "
        "0.8 GB at 2,000)",
    ),
    "incidents": Limit(
        "SIM_MAX_INCIDENTS", 20_000_000, "expected catalog incidents of one replication"
    ),
    "parking_arrivals": Limit(
        "SIM_MAX_PARKING_ARRIVALS", 20_000_000,
        "expected parking arrivals of one replication (all zones, all days)",
    ),
}


def limit(name: str) -> int:
    """The current value of limit ``name``: its environment variable, else the default.

    Raises:
        BadLimitSetting: The environment variable is set but is not a positive whole number.
    """
    spec = LIMITS[name]
    raw = os.environ.get(spec.env, "").strip()
    if not raw:
        return spec.default
    value = _whole(raw)
    if value < 1:
        raise BadLimitSetting(
            f"the environment variable {spec.env} should be a positive whole number "
            f"({spec.what}), got {raw!r}"
        )
    return value


def _whole(raw: str) -> int:
    """The whole number an environment variable holds (0 if it is not one)."""
    try:
        return int(raw.replace("_", ""))
    except ValueError:
        return 0


def over_limit(name: str, amount: float, detail: str) -> str | None:
    """A message if ``amount`` exceeds limit ``name``, else None.

    ``detail`` says what was asked for, with ``{n}`` where the amount goes
    (``"the district has {n} zones"``).
    """
    cap = limit(name)
    if amount <= cap:
        return None
    spec = LIMITS[name]
    return (f"{detail.format(n=_shown(amount))}: more than the limit of {cap:,} {spec.what}; "
            f"if this is intended, raise the limit with the environment variable {spec.env}")


def _shown(amount: float) -> str:
    """An amount as a message shows it: 1,234 or 1.5e+18 or 0.25."""
    if isinstance(amount, int):
        return f"{amount:,}"
    if amount < 1e15 and (amount >= 100 or amount == int(amount)):
        return f"{amount:,.0f}"
    return f"{amount:.3g}"
