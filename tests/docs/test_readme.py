"""The README's Python snippet runs as written (only smaller: fewer replications and days)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import matplotlib

REPO = Path(__file__).resolve().parents[2]


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_readme_python_snippet_runs_and_compares_equal_clocks(monkeypatch) -> None:
    matplotlib.use("Agg")
    [snippet] = python_blocks((REPO / "README.md").read_text(encoding="utf-8"))
    small = snippet.replace("reps=5", "reps=2").replace('"clock.days": 14', '"clock.days": 5')
    small = small.replace("days=14", "days=5")
    assert small != snippet  # the scaling found what it scales
    monkeypatch.chdir(REPO)
    namespace: dict = {}
    exec(compile(small, "README.md", "exec"), namespace)  # noqa: S102 - our own README
    result = namespace["result"]
    assert {s.clock.days for s in result.scenarios} == {5}
    assert len(result.differences) > 0
    assert os.path.exists(REPO / "scenarios" / "combined.yaml")
