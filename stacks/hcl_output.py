"""Makes `cdktf synth --hcl` mean what the JSON output means.

cdktf 0.21's HCL renderer (``cdktf/lib/hcl/render.js``, run inside the app by the jsii kernel when
the CLI sets ``SYNTH_HCL_OUTPUT``) has two faults that a plan would show:

- ``renderString`` writes every multi-line string as ``<<EOF\\n`` + its lines + ``\\nEOF``. A
  heredoc's value ends with the newline before its closing marker, so every such value gains one
  trailing newline: each ``yaml_body``, ``jobspec`` and config file would be changed in place.
- ``depends_on`` is written as quoted strings (``"kubectl_manifest.x"``), a form Terraform only
  accepts with one deprecation warning per reference.

The CLI formats the files after the app exits and never parses them, so the fix is a rewrite of
the app's raw output, done by ``main.py`` between synthesis and the swap into cdktf.out: it is
then on the path of every ``npx cdktf synth --hcl`` (and of ``SYNTH_HCL_OUTPUT=true python
main.py``). It relies only on the renderer's own layout (opener and closing marker at the start
of their lines, one reference per line), so anything else is left alone or refused loudly.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

_OPENER = "<<EOF\n"
_CLOSER = "\nEOF"
_DEPENDS_ON = re.compile(r'^depends_on = \[\n((?:"[^"\n]*",\n)*)\]$', re.MULTILINE)
_RESOURCE_HEADER = re.compile(r'^resource "([^"\n]+)" "([^"\n]+)" \{$', re.MULTILINE)
_REFERENCE = re.compile(r'^"([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)+)",$', re.MULTILINE)


_UNWRITABLE = "a multi-line value has a line 'EOF', which cdktf's HCL renderer cannot write unambiguously"


class HclOutputError(ValueError):
    """The renderer wrote something this rewrite cannot make right (said, not guessed at)."""


def hcl_output_requested(env: Mapping[str, str] = os.environ) -> bool:
    """The switch cdktf's own ``TerraformStack`` reads to write ``cdk.tf`` instead of JSON."""
    return env.get("SYNTH_HCL_OUTPUT") in ("true", "1")


def repair_stack_files(app: Any, outdir: Path) -> list[Path]:
    """Rewrites every stack's ``cdk.tf`` that ``app`` synthesized into ``outdir``, in place.

    The stacks' values are read first (``to_terraform()``, what the JSON output would hold): a
    value the renderer cannot write unambiguously is refused with its resource's address.
    """
    from cdktf import TerraformStack  # imported late, as main.py does

    repaired = []
    for stack in app.node.children:
        if not isinstance(stack, TerraformStack):
            continue
        path = outdir / "stacks" / stack.node.id / "cdk.tf"
        try:
            _refuse_unwritable_values(stack.to_terraform())
            path.write_text(repair_hcl(path.read_text()))
        except HclOutputError as exc:
            raise HclOutputError(f"stack {stack.node.id}, HCL output: {exc}; use the JSON output") from None
        repaired.append(path)
    return repaired


def _refuse_unwritable_values(config: Mapping[str, Any]) -> None:
    """Values the renderer writes wrongly in ways that the text no longer tells apart.

    A line that is only ``EOF`` ends its heredoc early; a one-line string is quoted without
    escaping its backslashes (``\\n`` would become a newline) and, when it holds ``${``, without
    escaping its quotes; a carriage return becomes a line break.
    """

    def strings(value: Any) -> Iterator[str]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, Mapping):
            for item in value.values():
                yield from strings(item)
        elif isinstance(value, list):
            for item in value:
                yield from strings(item)

    for resource_type, by_name in config.get("resource", {}).items():
        for name, body in by_name.items():
            for text in strings(body):
                if why := _unwritable(text):
                    raise HclOutputError(f"{resource_type}.{name}: {why}")


def _unwritable(text: str) -> str | None:
    if "\r" in text:
        return "a value has a carriage return, which cdktf's HCL renderer turns into a line break"
    if "\n" in text:
        return _UNWRITABLE if any(line.strip() == "EOF" for line in text.split("\n")) else None
    if "\\" in text:
        return f"the one-line value {text!r} has a backslash, which cdktf's HCL renderer does not escape"
    if '"' in text and "${" in text:
        return f"the one-line value {text!r} has quotes and '${{', which cdktf's HCL renderer does not escape"
    return None


def repair_hcl(text: str) -> str:
    """The raw HCL of one stack with heredoc values and ``depends_on`` as the JSON means them."""
    out: list[str] = []
    pos = 0
    while (start := text.find(_OPENER, pos)) != -1:
        try:
            end = _closing_marker(text, start + len(_OPENER))
            out.append(_unquote_depends_on(text[pos:start]))
            out.append(_string_literal(text[start + len(_OPENER) : end]))
        except HclOutputError as exc:
            raise HclOutputError(f"{_address_at(text, start)}: {exc}") from None
        pos = end + len(_CLOSER)
    out.append(_unquote_depends_on(text[pos:]))
    return "".join(out)


def _address_at(text: str, offset: int) -> str:
    """The address of the resource that the text at ``offset`` belongs to."""
    headers = list(_RESOURCE_HEADER.finditer(text, 0, offset))
    return f"{headers[-1][1]}.{headers[-1][2]}" if headers else f"offset {offset}"


def _closing_marker(text: str, body_start: int) -> int:
    """Where the renderer's ``\\nEOF`` is: the first line that is only the marker."""
    end = text.find(_CLOSER, body_start)
    while end != -1 and text[end + len(_CLOSER) : end + len(_CLOSER) + 1] not in ("", "\n"):
        end = text.find(_CLOSER, end + 1)
    if end == -1:
        raise HclOutputError("a multi-line value has no closing EOF line")
    if any(line.strip() == "EOF" for line in text[body_start:end].split("\n")):
        raise HclOutputError(_UNWRITABLE)
    return end


def _string_literal(body: str) -> str:
    """The HCL for exactly ``body``: a heredoc when it ends with a newline, else a quoted template."""
    if body.endswith("\n"):
        return f"{_OPENER}{body}EOF"
    return f'"{_quoted_template(body)}"'


def _quoted_template(body: str) -> str:
    """Heredoc template text as a quoted template: literal text escaped, template sequences kept.

    Both forms interpret ``${…}``/``%{…}`` and their ``$${``/``%%{`` escapes the same way; only a
    quoted template also reads backslash escapes and needs its quotes and newlines escaped.
    """
    out: list[str] = []
    i = 0
    while i < len(body):
        if body.startswith(("$${", "%%{"), i):
            out.append(body[i : i + 3])
            i += 3
        elif body.startswith(("${", "%{"), i):
            close = body.find("}", i)
            if close == -1 or "\n" in body[i:close]:
                raise HclOutputError(f"template sequence {body[i : i + 20]!r} cannot move into a quoted string")
            out.append(body[i : close + 1])
            i = close + 1
        else:
            out.append(_ESCAPES.get(body[i], body[i]))
            i += 1
    return "".join(out)


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _unquote_depends_on(code: str) -> str:
    """``depends_on = ["a.b"]`` -> ``depends_on = [a.b]``: references, as Terraform wants them."""

    def unquote(match: re.Match[str]) -> str:
        return "depends_on = [\n" + _REFERENCE.sub(r"\1,", match.group(1)) + "]"

    return _DEPENDS_ON.sub(unquote, code)
