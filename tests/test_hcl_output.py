"""`npx cdktf synth --hcl` means what the JSON output means, as Terraform itself reads both.

Both outputs come from the real toolchain, once per run (tests/conftest.py): the session's
synthesis for JSON, and the pinned cdktf CLI with `--hcl`, which runs main.py and then formats
the files. Neither stack can be planned without its providers, so each is turned into a
provider-free copy (tests/terraform_copy.py: every resource a `terraform_data` holding its body
verbatim) that Terraform plans; the outputs of the two plans must be identical.
`terraform init` on the HCL itself must not warn.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.catalog_source import dump, services_data
from tests.conftest import PROJECT_ROOT
from tests.terraform_copy import canonical, hcl_copy, json_copy

STACKS = ["kubernetes", "nomad"]
ENV = {
    **os.environ,
    "CHECKPOINT_DISABLE": "1",
    "CI": "1",
    "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
    "TF_IN_AUTOMATION": "1",
}


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env or ENV, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def outputs(synth_dir, hcl_synth_dir) -> dict[str, Path]:
    """The JSON and the HCL output of the real catalog: the session's synthesis (what main.py
    writes) and the session's `npx cdktf synth --hcl` (tests/conftest.py)."""
    return {"json": synth_dir, "hcl": hcl_synth_dir}


@pytest.fixture(scope="module")
def terraform_env(tmp_path_factory) -> dict[str, str]:
    """No CLI config of the machine's, and providers only from an empty local mirror: nothing is
    fetched, and `init` on a real stack stops at its providers after reading the configuration."""
    root = tmp_path_factory.mktemp("terraform")
    (root / "mirror").mkdir()
    rc = root / "terraform.rc"
    rc.write_text(f'provider_installation {{\n  filesystem_mirror {{\n    path = "{root / "mirror"}"\n  }}\n}}\n')
    return {**ENV, "TF_CLI_CONFIG_FILE": str(rc)}


