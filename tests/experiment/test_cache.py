"""The replication cache runs no code, detects any damage, is private, and is exact (issue 16).

A cached replication is arrays + JSON with a SHA-256 over both; these tests plant a pickle
that would run code, flip bytes at random, and check that a resumed comparison writes the
same bytes as a fresh one.
"""

from __future__ import annotations

import os
import pickle
import random
import stat
from pathlib import Path

import pytest

from sim.cli import main
from sim.experiment.cache import (
    CacheUnavailable,
    ReplicationCache,
    default_cache_root,
    private_folder,
)
from sim.experiment.cache_format import MAGIC, same_frames
from sim.experiment.replication import run_replication
from sim.scenario.loader import scenario_from_dict
from tests.helpers.scenarios import tiny_pile_dict

TINY = tiny_pile_dict()


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory):
    """A tiny scenario, its replication 0, and the bytes of its cache file."""
    scenario = scenario_from_dict(TINY)
    frames = run_replication(scenario, 0)
    cache = ReplicationCache(tmp_path_factory.mktemp("cache"))
    cache.store(scenario, 0, frames)
    return scenario, frames, cache.path(scenario, 0).read_bytes()


class Planted:
    """Unpickling this creates the file ``path``: proof that code ran."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self):
        return (open, (str(self.path), "w"))


def test_round_trip_is_exact_with_demand_frames(tmp_path: Path) -> None:
    from sim.scenario.loader import load_scenario

    root = Path(__file__).resolve().parents[2]
    scenario = load_scenario(root / "scenarios" / "default.yaml",
                             {"clock.days": 2, "clock.warmup_days": 0})
    frames = run_replication(scenario, 1)
    cache = ReplicationCache(tmp_path)
    cache.store(scenario, 1, frames)
    back = ReplicationCache(tmp_path).load(scenario, 1)
    assert back is not None and same_frames(back, frames)
    assert list(back.extra) == list(frames.extra) and "parking" in back.extra


def test_a_planted_pickle_is_never_executed(stored, tmp_path: Path) -> None:
    scenario, _, _ = stored
    cache = ReplicationCache(tmp_path)
    proof = tmp_path / "code-ran"
    payload = pickle.dumps({"key": None, "frames": Planted(proof)})
    target = cache.path(scenario, 0)
    target.parent.mkdir(parents=True)
    for name in (target.name, "rep-0.pkl"):  # the new file name and the old one
        (target.parent / name).write_bytes(payload)
    (target.parent / target.name).write_bytes(MAGIC + payload)  # our magic, then a pickle
    assert cache.load(scenario, 0) is None
    target.write_bytes(payload)
    assert cache.load(scenario, 0) is None
    assert not proof.exists()
    assert cache.misses == 2


def test_every_random_byte_flip_is_a_miss(stored, tmp_path: Path) -> None:
    """300 single-byte changes (header and payload): every one is detected; the next store
    overwrites the damaged file. Removing the checksum check lets most payload flips through
    (checked by injection)."""
    scenario, frames, good = stored
    cache = ReplicationCache(tmp_path)
    path = cache.path(scenario, 0)
    path.parent.mkdir(parents=True)
    rng = random.Random(16)
    positions = [rng.randrange(len(good)) for _ in range(250)] + list(range(50))  # + header
    for pos in positions:
        bad = bytearray(good)
        bad[pos] ^= rng.randrange(1, 256)
        path.write_bytes(bytes(bad))
        assert cache.load(scenario, 0) is None, f"flip at byte {pos} of {len(good)} not seen"
    assert cache.hits == 0 and cache.misses == len(positions)
    cache.store(scenario, 0, frames)  # recomputed and overwritten
    assert same_frames(cache.load(scenario, 0), frames)


def test_truncated_and_extended_files_are_misses(stored, tmp_path: Path) -> None:
    scenario, _, good = stored
    cache = ReplicationCache(tmp_path)
    path = cache.path(scenario, 0)
    path.parent.mkdir(parents=True)
    for bad in (good[:-1], good[: len(good) // 2], good + b"\0", b"", MAGIC):
        path.write_bytes(bad)
        assert cache.load(scenario, 0) is None


def test_the_cache_is_per_user_and_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SIM_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_root() == tmp_path / "xdg" / "sim"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_root() == tmp_path / "home" / ".cache" / "sim"
    root = private_folder(default_cache_root())
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    with pytest.raises(CacheUnavailable, match="writable by other users"):
        private_folder(shared)


def test_cache_files_are_user_only(stored, tmp_path: Path) -> None:
    scenario, frames, _ = stored
    cache = ReplicationCache(tmp_path / "c")
    cache.store(scenario, 0, frames)
    path = cache.path(scenario, 0)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_an_unsafe_cache_folder_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("SIM_CACHE_DIR", str(shared))
    scenario = tmp_path / "tiny.yaml"
    import yaml

    scenario.write_text(yaml.safe_dump(TINY), encoding="utf-8")
    out = tmp_path / "cmp"
    assert main(["compare", str(scenario), str(scenario), "--reps", "2", "--no-plots",
                 "-o", str(out)]) == 0
    assert "running without a cache" in capsys.readouterr().err
    assert os.listdir(shared) == [] and (out / "comparison.csv").exists()


def test_resumed_compare_writes_identical_bytes(tmp_path: Path,
                                                private_replication_cache: Path) -> None:
    """Fresh (no cache) vs all from the cache vs half from the cache: same CSV bytes."""
    import yaml

    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(yaml.safe_dump(TINY), encoding="utf-8")
    more = {**TINY, "name": "more", "units": {"foot": {**TINY["units"]["foot"], "count": 3}}}
    b.write_text(yaml.safe_dump(more), encoding="utf-8")

    def compare(out: str, *extra: str) -> dict[str, bytes]:
        folder = tmp_path / out
        assert main(["compare", str(a), str(b), "--reps", "3", "--no-plots",
                     "--write-incidents", "-o", str(folder), *extra]) == 0
        return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}

    fresh = compare("fresh", "--no-cache")
    assert not private_replication_cache.exists()
    filled = compare("filled")
    entries = sorted(private_replication_cache.rglob("*.simrep"))
    assert len(entries) == 6
    for entry in entries[::2]:
        entry.unlink()
    resumed = compare("resumed")
    assert "incidents.csv" in fresh and fresh == filled == resumed


def test_a_full_disk_under_the_cache_does_not_fail_the_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    import errno

    import yaml

    import sim.experiment.cache as cache_module

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(cache_module.tempfile, "mkstemp", disk_full)
    scenario = tmp_path / "tiny.yaml"
    scenario.write_text(yaml.safe_dump(TINY), encoding="utf-8")
    out = tmp_path / "cmp"
    assert main(["compare", str(scenario), "--reps", "2", "--no-plots", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "cannot store in the cache" in err and "No space left" in err
    assert (out / "comparison.csv").exists()


def test_text_with_missing_values_empty_frames_and_odd_dtypes_round_trip() -> None:
    import numpy as np
    import pandas as pd

    from sim.experiment.cache_format import decode, encode
    from sim.experiment.replication import Frames

    mixed = pd.DataFrame({
        "s": pd.Series(["a", None, "南湖", "", "a"], dtype="str"),
        "o": pd.Series(["x", None, "y", "x", ""], dtype=object),
        "b": [True, False, True, True, False],
        "i": np.arange(5, dtype=np.int32),
        "f": [0.1, np.nan, np.inf, -0.0, 1e-310],
    })
    empty = pd.DataFrame({"s": pd.Series([], dtype="str"), "f": pd.Series([], dtype=float)})
    frames = Frames(mixed, empty, mixed.copy(), empty.copy(), mixed.iloc[:1].copy(),
                    extra={"parking": mixed.copy()})
    back = decode(encode(frames, {"k": 1}), {"k": 1})
    assert same_frames(back, frames)
    assert back.incidents["s"].isna().tolist() == [False, True, False, False, False]
    assert back.incidents["o"].dtype == object and back.incidents["o"][1] is None
    assert np.signbit(back.incidents["f"][3]) and back.incidents["f"][4] == 1e-310


def test_temporaries_of_a_killed_store_are_removed_when_old(stored, tmp_path: Path) -> None:
    scenario, frames, _ = stored
    cache = ReplicationCache(tmp_path)
    folder = cache.path(scenario, 0).parent
    folder.mkdir(parents=True)
    old, young = folder / ".rep-0.simrep.dead1234", folder / ".rep-0.simrep.busy5678"
    old.write_bytes(b"half")
    young.write_bytes(b"half")
    os.utime(old, (0, 0))
    cache.store(scenario, 0, frames)
    assert not old.exists() and young.exists()
