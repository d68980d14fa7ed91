"""Command-line entries for experiments: ``sim compare`` and ``sim sweep``."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sim
from sim.cli.common import (
    DEFAULT_SCENARIO,
    Rule,
    UsageError,
    add_force_option,
    add_table_options,
    add_worker_options,
    check_rules,
    check_runs,
    load,
    source_of,
    table_format,
)
from sim.cli.lang import add_lang_option, report_lang
from sim.cli.workers import replication_cache, report_cache_problem, workers
from sim.metrics import registry
from sim.output import reserved_output
from sim.output.target import bounded_stem, output_path

FLOAT_FORMAT = "%.6g"


def _execution_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("-o", "--output", help="results folder")
    p.add_argument("--reps", type=int, help="replications per scenario / sweep point")
    add_worker_options(p)
    p.add_argument("--no-plots", action="store_true", help="skip the figures")
    add_force_option(p)
    add_table_options(p)


def add_experiment_commands(
    sub: argparse._SubParsersAction, scenario_options: Callable[[argparse.ArgumentParser], None]
) -> None:
    """Register the experiment sub-commands."""
    cmp = sub.add_parser("compare", help="compare scenarios under common random numbers")
    cmp.add_argument("scenarios", nargs="+", help="scenario files; the first is the baseline")
    _execution_options(cmp)
    cmp.add_argument("--precision", type=float, metavar="REL",
                     help="add replications until key KPI CI half-widths ≤ REL × mean")
    cmp.add_argument("--max-reps", type=int, help="cap for --precision (default 100)")
    cmp.add_argument("--warmup-mser", action="store_true",
                     help="estimate the warm-up with MSER-5; use it if longer than configured")
    cmp.add_argument("--batch-means", action="store_true",
                     help="one long replication per scenario, batch-means CIs")
    cmp.add_argument("--write-incidents", action="store_true",
                     help="also write incidents.csv (one row per incident; large)")
    add_lang_option(cmp)
    scenario_options(cmp)
    cmp.set_defaults(func=cmd_compare)

    swp = sub.add_parser("sweep", help="run a full-factorial parameter sweep")
    swp.add_argument("scenario", nargs="?", help=f"scenario file (default {DEFAULT_SCENARIO})")
    swp.add_argument("--vary", action="append", required=True, metavar="FIELD=VALUES",
                     help="start:stop:step (inclusive; three numbers) or v1,v2,... read as in "
                     "scenario files (16:00 is a clock time); repeatable: full factorial")
    _execution_options(swp)
    scenario_options(swp)
    swp.set_defaults(func=cmd_sweep)


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
    from sim.report.verdicts import verdict_sentences

    _check_compare_args(args)
    scenarios = [load(Path(p), args) for p in args.scenarios]
    tables = table_format(args)
    _check_compare_size(args, len(scenarios))
    names = "-vs-".join(dict.fromkeys(s.name for s in scenarios))
    out = output_path(args.output, bounded_stem(f"compare-{names}"))
    with reserved_output(out, args.force, source_of("compare", args.scenarios)):
        cache = replication_cache(args)
        start = time.perf_counter()
        result = _run_compare(args, scenarios, cache)
        write_compare_folder(out, result, args, time.perf_counter() - start, tables)
    report_cache_problem(cache)
    for warning in result.warnings:
        print(f"sim: warning: {warning}", file=sys.stderr)
    _print_compare(result, out, verdict_sentences(result))
    return 0


def _run_compare(args: argparse.Namespace, scenarios: list, cache: Any) -> Any:
    """The comparison the options ask for (options that cannot work → UsageError)."""
    from sim.experiment.compare import ComparisonError, compare

    total = len(scenarios) * (1 if args.batch_means else args.reps or 5)
    try:
        with workers(args, cache, total, "compare") as w:
            return compare(scenarios, args.reps, args.jobs, w.executor, seed=args.seed,
                           precision=args.precision, max_reps=args.max_reps,
                           warmup_mser=args.warmup_mser, batch_means=args.batch_means,
                           cache=w.cache, on_done=w.on_done)
    except ComparisonError as exc:
        raise UsageError(str(exc)) from None


def _print_compare(result: Any, out: Path, sentences: list[str]) -> None:
    from sim.report import format_kpi_table

    table = result.comparison[result.comparison["kpi"].isin(registry.names(key=True))]
    print(f"{len(result.scenarios)} scenario(s) × {result.reps} replication(s) of "
          f"{result.scenarios[0].clock.days} days, seed {result.seed} "
          f"({result.seed_source}) → {out}/")
    for note in result.notes:
        print(f"  {note}")
    print(format_kpi_table(table))
    if sentences:
        print()
        print("\n".join(sentences))


def write_compare_folder(out: Path, result: Any, args: argparse.Namespace, wall_s: float,
                         tables: Any = None) -> None:
    """Write the comparison's tables, figures and report into ``out`` atomically."""
    from sim.experiment.csv_files import TableFormat
    from sim.output import atomic_folder
    from sim.report.document import make_figures, report_blocks
    from sim.report.i18n import language
    from sim.report.render import render_html, render_markdown
    from sim.scenario.loader import scenario_hash

    tables = tables or TableFormat()
    with atomic_folder(out) as tmp:
        own = {"comparison": result.comparison, "differences": result.differences,
               "warmup": result.warmup, "precision": result.precision,
               "batch_means": result.batch_means, "displacement": result.displacement}
        for name, frame in [*own.items(), *result.frames.items()]:
            if frame is not None and (name != "incidents" or args.write_incidents):
                tables.write(frame, tmp, name)
        with language(report_lang(args, result.scenarios[0])):
            figures = [] if args.no_plots else make_figures(tmp / "plots", result)
            blocks = report_blocks(result, figures)
            (tmp / "report.md").write_text(render_markdown(blocks), encoding="utf-8")
            (tmp / "report.html").write_text(render_html(blocks, tmp / "plots"),
                                             encoding="utf-8")
        _write_json(tmp / "run.json", {
            "scenarios": {s.name: scenario_hash(s) for s in result.scenarios},
            "seed": result.seed, "seed_source": result.seed_source, "replications": result.reps,
            "days": result.scenarios[0].clock.days, "sim_version": sim.__version__,
            "jobs": args.jobs, "scheduler": bool(args.scheduler), "wall_s": round(wall_s, 3),
            "warnings": result.warnings, "notes": result.notes})


