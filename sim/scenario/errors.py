"""The one error a planner sees for a bad scenario: file, field, what was expected."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path

MAX_LISTED = 50  # problems listed in one message; the rest are counted


class ScenarioError(Exception):
    """A scenario that cannot be loaded; ``str()`` is a message fit for a planner."""

    def __init__(
        self, path: Path | str | None, problems: list[tuple[str, str]], note: str = ""
    ) -> None:
        self.path = str(path) if path is not None else "<scenario>"
        self.problems = problems
        self.note = note
        head = f"{self.path}: invalid scenario{f' ({note})' if note else ''}"
        super().__init__("\n".join([head, *_listed(problems)]))


def _listed(problems: list[tuple[str, str]]) -> list[str]:
    """One line per problem, at most MAX_LISTED, then a count of the rest."""
    lines = [f"  - {field}: {message}" if field else f"  - {message}"
             for field, message in problems[:MAX_LISTED]]
    if len(problems) > MAX_LISTED:
        lines.append(f"  - ... and {len(problems) - MAX_LISTED:,} more problems")
    return lines


class FieldProblems(ValueError):
    """Raised by a model validator: problems at field paths *relative to the model validated*.

    ``validation_problems`` (sim.scenario.messages) joins each relative path to the model's own location, so
    a check written in the Scenario model can point at ``units.foot.home_zone`` rather than at
    the whole file.
    """

    def __init__(self, *problems: tuple[str, str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"{p}: {m}" if p else m for p, m in self.problems))


def raise_any(problems: list[tuple[str, str]]) -> None:
    """Raise FieldProblems with the problems found, if there are any."""
    if problems:
        raise FieldProblems(*problems)


def unknown_name(what: str, name: object, known: Iterable[str], limit: int = 8) -> str:
    """``zone 'B9' is not defined; did you mean 'B2'?`` (or the names that are defined)."""
    known = [str(k) for k in known]
    close = difflib.get_close_matches(str(name), known, n=1, cutoff=0.5)
    hint = f"did you mean {close[0]!r}?" if close else _defined(known, limit)
    return f"{what} {name!r} is not defined; {hint}"


def _defined(known: list[str], limit: int) -> str:
    """The names that are defined, the first ``limit`` of them."""
    if not known:
        return "none is defined"
    return "defined: " + ", ".join(known[:limit]) + (", ..." if len(known) > limit else "")
