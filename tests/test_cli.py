"""The operator's CLI: `npx cdktf synth --hcl` from the project root (cdktf.json runs
`.venv/bin/python main.py`) writes every stack as HCL that `terraform fmt -check` accepts (the
run is the session's, tests/conftest.py's ``hcl_synth_dir``, shared with test_hcl_output)."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.catalog_source import dump, services_data
from tests.conftest import CDKTF_COMMAND, PROJECT_ROOT


@pytest.mark.slow
@pytest.mark.needs("cdktf", "node", "terraform", why="the pinned cdktf CLI of node_modules, and Terraform 1.11")
def test_cdktf_synth_hcl_writes_every_stack_in_canonical_terraform_format(hcl_synth_dir):
    stacks = sorted(p.name for p in (hcl_synth_dir / "stacks").iterdir())
    assert stacks == ["kubernetes", "nomad"]
    for stack in stacks:
        fmt = subprocess.run(
            ["terraform", "fmt", "-check", "-diff", str(hcl_synth_dir / "stacks" / stack)],
            env={**os.environ, "CHECKPOINT_DISABLE": "1", "TF_CLI_CONFIG_FILE": os.devnull},
            capture_output=True,
            text=True,
        )
        assert fmt.returncode == 0, f"{stack}: terraform fmt would rewrite:\n{fmt.stdout}{fmt.stderr}"


@pytest.mark.slow
@pytest.mark.needs("cdktf", "node", why="the pinned cdktf CLI of node_modules")
def test_a_rule_violation_stops_the_real_cli_although_it_asks_the_app_to_continue(tmp_path):
    """A broken rule of the catalog through the real CLI: it fails, shows the rule, writes no stack.
    The catalog is the one service the rule is about (the real CLI writes both stacks of it when
    the rule holds; the whole catalog would only cost main.py and this test more YAML).
    This rule stops main.py before the jsii kernel starts, so the CLI's
    CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS=true plays no part here (removing it from main.py's
    environment, stacks/runtime.py, is proven by test_kubectl_hcl's error annotation under the CLI)."""
    data = services_data()
    overseerr = data["services"]["overseerr"]
    overseerr["workloads"]["overseerr"]["volumes"]["data"] = {"glusterfs": "db"}
    data["services"] = {"overseerr": overseerr}  # the rule is one service's; without it, a stack is written
    catalog = tmp_path / "services.yaml"
    catalog.write_text(dump(data))
    env = {**os.environ, "CHECKPOINT_DISABLE": "1", "CI": "1", "CLUSTER_STATE_CATALOG": str(catalog)}
    env.pop("PG_CONN_STR", None)
    out = tmp_path / "out"
    result = subprocess.run(
        [*CDKTF_COMMAND, "synth", "--output", str(out)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode != 0, result.stdout + result.stderr
    assert "rule sqlite-on-network-storage" in result.stdout + result.stderr
    assert not (out / "stacks").exists(), "the violating configuration was written"
