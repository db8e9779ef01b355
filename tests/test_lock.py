"""`make synth` installs the lock's default section alone (no dev packages): every runtime package
of the Pipfile, and every package one of them needs, must be locked there, or a fresh clone's
synthesis fails on an import (python-hcl2 became a runtime package in the Pipfile while the lock
still listed it, with lark and regex, under develop only).

The setups install with pip from requirements that tools/lock_requirements.py writes from the
lock; they must say exactly what the lock says (pins, hashes, markers), or the lock would no
longer be what gets installed."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import PROJECT_ROOT
from tools import lock_requirements

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


# ---- the requirements pip installs ----------------------------------------------------------


def _facts_of_lines(lines: list[str]) -> dict[str, tuple]:
    """name -> (version, extras, marker, hashes), parsed as pip parses a requirements line."""
    facts = {}
    for line in lines:
        requirement_text, *hashes = re.split(r"\s+--hash=", line)
        requirement = Requirement(requirement_text)
        name = canonicalize_name(requirement.name)
        assert name not in facts, f"{name} twice: pip refuses the whole file"
        marker = str(requirement.marker) if requirement.marker else None
        facts[name] = (str(requirement.specifier), sorted(requirement.extras), marker, sorted(hashes))
    return facts


def _facts_of_lock(*sections: str) -> dict[str, tuple]:
    facts = {}
    for section in sections:
        for name, entry in LOCK[section].items():
            marker = str(Marker(entry["markers"])) if entry.get("markers") else None
            fact = (entry["version"], sorted(entry.get("extras", [])), marker, sorted(entry["hashes"]))
            facts.setdefault(canonicalize_name(name), fact)
    return facts


def test_the_runtime_requirements_are_the_locks_default_section_exactly():
    lines = lock_requirements.requirements(LOCK, "Pipfile.lock", dev=False)
    assert _facts_of_lines(lines) == _facts_of_lock("default")
    assert all(facts[3] for facts in _facts_of_lines(lines).values()), "pip --require-hashes needs a hash on every line"


def test_the_dev_requirements_are_both_sections_each_package_once():
    lines = lock_requirements.requirements(LOCK, "Pipfile.lock", dev=True)
    both = _facts_of_lock("default", "develop")
    assert _facts_of_lines(lines) == both
    assert len(both) < len(LOCK["default"]) + len(LOCK["develop"]), "the sections share packages"


def _write_lock(tmp_path: Path, lock: dict) -> Path:
    path = tmp_path / "Pipfile.lock"
    path.write_text(json.dumps(lock))
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda lock: lock["default"]["pyyaml"].pop("hashes"), "Pipfile.lock: default.pyyaml: no hashes"),
        (lambda lock: lock["develop"]["pyyaml"].update(version="==1.0"), "develop.pyyaml: ==1.0 but default pins"),
        (
            lambda lock: lock["default"]["cdktf"].update(version="*", git="https://x"),
            "default.cdktf: no pinned version",
        ),
        (lambda lock: lock["_meta"]["requires"].update(python_version="3.9"), "locked for Python 3.9, but"),
        (lambda lock: lock.pop("default"), "no 'default' section"),
    ],
)
def test_a_lock_that_cannot_be_installed_is_one_line_and_exit_2(tmp_path, capsys, change, message):
    lock = json.loads(json.dumps(LOCK))
    change(lock)
    path = _write_lock(tmp_path, lock)
    assert lock_requirements.main(["--dev", "--lock", str(path), "-o", str(tmp_path / "out.txt")]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "out.txt").exists(), "nothing written"


def test_a_lock_that_is_not_json_is_one_located_line(tmp_path, capsys):
    path = tmp_path / "Pipfile.lock"
    path.write_text('{\n  "default": {,\n')
    assert lock_requirements.main(["--lock", str(path)]) == 2
    assert (
        capsys.readouterr().err
        == f"setup: {path}, line 2: not JSON: Expecting property name enclosed in double quotes\n"
    )


# ---- what the runtime setup must hold: every import of what it runs ---------------------------

RUNTIME_SETUP = "setup"  # the Makefile target of the runtime packages (`setup-dev`: the dev ones)


def _runtime_entry_points() -> set[str]:
    """The modules the Makefile runs with ``$(PYTHON)`` in targets that set up ``setup`` only."""
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    entry_points = set()
    for match in re.finditer(r"^([a-z][\w-]*):([^\n=]*)\n((?:\t[^\n]*\n)*)", makefile, re.MULTILINE):
        prerequisites = match.group(2).split()
        if RUNTIME_SETUP not in prerequisites or any(p != RUNTIME_SETUP and p in _DEV_TARGETS for p in prerequisites):
            continue
        for module, script in re.findall(r"\$\(PYTHON\) (?:-m ([\w.]+)|([\w/]+\.py))", match.group(3)):
            entry_points.add(module or script[: -len(".py")].replace("/", "."))
    return entry_points


_DEV_TARGETS = {"setup-dev", "render", "validate", "test", "lint", "graph", "audit"}


def _module_file(module: str) -> Path | None:
    base = PROJECT_ROOT.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imports(path: Path, module: str) -> set[str]:
    """Every module ``path`` may import, at the top or inside a function (a late import of a
    synthesis is still an import); ``if TYPE_CHECKING:`` blocks never run."""
    tree = ast.parse(path.read_text(), str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            node.body = [ast.Pass()]  # before the walk below reaches it
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _third_party_imports(entry_points: set[str]) -> dict[str, str]:
    """top-level name of each non-project, non-stdlib module reached -> a module that imports it."""
    # the project's own packages, namespace packages (bench/) included
    project = {p.name for p in PROJECT_ROOT.iterdir() if p.is_dir() and any(p.glob("*.py"))}
    project |= {p.stem for p in PROJECT_ROOT.glob("*.py")}
    seen, todo, outside = set(), sorted(entry_points), {}
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        path = _module_file(module)
        if path is None:
            continue  # a name imported from a module (`from stacks.app import build_app`)
        parts = module.split(".")
        todo.extend(".".join(parts[:i]) for i in range(1, len(parts)))  # its packages run first
        for imported in _imports(path, module):
            top = imported.split(".")[0]
            if top in project:
                todo.append(imported)
            elif top and top not in sys.stdlib_module_names and top != "__future__":
                outside.setdefault(top, module)
    return outside


def test_the_runtime_entry_points_are_read_from_the_makefile():
    assert {"main", "tools.schema", "review", "bench.synth"} <= _runtime_entry_points()


def test_every_import_of_what_the_runtime_setup_runs_is_in_the_locks_default_section():
    """A package the dev setup happens to hold (jsonschema, pytest) is not there after `make synth`."""
    distributions = metadata.packages_distributions()
    default = _locked("default")
    entry_points = _runtime_entry_points() | {"review.__main__"}
    outside = _third_party_imports(entry_points)
    assert {"cdktf", "pydantic", "yaml", "hcl2"} <= set(outside), "the walk reaches the synthesis"
    missing = []
    for top, importer in sorted(outside.items()):
        names = {canonicalize_name(d) for d in distributions.get(top, [])}
        if not names & default:
            missing.append(f"{top} (imported by {importer}; installed from {sorted(names) or 'nothing'})")
    assert missing == []


# ---- the real client: pip installs what the requirements say, and refuses a wrong hash -------


def _wheel(directory: Path, name: str, version: str) -> Path:
    """A minimal pure-Python wheel, built here: the test needs no index and no network."""
    import zipfile

    path = directory / f"{name}-{version}-py3-none-any.whl"
    info = f"{name}-{version}.dist-info"
    files = {
        f"{name}/__init__.py": "",
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    files[f"{info}/RECORD"] = "".join(f"{f},,\n" for f in [*files, f"{info}/RECORD"])
    with zipfile.ZipFile(path, "w") as archive:
        for member, text in files.items():
            archive.writestr(member, text)
    return path


def _pip_install(tmp_path: Path, lock: dict) -> subprocess.CompletedProcess[str]:
    requirements = tmp_path / "requirements.txt"
    assert lock_requirements.main(["--lock", str(_write_lock(tmp_path, lock)), "-o", str(requirements)]) == 0
    command = [sys.executable, "-m", "pip", "install", "--isolated", "--no-index", "--find-links", str(tmp_path)]
    command += ["--no-deps", "--require-hashes", "--no-compile", "--target", str(tmp_path / "site")]
    return subprocess.run([*command, "-r", str(requirements)], capture_output=True, text=True, timeout=120)


def test_pip_installs_the_written_requirements_and_refuses_a_hash_that_does_not_match(tmp_path):
    """The line format (pin, marker, hashes on one line) is pip's; a marker that does not hold
    skips its package (no file of it exists here); a changed file is refused."""
    import hashlib

    wheel = _wheel(tmp_path, "demo_pkg", "1.0")
    digest = "sha256:" + hashlib.sha256(wheel.read_bytes()).hexdigest()
    lock = {
        "_meta": LOCK["_meta"],
        "default": {
            "demo-pkg": {"version": "==1.0", "hashes": [digest], "markers": "python_version >= '3.10'"},
            "never-here": {"version": "==2.0", "hashes": [digest], "markers": "python_version < '3.0'"},
        },
        "develop": {},
    }
    installed = _pip_install(tmp_path, lock)
    assert installed.returncode == 0, installed.stderr
    assert (tmp_path / "site" / "demo_pkg" / "__init__.py").is_file()

    lock["default"]["demo-pkg"]["hashes"] = ["sha256:" + "0" * 64]
    refused = _pip_install(tmp_path, lock)
    assert refused.returncode != 0 and "DO NOT MATCH THE HASHES" in refused.stderr, refused.stderr
