"""--vary values that YAML cannot read are a clear SweepError, never a traceback."""

from __future__ import annotations

import pytest

from sim.experiment.sweep import SweepError, parse_vary


@pytest.mark.parametrize("text", ["units.foot.count=1:[:2", "a.b=[:2:3"])
def test_unreadable_range_part_is_a_sweep_error(text: str) -> None:
    with pytest.raises(SweepError, match="expected start:stop:step with numbers"):
        parse_vary(text)
