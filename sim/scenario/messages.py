"""Pydantic validation errors in the planner's terms: (YAML field path, message) pairs.

Each message says what was expected and what the planner wrote (``expected a whole number,
got 'ten'``), names fields as YAML paths (``units.foot.shifts.0.end``), suggests the closest
name for a typo (``unknown field; did you mean 'shifts'?``) and never shows pydantic's
internal labels. The member-by-member errors of a union are merged into one message.
Each error's own message comes from the formatters in :mod:`sim.scenario.error_formats`.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from sim.scenario.error_formats import did_you_mean, message
from sim.scenario.errors import FieldProblems
from sim.scenario.schema_lookup import fields_at, node_at, yaml_path
from sim.scenario.wording import describe, format_path

MAX_PROBLEMS = 15
MAX_EXAMINED = 500  # pydantic errors turned into messages; the rest are only counted


def validation_problems(exc: ValidationError, data: Any = None) -> list[tuple[str, str]]:
    """Planner-readable (YAML field path, message) pairs from a pydantic error.

    ``data`` is the raw mapping that was validated; with it, paths are the planner's YAML
    paths and pydantic's internal labels are removed. At most MAX_PROBLEMS are listed.
    """
    errors = exc.errors(include_url=False)
    problems = _problems_of(errors[:MAX_EXAMINED], data)
    return _at_most(problems, max(0, len(errors) - MAX_EXAMINED))


def _problems_of(errors: Sequence[ErrorDetails], data: Any) -> list[tuple[str, str]]:
    try:
        return _validation_problems(errors, data)
    except Exception:  # never let the error report itself fail: fall back to pydantic's words
        return [(format_path(err["loc"]), f"{err['msg']} (got {describe(err.get('input'))})")
                for err in errors]


def _at_most(problems: list[tuple[str, str]], more: int) -> list[tuple[str, str]]:
    """At most MAX_PROBLEMS problems, the last one counting those left out."""
    if len(problems) > MAX_PROBLEMS:
        more += len(problems) - MAX_PROBLEMS + 1
        problems = problems[: MAX_PROBLEMS - 1]
    return [*problems, ("", f"... and {more:,} more problems")] if more else problems


@dataclass(frozen=True)
class _Entry:
    """A message at a YAML path; ``site`` is the union it belongs to (None: not a union
    member), ``expected`` what that member wanted, ``suggests`` the path of the field a typo
    was probably meant to be."""

    path: tuple
    site: tuple | None
    message: str
    expected: str | None = None
    suggests: tuple | None = None


def _validation_problems(errors: Sequence[ErrorDetails], data: Any) -> list[tuple[str, str]]:
    entries = [e for err in errors for e in _entries(err, data)]
    return _without_redundant(_merge_unions(entries, data))


def _entries(err: ErrorDetails, data: Any) -> list[_Entry]:
    """The messages of one pydantic error (a FieldProblems error carries several)."""
    path, site, is_key = yaml_path(tuple(err["loc"]), data)
    nested = _field_problems(err)
    if nested is not None:
        return [_Entry((*path, *_relative(relative)), None, text)
                for relative, text in nested.problems]
    path, text, expected = message(err, path, is_key, data)
    return [_Entry(path, site, text, expected, _suggestion(err, path, data))]


def _field_problems(err: ErrorDetails) -> FieldProblems | None:
    """The FieldProblems a model validator raised (None for any other error)."""
    error = (err.get("ctx") or {}).get("error")
    return error if err["type"] == "value_error" and isinstance(error, FieldProblems) else None


def _relative(dotted: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in dotted.split(".") if p)


def _suggestion(err: ErrorDetails, path: tuple, data: Any) -> tuple | None:
    """For an unknown field: the path of the known field it resembles (None otherwise)."""
    if err["type"] != "extra_forbidden" or not path:
        return None
    close = difflib.get_close_matches(str(path[-1]), fields_at(path[:-1], data), n=1,
                                      cutoff=0.6)
    return (*path[:-1], close[0]) if close else None


def _merge_unions(entries: list[_Entry], data: Any) -> list[_Entry]:
    """A plain union reports one error per member: keep the members that got furthest into
    the value, or merge the members' expectations into one message."""
    by_site = _by_site(entries)
    out: list[_Entry] = []
    for entry in entries:
        if entry.site is None:
            out.append(entry)
        elif entry.site in by_site:  # the first member of its union: the whole group
            out += _one_site(entry.site, by_site.pop(entry.site), data)
    return out


def _by_site(entries: list[_Entry]) -> dict[tuple, list[_Entry]]:
    """The union members' entries, grouped by union site (in order)."""
    by_site: dict[tuple, list[_Entry]] = {}
    for entry in entries:
        if entry.site is not None:
            by_site.setdefault(entry.site, []).append(entry)
    return by_site


def _one_site(site: tuple, group: list[_Entry], data: Any) -> list[_Entry]:
    """The members that got past the union's own value, else one merged message when every
    member said what it expected, else every member's message."""
    deeper = [e for e in group if len(e.path) > len(site)]
    if deeper:
        return deeper
    wanted = _all_expected(group)
    return [_Entry(site, None, _merged(wanted, node_at(data, site)))] if wanted else group


def _all_expected(group: list[_Entry]) -> list[str]:
    """What each of two or more members expected (empty if one did not say)."""
    wanted = [e.expected for e in group if e.expected]
    return wanted if len(group) >= 2 and len(wanted) == len(group) else []


def _merged(wanted: list[str], node: Any) -> str:
    """"expected A or B, got ..." from what each member of a union expected."""
    hint = did_you_mean(node, _options(wanted)) if isinstance(node, str) else ""
    return f"expected {' or '.join(dict.fromkeys(wanted))}, got {describe(node)}{hint}"


def _options(wanted: list[str]) -> list[str]:
    """The options of every "one of a, b" expectation."""
    return [o.strip() for w in wanted if w.startswith("one of ")
            for o in w.removeprefix("one of ").split(",")]


def _without_redundant(entries: list[_Entry]) -> list[tuple[str, str]]:
    """"unknown field shfits; did you mean 'shifts'?" makes "shifts: missing" redundant;
    equal messages are listed once (a dict keeps the order and is linear in the count)."""
    suggested = {e.suggests for e in entries if e.suggests is not None}
    kept = [e for e in entries if not _redundant(e, suggested)]
    return list(dict.fromkeys((format_path(e.path), e.message) for e in kept))


def _redundant(entry: _Entry, suggested: set[tuple]) -> bool:
    return entry.message.startswith("missing (required)") and entry.path in suggested
