"""Provider-free copies of a synthesized stack, for Terraform itself to evaluate.

The kubernetes/nomad providers cannot be installed here, so a stack cannot be planned. Its
meaning can still be read by Terraform: every resource becomes a built-in ``terraform_data``
whose ``input`` holds the resource's whole body (blocks become lists of objects) and whose
``depends_on`` points at the copies of the same resources; each copy's ``input`` is an output
(known when Terraform plans: a plan is enough, and an apply costs twice the CPU), and so are the
other top-level blocks (``terraform``, ``provider``). Attribute expressions are copied verbatim, so
heredocs, escapes, templates and quoted references mean in the copy what they mean in the stack.

The HCL reader below only finds where each attribute's expression starts and ends; it never
interprets one. Terraform parses and evaluates the copy, and refuses it if the split is wrong.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def terraform(folder: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """The real Terraform run in ``folder`` on a copy (``-no-color``): no CLI config of the
    machine's, no checkpoint call, no PostgreSQL state from the environment."""
    program = shutil.which("terraform")
    assert program, "terraform is not on PATH: this test needs the real Terraform (1.11)"
    env = {**os.environ, "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1", "TF_CLI_CONFIG_FILE": os.devnull}
    env.pop("PG_CONN_STR", None)
    return subprocess.run(
        [program, *args, "-no-color"], cwd=folder, env=env, capture_output=True, text=True, timeout=timeout
    )


RESOURCE_REFERENCE = re.compile(r"\b([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)\b")


def copy_name(resource_type: str, name: str) -> str:
    return f"{resource_type}__{name}"


def _reference_to_copy(text: str) -> str:
    return RESOURCE_REFERENCE.sub(lambda m: f"terraform_data.{copy_name(m[1], m[2])}", text)


# -- JSON ---------------------------------------------------------------------------------------


def json_copy(stack: dict[str, Any]) -> dict[str, Any]:
    """The copy of a ``cdk.tf.json`` stack, in Terraform's JSON syntax."""
    resources: dict[str, Any] = {}
    outputs: dict[str, Any] = {}
    for resource_type, by_name in stack.get("resource", {}).items():
        for name, body in by_name.items():
            body = {k: v for k, v in body.items() if k != "//"}
            copy = {"input": {k: v for k, v in body.items() if k != "depends_on"}}
            if "depends_on" in body:
                copy["depends_on"] = [_reference_to_copy(ref) for ref in body["depends_on"]]
            copied = copy_name(resource_type, name)
            resources[copied] = copy
            outputs[copied] = {"value": f"${{terraform_data.{copied}.input}}"}
    for kind, value in stack.items():
        if kind not in ("resource", "//"):
            outputs[kind] = {"value": value}
    return {"resource": {"terraform_data": resources}, "output": outputs}


# -- HCL ----------------------------------------------------------------------------------------


@dataclass
class Block:
    type: str
    labels: list[str]
    attributes: dict[str, str] = field(default_factory=dict)  # name -> expression source
    blocks: list[Block] = field(default_factory=list)


def hcl_copy(text: str) -> str:
    """The copy of a ``cdk.tf`` stack, in Terraform's native syntax."""
    top = _Reader(text).body(top_level=True)
    out: list[str] = []
    others: dict[str, list[Block]] = {}
    for block in top.blocks:
        if block.type != "resource":
            others.setdefault(block.type, []).append(block)
            continue
        resource_type, name = block.labels
        input_block = Block("input", [], {k: v for k, v in block.attributes.items() if k != "depends_on"}, block.blocks)
        out.append(f'resource "terraform_data" "{copy_name(resource_type, name)}" {{')
        out.append(f"input = {_object(input_block)}")
        if "depends_on" in block.attributes:
            out.append(f"depends_on = {_reference_to_copy(block.attributes['depends_on'])}")
        out.append("}")
        out.append(f'output "{copy_name(resource_type, name)}" {{')
        out.append(f"value = terraform_data.{copy_name(resource_type, name)}.input")
        out.append("}")
    for kind, blocks in others.items():
        out.append(f'output "{kind}" {{')
        out.append(f"value = {_grouped(blocks)}")
        out.append("}")
    return "\n".join(out) + "\n"


def _object(block: Block) -> str:
    lines = ["{"]
    lines += [f"{name} = {expression}" for name, expression in block.attributes.items()]
    by_type: dict[str, list[Block]] = {}
    for child in block.blocks:
        by_type.setdefault(child.type, []).append(child)
    lines += [f"{name} = {_grouped(children)}" for name, children in by_type.items()]
    lines.append("}")
    return "\n".join(lines)


