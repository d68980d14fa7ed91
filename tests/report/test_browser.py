"""report.html in a real browser (headless Chromium), offline: no console message, the
interactive figures rendered, a screenshot that shows them; and the page without plotly."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pytest

from sim.cli import main
from sim.report import document, interactive
from tests.helpers.report import zh_scenarios

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TAB10_BLUE = np.array([0x1F, 0x77, 0xB4]) / 255  # the first scenario's colour
LIVE_FIGURES = 3  # headline measures, per type, time of day


def _browser() -> str:
    found = next((b for b in map(shutil.which, BROWSERS) if b), None)
    if found is None:
        pytest.skip("no Chromium installed (Debian: apt-get install chromium)")
    if not interactive.available():
        pytest.skip("plotly not installed (pip install 'chengguan-sim[interactive]')")
    return found


def _chromium(browser: str, page: Path, *args: str) -> subprocess.CompletedProcess:
    """Chromium headless on ``page``, every host name unresolvable (so offline)."""
    sandbox = ["--no-sandbox"] if os.geteuid() == 0 else []
    return subprocess.run(
        [browser, "--headless", *sandbox, "--disable-gpu", "--hide-scrollbars",
         "--host-resolver-rules=MAP * ~NOTFOUND", "--virtual-time-budget=10000",
         "--enable-logging=stderr", "--v=0", *args, page.as_uri()],
        capture_output=True, text=True, timeout=180, check=False)


def test_page_is_self_contained(zh_report: Path) -> None:
    page = (zh_report / "report.html").read_text("utf-8")
    assert not re.search(r"<(script|img|link|iframe)[^>]+(src|href)=\"?(https?:)?//", page)
    assert page.count("plotly.js v") == 1  # inlined once, not per figure
    assert page.count('class="interactive"') == LIVE_FIGURES
    order = ["概要", "结论", "分类型乱象暴露", "地图", "一天中的时段", "按时段", "方法"]
    positions = [page.index(f"<h2>{h}") for h in order]
    assert positions == sorted(positions)


def test_page_loads_without_console_messages(zh_report: Path) -> None:
    result = _chromium(_browser(), zh_report / "report.html", "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
    assert not console, console[:5]
    assert result.stdout.count('class="main-svg"') >= LIVE_FIGURES  # plotly drew them
    assert result.stdout.count("plot-container") >= LIVE_FIGURES


def test_console_errors_would_be_seen(tmp_path: Path) -> None:
    """The check above has power: a page with a script error logs a console line."""
    page = tmp_path / "bad.html"
    page.write_text("<!DOCTYPE html><html><body><script>undefinedFunction()</script>"
                    "</body></html>", encoding="utf-8")
    result = _chromium(_browser(), page, "--dump-dom")
    assert any(":CONSOLE" in line and "undefinedFunction" in line
               for line in result.stderr.splitlines())


def test_screenshot_shows_the_figures(zh_report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "page.png"
    result = _chromium(_browser(), zh_report / "report.html", "--window-size=1280,5000",
                       f"--screenshot={shot}")
    assert shot.exists(), result.stderr[-2000:]
    pixels = mpimg.imread(shot)[..., :3]
    ink = (pixels.min(axis=2) < 0.9).mean()
    assert ink > 0.05, f"only {ink:.1%} of the page is not white"
    blue = (np.abs(pixels - TAB10_BLUE).max(axis=2) < 0.05).mean()
    assert blue > 0.001, "no bar or line of the first scenario's colour on the page"


def _blank_figures(folder: Path, comparison: object) -> list[tuple[str, str]]:
    folder.mkdir(parents=True, exist_ok=True)
    for stem, _ in document.FIGURES:
        mpimg.imsave(folder / f"{stem}.png", np.ones((4, 4, 3)))
    return document.FIGURES


def test_without_plotly_the_page_keeps_static_images(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(interactive, "available", lambda: False)
    monkeypatch.setattr(document, "make_figures", _blank_figures)  # drawing is not tested here
    out = tmp_path / "out"
    assert main(["compare", *map(str, zh_scenarios(tmp_path, lang="en")), "--reps", "2",
                 "-o", str(out)]) == 0
    page = html.unescape((out / "report.html").read_text("utf-8"))
    assert "plotly" not in page.lower().replace("chengguan-sim[interactive]", "")
    assert "Static figures only" in page and "pip install 'chengguan-sim[interactive]'" in page
    assert page.count("data:image/png;base64,") >= 6
