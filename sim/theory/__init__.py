"""Analytic baselines: what queueing theory says a deployment should give.

Useful to planners as first answers (Erlang C: officers needed per hour; the hypercube model:
workloads and response times of located units) and to the tests as references the simulation
must reproduce. See docs/validation.md.
"""

from sim.theory.counts import chi2_sf, poisson_dispersion_test
from sim.theory.hypercube import hypercube_fcfs
from sim.theory.queueing import cobham_priority_waits, erlang_c, mmc_metrics

__all__ = [
    "chi2_sf",
    "cobham_priority_waits",
    "erlang_c",
    "hypercube_fcfs",
    "mmc_metrics",
    "poisson_dispersion_test",
]
