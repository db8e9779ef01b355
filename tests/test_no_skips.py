"""0 skipped everywhere: with CI set a skip fails the run; a missing program fails its test with
the reason; CI runs exactly the README's test command. Each shown on a real pytest run."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import PROJECT_ROOT

SAMPLE = """
import pytest

def test_runs():
    pass

def test_skips():
    pytest.skip("no frobnicator here")

@pytest.mark.needs("no-such-program-cluster-state", why="it frobnicates")
def test_needs_a_missing_program():
    pass
"""


def _pytest(tmp_path, ci: bool, *select: str) -> subprocess.CompletedProcess:
    (tmp_path / "test_sample.py").write_text(SAMPLE)
    env = {k: v for k, v in os.environ.items() if k not in {"CI", "PYTEST_ADDOPTS"}}
    env["PYTHONPATH"] = str(PROJECT_ROOT)
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.no_skips", "-p", "no:cacheprovider", "-rs", "-q", *select],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_with_ci_set_a_skipped_test_fails_the_run_naming_it_and_its_reason(tmp_path):
    result = _pytest(tmp_path, True, "test_sample.py::test_runs", "test_sample.py::test_skips")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "CI: 1 test(s) skipped" in result.stdout
    assert "test_sample.py::test_skips: Skipped: no frobnicator here" in result.stdout


def test_without_ci_a_skip_is_reported_but_does_not_fail(tmp_path):
    result = _pytest(tmp_path, False, "test_sample.py::test_runs", "test_sample.py::test_skips")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed, 1 skipped" in result.stdout


def test_a_missing_program_fails_the_test_with_the_reason_instead_of_skipping(tmp_path):
    result = _pytest(tmp_path, False, "test_sample.py::test_needs_a_missing_program")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "no-such-program-cluster-state not found (it frobnicates); `make test` installs it" in result.stdout
    assert "skipped" not in result.stdout


def test_ci_runs_exactly_the_readme_test_command():
    commands = [
        line
        for line in (PROJECT_ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.startswith("#") and not line.startswith(("set ", "cd "))
    ]
    assert commands == ["exec make test"]
    assert "make test    #" in (PROJECT_ROOT / "README.md").read_text()


def test_no_test_skips_itself_or_marks_itself_skipped():
    """The one place for a precondition is tests/no_skips.py (``needs`` / ``require``)."""
    offenders = []
    for path in sorted((PROJECT_ROOT / "tests").rglob("*.py")):
        if path.name in {"no_skips.py", "test_no_skips.py"}:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if "pytest.skip(" in line or "mark.skip(" in line or "mark.skipif(" in line:
                offenders.append(f"{path.relative_to(PROJECT_ROOT)}:{number}: {line.strip()}")
    assert offenders == []
