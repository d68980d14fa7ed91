"""The headline verdict of a shift proposal against its baseline: better, worse or no
significant difference on each headline measure, the warning first."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from sim.experiment.compare import Comparison
from sim.metrics import registry


@dataclass
class Verdict:
    """The headline comparison of proposal against baseline."""

    sentences: list[str]
    worse: list[str] = field(default_factory=list)
    better: list[str] = field(default_factory=list)

    def summary(self, proposal: str, baseline: str) -> str:
        """The plain statement printed first."""
        if self.worse:
            return self._warning(proposal, baseline)
        if self.better:
            return (f"The proposal {proposal} is better than {baseline} on "
                    f"{', '.join(self.better)} and worse on no headline measure.")
        return (f"The proposal {proposal} shows no significant difference from {baseline} on "
                "any headline measure.")

    def _warning(self, proposal: str, baseline: str) -> str:
        """The proposal is worse on some headline measure: a trade-off at best."""
        text = (f"WARNING: the proposal {proposal} is WORSE than the baseline {baseline} "
                f"on {', '.join(self.worse)} (95 % CI of the paired difference excludes "
                "zero).")
        if self.better:
            return text + (f" It is better on {', '.join(self.better)}: a trade-off to "
                           "weigh, not an improvement.")
        return text + " Do not adopt it as it is."


def headline_verdict(result: Comparison) -> Verdict:
    """Which headline measures the proposal (second scenario) is better or worse on."""
    from sim.report.verdicts import verdict_sentences

    heads = registry.names("headline")
    diffs = result.differences
    rows = diffs[(diffs["scenario"] == result.scenarios[1].name) & diffs["kpi"].isin(heads)]
    return Verdict(verdict_sentences(result, heads), _labels(rows, "worse"),
                   _labels(rows, "better"))


def _labels(rows: pd.DataFrame, verdict: str) -> list[str]:
    """The measures' labels of the difference rows with this verdict."""
    return [registry.get(k).label for k in rows.loc[rows["verdict"] == verdict, "kpi"]]
