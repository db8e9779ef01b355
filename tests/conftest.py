"""Shared fixtures. The whole catalog is synthesized once per session: importing the providers
costs seconds, so no test pays for it again."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from stacks.runtime import configure_jsii_runtime

# The settings main.py gives the jsii kernel (the preload that loads a provider's submodules on
# first use, ~1 s of node CPU per kernel), here before any test module imports cdktf and starts
# this worker's own kernel; the processes the tests start inherit them, as main.py's would.
configure_jsii_runtime()

pytest_plugins = [
    "tests.conftest_pg",  # a throw-away PostgreSQL for the state-backend tests
    "tests.no_skips",  # missing programs fail the test; CI fails on any skip
    "tests.main_run",  # one main.py synthesis over a previous output, shared by its readers
]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REFERENCE = PROJECT_ROOT / "tests" / "reference"  # copied from the reference cluster, see its README
CRD_SCHEMAS = PROJECT_ROOT / "validation" / "crds"  # the same folder validation.schemas uses
CDKTF = PROJECT_ROOT / "node_modules" / ".bin" / "cdktf"  # the pinned cdktf CLI
# The command the tests run the CLI with: the file `npx cdktf` runs, under the node of PATH, with
# two V8 settings for this process alone (flags on the command line, not NODE_OPTIONS, so the
# app's jsii kernel keeps main.py's settings). Whatever the command, the CLI's bundle instantiates
# two Go WebAssembly modules at start-up (@cdktf/hcl2json for `convert`, @cdktf/hcl-tools for the
# `--hcl` formatting), and V8 recompiles their hot functions with TurboFan on 4 background threads,
# work a run of a few seconds never gets back: `--liftoff-only` keeps the baseline code and
# `--v8-pool-size=1` gives V8 one background thread. Same files written, byte for byte; ~0.3-0.7 s
# of CPU less per run (of ~2.4 s the CLI costs beyond its app). A node that no longer knows a
# flag exits 9 with "bad option": the test fails and says so.
CDKTF_COMMAND = ("node", "--liftoff-only", "--v8-pool-size=1", str(CDKTF))


@pytest.fixture(scope="session")
def catalog():
    from rules import load_catalog

    return load_catalog(PROJECT_ROOT / "services.yaml")


def shared_once(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """A folder filled by ``make(folder)`` once per test run, whatever the number of xdist workers.

    The first worker to take the lock makes it under the run's shared temporary root; the others
    wait and get the same folder. Only for results every user only reads. ``make`` works in a
    folder of its own; the folder is published (``<name>.done`` names it) only once ``make``
    returned, so a failed attempt is never used: the next test to ask tries again.
    """
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # popen-gwN/.. is the run's root, shared by its workers
    done = root / f"{name}.done"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            folder = Path(tempfile.mkdtemp(prefix=f"{name}.", dir=root))
            make(folder)
            done.write_text(str(folder))
    return Path(done.read_text())


@pytest.fixture(scope="session")
def synth_dir(catalog, tmp_path_factory) -> Path:
    """The whole catalog synthesized with the default (local) backend, as `make synth` does, once
    per test run (:func:`shared_once`): every user of this fixture only reads the files."""

    def synthesize(folder: Path) -> None:
        from stacks.app import build_app  # only here: a worker that reads pays no provider import

        build_app(catalog, outdir=str(folder / "cdktf.out"), env={}).synth()

    return shared_once(tmp_path_factory, "session-synth", synthesize) / "cdktf.out"


@pytest.fixture(scope="session")
def hcl_synth_dir(tmp_path_factory) -> Path:
    """`npx cdktf synth --hcl` of the whole catalog from the project root, as an operator runs it
    (the pinned CLI, cdktf.json's app): the cdktf.out it writes, once per test run (the CLI and a
    synthesis cost ~10 s; test_cli, test_hcl_output and test_kubectl_hcl only read the files)."""

    def synthesize(folder: Path) -> None:
        env = {**os.environ, "CHECKPOINT_DISABLE": "1", "CI": "1", "PIPENV_VENV_IN_PROJECT": "1"}
        for name in ("PG_CONN_STR", "SYNTH_HCL_OUTPUT"):
            env.pop(name, None)
        run = subprocess.run(
            [*CDKTF_COMMAND, "synth", "--hcl", "--output", str(folder / "cdktf.out")],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert run.returncode == 0, run.stdout + run.stderr

    return shared_once(tmp_path_factory, "session-hcl-synth", synthesize) / "cdktf.out"


@pytest.fixture(scope="session")
def stacks(synth_dir) -> dict[str, dict[str, Any]]:
    """``{stack name: cdk.tf.json}`` of the whole catalog."""
    return {
        path.parent.name: json.loads(path.read_text()) for path in sorted((synth_dir / "stacks").glob("*/cdk.tf.json"))
    }


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The tests that run external programs or whole syntheses (``slow``) first, so that the
    longest jobs start while the workers are fresh and the short tests fill in around them (the
    order of the others is kept).

    Under xdist, each worker starts on a contiguous share of this list (``--dist worksteal``
    hands out equal slices, then moves tests from the tail of a busy worker to an idle one), so
    the slow modules are dealt to the slices in turn, each module kept whole (its module-scoped
    fixtures are made once): every worker starts with heavy tests, none waits at the end for one
    that started late.
    """
    slow = [item for item in items if item.get_closest_marker("slow")]
    fast = [item for item in items if not item.get_closest_marker("slow")]
    workers = int(getattr(config, "workerinput", {}).get("workercount", 1))
    if workers < 2:
        items[:] = slow + fast
        return
    modules: dict[str, list[pytest.Item]] = {}
    for item in slow:
        modules.setdefault(item.nodeid.split("::")[0], []).append(item)
    shares: list[list[pytest.Item]] = [[] for _ in range(workers)]
    for turn, module in enumerate(modules.values()):
        shares[turn % workers].extend(module)
    ordered: list[pytest.Item] = []
    remaining = len(items)
    for worker, share in enumerate(shares):
        size = remaining // (workers - worker)  # the slice worksteal gives this worker
        filler = max(0, size - len(share)) if worker < workers - 1 else len(fast)
        ordered += share + fast[:filler]
        del fast[:filler]
        remaining -= len(share) + filler
    items[:] = ordered


def resources_of(stack: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``{"type.name": resource config}`` of one synthesized stack."""
    return {f"{t}.{n}": body for t, group in stack.get("resource", {}).items() for n, body in group.items()}


def service_of(resource: dict[str, Any]) -> str:
    """The catalog service a resource belongs to: the construct path is ``<stack>/<service>/...``."""
    return resource["//"]["metadata"]["path"].split("/")[1]


@pytest.fixture(scope="session")
def synth_with(tmp_path_factory) -> Callable[[Callable[[Any], None]], dict[str, dict[str, Any]]]:
    """Synthesizes a scratch stack filled by ``build(stack)``; returns its resources.

    For focused construct tests: the providers are already imported, so each call is cheap.
    (``Testing.synth_scope`` is broken in Python, hence a real App.)
    """
    from cdktf import App, TerraformStack

    from stacks.backend import configure_backend

    def run(build: Callable[[Any], None]) -> dict[str, dict[str, Any]]:
        outdir = tmp_path_factory.mktemp("scratch")
        app = App(outdir=str(outdir), skip_validation=True)  # scratch stacks declare no providers
        stack = TerraformStack(app, "scratch")
        configure_backend(stack, "scratch", env={})
        build(stack)
        app.synth()
        return resources_of(json.loads((outdir / "stacks" / "scratch" / "cdk.tf.json").read_text()))

    return run
