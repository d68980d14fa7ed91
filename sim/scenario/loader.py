"""Reading scenario files: YAML, ``extends:`` with deep merge, overrides, and clear errors.

Whatever is wrong with a scenario file, the loader raises :class:`ScenarioError` naming the
file, the field as a YAML path (``units.foot.shifts.0.end``) and what was expected; never
another exception.
"""

from __future__ import annotations

import copy
import difflib
import functools
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from sim.scenario.errors import FieldProblems, ScenarioError
from sim.scenario.model import Scenario

# --------------------------------------------------------------------------------------------
# YAML
# --------------------------------------------------------------------------------------------


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that rejects a key written twice in one mapping.

    Scalars follow YAML 1.2 rather than PyYAML's YAML 1.1: an unquoted ``08:00`` is text (a
    clock time), not the base-60 integer 480; ``010`` is ten, not octal eight; ``1e9`` is a
    number, not text; only ``true``/``false`` are booleans (``yes``, ``no``, ``on``, ``off``
    stay text, so a zone called ``NO`` is not ``false``; boolean fields still accept them).
    """


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":  # `<<: *anchor` (merged, may be overridden)
            continue
        key = loader.construct_object(key_node, deep=deep)
        try:
            duplicate = key in seen
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain name, not a list or mapping", key_node.start_mark
            ) from None
        if duplicate:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} appears twice", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


def _construct_int(loader: _UniqueKeyLoader, node: yaml.ScalarNode) -> int:
    text = str(loader.construct_scalar(node)).replace("_", "")
    sign = -1 if text.startswith("-") else 1
    body = text.lstrip("+-")
    if body[:2].lower() in ("0x", "0o", "0b"):
        return sign * int(body, 0)
    return sign * int(body, 10)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_UniqueKeyLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)

_REPLACED_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool")
_UniqueKeyLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _REPLACED_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_UniqueKeyLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
_UniqueKeyLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?[0-9][0-9_]*|0x[0-9a-fA-F_]+|0o[0-7_]+)$"),
    list("-+0123456789"),
)
_UniqueKeyLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)


def _node_problems(
    node: yaml.Node, path: tuple = (), ancestors: frozenset[int] = frozenset()
) -> list[tuple[str, str]]:
    """Keys written twice, keys that are not names, aliases that contain themselves."""
    if id(node) in ancestors:
        return [(_format_path(path), "an alias (*name) refers to a mapping or list that "
                 "contains it")]
    problems: list[tuple[str, str]] = []
    inner = ancestors | {id(node)}
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(
                    (_format_path(path), f"line {line}: a key must be a plain name, not a list "
                     "or a mapping")
                )
                continue
            key = key_node.value
            if key in seen and key_node.tag != "tag:yaml.org,2002:merge":
                problems.append(
                    (_format_path((*path, key)), f"written twice in the same mapping (lines "
                     f"{seen[key]} and {line}); keep one")
                )
            seen.setdefault(key, line)
            problems += _node_problems(value_node, (*path, key), inner)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            problems += _node_problems(item, (*path, index), inner)
    return problems


def _yaml_error_message(exc: yaml.YAMLError, text: str) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None)
    if mark is None or problem is None:
        return f"YAML syntax error: {' '.join(str(exc).split())}"
    context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    if context and problem.startswith("but "):
        problem = f"{context}, {problem}"
    elif context and context_mark is not None and context_mark.line != mark.line:
        problem += f" ({context} that starts at line {context_mark.line + 1})"
    message = f"YAML syntax error at line {mark.line + 1}, column {mark.column + 1}: {problem}"
    lines = text.splitlines()
    if 0 <= mark.line < len(lines) and lines[mark.line].strip():
        shown = lines[mark.line].strip()
        message += f"; the line reads: {shown[:70]}{'...' if len(shown) > 70 else ''}"
    if "\\t" in problem or "\t" in problem:
        message += " (indent with spaces, not tabs)"
    return message


def _decode(path: Path, raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ScenarioError(
            path, [("", "the file is saved as UTF-16; save it as UTF-8 (plain text) instead")]
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise ScenarioError(
            path,
            [("", f"not UTF-8 text: byte 0x{raw[exc.start]:02x} at line {line}, column {column} "
              "cannot be read; save the file as UTF-8")],
        ) from None


def _read_yaml(path: Path, shown: Path | None = None) -> dict:
    """The top-level mapping of one YAML file (errors name it as ``shown``)."""
    real, path = path, (path if shown is None else shown)
    try:
        raw = real.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(path, [("", "file not found")]) from None
    except IsADirectoryError:
        raise ScenarioError(path, [("", "is a folder, not a scenario file")]) from None
    except OSError as exc:
        raise ScenarioError(path, [("", f"cannot be read: {exc.strerror or exc}")]) from None
    text = _decode(path, raw)
    loader = None
    try:
        loader = _UniqueKeyLoader(text)
        node = loader.get_single_node()
        if node is None:
            raise ScenarioError(path, [("", "the file is empty; a scenario is a mapping of "
                                        "sections (district, incidents, units, ...)")])
        problems = _node_problems(node)
        if problems:
            raise ScenarioError(path, problems)
        data = loader.construct_document(node)
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position]
        line, column = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        raise ScenarioError(
            path,
            [("", f"YAML syntax error at line {line}, column {column}: the control character "
              f"U+{exc.character:04X} is not allowed in a text file")],
        ) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(path, [("", _yaml_error_message(exc, text))]) from None
    except RecursionError:
        raise ScenarioError(path, [("", "nested too deeply to read")]) from None
    finally:
        if loader is not None:
            loader.dispose()
    if data is None:
        raise ScenarioError(path, [("", "the file is empty")])
    if not isinstance(data, dict):
        raise ScenarioError(
            path,
            [("", f"expected a mapping of sections (district:, incidents:, units:, ...), "
              f"got {_describe(data)}")],
        )
    return data


# --------------------------------------------------------------------------------------------
# extends: and overrides
# --------------------------------------------------------------------------------------------


def deep_merge(base: dict, override: dict) -> dict:
    """Merge ``override`` into a copy of ``base``: mappings merge key by key, anything else replaces."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _read_chain(
    path: Path, chain: tuple[Path, ...], shown: Path | None = None
) -> tuple[dict, tuple[Path, ...]]:
    """The merged mapping of ``path`` and the files it extends (itself first).

    ``shown`` is the file's name as the planner wrote it (used in messages).
    """
    shown = Path(path) if shown is None else shown
    path = Path(path).resolve()
    if path in chain:
        cycle = " → ".join(p.name for p in (*chain, path))
        raise ScenarioError(shown, [("extends", f"circular extends: {cycle}")])
    data = _read_yaml(path, shown)
    parent = data.pop("extends", None)
    if parent is None:
        return data, (path,)
    if not isinstance(parent, str) or not parent.strip():
        raise ScenarioError(
            shown, [("extends", f"expected the path of another scenario file, got {_describe(parent)}")]
        )
    parent_path = (path.parent / parent).resolve()
    if not parent_path.is_file():
        what = "is a folder, not a scenario file" if parent_path.is_dir() else "not found"
        raise ScenarioError(shown, [("extends", f"file {parent!r} {what} (next to {path.name})")])
    base, files = _read_chain(parent_path, (*chain, path), Path(os.path.normpath(shown.parent / parent)))
    return deep_merge(base, data), (path, *files)


