"""The shipped sample log is what scenarios/caselog/make_sample.py writes with today's model,
so the worked example of docs/calibration.md can be reproduced from the code."""

from __future__ import annotations

import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "scenarios" / "caselog" / "sample_zh.csv"


def test_make_sample_rewrites_the_shipped_log_byte_for_byte(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    script = runpy.run_path(str(ROOT / "scenarios" / "caselog" / "make_sample.py"))
    out = tmp_path / "sample_zh.csv"
    script["main"](out)
    assert out.read_bytes() == SAMPLE.read_bytes(), (
        "scenarios/caselog/sample_zh.csv is not what make_sample.py writes with this model: "
        "run `python scenarios/caselog/make_sample.py` and re-run the worked example of "
        "docs/calibration.md"
    )
