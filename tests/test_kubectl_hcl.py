"""The hand-written kubectl binding synthesizes through the real cdktf CLI, to JSON and, with
`--hcl`, into HCL that Terraform's own parser accepts.

JSON: a one-resource app of this module's own, through the CLI (the suite's only successful
JSON run of the CLI), which also shows that an error annotation still stops a synthesis under
the CLI once ``configure_jsii_runtime`` ran (one CLI run, read by both tests). HCL: the
session's `npx cdktf synth --hcl` of the whole catalog (tests/conftest.py's ``hcl_synth_dir``),
whose kubernetes stack holds the provider and every ``kubectl_manifest`` of the catalog;
test_cli checks that Terraform reads those files (`terraform fmt -check`), test_hcl_output that
they mean what the JSON means, and its edge case that an escaped interpolation in a
``yaml_body`` stays literal.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import CDKTF_COMMAND, PROJECT_ROOT, shared_once

APP = textwrap.dedent(
    """
    import json, os, sys
    sys.path.insert(0, {root!r})
    from stacks.runtime import configure_jsii_runtime

    set_by_cli = os.environ.get("CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS")
    configure_jsii_runtime()  # as main.py does, before anything starts the jsii kernel
    from cdktf import Annotations, App, TerraformStack
    from constructs_lib.kubectl import KubectlManifest, KubectlProvider
    from constructs_lib.manifest import manifest_body

    app = App()
    stack = TerraformStack(app, "binding")
    KubectlProvider(stack, "kubectl", config_path="~/.kube/k3s-config", config_context="default")
    config_map = {{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {{"name": "x"}}}}
    body = manifest_body({{**config_map, "data": {{"run.sh": "echo ${{HOME}}"}}}})
    KubectlManifest(stack, "manifest", yaml_body=body).override_logical_id("config_map_x")
    app.synth()

    # An error annotation (what an Aspect reports a broken rule with) must stop a synthesis.
    refused = App(outdir="refused.out")
    Annotations.of(TerraformStack(refused, "refused")).add_error("a broken rule")
    try:
        refused.synth()
        stopped = None
    except Exception as exc:
        stopped = str(exc)
    with open("annotation.json", "w") as report:
        json.dump({{"set_by_cli": set_by_cli, "stopped": stopped}}, report)
    """
)


@pytest.fixture(scope="module")
def cli_app(tmp_path_factory) -> Path:
    """The folder of :data:`APP` after one `cdktf synth` (JSON) of it, once per test run
    (:func:`tests.conftest.shared_once`, whichever worker asks first); the tests only read it."""

    def synthesize(folder: Path) -> None:
        (folder / "app.py").write_text(APP.format(root=str(PROJECT_ROOT)))
        (folder / "cdktf.json").write_text(json.dumps({"language": "python", "app": f"{sys.executable} app.py"}))
        env = {**os.environ, "CHECKPOINT_DISABLE": "1", "CDKTF_DISABLE_PLUGIN_CACHE_ENV": "1", "CI": "1"}
        command = [*CDKTF_COMMAND, "synth"]
        run = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stdout + run.stderr

    return shared_once(tmp_path_factory, "kubectl-cli-app", synthesize)


@pytest.mark.slow
@pytest.mark.needs("cdktf", "node", why="the pinned cdktf CLI of node_modules")
def test_the_kubectl_binding_synthesizes_through_the_cli_to_json(cli_app):
    config = json.loads((cli_app / "cdktf.out" / "stacks" / "binding" / "cdk.tf.json").read_text())
    assert config["terraform"]["required_providers"]["kubectl"] == {"source": "alekc/kubectl", "version": "~> 2.1"}
    assert config["provider"]["kubectl"] == [{"config_context": "default", "config_path": "~/.kube/k3s-config"}]
    assert "echo $${HOME}" in config["resource"]["kubectl_manifest"]["config_map_x"]["yaml_body"]


@pytest.mark.slow
@pytest.mark.needs("cdktf", "node", why="the pinned cdktf CLI of node_modules")
def test_an_error_annotation_stops_a_synthesis_under_the_real_cli(cli_app):
    """`cdktf synth`/`diff`/`deploy` run their app with CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS
    set, under which ``app.synth()`` writes a stack despite an error annotation;
    ``configure_jsii_runtime`` (main.py's first step) removes it before the jsii kernel starts.
    main.py itself reports no error annotation today (a broken rule stops it before synthesis or
    in ``CheckedApp.synth``, test_cli), so this app adds one of its own."""
    report = json.loads((cli_app / "annotation.json").read_text())
    assert report["set_by_cli"] is not None, "the CLI no longer sets it: this test proves nothing"
    assert report["stopped"] and "a broken rule" in report["stopped"], report
    assert not (cli_app / "refused.out" / "stacks" / "refused" / "cdk.tf.json").exists()


def _attributes(block: str) -> dict[str, str]:
    """``name = "value"`` lines of a block the CLI formatted (one attribute a line, aligned)."""
    pairs = (line.split(" = ", 1) for line in block.splitlines())
    return {name.strip(): json.loads(value) for name, value in pairs}


@pytest.mark.slow
@pytest.mark.needs("cdktf", "node", why="the pinned cdktf CLI of node_modules")
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
