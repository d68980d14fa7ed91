"""The ``--lang`` option: the language of reports and figures."""

from __future__ import annotations

import argparse
from typing import Any

from sim.cli.common import add_arguments, arg

LANG_CHOICES = ("en", "zh")

LANG_OPTION = arg("--lang", choices=LANG_CHOICES,
                  help="language of report.md, report.html and the figures: en or zh "
                  "(default: the scenario's report.lang, else en)")


def add_lang_option(p: argparse.ArgumentParser) -> None:
    """``--lang en|zh`` (default: the scenario's ``report.lang``, else English)."""
    add_arguments(p, [LANG_OPTION])


def report_lang(args: argparse.Namespace, scenario: Any) -> str:
    """The language asked for on the command line, else the scenario's."""
    return getattr(args, "lang", None) or scenario.report.lang
