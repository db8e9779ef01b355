"""gitlab.rb read by Ruby itself: `ruby -c`, then evaluated against omnibus_stub.rb.

Ruby is Debian's `ruby` (.ci/install-system-packages.sh). Without it the tests fail with that
reason: a hand-written reader would only agree with the hand-written writer.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

STUB = Path(__file__).with_name("omnibus_stub.rb")


def ruby() -> str:
    found = shutil.which("ruby")
    if found is None:
        pytest.fail("ruby is not installed (Debian: apt-get install ruby; .ci/install-system-packages.sh)")
    return found


def check_syntax(text: str) -> subprocess.CompletedProcess[str]:
    """`ruby -c` on the text: Ruby's own parser, nothing evaluated."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "gitlab.rb"
        path.write_text(text)
        return subprocess.run([ruby(), "-c", str(path)], capture_output=True, text=True, timeout=60)


def read_gitlab_rb(text: str, env: Mapping[str, str] | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(calls, settings)`` that Omnibus would see: URL calls, and per-root hashes of settings.

    ``env`` is the whole environment of the evaluation (what ``ENV[...]`` reads at reconfigure).
    """
    syntax = check_syntax(text)
    assert syntax.returncode == 0 and syntax.stdout.strip() == "Syntax OK", syntax.stdout + syntax.stderr
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "gitlab.rb"
        path.write_text(text)
        result = subprocess.run(
            [ruby(), str(STUB), str(path)],
            env={"PATH": os.environ.get("PATH", ""), **(env or {})},
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 0, f"Ruby could not evaluate gitlab.rb:\n{result.stderr}\n{text}"
    dumped = json.loads(result.stdout)
    return dumped["calls"], dumped["settings"]
