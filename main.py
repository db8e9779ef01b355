"""Entry point of `cdktf synth` / `make synth`: services.yaml -> cdktf.out/stacks/*/cdk.tf.json.

Synthesis runs under ``python -O``: the jsii-generated bindings type-check every argument of
every struct at runtime when ``__debug__`` is on, which costs a third of the build time. The
test suite keeps those checks (it builds the same catalog through the same code), so a type
error still fails CI; ``CLUSTER_STATE_DEBUG=1`` keeps them on here too. The ``-O`` byte-code
lives in the project's own cache (stacks/runtime.py).

With the same inputs as the stored output, nothing is synthesized and nothing is written; one
line says so (stacks/fingerprint.py); ``--force`` synthesizes anyway.

Nothing is written unless everything is right: a bad catalog stops before synthesis (one line
per problem, naming path, rule, file and line), and so does a rule of the built tree, both
with exit code 2; the output is synthesized into a scratch directory and replaces cdktf.out
only on success, so the previous output stays intact, and what Terraform keeps in cdktf.out is
carried over (``stacks/output.py``). Any other exception is one ``internal error`` line, exit 1.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from stacks import fingerprint
from stacks.hcl_output import HclOutputError, hcl_output_requested, repair_stack_files
from stacks.output import stack_summaries, synthesize_into
from stacks.runtime import configure_jsii_runtime, optimized_command
from stacks.usage import HELP

EXIT_BAD_INPUT = 2


def main() -> int:
    inputs = fingerprint.current_inputs()  # before anything is read: a change during synthesis is seen next run
    configure_jsii_runtime()  # before anything starts the jsii kernel
    # imported here: `--help` and a no-op run need neither pydantic nor jsii
    from catalog import CatalogError
    from rules import load_catalog

    try:
        catalog = load_catalog(os.environ.get(fingerprint.CATALOG_ENV, fingerprint.DEFAULT_CATALOG))
    except CatalogError as exc:
        print(exc, file=sys.stderr)
        return EXIT_BAD_INPUT
    outdir = Path(fingerprint.output_dir())
    try:
        synthesize_into(outdir, lambda scratch: _synthesize(catalog, scratch, inputs))
    except (CatalogError, HclOutputError) as exc:  # a rule of the synthesized tree (rules/tree.py), or HCL
        print(exc, file=sys.stderr)
        return EXIT_BAD_INPUT
    print("\n".join(stack_summaries(outdir)))
    return 0


def _synthesize(catalog, scratch: Path, inputs) -> None:
    from stacks.app import build_app  # imported late: loading the providers costs seconds

    app = build_app(catalog, outdir=str(scratch))
    app.synth()
    if hcl_output_requested():  # `cdktf synth --hcl`: see stacks/hcl_output.py
        repair_stack_files(app, scratch)
    fingerprint.record(str(scratch), inputs)


def run() -> int:
    """:func:`main`, with any unexpected exception as one line and exit code 1: a traceback tells
    an operator nothing they can fix, and may print a secret of the catalog that was being read."""
    try:
        return main()
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if os.environ.get("CLUSTER_STATE_DEBUG") == "1":
            raise
        from catalog.errors import excerpt

        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        print(
            f"internal error: {type(exc).__name__}: {excerpt(first, 200)}; please report it "
            "(CLUSTER_STATE_DEBUG=1 prints the trace)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    if {"-h", "--help"} & set(sys.argv[1:]):
        sys.exit(print(HELP))
    if fingerprint.up_to_date(sys.argv[1:]):  # decided before anything heavy is imported or re-exec'd
        sys.exit(0)
    optimized = optimized_command(sys.argv)
    if optimized is not None:
        os.execve(optimized[0][0], *optimized)
    sys.exit(run())
