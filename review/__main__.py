"""``python -m review [--base REF] [--report FILE]``: the entry point behind ``make diff``.

Exit codes: 0 the change may go ahead; 1 it destroys or replaces an object holding data that
the catalog does not acknowledge (one message per object, saying how to acknowledge it); 2 the
review cannot be made (bad catalog, unknown ref), with one line saying why.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from review.base import CACHE, ReviewError, resolve_base, start_base, start_head
from review.consequences import Verdict, classify, data_loss
from review.objects import load_items
from review.report import prepare, render

PROJECT_ROOT = Path(__file__).resolve().parents[1]
EXIT_DATA_LOSS, EXIT_BAD_INPUT = 1, 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m review", description=__doc__.splitlines()[0])
    parser.add_argument("--base", help="commit to compare with (default: merge base with the default branch)")
    parser.add_argument("--report", type=Path, help="also write the Markdown report here")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the project checkout (default: .)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    started = time.perf_counter()
    try:
        commit = resolve_base(root, args.base)
        cache = root / CACHE
        errors = []
        outs = []
        # One side after the other, never both at once: two syntheses side by side hold twice the
        # memory (~1.1 GB, over the 600 MB a synthesis may take) for little time saved on 2 cores.
        # Both are tried before either is reported.
        for start in (lambda: start_base(root, commit, cache), lambda: start_head(root, cache)):
            try:
                outs.append(start().wait())
            except ReviewError as exc:
                errors.append(str(exc))
        if errors:
            raise ReviewError("\n".join(errors))
        acknowledgments = _acknowledgments(root)
    except ReviewError as exc:
        print(f"make diff: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    old, new = load_items(outs[0]), load_items(outs[1])
    changes = classify(old, new)
    verdict = Verdict(changes, data_loss(changes, new, acknowledgments))
    text = render(verdict, prepare(verdict), f"`{commit[:12]}`")
    print(text)
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(text + "\n")
    for loss in verdict.blocking:
        print(f"make diff: {loss.message()}", file=sys.stderr)
    used = {key for loss in verdict.data_loss for key in (loss.change.key[1], "/".join(loss.change.key))}
    for address in sorted(set(acknowledgments) - used):
        print(f"make diff: note: the acknowledgment of {address} matches no data loss of this change", file=sys.stderr)
    seconds = time.perf_counter() - started
    print(f"make diff: {len(changes)} changed resource(s) against {commit[:12]} in {seconds:.1f}s", file=sys.stderr)
    return EXIT_DATA_LOSS if verdict.blocking else 0


def _acknowledgments(root: Path) -> dict[str, str]:
    """``{address: reason}`` from the working tree's catalog. Read, not checked again: the
    working tree has just synthesized (or was found up to date by its fingerprint), so every
    rule passed on this very file; running them all again cost ~0.2 s of every review."""
    from catalog import CatalogError, read_catalog

    try:
        catalog = read_catalog(root / "services.yaml")
    except CatalogError as exc:
        raise ReviewError(str(exc)) from None
    return {ack.address: ack.reason for ack in catalog.acknowledgments}


if __name__ == "__main__":
    sys.exit(main())
