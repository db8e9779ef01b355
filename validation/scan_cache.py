"""The results of the secret scan kept on disk, so that a synthesis scans only lines it has not seen.

Both rules of literal secrets ask :func:`secret_kinds`: the catalog's own values when it loads
(rules/literal_secrets.py) and the texts only the constructs build (rules/tree.py). Scanning
every line of the catalog's texts with every detect-secrets plugin costs about a second, and
importing detect-secrets a tenth; with the cache, an unchanged catalog costs one digest per line
and detect-secrets is not imported at all.

- **Content-addressed.** An entry is the list of secret types found on one line, keyed by the
  BLAKE2b digest of the line. The entries live in a folder named by the digest of the detector
  configuration (:func:`validation.secrets_scan.detector_configuration`: detect-secrets'
  version, the plugin set, the filters and the scanner's own source), so another configuration
  never reads them: an upgrade or a plugin change starts from an empty folder.
- **Atomic.** The entries are spread over 16 shard files by the first hex digit of the digest;
  a shard is written to a temporary file beside it and renamed over it, so a reader sees a whole
  old or a whole new shard.
- **Never trusted blindly, never an error.** A shard that cannot be read, does not parse, names
  another configuration, holds an entry of the wrong shape or fails its checksum is ignored (its
  lines are scanned again and the shard written anew); a failure to write is ignored too. The
  cache only ever saves time.
- **Nothing lost.** It writes only its own shards under ``.cache/secrets-scan/`` (gitignored) and
  deletes nothing but its own temporary file after a failed write.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from validation.cache_files import CACHE_ROOT, read_json, write_json_atomically

CACHE_DIR = CACHE_ROOT / "secrets-scan"
FORMAT = 1  # of a shard file; part of the key
# entries in one shard (16 of them stay below MEMORY_MAX); beyond, a rewrite keeps only the scan's own lines
SHARD_MAX = 10_000
MEMORY_MAX = 200_000  # entries kept in the process (a catalog of huge values must not stay in memory)

Scan = Callable[[list[str]], list[tuple[int, str]]]


def line_key(line: str) -> str:
    return hashlib.blake2b(line.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def configuration_key(configuration: dict[str, Any]) -> str:
    text = json.dumps({"format": FORMAT, **configuration}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _checksum(entries: dict[str, list[str]]) -> str:
    return hashlib.sha256(json.dumps(entries, sort_keys=True).encode()).hexdigest()


class ScanCache:
    """Secret types per line: from this process's memory, the disk, or a scan of the misses.

    ``configuration`` and ``scan`` default to the output scan's (validation/secrets_scan.py);
    ``folder`` None keeps results in memory only.
    """

    def __init__(
        self,
        folder: Path | None = CACHE_DIR,
        configuration: dict[str, Any] | None = None,
        scan: Scan | None = None,
    ):
        self._folder, self._configuration, self._scan = folder, configuration, scan
        self._key: str | None = None
        self._memory: dict[str, list[str]] = {}
        self._loaded: set[str] = set()  # shards read from disk (or found unusable)
        self.scanned = 0  # lines this cache had to scan (for tests and the bench)

    @property
    def key(self) -> str:
        if self._key is None:
            if self._configuration is None:
                from validation.secrets_scan import detector_configuration

                self._configuration = detector_configuration()
            self._key = configuration_key(self._configuration)
        return self._key

    def kinds(self, lines: Sequence[str]) -> list[list[str]]:
        """The secret types detect-secrets finds on each of ``lines`` (empty: none)."""
        if len(self._memory) > MEMORY_MAX:
            self._memory.clear()
            self._loaded.clear()
        keys = [line_key(line) for line in lines]
        for shard in sorted({k[0] for k in keys if k not in self._memory} - self._loaded):
            self._memory.update(self._read(shard))
            self._loaded.add(shard)
        missing = {k: line for k, line in zip(keys, lines) if k not in self._memory}
        if missing:
            found: dict[str, list[str]] = {k: [] for k in missing}
            missing_keys = list(missing)
            for index, kind in self._scanner()(list(missing.values())):
                found[missing_keys[index]].append(kind)
            self.scanned += len(missing)
            self._memory.update(found)
            self._write({k[0] for k in found}, set(keys))
        return [list(self._memory[k]) for k in keys]

    def _scanner(self) -> Scan:
        if self._scan is None:
            from validation.secrets_scan import scan_lines

            self._scan = scan_lines
        return self._scan

    def _shard_path(self, shard: str) -> Path | None:
        return None if self._folder is None else self._folder / self.key / f"{shard}.json"

    def _read(self, shard: str) -> dict[str, list[str]]:
        """The entries of a shard that is whole and of this configuration; else none."""
        path = self._shard_path(shard)
        if path is None:
            return {}
        data = read_json(path)
        if not isinstance(data, dict) or data.get("configuration") != self.key or data.get("format") != FORMAT:
            return {}
        entries = data.get("entries")
        if not isinstance(entries, dict) or data.get("checksum") != _checksum(entries):
            return {}
        if not all(
            isinstance(k, str)
            and len(k) == 32
            and k[0] == shard
            and isinstance(v, list)
            and all(isinstance(t, str) for t in v)
            for k, v in entries.items()
        ):
            return {}
        return entries

    def _write(self, shards: set[str], current: set[str]) -> None:
        """Each shard of ``shards`` with what this process knows of it, replaced atomically."""
        for shard in sorted(shards):
            path = self._shard_path(shard)
            if path is None:
                continue
            entries = {k: v for k, v in self._memory.items() if k[0] == shard}
            if len(entries) > SHARD_MAX:
                entries = {k: v for k, v in entries.items() if k in current}
            body = {"format": FORMAT, "configuration": self.key, "checksum": _checksum(entries), "entries": entries}
            write_json_atomically(path, body)


_DEFAULT = ScanCache()


def secret_kinds(lines: Sequence[str]) -> list[list[str]]:
    """The secret types found on each of ``lines``, by the project's cache of the output scan's detectors."""
    return _DEFAULT.kinds(lines)
