"""Reading one scenario file's YAML text into data, with errors a planner can act on.

Scalars follow YAML 1.2 (see :class:`UniqueKeyLoader`); a key written twice, a key that is
not a name, an alias that contains itself, a syntax error, a control character, a file that
is not UTF-8, empty or not a mapping: each raises :class:`ScenarioError` naming the file,
the line and, where there is one, the field path. :class:`ScenarioDumper` writes YAML that
this reader (and any YAML 1.1 reader) reads back to the same values.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

from sim.scenario.errors import ScenarioError
from sim.scenario.limits import limit, over_limit
from sim.scenario.wording import describe, format_path

_MERGE_TAG = "tag:yaml.org,2002:merge"


class UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that rejects a key written twice in one mapping.

    Scalars follow YAML 1.2 rather than PyYAML's YAML 1.1: an unquoted ``08:00`` is text (a
    clock time), not the base-60 integer 480; ``010`` is ten, not octal eight; ``1e9`` is a
    number, not text; only ``true``/``false`` are booleans (``yes``, ``no``, ``on``, ``off``
    stay text, so a zone called ``NO`` is not ``false``; boolean fields still accept them).
    """


def _construct_mapping(loader: UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        if key_node.tag == _MERGE_TAG:  # `<<: *anchor` (merged, may be overridden)
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


def _construct_int(loader: UniqueKeyLoader, node: yaml.ScalarNode) -> int:
    text = str(loader.construct_scalar(node)).replace("_", "")
    sign = -1 if text.startswith("-") else 1
    body = text.lstrip("+-")
    if body[:2].lower() in ("0x", "0o", "0b"):
        return sign * int(body, 0)
    return sign * int(body, 10)


UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
UniqueKeyLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)

_REPLACED_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool")
UniqueKeyLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _REPLACED_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
UniqueKeyLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
UniqueKeyLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?[0-9][0-9_]*|0x[0-9a-fA-F_]+|0o[0-7_]+)$"),
    list("-+0123456789"),
)
UniqueKeyLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)


class ScenarioDumper(yaml.SafeDumper):
    """Quotes every string that YAML 1.1 *or* this loader would read as something else."""


ScenarioDumper.yaml_implicit_resolvers = {
    first: list(dict.fromkeys([*yaml.SafeDumper.yaml_implicit_resolvers.get(first, []),
                               *UniqueKeyLoader.yaml_implicit_resolvers.get(first, [])]))
    for first in {*yaml.SafeDumper.yaml_implicit_resolvers,
                  *UniqueKeyLoader.yaml_implicit_resolvers}
}


class _NodeWalk:
    """One pass over a composed YAML node graph, each node visited once (aliases are shared
    nodes, so a "billion laughs" file is walked in time linear in its size).

    Collects keys written twice, keys that are not names and aliases that contain
    themselves; :meth:`size` returns how many values the node stands for once every alias
    is expanded (what the scenario models would have to validate).
    """

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []
        self._sizes: dict[int, int] = {}
        self._open: set[int] = set()

    def size(self, node: yaml.Node, path: tuple = ()) -> int:
        key = id(node)
        if key in self._open:
            self.problems.append((format_path(path), "an alias (*name) refers to a mapping or "
                                  "list that contains it"))
            return 1
        if key in self._sizes:
            return self._sizes[key]
        self._open.add(key)
        total = 1
        if isinstance(node, yaml.MappingNode):
            total += self._mapping(node, path)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                total += self.size(item, (*path, index))
        self._open.discard(key)
        self._sizes[key] = total
        return total

    def _mapping(self, node: yaml.MappingNode, path: tuple) -> int:
        total = 0
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append((format_path(path), f"line {line}: a key must be a plain "
                                      "name, not a list or a mapping"))
                continue
            key = key_node.value
            if key in seen and key_node.tag != _MERGE_TAG:
                self.problems.append((format_path((*path, key)), f"written twice in the same "
                                      f"mapping (lines {seen[key]} and {line}); keep one"))
            seen.setdefault(key, line)
            total += 1 + self.size(value_node, (*path, key))
        return total


