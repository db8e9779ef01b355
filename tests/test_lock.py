"""`make synth` installs the lock's default section alone (`pipenv sync`, no dev packages): every
runtime package of the Pipfile, and every package one of them needs, must be locked there, or a
fresh clone's synthesis fails on an import (python-hcl2 became a runtime package in the Pipfile
while the lock still listed it, with lark and regex, under develop only)."""

from __future__ import annotations

import json
import tomllib
from importlib import metadata

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import PROJECT_ROOT

PIPFILE = tomllib.loads((PROJECT_ROOT / "Pipfile").read_text())
LOCK = json.loads((PROJECT_ROOT / "Pipfile.lock").read_text())


def _locked(section: str) -> set[str]:
    return {canonicalize_name(name) for name in LOCK[section]}


def test_every_runtime_package_of_the_pipfile_is_in_the_locks_default_section():
    runtime = {canonicalize_name(name) for name in PIPFILE["packages"]}
    assert sorted(runtime - _locked("default")) == []


def test_what_the_locked_runtime_packages_need_is_locked_beside_them():
    """Read from the installed packages' metadata (the environment the suite runs in)."""
    default = _locked("default")
    missing = set()
    for name in sorted(default):
        for text in metadata.requires(name) or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                if canonicalize_name(requirement.name) not in default:
                    missing.add(f"{requirement.name} (needed by {name})")
    assert sorted(missing) == []
