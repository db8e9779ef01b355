"""The bare floor of the benchmark: what any cdktf program with these providers costs.

It imports cdktf and both prebuilt providers and synthesizes one ConfigMap, and NOTHING of
the project (no catalog, no stacks, no runtime settings): the figure an operator would get
from the smallest program of their own. Run as ``python -O bench/floor.py <outdir>``.
"""

from __future__ import annotations

import sys

from cdktf import App, TerraformStack
from cdktf_cdktf_provider_kubernetes.config_map import ConfigMap, ConfigMapMetadata
from cdktf_cdktf_provider_kubernetes.provider import KubernetesProvider
from cdktf_cdktf_provider_nomad.provider import NomadProvider  # noqa: F401 (imported as the project's app does)

app = App(outdir=sys.argv[1])
stack = TerraformStack(app, "floor")
KubernetesProvider(stack, "kubernetes")
ConfigMap(stack, "one", metadata=ConfigMapMetadata(name="one"), data={"a": "b"})
app.synth()