def _write_json(path: Path, data: dict) -> None:
    """JSON into the (already atomic) temporary results folder, with the umask's permissions."""
    from sim.experiment.session import write_json

    write_json(path, data)


def _parse_vary(items: list[str]) -> dict[str, list[Any]]:
    from sim.experiment.sweep import SweepError, parse_vary

    vary: dict[str, list[Any]] = {}
    for text in items:
        try:
            field, values = parse_vary(text)
        except SweepError as exc:
            raise UsageError(str(exc)) from None
        if field in vary:
            raise UsageError(f"--vary {field} given twice")
        vary[field] = values
    return vary


def cmd_sweep(args: argparse.Namespace) -> int:
    from sim.experiment.sweep import SweepError, check_size, sweep, sweep_scenarios

    vary = _parse_vary(args.vary)
    path = Path(args.scenario) if args.scenario else DEFAULT_SCENARIO
    scenario = load(path, args)
    tables = table_format(args)
    try:
        check_size(vary, args.reps or scenario.replications)
        points = len(sweep_scenarios(scenario, vary))
    except SweepError as exc:
        raise UsageError(str(exc)) from None
    out = output_path(args.output, bounded_stem(f"sweep-{scenario.name}"))
    reps = args.reps or scenario.replications
    with reserved_output(out, args.force, source_of("sweep", [path])):
        cache = replication_cache(args)
        with workers(args, cache, points * reps, "sweep") as w:
            table = sweep(scenario, vary, reps, args.jobs, w.executor, cache=w.cache,
                          on_done=w.on_done)
        summary = write_sweep_folder(out, scenario, vary, table, args, tables)
    report_cache_problem(cache)
    print(f"{scenario.name}: {points} point(s) × {reps} replication(s) → {out}/")
    print(summary.to_string(index=False))
    return 0


def write_sweep_folder(out: Path, scenario: Any, vary: dict[str, list[Any]], table: Any,
                       args: argparse.Namespace, tables: Any = None) -> Any:
    """Write sweep.csv, sweep_summary.csv, the trade-off figures and sweep.json; returns
    a compact per-point table (means of the headline KPIs) for the terminal."""
    from sim.experiment.csv_files import TableFormat
    from sim.experiment.sweep import sweep_summary, varied_columns
    from sim.output import atomic_folder
    from sim.scenario.loader import scenario_hash, scenario_yaml

    heads = [*registry.names("headline")[:3], "staff_hours_per_week"]
    tables = tables or TableFormat()
    with atomic_folder(out) as tmp:
        tables.write(table, tmp, "sweep")
        tables.write(sweep_summary(table), tmp, "sweep_summary")
        (tmp / "scenario.resolved.yaml").write_text(scenario_yaml(scenario), encoding="utf-8")
        if not args.no_plots:
            _sweep_figures(tmp / "plots", table)
        _write_json(tmp / "sweep.json", {
            "scenario": scenario.name, "scenario_hash": scenario_hash(scenario),
            "seed": scenario.seed, "vary": vary, "replications": int(table["replication"].nunique()),
            "points": int(table["point"].nunique()), "sim_version": sim.__version__})
    keys = ["point", *varied_columns(table)]
    return table.groupby(keys, sort=False)[heads].mean().round(2).reset_index()


def _sweep_figures(folder: Path, table: Any) -> None:
    from sim import plots
    from sim.experiment.sweep import varied_columns

    varied = varied_columns(table)
    for name, y in (("tradeoff_time_to_end", "time_to_end_mean_min"),
                    ("tradeoff_exposure", "exposure_h_per_day")):
        fig = plots.sweep_tradeoff(table, x="staff_hours_per_week", y=y, varied=varied)
        plots.save_figure(fig, folder / name, formats=("png", "svg"))
