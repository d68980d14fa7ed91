"""Writing figures to disk."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from matplotlib.figure import Figure

from sim.plots.fonts import cjk_context


def save_figure(
    fig: Figure,
    path_stem: Path | str,
    formats: Sequence[str] = ("png", "svg"),
    *,
    dpi: int = 120,
) -> list[Path]:
    """Save ``fig`` as ``<path_stem>.<fmt>`` for each format, creating parent folders;
    Chinese text is drawn with an installed CJK font (:mod:`sim.plots.fonts`).

    Args:
        fig: Figure to write.
        path_stem: Output path without extension (any dots in the name are kept).
        formats: File formats/extensions, e.g. ``("png", "svg", "pdf")``.
        dpi: Resolution for raster formats.

    Returns:
        The written paths, in ``formats`` order.
    """
    stem = Path(path_stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in formats:
        fmt = fmt.lstrip(".").lower()
        path = stem.parent / f"{stem.name}.{fmt}"
        with cjk_context(fig):
            fig.savefig(path, format=fmt, dpi=dpi)
        paths.append(path)
    return paths