def _node_problems(node: yaml.Node) -> list[tuple[str, str]]:
    """Keys written twice, keys that are not names, aliases that contain themselves, and an
    alias expansion beyond the limit of values (named at the largest top-level field)."""
    walk = _NodeWalk()
    total = walk.size(node)
    if walk.problems:
        return walk.problems
    problem = over_limit(
        "yaml_values", total, "aliases (*name) expand the file to {n} values")
    if problem is None:
        return []
    field = ""
    if isinstance(node, yaml.MappingNode) and node.value:
        biggest = max(node.value, key=lambda kv: walk.size(kv[1]))
        field = str(biggest[0].value) if isinstance(biggest[0], yaml.ScalarNode) else ""
    return [(field, problem)]


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


def _line_column(data: str | bytes, position: int) -> tuple[int, int]:
    """1-based line and column of a position in text (or bytes)."""
    newline = b"\n" if isinstance(data, bytes) else "\n"
    before = data[:position]
    return before.count(newline) + 1, position - (before.rfind(newline) + 1) + 1


def _error(path: Path, message: str) -> ScenarioError:
    """A problem with the file as a whole (no field path)."""
    return ScenarioError(path, [("", message)])


def _decode(path: Path, raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _error(path, "the file is saved as UTF-16; save it as UTF-8 (plain text) instead")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, column = _line_column(raw, exc.start)
        raise _error(
            path, f"not UTF-8 text: byte 0x{raw[exc.start]:02x} at line {line}, column {column} "
            "cannot be read; save the file as UTF-8"
        ) from None


def file_problem(real: Path) -> str | None:
    """Why ``real`` cannot be a scenario file (missing, a folder, a device, a pipe, a
    symbolic-link loop, too large), or None. Checked with ``stat`` before opening, so a FIFO
    or ``/dev/zero`` is refused instead of hanging or filling memory."""
    try:
        info = os.stat(real)
    except FileNotFoundError:
        return "file not found"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "is a symbolic link that loops (it points, directly or not, to itself)"
        if exc.errno == errno.ENOTDIR:
            return "file not found (a part of the path is a file, not a folder)"
        return f"cannot be read: {exc.strerror or exc}"
    except ValueError:  # a NUL byte in the path
        return "is not a valid file path"
    if stat.S_ISDIR(info.st_mode):
        return "is a folder, not a scenario file"
    if not stat.S_ISREG(info.st_mode):
        return ("is not a regular file (a device, pipe or socket); give the path of a "
                "scenario file")
    return over_limit("file_mb", info.st_size / 2**20, "the file has {n} megabytes")


def read_file_bytes(real: Path, shown: Path) -> bytes:
    """The bytes of a regular file of at most the size limit, or ScenarioError."""
    problem = file_problem(real)
    if problem is not None:
        raise _error(shown, problem)
    cap = limit("file_mb") * 2**20
    try:
        with open(real, "rb") as handle:
            raw = handle.read(cap + 1)
    except OSError as exc:
        raise _error(shown, f"cannot be read: {exc.strerror or exc}") from None
    if len(raw) > cap:  # the file grew after the check
        problem = over_limit("file_mb", len(raw) / 2**20, "the file has {n} megabytes")
        raise _error(shown, problem or "the file is too large")
    return raw


def read_yaml(path: Path, shown: Path | None = None) -> dict:
    """The top-level mapping of one YAML file (errors name it as ``shown``)."""
    real, path = path, (path if shown is None else shown)
    text = _decode(path, read_file_bytes(real, path))
    loader = None
    try:
        loader = UniqueKeyLoader(text)
        node = loader.get_single_node()
        if node is None:
            raise _error(path, "the file is empty; a scenario is a mapping of sections "
                         "(district, incidents, units, ...)")
        problems = _node_problems(node)
        if problems:
            raise ScenarioError(path, problems)
        data = loader.construct_document(node)
    except yaml.reader.ReaderError as exc:
        line, column = _line_column(text, exc.position)
        raise _error(
            path, f"YAML syntax error at line {line}, column {column}: the control character "
            f"U+{exc.character:04X} is not allowed in a text file"
        ) from None
    except yaml.YAMLError as exc:
        raise _error(path, _yaml_error_message(exc, text)) from None
    except RecursionError:
        raise _error(path, "nested too deeply to read") from None
    finally:
        if loader is not None:
            loader.dispose()
    if data is None:
        raise _error(path, "the file is empty")
    if not isinstance(data, dict):
        raise _error(
            path, f"expected a mapping of sections (district:, incidents:, units:, ...), "
            f"got {describe(data)}"
        )
    return data