def read_scenario_dict(path: Path | str, _chain: tuple[Path, ...] = ()) -> dict:
    """The raw scenario mapping of a file with its ``extends:`` chain merged in."""
    return _read_chain(Path(path), _chain)[0]


def set_path(data: dict, dotted: str, value: Any) -> dict:
    """A copy of ``data`` with the value at a dotted path (``units.foot.count``) replaced.

    Missing mappings on the way are created; a bad path raises ScenarioError naming it.
    """
    parts = str(dotted).split(".")
    if not all(part.strip() for part in parts):
        raise ScenarioError(None, [(str(dotted), "expected a field path such as units.foot.count")])
    out = copy.deepcopy(data)
    node: Any = out
    for depth, part in enumerate(parts):
        where = ".".join(parts[:depth]) or "the scenario"
        last = depth == len(parts) - 1
        if isinstance(node, list):
            if not part.isdigit():
                raise ScenarioError(
                    None, [(dotted, f"{where} is a list: expected an index 0..{len(node) - 1}, "
                            f"got {part!r}")]
                )
            index = int(part)
            if index >= len(node):
                raise ScenarioError(
                    None, [(dotted, f"{where} has {len(node)} entries: index {index} is out of range")]
                )
            if last:
                node[index] = value
            else:
                if node[index] is None:
                    node[index] = {}
                node = node[index]
        elif isinstance(node, dict):
            if last:
                node[part] = value
            else:
                if node.get(part) is None:
                    node[part] = {}
                node = node[part]
        else:
            raise ScenarioError(
                None, [(dotted, f"{where} is a single value ({_describe(node)}), not a section: "
                        f"it has no field {part!r}")]
            )
    return out


