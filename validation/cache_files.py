"""Files of the project's own caches under ``.cache/``: written atomically, read without trust.

Both disk caches of the project (the secret scan's results, validation/scan_cache.py, and the
parsed jobspecs, rules/nomad.py) only ever save time: a file that cannot be read or does not
parse is treated as absent, and a failure to write is ignored. A file is written to a temporary
file beside it and renamed over it, so a concurrent reader (two syntheses, two xdist workers)
sees a whole old or a whole new file; nothing but that temporary file is ever deleted.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

CACHE_ROOT = Path(__file__).resolve().parents[1] / ".cache"  # gitignored


def read_json(path: Path) -> Any | None:
    """What ``path`` holds, or None if it is missing, unreadable or not JSON."""
    try:
        with open(path, encoding="utf-8") as found:
            return json.load(found)
    except (OSError, ValueError):
        return None


def write_json_atomically(path: Path, body: Any) -> None:
    """``body`` as compact JSON at ``path``, replacing it in one rename; an error only costs time."""
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(body, out, separators=(",", ":"))
        os.replace(temporary, path)
        temporary = None
    except (OSError, TypeError, ValueError):
        pass  # a cache that cannot be written only costs time
    finally:
        if temporary is not None:
            try:
                os.unlink(temporary)  # the temporary file this write made, nothing else
            except OSError:
                pass
