"""docs/decisions.md: its commands and Python snippets run as written, only smaller
(fewer days and replications)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from sim.cli import main

REPO = Path(__file__).resolve().parents[2]
DOC = (REPO / "docs" / "decisions.md").read_text(encoding="utf-8")
SMALLER = {
    "select": ["--days", "6", "--n0", "2", "--max-reps", "2"],
    "shifts": ["--days", "6", "--reps", "2"],
    "staff": ["--days", "6", "--reps", "2", "--max-reps", "2"],
}


def doc_commands() -> list[list[str]]:
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", DOC, flags=re.S):
        commands += [shlex.split(c) for c in block.replace("\\\n", " ").splitlines()
                     if c.startswith("sim ")]
    return commands


def test_the_doc_has_the_commands():
    assert [c[1] for c in doc_commands()] == ["select", "select", "shifts", "staff", "staff"]


@pytest.mark.parametrize("argv", doc_commands(), ids=lambda a: a[1])
def test_doc_command_runs_scaled_down(argv: list[str], tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    args = argv[1:]
    out = args.index("-o")
    args[out + 1] = str(tmp_path / "out")
    args = [a for a in args if a not in ("--jobs", "2")] + SMALLER[argv[1]] + ["--no-cache"]
    assert main(args) == 0
    assert (tmp_path / "out").is_dir()


def test_doc_select_snippet_runs_scaled_down(monkeypatch) -> None:
    [snippet] = [b for b in re.findall(r"```python\n(.*?)```", DOC, flags=re.S)
                 if "sim.select" in b]
    small = (snippet.replace('"clock.days": 28', '"clock.days": 6')
             .replace("delta=30, jobs=2", "delta=30, n0=2, max_reps=2")
             .replace("budget=90, delta=0.01", "budget=8, n0=2, delta=0.01"))
    assert small.count("n0=2") == 2
    monkeypatch.chdir(REPO)
    namespace: dict = {}
    exec(compile(small, "decisions.md", "exec"), namespace)  # noqa: S102 - our own doc
    assert namespace["result"].statement()
    assert int(namespace["ocba"].table["reps"].sum()) == 8
