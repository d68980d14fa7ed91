"""One pydantic error in the planner's words: a table of small formatters keyed by error type.

Each formatter gets the error with what it needs (:class:`Err`) and returns the YAML path,
the message and what was expected (kept so that the members of a union can be merged into
"expected A or B").
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic_core import ErrorDetails

from sim.scenario.schema_lookup import (
    branches,
    deref,
    description,
    distribution_tags,
    fields_at,
    length_bounds,
    required_at,
    specs_at,
)
from sim.scenario.wording import describe

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

Found = tuple[tuple, str, "str | None"]  # (path, message, expectation or None)


def _quoted_list(ctx_expected: str) -> list[str]:
    """The options pydantic lists in an error's context (``'a', 'b' or 'c'``)."""
    text = ctx_expected or ""
    return re.findall(r"'([^']*)'", text) or _split_list(text)


def _split_list(text: str) -> list[str]:
    return [s.strip() for s in re.split(r",| or ", text) if s.strip()]


def did_you_mean(value: Any, options: list[str]) -> str:
    """``; did you mean 'x'?`` for the option closest to the value ("" if none is close)."""
    close = difflib.get_close_matches(str(value), options, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _plain_number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


@dataclass(frozen=True)
class Err:
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


def _missing(e: Err) -> Found:
    desc = description(e.specs) or _needed(e)
    return e.path, f"missing (required){': ' + desc if desc else ''}", None


def _needed(e: Err) -> str:
    """"this mapping needs a, b" for the mapping holding the missing field."""
    needed = required_at(e.path[:-1], e.data) if e.path else []
    return f"this mapping needs {', '.join(needed)}" if needed else ""


def _unknown_field(e: Err) -> Found:
    allowed = fields_at(e.path[:-1], e.data)
    hint = (did_you_mean(e.path[-1], allowed) if e.path else "") or _listed(allowed)
    return e.path, f"unknown field{hint}", None


def _listed(allowed: list[str]) -> str:
    return f"; the fields here are: {', '.join(allowed)}" if allowed else ""


def _union_tags(e: Err) -> list[str]:
    """The tags a tagged union accepts."""
    return (_quoted_list(e.ctx.get("expected_tags", "")) or distribution_tags(e.specs)
            or _discriminator_tags(e.specs))


def _discriminator_tags(specs: list[dict]) -> list[str]:
    """The tags of the last tagged union among ``specs`` (empty if there is none)."""
    discs = [deref(spec).get("discriminator") for spec in specs]
    found = [list(disc["mapping"]) for disc in discs if disc]
    return found[-1] if found else []


def _union_tag(e: Err) -> Found:
    field = e.ctx.get("discriminator", "'kind'").strip("'")
    tags = _union_tags(e)
    if e.kind == "union_tag_not_found":
        return (*e.path, field), f"missing: expected one of {', '.join(tags)}", None
    tag = e.ctx.get("tag")
    return ((*e.path, field),
            f"unknown {field} {tag!r}; expected one of {', '.join(tags)}{did_you_mean(tag, tags)}",
            None)


def _literal(e: Err) -> Found:
    options = _quoted_list(e.ctx.get("expected", ""))
    expected = "one of " + ", ".join(options)
    hint = did_you_mean(e.value, options)
    if e.is_key:
        return e.path, f"{e.got} is not allowed as a key here; expected {expected}{hint}", expected
    return e.path, f"expected {expected}, got {e.got}{hint}", expected


def _number_bound(e: Err) -> Found:
    key, sym = _NUMBER_BOUNDS[e.kind]
    expected = f"a number {sym} {_plain_number(e.ctx.get(key))}"
    return e.path, f"expected {expected}, got {e.got}", expected


def _length(e: Err) -> Found:
    expected = _length_expected(e, "entries" if isinstance(e.value, dict) else "values")
    desc = description(e.specs)
    actual = e.ctx.get("actual_length")
    return e.path, f"expected {expected}, got {actual}{f' — {desc}' if desc else ''}", expected


def _length_expected(e: Err, noun: str) -> str:
    """"exactly n values", "at least n values" or "at most n values"."""
    low, high = length_bounds(e.specs)
    if low is not None and low == high:
        return f"exactly {low} {noun}"
    if e.kind == "too_short":
        return _at_least(e.ctx.get("min_length"), noun)
    return f"at most {e.ctx.get('max_length')} {noun}"


def _at_least(least: Any, noun: str) -> str:
    return f"at least {least} {noun[:-1] if least == 1 else noun}"


def _mapping(e: Err) -> Found:
    if distribution_tags(e.specs):  # a bare number or a {kind: ...} mapping
        expected = ("a number of minutes or a distribution such as "
                    "{kind: lognormal, mean: 12, sd: 6}")
    else:
        fields = fields_at(e.path, {})
        expected = "a mapping of fields" + (f" ({', '.join(fields[:8])})" if fields else "")
    return e.path, f"expected {expected}, got {e.got}", expected


def _dict_type(e: Err) -> Found:
    """A distribution written as something else is told the two ways to write one."""
    return _mapping(e) if distribution_tags(e.specs) else _simple(e)


def _simple(e: Err) -> Found:
    expected = _SIMPLE_EXPECTATIONS[e.kind]
    return e.path, f"expected {expected}, got {e.got}{_quote_note(e)}", expected


def _list_type(e: Err) -> Found:
    expected = _list_expectation(e.specs) or _SIMPLE_EXPECTATIONS["list_type"]
    return e.path, f"expected {expected}, got {e.got}", expected


def _list_expectation(specs: list[dict]) -> str:
    """"a list of a, b, c" when the list's items come from a fixed set ("" otherwise)."""
    items = [deref(b.get("items", {})) for sp in specs for b in branches(sp, None)]
    options = [v for it in items for v in it.get("enum", [])]
    return f"a list of {', '.join(map(str, options))}" if options else ""


def _quote_note(e: Err) -> str:
    """A yes/no value or a number where text was expected: say how to write it as text."""
    if e.kind != "string_type" or not isinstance(e.value, (int, float)):
        return ""
    if isinstance(e.value, bool):
        return " (write it in quotes)"
    return " (write it in quotes if it is a name or a clock time)"


def _own_words(e: Err) -> Found:
    return e.path, e.msg.removeprefix("Value error, ").removeprefix("Assertion failed, "), None


def _pydantic_words(e: Err) -> Found:
    """An error type without a formatter: pydantic's message and what was written."""
    return e.path, f"{e.msg} (got {e.got})", None


_FORMATTERS: dict[str, Callable[[Err], Found]] = {
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
    "list_type": _list_type,
    "dict_type": _dict_type,
    "value_error": _own_words,
    "assertion_error": _own_words,
}


def message(err: ErrorDetails, path: tuple, is_key: bool, data: Any) -> Found:
    """(path, message, expectation) for one pydantic error; the expectation is kept so that
    the members of a union can be merged into "expected A or B"."""
    e = Err(err["type"], err.get("ctx") or {}, err.get("input"), describe(err.get("input")),
            specs_at(path, data), path, is_key, data, err["msg"])
    return _FORMATTERS.get(e.kind, _pydantic_words)(e)