def _evaluate(copy: Path, env: dict[str, str]) -> tuple[dict[str, Any], str]:
    """Terraform's values of the provider-free copy in the folder ``copy``, and what it printed.

    The copy is the one module of a root of its own, so that its outputs are one object,
    ``module.copy``, which `terraform console -plan` evaluates after planning in the same
    process (base64, so that no console quoting is undone by hand). The console does not report
    every error of the configuration (a ``depends_on`` on an undeclared resource is ignored), so
    `terraform validate` reads it first (references, cycles, types). Together ~60% of the CPU of
    `plan -out` followed by `show -json`, with the same values and the same warnings.
    """
    root = copy.parent / f"{copy.name}-root"
    root.mkdir()
    (root / "main.tf").write_text(f'module "copy" {{\n  source = "../{copy.name}"\n}}\n')
    log = ""
    for args in (["init", "-input=false", "-no-color"], ["validate", "-no-color"]):
        result = _run(["terraform", *args], root, env)
        log += result.stdout + result.stderr
        assert result.returncode == 0, f"terraform {args[0]} in {root}:\n{log[-4000:]}"
    console = subprocess.run(
        ["terraform", "console", "-plan"],
        input="base64encode(jsonencode(module.copy))\n",
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    log += console.stdout + console.stderr
    assert console.returncode == 0, f"terraform console -plan in {root}:\n{log[-4000:]}"
    value = console.stdout.strip().splitlines()[-1]
    assert value.startswith('"') and value.endswith('"'), log[-4000:]
    return canonical(json.loads(base64.b64decode(value[1:-1]))), log


def _differences(a: Any, b: Any, path: str = "") -> list[str]:
    if type(a) is not type(b):
        return [f"{path}: {a!r:.80} != {b!r:.80}"]
    if isinstance(a, dict):
        keys = sorted(set(a) | set(b))
        return [d for k in keys for d in _differences(a.get(k, "<missing>"), b.get(k, "<missing>"), f"{path}/{k}")]
    if isinstance(a, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in _differences(x, y, f"{path}/{i}")]
    if a != b:
        tail = max(0, min(len(str(a)), len(str(b))) - 40)
        return [f"{path}: …{str(a)[tail:]!r} != …{str(b)[tail:]!r}"]
    return []


@pytest.mark.slow
@pytest.mark.parametrize("stack", STACKS)
def test_terraform_evaluates_the_hcl_output_to_the_json_outputs_values(outputs, terraform_env, tmp_path, stack):
    (tmp_path / "json").mkdir()
    (tmp_path / "hcl").mkdir()
    config = json.loads((outputs["json"] / "stacks" / stack / "cdk.tf.json").read_text())
    (tmp_path / "json" / "main.tf.json").write_text(json.dumps(json_copy(config), indent=1))
    (tmp_path / "hcl" / "main.tf").write_text(hcl_copy((outputs["hcl"] / "stacks" / stack / "cdk.tf").read_text()))

    from_json, _ = _evaluate(tmp_path / "json", terraform_env)
    from_hcl, hcl_log = _evaluate(tmp_path / "hcl", terraform_env)

    assert sum(len(v) for v in config["resource"].values()) == sum(1 for name in from_hcl if "__" in name)
    differences = _differences(from_json, from_hcl)
    assert not differences, f"{len(differences)} values differ (JSON != HCL):\n" + "\n".join(differences[:20])
    assert "Warning" not in hcl_log, hcl_log


@pytest.mark.slow
@pytest.mark.parametrize("stack", STACKS)
def test_terraform_init_reads_the_hcl_output_without_a_warning(outputs, terraform_env, tmp_path, stack):
    (tmp_path / "cdk.tf").write_text((outputs["hcl"] / "stacks" / stack / "cdk.tf").read_text())
    result = _run(["terraform", "init", "-backend=false", "-input=false", "-no-color"], tmp_path, terraform_env)
    log = result.stdout + result.stderr
    # The providers cannot be had here: init reads (and warns about) the whole configuration first.
    assert "Failed to query available provider packages" in log, log
    assert "Warning" not in log, log


# No trailing newline (so no heredoc can hold it), quotes, backslashes, tabs, and escaped
# template sequences that must stay literal; the first value stays a heredoc, with an escaped
# interpolation in it.
EDGE_BODY = 'say: "hi" \\\\ C:\\\\path\\tnext\nrun: echo $${HOME} %%{x}\nlast line'
EDGE_FIRST = "ends: with a newline and $${HOME}\n"


@pytest.mark.slow
def test_a_multi_line_value_without_a_final_newline_keeps_its_meaning(terraform_env, tmp_path):
    """In this process (the worker's jsii kernel): the JSON is what ``app.synth()`` writes; the
    HCL is what it writes under ``SYNTH_HCL_OUTPUT`` (cdktf's StackSynthesizer writes
    ``stack.toHclTerraform().hcl`` to cdk.tf, after the same aspects and validations), repaired
    by main.py's own ``repair_stack_files``. A second kernel started with that variable would only
    repeat this renderer call; the session's `cdktf synth --hcl` takes the switch end to end."""
    from cdktf import App, TerraformStack

    from constructs_lib.kubectl import KubectlManifest, KubectlProvider
    from stacks.hcl_output import repair_stack_files

    app = App(outdir=str(tmp_path / "out"))
    stack = TerraformStack(app, "edge")
    KubectlProvider(stack, "kubectl")
    first = KubectlManifest(stack, "first", yaml_body=EDGE_FIRST)
    KubectlManifest(stack, "second", yaml_body=EDGE_BODY, depends_on=[first])
    app.synth()
    out = tmp_path / "out" / "stacks" / "edge"
    (out / "cdk.tf").write_text(stack.to_hcl_terraform()["hcl"])
    repair_stack_files(app, tmp_path / "out")

    copies = {}
    for kind in ("json", "hcl"):
        copy = tmp_path / f"{kind}-copy"
        copy.mkdir()
        if kind == "json":
            (copy / "main.tf.json").write_text(json.dumps(json_copy(json.loads((out / "cdk.tf.json").read_text()))))
        else:
            (copy / "main.tf").write_text(hcl_copy((out / "cdk.tf").read_text()))
        copies[kind], log = _evaluate(copy, terraform_env)
        assert "Warning" not in log, log
    assert copies["hcl"] == copies["json"]
    assert copies["hcl"]["kubectl_manifest__second"]["yaml_body"] == EDGE_BODY.replace("$${", "${").replace("%%{", "%{")
    assert copies["hcl"]["kubectl_manifest__first"]["yaml_body"] == "ends: with a newline and ${HOME}\n"


REFUSED = [
    # A shell heredoc in a config file: cdktf's own heredoc would end at its 'EOF' line.
    ("cat <<EOF\nwelcome\nEOF\n", "a multi-line value has a line 'EOF', which cdktf's HCL renderer cannot"),
    # Written as "a\nb": Terraform would read a newline where the catalog has a backslash.
    ("a\\nb", "the one-line value 'a\\\\nb' has a backslash, which cdktf's HCL renderer does not escape"),
]


def _catalog_holding(value: str, folder: Path) -> Path:
    """A catalog of the one service that holds ``value`` (no Nomad job): the refusal is about one
    value, and the whole catalog's synthesis would add nothing but CPU (the whole catalog's HCL
    output is the session's `cdktf synth --hcl`, tests/conftest.py)."""
    data = services_data()
    data["services"], data["nomad"]["jobs"] = {"nginx-sites": data["services"]["nginx-sites"]}, {}
    config_map = data["services"]["nginx-sites"]["config_maps"]["nginx-sites-config"]
    config_map["data"] = {"motd.sh": value}
    catalog = folder / "services.yaml"
    catalog.write_text(dump(data))
    return catalog


def _refusal_line(why: str) -> str:
    return f"stack kubernetes, HCL output: kubernetes_config_map.nginx_sites_config: {why}"


@pytest.mark.slow
def test_a_value_the_renderer_cannot_write_stops_the_hcl_synthesis_with_one_line(tmp_path):
    """End to end through main.py, for one value: exit 2, one line, nothing written. Which values
    are refused, and that the JSON output takes them, is the next test's table, in process."""
    value, why = REFUSED[0]
    catalog = _catalog_holding(value, tmp_path)
    env = {**ENV, "CLUSTER_STATE_CATALOG": str(catalog), "CDKTF_OUTDIR": str(tmp_path / "out")}
    env.pop("PG_CONN_STR", None)

    hcl = _run([sys.executable, str(PROJECT_ROOT / "main.py")], tmp_path, {**env, "SYNTH_HCL_OUTPUT": "true"})
    assert hcl.returncode == 2, hcl.stderr
    (line,) = hcl.stderr.strip().splitlines()
    assert line.startswith(_refusal_line(why)), line
    assert line.endswith("; use the JSON output"), line
    assert not (tmp_path / "out").exists(), "nothing is written"


@pytest.mark.slow
@pytest.mark.parametrize(("value", "why"), REFUSED, ids=["eof-line", "backslash"])
def test_the_hcl_output_refuses_a_value_the_renderer_cannot_write_that_the_json_output_takes(tmp_path, value, why):
    """main.py's own steps in this process (the worker's jsii kernel): ``build_app``,
    ``app.synth()`` (the JSON output), each stack's HCL as the synthesizer writes it under
    ``SYNTH_HCL_OUTPUT`` (``toHclTerraform().hcl``, see the test above this one), then
    ``repair_stack_files``: the refusal and its line are the ones an HCL synthesis gets; main.py
    prints that line and exits 2 (the end-to-end test above)."""
    from cdktf import TerraformStack

    from rules import load_catalog
    from stacks.app import build_app
    from stacks.hcl_output import HclOutputError, repair_stack_files

    out = tmp_path / "out"
    app = build_app(load_catalog(_catalog_holding(value, tmp_path)), outdir=str(out), env={})
    app.synth()
    stack = json.loads((out / "stacks" / "kubernetes" / "cdk.tf.json").read_text())
    assert stack["resource"]["kubernetes_config_map"]["nginx_sites_config"]["data"]["motd.sh"] == value
    for child in app.node.children:
        if isinstance(child, TerraformStack):
            (out / "stacks" / child.node.id / "cdk.tf").write_text(child.to_hcl_terraform()["hcl"])
    with pytest.raises(HclOutputError) as refused:
        repair_stack_files(app, out)
    assert str(refused.value).startswith(_refusal_line(why)), refused.value
    assert str(refused.value).endswith("; use the JSON output"), refused.value