# --------------------------------------------------------------------------------------------
# Validation errors in the planner's terms
# --------------------------------------------------------------------------------------------


def _format_path(path: tuple | list) -> str:
    return ".".join(str(part) for part in path) or "(top level)"


def _format_location(loc: tuple) -> str:
    return _format_path(loc)


def _flow(value: Any, depth: int = 0) -> str:
    """A short YAML-like rendering of a value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, list):
        if depth > 1:
            return "[...]"
        return "[" + ", ".join(_flow(v, depth + 1) for v in value) + "]"
    if isinstance(value, dict):
        if depth > 1:
            return "{...}"
        return "{" + ", ".join(f"{k}: {_flow(v, depth + 1)}" for k, v in value.items()) + "}"
    return repr(value)


def _describe(value: Any) -> str:
    """What the planner wrote, briefly: ``'ten'``, ``-3``, ``a list of 23 values``."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"{_flow(value)} (a yes/no value)"
    if isinstance(value, list) and not value:
        return "an empty list"
    if isinstance(value, dict) and not value:
        return "an empty mapping"
    text = _flow(value)
    if len(text) <= 60:
        kind = "list " if isinstance(value, list) else "mapping " if isinstance(value, dict) else ""
        return f"the {kind}{text}" if kind else text
    if isinstance(value, list):
        return f"a list of {len(value)} values"
    if isinstance(value, dict):
        return f"a mapping with keys {', '.join(map(str, list(value)[:6]))}"
    return text[:57] + "..."


_short = _describe  # kept for callers of the old name


@functools.lru_cache(maxsize=1)
def _schema() -> dict:
    return Scenario.model_json_schema(by_alias=True)


def _deref(spec: dict) -> dict:
    defs = _schema().get("$defs", {})
    seen = 0
    while isinstance(spec, dict) and "$ref" in spec and seen < 50:
        extra = {k: v for k, v in spec.items() if k != "$ref"}
        spec = {**defs.get(spec["$ref"].split("/")[-1], {}), **extra}
        seen += 1
    return spec


def _branches(spec: dict, node: Any) -> list[dict]:
    """The concrete schemas a value may match (unions expanded; tagged unions by their tag)."""
    spec = _deref(spec)
    options = spec.get("oneOf") or spec.get("anyOf")
    if not options:
        return [spec] if spec.get("type") != "null" else []
    disc = spec.get("discriminator")
    if disc and isinstance(node, dict) and node.get(disc["propertyName"]) in disc["mapping"]:
        return [_deref({"$ref": disc["mapping"][node[disc["propertyName"]]]})]
    out: list[dict] = []
    for option in options:
        out += _branches(option, node)
    return out


