"""Summarises a checkov run on the rendered manifests: findings per check, most frequent first.

A report, not a gate (``make audit``): the counts are recorded in the README as the current
baseline, so a change that adds findings shows up as a different table.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path


def summarise(report: dict | list) -> tuple[dict, list[tuple[str, str, int]]]:
    runs = report if isinstance(report, list) else [report]
    summary: Counter[str] = Counter()
    per_check: Counter[tuple[str, str]] = Counter()
    for run in runs:
        summary.update({k: v for k, v in run.get("summary", {}).items() if isinstance(v, int)})
        for failed in run.get("results", {}).get("failed_checks", []):
            per_check[(failed["check_id"], failed["check_name"])] += 1
    rows = sorted(((cid, name, n) for (cid, name), n in per_check.items()), key=lambda r: (-r[2], r[0]))
    return dict(summary), rows


def main(argv: list[str]) -> int:
    path = Path(argv[1] if len(argv) > 1 else "cdktf.out/checkov.json")
    summary, rows = summarise(json.loads(path.read_text()))
    print(
        f"checkov: {summary.get('passed', 0)} passed, {summary.get('failed', 0)} failed "
        f"over {summary.get('resource_count', 0)} resources"
    )
    print("| findings | check | title |")
    print("| ---: | --- | --- |")
    for check_id, name, count in rows:
        print(f"| {count} | {check_id} | {name} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
