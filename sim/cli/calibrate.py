"""`sim export-log`, `sim calibrate` and `sim backcast`: the case-log commands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.cli.common import OptionAdder, Subparsers, UsageError, add_command, arg, as_usage_error


def mapping_from(args: argparse.Namespace):
    """The --columns mapping (None: guess from the header)."""
    from sim.calibrate.mapping import MappingError, read_mapping

    if not getattr(args, "columns", None):
        return None
    try:
        return read_mapping(Path(args.columns))
    except MappingError as exc:
        raise UsageError(str(exc)) from None


def refuse_overwrite(path: Path, force: bool) -> None:
    """An existing output file needs --force."""
    if path.exists() and not force:
        raise UsageError(f"{path} exists; choose another name or pass --force to replace it")


def refuse_folder(out: Path, force: bool) -> None:
    """An output folder must be a folder, and an existing non-empty one needs --force."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"output {out} exists and is a file, not a folder")
    if out.exists() and any(out.iterdir()) and not force:
        raise UsageError(f"{out} exists; choose another folder or pass --force to replace it")
    parent = _existing_parent(out)
    if parent is not None and not parent.is_dir():
        raise UsageError(f"output {out}: {parent} is a file, not a folder")


def _existing_parent(out: Path) -> Path | None:
    """The nearest ancestor of ``out`` that exists (None if none does)."""
    return next((p for p in out.resolve().parents if p.exists()), None)


def atomic(out: Path, force: bool):
    """``sim.output.atomic_folder`` (passing ``force`` where that version takes it)."""
    import inspect

    from sim.output import atomic_folder

    if "force" in inspect.signature(atomic_folder).parameters:
        return atomic_folder(out, force=force)
    return atomic_folder(out)


def cmd_export_log(args: argparse.Namespace) -> int:
    """``sim export-log``: simulate one replication and write the case log it would give."""
    from sim.calibrate.export import log_frame, write_log
    from sim.cli.common import load
    from sim.experiment.replication import run_replication

    scenario = load(Path(args.scenario), args)
    out = Path(args.output)
    refuse_overwrite(out, args.force)
    mapping = _export_mapping(args)
    incidents = run_replication(scenario, args.rep).incidents
    frame = log_frame(incidents, mapping, start=args.start, slash_times=args.slash_times)
    write_log(frame, out, encoding=args.encoding)
    print(f"{scenario.name}: {len(frame)} cases over {scenario.clock.days} days "
          f"(replication {args.rep}) → {out} ({args.encoding})")
    return 0


def _export_mapping(args: argparse.Namespace):
    """The headers and names of the exported log (``--start`` checked first)."""
    from sim.calibrate.logfile import LogError, parse_date
    from sim.calibrate.mapping import EN, ZH

    with as_usage_error(LogError):
        parse_date(args.start, "--start")
    return mapping_from(args) or (ZH if args.language == "zh" else EN)


def add_calibrate_commands(sub: Subparsers, scenario_options: OptionAdder) -> None:
    """Register the case-log subcommands on the `sim` parser."""
    scenario_options(add_command(sub, "export-log", EXPORT_ARGUMENTS, cmd_export_log, _EXPORT_HELP))
    add_calibrate_parser(sub)
    add_backcast_parser(sub)


def read_caselog(args: argparse.Namespace, district):
    """The checked log, or UsageError with the file, line and column."""
    from sim.calibrate.logfile import LogError, read_log

    zones = [z.id for z in district.district.all_zones()]
    try:
        types = {name: t.label for name, t in district.incidents.items()}
        return read_log(Path(args.caselog), mapping_from(args), types, zones,
                        start=getattr(args, "date_from", None), end=getattr(args, "date_to", None))
    except LogError as exc:
        raise UsageError(str(exc)) from None


def report_problems(log, strict: bool) -> None:
    from sim.calibrate.logfile import problem_summary

    for line in problem_summary(log):
        print(f"sim: {line}", file=sys.stderr)
    if strict and log.problems:
        raise UsageError(f"{log.path}: --strict and {len(log.problems)} problem(s); nothing written")


def cmd_calibrate(args: argparse.Namespace) -> int:
    """``sim calibrate``: fit the demand to a case log; write the scenario and its report."""
    from sim.calibrate.fit import calibrate
    from sim.scenario.loader import load_scenario

    district = load_scenario(Path(args.district))
    out = _calibrated_path(args)
    log = read_caselog(args, district)
    report_problems(log, args.strict)
    cal = calibrate(log, Path(args.district), reps=args.detection_reps,
                    correct=args.detection == "model", keep_unlogged=args.keep_unlogged)
    _write_calibration(args, cal, log, out)
    total = sum(f.occurrence_per_day() for f in cal.types.values())
    print(f"{log.path}: {len(log.frame)} cases of {len(cal.types)} types over {log.days} days "
          f"→ {out} ({total:.0f} occurrences/day fitted), calibration.md")
    return 0


def _calibrated_path(args: argparse.Namespace) -> Path:
    """The scenario to write (a .yaml name), none of whose companions may be overwritten
    without --force."""
    out = Path(args.output)
    if out.suffix not in (".yaml", ".yml"):
        raise UsageError(f"-o {out}: expected a .yaml file name")
    for path in (out, *_companions(out)):
        refuse_overwrite(path, args.force)
    return out


def _companions(out: Path) -> tuple[Path, Path, Path]:
    """calibration.md, calibration_rows.csv and calibration_figures/ beside ``out``."""
    names = ("calibration.md", "calibration_rows.csv", "calibration_figures")
    md, rows, figures = (out.with_name(name) for name in names)
    return md, rows, figures


