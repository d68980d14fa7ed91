"""Real districts: zones from map files or unit grids, travel on a street network.

Needs the optional extra ``chengguan-sim[geo]`` (shapely, pyproj, pyogrio, geopandas, networkx,
pyrosm); every module imports those libraries only when used, so the base install still imports
this package. Problems are raised as :class:`GeoError` (field, message) and reported by the
scenario loader as scenario errors (exit status 2).
"""

from __future__ import annotations

EXTRA = "this scenario needs `pip install chengguan-sim[geo]`"


class GeoError(ValueError):
    """A map or network problem: the scenario field it concerns and what is wrong."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


def require(*modules: str) -> None:
    """Import ``modules`` or raise GeoError naming the extra to install."""
    missing = [name for name in modules if not _importable(name)]
    if missing:
        raise GeoError("map", f"{EXTRA} ({', '.join(missing)} not installed)")


def _importable(name: str) -> bool:
    import importlib

    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True
