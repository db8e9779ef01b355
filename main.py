"""Entry point of `cdktf synth` / `make synth`: services.yaml -> cdktf.out/stacks/*/cdk.tf.json.

A bad catalog stops here, before anything is written: one line per problem on stderr, exit 2,
and the previous cdktf.out left as it was.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from catalog import CatalogError, load_catalog  # noqa: E402


def main() -> int:
    try:
        catalog = load_catalog(os.environ.get("CLUSTER_STATE_CATALOG", "services.yaml"))
    except CatalogError as exc:
        print(exc, file=sys.stderr)
        return 2
    from stacks.app import build_app  # imported late: loading the providers costs seconds

    build_app(catalog, outdir=os.environ.get("CDKTF_OUTDIR", "cdktf.out")).synth()
    return 0


if __name__ == "__main__":
    sys.exit(main())
