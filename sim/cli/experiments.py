"""Command-line entries for experiments: ``sim compare`` and ``sim sweep``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import sim
from sim.cli.common import (
    DEFAULT_SCENARIO,
    FORCE_OPTION,
    TABLE_OPTIONS,
    WORKER_OPTIONS,
    OptionAdder,
    Rule,
    Subparsers,
    UsageError,
    add_command,
    arg,
    as_usage_error,
    check_rules,
    check_runs,
    experiment_folder,
    load,
    source_of,
    table_format,
)
from sim.cli.lang import LANG_OPTION, report_lang
from sim.cli.workers import replication_cache, report_cache_problem, workers
from sim.experiment.compare import ComparisonError, compare
from sim.experiment.csv_files import TableFormat
from sim.experiment.session import write_json
from sim.metrics import registry
from sim.output import atomic_folder, reserved_output
from sim.output.target import bounded_stem, output_path
from sim.scenario.loader import scenario_hash, scenario_yaml

FLOAT_FORMAT = "%.6g"


EXECUTION_OPTIONS = (
    arg("-o", "--output", help="results folder"),
    arg("--reps", type=int, help="replications per scenario / sweep point"),
    *WORKER_OPTIONS,
    arg("--no-plots", action="store_true", help="skip the figures"),
    FORCE_OPTION,
    *TABLE_OPTIONS,
)
"""Where the results go and how the replications run, for compare and sweep."""

COMPARE_ARGUMENTS = (
    arg("scenarios", nargs="+", help="scenario files; the first is the baseline"),
    *EXECUTION_OPTIONS,
    arg("--precision", type=float, metavar="REL",
        help="add replications until key KPI CI half-widths ≤ REL × mean"),
    arg("--max-reps", type=int, help="cap for --precision (default 100)"),
    arg("--warmup-mser", action="store_true",
        help="estimate the warm-up with MSER-5; use it if longer than configured"),
    arg("--batch-means", action="store_true",
        help="one long replication per scenario, batch-means CIs"),
    arg("--write-incidents", action="store_true",
        help="also write incidents.csv (one row per incident; large)"),
    LANG_OPTION,
)

SWEEP_ARGUMENTS = (
    arg("scenario", nargs="?", help=f"scenario file (default {DEFAULT_SCENARIO})"),
    arg("--vary", action="append", required=True, metavar="FIELD=VALUES",
        help="start:stop:step (inclusive; three numbers) or v1,v2,... read as in "
        "scenario files (16:00 is a clock time); repeatable: full factorial"),
    *EXECUTION_OPTIONS,
)


def add_experiment_commands(sub: Subparsers, scenario_options: OptionAdder) -> None:
    """Register the experiment sub-commands."""
    scenario_options(add_command(sub, "compare", COMPARE_ARGUMENTS, cmd_compare,
                                 "compare scenarios under common random numbers"))
    scenario_options(add_command(sub, "sweep", SWEEP_ARGUMENTS, cmd_sweep,
                                 "run a full-factorial parameter sweep"))


_COMPARE_RULES: list[Rule] = [
    (lambda a: a.precision is not None and not 0 < a.precision < 1,
     "--precision must be between 0 and 1 (e.g. 0.05 for ±5 %)"),
    (lambda a: a.max_reps is not None and a.precision is None,
     "--max-reps only applies with --precision"),
    (lambda a: a.max_reps is not None and a.max_reps < max(2, a.reps or 2),
     "--max-reps must be at least 2 and at least --reps"),
    (lambda a: a.batch_means and (a.precision is not None or a.reps),
     "--batch-means runs one long replication; drop --reps/--precision"),
]


def _check_compare_args(args: argparse.Namespace) -> None:
    """Refuse option combinations ``sim compare`` cannot run (the first broken rule)."""
    check_rules(args, _COMPARE_RULES)


def _check_compare_size(args: argparse.Namespace, scenarios: int) -> None:
    """Refuse more runs than the limit (with --precision: up to --max-reps each)."""
    per_scenario = (args.max_reps or 100) if args.precision is not None else (args.reps or 5)
    check_runs(scenarios * per_scenario,
               f"{scenarios} scenarios × {per_scenario:,} replications = {{n}} runs")


def cmd_compare(args: argparse.Namespace) -> int:
    """``sim compare``: run, write the results folder, print the verdicts."""
    scenarios, tables = _compare_inputs(args)
    out = experiment_folder(args.output, "compare", scenarios)
    with reserved_output(out, args.force, source_of("compare", args.scenarios)):
        cache = replication_cache(args)
        start = time.perf_counter()
        result = _run_compare(args, scenarios, cache)
        write_compare_folder(out, result, args, time.perf_counter() - start, tables)
    report_cache_problem(cache)
    _report_compare(result, out)
    return 0


def _compare_inputs(args: argparse.Namespace) -> tuple[list, Any]:
    """The scenarios and the table format, all checked before anything runs."""
    _check_compare_args(args)
    scenarios = [load(Path(p), args) for p in args.scenarios]
    tables = table_format(args)
    _check_compare_size(args, len(scenarios))
    return scenarios, tables


def _run_compare(args: argparse.Namespace, scenarios: list, cache: Any) -> Any:
    """The comparison the options ask for (options that cannot work → UsageError)."""
    total = len(scenarios) * (1 if args.batch_means else args.reps or 5)
    with as_usage_error(ComparisonError), workers(args, cache, total, "compare") as w:
        return compare(scenarios, args.reps, args.jobs, w.executor, seed=args.seed,
                       precision=args.precision, max_reps=args.max_reps,
                       warmup_mser=args.warmup_mser, batch_means=args.batch_means,
                       cache=w.cache, on_done=w.on_done)


def _report_compare(result: Any, out: Path) -> None:
    """Warnings on stderr, then the run, the key measures and the verdicts."""
    from sim.report.verdicts import verdict_sentences

    for warning in result.warnings:
        print(f"sim: warning: {warning}", file=sys.stderr)
    _print_compare(result, out, verdict_sentences(result))


def _print_compare(result: Any, out: Path, sentences: list[str]) -> None:
    """What ran, its notes, the key measures' table and the verdict sentences."""
    from sim.report import format_kpi_table

    table = result.comparison[result.comparison["kpi"].isin(registry.names(key=True))]
    print(f"{len(result.scenarios)} scenario(s) × {result.reps} replication(s) of "
          f"{result.scenarios[0].clock.days} days, seed {result.seed} "
          f"({result.seed_source}) → {out}/")
    for note in result.notes:
        print(f"  {note}")
    print(format_kpi_table(table))
    if sentences:
        print("\n" + "\n".join(sentences))


