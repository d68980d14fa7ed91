"""The ``--lang`` option: the language of reports and figures."""

from __future__ import annotations

import argparse
from typing import Any

LANG_CHOICES = ("en", "zh")


def add_lang_option(p: argparse.ArgumentParser) -> None:
    """``--lang en|zh`` (default: the scenario's ``report.lang``, else English)."""
    p.add_argument("--lang", choices=LANG_CHOICES,
                   help="language of report.md, report.html and the figures: en or zh "
                   "(default: the scenario's report.lang, else en)")


def report_lang(args: argparse.Namespace, scenario: Any) -> str:
    """The language asked for on the command line, else the scenario's."""
    return getattr(args, "lang", None) or scenario.report.lang
