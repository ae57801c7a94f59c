"""Small helpers for reading JSON Schema documents (local ``$ref`` and ``type``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

#: Form keys: also file names, so nothing that could leave the definitions directory.
KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,63}")

#: Top-level field names: they appear in error paths joined with ".".
FIELD_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")

_MAX_REF_HOPS = 32


def resolve_pointer(root: Mapping[str, Any], ref: str) -> Any:
    """Return the part of ``root`` that the local reference ``ref`` ("#/...") names.

    Raises ``LookupError`` when ``ref`` is not local or names nothing.
    """
    if not ref.startswith("#"):
        raise LookupError(ref)
    node: Any = root
    pointer = ref[1:]
    if not pointer:
        return node
    if not pointer.startswith("/"):
        raise LookupError(ref)
    for raw in pointer[1:].split("/"):
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, Mapping) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            raise LookupError(ref)
    return node


def resolve(root: Mapping[str, Any], schema: Any) -> Any:
    """Follow local ``$ref`` chains from ``schema``; unresolvable refs give ``{}``."""
    for _ in range(_MAX_REF_HOPS):
        if not isinstance(schema, Mapping):
            return schema
        ref = schema.get("$ref")
        if not isinstance(ref, str):
            return schema
        try:
            schema = resolve_pointer(root, ref)
        except LookupError:
            return {}
    return {}


def schema_types(schema: Any) -> tuple[str, ...]:
    """Return the JSON types a (resolved) schema declares, in declared order."""
    if not isinstance(schema, Mapping):
        return ()
    declared = schema.get("type")
    if isinstance(declared, str):
        return (declared,)
    if isinstance(declared, list):
        return tuple(t for t in declared if isinstance(t, str))
    return ()


def primary_type(schema: Any) -> str | None:
    """Return the first declared type that is not ``"null"``."""
    for name in schema_types(schema):
        if name != "null":
            return name
    return None
