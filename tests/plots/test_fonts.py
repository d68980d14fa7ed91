"""Chinese text in figures: drawn with an installed CJK font, or one install hint."""

from __future__ import annotations

from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pytest
from matplotlib.figure import Figure

from sim.plots import fonts, save_figure


def _draw(text: str, folder: Path, name: str) -> np.ndarray:
    """``text`` as a title, a legend entry and a tick label; the PNG's pixels."""
    fig = Figure(figsize=(3, 2))
    ax = fig.subplots()
    ax.plot([0, 1], [0, 1], label=text)
    ax.set_xticks([0, 1], [text, "x"])
    ax.set_title(text)
    ax.legend()
    save_figure(fig, folder / name, formats=("png",))
    return mpimg.imread(folder / f"{name}.png")


def test_has_cjk() -> None:
    assert fonts.has_cjk("乱象暴露") and fonts.has_cjk("default（夜）")
    assert not fonts.has_cjk("Disorder exposure — 95 % CI")


def test_chinese_is_drawn_with_a_cjk_font(tmp_path: Path, recwarn: pytest.WarningsRecorder,
                                          capsys: pytest.CaptureFixture) -> None:
    if fonts.cjk_font() is None:
        pytest.skip("no CJK font installed (Debian: apt-get install fonts-noto-cjk)")
    a, b = _draw("乱象暴露", tmp_path, "a"), _draw("巡查覆盖", tmp_path, "b")
    assert not [w for w in recwarn if "missing from font" in str(w.message)]
    assert "CJK" not in capsys.readouterr().err
    # Missing glyphs are all the same empty box: two different words would draw alike.
    assert not np.array_equal(a, b)


def test_without_a_cjk_font_one_hint_and_no_glyph_warnings(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, recwarn: pytest.WarningsRecorder,
        capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setattr(fonts, "cjk_font", lambda: None)
    monkeypatch.setattr(fonts, "_hinted", False)
    a = _draw("乱象暴露", tmp_path, "a")
    b = _draw("巡查覆盖", tmp_path, "b")
    assert np.array_equal(a, b)  # the empty boxes the hint is about
    assert not [w for w in recwarn if "missing from font" in str(w.message)]
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "fonts-noto-cjk" in err
