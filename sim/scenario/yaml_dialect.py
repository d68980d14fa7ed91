"""The YAML dialect of scenario files: YAML 1.2 scalars, every key once, and a dumper whose
output any YAML reader reads back to the same values."""

from __future__ import annotations

import re
from typing import Any

import yaml

MERGE_TAG = "tag:yaml.org,2002:merge"


class UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that rejects a key written twice in one mapping.

    Scalars follow YAML 1.2 rather than PyYAML's YAML 1.1: an unquoted ``08:00`` is text (a
    clock time), not the base-60 integer 480; ``010`` is ten, not octal eight; ``1e9`` is a
    number, not text; only ``true``/``false`` are booleans (``yes``, ``no``, ``on``, ``off``
    stay text, so a zone called ``NO`` is not ``false``; boolean fields still accept them).
    """


def _construct_mapping(loader: UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        if key_node.tag != MERGE_TAG:  # `<<: *anchor` is merged (and may be overridden)
            _add_key(seen, loader.construct_object(key_node, deep=deep), key_node)
    return loader.construct_mapping(node, deep=deep)


def _add_key(seen: set[Any], key: Any, key_node: yaml.Node) -> None:
    """Add a mapping's key to those seen; a key written twice or not hashable is an error."""
    try:
        duplicate = key in seen
    except TypeError:
        raise yaml.constructor.ConstructorError(
            None, None, "a key must be a plain name, not a list or mapping", key_node.start_mark
        ) from None
    if duplicate:
        raise yaml.constructor.ConstructorError(
            None, None, f"key {key!r} appears twice", key_node.start_mark
        )
    seen.add(key)


def _construct_int(loader: UniqueKeyLoader, node: yaml.ScalarNode) -> int:
    text = str(loader.construct_scalar(node)).replace("_", "")
    sign = -1 if text.startswith("-") else 1
    body = text.lstrip("+-")
    if body[:2].lower() in ("0x", "0o", "0b"):
        return sign * int(body, 0)
    return sign * int(body, 10)


UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
UniqueKeyLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)

_REPLACED_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool")
UniqueKeyLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _REPLACED_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
UniqueKeyLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
UniqueKeyLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?[0-9][0-9_]*|0x[0-9a-fA-F_]+|0o[0-7_]+)$"),
    list("-+0123456789"),
)
UniqueKeyLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)


class ScenarioDumper(yaml.SafeDumper):
    """Quotes every string that YAML 1.1 *or* this loader would read as something else."""


ScenarioDumper.yaml_implicit_resolvers = {
    first: list(dict.fromkeys([*yaml.SafeDumper.yaml_implicit_resolvers.get(first, []),
                               *UniqueKeyLoader.yaml_implicit_resolvers.get(first, [])]))
    for first in {*yaml.SafeDumper.yaml_implicit_resolvers,
                  *UniqueKeyLoader.yaml_implicit_resolvers}
}
