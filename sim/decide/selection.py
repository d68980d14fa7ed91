"""The outcome of ``sim select``: the table, and the sentence a planner can forward."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from sim.decide.measure import Weighted
from sim.metrics import registry
from sim.scenario.model import Scenario

CAUTION = (" Caution: the scenarios differ in more than their strategy (demand, district, "
           "clock or staffing; see the warnings), so this ranks those differences too.")


@dataclass
class Selection:
    """The outcome of ``select``.

    Attributes:
        method: "KN++" or "OCBA".
        measure: The summary column selected on; ``lower_is_better`` its direction.
        selected: Name of the selected scenario.
        table: Per scenario: reps, mean, sd, CI, status (selected / eliminated at stage r /
            survivor / —).
        guaranteed: KN++ ended with one survivor (the guarantee holds); False for OCBA and
            for KN++ stopped by ``max_reps``.
        delta, pcs, budget: The settings; ``apcs``/``apgs``: OCBA's approximate
            probability of correct / good (within delta) selection.
        summary: Every replication's summary row.
        warnings: What differs between the scenarios besides their strategy (demand,
            district, clock settings, staffing); the statement then says to read them.
    """

    method: str
    measure: str
    lower_is_better: bool
    selected: str
    table: pd.DataFrame
    guaranteed: bool
    delta: float | None
    pcs: float
    budget: int | None
    seed: int
    scenarios: list[Scenario]
    summary: pd.DataFrame
    apcs: float | None = None
    apgs: float | None = None
    warnings: list[str] = field(default_factory=list)
    weighted: Weighted | None = None

    @property
    def label(self) -> str:
        """The measure's label (per-type columns: "label: type"; a weighted measure: its
        formula)."""
        if self.weighted is not None:
            return f"the weighted measure {self.weighted.describe()}"
        return registry.label(self.measure).rsplit(" (", 1)[0]

    @property
    def unit(self) -> str:
        if self.weighted is not None:
            return "(weighted units)"
        measure = registry.measure_of(self.measure)
        return measure.unit if measure else ""

    def statement(self) -> str:
        """The sentence a planner can forward (with a caution when the scenarios differ in
        more than their strategy)."""
        if self.method != "KN++":
            text = self._ocba_statement()
        else:
            text = self._kn_statement() if self.guaranteed else self._cap_statement()
        return text + (CAUTION if self.warnings else "")

    @property
    def _direction(self) -> str:
        return f"({'lower' if self.lower_is_better else 'higher'} is better)"

    def _kn_statement(self) -> str:
        return (f"With probability ≥ {self.pcs:.0%}, {self.selected} is within "
                f"{self.delta:g} {self.unit} of the best of the {len(self.scenarios)} "
                f"strategies on {self.label} {self._direction}.")

    def _cap_statement(self) -> str:
        return (f"No guarantee: after {int(self.table['reps'].max())} replications per "
                f"strategy the cap was reached with several strategies still within the "
                f"indifference zone; {self.selected} has the best mean on {self.label}, "
                f"but the others left are not shown to be more than {self.delta:g} "
                f"{self.unit} worse "
                "(raise --max-reps or widen --delta).")

    def _ocba_statement(self) -> str:
        text = (f"After {int(self.table['reps'].sum())} replications (OCBA), {self.selected} "
                f"has the best mean on {self.label} {self._direction}; approximate "
                f"probability that it is the best: {self.apcs:.0%}")
        if self.apgs is not None:
            text += (f", that it is within {self.delta:g} {self.unit} of the best: "
                     f"{self.apgs:.0%}")
        return text + " (a Bayesian estimate, not a guarantee)."
