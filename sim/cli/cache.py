"""``sim cache info`` and ``sim cache prune``: the per-user replication cache."""

from __future__ import annotations

import argparse
from typing import Any

from sim.cli.common import Rule, Subparsers, UsageError, add_command, arg, check_rules

_CACHE_HELP = "show or prune the replication cache"
_CACHE_DESCRIPTION = ("The cache of finished replications ($SIM_CACHE_DIR, $XDG_CACHE_HOME/sim "
                      "or ~/.cache/sim) lets a rerun resume; it is never cleaned by itself.")


PRUNE_ARGUMENTS = (
    arg("--older-than", type=float, metavar="DAYS",
        help="remove entries not stored or reused for this many days"),
    arg("--max-size", metavar="SIZE",
        help="then remove the oldest until the cache is at most SIZE (500M, 2G)"),
    arg("--all", action="store_true", help="remove every entry"),
    arg("--dry-run", action="store_true", help="only say what would go"),
)


def add_cache_commands(sub: Subparsers) -> None:
    """Register ``sim cache info|prune``."""
    cache = sub.add_parser("cache", help=_CACHE_HELP, description=_CACHE_DESCRIPTION)
    actions = cache.add_subparsers(dest="action", metavar="ACTION", required=True)
    add_command(actions, "info", (), cmd_cache_info, "where the cache is and how much it holds")
    add_command(actions, "prune", PRUNE_ARGUMENTS, cmd_cache_prune, "remove cached replications")


def _root() -> Any:
    """The cache folder (``$SIM_CACHE_DIR``, ``$XDG_CACHE_HOME/sim`` or ``~/.cache/sim``)."""
    from sim.experiment.cache import default_cache_root

    return default_cache_root()


def cmd_cache_info(args: argparse.Namespace) -> int:
    """``sim cache info``: where the cache is and what it holds."""
    from sim.experiment.cache_admin import entries, summary

    root = _root()
    print(summary(root, entries(root)))
    return 0


def _max_bytes(args: argparse.Namespace) -> int | None:
    """``--max-size`` in bytes (None if not given)."""
    from sim.experiment.cache_admin import parse_size

    if args.max_size is None:
        return None
    try:
        return parse_size(args.max_size)
    except ValueError as exc:
        raise UsageError(f"--max-size: {exc}") from None


def _selective(args: argparse.Namespace) -> bool:
    """Does the prune choose entries by age or total size?"""
    return args.older_than is not None or args.max_size is not None


_PRUNE_RULES: list[Rule] = [
    (lambda a: not (a.all or _selective(a)),
     "cache prune: say what to remove: --older-than DAYS, --max-size SIZE or --all (add "
     "--dry-run to see it first)"),
    (lambda a: a.all and _selective(a),
     "cache prune: --all removes everything; drop --older-than/--max-size"),
    (lambda a: a.older_than is not None and not a.older_than >= 0,
     "--older-than must be a number of days, 0 or more"),
]


def cmd_cache_prune(args: argparse.Namespace) -> int:
    """``sim cache prune``: remove entries by age, total size, or all."""
    from sim.experiment.cache_admin import entries, remove, to_prune

    check_rules(args, _PRUNE_RULES)
    root = _root()
    found = entries(root)
    chosen = to_prune(found, args.older_than, _max_bytes(args), args.all)
    if args.dry_run:
        _print_would_remove(chosen, found, root)
    else:
        _print_removed(chosen, found, root, remove(chosen))
    return 0


def _print_would_remove(chosen: list, found: list, root: Any) -> None:
    """What a prune would remove, and that nothing was (``--dry-run``)."""
    from sim.experiment.cache_admin import human

    print(f"would remove {len(chosen):,} of {len(found):,} file(s) "
          f"({human(sum(e.size for e in chosen))}) from {root}; nothing removed (--dry-run)")


def _print_removed(chosen: list, found: list, root: Any, freed: int) -> None:
    """What the prune removed and what is left."""
    from sim.experiment.cache_admin import human

    print(f"removed {len(chosen):,} of {len(found):,} file(s) ({human(freed)}) from {root}; "
          f"{human(sum(e.size for e in found) - freed)} left")