def write_compare_folder(out: Path, result: Any, args: argparse.Namespace, wall_s: float,
                         tables: Any = None) -> None:
    """Write the comparison's tables, figures and report into ``out`` atomically."""

    with atomic_folder(out) as tmp:
        _write_compare_tables(tmp, result, args, tables or TableFormat())
        _write_compare_report(tmp, result, args)
        write_json(tmp / "run.json", _compare_record(result, args, wall_s))


def _write_compare_tables(tmp: Path, result: Any, args: argparse.Namespace,
                          tables: Any) -> None:
    """The comparison's own tables, then the pooled frames (incidents only if asked)."""
    own = {"comparison": result.comparison, "differences": result.differences,
           "warmup": result.warmup, "precision": result.precision,
           "batch_means": result.batch_means, "displacement": result.displacement}
    for name, frame in [*own.items(), *result.frames.items()]:
        if frame is not None and (name != "incidents" or args.write_incidents):
            tables.write(frame, tmp, name)


def _write_compare_report(tmp: Path, result: Any, args: argparse.Namespace) -> None:
    """report.md and report.html with their figures, in the report's language."""
    from sim.report.document import make_figures, report_blocks
    from sim.report.i18n import language
    from sim.report.render import render_html, render_markdown

    with language(report_lang(args, result.scenarios[0])):
        figures = [] if args.no_plots else make_figures(tmp / "plots", result)
        blocks = report_blocks(result, figures)
        (tmp / "report.md").write_text(render_markdown(blocks), encoding="utf-8")
        (tmp / "report.html").write_text(render_html(blocks, tmp / "plots"), encoding="utf-8")


def _compare_record(result: Any, args: argparse.Namespace, wall_s: float) -> dict[str, Any]:
    """run.json of ``sim compare``: scenarios, seed, replications and what ran them."""

    return {
        "scenarios": {s.name: scenario_hash(s) for s in result.scenarios},
        "seed": result.seed, "seed_source": result.seed_source, "replications": result.reps,
        "days": result.scenarios[0].clock.days, "sim_version": sim.__version__,
        "jobs": args.jobs, "scheduler": bool(args.scheduler), "wall_s": round(wall_s, 3),
        "warnings": result.warnings, "notes": result.notes}


def _parse_vary(items: list[str]) -> dict[str, list[Any]]:
    """The ``--vary`` options as {field: values} (each field at most once)."""
    vary: dict[str, list[Any]] = {}
    for field, values in map(_one_vary, items):
        if field in vary:
            raise UsageError(f"--vary {field} given twice")
        vary[field] = values
    return vary


