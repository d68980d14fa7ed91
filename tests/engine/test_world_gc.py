"""The run's garbage-collector setting is temporary: thresholds come back, even on error."""

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
