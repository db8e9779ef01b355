"""A reader for the subset of Ruby that gitlab.rb settings use, independent of the builder's writer.

Statements: ``name 'literal'`` (a method call) and ``name['key'] = value``. Values: single-quoted
strings, integers, true/false/nil, arrays, ``{ 'k' => v }`` and ``{ sym: v }`` hashes, and
``ENV['NAME']`` (read as ``("ENV", "NAME")``). Comments and blank lines are skipped.
"""

from __future__ import annotations

import re
from typing import Any

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<comment>\#[^\n]*)
      | (?P<string>'(?:[^'\\]|\\.)*')
      | (?P<int>-?\d+)
      | (?P<symkey>[a-z_][a-z0-9_]*):(?!:)
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<op>=>|[\[\]{}=,])
    )""",
    re.VERBOSE,
)


def _tokens(text: str) -> list[tuple[str, str, int]]:
    tokens, position = [], 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise SyntaxError(f"unexpected Ruby at offset {position}: {text[position : position + 30]!r}")
        kind = match.lastgroup
        line = text.count("\n", 0, match.start(kind)) + 1
        if kind != "comment":
            tokens.append((kind, match.group(kind), line))
        position = match.end()
    return tokens


class _Reader:
    def __init__(self, text: str):
        self.tokens = _tokens(text)
        self.index = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self, kind: str | None = None, value: str | None = None) -> str:
        token = self.peek()
        if token is None or (kind and token[0] != kind) or (value and token[1] != value):
            raise SyntaxError(f"expected {kind or ''} {value or ''}, found {token}")
        self.index += 1
        return token[1]

    def value(self) -> Any:
        kind, text, _ = self.peek()
        if kind == "string":
            self.index += 1
            return re.sub(r"\\(.)", r"\1", text[1:-1])
        if kind == "int":
            self.index += 1
            return int(text)
        if kind == "name" and text in ("true", "false", "nil"):
            self.index += 1
            return {"true": True, "false": False, "nil": None}[text]
        if kind == "name" and text == "ENV":
            self.index += 1
            self.take("op", "[")
            name = self.value()
            self.take("op", "]")
            return ("ENV", name)
        if text == "[":
            return self.sequence("[", "]", self.value)
        if text == "{":
            return dict(self.sequence("{", "}", self.pair))
        raise SyntaxError(f"not a value: {text!r}")

    def pair(self) -> tuple[Any, Any]:
        if self.peek()[0] == "symkey":
            return (":" + self.take("symkey"), self.value())
        key = self.value()
        self.take("op", "=>")
        return (key, self.value())

    def sequence(self, opening: str, closing: str, item: Any) -> list[Any]:
        self.take("op", opening)
        items = []
        while self.peek()[1] != closing:
            items.append(item())
            if self.peek()[1] == ",":
                self.index += 1
        self.take("op", closing)
        return items


def read_gitlab_rb(text: str) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """(method calls, ``{target: {key: value}}``) of ``text``; a setting assigned twice is an error."""
    reader, calls, settings = _Reader(text), {}, {}
    while reader.peek() is not None:
        target = reader.take("name")
        if reader.peek()[1] == "[":
            reader.take("op", "[")
            key = reader.value()
            reader.take("op", "]")
            reader.take("op", "=")
            bucket = settings.setdefault(target, {})
            if key in bucket:
                raise SyntaxError(f"{target}[{key!r}] assigned twice")
            bucket[key] = reader.value()
        else:
            calls[target] = reader.value()
    return calls, settings
