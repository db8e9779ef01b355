"""Access to the static files under ``files/`` and filling of their shell-variable headers.

Scripts that need a few deployment values start with plain ``NAME=`` assignments; the builder
rewrites exactly those lines. The file stays a runnable, readable shell script, and a value that
was never filled in is caught by the script's own guard rather than silently left empty.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
FILES_DIR = PROJECT_ROOT / "files"


def project_file(relative: str) -> str:
    """The text of ``files/<relative>``, as the catalog references it."""
    return (FILES_DIR / relative).read_text(encoding="utf-8")


def set_shell_variables(script: str, values: Mapping[str, str]) -> str:
    """Replaces the first ``NAME=...`` line of ``script`` for each name with the shell-quoted value."""
    for name, value in values.items():
        if "\n" in value:
            raise ValueError(f"{name}: a shell header value must be one line")
        pattern = re.compile(rf"^{re.escape(name)}=.*$", re.MULTILINE)
        script, count = pattern.subn(lambda _m, v=value, n=name: f"{n}={shlex.quote(v)}", script, count=1)
        if count == 0:
            raise KeyError(f"the script has no {name}= line to fill")
    return script
