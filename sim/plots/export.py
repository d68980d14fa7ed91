"""Writing figures to disk."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from matplotlib.figure import Figure


def save_figure(
    fig: Figure,
    path_stem: Path | str,
    formats: Sequence[str] = ("png", "svg"),
    *,
    dpi: int = 120,
) -> list[Path]:
    """Save ``fig`` as ``<path_stem>.<fmt>`` for each format, creating parent folders.

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
        fig.savefig(path, format=fmt, dpi=dpi)
        paths.append(path)
    return paths
