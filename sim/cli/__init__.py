"""The command line, one module per command group: ``scenario`` (run, validate, schema,
reference, measures), ``experiments`` (compare, sweep), ``shifts``, ``bench``, ``calibrate``;
``common`` holds what they share and ``main`` the parser and the error handling."""

from sim.cli.main import main

__all__ = ["main"]
