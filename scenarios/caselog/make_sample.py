"""Regenerate sample_zh.csv: a GBK case log with Chinese headers, simulated from
scenarios/default.yaml (replication 0, 28 days from Monday 2026-03-02), with a few broken rows
inserted the way real exports have them. Run from the repository root:

    python scenarios/caselog/make_sample.py

The shipped file is what this script writes with the current model
(tests/calibrate/test_sample_log.py): when a change to the model changes it, run the script
again and re-run the worked example of docs/calibration.md.
"""

from pathlib import Path

from sim.calibrate.export import log_frame, write_log
from sim.calibrate.mapping import ZH
from sim.experiment.replication import run_replication
from sim.scenario.loader import load_scenario

OUT = Path("scenarios/caselog/sample_zh.csv")
# (insert before this data row index, row) — data row i is file line i + 2
BROKEN = [
    (10, ["20260302900001", "流动摊贩", "J1", "2026/3/2 9:12", "巡查发现", "", "", ""]),
    (200, ["20260302900002", "乱扔垃圾", "D5", "2026/3/3 10:05", "12345热线", "", "", ""]),
    (500, ["20260302900003", "店外经营", "D6", "2026/3/32 8:15", "视频监控", "", "", ""]),
    (900, ["20260302900004", "违法户外广告", "C4", "2026/3/8 14:20", "巡查发现",
           "2026/3/8 14:20", "2026/3/8 14:31", "2026/3/8 13:05"]),
    (1500, ["20260302900005", "", "E4", "2026/3/12 7:40", "市民投诉", "", "", ""]),
    (2500, ["20260302900006", "无主犬只", "Z99", "2026/3/20 18:02", "12345热线", "", "", ""]),
]


def main(out: Path = OUT) -> None:
    """Simulate the log, insert the broken rows, write it in GBK to ``out``."""
    scenario = load_scenario("scenarios/default.yaml")
    frame = log_frame(run_replication(scenario, 0).incidents, ZH, start="2026-03-02",
                      slash_times=True)
    rows = _with_broken_rows(frame.values.tolist())
    write_log(frame.__class__(rows, columns=frame.columns), out, encoding="gbk")


def _with_broken_rows(rows: list) -> list:
    """The data rows with ``BROKEN`` inserted, last first so that the indices hold."""
    for index, row in sorted(BROKEN, reverse=True):
        rows.insert(index, row)
    return rows


if __name__ == "__main__":
    main()
