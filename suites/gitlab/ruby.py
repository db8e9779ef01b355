"""Ruby literals for the gitlab.rb settings GitLab Omnibus reads from ``GITLAB_OMNIBUS_CONFIG``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class RubyExpr(str):
    """Ruby code emitted verbatim, e.g. ``ENV['GITLAB_DB_PASSWORD']`` read when Omnibus reconfigures."""


class SymbolHash(dict):
    """A hash with symbol keys (``{ key: value }``), as gitaly's ``configuration`` expects."""


def env(name: str) -> RubyExpr:
    """The value of the container's env var ``name`` at reconfigure time."""
    if not name.replace("_", "").isalnum():
        raise ValueError(f"not an env var name: {name!r}")
    return RubyExpr(f"ENV['{name}']")


def ruby_literal(value: Any) -> str:
    """One-line Ruby literal for strings, integers, booleans, nil, arrays and hashes."""
    if isinstance(value, RubyExpr):
        return str(value)
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "nil"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(value, SymbolHash):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{_symbol(k)}: {ruby_literal(v)}" for k, v in value.items()) + " }"
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{ruby_literal(k)} => {ruby_literal(v)}" for k, v in value.items()) + " }"
    if isinstance(value, Sequence):
        return "[" + ", ".join(ruby_literal(v) for v in value) + "]"
    raise TypeError(f"no Ruby literal for {value!r}")


def _symbol(key: str) -> str:
    if not key.replace("_", "").isalnum() or key[0].isdigit():
        raise ValueError(f"not a plain symbol: {key!r}")
    return key
