"""Outputs for analysis tools: ``--format csv|parquet``, ``--excel`` (UTF-8 with BOM), the
presence frame (``--presence``, ``sim.run(..., presence=True)``)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest
import yaml

import sim
from sim.cli import main
from sim.experiment.csv_files import TableFormat, TableFormatError
from tests.helpers.scenarios import tiny_vendor_dict

BOM = b"\xef\xbb\xbf"


@pytest.fixture(scope="module")
def path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tiny_vendor_dict(seed=8)
    data["clock"] = {"days": 3, "warmup_days": 0.5}
    data["incidents"]["vendor"]["label"] = "占道经营"
    p = tmp_path_factory.mktemp("formats") / "tiny.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return p


def _run(path: Path, out: Path, *extra: str) -> None:
    assert main(["run", str(path), "--reps", "2", "--no-plots", "-o", str(out), *extra]) == 0


def test_excel_csv_has_a_bom_and_otherwise_the_same_bytes(path: Path, tmp_path: Path) -> None:
    _run(path, tmp_path / "plain")
    _run(path, tmp_path / "excel", "--excel")
    names = sorted(p.name for p in (tmp_path / "plain").glob("*.csv"))
    assert names and names == sorted(p.name for p in (tmp_path / "excel").glob("*.csv"))
    for name in names:
        plain = (tmp_path / "plain" / name).read_bytes()
        excel = (tmp_path / "excel" / name).read_bytes()
        assert not plain.startswith(BOM) and excel == BOM + plain, name


def test_presence_frame_from_the_api_and_the_cli(path: Path, tmp_path: Path) -> None:
    scenario = sim.load_scenario(path)
    plain = sim.run(scenario, reps=2)
    frames = sim.run(scenario, reps=2, presence=True)
    assert "presence" not in plain.extra
    presence = frames.extra["presence"]
    assert list(presence.columns) == ["scenario", "replication", "unit_id", "mode", "zone",
                                      "t_start", "t_end", "activity"]
    assert set(presence["replication"]) == {0, 1} and (presence["t_end"] >= presence["t_start"]).all()
    assert set(presence["unit_id"]) == {"foot-1", "foot-2"}
    pd.testing.assert_frame_equal(plain.summary, frames.summary)  # results unchanged
    _run(path, tmp_path / "p", "--presence")
    written = pd.read_csv(tmp_path / "p" / "presence.csv")
    assert len(written) == len(presence)
    assert written["t_start"].to_numpy() == pytest.approx(presence["t_start"].to_numpy(), abs=1e-4)


@pytest.mark.skipif(importlib.util.find_spec("pyarrow") is None,
                    reason='pyarrow is not installed (pip install "chengguan-sim[parquet]")')
def test_parquet_tables(path: Path, tmp_path: Path) -> None:
    _run(path, tmp_path / "csv")
    _run(path, tmp_path / "pq", "--format", "parquet")
    _run(path, tmp_path / "pq2", "--format", "parquet")
    csvs = sorted(p.stem for p in (tmp_path / "csv").glob("*.csv"))
    assert csvs == sorted(p.stem for p in (tmp_path / "pq").glob("*.parquet"))
    assert not list((tmp_path / "pq").glob("*.csv"))
    for stem in csvs:
        assert (tmp_path / "pq" / f"{stem}.parquet").read_bytes() == \
            (tmp_path / "pq2" / f"{stem}.parquet").read_bytes(), stem  # reproducible
    summary = pd.read_parquet(tmp_path / "pq" / "summary.parquet")
    assert summary["replication"].tolist() == [0, 1]
    by_csv = pd.read_csv(tmp_path / "csv" / "summary.csv")
    assert summary["seed"].tolist() == by_csv["seed"].tolist()
    assert main(["sweep", str(path), "--vary", "seed=1,2", "--reps", "1", "--no-plots",
                 "--format", "parquet", "-o", str(tmp_path / "sw")]) == 0
    assert len(pd.read_parquet(tmp_path / "sw" / "sweep.parquet")) == 2


def test_parquet_without_pyarrow_is_refused_before_running(
        path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "pyarrow" else real(name, *a))
    for command in (["run", str(path)], ["compare", str(path), str(path)],
                    ["sweep", str(path), "--vary", "seed=1,2"]):
        assert main([*command, "--format", "parquet", "-o", str(tmp_path / "o")]) == 2
        assert 'pip install "chengguan-sim[parquet]"' in capsys.readouterr().err
    assert not (tmp_path / "o").exists()
    with pytest.raises(TableFormatError, match="--excel"):
        TableFormat("parquet", excel=True).check()
