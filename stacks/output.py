"""The output folder (``cdktf.out``): written whole or not at all, and nothing in it is lost.

Synthesis writes into a scratch folder beside the output folder; only when it succeeds does the
scratch folder take the output folder's place, so a bad catalog or a broken rule leaves the
previous output exactly as it was.

The output folder is also where Terraform works: ``cdktf diff``/``deploy`` (and an operator's
``terraform init``) run in ``cdktf.out/stacks/<stack>`` and keep ``.terraform/`` (providers,
backend settings) and ``.terraform.lock.hcl`` there; ``make render`` writes ``manifests/``.
Synthesis did not make those, so the swap carries every one of them over into the new output:
only the files synthesis writes itself (``SYNTHESIZED``) are replaced. State does not live here
at all (see ``stacks.backend``).

Imports nothing from cdktf: the caller passes the synthesis, so a test swaps exactly this way
with a stack of its own.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from stacks.fingerprint import FILE_NAME as FINGERPRINT

SYNTHESIZED = frozenset({"manifest.json", "cdk.tf.json", "cdk.tf"})  # what app.synth() writes
SYNTHESIZED_ROOT = frozenset({"manifest.json", FINGERPRINT})  # beside the stacks: cdktf's and main.py's
RENDERED = "manifests"  # what `make render` writes (validation.render)


def synthesize_into(outdir: Path, synth: Callable[[Path], None]) -> None:
    """Runs ``synth(scratch)`` and, if it returns, makes its output ``outdir``.

    An exception from ``synth`` propagates with ``outdir`` untouched and the scratch folder gone.
    """
    outdir = outdir.resolve()
    outdir.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.", dir=outdir.parent))
    umask = os.umask(0)
    os.umask(umask)
    scratch.chmod(0o777 & ~umask)  # the output folder as readable as any other (mkdtemp makes it 0700)
    try:
        synth(scratch)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)  # holds only what synth wrote
        raise
    if outdir.exists():
        _carry_over(outdir, scratch)
        previous = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.previous.", dir=outdir.parent))
        outdir.replace(previous)  # onto the empty folder: a rename, nothing is copied
        scratch.replace(outdir)
        _remove_synthesized(previous)  # what is left there (nothing, normally) stays for the operator
    else:
        scratch.replace(outdir)


def clean(outdir: Path) -> list[Path]:
    """Removes what synthesis and rendering wrote under ``outdir``, keeps everything else.

    Returns what is left (Terraform's working files), so the caller can say so.
    """
    if not outdir.is_dir():
        return []
    shutil.rmtree(outdir / RENDERED, ignore_errors=True)
    _remove_synthesized(outdir)
    return sorted(p for p in outdir.rglob("*") if not p.is_dir()) if outdir.exists() else []


def stack_summaries(outdir: Path) -> list[str]:
    """One line per synthesized stack: its name, resource count and file."""
    lines = []
    for path in sorted(outdir.glob("stacks/*/cdk.tf.json")):
        resources = json.loads(path.read_text()).get("resource", {})
        count = sum(len(group) for group in resources.values())
        noun = "resource" if count == 1 else "resources"
        lines.append(f"{path.parent.name}: {count} {noun} -> {_shown(path)}")
    return lines


def _carry_over(old: Path, new: Path) -> None:
    """Moves every entry of ``old`` that synthesis did not write into ``new``; merges folders."""
    for entry in old.iterdir():
        if entry.name in SYNTHESIZED:
            continue
        target = new / entry.name
        if old.name == "stacks" and entry.is_dir() and not target.exists():
            # a stack no longer synthesized: keep what Terraform left there, not its old configuration
            target.mkdir()
            _carry_over(entry, target)
            if not any(target.iterdir()):
                target.rmdir()
        elif not target.exists() and not target.is_symlink():
            entry.replace(target)
        elif entry.is_dir() and not entry.is_symlink() and target.is_dir():
            _carry_over(entry, target)
        # else: synthesis wrote a file of that name; the new one wins (it cannot be Terraform's)


def _remove_synthesized(folder: Path) -> None:
    """Deletes the files synthesis writes (at the places it writes them) and the folders left empty."""
    for stack in folder.glob("stacks/*"):
        for name in SYNTHESIZED:
            (stack / name).unlink(missing_ok=True)
    for name in SYNTHESIZED_ROOT:
        (folder / name).unlink(missing_ok=True)
    for empty in (*folder.glob("stacks/*"), folder / "stacks", folder):
        if empty.is_dir() and not empty.is_symlink() and not any(empty.iterdir()):
            empty.rmdir()


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


if __name__ == "__main__":  # `make clean`: python3 -m stacks.output clean [outdir]
    import sys

    folder = Path(sys.argv[2] if len(sys.argv) > 2 else "cdktf.out")
    kept = clean(folder) if sys.argv[1:2] == ["clean"] else sys.exit("usage: python -m stacks.output clean [outdir]")
    if kept:
        print(f"{folder}: kept {len(kept)} files that synthesis did not write (Terraform's working files)")