def _write_calibration(args: argparse.Namespace, cal, log, out: Path) -> None:
    """The figures, the report, the bad rows and, last, the calibrated scenario (checked)."""
    from sim.calibrate.report import calibration_markdown, problems_frame, write_figures
    from sim.calibrate.writer import calibrated_yaml
    from sim.output import write_text_atomic

    md, rows, figures = _companions(out)
    text = calibrated_yaml(cal, out, args.name or out.stem)
    check_written(text, out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if not args.no_plots:
        with atomic(figures, args.force) as tmp:
            write_figures(cal, tmp)
    write_text_atomic(md, calibration_markdown(cal, out.name) + "\n")
    write_text_atomic(rows, problems_frame(log).to_csv(index=False))
    write_text_atomic(out, text)


def check_written(text: str, out: Path) -> None:
    """The calibrated file must load: validate a temporary copy beside the target."""
    import os
    import tempfile

    from sim.scenario.loader import load_scenario

    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.stem}.", suffix=".yaml", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        load_scenario(Path(tmp))
    finally:
        Path(tmp).unlink(missing_ok=True)


def add_calibrate_parser(sub: Subparsers) -> None:
    """Register `sim calibrate`."""
    add_command(sub, "calibrate", CALIBRATE_ARGUMENTS, cmd_calibrate,
                "fit demand from a case log and write a calibrated scenario")


def cmd_backcast(args: argparse.Namespace) -> int:
    """``sim backcast``: run the calibrated scenario over the log's period and compare."""
    from sim.calibrate.backcast import run_backcast
    from sim.scenario.loader import load_scenario

    scenario = load_scenario(Path(args.scenario))
    out = Path(args.output) if args.output else Path("results") / f"{scenario.name}-backcast"
    refuse_folder(out, args.force)
    log = read_caselog(args, scenario)
    report_problems(log, strict=False)
    table = run_backcast(scenario, log, args.reps)
    _write_backcast(out, table, scenario.name, log, args)
    agree = int((table["verdict"] == "agrees").sum())
    print(f"{scenario.name} vs {log.path.name}: {agree} of {len(table)} comparisons agree "
          f"→ {out}/backcast.md")
    return 0


def _write_backcast(out: Path, table, name: str, log, args: argparse.Namespace) -> None:
    """backcast.csv and backcast.md, atomically."""
    from sim.calibrate.backcast import backcast_markdown

    with atomic(out, args.force) as tmp:
        table.to_csv(tmp / "backcast.csv", index=False, float_format="%.6g")
        (tmp / "backcast.md").write_text(
            backcast_markdown(table, name, log, args.reps) + "\n", encoding="utf-8")


def add_backcast_parser(sub: Subparsers) -> None:
    """Register `sim backcast`."""
    add_command(sub, "backcast", BACKCAST_ARGUMENTS, cmd_backcast,
                "run a calibrated scenario over a case log's period and compare")


_EXPORT_HELP = "simulate a scenario and write the case log a bureau would record"

COLUMNS_OPTION = arg("--columns", help="column mapping file (default: guessed from the header)")
PERIOD_OPTIONS = (
    arg("--from", dest="date_from", help="first day (default: the first report)"),
    arg("--to", dest="date_to", help="last day, inclusive (default: the last)"),
)

EXPORT_ARGUMENTS = (
    arg("scenario", help="scenario file"),
    arg("-o", "--output", required=True, help="case log to write (CSV)"),
    arg("--rep", type=int, default=0, help="replication number (default 0)"),
    arg("--start", default="2026-03-02", help="date of day 0 (default 2026-03-02)"),
    arg("--language", choices=("en", "zh"), default="en",
        help="headers and names: English or Chinese (default en)"),
    arg("--columns", help="mapping file giving headers and names (overrides --language)"),
    arg("--encoding", choices=("utf-8", "utf-8-sig", "gbk"), default="utf-8"),
    arg("--slash-times", action="store_true",
        help="write times as 2026/3/1 8:15 instead of 2026-03-01 08:15:00"),
    arg("--force", action="store_true", help="replace an existing file"),
)

CALIBRATE_ARGUMENTS = (
    arg("caselog", help="case log (CSV in UTF-8 or GBK, or .xlsx)"),
    arg("--district", required=True,
        help="the district scenario (zones, detection, deployment of the period)"),
    arg("-o", "--output", required=True, help="calibrated scenario to write (.yaml)"),
    COLUMNS_OPTION,
    *PERIOD_OPTIONS,
    arg("--name", help="scenario name (default: the output file's stem)"),
    arg("--detection", choices=("model", "none"), default="model",
        help="model: correct detected cases to occurrences with the district's "
        "detection model (default); none: take the log as complete"),
    arg("--detection-reps", type=int, default=2,
        help="replications per round of the detection simulation (default 2)"),
    arg("--strict", action="store_true", help="refuse a log with any bad row"),
    arg("--no-plots", action="store_true", help="skip the figures"),
    arg("--keep-unlogged", action="store_true",
        help="keep the district's rates for catalog types the log never shows "
        "(default: disable them)"),
    arg("--force", action="store_true", help="replace existing output files"),
)

BACKCAST_ARGUMENTS = (
    arg("scenario", help="the calibrated scenario"),
    arg("caselog", help="the case log"),
    arg("-o", "--output", help="folder (default results/<name>-backcast)"),
    COLUMNS_OPTION,
    *PERIOD_OPTIONS,
    arg("--reps", type=int, default=10, help="replications (default 10)"),
    arg("--force", action="store_true", help="replace an existing folder"),
)