def _one_vary(text: str) -> tuple[str, list[Any]]:
    """One ``--vary FIELD=VALUES`` as (field, values)."""
    from sim.experiment.sweep import SweepError, parse_vary

    with as_usage_error(SweepError):
        return parse_vary(text)


def cmd_sweep(args: argparse.Namespace) -> int:
    """``sim sweep``: every combination of the varied fields, written and summarised."""
    vary = _parse_vary(args.vary)
    path = Path(args.scenario) if args.scenario else DEFAULT_SCENARIO
    scenario = load(path, args)
    tables = table_format(args)
    points = _sweep_points(scenario, vary, args.reps or scenario.replications)
    out = output_path(args.output, bounded_stem(f"sweep-{scenario.name}"))
    with reserved_output(out, args.force, source_of("sweep", [path])):
        cache = replication_cache(args)
        table = _run_sweep(args, scenario, vary, points, cache)
        summary = write_sweep_folder(out, scenario, vary, table, args, tables)
    report_cache_problem(cache)
    _print_sweep(scenario, points, args.reps or scenario.replications, out, summary)
    return 0


def _sweep_points(scenario: Any, vary: dict[str, list[Any]], reps: int) -> int:
    """How many points the sweep has (too many runs, or a bad field → UsageError)."""
    from sim.experiment.sweep import SweepError, check_size, sweep_scenarios

    with as_usage_error(SweepError):
        check_size(vary, reps)
        return len(sweep_scenarios(scenario, vary))


def _run_sweep(args: argparse.Namespace, scenario: Any, vary: dict[str, list[Any]],
               points: int, cache: Any) -> Any:
    """The replications of every point, on the workers: one row per replication."""
    from sim.experiment.sweep import sweep

    reps = args.reps or scenario.replications
    with workers(args, cache, points * reps, "sweep") as w:
        return sweep(scenario, vary, reps, args.jobs, w.executor, cache=w.cache,
                     on_done=w.on_done)


def _print_sweep(scenario: Any, points: int, reps: int, out: Path, summary: Any) -> None:
    """The size of the sweep and the per-point means of the headline measures."""
    print(f"{scenario.name}: {points} point(s) × {reps} replication(s) → {out}/")
    print(summary.to_string(index=False))


def write_sweep_folder(out: Path, scenario: Any, vary: dict[str, list[Any]], table: Any,
                       args: argparse.Namespace, tables: Any = None) -> Any:
    """Write sweep.csv, sweep_summary.csv, the trade-off figures and sweep.json; returns
    a compact per-point table (means of the headline KPIs) for the terminal."""
    with atomic_folder(out) as tmp:
        _write_sweep_tables(tmp, table, tables or TableFormat())
        (tmp / "scenario.resolved.yaml").write_text(scenario_yaml(scenario), encoding="utf-8")
        if not args.no_plots:
            _sweep_figures(tmp / "plots", table)
        write_json(tmp / "sweep.json", _sweep_record(scenario, vary, table))
    return _point_means(table)


def _write_sweep_tables(tmp: Path, table: Any, tables: Any) -> None:
    """sweep (a row per replication of each point) and sweep_summary (per point)."""
    from sim.experiment.sweep import sweep_summary

    tables.write(table, tmp, "sweep")
    tables.write(sweep_summary(table), tmp, "sweep_summary")


def _sweep_record(scenario: Any, vary: dict[str, list[Any]], table: Any) -> dict[str, Any]:
    """sweep.json: the scenario, what was varied, the size of the sweep."""

    return {
        "scenario": scenario.name, "scenario_hash": scenario_hash(scenario),
        "seed": scenario.seed, "vary": vary, "replications": int(table["replication"].nunique()),
        "points": int(table["point"].nunique()), "sim_version": sim.__version__}


def _point_means(table: Any) -> Any:
    """Per point: the means of the first three headline measures and the staff-hours."""
    from sim.experiment.sweep import varied_columns

    heads = [*registry.names("headline")[:3], "staff_hours_per_week"]
    keys = ["point", *varied_columns(table)]
    return table.groupby(keys, sort=False)[heads].mean().round(2).reset_index()


def _sweep_figures(folder: Path, table: Any) -> None:
    """The trade-off of staff-hours against time to end and against exposure."""
    from sim import plots
    from sim.experiment.sweep import varied_columns

    varied = varied_columns(table)
    for name, y in (("tradeoff_time_to_end", "time_to_end_mean_min"),
                    ("tradeoff_exposure", "exposure_h_per_day")):
        fig = plots.sweep_tradeoff(table, x="staff_hours_per_week", y=y, varied=varied)
        plots.save_figure(fig, folder / name, formats=("png", "svg"))
