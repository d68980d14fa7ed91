"""Where a results folder goes, and whether an existing target may be replaced.

Every output path is built by :func:`output_path`; every replacement is decided by
:func:`check_target`. A folder may be replaced only if it is empty or is a results folder
this program wrote — it holds the marker file ``.sim-results`` listing what was written —
and holds nothing else. Anything else is refused (unless ``force``), so a user's files are
never deleted by a run.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from sim.scenario.model import MAX_STEM_BYTES, is_safe_stem

MARKER = ".sim-results"
RESULTS_ROOT = Path("results")
MIN_FREE_BYTES = 32 * 2**20  # refuse to start a run with less free space than this
FORCE_HINT = "choose another -o, or add --force to replace it and everything in it"


class OutputError(Exception):
    """An output location that cannot or may not be written; ``str()`` is for the user."""


def bounded_stem(text: str, max_bytes: int = MAX_STEM_BYTES) -> str:
    """``text`` cut (at a character boundary) to at most ``max_bytes`` bytes of UTF-8."""
    while len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        text = text[:-1]
    return text


def output_path(explicit: str | os.PathLike | None, stem: str,
                root: Path = RESULTS_ROOT) -> Path:
    """The results folder: ``explicit`` (``-o``) if given, else ``root/stem``.

    The default must be one safe path component directly inside ``root``.

    Raises:
        OutputError: ``explicit`` is empty, or the default would leave ``root``.
    """
    if explicit is not None:
        return _explicit_path(str(explicit))
    return _default_path(stem, root)


def _explicit_path(explicit: str) -> Path:
    """The ``-o`` folder, refused if empty or holding a NUL byte."""
    if explicit.strip() == "":
        raise OutputError("-o: the output folder must not be empty")
    if "\0" in explicit:
        raise OutputError("-o: the output folder must not contain a NUL byte")
    return Path(explicit)


def _default_path(stem: str, root: Path) -> Path:
    """``root/stem``, refused unless it is one safe component directly inside ``root``."""
    if not is_safe_stem(stem):
        raise OutputError(f"cannot name a results folder {stem!r}: not a safe file name")
    path = root / stem
    if path.resolve().parent != root.resolve():
        raise OutputError(f"{path} would be written outside {root}/ (a symbolic link?)")
    return path


def _marker(folder: Path) -> dict | None:
    """The content of ``folder``'s marker, if it is a readable JSON object."""
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def read_manifest(folder: Path) -> set[str] | None:
    """The entries a results folder's marker lists, or None if it has no valid marker."""
    data = _marker(folder)
    if data is None or data.get("program") != "sim":
        return None
    return _names(data.get("entries"))


def _names(entries: object) -> set[str] | None:
    """The text items of a list (None if ``entries`` is not a list)."""
    if not isinstance(entries, list):
        return None
    return {e for e in entries if isinstance(e, str)}


def folder_entries(folder: Path) -> list[str]:
    """Every file, folder and link under ``folder`` (relative POSIX paths, sorted)."""
    walk = ((Path(here).relative_to(folder), dirs + files) for here, dirs, files in os.walk(folder))
    return sorted((rel / name).as_posix() for rel, names in walk for name in names)


def read_source(folder: Path) -> str | None:
    """What wrote a results folder (``sim run /abs/path.yaml``), from its marker; None if
    unknown (no marker, or written by an older sim or a command that records none)."""
    source = (_marker(folder) or {}).get("source")
    return source if isinstance(source, str) else None


def check_source(target: Path, source: str | None, force: bool = False) -> None:
    """Refuse to replace results that another command or scenario file wrote.

    A rerun of the same command on the same scenario file(s) replaces its own results;
    two scenario files with the same ``name:`` (or a compare and a run) never silently
    replace each other's. Unknown writers on either side are not compared.

    Raises:
        OutputError: the folder's marker names another source (unless ``force``).
    """
    old = None if force or source is None else read_source(Path(target))
    if old not in (None, source):
        raise OutputError(f"output {target} holds the results of `{old}`, not of "
                          f"`{source}` (two scenarios with the same name?); choose another "
                          "-o, or add --force to replace them")


def write_marker(folder: Path, source: str | None = None) -> None:
    """Mark ``folder`` as written by sim, listing everything now in it and, if known,
    what wrote it (``source``: the command and its scenario files)."""
    import sim

    data = {"program": "sim", "version": sim.__version__, "entries": folder_entries(folder)}
    if source is not None:
        data["source"] = source
    (folder / MARKER).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n",
                                 encoding="utf-8")


def foreign_entries(folder: Path, limit: int = 5) -> list[str] | None:
    """Entries of a results folder that sim did not write (up to ``limit``); None if
    ``folder`` is not a results folder (no valid marker)."""
    listed = read_manifest(folder)
    if listed is None:
        return None
    return [e for e in folder_entries(folder) if e not in listed and e != MARKER][:limit]


