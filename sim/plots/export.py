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
    return [_save(fig, stem, fmt.lstrip(".").lower(), dpi) for fmt in formats]


def _save(fig: Figure, stem: Path, fmt: str, dpi: int) -> Path:
    """Write ``fig`` as ``<stem>.<fmt>`` with the CJK font at hand; returns the path."""
    path = stem.parent / f"{stem.name}.{fmt}"
    with cjk_context(fig):
        fig.savefig(path, format=fmt, dpi=dpi)
    return path
