"""Where each stack keeps its state.

Local by default, in ``state/<stack>.tfstate`` beside the output folder (``cdktf.out``), never
inside it: synthesis replaces the output folder, ``make clean`` empties it, and the cdktf CLI
deletes the folder of a stack that is no longer synthesized, so state kept there would be lost.
Terraform resolves the path from the stack's working directory (``cdktf.out/stacks/<stack>``),
so the written path is relative, and the synthesized output the same on every machine.

With ``PG_CONN_STR`` set, the pg backend, one schema per stack; the connection string itself is
never written: Terraform reads ``PG_CONN_STR`` from the environment at ``init``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from cdktf import LocalBackend, PgBackend, TerraformStack

LOCAL_STATE_DIR = "state"  # beside cdktf.out; gitignored: state holds secrets and is never committed


def backend_kind(env: Mapping[str, str] = os.environ) -> str:
    return "pg" if env.get("PG_CONN_STR") else "local"


def configure_backend(stack: TerraformStack, stack_name: str, env: Mapping[str, str] = os.environ) -> None:
    if backend_kind(env) == "pg":
        # The Python binding insists on conn_str; drop it so Terraform reads PG_CONN_STR itself.
        PgBackend(stack, conn_str="", schema_name=pg_schema(stack_name))
        stack.add_override("terraform.backend.pg.conn_str", None)
    else:
        LocalBackend(stack, path=local_state_path(stack_name))


def local_state_path(stack_name: str) -> str:
    """``../../../state/<stack>.tfstate``: from ``<outdir>/stacks/<stack>`` up to beside ``<outdir>``."""
    return f"../../../{LOCAL_STATE_DIR}/{stack_name}.tfstate"


def pg_schema(stack_name: str) -> str:
    """The PostgreSQL schema holding ``stack_name``'s state: ``cluster_state_<stack>``."""
    return f"cluster_state_{stack_name}"
