"""No-op synthesis: the output is kept with a fingerprint of every input that made it.

A synthesis costs seconds (the jsii kernel, the provider assemblies); an operator re-running
``make synth`` with nothing changed should not pay for it. So ``main.py`` first compares the
fingerprint of its inputs with the one stored in ``<outdir>/.fingerprint`` and, when they are
equal and the output is still exactly what was written, says so in one line and writes
nothing. The decision is taken before anything heavy is imported (pydantic, jsii, the
providers), hence this module uses the standard library only.

The inputs are everything a synthesis reads, kept deliberately wide so that the fingerprint
can never serve stale output (a needless re-synthesis is cheap, a stale one is a wrong plan):

- the catalog file (``CLUSTER_STATE_CATALOG``, default ``services.yaml``), wherever it is;
- the project tree: code, ``files/``, ``jobspecs/``, ``cdktf.json``, the lock files..., all but
  what synthesis never reads (``SKIPPED_TOP_LEVEL``, dot-entries, byte-code). Any file a
  catalog names is read relative to the project root, so it is in this tree;
  tests/test_fingerprint.py traces every file a real synthesis opens and checks it is covered;
- the environment variables the project, cdktf and the jsii runtime read (``ENV_NAMES``,
  ``ENV_PREFIXES``); ``PG_CONN_STR`` only by presence, as the output does (it is a secret and
  its value is never written);
- the Python interpreter (version, executable) and its installed packages (the mtime of each
  site-packages directory changes whenever a package is installed, upgraded or removed);
- the node binary jsii runs (resolved path, size, mtime): a new node is a new fingerprint,
  without paying ~50 ms to ask it its version.

``--force`` synthesizes regardless.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable, Mapping

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FILE_NAME = ".fingerprint"
FORCE_FLAG = "--force"

CATALOG_ENV = "CLUSTER_STATE_CATALOG"
OUTDIR_ENV = "CDKTF_OUTDIR"
DEFAULT_CATALOG = "services.yaml"
DEFAULT_OUTDIR = "cdktf.out"

# Top-level entries of the project that no synthesis reads (checked by tests/test_fingerprint.py).
SKIPPED_TOP_LEVEL = frozenset({"node_modules", "tests", "docs", "bench", "cdktf.out", "state", "README.md"})
ENV_NAMES = ("NOMAD_ADDR", "SYNTH_HCL_OUTPUT", "TERRAFORM_BINARY_NAME")
ENV_PREFIXES = ("CLUSTER_STATE_", "CDKTF_", "K8S_", "JSII_", "NODE_")
ENV_PRESENCE_ONLY = ("PG_CONN_STR",)


def catalog_path(env: Mapping[str, str] = os.environ) -> str:
    return os.path.abspath(env.get(CATALOG_ENV, DEFAULT_CATALOG))


def output_dir(env: Mapping[str, str] = os.environ) -> str:
    return os.path.abspath(env.get(OUTDIR_ENV, DEFAULT_OUTDIR))


def current_inputs(env: Mapping[str, str] = os.environ) -> dict[str, str]:
    """``{input name: digest}`` of everything the next synthesis would read."""
    outdir = output_dir(env)
    inputs = {"catalog " + catalog_path(env): _file_digest(catalog_path(env))}
    inputs.update((f"file {rel}", _file_digest(os.path.join(PROJECT_ROOT, rel))) for rel in _project_files(outdir))
    for name in sorted(env):
        if name in ENV_NAMES or name.startswith(ENV_PREFIXES):
            inputs[f"env {name}"] = _digest(env[name].encode())
    for name in ENV_PRESENCE_ONLY:
        inputs[f"env {name}"] = "set" if env.get(name) else "unset"
    inputs["python"] = _digest(f"{sys.version} {sys.executable}".encode())
    for path in sys.path:
        if path.endswith("site-packages") and os.path.isdir(path):
            inputs[f"packages {path}"] = str(os.stat(path).st_mtime_ns)
    inputs["node"] = _node_identity(env)
    return inputs


def up_to_date(argv: Iterable[str], env: Mapping[str, str] = os.environ) -> bool:
    """True, after saying so in one line, when the stored output is that of these inputs."""
    if FORCE_FLAG in argv:
        return False
    outdir = output_dir(env)
    try:
        with open(os.path.join(outdir, FILE_NAME), encoding="utf-8") as f:
            stored = json.load(f)
        if stored["inputs"] != current_inputs(env) or not _outputs_intact(outdir, stored["outputs"]):
            return False
    except (OSError, ValueError, KeyError, TypeError):
        return False  # no, unreadable or foreign fingerprint: synthesize
    print(f"{os.path.relpath(outdir)} is up to date: no input changed since it was synthesized ({FORCE_FLAG} to redo)")
    return True


def record(scratch: str, inputs: Mapping[str, str]) -> None:
    """Stores ``inputs`` (taken before the synthesis started) with the digest of each output file."""
    outputs = {rel: _file_digest(os.path.join(scratch, rel)) for rel in _tree(scratch)}
    with open(os.path.join(scratch, FILE_NAME), "w", encoding="utf-8") as f:
        json.dump({"inputs": dict(inputs), "outputs": outputs}, f, indent=1, sort_keys=True)


def changed_inputs(outdir: str, env: Mapping[str, str] = os.environ) -> list[str]:
    """The names of the inputs that differ from the stored fingerprint (for tests and diagnosis)."""
    with open(os.path.join(outdir, FILE_NAME), encoding="utf-8") as f:
        stored = json.load(f)["inputs"]
    now = current_inputs(env)
    return sorted(k for k in stored.keys() | now.keys() if stored.get(k) != now.get(k))


def _outputs_intact(outdir: str, outputs: Mapping[str, str]) -> bool:
    """Every file the synthesis wrote is still there, unchanged (others may be added: render)."""
    return bool(outputs) and all(_file_digest(os.path.join(outdir, rel)) == digest for rel, digest in outputs.items())


def _project_files(outdir: str) -> list[str]:
    skipped_top = SKIPPED_TOP_LEVEL | {os.path.relpath(outdir, PROJECT_ROOT).split(os.sep)[0]}
    with os.scandir(PROJECT_ROOT) as entries:
        top = sorted(e.name for e in entries if not e.name.startswith(".") and e.name not in skipped_top)
    files: list[str] = []
    for name in top:
        path = os.path.join(PROJECT_ROOT, name)
        if os.path.isdir(path):
            files.extend(os.path.join(name, rel) for rel in _tree(path))
        else:
            files.append(name)
    return files


def _tree(root: str) -> list[str]:
    """Relative paths of the files under ``root``, without byte-code and dot-entries, sorted."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
        rel = os.path.relpath(dirpath, root)
        kept = (n for n in filenames if not n.startswith(".") and not n.endswith(".pyc"))
        found.extend(os.path.normpath(os.path.join(rel, n)) for n in kept)
    return sorted(found)


def _node_identity(env: Mapping[str, str]) -> str:
    from shutil import which

    node = env.get("JSII_NODE") or which("node", path=env.get("PATH"))
    if not node:
        return "absent"
    real = os.path.realpath(node)
    st = os.stat(real)
    return f"{real} {st.st_size} {st.st_mtime_ns}"


def _file_digest(path: str) -> str:
    try:
        with open(path, "rb") as f:
            return _digest(f.read())
    except OSError:
        return "missing"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
