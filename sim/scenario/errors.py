"""The one error a planner sees for a bad scenario: file, field, what was expected."""

from __future__ import annotations

from pathlib import Path


class ScenarioError(Exception):
    """A scenario that cannot be loaded; ``str()`` is a message fit for a planner."""

    def __init__(self, path: Path | str | None, problems: list[tuple[str, str]]) -> None:
        self.path = str(path) if path is not None else "<scenario>"
        self.problems = problems
        lines = [f"{self.path}: invalid scenario"]
        for field, message in problems:
            lines.append(f"  - {field}: {message}" if field else f"  - {message}")
        super().__init__("\n".join(lines))
