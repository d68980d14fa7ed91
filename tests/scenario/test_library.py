"""The scenario library as package data: a file on disk wins, then a shipped name, then
``scenarios/NAME.yaml`` as the documentation writes it; ``sim scenarios`` lists them; a
package built from this source (``build_py``, what a wheel is made of) carries them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli import main
from sim.scenario import library
from sim.scenario.library import find_scenario, shipped

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder outside the checkout (no scenarios/ here)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_library_is_the_checkout_scenarios_folder() -> None:
    names = [p.name for p in shipped()]
    assert names == sorted(p.name for p in (REPO / "scenarios").glob("*.yaml"))
    assert "default.yaml" in names and "base.yaml" in names


def test_lookup_order(elsewhere: Path) -> None:
    lib = library.library_dir()
    assert find_scenario("default") == lib / "default.yaml"
    assert find_scenario("fixed_posts.yaml") == lib / "fixed_posts.yaml"
    assert find_scenario("scenarios/walk_and_car.yaml") == lib / "walk_and_car.yaml"
    assert find_scenario("nonesuch") == Path("nonesuch")
    assert find_scenario("other/default.yaml") == Path("other/default.yaml")
    (elsewhere / "default").write_text("name: mine\n", encoding="utf-8")
    assert find_scenario("default") == Path("default")  # a file on disk wins
    (elsewhere / "scenarios").mkdir()
    (elsewhere / "scenarios" / "default.yaml").write_text("x: 1\n", encoding="utf-8")
    assert find_scenario("scenarios/default.yaml") == Path("scenarios/default.yaml")


def test_names_outside_a_checkout(elsewhere: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "default", "scenarios/fixed_posts.yaml"]) == 0
    assert main(["validate", "nonesuch"]) == 2
    assert "sim scenarios" in capsys.readouterr().err  # (`sim run` alone: tests/cli/test_main.py)


def test_scenarios_lists_names_and_descriptions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios"]) == 0
    out = capsys.readouterr().out
    lines = {line.split()[0]: line for line in out.splitlines()[1:]}
    assert set(lines) == {p.stem for p in shipped()}
    assert "Baseline: 16 foot officers" in lines["default"]


def test_no_library_installed(monkeypatch: pytest.MonkeyPatch, elsewhere: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(library, "library_dir", lambda: elsewhere / "missing")
    assert main(["scenarios"]) == 2
    assert main(["run"]) == 2
    assert "no scenario library is installed" in capsys.readouterr().err


def test_built_package_carries_the_library(tmp_path: Path) -> None:
    """What a wheel is made of (setuptools ``build_py``) has real copies of the scenarios,
    and ``sim`` imported from there finds and validates them outside the checkout."""
    build = tmp_path / "build"
    made = subprocess.run([sys.executable, "-c", "import setuptools; setuptools.setup()", "-q",
                           "build_py", "-d", str(build)], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    if made.returncode != 0:
        pytest.skip(f"setuptools cannot build here: {made.stderr[-300:]}")
    data = build / "sim" / "scenarios_data"
    assert not data.is_symlink() and (data / "default.yaml").is_file()
    assert (data / "caselog" / "mapping_zh.yaml").is_file()
    env = {**os.environ, "PYTHONPATH": str(build)}
    code = ("import sim, sys; from sim.cli import main; print(sim.__file__); "
            "sys.exit(main(['validate', 'default', 'fixed_posts']))")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith(str(build))
    assert "default: valid" in done.stdout
