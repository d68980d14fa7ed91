"""Command-line entries for experiments: compare, sweep, bench."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def add_experiment_commands(
    sub: argparse._SubParsersAction, scenario_options: Callable[[argparse.ArgumentParser], None]
) -> None:
    """Register the experiment sub-commands."""
