"""State location: local and machine-independent by default, beside cdktf.out (never in it:
tests/test_state.py shows why, with Terraform); PostgreSQL with PG_CONN_STR, one schema per
stack, the connection string never written."""

from __future__ import annotations

import json


def one_service(catalog):
    """The catalog with one service: what reads the environment is the stacks' own code (their
    backend and providers: stacks/app.py passes ``env`` to nothing else), and every stack is still
    written (the Nomad stack's jobs are not services), so the whole catalog would show no more."""
    return catalog.model_copy(update={"services": {"vault-integration": catalog.services["vault-integration"]}})


def test_by_default_each_stack_keeps_local_state_in_the_state_folder_beside_cdktf_out(stacks):
    for name, stack in stacks.items():
        # resolved by Terraform from cdktf.out/stacks/<name>: <project>/state/<name>.tfstate
        assert stack["terraform"]["backend"] == {"local": {"path": f"../../../state/{name}.tfstate"}}


def test_with_pg_conn_str_each_stack_uses_its_own_schema_and_the_connection_string_is_never_written(catalog, tmp_path):
    from stacks.app import build_app

    secret = "postgres://state:very-secret-password@db.lan:5432/terraform"
    build_app(one_service(catalog), outdir=str(tmp_path), env={"PG_CONN_STR": secret}).synth()
    backends = {
        p.parent.name: json.loads(p.read_text())["terraform"]["backend"]
        for p in (tmp_path / "stacks").glob("*/cdk.tf.json")
    }
    assert backends == {
        "kubernetes": {"pg": {"schema_name": "cluster_state_kubernetes"}},
        "nomad": {"pg": {"schema_name": "cluster_state_nomad"}},
    }
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert "very-secret-password" not in path.read_text(errors="ignore"), path


def test_both_kubernetes_providers_read_the_kubeconfig_and_context_from_the_environment(catalog, tmp_path):
    from stacks.app import build_app

    env = {"K8S_CONFIG_PATH": "~/.kube/lab", "K8S_CONTEXT": "lab"}
    build_app(one_service(catalog), outdir=str(tmp_path), env=env).synth()
    providers = json.loads((tmp_path / "stacks" / "kubernetes" / "cdk.tf.json").read_text())["provider"]
    expected = [{"config_path": "~/.kube/lab", "config_context": "lab"}]
    assert providers["kubernetes"] == expected and providers["kubectl"] == expected


def test_by_default_the_providers_use_the_k3s_kubeconfig_unexpanded(stacks):
    expected = [{"config_path": "~/.kube/k3s-config", "config_context": "default"}]
    providers = stacks["kubernetes"]["provider"]
    assert providers["kubernetes"] == expected and providers["kubectl"] == expected
