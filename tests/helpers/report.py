"""A Chinese comparison report shared by the report tests (drawn once per session)."""

from __future__ import annotations

import copy
import warnings
from pathlib import Path

import pytest
import yaml

from sim.cli import main
from tests.report.test_report import BASE

ZH_LABEL = "流动摊贩"


def zh_scenarios(folder: Path, lang: str | None = "zh") -> list[Path]:
    """The tiny comparison of test_report with a Chinese name and type label."""
    base = copy.deepcopy(BASE)
    base.update(name="默认方案", description="两名队员，白班。")
    base["incidents"]["vendor"]["label"] = ZH_LABEL
    if lang:
        base["report"] = {"lang": lang}
    more = copy.deepcopy(base)
    more.update(name="more_officers")
    more["units"]["foot"]["count"] = 6
    paths = []
    for data in (base, more):
        paths.append(folder / f"{len(paths)}.yaml")
        paths[-1].write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return paths


class NoGlyphWarnings:
    """Fails the block if matplotlib warns of a missing glyph."""

    def __enter__(self) -> None:
        self._cm = warnings.catch_warnings(record=True)
        self.caught = self._cm.__enter__()
        warnings.simplefilter("always")

    def __exit__(self, *exc: object) -> None:
        self._cm.__exit__(*exc)
        glyphs = [str(w.message) for w in self.caught if "missing from font" in str(w.message)]
        assert not glyphs, glyphs[:3]


@pytest.fixture(scope="session")
def zh_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``sim compare`` of the two scenarios (report.lang zh), figures drawn."""
    folder = tmp_path_factory.mktemp("zh")
    out = folder / "out"
    with NoGlyphWarnings():
        assert main(["compare", *map(str, zh_scenarios(folder)), "--reps", "2",
                     "-o", str(out)]) == 0
    return out
