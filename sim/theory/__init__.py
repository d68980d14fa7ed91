"""Analytic baselines: what queueing theory says a deployment should give.

Useful to planners as first answers (Erlang C: officers needed per hour; the hypercube model:
workloads and response times of located units; the square-root law: distance to the nearest
free unit) and to the tests as references the simulation
must reproduce. See docs/validation.md.
"""

from sim.theory.counts import chi2_sf, poisson_dispersion_test
from sim.theory.hypercube import hypercube_fcfs
from sim.theory.queueing import cobham_priority_waits, erlang_c, mmc_metrics
from sim.theory.spatial import nearest_unit_distance, nearest_unit_minutes

__all__ = [
    "chi2_sf",
    "cobham_priority_waits",
    "erlang_c",
    "hypercube_fcfs",
    "mmc_metrics",
    "nearest_unit_distance",
    "nearest_unit_minutes",
    "poisson_dispersion_test",
]
