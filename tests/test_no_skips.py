"""0 skipped everywhere: with CI set a skip fails the run; a missing program fails its test with
the reason; CI runs exactly the README's test command. Each shown on a real pytest run.

The CI case runs pytest as CI does, in a process of its own (its exit status is what fails the
pipeline); the two others run pytest in this process (``pytester``), which shows the same
outcome and report lines without starting another interpreter and importing pytest again.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import PROJECT_ROOT

pytest_plugins = ["pytester"]

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
OPTIONS = ("-p", "tests.no_skips", "-p", "no:cacheprovider", "-rs", "-q")


def _pytest_process(tmp_path, *select: str) -> subprocess.CompletedProcess:
    """pytest with CI set, in a new process."""
    (tmp_path / "test_sample.py").write_text(SAMPLE)
    env = {k: v for k, v in os.environ.items() if k not in {"CI", "PYTEST_ADDOPTS"}}
    env["PYTHONPATH"] = str(PROJECT_ROOT)
    env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", *OPTIONS, *select],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _pytest_here(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, *select: str) -> pytest.RunResult:
    """pytest without CI, in this process."""
    for name in ("CI", "PYTEST_ADDOPTS"):
        monkeypatch.delenv(name, raising=False)
    pytester.makepyfile(test_sample=SAMPLE)
    return pytester.runpytest_inprocess(*OPTIONS, *select)


def test_with_ci_set_a_skipped_test_fails_the_run_naming_it_and_its_reason(tmp_path):
    result = _pytest_process(tmp_path, "test_sample.py::test_runs", "test_sample.py::test_skips")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "CI: 1 test(s) skipped" in result.stdout
    assert "test_sample.py::test_skips: Skipped: no frobnicator here" in result.stdout


def test_without_ci_a_skip_is_reported_but_does_not_fail(pytester, monkeypatch):
    result = _pytest_here(pytester, monkeypatch, "test_sample.py::test_runs", "test_sample.py::test_skips")
    output = result.stdout.str()
    assert result.ret == 0, output + result.stderr.str()
    assert "1 passed, 1 skipped" in output
    assert "CI:" not in output


def test_a_missing_program_fails_the_test_with_the_reason_instead_of_skipping(pytester, monkeypatch):
    result = _pytest_here(pytester, monkeypatch, "test_sample.py::test_needs_a_missing_program")
    output = result.stdout.str()
    assert result.ret == 1, output + result.stderr.str()
    assert "no-such-program-cluster-state not found (it frobnicates); `make test` installs it" in output
    assert "skipped" not in output


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
