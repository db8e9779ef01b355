"""The hand-written kubectl binding synthesizes through the real cdktf CLI, to JSON and, with
`--hcl`, into HCL that Terraform's own parser accepts.

JSON: a one-resource app of this module's own, through the CLI (the suite's only successful
JSON run of the CLI). HCL: the session's `npx cdktf synth --hcl` of the whole catalog
(tests/conftest.py's ``hcl_synth_dir``), whose kubernetes stack holds the provider and every
``kubectl_manifest`` of the catalog; test_cli checks that Terraform reads those files
(`terraform fmt -check`), test_hcl_output that they mean what the JSON means, and its edge case
that an escaped interpolation in a ``yaml_body`` stays literal.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import CDKTF, PROJECT_ROOT

APP = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {root!r})
    from cdktf import App, TerraformStack
    from constructs_lib.kubectl import KubectlManifest, KubectlProvider
    from constructs_lib.manifest import manifest_body

    app = App()
    stack = TerraformStack(app, "binding")
    KubectlProvider(stack, "kubectl", config_path="~/.kube/k3s-config", config_context="default")
    config_map = {{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {{"name": "x"}}}}
    body = manifest_body({{**config_map, "data": {{"run.sh": "echo ${{HOME}}"}}}})
    KubectlManifest(stack, "manifest", yaml_body=body).override_logical_id("config_map_x")
    app.synth()
    """
)


@pytest.mark.slow
@pytest.mark.needs("cdktf", why="the pinned cdktf CLI of node_modules")
def test_the_kubectl_binding_synthesizes_through_the_cli_to_json(tmp_path):
    (tmp_path / "app.py").write_text(APP.format(root=str(PROJECT_ROOT)))
    (tmp_path / "cdktf.json").write_text(json.dumps({"language": "python", "app": f"{sys.executable} app.py"}))
    env = {**os.environ, "CHECKPOINT_DISABLE": "1", "CDKTF_DISABLE_PLUGIN_CACHE_ENV": "1", "CI": "1"}
    result = subprocess.run([str(CDKTF), "synth"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    config = json.loads((tmp_path / "cdktf.out" / "stacks" / "binding" / "cdk.tf.json").read_text())
    assert config["terraform"]["required_providers"]["kubectl"] == {"source": "alekc/kubectl", "version": "~> 2.1"}
    assert config["provider"]["kubectl"] == [{"config_context": "default", "config_path": "~/.kube/k3s-config"}]
    assert "echo $${HOME}" in config["resource"]["kubectl_manifest"]["config_map_x"]["yaml_body"]


def _attributes(block: str) -> dict[str, str]:
    """``name = "value"`` lines of a block the CLI formatted (one attribute a line, aligned)."""
    pairs = (line.split(" = ", 1) for line in block.splitlines())
    return {name.strip(): json.loads(value) for name, value in pairs}


@pytest.mark.slow
@pytest.mark.needs("cdktf", why="the pinned cdktf CLI of node_modules")
def test_the_kubectl_binding_synthesizes_through_the_cli_to_hcl(hcl_synth_dir, stacks):
    """Every ``kubectl_manifest`` of the JSON output, the provider's settings and its source, in
    the HCL the CLI wrote for the whole catalog."""
    config = stacks["kubernetes"]
    text = (hcl_synth_dir / "stacks" / "kubernetes" / "cdk.tf").read_text()
    manifests = sorted(config["resource"]["kubectl_manifest"])
    assert manifests, "the catalog has no kubectl_manifest: this test would prove nothing"
    assert sorted(re.findall(r'^resource "kubectl_manifest" "([^"]+)" \{$', text, re.MULTILINE)) == manifests
    source = re.search(r"^    kubectl = \{\n((?:      .*\n)+)    \}$", text, re.MULTILINE)
    assert source, text[:1000]
    expected = {"source": "alekc/kubectl", "version": "~> 2.1"}
    assert _attributes(source[1]) == config["terraform"]["required_providers"]["kubectl"] == expected
    provider = re.search(r'^provider "kubectl" \{\n((?:  .*\n)*)\}$', text, re.MULTILINE)
    assert provider, text[:1000]
    assert [_attributes(provider[1])] == config["provider"]["kubectl"]
