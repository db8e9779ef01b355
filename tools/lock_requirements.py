"""Pip requirements written from Pipfile.lock, so that `make setup` installs with pip alone.

Installing pipenv (~25 s) and letting it drive pip (~48 s) cost most of a cold `make synth`; pip
itself, given the lock's pins and hashes (``--no-deps --require-hashes``), installs the same
packages in a fraction of that. The lock stays the one source of truth: this script only
rewrites it, pin for pin, hash for hash, marker for marker (tests/test_lock.py checks that), and
pipenv is needed only to write a new lock.

It runs before any virtualenv exists, so it uses the standard library only. Run it with the
interpreter of the virtualenv being set up: it refuses one of another Python than the lock's.

    python -m tools.lock_requirements [--dev] [--lock Pipfile.lock] [-o FILE]

Without ``--dev``: the "default" section (what synthesis needs); with it, "develop" as well.
Bad input is one line naming the lock file and the entry, exit code 2.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

EXIT_BAD_INPUT = 2
RUNTIME_SECTION = "default"
DEV_SECTION = "develop"


class LockError(Exception):
    """A lock this script cannot turn into pinned, hashed requirements."""


def _name(name: str) -> str:
    """PEP 503's normalized form: the lock may spell a name in either case or separator."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_line(name: str, entry: dict, where: str) -> str:
    """One requirements line: ``name[extras]==version ; markers --hash=sha256:...``."""
    version = entry.get("version")
    if not isinstance(version, str) or not version.startswith("=="):
        raise LockError(f"{where}: no pinned version (a git, path or editable entry cannot be hashed)")
    hashes = entry.get("hashes")
    if not hashes or not all(isinstance(h, str) and ":" in h for h in hashes):
        raise LockError(f"{where}: no hashes")
    extras = entry.get("extras") or []
    line = name + (f"[{','.join(sorted(extras))}]" if extras else "") + version
    if entry.get("markers"):
        line += f" ; {entry['markers']}"
    return line + "".join(f" --hash={h}" for h in sorted(hashes))


def requirements(lock: dict, lock_name: str, dev: bool) -> list[str]:
    """The lines of ``lock``'s default section, then (``dev``) those of develop that default lacks.

    A package both sections pin must be pinned alike (pipenv writes it so); two pins of one name
    would make pip refuse the whole file."""
    sections = [RUNTIME_SECTION, DEV_SECTION] if dev else [RUNTIME_SECTION]
    chosen: dict[str, tuple[str, dict]] = {}
    lines = []
    for section in sections:
        packages = lock.get(section)
        if not isinstance(packages, dict):
            raise LockError(f"{lock_name}: no {section!r} section")
        for name, entry in sorted(packages.items()):
            where = f"{lock_name}: {section}.{name}"
            if not isinstance(entry, dict):
                raise LockError(f"{where}: not an object")
            key = _name(name)
            if key in chosen:
                first_section, first = chosen[key]
                if first.get("version") != entry.get("version"):
                    raise LockError(f"{where}: {entry.get('version')} but {first_section} pins {first.get('version')}")
                continue
            chosen[key] = (section, entry)
            lines.append(requirement_line(name, entry, where))
    return lines


def check_python(lock: dict, lock_name: str) -> None:
    """The lock was resolved for one Python version (``_meta.requires.python_version``)."""
    wanted = lock.get("_meta", {}).get("requires", {}).get("python_version")
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    if wanted and wanted != running:
        raise LockError(
            f"{lock_name}: locked for Python {wanted}, but {sys.executable} is Python {running} "
            "(make a .venv with Python " + wanted + ")"
        )


def load(path: Path) -> dict:
    try:
        lock = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LockError(f"{path}: cannot read: {exc.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = f", line {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise LockError(f"{path}{line}: not JSON: {getattr(exc, 'msg', exc)}") from None
    if not isinstance(lock, dict):
        raise LockError(f"{path}: not a JSON object")
    return lock


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.lock_requirements", description=__doc__.split("\n")[0])
    parser.add_argument("--dev", action="store_true", help='the "develop" section too')
    parser.add_argument("--lock", default="Pipfile.lock", type=Path)
    parser.add_argument("-o", "--output", type=Path, help="write here (default: standard output)")
    args = parser.parse_args(argv)
    try:
        lock = load(args.lock)
        check_python(lock, str(args.lock))
        text = "".join(line + "\n" for line in requirements(lock, str(args.lock), args.dev))
    except LockError as exc:
        print(f"setup: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
