"""One real `main.py` synthesis of a changed catalog over a previous output, made once per test
run (:func:`tests.conftest.shared_once`) and only read by its users: tests/test_main.py (the
entry point replaces the previous output) and tests/test_fingerprint.py (a no-op before the
change; every project file the synthesis opens is an input of the fingerprint; a no-op after).
Each such process costs ~5 s of CPU (the jsii kernel and the providers), so they share one.

The previous output is the session's synthesis with its fingerprint recorded as main.py records
it; the change is one image. The synthesis runs under -O in the traced process (TRACER), as
main.py would re-run itself.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest

from stacks import fingerprint, runtime
from tests.conftest import PROJECT_ROOT, shared_once

FINGERPRINTED_ENV = (*fingerprint.ENV_NAMES, *fingerprint.ENV_PRESENCE_ONLY)
RECORD = "import sys; from stacks import fingerprint as f; f.record(sys.argv[1], f.current_inputs())"
OLD_IMAGE, NEW_IMAGE = "sctx/overseerr:", "example.org/overseerr:"  # the repository of one image

# Runs main.py under -O in this process (no re-exec, so the hook sees the synthesis) and lists
# every file opened for reading and every module imported (a module loaded from byte-code opens
# no source file).
TRACER = """
import atexit, json, os, runpy, sys
opened = set()
def hook(event, args):
    if event == "open" and isinstance(args[0], (str, bytes)) and (args[1] is None or "r" in str(args[1])):
        opened.add(os.path.abspath(os.fsdecode(args[0])))
sys.addaudithook(hook)
trace, main = sys.argv[1], sys.argv[2]
def dump():
    imported = {getattr(m, "__file__", None) for m in list(sys.modules.values())}
    opened.update(os.path.abspath(f) for f in imported if isinstance(f, str))
    open(trace, "w").write(json.dumps(sorted(opened)))
atexit.register(dump)
sys.argv = sys.argv[2:]
sys.path.insert(0, os.path.dirname(main))
runpy.run_path(main, run_name="__main__")
"""


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without any variable the fingerprint reads, plus ``extra``."""
    env = {
        k: v for k, v in os.environ.items() if k not in FINGERPRINTED_ENV and not k.startswith(fingerprint.ENV_PREFIXES)
    }
    env["JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"] = "20"
    return {**env, **extra}


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str


@dataclass(frozen=True)
class MainRun:
    folder: Path  # services.yaml (changed), out/ (the output), opened.json (the trace)
    env: dict[str, str]  # main.py's environment: the no-op of out/ needs exactly this one
    no_op_before: Run  # main.py on the unchanged catalog over the recorded previous output
    wrote_before: bool  # whether that no-op changed anything in out/
    changed: Run  # the traced synthesis of the changed catalog

    @property
    def catalog(self) -> Path:
        return self.folder / "services.yaml"

    @property
    def out(self) -> Path:
        return self.folder / "out"

    @property
    def trace(self) -> Path:
        return self.folder / "opened.json"

    def main(self) -> subprocess.CompletedProcess[str]:
        """`python main.py` again, as the run was made (writes nothing if it is a no-op)."""
        command = [sys.executable, str(PROJECT_ROOT / "main.py")]
        return subprocess.run(command, cwd=self.folder, env=self.env, capture_output=True, text=True, timeout=300)


def tree_state(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in sorted(root.rglob("*"))}


def _make(folder: Path, synth_dir: Path) -> None:
    catalog, out = folder / "services.yaml", folder / "out"
    catalog.write_text((PROJECT_ROOT / "services.yaml").read_text())
    env = clean_env(CLUSTER_STATE_CATALOG=str(catalog), CDKTF_OUTDIR=str(out), PYTHONPYCACHEPREFIX=runtime.PYCACHE)
    shutil.copytree(synth_dir, out)
    subprocess.run([sys.executable, "-c", RECORD, str(out)], cwd=PROJECT_ROOT, env=env, check=True)
    run = MainRun(folder, env, Run(0, "", ""), False, Run(0, "", ""))
    before = tree_state(out)
    no_op = run.main()
    wrote = tree_state(out) != before
    assert f"image: {OLD_IMAGE}" in catalog.read_text()
    catalog.write_text(catalog.read_text().replace(f"image: {OLD_IMAGE}", f"image: {NEW_IMAGE}", 1))
    changed = subprocess.run(
        [sys.executable, "-O", "-c", TRACER, str(run.trace), str(PROJECT_ROOT / "main.py")],
        cwd=folder, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    runs = {"no_op_before": asdict(Run(no_op.returncode, no_op.stdout, no_op.stderr)), "wrote_before": wrote}
    runs["changed"] = asdict(Run(changed.returncode, changed.stdout, changed.stderr))
    (folder / "runs.json").write_text(json.dumps({"env": env} | runs))


@pytest.fixture(scope="session")
def main_run(tmp_path_factory, synth_dir) -> MainRun:
    folder = shared_once(tmp_path_factory, "main-run", lambda f: _make(f, synth_dir))
    runs = json.loads((folder / "runs.json").read_text())
    return MainRun(folder, runs["env"], Run(**runs["no_op_before"]), runs["wrote_before"], Run(**runs["changed"]))


def refused_before_synthesis(catalog: Path) -> list[str]:
    """The lines `main.py` prints (exit 2) when it refuses ``catalog`` before synthesizing: the
    CatalogError of ``load_catalog``, the function main.py calls and whose error it prints as it
    is, raised here in this process, from the catalog's folder (where these tests run main.py:
    files are named relative to it). A table of such cases runs main.py itself for one case (exit
    2, those lines, nothing written); the others come here: a process each (~0.4 s of CPU) would
    prove nothing more."""
    from catalog import CatalogError
    from rules import load_catalog

    with contextlib.chdir(catalog.parent):
        try:
            load_catalog(catalog)
        except CatalogError as exc:
            return str(exc).splitlines()
    raise AssertionError(f"{catalog} was accepted")
