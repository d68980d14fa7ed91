"""The case-log reader: encodings, mappings, timestamp formats, and every bad row named."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from sim.calibrate.logfile import LogError, read_log
from sim.calibrate.mapping import EN, ZH, MappingError, mapping_yaml, read_mapping
from sim.cli import main

ROOT = Path(__file__).resolve().parents[2]
TYPES = ["mobile_vendor", "illegal_ad", "unowned_dog"]
ZONES = ["A1", "A2", "B1", "B2"]
HEADER = "案件编号,案件类型,网格编码,上报时间,来源,派遣时间,到场时间,结案时间\n"
GOOD = (
    "1,流动摊贩,A1,2026-03-01 08:15:00,巡查发现,2026-03-01 08:15:00,2026-03-01 08:20:00,"
    "2026-03-01 08:40:00\n"
    "2,违法户外广告,B2,2026/3/1 9:05,12345热线,2026/3/1 9:10,2026/3/1 9:30,2026/3/2 9:00\n"
    "3,无主犬只,A2,2026/3/2 23:59,视频监控,,,\n"
)


def write(tmp_path: Path, text: str, encoding: str, name: str = "log.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_encodings_read_the_same(tmp_path: Path, encoding: str) -> None:
    log = read_log(write(tmp_path, HEADER + GOOD, encoding), None, TYPES, ZONES)
    assert log.encoding == ("gbk" if encoding == "gbk" else "utf-8")
    assert list(log.frame["type"]) == ["mobile_vendor", "illegal_ad", "unowned_dog"]
    assert list(log.frame["channel"]) == ["patrol", "complaint", "camera"]
    assert log.frame["reported_at"].tolist() == [
        pd.Timestamp("2026-03-01 08:15"), pd.Timestamp("2026-03-01 09:05"),
        pd.Timestamp("2026-03-02 23:59")]
    assert log.frame["closed_at"].iloc[1] == pd.Timestamp("2026-03-02 09:00")
    assert pd.isna(log.frame["arrived_at"].iloc[2])
    assert log.problems == [] and log.days == 2 and log.start == pd.Timestamp("2026-03-01")


def test_bad_rows_are_named_by_line_and_column(tmp_path: Path) -> None:
    bad = (
        "4,流动摊贩,Z9,2026-03-01 10:00:00,巡查发现,,,\n"          # line 5: unknown zone
        "5,流动摊贩,A1,2026-13-01 10:00,巡查发现,,,\n"             # line 6: bad time
        "6,乱扔垃圾,A1,2026-03-01 10:00,巡查发现,,,\n"             # line 7: unknown type
        "7,流动摊贩,A1,2026-03-01 10:00,巡查发现,,,2026-03-01 09:00\n"  # line 8: closed early
        "7,流动摊贩,A1,2026-03-01 11:00,巡查发现,,,\n"             # line 9: duplicate id
    )
    log = read_log(write(tmp_path, HEADER + GOOD + bad, "gbk"), None, TYPES, ZONES)
    found = {(p.line, p.column, p.action) for p in log.problems}
    assert found == {
        (5, "网格编码", "row dropped"), (6, "上报时间", "row dropped"),
        (7, "案件类型", "row dropped"), (8, "结案时间", "field ignored"),
        (9, "案件编号", "row dropped"),
    }
    assert log.dropped == 4 and len(log.frame) == 4
    kept = log.frame.set_index("line")
    assert pd.isna(kept.loc[8, "closed_at"])  # the closing time before the report is ignored
    message = {p.line: p.message for p in log.problems}
    assert "'Z9'" in message[5] and "2026-13-01 10:00" in message[6]
    assert "types:" in message[7]


def test_unknown_type_can_be_mapped(tmp_path: Path) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text(mapping_yaml(ZH, "").replace("types:\n", "types:\n  乱扔垃圾: illegal_ad\n"),
                       encoding="utf-8")
    text = HEADER + "6,乱扔垃圾,A1,2026-03-01 10:00,巡查发现,,,\n"
    log = read_log(write(tmp_path, text, "utf-8"), read_mapping(mapping), TYPES, ZONES)
    assert list(log.frame["type"]) == ["illegal_ad"] and not log.problems


def test_nothing_usable_or_empty_period_is_an_error(tmp_path: Path) -> None:
    only_bad = HEADER + "1,流动摊贩,Z9,2026-03-01 10:00,巡查发现,,,\n"
    with pytest.raises(LogError, match=r"no usable row.*line 2, 网格编码"):
        read_log(write(tmp_path, only_bad, "utf-8"), None, TYPES, ZONES)
    with pytest.raises(LogError, match="no case reported between 2026-04-01 and 2026-04-30"):
        read_log(write(tmp_path, HEADER + GOOD, "utf-8"), None, TYPES, ZONES,
                 start="2026-04-01", end="2026-04-30")
    log = read_log(write(tmp_path, HEADER + GOOD, "utf-8"), None, TYPES, ZONES,
                   start="2026-03-02", end="2026-03-02")
    assert len(log.frame) == 1 and log.outside_period == 2 and log.days == 1


def test_missing_column_and_unknown_header(tmp_path: Path) -> None:
    no_zone = HEADER.replace("网格编码", "网格") + GOOD
    mapping = tmp_path / "zh.yaml"
    mapping.write_text(mapping_yaml(ZH, ""), encoding="utf-8")
    with pytest.raises(LogError, match="column '网格编码' \\(zone, required\\)"):
        read_log(write(tmp_path, no_zone, "utf-8"), read_mapping(mapping), TYPES, ZONES)
    with pytest.raises(LogError, match="matches neither built-in mapping"):
        read_log(write(tmp_path, no_zone, "utf-8"), None, TYPES, ZONES)


def test_bad_mapping_file(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("columns: {type: a, zone: b}\n", encoding="utf-8")
    with pytest.raises(MappingError, match="columns.reported_at: required"):
        read_mapping(path)
    path.write_text("columns: {type: a, zone: b, reported_at: c}\nchannels: {x: phone}\n")
    with pytest.raises(MappingError, match="channels.x: 'phone' is not one of"):
        read_mapping(path)


def test_shipped_mappings_equal_the_built_ins() -> None:
    for name, built_in in (("mapping_zh.yaml", ZH), ("mapping_en.yaml", EN)):
        shipped = read_mapping(ROOT / "scenarios" / "caselog" / name)
        assert (shipped.columns, shipped.types, shipped.channels, shipped.zones) == (
            built_in.columns, built_in.types, built_in.channels, built_in.zones)


def test_cli_bad_log_is_exit_2_without_traceback(tmp_path: Path, capsys) -> None:
    only_bad = write(tmp_path, HEADER + "1,流动摊贩,Z9,2026/3/1 8:15,巡查发现,,,\n", "gbk")
    out = tmp_path / "cal.yaml"
    code = main(["calibrate", str(only_bad), "--district", str(ROOT / "scenarios/default.yaml"),
                 "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and "line 2, 网格编码" in err and "Traceback" not in err
    assert not out.exists() and not (tmp_path / "calibration.md").exists()
    code = main(["calibrate", str(tmp_path / "missing.csv"), "--district",
                 str(ROOT / "scenarios/default.yaml"), "-o", str(out)])
    assert code == 2 and "cannot read the file" in capsys.readouterr().err


def test_other_time_styles_and_catalog_labels(tmp_path: Path) -> None:
    text = ("type,zone,reported_at\n"
            "Mobile vendor,A1,2026.3.1 8:15\n"
            "mobile_vendor,A2,2026年3月1日 9:30\n"
            "illegal_ad,B1,2026-03-01 10:00:00.000\n"
            "illegal_ad,B1,2026-03-01\n")
    types = {"mobile_vendor": "Mobile vendor", "illegal_ad": None}
    log = read_log(write(tmp_path, text, "utf-8"), None, types, ZONES)
    assert list(log.frame["type"]) == ["mobile_vendor", "mobile_vendor", "illegal_ad"]
    assert log.frame["reported_at"].dt.hour.tolist() == [8, 9, 10]
    assert [(p.line, p.column) for p in log.problems] == [(5, "reported_at")]


def test_excel_sheet(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    frame = pd.read_csv(io.StringIO(HEADER + GOOD), dtype=str, keep_default_na=False)
    path = tmp_path / "log.xlsx"
    frame.to_excel(path, index=False)
    log = read_log(path, None, TYPES, ZONES)
    assert log.encoding == "xlsx" and len(log.frame) == 3 and not log.problems


def test_detection_none_gives_recorded_rates(tmp_path: Path) -> None:
    """--detection none: no simulation, e = 1, a pooled kind's rate is cases ÷ zones ÷ days;
    the file validates and says that no correction was made. A type with no case in the log
    is disabled, unless --keep-unlogged."""
    from sim.scenario.loader import load_scenario

    district = ROOT / "tests" / "calibrate" / "district.yaml"
    rows = ["type,zone,reported_at"]
    for day in range(1, 15):  # 14 days, one vendor a day in each of B1..B4 at 09:00
        rows += [f"vendor,{z},2026-03-{day:02d} 09:00" for z in ("B1", "B2", "B3", "B4")]
    log = write(tmp_path, "\n".join(rows) + "\n", "utf-8")
    out = tmp_path / "cal.yaml"
    assert main(["calibrate", str(log), "--district", str(district), "-o", str(out),
                 "--detection", "none", "--no-plots"]) == 0
    text = out.read_text(encoding="utf-8")
    assert "NO DETECTION CORRECTION" in text
    scenario = load_scenario(out)
    vendor = scenario.incidents["vendor"]
    assert vendor.rate_per_day["residential"] == pytest.approx(4 * 14 / 8 / 14, rel=1e-3)
    assert vendor.rate_per_day["commercial"] == 0 and scenario.clock.days == 14
    assert max(vendor.hour_profile) == vendor.hour_profile[9]
    assert not scenario.incidents["pile"].enabled  # no pile in the log: disabled
    kept = tmp_path / "kept.yaml"
    assert main(["calibrate", str(log), "--district", str(district), "-o", str(kept),
                 "--detection", "none", "--no-plots", "--keep-unlogged", "--force"]) == 0
    assert load_scenario(kept).incidents["pile"].enabled


def test_unknown_grid_codes_get_a_hint(tmp_path: Path) -> None:
    text = HEADER + "1,流动摊贩,440105001003,2026/3/1 8:15,巡查发现,,,\n"
    with pytest.raises(LogError, match="map them to zone ids under `zones:`"):
        read_log(write(tmp_path, text, "utf-8"), None, TYPES, ZONES)


def test_line_numbers_survive_multiline_fields_and_ragged_rows(tmp_path: Path) -> None:
    """A quoted description spanning lines shifts the physical line numbers; a row with an
    unquoted comma (more values than columns) is dropped and named; blank lines are skipped."""
    text = ("type,zone,reported_at,description\r\n"
            'mobile_vendor,A1,2026-03-01 08:15,"two stalls,\r\nnear the gate"\r\n'
            "\r\n"
            "illegal_ad,B1,2026-03-01 09:00,poster,on a pole\r\n"
            "illegal_ad,Z9,2026-03-01 10:00,\r\n")
    log = read_log(write(tmp_path, text, "utf-8"), None, TYPES, ZONES)
    assert list(log.frame["line"]) == [2]
    found = {(p.line, p.column) for p in log.problems}
    assert found == {(5, "(row)"), (6, "zone")}
    dup = "type,zone,reported_at,zone\nmobile_vendor,A1,2026-03-01 08:15,A2\n"
    with pytest.raises(LogError, match="'zone' appears twice"):
        read_log(write(tmp_path, dup, "utf-8"), None, TYPES, ZONES)


def test_cli_refusals_write_nothing(tmp_path: Path, capsys) -> None:
    """Bad district, bad output name, existing output, bad mapping, bad dates: exit 2, a
    message naming what is wrong, nothing written or overwritten."""
    log = write(tmp_path, HEADER + GOOD, "gbk")
    district = str(ROOT / "scenarios" / "default.yaml")
    out = tmp_path / "cal.yaml"

    def run(*argv: str) -> str:
        assert main(list(argv)) == 2
        err = capsys.readouterr().err
        assert "Traceback" not in err
        return err

    assert "missing.yaml" in run("calibrate", str(log), "--district", "missing.yaml", "-o",
                                 str(out))
    assert "expected a .yaml file name" in run("calibrate", str(log), "--district", district,
                                               "-o", str(tmp_path / "cal.txt"))
    out.write_text("mine", encoding="utf-8")
    assert "exists" in run("calibrate", str(log), "--district", district, "-o", str(out))
    assert out.read_text(encoding="utf-8") == "mine"
    bad_map = tmp_path / "m.yaml"
    bad_map.write_text("columns: [a, b]\n", encoding="utf-8")
    assert "m.yaml: columns" in run("calibrate", str(log), "--district", district, "-o",
                                    str(tmp_path / "x.yaml"), "--columns", str(bad_map))
    assert "--from '3/1': expected a date" in run(
        "calibrate", str(log), "--district", district, "-o", str(tmp_path / "x.yaml"),
        "--from", "3/1")
    assert "exists" in run("export-log", district, "-o", str(out))
    assert not (tmp_path / "x.yaml").exists() and not (tmp_path / "calibration.md").exists()