def _step(node: Any, part: Any) -> Any:
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None


def _specs_at(path: tuple, data: Any) -> list[dict]:
    """Schemas of the field at a YAML path (several when the path runs through a union)."""
    specs: list[dict] = [_schema()]
    node = data
    for part in path:
        found: list[dict] = []
        for spec in specs:
            for branch in _branches(spec, node):
                if isinstance(part, int) and branch.get("type") == "array":
                    found.append(branch.get("items", {}))
                elif isinstance(part, str) and part in branch.get("properties", {}):
                    found.append(branch["properties"][part])
                elif isinstance(branch.get("additionalProperties"), dict):
                    found.append(branch["additionalProperties"])
        specs, node = found, _step(node, part)
    return specs


def _fields_at(path: tuple, data: Any) -> list[str]:
    """Field names allowed in the mapping at ``path``."""
    node = data
    for part in path:
        node = _step(node, part)
    names: list[str] = []
    for spec in _specs_at(path, data):
        for branch in _branches(spec, node):
            names += [n for n in branch.get("properties", {}) if n not in names]
    return names


def _required_at(path: tuple, data: Any) -> list[str]:
    """Required field names of the mapping at ``path``."""
    node = data
    for part in path:
        node = _step(node, part)
    names: list[str] = []
    for spec in _specs_at(path, data):
        for branch in _branches(spec, node):
            names += [n for n in branch.get("required", []) if n not in names]
    return names


def _distribution_tags(specs: list[dict]) -> list[str]:
    for spec in specs:
        spec = _deref(spec)
        for option in [spec, *(spec.get("anyOf") or [])]:
            disc = _deref(option).get("discriminator")
            if disc and "lognormal" in disc.get("mapping", {}):
                return list(disc["mapping"])
    return []


def _description(specs: list[dict]) -> str:
    for spec in specs:
        text = spec.get("description") or _deref(spec).get("description")
        if text:
            return " ".join(text.split()).rstrip(".")
    return ""


def _length_bounds(specs: list[dict]) -> tuple[int | None, int | None]:
    for spec in specs:
        for branch in _branches(spec, None):
            if "minItems" in branch or "maxItems" in branch:
                return branch.get("minItems"), branch.get("maxItems")
    return None, None


@functools.lru_cache(maxsize=1)
def _union_tags() -> frozenset[str]:
    """Every tag of a tagged union in the schema (distribution kinds, behaviour kinds)."""
    tags: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            disc = node.get("discriminator")
            if isinstance(disc, dict):
                tags.update(disc.get("mapping", {}))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(_schema())
    return frozenset(tags)


def _yaml_path(loc: tuple, data: Any) -> tuple[tuple, tuple | None, bool]:
    """A pydantic location → (YAML path, union site, is-a-key error).

    Parts of the location that are not in the planner's data are pydantic's own labels (union
    members such as ``list[...]`` or ``literal[...]``, the tag of a tagged union, validator
    wrappers such as ``function-after[...]``): they are dropped. The *union site* is the path
    at which a plain union was tried member by member (its errors are merged).
    """
    if data is None:  # no data to follow: drop what looks like a pydantic label
        tags = _union_tags()
        kept = tuple(p for p in loc if isinstance(p, int) or (
            isinstance(p, str) and "[" not in p and "(" not in p and p not in tags))
        return kept, None, "[key]" in loc
    node, out, site, is_key = data, [], None, False
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        if part == "[key]":
            is_key = True
            continue
        if isinstance(node, dict) and isinstance(part, (str, int)) and part in node:
            out.append(part)
            node = node[part]
            continue
        if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            out.append(part)
            node = node[part]
            continue
        if isinstance(part, str) and ("[" in part or "(" in part):
            if site is None:
                site = tuple(out)
            continue
        if isinstance(node, dict):
            if node.get("kind") == part:  # tag of a tagged union (distributions, behaviours)
                continue
            if last:  # a missing or unknown field
                out.append(part)
            continue
        # node is a plain value: the rest names fields the planner did not write
        # (e.g. ``fixed.value`` of a bare-number distribution).
    return tuple(out), site, is_key


