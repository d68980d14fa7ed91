"""Chinese (CJK) text in figures: find an installed CJK font and draw with it.

matplotlib's default font has no CJK glyphs: Chinese titles, legends (scenario names,
incident-type labels) would be drawn as empty boxes with one warning per missing glyph.
:func:`cjk_context` puts an installed CJK font behind the default one (matplotlib takes a
glyph the first font lacks from the next), so Latin text looks as before and Chinese text is
drawn; with no CJK font installed it silences the glyph warnings and says once how to
install one. :func:`sim.plots.save_figure` saves every figure this way.
"""

from __future__ import annotations

import contextlib
import functools
import re
import sys
import warnings
from collections.abc import Iterator
from typing import Any

import matplotlib
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.typing import RcKeyType

#: Installed families tried in this order (simplified Chinese first).
CJK_FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
    "Noto Sans CJK JP", "Noto Sans CJK TC", "Noto Sans CJK KR", "Source Han Sans",
    "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Droid Sans Fallback", "Noto Serif CJK SC",
    "AR PL UMing CN", "AR PL UKai CN", "SimHei", "Microsoft YaHei", "PingFang SC",
    "Heiti SC", "Hiragino Sans GB", "Arial Unicode MS",
)
INSTALL_HINT = (
    "no CJK font installed, so Chinese text in figures is drawn as empty boxes; install one "
    "(Debian/Ubuntu: sudo apt-get install fonts-noto-cjk) and run again")
_GLYPH = re.compile(r"Glyph (\d+) .*missing from (current )?font")
_CJK_FILE = re.compile(r"cjk|wqy|wenquanyi|sourcehan|droidsansfallback|ukai|uming|simhei|"
                       r"msyh|pingfang|notosanssc|notoserifsc", re.IGNORECASE)
_hinted = False


@functools.lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The family name of an installed CJK font, or None."""
    from matplotlib import font_manager

    found = _known_cjk(font_manager.fontManager)
    if found is None:  # installed after matplotlib cached its font list: look again
        _add_system_cjk_fonts()
        found = _known_cjk(font_manager.fontManager)
    return found


def _add_system_cjk_fonts() -> None:
    """Register the installed font files whose names look CJK with matplotlib."""
    from matplotlib import font_manager

    for path in font_manager.findSystemFonts():
        if _CJK_FILE.search(path):
            with contextlib.suppress(Exception):
                font_manager.fontManager.addfont(path)


def _known_cjk(manager: object) -> str | None:
    """The first of CJK_FAMILIES that ``manager`` knows, or None."""
    installed = {f.name for f in manager.ttflist}  # type: ignore[attr-defined]
    return next((name for name in CJK_FAMILIES if name in installed), None)


# CJK punctuation, kana and ideographs; hangul; compatibility ideographs; full-width forms
_CJK_RANGES = (("\u3000", "\u9fff"), ("\uac00", "\ud7af"), ("\uf900", "\ufaff"),
               ("\uff00", "\uffef"))


def has_cjk(text: str) -> bool:
    """True if ``text`` has a CJK ideograph, kana, hangul or CJK punctuation."""
    return any(lo <= ch <= hi for ch in text for lo, hi in _CJK_RANGES)


def _hint_once() -> None:
    """Print the install hint, once per process."""
    global _hinted
    if not _hinted:
        _hinted = True
        print(f"sim: warning: {INSTALL_HINT}", file=sys.stderr)


@contextlib.contextmanager
def cjk_context(fig: Figure | None = None) -> Iterator[None]:
    """Draw (save) ``fig`` with the CJK font behind each text's fonts (matplotlib falls back
    from one family of ``font.family`` to the next, glyph by glyph, but not within the list
    of a generic family such as sans-serif); missing-glyph warnings are swallowed and
    replaced by one install hint per process."""
    font = cjk_font()
    rc: dict[RcKeyType, Any] = {}
    if font is not None:
        rc = {"font.family": _with_font(matplotlib.rcParams["font.family"], font)}
        _add_font(fig, font)
    with matplotlib.rc_context(rc), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    _sift(caught)


def _add_font(fig: Figure | None, font: str) -> None:
    """Put ``font`` behind the font families of every text of ``fig``."""
    for text in fig.findobj(Text) if fig is not None else ():
        text.set_fontfamily(_with_font(text.get_fontfamily(), font))


def _with_font(families: str | list[str], font: str) -> list[str]:
    """``families`` as a list ending with ``font``."""
    families = [families] if isinstance(families, str) else list(families)
    return families if font in families else [*families, font]


def _sift(caught: list[warnings.WarningMessage]) -> None:
    """Re-issue the warnings that are not about missing glyphs; hint once if CJK ones were."""
    glyphs = [_missing_glyph(w) for w in caught]
    _reissue([w for w, glyph in zip(caught, glyphs) if glyph is None])
    if has_cjk("".join(filter(None, glyphs))):
        _hint_once()


def _reissue(caught: list[warnings.WarningMessage]) -> None:
    """Warn again with each caught warning."""
    for w in caught:
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def _missing_glyph(w: warnings.WarningMessage) -> str | None:
    """The character a missing-glyph warning is about; None for any other warning."""
    glyph = _GLYPH.search(str(w.message))
    return chr(int(glyph.group(1))) if glyph else None
