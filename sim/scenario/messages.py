"""Pydantic validation errors in the planner's terms: (YAML field path, message) pairs.

Each message says what was expected and what the planner wrote (``expected a whole number,
got 'ten'``), names fields as YAML paths (``units.foot.shifts.0.end``), suggests the closest
name for a typo (``unknown field; did you mean 'shifts'?``) and never shows pydantic's
internal labels. The member-by-member errors of a union are merged into one message.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
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


Found = tuple[tuple, str, "str | None"]  # (path, message, expectation or None)


@dataclass(frozen=True)
class _Err:
    """One pydantic error with what every formatter needs."""

    kind: str
    ctx: dict
    value: Any
    got: str
    specs: list
    path: tuple
    is_key: bool
    data: Any
    msg: str


def _missing(e: _Err) -> Found:
    desc = description(e.specs)
    if not desc and e.path:
        needed = required_at(e.path[:-1], e.data)
        desc = f"this mapping needs {', '.join(needed)}" if needed else ""
    return e.path, f"missing (required){': ' + desc if desc else ''}", None


def _unknown_field(e: _Err) -> Found:
    allowed = fields_at(e.path[:-1], e.data)
    hint = _did_you_mean(e.path[-1], allowed) if e.path else ""
    if not hint and allowed:
        hint = f"; the fields here are: {', '.join(allowed)}"
    return e.path, f"unknown field{hint}", None


def _union_tags(e: _Err) -> list[str]:
    tags = _quoted_list(e.ctx.get("expected_tags", "")) or distribution_tags(e.specs)
    for spec in e.specs if not tags else ():
        disc = deref(spec).get("discriminator")
        if disc:
            tags = list(disc["mapping"])
    return tags


def _union_tag(e: _Err) -> Found:
    field = e.ctx.get("discriminator", "'kind'").strip("'")
    tags = _union_tags(e)
    if e.kind == "union_tag_not_found":
        return (*e.path, field), f"missing: expected one of {', '.join(tags)}", None
    tag = e.ctx.get("tag")
    return ((*e.path, field),
            f"unknown {field} {tag!r}; expected one of {', '.join(tags)}{_did_you_mean(tag, tags)}",
            None)


def _literal(e: _Err) -> Found:
    options = _quoted_list(e.ctx.get("expected", ""))
    expected = "one of " + ", ".join(options)
    hint = _did_you_mean(e.value, options)
    if e.is_key:
        return e.path, f"{e.got} is not allowed as a key here; expected {expected}{hint}", expected
    return e.path, f"expected {expected}, got {e.got}{hint}", expected


def _number_bound(e: _Err) -> Found:
    key, sym = _NUMBER_BOUNDS[e.kind]
    expected = f"a number {sym} {_plain_number(e.ctx.get(key))}"
    return e.path, f"expected {expected}, got {e.got}", expected


def _length(e: _Err) -> Found:
    low, high = length_bounds(e.specs)
    noun = "entries" if isinstance(e.value, dict) else "values"
    if low is not None and low == high:
        expected = f"exactly {low} {noun}"
    elif e.kind == "too_short":
        least = e.ctx.get("min_length")
        expected = f"at least {least} {noun[:-1] if least == 1 else noun}"
    else:
        expected = f"at most {e.ctx.get('max_length')} {noun}"
    desc = description(e.specs)
    actual = e.ctx.get("actual_length")
    return e.path, f"expected {expected}, got {actual}{f' — {desc}' if desc else ''}", expected


def _mapping(e: _Err) -> Found:
    if distribution_tags(e.specs):  # a bare number or a {kind: ...} mapping
        expected = ("a number of minutes or a distribution such as "
                    "{kind: lognormal, mean: 12, sd: 6}")
    else:
        fields = fields_at(e.path, {})
        expected = "a mapping of fields" + (f" ({', '.join(fields[:8])})" if fields else "")
    return e.path, f"expected {expected}, got {e.got}", expected


def _simple(e: _Err) -> Found:
    expected = _SIMPLE_EXPECTATIONS[e.kind]
    if e.kind == "list_type":
        items = [deref(b.get("items", {})) for sp in e.specs for b in branches(sp, None)]
        options = [v for it in items for v in it.get("enum", [])]
        if options:
            expected = f"a list of {', '.join(map(str, options))}"
    return e.path, f"expected {expected}, got {e.got}{_quote_note(e)}", expected


def _quote_note(e: _Err) -> str:
    if e.kind != "string_type":
        return ""
    if isinstance(e.value, bool):
        return " (write it in quotes)"
    if isinstance(e.value, (int, float)):
        return " (write it in quotes if it is a name or a clock time)"
    return ""


def _own_words(e: _Err) -> Found:
    return e.path, e.msg.removeprefix("Value error, ").removeprefix("Assertion failed, "), None


_FORMATTERS: dict[str, Callable[[_Err], Found]] = {
    "missing": _missing,
    "extra_forbidden": _unknown_field,
    "union_tag_invalid": _union_tag,
    "union_tag_not_found": _union_tag,
    "literal_error": _literal,
    "enum": _literal,
    **dict.fromkeys(_NUMBER_BOUNDS, _number_bound),
    "too_short": _length,
    "too_long": _length,
    "model_type": _mapping,
    "model_attributes_type": _mapping,
    "dataclass_type": _mapping,
    **dict.fromkeys(_SIMPLE_EXPECTATIONS, _simple),
    "value_error": _own_words,
    "assertion_error": _own_words,
}


def _message(err: dict, path: tuple, is_key: bool, data: Any) -> Found:
    """(path, message, expectation) for one pydantic error; the expectation is kept so that
    the members of a union can be merged into "expected A or B"."""
    specs = specs_at(path, data)
    e = _Err(err["type"], err.get("ctx") or {}, err.get("input"), describe(err.get("input")),
             specs, path, is_key, data, err["msg"])
    if e.kind == "dict_type" and distribution_tags(specs):
        return _mapping(e)
    formatter = _FORMATTERS.get(e.kind)
    if formatter is None:
        return path, f"{e.msg} (got {e.got})", None
    return formatter(e)


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


def _validation_problems(errors: list[dict], data: Any) -> list[tuple[str, str]]:
    entries = [e for err in errors for e in _entries(err, data)]
    return _without_redundant(_merge_unions(entries, data))


def _entries(err: dict, data: Any) -> list[_Entry]:
    """The messages of one pydantic error (a FieldProblems error carries several)."""
    path, site, is_key = yaml_path(tuple(err["loc"]), data)
    error = (err.get("ctx") or {}).get("error")
    if err["type"] == "value_error" and isinstance(error, FieldProblems):
        return [_Entry((*path, *_relative(relative)), None, message)
                for relative, message in error.problems]
    path, message, expected = _message(err, path, is_key, data)
    return [_Entry(path, site, message, expected, _suggestion(err, path, data))]


def _relative(dotted: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in dotted.split(".") if p)


def _suggestion(err: dict, path: tuple, data: Any) -> tuple | None:
    """For an unknown field: the path of the known field it resembles (None otherwise)."""
    if err["type"] != "extra_forbidden" or not path:
        return None
    close = difflib.get_close_matches(str(path[-1]), fields_at(path[:-1], data), n=1,
                                      cutoff=0.6)
    return (*path[:-1], close[0]) if close else None


def _merge_unions(entries: list[_Entry], data: Any) -> list[_Entry]:
    """A plain union reports one error per member: keep the members that got furthest into
    the value, or merge the members' expectations into one message."""
    by_site: dict[tuple, list[_Entry]] = {}
    for entry in entries:
        if entry.site is not None:
            by_site.setdefault(entry.site, []).append(entry)
    out: list[_Entry] = []
    done: set[tuple] = set()
    for entry in entries:
        if entry.site is None:
            out.append(entry)
        elif entry.site not in done:
            done.add(entry.site)
            out += _one_site(entry.site, by_site[entry.site], data)
    return out


def _one_site(site: tuple, group: list[_Entry], data: Any) -> list[_Entry]:
    deeper = [e for e in group if len(e.path) > len(site)]
    if deeper:
        return deeper
    wanted = [e.expected for e in group if e.expected]
    if len(group) < 2 or len(wanted) != len(group):
        return group
    node = node_at(data, site)
    options = [o.strip() for w in wanted if w.startswith("one of ")
               for o in w.removeprefix("one of ").split(",")]
    hint = _did_you_mean(node, options) if isinstance(node, str) else ""
    text = f"expected {' or '.join(dict.fromkeys(wanted))}, got {describe(node)}{hint}"
    return [_Entry(site, None, text)]


def _without_redundant(entries: list[_Entry]) -> list[tuple[str, str]]:
    """"unknown field shfits; did you mean 'shifts'?" makes "shifts: missing" redundant;
    equal messages are listed once (a dict keeps the order and is linear in the count)."""
    suggested = {e.suggests for e in entries if e.suggests is not None}
    problems: dict[tuple[str, str], None] = {}
    for e in entries:
        if e.message.startswith("missing (required)") and e.path in suggested:
            continue
        problems.setdefault((format_path(e.path), e.message))
    return list(problems)
