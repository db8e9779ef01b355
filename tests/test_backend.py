"""State location: local and machine-independent by default; PostgreSQL with PG_CONN_STR,
one schema per stack, the connection string never written."""

from __future__ import annotations

import json


def test_by_default_each_stack_keeps_local_state_at_a_relative_path(stacks):
    for name, stack in stacks.items():
        assert stack["terraform"]["backend"] == {"local": {"path": f"terraform.{name}.tfstate"}}


def test_with_pg_conn_str_each_stack_uses_its_own_schema_and_the_connection_string_is_never_written(catalog, tmp_path):
    from stacks.app import build_app

    secret = "postgres://state:very-secret-password@db.lan:5432/terraform"
    build_app(catalog, outdir=str(tmp_path), env={"PG_CONN_STR": secret}).synth()
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
