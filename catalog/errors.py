"""The one error type of the catalog: a list of problems, each pointing at a file, line and path.

Synthesis stops on it with exit code 2 and prints one line per problem, so an operator can fix
every mistake of a catalog in one pass instead of one per run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EXCERPT = 60  # characters of a user's value a message may quote
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
        return printable(f"{subject}{rule}{self.message} ({where})")


class CatalogError(Exception):
    """Raised for any invalid catalog; ``str()`` is the operator-facing report."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
