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
import stat
from pathlib import Path
from typing import Any

import yaml

from sim.scenario.errors import ScenarioError
from sim.scenario.limits import limit, over_limit
from sim.scenario.wording import describe
from sim.scenario.yaml_dialect import ScenarioDumper, UniqueKeyLoader
from sim.scenario.yaml_nodes import node_problems

__all__ = ["ScenarioDumper", "UniqueKeyLoader", "file_problem", "read_file_bytes", "read_yaml"]

_OS_ERRORS = {
    errno.ELOOP: "is a symbolic link that loops (it points, directly or not, to itself)",
    errno.ENOTDIR: "file not found (a part of the path is a file, not a folder)",
}


def _yaml_error_message(exc: yaml.YAMLError, text: str) -> str:
    """A YAML syntax error with its line, column, the line as written and a hint for tabs."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None)
    if mark is None or problem is None:
        return f"YAML syntax error: {' '.join(str(exc).split())}"
    problem = _with_context(exc, problem, mark.line)
    message = f"YAML syntax error at line {mark.line + 1}, column {mark.column + 1}: {problem}"
    return message + _line_shown(text, mark.line) + _tab_hint(problem)


def _with_context(exc: yaml.YAMLError, problem: str, line: int) -> str:
    """The problem with the construct it was found in ("while scanning a quoted scalar")."""
    context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    if context and problem.startswith("but "):
        return f"{context}, {problem}"
    if context and context_mark is not None and context_mark.line != line:
        return f"{problem} ({context} that starts at line {context_mark.line + 1})"
    return problem


def _line_shown(text: str, index: int) -> str:
    """"; the line reads: ..." for line ``index`` (0-based) of the text, if it is not blank."""
    lines = text.splitlines()
    shown = lines[index].strip() if 0 <= index < len(lines) else ""
    if not shown:
        return ""
    return f"; the line reads: {shown[:70]}{'...' if len(shown) > 70 else ''}"


def _tab_hint(problem: str) -> str:
    return " (indent with spaces, not tabs)" if "\\t" in problem or "\t" in problem else ""


def _line_column(data: str | bytes, position: int) -> tuple[int, int]:
    """1-based line and column of a position in text (or bytes)."""
    text = data.decode("latin-1") if isinstance(data, bytes) else data  # one char per byte
    before = text[:position]
    return before.count("\n") + 1, position - (before.rfind("\n") + 1) + 1


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
    info = _stat(real)
    return info if isinstance(info, str) else _kind_problem(info)


def _stat(real: Path) -> os.stat_result | str:
    """The file's status, or why there is none."""
    try:
        return os.stat(real)
    except FileNotFoundError:
        return "file not found"
    except OSError as exc:
        return _OS_ERRORS.get(exc.errno or 0) or _unreadable(exc)
    except ValueError:  # a NUL byte in the path
        return "is not a valid file path"


def _unreadable(exc: OSError) -> str:
    return f"cannot be read: {exc.strerror or exc}"


def _kind_problem(info: os.stat_result) -> str | None:
    """A folder, a device, pipe or socket, or a file above the size limit."""
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
    raw = _read_at_most(real, shown, cap + 1)
    if len(raw) > cap:  # the file grew after the check
        problem = over_limit("file_mb", len(raw) / 2**20, "the file has {n} megabytes")
        raise _error(shown, problem or "the file is too large")
    return raw


def _read_at_most(real: Path, shown: Path, size: int) -> bytes:
    try:
        with open(real, "rb") as handle:
            return handle.read(size)
    except OSError as exc:
        raise _error(shown, _unreadable(exc)) from None


def read_yaml(path: Path, shown: Path | None = None) -> dict:
    """The top-level mapping of one YAML file (errors name it as ``shown``)."""
    real, path = path, (path if shown is None else shown)
    data = _parse(path, _decode(path, read_file_bytes(real, path)))
    if data is None:
        raise _error(path, "the file is empty")
    if not isinstance(data, dict):
        raise _error(
            path, f"expected a mapping of sections (district:, incidents:, units:, ...), "
            f"got {describe(data)}"
        )
    return data


def _parse(path: Path, text: str) -> Any:
    """The data of the YAML text, or ScenarioError."""
    try:
        return _load(path, text)
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


def _load(path: Path, text: str) -> Any:
    loader = UniqueKeyLoader(text)
    try:
        return _document(path, loader)
    finally:
        loader.dispose()


def _document(path: Path, loader: UniqueKeyLoader) -> Any:
    """The one document of the file, checked as nodes before it becomes data."""
    node = loader.get_single_node()
    if node is None:
        raise _error(path, "the file is empty; a scenario is a mapping of sections "
                     "(district, incidents, units, ...)")
    problems = node_problems(node)
    if problems:
        raise ScenarioError(path, problems)
    return loader.construct_document(node)
