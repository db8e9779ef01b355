"""The real services.yaml as the tests read it themselves, to write variants of it: read and
parsed once per process, not once per module or per case (the pure-Python parser takes ~0.4 s of
CPU for it under load). The catalog's own loader (catalog/, rules.load_catalog) is what the
tests test; it still reads every file it is given its own way: only the tests' copy is cached.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import yaml

SERVICES_YAML = Path(__file__).resolve().parents[1] / "services.yaml"
# libyaml's parser builds the same document with the same safe constructor, ~7x faster
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@functools.cache
def services_text() -> str:
    return SERVICES_YAML.read_text()


@functools.cache
def _parsed() -> dict[str, Any]:
    return yaml.load(services_text(), Loader=_LOADER)


def services_data() -> dict[str, Any]:
    """A fresh copy of the parsed services.yaml: the caller may change it at will."""
    return copy.deepcopy(_parsed())


def dump(data: Any) -> str:
    """``data`` as YAML in the order given, as ``yaml.safe_dump(data, sort_keys=False)`` writes
    it, by libyaml's emitter (the pure-Python one takes ~0.3 s of CPU for the whole catalog)."""
    return yaml.dump(data, Dumper=_DUMPER, sort_keys=False)
