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
    out = []
    for m in minutes:
        if not np.isfinite(m):
            out.append("")
            continue
        t = start + pd.Timedelta(minutes=float(m))
        out.append(f"{t.year}/{t.month}/{t.day} {t.hour}:{t.minute:02d}" if slash
                   else t.strftime(ISO))
    return out


def cases_from_incidents(incidents: pd.DataFrame) -> pd.DataFrame:
    """The detected incidents, in order of detection, with a closing time in minutes."""
    det = incidents[incidents["channel"].isin(LOG_CHANNELS)].copy()
    det["t_close"] = det["t_resolve"].where(np.isfinite(det["t_resolve"]), det["t_end"])
    return det.sort_values(["t_detect", "incident_id"], kind="stable").reset_index(drop=True)


def log_frame(incidents: pd.DataFrame, mapping: Mapping, start: str = "2026-03-02",
              slash_times: bool = False) -> pd.DataFrame:
    """The case log of one replication, with the mapping's headers and names."""
    t0 = pd.Timestamp(start)
    cases = cases_from_incidents(incidents)
    types, channels, zones = (_reverse(mapping.types), _reverse(mapping.channels),
                              _reverse(mapping.zones))
    values = {
        "case_id": [f"{t0:%Y%m%d}{i + 1:06d}" for i in range(len(cases))],
        "type": [types.get(t, t) for t in cases["type"]],
        "zone": [zones.get(z, z) for z in cases["zone"]],
        "reported_at": _stamp(t0, cases["t_detect"].to_numpy(), slash_times),
        "channel": [channels.get(c, c) for c in cases["channel"]],
        "dispatched_at": _stamp(t0, cases["t_dispatch"].to_numpy(), slash_times),
        "arrived_at": _stamp(t0, cases["t_arrive"].to_numpy(), slash_times),
        "closed_at": _stamp(t0, cases["t_close"].to_numpy(), slash_times),
    }
    return pd.DataFrame({mapping.columns[f]: values[f] for f in FIELDS if f in mapping.columns})


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
