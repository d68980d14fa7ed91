"""What ``sim staff`` reports: the summary a planner reads first and the results folder."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import sim
from sim.cli.decide import to_csv
from sim.decide.staff import staffed_text
from sim.experiment.session import write_json
from sim.output import atomic_folder
from sim.scenario.loader import load_scenario


def staff_summary(result: Any) -> list[str]:
    """What the planner reads first: the roster, its cost, each target, the check."""
    if result.chosen is None:
        return [_nothing_met(result)]
    return [*_chosen_lines(result), _optimality(result), *_rejected_lines(result)]


def _nothing_met(result: Any) -> str:
    """The summary when no roster met every target."""
    return ("No candidate roster met every target (confirmed on fresh seeds), up to "
            f"{result.candidates['staff_hours_per_week'].max():g} staff-hours/week "
            "(the largest tried): the targets may need more than staffing (another "
            "strategy), or a looser target. See candidates.csv.")


def _chosen_lines(result: Any) -> list[str]:
    """The chosen roster and its cost, each target before and after, the fresh check."""
    r = result.chosen
    return [f"Chosen roster: {r.describe()} = {r.staff_hours_per_week:g} staff-hours/week "
            f"(baseline {result.baseline_staff_hours:g}).",
            "target | baseline (mean, bound) | chosen on fresh seeds (mean, bound)",
            *(f"{b['target']} | {b['mean']:.4g}, {b['bound']:.4g} {b['status']} | "
              f"{c['mean']:.4g}, {c['bound']:.4g} {c['status']}"
              for b, c in zip(result.baseline.rows, result.check.rows)),
            f"The check on fresh replication seeds (root seed {result.check_seed}, "
            f"{result.check.n} replications) confirms every target at "
            f"{result.confidence:.0%} one-sided confidence.",
            "Being the cheapest that passed, the roster sits close to its targets and its "
            "estimates lean optimistic: judge a new run of it by the confidence interval of "
            "enough replications (e.g. sim run staffed.yaml --seed 7 --reps 30), not by "
            "one short run's mean."]


def _rejected_lines(result: Any) -> list[str]:
    """A line per cheaper roster that met the targets on the search's seeds only."""
    rejected = result.candidates[result.candidates["verdict"].str.startswith("met them")]
    return [f"(A cheaper roster, {row.staff_hours_per_week:g} staff-hours/week, met "
            "the targets on the search's seeds but not on the fresh ones: rejected.)"
            for row in rejected.itertuples()]


def _optimality(result: Any) -> str:
    """Whether the roster is the cheapest of the whole search space or of those tried."""
    if result.proven:
        return (f"It is the cheapest roster of the search space that meets the targets: all "
                f"{result.space_size} rosters costing no more were evaluated on the same "
                "replications.")
    if result.space_size is not None:
        return (f"All {result.space_size} rosters of the search space costing no more than "
                "the best Erlang candidate were evaluated; the cheapest that met the targets "
                "was not confirmed on fresh seeds, so this is the next one up that was.")
    refined = result.candidates["requirement"].str.contains(" - 1 x ").any()
    return (f"It is the cheapest of the candidates tried (Erlang-C family"
            f"{' and local search' if refined else ''}), not proven the cheapest of every "
            "roster: the search space is larger than --exhaustive (or it is 0).")


def write_staff_folder(out: Path, result: Any, baseline: Any, baseline_path: Path,
                       template: dict, args: argparse.Namespace, wall_s: float) -> None:
    """staffed.yaml, candidates.csv, hourly.csv, check.csv, report.md, run.json, figure."""
    with atomic_folder(out) as tmp:
        if result.chosen is not None:
            _write_chosen(tmp, result, baseline, baseline_path, out, template)
        _write_staff_tables(tmp, result)
        if not args.no_plots:
            _pareto_figure(tmp / "pareto.png", result)
        (tmp / "report.md").write_text(_staff_report(result, baseline), encoding="utf-8")
        write_json(tmp / "run.json", _staff_record(result, baseline, args, wall_s))


def _write_chosen(tmp: Path, result: Any, baseline: Any, baseline_path: Path, out: Path,
                  template: dict) -> None:
    """staffed.yaml (loaded back: it runs as it is) and check.csv, the fresh-seed check."""
    import pandas as pd


    (tmp / "staffed.yaml").write_text(
        staffed_text(result, baseline, baseline_path, out, template), encoding="utf-8")
    load_scenario(tmp / "staffed.yaml")
    check = pd.DataFrame(result.check.rows)
    to_csv(check.assign(replications=result.check.n, seed=result.check_seed), tmp / "check.csv")


def _write_staff_tables(tmp: Path, result: Any) -> None:
    """candidates.csv, hourly.csv and baseline.csv."""
    import pandas as pd

    to_csv(result.candidates, tmp / "candidates.csv")
    to_csv(result.hourly, tmp / "hourly.csv")
    to_csv(pd.DataFrame(result.baseline.rows), tmp / "baseline.csv")


def _staff_report(result: Any, baseline: Any) -> str:
    """report.md: the summary and where the details are."""
    return "\n".join([f"# Staffing {baseline.name}", "", *staff_summary(result), "",
                      "Candidates (staff-hours, per target mean and one-sided bound): "
                      "candidates.csv; hourly requirement and officers on duty: "
                      "hourly.csv. How to read this: docs/decisions.md.", ""])


def _staff_record(result: Any, baseline: Any, args: argparse.Namespace,
                  wall_s: float) -> dict[str, Any]:
    """run.json of ``sim staff``: the settings, the outcome and what ran it."""
    return {
        "scenario": baseline.name, "targets": [str(t) for t in result.targets],
        "confidence": result.confidence, "shift_hours": args.shift_hours,
        "refine": args.refine, "groups": args.groups, "week": args.week,
        "day_types": list(result.day_types), "exhaustive": args.exhaustive,
        "proven_cheapest": result.proven,
        "starts": args.starts, "reps": args.reps, "max_reps": args.max_reps,
        "seed": baseline.seed, "check_seed": result.check_seed,
        "staff_hours_per_week": (result.chosen.staff_hours_per_week
                                 if result.chosen else None),
        "replications": result.replications, "wall_s": round(wall_s, 3),
        "sim_version": sim.__version__, "jobs": args.jobs}


def _pareto_figure(path: Path, result: Any) -> None:
    """Staff-hours against each target's estimate, for the candidates that were run."""
    from matplotlib.figure import Figure

    run = result.candidates[result.candidates["replications"] > 0]
    fig = Figure(figsize=(5 * len(result.targets), 4), layout="constrained")
    axes = fig.subplots(1, len(result.targets), squeeze=False)[0]
    for ax, t in zip(axes, result.targets):
        _pareto_panel(ax, run, t, result.confidence)
    fig.savefig(path, dpi=110)


def _pareto_panel(ax: Any, run: Any, t: Any, confidence: float) -> None:
    """One target: the candidates' means and bounds, the target line, the chosen roster."""
    ax.plot(run["staff_hours_per_week"], run[f"{t.measure} mean"], "o", label="mean")
    ax.plot(run["staff_hours_per_week"], run[f"{t.measure} bound"], "v", alpha=0.6,
            label=f"one-sided {confidence:.0%} bound")
    ax.axhline(t.value, color="#d62728", linestyle="--", label=f"target {t}")
    chosen = run[run["verdict"] == "chosen"]
    ax.plot(chosen["staff_hours_per_week"], chosen[f"{t.measure} mean"], "*",
            markersize=14, color="#2ca02c", label="chosen")
    ax.set(xlabel="staff-hours per week", ylabel=t.measure)
    ax.legend(fontsize=7)
