"""A case log written from a simulation: what a bureau's platform would have recorded.

Only detected cases are in a bureau's log: one row per incident an officer saw, a camera
caught or the public reported (not those that cleared unseen or that a shop fixed itself).
reported_at is the detection time, dispatched/arrived/closed come from the incidents frame,
and minutes become local timestamps counted from ``start`` (midnight of day 0).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.calibrate.mapping import FIELDS, Mapping

LOG_CHANNELS = ("patrol", "camera", "complaint")
ISO = "%Y-%m-%d %H:%M:%S"


def _reverse(names: dict[str, str]) -> dict[str, str]:
    """Catalog name → the first log name mapped to it."""
    out: dict[str, str] = {}
    for log_name, catalog in names.items():
        out.setdefault(catalog, log_name)
    return out


def _stamp(start: pd.Timestamp, minutes: np.ndarray, slash: bool) -> list[str]:
    """Local timestamps of minutes from ``start`` ("" where not finite)."""
    return [_stamp_one(start, m, slash) if np.isfinite(m) else "" for m in minutes]


def _stamp_one(start: pd.Timestamp, minutes: float, slash: bool) -> str:
    """``2026-03-02 08:15:00``, or ``2026/3/2 8:15`` as some platforms write it."""
    t = start + pd.Timedelta(minutes=float(minutes))
    return f"{t.year}/{t.month}/{t.day} {t.hour}:{t.minute:02d}" if slash else t.strftime(ISO)


def _named(values: pd.Series, names: dict[str, str]) -> list[str]:
    """Each value under its log name (itself where the mapping has none)."""
    return [names.get(v, v) for v in values]


def cases_from_incidents(incidents: pd.DataFrame) -> pd.DataFrame:
    """The detected incidents, in order of detection, with a closing time in minutes."""
    det = incidents[incidents["channel"].isin(LOG_CHANNELS)].copy()
    det["t_close"] = det["t_resolve"].where(np.isfinite(det["t_resolve"]), det["t_end"])
    return det.sort_values(["t_detect", "incident_id"], kind="stable").reset_index(drop=True)


def log_frame(incidents: pd.DataFrame, mapping: Mapping, start: str = "2026-03-02",
              slash_times: bool = False) -> pd.DataFrame:
    """The case log of one replication, with the mapping's headers and names."""
    values = _log_values(cases_from_incidents(incidents), mapping, pd.Timestamp(start),
                         slash_times)
    return pd.DataFrame({mapping.columns[f]: values[f] for f in FIELDS if f in mapping.columns})


def _log_values(cases: pd.DataFrame, mapping: Mapping, t0: pd.Timestamp,
                slash_times: bool) -> dict[str, list[str]]:
    """Each log field's values, names as the mapping writes them, times as timestamps."""
    return {
        "case_id": [f"{t0:%Y%m%d}{i + 1:06d}" for i in range(len(cases))],
        "type": _named(cases["type"], _reverse(mapping.types)),
        "zone": _named(cases["zone"], _reverse(mapping.zones)),
        "reported_at": _stamp(t0, cases["t_detect"].to_numpy(), slash_times),
        "channel": _named(cases["channel"], _reverse(mapping.channels)),
        "dispatched_at": _stamp(t0, cases["t_dispatch"].to_numpy(), slash_times),
        "arrived_at": _stamp(t0, cases["t_arrive"].to_numpy(), slash_times),
        "closed_at": _stamp(t0, cases["t_close"].to_numpy(), slash_times),
    }


def write_log(frame: pd.DataFrame, path: Path, encoding: str = "utf-8") -> None:
    """Write a log as CSV in ``encoding`` (utf-8, utf-8-sig or gbk), atomically."""
    import os
    import tempfile

    from sim.output.folders import _umask

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        frame.to_csv(tmp, index=False, encoding=encoding, lineterminator="\n")
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private; a log is an ordinary file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