def _quoted_list(ctx_expected: str) -> list[str]:
    found = re.findall(r"'([^']*)'", ctx_expected or "")
    return found or [s.strip() for s in re.split(r",| or ", ctx_expected or "") if s.strip()]


def _did_you_mean(value: Any, options: list[str]) -> str:
    close = difflib.get_close_matches(str(value), options, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


_NUMBER_BOUNDS = {
    "greater_than_equal": ("ge", "≥"),
    "greater_than": ("gt", ">"),
    "less_than_equal": ("le", "≤"),
    "less_than": ("lt", "<"),
}


def _plain_number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _message(err: dict, path: tuple, is_key: bool, data: Any) -> tuple[tuple, str, str | None]:
    """(path, message, expectation) for one pydantic error; the expectation is kept so that
    the members of a union can be merged into "expected A or B"."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    value = err.get("input")
    got = _describe(value)
    specs = _specs_at(path, data)

    if kind == "missing":
        desc = _description(specs)
        if not desc and path:
            needed = _required_at(path[:-1], data)
            desc = f"this mapping needs {', '.join(needed)}" if needed else ""
        return path, f"missing (required){': ' + desc if desc else ''}", None
    if kind == "extra_forbidden":
        allowed = _fields_at(path[:-1], data)
        hint = _did_you_mean(path[-1], allowed) if path else ""
        if not hint and allowed:
            hint = f"; the fields here are: {', '.join(allowed)}"
        return path, f"unknown field{hint}", None
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        field = ctx.get("discriminator", "'kind'").strip("'")
        tags = _quoted_list(ctx.get("expected_tags", "")) or _distribution_tags(specs)
        if not tags:
            for spec in specs:
                disc = _deref(spec).get("discriminator")
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
        low, high = _length_bounds(specs)
        actual = ctx.get("actual_length")
        noun = "entries" if isinstance(value, dict) else "values"
        if low is not None and low == high:
            expected = f"exactly {low} {noun}"
        elif kind == "too_short":
            expected = f"at least {ctx.get('min_length')} {noun[:-1] if ctx.get('min_length') == 1 else noun}"
        else:
            expected = f"at most {ctx.get('max_length')} {noun}"
        desc = _description(specs)
        return path, f"expected {expected}, got {actual}{f' — {desc}' if desc else ''}", expected
    simple = {
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
    if kind in ("model_type", "model_attributes_type", "dataclass_type") or (
        kind == "dict_type" and _distribution_tags(specs)
    ):
        tags = _distribution_tags(specs)
        if tags:
            expected = ("a number of minutes or a distribution such as "
                        "{kind: lognormal, mean: 12, sd: 6}")
        else:
            fields = _fields_at(path, {})
            expected = "a mapping of fields" + (f" ({', '.join(fields[:8])})" if fields else "")
        return path, f"expected {expected}, got {got}", expected
    if kind in simple:
        expected = simple[kind]
        if kind == "list_type":
            items = [_deref(b.get("items", {})) for sp in specs for b in _branches(sp, None)]
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


MAX_PROBLEMS = 15


def validation_problems(exc: ValidationError, data: Any = None) -> list[tuple[str, str]]:
    """Planner-readable (YAML field path, message) pairs from a pydantic error.

    ``data`` is the raw mapping that was validated; with it, paths are the planner's YAML
    paths and pydantic's internal labels are removed. At most MAX_PROBLEMS are listed.
    """
    try:
        problems = _validation_problems(exc, data)
    except Exception:  # never let the error report itself fail: fall back to pydantic's words
        problems = [
            (_format_path(err["loc"]), f"{err['msg']} (got {_describe(err.get('input'))})")
            for err in exc.errors(include_url=False)
        ]
    if len(problems) > MAX_PROBLEMS:
        more = len(problems) - MAX_PROBLEMS + 1
        problems = [*problems[: MAX_PROBLEMS - 1], ("", f"... and {more} more problems")]
    return problems


def _validation_problems(exc: ValidationError, data: Any) -> list[tuple[str, str]]:
    entries: list[tuple[tuple, tuple | None, str, str | None]] = []
    for err in exc.errors(include_url=False):
        path, site, is_key = _yaml_path(tuple(err["loc"]), data)
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
            node = data
            for part in site:
                node = _step(node, part)
            options = [o.strip() for w in wanted if w.startswith("one of ")
                       for o in w.removeprefix("one of ").split(",")]
            hint = _did_you_mean(node, options) if isinstance(node, str) else ""
            out.append(
                (site, f"expected {' or '.join(dict.fromkeys(wanted))}, got {_describe(node)}{hint}")
            )
        else:
            out += [(e[0], e[2]) for e in group]

    # "unknown field shfits; did you mean 'shifts'?" makes "shifts: missing" redundant.
    suggested = {
        (*p[:-1], m.split("did you mean ")[1].strip("'?"))
        for p, m in out
        if m.startswith("unknown field; did you mean")
    }
    problems: list[tuple[str, str]] = []
    for path, message in out:
        if message.startswith("missing (required)") and path in suggested:
            continue
        item = (_format_path(path), message)
        if item not in problems:
            problems.append(item)
    return problems


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


def scenario_from_dict(data: dict, path: Path | str | None = None, note: str = "") -> Scenario:
    """Validate a raw mapping into a Scenario, or raise ScenarioError."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(path, validation_problems(exc, data), note) from None
    except RecursionError:
        raise ScenarioError(path, [("", "nested too deeply to validate")], note) from None


def load_scenario(path: Path | str, overrides: dict[str, Any] | None = None) -> Scenario:
    """Load, merge ``extends:``, apply dotted-path overrides and validate a scenario file."""
    data, files = _read_chain(Path(path), ())
    if "name" not in data:
        data["name"] = Path(path).stem
    for dotted, value in (overrides or {}).items():
        try:
            data = set_path(data, dotted, value)
        except ScenarioError as exc:
            raise ScenarioError(path, [(f"--set {f}", m) for f, m in exc.problems]) from None
    note = "after merging extends: " + " → ".join(f.name for f in files[1:]) if len(files) > 1 else ""
    return scenario_from_dict(data, path, note)


def with_changes(scenario: Scenario, changes: dict[str, Any]) -> Scenario:
    """A new scenario: ``scenario`` with dotted-path changes applied, validated again."""
    data = scenario_to_dict(scenario)
    for dotted, value in changes.items():
        data = set_path(data, dotted, value)
    return scenario_from_dict(data)


def scenario_to_dict(scenario: Scenario) -> dict:
    """The fully resolved scenario (defaults filled in) as plain data."""
    return scenario.model_dump(mode="json", by_alias=True)


class _Dumper(yaml.SafeDumper):
    """Quotes every string that YAML 1.1 *or* this loader would read as something else."""


_Dumper.yaml_implicit_resolvers = {
    first: list(dict.fromkeys([*yaml.SafeDumper.yaml_implicit_resolvers.get(first, []),
                               *_UniqueKeyLoader.yaml_implicit_resolvers.get(first, [])]))
    for first in {*yaml.SafeDumper.yaml_implicit_resolvers,
                  *_UniqueKeyLoader.yaml_implicit_resolvers}
}


def scenario_yaml(scenario: Scenario) -> str:
    """The fully resolved scenario as YAML (reads back to an equal scenario)."""
    return yaml.dump(
        scenario_to_dict(scenario), Dumper=_Dumper, sort_keys=False, allow_unicode=True
    )


def scenario_hash(scenario: Scenario) -> str:
    """A stable short hash of the resolved scenario (for run records and caches)."""
    blob = json.dumps(scenario_to_dict(scenario), sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:16]
