"""Pydantic validation errors in the planner's terms: (YAML field path, message) pairs.

Each message says what was expected and what the planner wrote (``expected a whole number,
got 'ten'``), names fields as YAML paths (``units.foot.shifts.0.end``), suggests the closest
name for a typo (``unknown field; did you mean 'shifts'?``) and never shows pydantic's
internal labels. The member-by-member errors of a union are merged into one message.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from pydantic import ValidationError

from sim.scenario.errors import FieldProblems
from sim.scenario.schema_lookup import (
    branches,
    deref,
    description,
    distribution_tags,
    fields_at,
    length_bounds,
    node_at,
    required_at,
    specs_at,
    yaml_path,
)
from sim.scenario.wording import describe, format_path

MAX_PROBLEMS = 15
MAX_EXAMINED = 500  # pydantic errors turned into messages; the rest are only counted

_NUMBER_BOUNDS = {
    "greater_than_equal": ("ge", "≥"),
    "greater_than": ("gt", ">"),
    "less_than_equal": ("le", "≤"),
    "less_than": ("lt", "<"),
}

_SIMPLE_EXPECTATIONS = {
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "finite_number": "a finite number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "text",
    "list_type": "a list",
    "dict_type": "a mapping (name: value, ...)",
    "none_required": "nothing (null)",
}


def _quoted_list(ctx_expected: str) -> list[str]:
    found = re.findall(r"'([^']*)'", ctx_expected or "")
    return found or [s.strip() for s in re.split(r",| or ", ctx_expected or "") if s.strip()]


def _did_you_mean(value: Any, options: list[str]) -> str:
    close = difflib.get_close_matches(str(value), options, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _plain_number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _message(err: dict, path: tuple, is_key: bool, data: Any) -> tuple[tuple, str, str | None]:
    """(path, message, expectation) for one pydantic error; the expectation is kept so that
    the members of a union can be merged into "expected A or B"."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    value = err.get("input")
    got = describe(value)
    specs = specs_at(path, data)

    if kind == "missing":
        desc = description(specs)
        if not desc and path:
            needed = required_at(path[:-1], data)
            desc = f"this mapping needs {', '.join(needed)}" if needed else ""
        return path, f"missing (required){': ' + desc if desc else ''}", None
    if kind == "extra_forbidden":
        allowed = fields_at(path[:-1], data)
        hint = _did_you_mean(path[-1], allowed) if path else ""
        if not hint and allowed:
            hint = f"; the fields here are: {', '.join(allowed)}"
        return path, f"unknown field{hint}", None
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        field = ctx.get("discriminator", "'kind'").strip("'")
        tags = _quoted_list(ctx.get("expected_tags", "")) or distribution_tags(specs)
        if not tags:
            for spec in specs:
                disc = deref(spec).get("discriminator")
                if disc:
                    tags = list(disc["mapping"])
        if kind == "union_tag_not_found":
            return (*path, field), f"missing: expected one of {', '.join(tags)}", None
        tag = ctx.get("tag")
        return (
            (*path, field),
            f"unknown {field} {tag!r}; expected one of {', '.join(tags)}{_did_you_mean(tag, tags)}",
            None,
        )
    if kind == "literal_error" or kind == "enum":
        options = _quoted_list(ctx.get("expected", ""))
        expected = "one of " + ", ".join(options)
        if is_key:
            return path, f"{got} is not allowed as a key here; expected {expected}" + _did_you_mean(
                value, options), expected
        return path, f"expected {expected}, got {got}{_did_you_mean(value, options)}", expected
    if kind in _NUMBER_BOUNDS:
        key, sym = _NUMBER_BOUNDS[kind]
        expected = f"a number {sym} {_plain_number(ctx.get(key))}"
        return path, f"expected {expected}, got {got}", expected
    if kind in ("too_short", "too_long"):
        low, high = length_bounds(specs)
        actual = ctx.get("actual_length")
        noun = "entries" if isinstance(value, dict) else "values"
        if low is not None and low == high:
            expected = f"exactly {low} {noun}"
        elif kind == "too_short":
            expected = f"at least {ctx.get('min_length')} {noun[:-1] if ctx.get('min_length') == 1 else noun}"
        else:
            expected = f"at most {ctx.get('max_length')} {noun}"
        desc = description(specs)
        return path, f"expected {expected}, got {actual}{f' — {desc}' if desc else ''}", expected
    if kind in ("model_type", "model_attributes_type", "dataclass_type") or (
        kind == "dict_type" and distribution_tags(specs)
    ):
        if distribution_tags(specs):  # a bare number or a {kind: ...} mapping
            expected = ("a number of minutes or a distribution such as "
                        "{kind: lognormal, mean: 12, sd: 6}")
        else:
            fields = fields_at(path, {})
            expected = "a mapping of fields" + (f" ({', '.join(fields[:8])})" if fields else "")
        return path, f"expected {expected}, got {got}", expected
    if kind in _SIMPLE_EXPECTATIONS:
        expected = _SIMPLE_EXPECTATIONS[kind]
        if kind == "list_type":
            items = [deref(b.get("items", {})) for sp in specs for b in branches(sp, None)]
            options = [v for it in items for v in it.get("enum", [])]
            if options:
                expected = f"a list of {', '.join(map(str, options))}"
        note = ""
        if kind == "string_type" and isinstance(value, bool):
            note = " (write it in quotes)"
        if kind == "string_type" and isinstance(value, (int, float)) and not isinstance(value, bool):
            note = " (write it in quotes if it is a name or a clock time)"
        return path, f"expected {expected}, got {got}{note}", expected
    if kind in ("value_error", "assertion_error"):
        message = err["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
        return path, message, None
    return path, f"{err['msg']} (got {got})", None


def validation_problems(exc: ValidationError, data: Any = None) -> list[tuple[str, str]]:
    """Planner-readable (YAML field path, message) pairs from a pydantic error.

    ``data`` is the raw mapping that was validated; with it, paths are the planner's YAML
    paths and pydantic's internal labels are removed. At most MAX_PROBLEMS are listed.
    """
    errors = exc.errors(include_url=False)
    examined, unexamined = errors[:MAX_EXAMINED], len(errors) - MAX_EXAMINED
    try:
        problems = _validation_problems(examined, data)
    except Exception:  # never let the error report itself fail: fall back to pydantic's words
        problems = [
            (format_path(err["loc"]), f"{err['msg']} (got {describe(err.get('input'))})")
            for err in examined
        ]
    more = max(0, unexamined)
    if len(problems) > MAX_PROBLEMS:
        more += len(problems) - MAX_PROBLEMS + 1
        problems = problems[: MAX_PROBLEMS - 1]
    if more:
        problems = [*problems, ("", f"... and {more:,} more problems")]
    return problems


def _validation_problems(errors: list[dict], data: Any) -> list[tuple[str, str]]:
    entries: list[tuple[tuple, tuple | None, str, str | None]] = []
    for err in errors:
        path, site, is_key = yaml_path(tuple(err["loc"]), data)
        error = (err.get("ctx") or {}).get("error")
        if err["type"] == "value_error" and isinstance(error, FieldProblems):
            for relative, message in error.problems:
                extra = tuple(int(p) if p.isdigit() else p for p in relative.split(".") if p)
                entries.append(((*path, *extra), None, message, None))
            continue
        path, message, expected = _message(err, path, is_key, data)
        entries.append((path, site, message, expected))

    # A plain union reports one error per member: keep the members that got furthest into
    # the value, or merge the members' expectations into one message.
    out: list[tuple[tuple, str]] = []
    by_site: dict[tuple, list] = {}
    for entry in entries:
        if entry[1] is not None:
            by_site.setdefault(entry[1], []).append(entry)
    done: set[tuple] = set()
    for path, site, message, _expected in entries:
        if site is None:
            out.append((path, message))
            continue
        if site in done:
            continue
        done.add(site)
        group = by_site[site]
        deeper = [e for e in group if len(e[0]) > len(site)]
        if deeper:
            out += [(e[0], e[2]) for e in deeper]
            continue
        wanted = [e[3] for e in group if e[3]]
        if len(group) > 1 and len(wanted) == len(group):
            node = node_at(data, site)
            options = [o.strip() for w in wanted if w.startswith("one of ")
                       for o in w.removeprefix("one of ").split(",")]
            hint = _did_you_mean(node, options) if isinstance(node, str) else ""
            out.append(
                (site, f"expected {' or '.join(dict.fromkeys(wanted))}, got {describe(node)}{hint}")
            )
        else:
            out += [(e[0], e[2]) for e in group]

    # "unknown field shfits; did you mean 'shifts'?" makes "shifts: missing" redundant.
    suggested = {
        (*p[:-1], m.split("did you mean ")[1].strip("'?"))
        for p, m in out
        if m.startswith("unknown field; did you mean")
    }
    problems: dict[tuple[str, str], None] = {}  # ordered, and a set: linear in the count
    for path, message in out:
        if message.startswith("missing (required)") and path in suggested:
            continue
        problems.setdefault((format_path(path), message))
    return list(problems)
