"""The same tests everywhere: a test that cannot run fails with the reason, and CI fails on any skip.

A skipped test is a protection that silently did not run: the suite used to go green on a machine
without PostgreSQL, nginx or Graphviz with 57 tests skipped. So:

- ``@pytest.mark.needs("dot", "rsync", why=...)``: the test errors at setup, naming each missing
  program (looked up on PATH, in ``node_modules/.bin`` and in ``/usr/sbin``), instead of skipping;
  ``require(condition, reason)`` does the same inside a test or fixture for anything else.
- With ``CI`` set, a session that skipped anything fails, listing what was skipped and why.

``make test`` installs every program named here (see the Makefile's ``SYSTEM_PACKAGES``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEARCH_PATH = os.pathsep.join([os.environ.get("PATH", ""), str(PROJECT_ROOT / "node_modules" / ".bin"), "/usr/sbin"])


def find_program(name: str) -> str | None:
    return shutil.which(name, path=SEARCH_PATH)


def require(condition: object, reason: str) -> None:
    """Fails the running test with ``reason`` unless ``condition`` holds."""
    if not condition:
        pytest.fail(f"cannot run: {reason}", pytrace=False)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "needs(*programs, why=''): programs the test runs; missing ones fail it")


def pytest_runtest_setup(item: pytest.Item) -> None:
    for mark in item.iter_markers("needs"):
        missing = [name for name in mark.args if find_program(name) is None]
        why = f" ({mark.kwargs['why']})" if mark.kwargs.get("why") else ""
        require(not missing, f"{', '.join(missing)} not found{why}; `make test` installs it")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not os.environ.get("CI"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if not skipped:
        return
    lines = [f"CI: {len(skipped)} test(s) skipped; every test must run in CI:"]
    for report in skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        lines.append(f"  {report.nodeid}: {reason}")
    if reporter:
        reporter.write_line("\n".join(lines), red=True)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
