"""Entry point of `cdktf synth` / `make synth`: services.yaml -> cdktf.out/stacks/*/cdk.tf.json.

Synthesis runs under ``python -O``: the jsii-generated bindings type-check every argument of
every struct at runtime when ``__debug__`` is on, which costs a third of the build time. The
test suite keeps those checks (it builds the same catalog through the same code), so a type
error still fails CI; ``CLUSTER_STATE_DEBUG=1`` keeps them on here too.

Nothing is written unless everything is right: a bad catalog stops before synthesis (one line
per problem, naming file, line and path), a broken rule stops synthesis (one line per
violation, naming service and rule), both with exit code 2; the output is synthesized into a
scratch directory and replaces cdktf.out only on success, so the previous output stays intact.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from catalog import CatalogError, load_catalog
from catalog.errors import excerpt
from stacks.runtime import configure_jsii_runtime

configure_jsii_runtime()  # before anything starts the jsii kernel

EXIT_BAD_INPUT = 2


def main() -> int:
    try:
        catalog = load_catalog(os.environ.get("CLUSTER_STATE_CATALOG", "services.yaml"))
    except CatalogError as exc:
        print(exc, file=sys.stderr)
        return EXIT_BAD_INPUT
    from stacks.app import build_app  # imported late: loading the providers costs seconds

    outdir = Path(os.environ.get("CDKTF_OUTDIR", "cdktf.out")).resolve()
    outdir.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.", dir=outdir.parent))
    try:
        try:
            build_app(catalog, outdir=str(scratch)).synth()
        except RuntimeError as exc:
            violations = _violations(exc)
            if violations is None:
                raise  # not a rule: an internal error (see run)
            print(violations, file=sys.stderr)
            return EXIT_BAD_INPUT
        if outdir.exists():
            shutil.rmtree(outdir)
        scratch.replace(outdir)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


def _violations(exc: RuntimeError) -> str | None:
    """cdktf reports annotation errors as one message; keep only the rule lines (None: the
    error is no rule's)."""
    lines = [line.strip() for line in str(exc).splitlines()]
    rules = [line.split("] ", 1)[-1] for line in lines if ": rule " in line]
    return "\n".join(dict.fromkeys(rules)) if rules else None


def run() -> int:
    """:func:`main`, with any unexpected exception as one line and exit code 1: a traceback tells
    an operator nothing they can fix, and may print a secret of the catalog that was being read."""
    try:
        return main()
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if os.environ.get("CLUSTER_STATE_DEBUG") == "1":
            raise
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        print(
            f"internal error: {type(exc).__name__}: {excerpt(first, 200)}; please report it "
            "(CLUSTER_STATE_DEBUG=1 prints the trace)",
            file=sys.stderr,
        )
        return 1


def _optimized_argv() -> list[str] | None:
    """The command line that re-runs this entry point under ``-O``, or None if it already is."""
    if sys.flags.optimize or os.environ.get("CLUSTER_STATE_DEBUG") == "1":
        return None
    return [sys.executable, "-O", *sys.argv]


if __name__ == "__main__":
    argv = _optimized_argv()
    if argv is not None:
        os.execv(argv[0], argv)
    sys.exit(run())
