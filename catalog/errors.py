"""The one error type of the catalog: a list of problems, each pointing at a file, line and path.

Synthesis stops on it with exit code 2 and prints one line per problem, so an operator can fix
every mistake of a catalog in one pass instead of one per run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EXCERPT = 60  # characters of a user's value a message may quote
MESSAGE_MAX = 300  # characters of a problem's path and message together, whatever a rule quotes
_LONG_WORD = re.compile(rf"\S{{{2 * EXCERPT + 1},}}")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with every control or bidi character escaped: a message is one line on a terminal,
    whatever the catalog holds."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """At most ``limit`` characters of a user's value, printable."""
    text = printable(text)
    return text if len(text) <= limit else f"{text[: limit - 12]}...({len(text)} chars)"


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    path: str
    message: str
    rule: str | None = None  # the rule of the engine (``rules/``) that found it; None: shape

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        subject = f"{self.path}: " if self.path else ""
        rule = f"rule {self.rule}: " if self.rule else ""
        return f"{bounded(subject + rule + self.message)} ({where})"


def bounded(text: str) -> str:
    """``text`` printable and short, the one guard of every message: a rule that quotes a
    user's value (a key in a YAML path, the declared keys it lists) cannot echo a huge one.
    Each word longer than two excerpts becomes an excerpt; then the whole is cut at
    :data:`MESSAGE_MAX`."""
    text = _LONG_WORD.sub(lambda m: excerpt(m.group()), printable(text))
    return text if len(text) <= MESSAGE_MAX else f"{text[: MESSAGE_MAX - 16]}...({len(text)} chars)"


class CatalogError(Exception):
    """Raised for any invalid catalog; ``str()`` is the operator-facing report."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
