"""Shared fixtures: every test gets its own replication cache, never the user's."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.report import zh_report  # noqa: F401  (a session fixture: drawn once)


@pytest.fixture(autouse=True)
def private_replication_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``$SIM_CACHE_DIR`` → ``<tmp_path>/sim-cache`` (inherited by subprocesses)."""
    root = tmp_path / "sim-cache"
    monkeypatch.setenv("SIM_CACHE_DIR", str(root))
    return root
