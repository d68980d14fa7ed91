"""The test suite's own layout (tests/README.md): every folder of tests is a package.

Test files in different folders may share a name (tests/calibrate/test_stats.py,
tests/experiment/test_stats.py); pytest tells them apart only when each folder has an
``__init__.py`` (then they are ``tests.calibrate.test_stats`` and
``tests.experiment.test_stats``). Without it a new folder works until its first clash,
then fails with "import file mismatch"; this test names the folder at once instead.
"""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def test_every_folder_with_tests_has_an_init_file() -> None:
    folders = {p.parent for p in TESTS.rglob("*.py") if "__pycache__" not in p.parts}
    missing = sorted(str(f.relative_to(TESTS.parent)) for f in folders
                     if not (f / "__init__.py").exists())
    assert not missing, (f"add an empty __init__.py to {', '.join(missing)} "
                         "(see tests/README.md: same-named test files in two folders clash)")
