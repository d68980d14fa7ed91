"""The commands of docs/calibration.md, run on the shipped sample log (GBK, broken rows).

The two documented commands are read from the document's first code block and run as written
in a scratch folder holding a copy of scenarios/, with ``--detection-reps 1 --no-plots`` and
``--reps 5`` added to keep the suite fast. Checks: both succeed, every broken row inserted by make_sample.py is
reported by line and column, the calibrated file validates, and the back-cast agrees with the
log on the cases per day of at least 11 of the 12 types (at 95 %, one in twenty comparisons
disagrees by chance).
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pandas as pd

from sim.cli import main

ROOT = Path(__file__).resolve().parents[2]
BROKEN_LINES = {12: "网格编码", 203: "案件类型", 504: "上报时间", 905: "结案时间", 1506: "案件类型",
                2507: "网格编码"}


def documented_commands() -> list[str]:
    text = (ROOT / "docs" / "calibration.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", text, re.S).group(1)
    return [line for line in block.splitlines() if line.startswith("sim ")]


def test_documented_commands_on_the_sample(tmp_path: Path, monkeypatch, capsys) -> None:
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    monkeypatch.chdir(tmp_path)
    calibrate_cmd, backcast_cmd = documented_commands()
    assert calibrate_cmd.startswith("sim calibrate") and backcast_cmd.startswith("sim backcast")
    assert main([*shlex.split(calibrate_cmd)[1:], "--detection-reps", "1", "--no-plots"]) == 0
    err = capsys.readouterr().err
    rows = pd.read_csv(tmp_path / "calibrated" / "calibration_rows.csv")
    assert dict(zip(rows["line"], rows["column"])) == BROKEN_LINES
    assert (rows["action"] == "row dropped").sum() == 5
    for line in rows.loc[rows["action"] == "row dropped", "line"]:  # dropped rows come first
        assert f"line {line}, {BROKEN_LINES[line]}" in err
    assert "unknown zones: J1, Z99" in err
    report = (tmp_path / "calibrated" / "calibration.md").read_text(encoding="utf-8")
    assert "| 12 | 网格编码 | J1 |" in report
    assert main(["validate", "calibrated/calibrated.yaml"]) == 0
    assert main([*shlex.split(backcast_cmd)[1:], "--reps", "5"]) == 0
    table = pd.read_csv(tmp_path / "calibrated" / "backcast" / "backcast.csv")
    by_type = table[(table["measure"] == "cases per day") & table["group"].str.startswith("type")]
    assert len(by_type) == 12 and (by_type["verdict"] == "agrees").sum() >= 11, by_type
    assert (tmp_path / "calibrated" / "backcast" / "backcast.md").exists()
