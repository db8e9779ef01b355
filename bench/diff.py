"""`make diff` against `make synth`, run by hand (`.venv/bin/python bench/diff.py`), never by the tests.

Issue 13 asks that reviewing a one-line catalog change cost at most 2.5x one synthesis. In a
scratch clone (the project's files, one commit, then an image bump in the working tree) this
times, interleaved, N runs each of (every run on a one-line change of its own, so that no
synthesis is a no-op):

- synth: ``python main.py`` of the working tree (what `make synth` runs, without pipenv);
- diff (cached base): ``python -m review`` with the base's output already cached, the case of
  every push after the first;
- diff (cold): the same with an empty cache (base, then working tree, synthesized).

The scratch clone and its changes (:func:`scratch_clone`, :func:`change_one_line`) are also what
``bench/synth.py`` times for its ``make diff`` rows: one place for what "a one-line change" is.

Medians and their ratios to synth are printed; exit 1 if the cached diff exceeds 2.5x.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 2.5
OLD_LINE = "image: traefik/whoami:v1.10"  # in services.yaml; each change bumps it to another tag


def scratch_clone(clone: Path) -> Path:
    """``clone``: the project's files as git sees them, committed once (the review's base,
    ``BASE=HEAD``). Its ``.venv`` and ``node_modules`` are links to the project's (untracked, so
    never part of a side), so ``make diff`` runs there."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True)
    for name in filter(None, files.stdout.split("\0")):
        if (ROOT / name).is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, clone / name)
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
    for step in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "base"]):
        subprocess.run([*git, *step], cwd=clone, check=True, capture_output=True)
    for name in (".venv", "node_modules"):
        if (ROOT / name).exists():
            (clone / name).symlink_to((ROOT / name).resolve())
    return clone


def change_one_line(clone: Path, n: int) -> None:
    """The working tree of ``clone`` = its commit with one line changed (an image bump to the
    ``n``-th tag): a change no earlier run synthesized, so no side is a no-op (stacks/fingerprint.py)."""
    committed = subprocess.run(
        ["git", "show", "HEAD:services.yaml"], cwd=clone, capture_output=True, text=True, check=True
    ).stdout
    if OLD_LINE not in committed:
        raise SystemExit(f"services.yaml has no {OLD_LINE!r} any more: update OLD_LINE in bench/diff.py")
    (clone / "services.yaml").write_text(committed.replace(OLD_LINE, f"image: traefik/whoami:v1.{11 + n}", 1))


def _run(command: list[str], cwd: Path, **env: str) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env={**os.environ, **env}, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    env = {"JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20", "CHECKPOINT_DISABLE": "1"}
    with tempfile.TemporaryDirectory(prefix="bench-diff.") as folder:
        clone = scratch_clone(Path(folder) / "clone")
        review = [sys.executable, "-m", "review", "--root", str(clone), "--base", "HEAD"]
        times: dict[str, list[float]] = {"synth": [], "diff (cached base)": [], "diff (cold)": []}
        change_one_line(clone, 0)
        _run(review, ROOT, **env)  # warm the base cache (and the OS's file cache)
        changes = iter(range(1, 3 * args.runs + 1))
        for _ in range(args.runs):
            change_one_line(clone, next(changes))
            times["synth"].append(_run([sys.executable, "main.py"], clone, CDKTF_OUTDIR=f"{folder}/synth.out", **env))
            change_one_line(clone, next(changes))
            times["diff (cached base)"].append(_run(review, ROOT, **env))
            shutil.rmtree(clone / ".cache" / "review" / "base")  # made by the review above
            change_one_line(clone, next(changes))
            times["diff (cold)"].append(_run(review, ROOT, **env))
    synth = statistics.median(times["synth"])
    for name, values in times.items():
        median = statistics.median(values)
        runs = ", ".join(f"{v:.1f}" for v in values)
        print(f"{name:20} median {median:5.1f}s  ({median / synth:.2f}x synth)  runs: {runs}")
    ratio = statistics.median(times["diff (cached base)"]) / synth
    print(f"cached diff / synth = {ratio:.2f} (limit {LIMIT})")
    return 0 if ratio <= LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
