"""The run's garbage-collector setting is temporary: thresholds and frozen objects come back,
even on error."""

from __future__ import annotations

import gc

import pytest

from sim.engine.world import rarer_garbage_collection


def test_thresholds_restored_after_the_block_and_after_an_error() -> None:
    before = gc.get_threshold()
    with rarer_garbage_collection(12_345):
        assert gc.get_threshold()[0] == 12_345
    assert gc.get_threshold() == before
    with pytest.raises(RuntimeError), rarer_garbage_collection():
        raise RuntimeError("stop")
    assert gc.get_threshold() == before


def test_what_exists_is_frozen_during_the_block_only() -> None:
    assert gc.get_freeze_count() == 0
    with rarer_garbage_collection():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
    with pytest.raises(RuntimeError), rarer_garbage_collection():
        raise RuntimeError("stop")
    assert gc.get_freeze_count() == 0


def test_a_caller_s_own_frozen_objects_stay_frozen() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with rarer_garbage_collection():
            pass
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
