"""The review as Markdown: a summary table, image bumps, data at risk, then one diff per object.

The same text is printed by ``make diff`` and posted on the merge request, so it is plain
Markdown that also reads well in a terminal.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass

from review.consequences import ADDED, DESTROY, IN_PLACE, REPLACEMENT, Change, Verdict
from review.images import image_moves
from review.masking import mask_all
from review.yamltext import to_yaml

TITLE = "## Rendered diff"


@dataclass(frozen=True)
class Shown:
    """One change as the report shows it."""

    change: Change
    moves: list[tuple[str, str, str]] | None  # an image-only change
    diff: str  # unified YAML diff of the masked objects


def prepare(verdict: Verdict) -> list[Shown]:
    """Masks every object once (one secret scan) and diffs each change."""
    changes = verdict.changes
    sides = [(c.base.body if c.base else None, c.head.body if c.head else None) for c in changes]
    flat = [body for pair in sides for body in pair if body is not None]
    masked = iter(mask_all(flat))
    shown = []
    for change, (old, new) in zip(changes, sides, strict=True):
        m_old = next(masked) if old is not None else None
        m_new = next(masked) if new is not None else None
        moves = image_moves(old, new) if change.action == IN_PLACE else None
        diff = "" if moves else _diff(change, m_old, m_new, old != new)
        shown.append(Shown(change, moves, diff))
    return shown


def _diff(change: Change, old: object, new: object, really_changed: bool) -> str:
    stack, address = change.key
    before = to_yaml(old).splitlines(keepends=True) if old is not None else []
    after = to_yaml(new).splitlines(keepends=True) if new is not None else []
    text = "".join(difflib.unified_diff(before, after, f"base/{stack}/{address}", f"head/{stack}/{address}", n=3))
    if not text and really_changed:
        return "(only masked values changed)\n"
    if not text:
        return "(the rendered object is the same; only Terraform settings of the resource changed)\n"
    return text


def render(verdict: Verdict, shown: list[Shown], base_label: str, head_label: str = "working tree") -> str:
    out = [f"{TITLE}: {base_label} → {head_label}", ""]
    if not shown:
        out += ["No change to any rendered object.", ""]
        return "\n".join(out)
    groups: dict[tuple[str, str], list[Shown]] = defaultdict(list)
    for item in shown:
        groups[(item.change.key[0], item.change.item.service)].append(item)

    out += ["| stack | service | added | changed | removed | replaced |", "|---|---|---:|---:|---:|---:|"]
    for (stack, service), items in sorted(groups.items()):
        actions = [s.change.action for s in items]
        out.append(
            f"| {stack} | {service} | {actions.count(ADDED)} | {actions.count(IN_PLACE) + actions.count(REPLACEMENT)} "
            f"| {actions.count(DESTROY)} | {actions.count(REPLACEMENT)} |"
        )
    out.append("")

    if verdict.data_loss:
        out += ["### Data at risk", ""]
        for loss in verdict.data_loss:
            if loss.acknowledged is None:
                out += [f"- **BLOCKED**: {loss.message().splitlines()[0]}", ""]
                out += ["  ```yaml", *("  " + line for line in loss.message().splitlines()[1:]), "  ```", ""]
            else:
                out.append(
                    f"- acknowledged: `{loss.change.key[0]}/{loss.change.key[1]}` ({loss.why}): {loss.acknowledged}"
                )
        out.append("")

    bumps = [(s, move) for s in shown if s.moves for move in s.moves]
    if bumps:
        out += ["### Image bumps", ""]
        seen = set()
        for s, (repo, old, new) in bumps:
            line = f"{s.change.item.service}: {repo} {old} -> {new}"
            if line not in seen:
                seen.add(line)
                out.append(f"- {line}")
        out.append("")

    for (stack, service), items in sorted(groups.items()):
        detailed = [s for s in items if not s.moves]
        if not detailed:
            continue
        out += [f"### {stack} / {service}", ""]
        for s in detailed:
            c = s.change
            forced = f" (forced by {', '.join(f.path for f in c.forced_by)})" if c.forced_by else ""
            out += [f"#### {_verb(c.action)} {c.item.label} — `{c.key[1]}`: {c.action}{forced}", ""]
            out += ["```diff", s.diff.rstrip("\n"), "```", ""]
    return "\n".join(out)


def _verb(action: str) -> str:
    return {ADDED: "+", DESTROY: "-", IN_PLACE: "~", REPLACEMENT: "±"}[action]