def _shown(entries: list[str]) -> str:
    """The first five entries, comma-separated, "..." if there are more."""
    return ", ".join(entries[:5]) + (", ..." if len(entries) > 5 else "")


def check_target(target: Path, force: bool = False) -> None:
    """Refuse a target that cannot become a results folder, or may not be replaced.

    Raises:
        OutputError: ``target`` is a file (always), a link, a folder sim did not write,
            or an earlier results folder holding other files (unless ``force``).
    """
    target = Path(target)
    _refuse_precious(target)
    _refuse_link(target, force)
    _refuse_file(target)
    if not target.exists():
        _check_ancestors(target)
    elif not (force or target.is_symlink()):
        _refuse_foreign(target)


def _refuse_link(target: Path, force: bool) -> None:
    """Refuse a symbolic link (unless ``force``)."""
    if target.is_symlink() and not force:
        raise OutputError(f"output {target} is a symbolic link; {FORCE_HINT} (the link, "
                          "not what it points to)")


def _refuse_file(target: Path) -> None:
    """Refuse a file: a results folder never replaces one."""
    if target.exists() and not target.is_dir():
        raise OutputError(f"output {target} exists and is a file, not a folder; "
                          "choose another -o")


def _refuse_foreign(target: Path) -> None:
    """Refuse an existing folder holding anything sim did not write there."""
    foreign = foreign_entries(target)
    if foreign is None:
        _refuse_unmarked(target)
    elif foreign:
        raise OutputError(f"output {target} is an earlier results folder but also holds "
                          f"files sim did not write ({_shown(foreign)}); move them out, or "
                          f"{FORCE_HINT}")


def _refuse_unmarked(target: Path) -> None:
    """Refuse a folder without a marker unless it is empty."""
    try:
        content = sorted(os.listdir(target))
    except OSError as exc:
        raise OutputError(f"output {target}: cannot read it ({exc.strerror})") from None
    if {"run.json", "sweep.json"} & set(content):
        raise OutputError(f"output {target} looks like results of an older sim (no "
                          f"{MARKER} marker), so it may hold your files too; {FORCE_HINT}")
    if content:
        raise OutputError(f"output {target} exists and is not a results folder written "
                          f"by sim (it holds {_shown(content)}); {FORCE_HINT}")


def _refuse_precious(target: Path) -> None:
    """Never replace the current folder, one of its ancestors, or the home folder."""
    if Path(os.path.abspath(target)) in _precious():
        raise OutputError(f"output {target} is the current folder, one of its parents or "
                          "the home folder; choose a folder of its own for the results")


def _precious() -> set[Path]:
    """The current folder, its ancestors and the home folder."""
    cwd = Path.cwd()
    return {cwd, *cwd.parents, Path.home()}


def check_file_target(path: Path) -> None:
    """Refuse a single-file output (``sim reference -o``, ``sim shifts propose -o``) that
    names a folder or sits under a file.

    Raises:
        OutputError: ``path`` is an existing folder, or an ancestor is a file.
    """
    path = Path(path)
    if str(path).strip() == "" or path.is_dir():
        raise OutputError(f"output {path} is a folder; -o expects a file name here")
    _check_ancestors(path)


def _check_ancestors(target: Path) -> None:
    """Refuse a target whose nearest existing ancestor is a file."""
    parent = _nearest_existing(Path(os.path.abspath(target)).parent)
    if not parent.is_dir():
        raise OutputError(f"output {target}: {parent} is a file, not a folder")


def _nearest_existing(folder: Path) -> Path:
    """``folder`` or its nearest ancestor that exists (the root at worst)."""
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def check_space(folder: Path, need: int = MIN_FREE_BYTES) -> None:
    """Refuse to start when ``folder`` cannot be written or has (roughly) no room.

    Raises:
        OutputError: a probe file cannot be written there, or less than ``need`` bytes
            are free.
    """
    try:
        free = _free_after_probe(folder)
    except OSError as exc:
        raise OutputError(f"cannot write results in {folder}: {exc.strerror or exc}") from None
    if free < need:
        raise OutputError(f"only {free / 2**20:.1f} MB free in {folder}; a run needs at "
                          f"least {need / 2**20:.0f} MB there")


def _free_after_probe(folder: Path) -> int:
    """Write (and sync) a small probe file in ``folder``; the free bytes there."""
    import tempfile

    with tempfile.TemporaryFile(dir=folder, prefix=".sim-probe-") as probe:
        probe.write(b"\0" * 4096)
        probe.flush()
        os.fsync(probe.fileno())
    return shutil.disk_usage(folder).free
