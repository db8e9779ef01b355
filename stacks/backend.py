"""Where each stack keeps its state.

Local by default, with a path relative to the stack's working directory, so the synthesized
output is the same on every machine. With ``PG_CONN_STR`` set, the pg backend, one schema per
stack; the connection string itself is never written: Terraform reads ``PG_CONN_STR`` from the
environment at ``init``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from cdktf import LocalBackend, PgBackend, TerraformStack


def backend_kind(env: Mapping[str, str] = os.environ) -> str:
    return "pg" if env.get("PG_CONN_STR") else "local"


def configure_backend(stack: TerraformStack, stack_name: str, env: Mapping[str, str] = os.environ) -> None:
    if backend_kind(env) == "pg":
        # The Python binding insists on conn_str; drop it so Terraform reads PG_CONN_STR itself.
        PgBackend(stack, conn_str="", schema_name=pg_schema(stack_name))
        stack.add_override("terraform.backend.pg.conn_str", None)
    else:
        LocalBackend(stack, path=f"terraform.{stack_name}.tfstate")


def pg_schema(stack_name: str) -> str:
    """The PostgreSQL schema holding ``stack_name``'s state: ``cluster_state_<stack>``."""
    return f"cluster_state_{stack_name}"
