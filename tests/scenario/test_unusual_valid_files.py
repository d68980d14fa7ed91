"""Valid but unusual scenario files must run (issue 16): Chinese zone ids, names and labels,
Windows line endings (CRLF), a UTF-8 byte-order mark, and these mixed across an ``extends:``
chain (the parent saved by one editor, the child by another).

The files are ``tests/scenario/good_scenarios/*.yaml``; the CRLF and BOM variants are written from
them here, so that git's line-ending settings cannot change what is tested.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sim.cli import main

GOOD = Path(__file__).resolve().parent / "good_scenarios"
BOM = b"\xef\xbb\xbf"


def variant(raw: bytes, how: str) -> bytes:
    if "crlf" in how:
        raw = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if "bom" in how:
        raw = BOM + raw
    return raw


@pytest.mark.parametrize("parent_how", ["plain", "crlf", "bom", "bom+crlf"])
@pytest.mark.parametrize("child_how", ["plain", "bom+crlf"])
def test_chinese_crlf_bom_files_validate(parent_how, child_how, tmp_path, capsys):
    for name, how in (("chinese_labels.yaml", parent_how), ("chinese_child.yaml", child_how)):
        (tmp_path / name).write_bytes(variant((GOOD / name).read_bytes(), how))
    assert main(["validate", str(tmp_path / "chinese_child.yaml")]) == 0
    assert "3 zones" in capsys.readouterr().out


@pytest.mark.parametrize("how", ["plain", "bom+crlf"])
def test_chinese_scenario_runs_and_keeps_its_names(how, tmp_path, capsys):
    for name in ("chinese_labels.yaml", "chinese_child.yaml"):
        (tmp_path / name).write_bytes(variant((GOOD / name).read_bytes(), how))
    out = tmp_path / "out"
    assert main(["run", str(tmp_path / "chinese_child.yaml"), "-o", str(out), "--no-plots"]) == 0
    capsys.readouterr()
    with open(out / "zones.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["zone"], r["name"]) for r in rows] == [
        ("东门", "东门菜市场"), ("西街", "西街商业街"), ("北苑", "北苑小区")]
    resolved = (out / "scenario.resolved.yaml").read_text(encoding="utf-8")
    assert "流动摊贩" in resolved and "责令改正" in resolved and "南湖街道" in resolved
