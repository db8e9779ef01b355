"""The hand-written kubectl binding synthesizes through the real cdktf CLI with `--hcl` into
HCL that Terraform's own parser accepts."""

from __future__ import annotations

import json
import os
import shutil
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
@pytest.mark.parametrize("hcl", [False, True], ids=["json", "hcl"])
def test_the_kubectl_binding_synthesizes_through_the_cli(tmp_path, hcl):
    (tmp_path / "app.py").write_text(APP.format(root=str(PROJECT_ROOT)))
    (tmp_path / "cdktf.json").write_text(json.dumps({"language": "python", "app": f"{sys.executable} app.py"}))
    env = {**os.environ, "CHECKPOINT_DISABLE": "1", "CDKTF_DISABLE_PLUGIN_CACHE_ENV": "1", "CI": "1"}
    args = [str(CDKTF), "synth"] + (["--hcl"] if hcl else [])
    result = subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    out = tmp_path / "cdktf.out" / "stacks" / "binding"
    if not hcl:
        config = json.loads((out / "cdk.tf.json").read_text())
        assert config["terraform"]["required_providers"]["kubectl"] == {"source": "alekc/kubectl", "version": "~> 2.1"}
        assert config["provider"]["kubectl"] == [{"config_context": "default", "config_path": "~/.kube/k3s-config"}]
        assert "echo $${HOME}" in config["resource"]["kubectl_manifest"]["config_map_x"]["yaml_body"]
        return
    text = (out / "cdk.tf").read_text()
    assert 'resource "kubectl_manifest" "config_map_x"' in text
    assert 'source  = "alekc/kubectl"' in text
    assert "echo $${HOME}" in text, "interpolation stays escaped in HCL"
    if shutil.which("terraform"):
        fmt = subprocess.run(["terraform", "fmt", "-"], input=text, capture_output=True, text=True)
        assert fmt.returncode == 0, fmt.stderr
