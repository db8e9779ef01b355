"""Entry point of `cdktf synth` / `make synth`: services.yaml -> cdktf.out/stacks/*/cdk.tf.json.

Synthesis runs under ``python -O``: the jsii-generated bindings type-check every argument of
every struct at runtime when ``__debug__`` is on, which costs a third of the build time. The
test suite keeps those checks (it builds the same catalog through the same code), so a type
error still fails CI; ``CLUSTER_STATE_DEBUG=1`` keeps them on here too. The ``-O`` byte-code
lives in the project's own cache (stacks/runtime.py).

With the same inputs as the stored output, nothing is synthesized and nothing is written; one
line says so (stacks/fingerprint.py); ``--force`` synthesizes anyway.

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

from stacks import fingerprint
from stacks.runtime import configure_jsii_runtime, optimized_command

EXIT_BAD_INPUT = 2


def main() -> int:
    inputs = fingerprint.current_inputs()  # before anything is read: a change during synthesis is seen next run
    configure_jsii_runtime()  # before anything starts the jsii kernel
    from catalog import CatalogError, load_catalog  # imported late: a no-op run needs neither pydantic nor jsii

    try:
        catalog = load_catalog(os.environ.get(fingerprint.CATALOG_ENV, fingerprint.DEFAULT_CATALOG))
    except CatalogError as exc:
        print(exc, file=sys.stderr)
        return EXIT_BAD_INPUT
    from stacks.app import build_app  # imported late: loading the providers costs seconds

    outdir = Path(fingerprint.output_dir()).resolve()
    outdir.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.", dir=outdir.parent))
    try:
        try:
            build_app(catalog, outdir=str(scratch)).synth()
        except RuntimeError as exc:
            print(_violations(exc), file=sys.stderr)
            return EXIT_BAD_INPUT
        fingerprint.record(str(scratch), inputs)
        if outdir.exists():
            shutil.rmtree(outdir)
        scratch.replace(outdir)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


def _violations(exc: RuntimeError) -> str:
    """cdktf reports annotation errors as one message; keep only the rule lines."""
    lines = [line.strip() for line in str(exc).splitlines()]
    rules = [line.split("] ", 1)[-1] for line in lines if ": rule " in line]
    return "\n".join(dict.fromkeys(rules)) if rules else str(exc)


if __name__ == "__main__":
    if fingerprint.up_to_date(sys.argv[1:]):  # decided before anything heavy is imported or re-exec'd
        sys.exit(0)
    optimized = optimized_command(sys.argv)
    if optimized is not None:
        os.execve(optimized[0][0], *optimized)
    sys.exit(main())
