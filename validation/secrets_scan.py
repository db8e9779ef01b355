"""Credentials in the synthesized output, found with detect-secrets before they reach git or the cluster.

Secrets must reach the cluster only through ExternalSecrets, so any credential in ``cdktf.out``
is a bug. Every file is scanned with all detect-secrets plugins and its default filters, except
the indirect-reference filter: it drops whole lines that look like ``x = f(...)``, and every line
holding a Traefik ``Host(`...`)`` rule looks like that. Config files embedded in JSON strings
are scanned a second time decoded, one line per line, because detectors work line by line and
an escaped ``\\n`` would hide ``password: ...`` inside a one-line string; likewise each
``{"name": ..., "value": ...}`` pair (env vars) is scanned as one ``name: value`` line.

Three narrow filters are added, for values next to a secret-sounding keyword that are not
credentials: a field that *names* a Kubernetes Secret or one of its keys (``secretName:
wildcard-tls``, ``secretKey: MINIO_ACCESS_KEY``); a placeholder an init container substitutes at
start (``password: "SYNAPSE_DB_PASSWORD_PLACEHOLDER"``); and a lookup in an embedded program
(``db_password = ENV['GITLAB_DB_PASSWORD']``). The last one is what the indirect-reference filter
was for, judged on the value alone instead of the whole line.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# detect-secrets is imported where it is used: the rules of literal secrets read their results
# from the cache (validation/scan_cache.py) and import it only when a line misses (~0.1 s).

# Every plugin of detect-secrets 1.5.0, named so that the detector configuration (the cache's key)
# is known without importing it; tests/validation/test_secrets_scan.py keeps this equal to the
# installed version's full set, so "all plugins" stays true after an upgrade.
PLUGINS = (
    "AWSKeyDetector",
    "ArtifactoryDetector",
    "AzureStorageKeyDetector",
    "Base64HighEntropyString",
    "BasicAuthDetector",
    "CloudantDetector",
    "DiscordBotTokenDetector",
    "GitHubTokenDetector",
    "GitLabTokenDetector",
    "HexHighEntropyString",
    "IPPublicDetector",
    "IbmCloudIamDetector",
    "IbmCosHmacDetector",
    "JwtTokenDetector",
    "KeywordDetector",
    "MailchimpDetector",
    "NpmDetector",
    "OpenAIDetector",
    "PrivateKeyDetector",
    "PypiTokenDetector",
    "SendGridDetector",
    "SlackDetector",
    "SoftlayerDetector",
    "SquareOAuthDetector",
    "StripeDetector",
    "TelegramBotTokenDetector",
    "TwilioKeyDetector",
)
INDIRECT_REFERENCE_FILTER = "detect_secrets.filters.heuristic.is_indirect_reference"
ADDED_FILTERS = [
    f"{__name__}.is_secret_object_reference",
    f"{__name__}.is_placeholder_name",
    f"{__name__}.is_program_lookup",
]
# Not synthesized: Terraform's working files, which `terraform init/plan` may leave in a stack folder,
# and main.py's fingerprint of its inputs (sha256 digests, stacks/fingerprint.py).
_SKIPPED_DIRS = {".terraform"}
_SKIPPED_SUFFIXES = (".tfstate", ".tfstate.backup", ".tfplan", ".terraform.lock.hcl", ".fingerprint")
_SECRET_NAME_FIELD = re.compile(r'^\s*-?\s*"?(secret_name|secretName|secretKey)"?\s*:\s*"?(?P<value>[\w.-]+)"?,?\s*$')
_PLACEHOLDER = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")  # SYNAPSE_DB_PASSWORD_PLACEHOLDER, MINIO_SECRET_KEY
_LOOKUP = re.compile(r"""[A-Za-z_][\w.:]*[\[(](['"][\w.-]*['"][\])])?""")  # ENV[ , ENV.fetch( , getenv("X")


@dataclass(frozen=True)
class SecretFinding:
    file: str
    line: int  # in the file, or in the decoded string when ``where`` is set
    type: str  # detect-secrets' secret type, e.g. "AWS Access Key"
    where: str = ""  # JSON path of the string the secret sits in

    def __str__(self) -> str:
        where = f" (line {self.line} of the string at {self.where})" if self.where else f":{self.line}"
        return f"{self.file}{where}: {self.type}"


def is_secret_object_reference(secret: str, line: str) -> bool:
    """detect-secrets filter: ``secretName: wildcard-tls`` names a Secret, it is not one."""
    match = _SECRET_NAME_FIELD.match(line)
    return bool(match and match.group("value") == secret)


def _is_keyword_detector(plugin: Any) -> bool:
    from detect_secrets.plugins.keyword import KeywordDetector

    return isinstance(plugin, KeywordDetector)


def is_placeholder_name(secret: str, plugin: Any) -> bool:
    """detect-secrets filter: an upper-case ``NAME_LIKE_THIS`` after a keyword is a name or placeholder."""
    return _is_keyword_detector(plugin) and bool(_PLACEHOLDER.fullmatch(secret))


def is_program_lookup(secret: str, plugin: Any) -> bool:
    """detect-secrets filter: ``ENV['X']`` or ``getenv("X")`` after a keyword reads a secret, it is not one."""
    return _is_keyword_detector(plugin) and bool(_LOOKUP.fullmatch(secret))


@contextmanager
def scan_settings(plugins: tuple[str, ...] = PLUGINS) -> Iterator[None]:
    from detect_secrets.settings import default_settings, get_filters

    with default_settings() as settings:
        unknown = set(plugins) - set(settings.plugins)
        if unknown:
            raise ValueError(f"detect-secrets has no plugin {', '.join(sorted(unknown))}")
        settings.disable_plugins(*(set(settings.plugins) - set(plugins)))
        settings.disable_filters(INDIRECT_REFERENCE_FILTER)
        settings.filters.update({path: {} for path in ADDED_FILTERS})
        get_filters.cache_clear()
        yield


def detector_configuration(plugins: tuple[str, ...] = PLUGINS) -> dict[str, Any]:
    """What decides a scan's result, known without importing detect-secrets: its version, the
    plugin set, the filters changed here and this module's source (the filters' code). The
    cache of scan results (validation/scan_cache.py) is keyed by its digest."""
    spec = importlib.util.find_spec("detect_secrets")
    version_file = Path(spec.origin).with_name("__version__.py") if spec and spec.origin else None
    return {
        "detect-secrets": version_file.read_text() if version_file and version_file.is_file() else None,
        "plugins": sorted(plugins),
        "disabled filters": [INDIRECT_REFERENCE_FILTER],
        "added filters": ADDED_FILTERS,
        "source": hashlib.sha256(Path(__file__).read_bytes()).hexdigest(),
        "scan": "one line at a time, as a .conf file's line",
    }


def scan_lines(lines: list[str], plugins: tuple[str, ...] = PLUGINS) -> list[tuple[int, str]]:
    """``(index, secret type)`` of each of ``lines`` holding a credential, by the same detectors
    and filters as the output scan (the rules of literal secrets ask this through the cache, so
    a secret is refused in services.yaml or a built text by the detector that would find it in
    cdktf.out).

    Each line is scanned on its own, as a line of a ``.conf`` file (as the output scan reads a
    decoded string): its result depends on nothing but the line, which is what lets
    validation/scan_cache.py keep it by the line's digest. (A file scan would not do: it
    reports a secret once per file, runs whole-file transformers only when no line had a
    secret, and lets ``pragma: allowlist nextline`` on one value silence the next.)
    """
    if not lines:
        return []
    from detect_secrets.core.scan import _process_line_based_plugins

    found = set()
    with scan_settings(plugins):
        for index, line in enumerate(lines):
            for secret in _process_line_based_plugins([(1, line.replace("\r", " "))], filename="value.conf"):
                found.add((index, secret.type))
    return sorted(found)


def synthesized_files(root: Path) -> list[Path]:
    return sorted(
        path
        for path in root.rglob("*")
        if path.is_file()
        and not _SKIPPED_DIRS.intersection(path.relative_to(root).parts)
        and not path.name.endswith(_SKIPPED_SUFFIXES)
    )


def scan_tree(root: Path) -> list[SecretFinding]:
    """Every credential-like string in the files under ``root`` (e.g. ``cdktf.out``)."""
    findings: set[SecretFinding] = set()
    with scan_settings():
        for path in synthesized_files(root):
            shown = _display(path)
            seen = set()  # a secret found on the file's own line is not reported again from the decoded view
            for line, kind, hashed in _scan_file(path):
                findings.add(SecretFinding(shown, line, kind))
                seen.add((kind, hashed))
            if path.suffix == ".json":
                findings.update(_scan_embedded(path, shown, seen))
    return sorted(findings, key=lambda f: (f.file, f.where, f.line, f.type))


def _scan_file(path: Path) -> Iterator[tuple[int, str, str]]:
    from detect_secrets import SecretsCollection

    collection = SecretsCollection()
    collection.scan_file(str(path))
    for secrets in collection.data.values():
        for secret in secrets:
            yield secret.line_number, secret.type, secret.secret_hash


def _scan_embedded(path: Path, shown: str, seen: set[tuple[str, str]]) -> Iterator[SecretFinding]:
    """Multi-line strings of a JSON file, decoded and scanned as the config files they are."""
    try:
        data = json.loads(path.read_text())
    except (ValueError, UnicodeDecodeError):
        return
    origin: list[tuple[str, int]] = []  # decoded line number - 1 -> (JSON path, line in the string)
    text: list[str] = []
    for where, value in _strings(data, ""):
        if "\n" in value:
            # split where reading the file back splits, so line numbers map back exactly
            for number, line in enumerate(re.split(r"\r\n|\r|\n", value), start=1):
                origin.append((where, number))
                text.append(line)
    for where, name, value in _named_values(data, ""):
        origin.append((where, 1))
        text.append(f"{name}: {value}")
    if not text:
        return
    with tempfile.TemporaryDirectory() as folder:
        decoded = Path(folder) / "decoded.conf"
        decoded.write_text("\n".join(text) + "\n")
        for line, kind, hashed in _scan_file(decoded):
            if (kind, hashed) not in seen:
                where, number = origin[line - 1]
                yield SecretFinding(shown, number, kind, where)


def _strings(value: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{where}.{key}" if where else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{where}[{index}]")


def _named_values(value: Any, where: str) -> Iterator[tuple[str, str, str]]:
    """``{"name": "DB_PASSWORD", "value": "..."}`` pairs (env vars, headers), which JSON spreads
    over two lines, so that the name can tell a keyword detector what the value is."""
    if isinstance(value, dict):
        if isinstance(value.get("name"), str) and isinstance(value.get("value"), str):
            yield f"{where}.value", value["name"], value["value"]
        for key, item in value.items():
            yield from _named_values(item, f"{where}.{key}" if where else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _named_values(item, f"{where}[{index}]")


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
