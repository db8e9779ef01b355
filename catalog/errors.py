"""The one error type of the catalog: a list of problems, each pointing at a file, line and path.

Synthesis stops on it with exit code 2 and prints one line per problem, so an operator can fix
every mistake of a catalog in one pass instead of one per run.
"""

from __future__ import annotations

from dataclasses import dataclass


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
        return f"{subject}{rule}{self.message} ({where})"


class CatalogError(Exception):
    """Raised for any invalid catalog; ``str()`` is the operator-facing report."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
