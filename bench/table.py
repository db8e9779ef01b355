"""The README's benchmark table, written from the bench's output and never by hand.

``python bench/table.py results.json`` replaces what lies between the two markers of README.md
(``<!-- bench:begin -->`` and ``<!-- bench:end -->``) with a table of that run; ``--print``
only prints it. ``make bench`` does both steps.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def table(results: dict) -> str:
    load = ", ".join(str(x) for x in results.get("load_average", []))
    lines = [
        f"Last run: medians of {results['runs']} interleaved rounds, {results['cpus']} cores, "
        f"load average {load} at the end (a shared machine: read the ratios, not the seconds).",
        "",
        "| workload | median | ratio to floor | target | met | peak RSS | resources |",
        "| --- | ---: | ---: | ---: | :---: | ---: | ---: |",
    ]
    for row in results["rows"]:
        met = {True: "yes", False: "**no**", None: ""}[row["ok"]]
        lines.append(
            f"| {row['label']} | {row['median_s']:.2f} s | {row['ratio']:.2f} | {row['target']} | {met} "
            f"| {row['peak_rss_mb']} MB | {row['resources'] or ''} |"
        )
    lines.append("")
    if "ms_per_resource" in results:
        lines.append(f"- marginal cost per resource (200 -> 1,000 services): {results['ms_per_resource']} ms")
    if "catalog_own_s" in results:
        lines.append(
            f"- the project's own work: the whole catalog costs {results['catalog_own_s']} s more than the floor "
            f"with lazy provider submodules ({results['catalog_over_lazy_floor']}x that floor; no target)"
        )
    if "nocliff_first_run_s" in results:
        lines.append(
            f"- no byte-code compiled beforehand: the first run fills `.cache/pycache` once, "
            f"{results['nocliff_first_run_s']} s and {results.get('nocliff_first_run_peak_rss_mb', '?')} MB; "
            "the peak RSS above is every later run"
        )
    ok = "met" if results["peak_rss_ok"] else "**exceeded**"
    lines.append(
        f"- peak RSS of the process tree, every workload but the 1,000 services: {results['peak_rss_mb']} MB "
        f"(limit 600 MB: {ok})"
    )
    return "\n".join(lines)


def replace_in_readme(text: str, body: str) -> str:
    if BEGIN not in text or END not in text:
        raise SystemExit(f"README.md has no {BEGIN} ... {END} section")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{body}\n{END}{tail}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", help="the JSON written by bench/synth.py --json")
    parser.add_argument("--print", action="store_true", help="print the table, leave README.md alone")
    args = parser.parse_args()
    body = table(json.loads(Path(args.results).read_text()))
    if args.print:
        print(body)
    else:
        README.write_text(replace_in_readme(README.read_text(), body))
    return 0


if __name__ == "__main__":
    sys.exit(main())
