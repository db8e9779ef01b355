"""No cliff (stacks/runtime.py): the -O re-exec of main.py keeps its byte-code in the project's
own cache, written even where PYTHONDONTWRITEBYTECODE is set; otherwise a virtualenv without
-O byte-code recompiles the provider bindings on every synthesis (3x its time)."""

from __future__ import annotations

import sys

from stacks.runtime import PYCACHE, optimized_command
from tests.conftest import PROJECT_ROOT


def test_the_optimized_run_writes_its_byte_code_to_the_project_cache():
    argv, env = optimized_command(["main.py"], {"PYTHONDONTWRITEBYTECODE": "1", "PATH": "/bin"})
    assert argv == [sys.executable, "-O", "main.py"]
    assert env == {"PYTHONPYCACHEPREFIX": PYCACHE, "PATH": "/bin"}
    assert PYCACHE == str(PROJECT_ROOT / ".cache" / "pycache")


def test_an_operators_own_cache_prefix_wins():
    _, env = optimized_command(["main.py"], {"PYTHONPYCACHEPREFIX": "/var/cache/py"})
    assert env["PYTHONPYCACHEPREFIX"] == "/var/cache/py"


def test_debug_keeps_the_runtime_type_checks():
    assert optimized_command(["main.py"], {"CLUSTER_STATE_DEBUG": "1"}) is None
