"""The bare floor of the benchmark: what any cdktf program with these providers costs.

It imports cdktf and both prebuilt providers and synthesizes one ConfigMap, and NOTHING of
the project (no catalog, no stacks, no runtime settings): the figure an operator would get
from the smallest program of their own. Run as ``python -O bench/floor.py <outdir>``.

``--lazy`` is the same program with the provider packages' submodules imported on first use, as
the project imports them (``constructs_lib/jsii_speed.py``, and nothing else of the project):
a reference row, so that what the project's own work costs stays visible even where its
synthesis beats the floor above by not importing ~150 submodules it never uses.
"""

from __future__ import annotations

import sys
from pathlib import Path

if "--lazy" in sys.argv:
    sys.argv.remove("--lazy")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import constructs_lib.jsii_speed  # noqa: F401 (defers the provider submodules, as the project does)

from cdktf import App, TerraformStack  # noqa: E402
from cdktf_cdktf_provider_kubernetes.config_map import ConfigMap, ConfigMapMetadata  # noqa: E402
from cdktf_cdktf_provider_kubernetes.provider import KubernetesProvider  # noqa: E402
from cdktf_cdktf_provider_nomad.provider import NomadProvider  # noqa: E402, F401 (imported as the project's app does)

app = App(outdir=sys.argv[1])
stack = TerraformStack(app, "floor")
KubernetesProvider(stack, "kubernetes")
ConfigMap(stack, "one", metadata=ConfigMapMetadata(name="one"), data={"a": "b"})
app.synth()