def _grouped(blocks: list[Block]) -> str:
    """Blocks of one type: a list of objects, nested in one object per label level."""
    if not blocks[0].labels:
        return "[\n" + ",\n".join(_object(b) for b in blocks) + "\n]"
    by_label: dict[str, list[Block]] = {}
    for b in blocks:
        by_label.setdefault(b.labels[0], []).append(Block(b.type, b.labels[1:], b.attributes, b.blocks))
    return "{\n" + "\n".join(f"{json.dumps(label)} = {_grouped(group)}" for label, group in by_label.items()) + "\n}"


_IDENT = re.compile(r"[A-Za-z_][\w-]*")
_HEREDOC = re.compile(r"<<(-?)([A-Za-z_][\w-]*)\n")


class _Reader:
    """Splits HCL native syntax into blocks and attribute expressions (source text)."""

    def __init__(self, text: str):
        self.text = text
        self.pos = 0

    def fail(self, why: str) -> AssertionError:
        line = self.text.count("\n", 0, self.pos) + 1
        return AssertionError(f"HCL reader: {why} at line {line}: {self.text[self.pos : self.pos + 60]!r}")

    def skip_space(self) -> None:
        while self.pos < len(self.text):
            c = self.text[self.pos]
            if c in " \t\r\n":
                self.pos += 1
            elif c == "#" or self.text.startswith("//", self.pos):
                self.pos = self._line_end(self.pos)
            else:
                return

    def _line_end(self, i: int) -> int:
        end = self.text.find("\n", i)
        return len(self.text) if end == -1 else end

    def body(self, top_level: bool = False) -> Block:
        block = Block("", [])
        while True:
            self.skip_space()
            if self.pos >= len(self.text):
                if top_level:
                    return block
                raise self.fail("unterminated block")
            if self.text[self.pos] == "}":
                if top_level:
                    raise self.fail("unbalanced '}'")
                self.pos += 1
                return block
            match = _IDENT.match(self.text, self.pos)
            if not match:
                raise self.fail("expected a name")
            name, self.pos = match.group(), match.end()
            while self.text[self.pos] in " \t":
                self.pos += 1
            if self.text[self.pos] == "=":
                self.pos += 1
                start = self.pos
                self.pos = self.expression_end(self.pos)
                if name in block.attributes:
                    raise self.fail(f"attribute {name} twice")
                block.attributes[name] = self.text[start : self.pos].strip()
                continue
            labels = []
            while self.text[self.pos] == '"':
                end = self.quoted_end(self.pos)
                labels.append(json.loads(self.text[self.pos : end]))
                self.pos = end
                while self.text[self.pos] in " \t":
                    self.pos += 1
            if self.text[self.pos] != "{":
                raise self.fail("expected '=' or '{'")
            self.pos += 1
            child = self.body()
            child.type, child.labels = name, labels
            block.blocks.append(child)

    def expression_end(self, i: int, closer: str | None = None) -> int:
        """The end of the expression at ``i``: the newline (or ``closer``) at bracket depth 0."""
        depth = 0
        text = self.text
        while i < len(text):
            c = text[i]
            if c == '"':
                i = self.quoted_end(i)
                continue
            heredoc = _HEREDOC.match(text, i) if c == "<" else None
            if heredoc:
                i = self.heredoc_end(heredoc)
                continue
            if c in "([{":
                depth += 1
            elif c in ")]}":
                if depth == 0:
                    if closer == c:
                        return i
                    raise self.fail("unbalanced bracket")
                depth -= 1
            elif c == "\n" and depth == 0 and closer is None:
                return i
            elif c == "#" and depth >= 0:
                i = self._line_end(i)
                continue
            i += 1
        if closer is not None:
            raise self.fail("unterminated template sequence")
        return i

    def quoted_end(self, i: int) -> int:
        """Just past the closing quote of the quoted template starting at ``i``."""
        text = self.text
        i += 1
        while i < len(text):
            c = text[i]
            if c == "\\":
                i += 2
            elif c == '"':
                return i + 1
            elif text.startswith(("$${", "%%{"), i):
                i += 3
            elif text.startswith(("${", "%{"), i):
                i = self.expression_end(i + 2, closer="}") + 1
            elif c == "\n":
                raise self.fail("newline in a quoted string")
            else:
                i += 1
        raise self.fail("unterminated string")

    def heredoc_end(self, opener: re.Match[str]) -> int:
        """Just past the closing marker line of a heredoc."""
        marker = re.compile(rf"^[ \t]*{re.escape(opener.group(2))}[ \t]*$", re.MULTILINE)
        closing = marker.search(self.text, opener.end())
        if not closing:
            raise self.fail("unterminated heredoc")
        return closing.end()


def canonical(value: Any) -> Any:
    """A one-element list of objects is that object: JSON may write a single block either way."""
    if isinstance(value, list):
        if len(value) == 1 and isinstance(value[0], dict):
            return canonical(value[0])
        return [canonical(v) for v in value]
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items()}
    return value
