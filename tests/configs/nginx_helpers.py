"""Reading crossplane's parse of an nginx config, and laying a config tree out in a temp dir."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import crossplane

Block = list[dict[str, Any]]


def parse_tree(main: Path) -> list[dict[str, Any]]:
    """crossplane parse of ``main`` and its includes, checking each directive's context and arity."""
    result = crossplane.parse(str(main), comments=False, check_ctx=True, check_args=True)
    assert result["errors"] == [], result["errors"]
    return result["config"]


def parse_fragment(path: Path) -> Block:
    """The top-level directives of a conf.d file (its context, ``http``, is not checked)."""
    result = crossplane.parse(str(path), single=True, comments=False, check_ctx=False)
    assert result["errors"] == [], result["errors"]
    return result["config"][0]["parsed"]


def args(block: Block, directive: str) -> list[list[str]]:
    return [item["args"] for item in block if item["directive"] == directive]


def only(block: Block, directive: str) -> list[str]:
    found = args(block, directive)
    assert len(found) == 1, f"{directive}: expected once, found {found}"
    return found[0]


def child(block: Block, directive: str, *match: str) -> Block:
    found = [item["block"] for item in block if item["directive"] == directive and item["args"] == list(match)]
    assert len(found) == 1, f"{directive} {' '.join(match)}: expected once, found {len(found)}"
    return found[0]


def servers_by_name(block: Block) -> dict[str, Block]:
    servers = [item["block"] for item in block if item["directive"] == "server"]
    return {(args(server, "server_name") or [["_"]])[0][0]: server for server in servers}


def headers(block: Block) -> dict[str, str]:
    return {a[0]: a[1] for a in args(block, "add_header")}


def stage(text: str, replacements: dict[str, str]) -> str:
    """``text`` with each regex of ``replacements`` substituted (relocating a config into a temp dir)."""
    for pattern, replacement in replacements.items():
        text, count = re.subn(pattern, replacement, text, flags=re.MULTILINE)
        assert count, f"pattern {pattern!r} not found"
    return text
