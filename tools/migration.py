"""Where each address of the hand-written configuration lives now.

``python -m tools.migration`` prints one row per resource of the reference configuration:
its old address (``module.k8s_overseerr.kubernetes_stateful_set.overseerr``), the stack that
manages it now and its new address. Objects are matched by identity (kind, namespace, name),
as the parity test does; Nomad jobs by their module, which is the catalog key. Exit 1 when an
old address has no new home.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tools.parity import ORACLE_PATH, SYNTH_DIR, load_oracle, load_stack, oracle_objects, stack_objects

Row = tuple[str, str, str]


def migration_rows(oracle: list[dict[str, Any]], stacks: dict[str, dict[str, Any]]) -> tuple[list[Row], list[str]]:
    """``(old address, stack, new address)`` rows, and the old addresses without a match."""
    new: dict[Any, tuple[str, str]] = {}
    for stack_name, stack in stacks.items():
        for obj in stack_objects(stack):
            new[obj.identity] = (stack_name, obj.address)
    rows: list[Row] = []
    unmatched: list[str] = []
    for obj in oracle_objects(oracle):
        if obj.identity in new:
            rows.append((obj.address, *new[obj.identity]))
        else:
            unmatched.append(obj.address)
    nomad = stacks.get("nomad", {}).get("resource", {}).get("nomad_job", {})
    for entry in oracle:
        if entry["type"] != "nomad_job":
            continue
        old = f"module.{entry['module']}.nomad_job.{entry['name']}"
        if entry["module"] in nomad:
            rows.append((old, "nomad", f"nomad_job.{entry['module']}"))
        else:
            unmatched.append(old)
    return sorted(rows), unmatched


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.migration", description=__doc__.splitlines()[0])
    parser.add_argument("--synth-dir", type=Path, default=SYNTH_DIR, help="cdktf output folder (default: cdktf.out)")
    parser.add_argument("--oracle", type=Path, default=ORACLE_PATH, help="oracle-facts.json of the reference")
    args = parser.parse_args(argv)
    if not args.oracle.exists():
        print(f"no reference at {args.oracle}: the old addresses are only known from it", file=sys.stderr)
        return 2
    stacks_dir = args.synth_dir / "stacks"
    if not stacks_dir.is_dir():
        print(f"no synthesized stacks under {stacks_dir}: run `make synth` first", file=sys.stderr)
        return 2
    stacks = {
        p.name: load_stack(p.name, args.synth_dir) for p in sorted(stacks_dir.iterdir()) if (p / "cdk.tf.json").exists()
    }
    rows, unmatched = migration_rows(load_oracle(args.oracle), stacks)
    width = max((len(r[0]) for r in rows), default=20)
    print(f"{'old address':<{width}}  {'stack':<10}  new address")
    for old, stack, address in rows:
        print(f"{old:<{width}}  {stack:<10}  {address}")
    for old in unmatched:
        print(f"{old:<{width}}  {'-':<10}  (not managed here)")
    print(f"{len(rows)} of {len(rows) + len(unmatched)} addresses have a new home")
    return 1 if unmatched else 0


if __name__ == "__main__":
    sys.exit(main())
