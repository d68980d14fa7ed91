"""Measures of offenders with a history (door-front model): repeats, cards, deterred offences.

An *offence* here is a shop-front incident that happened at a shop (door-front model on);
a *repeat* is an offence of a shop that had offended before in the run (warm-up included).
"""

from __future__ import annotations

import numpy as np

from sim.engine.world import RawRun
from sim.metrics.window import Window


def shop_offences(raw: RawRun) -> tuple[np.ndarray, np.ndarray]:
    """(time, shop key) of the offences that happened, in time order (keys unique per
    zone and shop)."""
    shops = raw.demand.get("shops", {})
    shop = shops.get("shop", np.empty(0, dtype=np.int64))
    tab = raw.incidents
    rows = _offences(shop, shops.get("deterred", np.empty(0, dtype=np.int64)))
    t = tab.t_occur[rows]
    key = tab.zone_idx[rows].astype(np.int64) * 1_000_000 + shop[rows]
    order = np.argsort(t, kind="stable")
    return t[order], key[order]


def _offences(shop: np.ndarray, deterred: np.ndarray) -> np.ndarray:
    """Rows of shop offences that happened (a sanction deterred the others)."""
    rows = np.flatnonzero(shop >= 0)
    return rows[~np.isin(rows, deterred)]


def offender_kpis(raw: RawRun, w: Window) -> dict[str, float]:
    """Summary KPIs of the door-front model's offenders (none when it is off)."""
    shops = raw.demand.get("shops")
    if not shops:
        return {}
    return {
        "shop_repeat_offence_share": _repeat_share(raw, w),
        "carded_shops": _carded_shops(shops["cards"], w),
        "sanction_deterred_per_day": _deterred_per_day(raw.incidents.t_occur[shops["deterred"]], w),
    }


def _deterred_per_day(deterred_t: np.ndarray, w: Window) -> float:
    """Offences a sanction deterred in the observation window, per day."""
    days = (w.t1 - w.t0) / 1440.0
    return float(((deterred_t >= w.t0) & (deterred_t < w.t1)).sum() / days)


def _repeat_share(raw: RawRun, w: Window) -> float:
    """Share of the offences in the arrival window by a shop that had offended before."""
    t, key = shop_offences(raw)
    _, first = np.unique(key, return_index=True)
    repeat = np.ones(len(key), dtype=bool)
    repeat[first] = False
    inside = (t >= w.t0) & (t < w.arrival_end)
    return float(repeat[inside].mean()) if inside.any() else np.nan


def _carded_shops(cards: np.ndarray, w: Window) -> float:
    """Distinct shops shown a card in the observation window."""
    carded = cards[(cards[:, 3] > 0) & (cards[:, 0] >= w.t0) & (cards[:, 0] < w.t1)]
    return float(len(np.unique(carded[:, 1] * 1_000_000 + carded[:, 2])))
