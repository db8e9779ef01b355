"""Synthesis benchmark, run by hand (`make bench`), never by the tests.

Every workload runs in a fresh process, the way an operator runs it, and the workloads
alternate within each round so that a busier or quieter moment of a shared machine moves them
all together; each figure is the median over the rounds, and a ratio to the floor measured in
the same run:

- floor: ``bench/floor.py``, cdktf and both providers imported, one ConfigMap synthesized and
  nothing of the project; under ``-O`` with the same warm byte-code cache as main.py: the
  smallest program an operator would write (main.py imports only the provider submodules it
  uses, constructs_lib/jsii_speed.py, so it may cost less than this floor);
- floor-lazy (reference, no target): the same program with the provider submodules deferred as
  main.py defers them, so the project's own work is reported too (catalog minus this row);
- catalog: ``python main.py --force`` on services.yaml (every stack), the operator's command;
- generated-200 / generated-1000: main.py on a generated catalog of that many simple web services
  (Deployment, Service, Ingress, ExternalSecret, GlusterFS volume), reported with the marginal
  cost per resource between the two;
- no-op: ``python main.py`` again with nothing changed (stacks/fingerprint.py);
- no-cliff: the catalog with ``PYTHONDONTWRITEBYTECODE=1`` and a byte-code cache emptied before
  the first round (as after ``pipenv sync`` alone: with ``PYTHONPYCACHEPREFIX`` set, Python
  ignores whatever byte-code the virtualenv has). The median is the steady state; the first
  run, which fills the cache, is reported on its own;
- make synth (no-op), when the Makefile has it (a row is skipped cleanly if not);
- make diff of a one-line change (``bench/diff.py``'s scratch clone and changes, a new change
  for every run), with the base's output cached (every push after the first) and with nothing
  cached (base and working tree both synthesized).

Peak RSS is the sum over the process tree (python + node), sampled from /proc every 20 ms; the
600 MB limit applies to every workload but the 1,000-service stress case (reported).
``--json`` writes the results, which ``bench/table.py`` turns into the README's table.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.diff import change_one_line, scratch_clone  # noqa: E402
from stacks.runtime import PYCACHE  # noqa: E402 (standard library only)

RSS_LIMIT_MB = 600


@dataclass
class Workload:
    name: str
    label: str
    command: list[str]
    env: dict[str, str] = field(default_factory=dict)
    target: float | None = None  # ratio to the floor, or seconds when absolute
    absolute: bool = False
    optional: bool = False  # a failure drops the row instead of the run (a colleague's target)
    first_use: bool = False  # its first run fills a cache: its time and RSS are reported on their own
    rss_limited: bool = True  # counts for the 600 MB limit (not the 1,000-service stress case)
    cwd: Path = ROOT
    before: Callable[[], None] | None = None  # run, untimed, before each run
    resources: int = 0
    samples: list[float] = field(default_factory=list)
    peak_mb: float = 0.0
    first_s: float | None = None
    first_peak_mb: float = 0.0


def _tree_rss_kb(pid: int) -> int:
    total, pending = 0, [pid]
    while pending:
        p = pending.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
            pending.extend(int(c) for c in Path(f"/proc/{p}/task/{p}/children").read_text().split())
        except (OSError, StopIteration):
            continue
    return total


def _run(command: list[str], env: dict[str, str], cwd: Path = ROOT) -> tuple[float, float]:
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
        peak = 0
        while proc.poll() is None:
            peak = max(peak, _tree_rss_kb(proc.pid))
            time.sleep(0.02)
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            stderr.seek(0)
            raise RuntimeError(f"{' '.join(command)} failed ({proc.returncode}):\n{stderr.read().decode()[-2000:]}")
    return elapsed, peak / 1024


def generated_catalog(count: int) -> str:
    """services.yaml with its services replaced by ``count`` copies of a simple web service."""
    data = yaml.safe_load((ROOT / "services.yaml").read_text())
    services = {}
    for i in range(count):
        name = f"app{i:04d}"
        services[name] = {
            "secrets": {"keys": ["DATABASE_URL"]},
            "workloads": {
                name: {
                    "containers": {
                        name: {
                            "image": "example/app:1.0.0",
                            "ports": [{"name": "http", "port": 8080}],
                            "env": [{"TZ": "Europe/London"}, {"DATABASE_URL": {"secret": "DATABASE_URL"}}],
                            "mounts": [{"volume": "data", "path": "/data"}],
                            "resources": {
                                "requests": {"cpu": "10m", "memory": "32Mi"},
                                "limits": {"cpu": "100m", "memory": "128Mi"},
                            },
                            "liveness": {"http": "/health"},  # its period from defaults:
                        }
                    },
                    "volumes": {"data": {"glusterfs": "data"}},
                    "services": {name: {"ports": [{"port": 80, "target_port": 8080}]}},
                }
            },
            "ingresses": {name: {"hosts": [f"{name}.example.org"], "backend": f"{name}:80"}},
        }
    data["services"] = services
    data["nomad"] = {"address": data["nomad"]["address"], "jobs": {}}
    return yaml.safe_dump(data, sort_keys=False)


def _resources(outdir: Path) -> int:
    return sum(
        len(group)
        for path in (outdir / "stacks").glob("*/cdk.tf.json")
        for group in json.loads(path.read_text()).get("resource", {}).values()
    )


# The bench times the targets, not the set-up: never (re)install from here.
MAKE = ["make", "-s", "-o", ".venv/.synced-runtime", "-o", ".venv/.synced", "-o", "node_modules/.installed"]


def _make_has(target: str) -> bool:
    probe = subprocess.run([*MAKE, "-n", target], cwd=ROOT, capture_output=True, text=True)
    return probe.returncode == 0


def workloads(scratch: Path, base: dict[str, str], with_1000: bool) -> list[Workload]:
    python, main = sys.executable, str(ROOT / "main.py")
    synth, noop = [python, main, "--force"], [python, main]

    def env(name: str, catalog: Path | None = None, **extra: str) -> dict[str, str]:
        found = {**base, "CDKTF_OUTDIR": str(scratch / name), **extra}
        return found if catalog is None else {**found, "CLUSTER_STATE_CATALOG": str(catalog)}

    floor = [python, "-O", str(ROOT / "bench" / "floor.py"), str(scratch / "floor")]
    # The floors start under -O themselves, so they get what main.py's re-exec gives its child
    # (stacks/runtime.optimized_command): the project's cache, and leave to write to it. With the
    # Makefile's PYTHONDONTWRITEBYTECODE they would compile the ~150 provider submodules main.py
    # never imports from source on every run, and the floor would look three times as slow.
    floor_env = {k: v for k, v in base.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"PYTHONPYCACHEPREFIX": PYCACHE}
    found = [
        Workload("floor", "floor (cdktf + both providers, one ConfigMap)", floor, floor_env, first_use=True),
        Workload(
            "floor-lazy",
            "floor, provider submodules imported on first use as the project does (reference)",
            [*floor[:3], "--lazy", str(scratch / "floor-lazy")],
            floor_env,
            first_use=True,
        ),
        Workload("catalog", "whole catalog (`main.py`)", synth, env("catalog"), 1.2),
    ]
    for count in (200, 1000) if with_1000 else (200,):
        path = scratch / f"generated-{count}.yaml"
        path.write_text(generated_catalog(count))
        name = f"generated-{count}"
        found.append(
            Workload(
                name,
                f"{count} generated services",
                synth,
                env(name, path),
                1.6 if count == 200 else None,
                rss_limited=count == 200,
            )
        )
    found.append(Workload("noop", "no-op synth (`main.py`, nothing changed)", noop, env("noop"), 0.3, absolute=True))
    cache = str(scratch / "pycache")  # empty: filled by the first run
    cliff = env("nocliff", PYTHONDONTWRITEBYTECODE="1", PYTHONPYCACHEPREFIX=cache)
    label = "whole catalog, no byte-code compiled beforehand"
    found.append(Workload("nocliff", label, synth, cliff, 1.25, first_use=True))
    if _make_has("synth"):
        found.append(
            Workload(
                "make-synth-noop", "`make synth`, nothing changed", [*MAKE, "synth"], env("make"), 0.3, absolute=True
            )
        )
    if _make_has("diff"):
        found.extend(_diff_workloads(scratch / "diff", base))
    else:
        print("make diff: no such target in the Makefile, row skipped", file=sys.stderr)
    for w in found:
        if w.name in ("noop", "make-synth-noop"):  # something to be a no-op on
            subprocess.run(noop, cwd=ROOT, env=w.env, check=True, stdout=subprocess.DEVNULL)
    return found


def _diff_workloads(folder: Path, base: dict[str, str]) -> list[Workload]:
    """`make diff` of a one-line change in bench/diff.py's scratch clone: nothing cached (the
    base's output removed first: base and working tree both synthesized), then the base cached."""
    clone = scratch_clone(folder)
    changes = itertools.count()
    command = [*MAKE, "diff", "BASE=HEAD"]
    change_one_line(clone, next(changes))  # a first review fills the clone's byte-code cache
    subprocess.run(command, cwd=clone, env=base, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def cold() -> None:
        shutil.rmtree(clone / ".cache" / "review" / "base", ignore_errors=True)  # the bench's own clone
        change_one_line(clone, next(changes))

    def cached() -> None:
        change_one_line(clone, next(changes))

    common = {"optional": True, "cwd": clone}
    return [
        Workload(
            "make-diff-cold", "`make diff`, a one-line change, nothing cached", command, base, before=cold, **common
        ),
        Workload("make-diff", "`make diff`, a one-line change, base cached", command, base, before=cached, **common),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="rounds (>= 5 for the README)")
    parser.add_argument("--no-1000", action="store_true", help="skip the 1,000-service catalog")
    parser.add_argument("--json", help="also write the results to this file (input of bench/table.py)")
    args = parser.parse_args()
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CLUSTER_STATE_", "CDKTF_", "K8S_", "NODE_", "PYTHONPYCACHEPREFIX"))
        and k not in ("PG_CONN_STR", "NOMAD_ADDR")
    }
    base.update(JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20", CHECKPOINT_DISABLE="1")
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        scratch = Path(tmp)
        found = workloads(scratch, base, not args.no_1000)
        for round_ in range(args.runs):
            for w in list(found):
                try:
                    if w.before is not None:
                        w.before()
                    elapsed, peak = _run(w.command, w.env, w.cwd)
                except RuntimeError as exc:
                    if not w.optional:
                        raise SystemExit(str(exc)) from None
                    print(f"{w.name}: failed, row dropped: {exc}", file=sys.stderr)
                    found.remove(w)
                    continue
                w.samples.append(elapsed)
                if round_ == 0:
                    w.first_s, w.first_peak_mb = elapsed, peak
                if round_ > 0 or not w.first_use:
                    w.peak_mb = max(w.peak_mb, peak)
            print(f"round {round_ + 1}/{args.runs} done", file=sys.stderr)
        for w in found:
            outdir = scratch / w.name if w.name.startswith("floor") else w.env.get("CDKTF_OUTDIR")  # none: make diff
            w.resources = _resources(Path(outdir)) if outdir and (Path(outdir) / "stacks").exists() else 0
    results = report(found, args.runs)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    return 0


def report(found: list[Workload], runs: int) -> dict:
    floor = statistics.median(next(w for w in found if w.name == "floor").samples)
    rows = []
    print(f"{'workload':<18} {'median s':>9} {'ratio':>6} {'target':>8} {'peak MB':>8} {'resources':>9}")
    for w in found:
        median = statistics.median(w.samples)
        ratio = median / floor
        value = median if w.absolute else ratio
        ok = None if w.target is None else value <= w.target
        target = "" if w.target is None else (f"{w.target} s" if w.absolute else f"{w.target}x")
        mark = "" if ok is None else ("ok" if ok else "OVER")
        print(f"{w.name:<18} {median:>9.2f} {ratio:>6.2f} {target:>8} {w.peak_mb:>8.0f} {w.resources:>9} {mark}")
        rows.append(
            {
                "name": w.name,
                "label": w.label,
                "median_s": round(median, 3),
                "samples_s": [round(x, 2) for x in w.samples],
                "ratio": round(ratio, 3),
                "target": target,
                "ok": ok,
                "peak_rss_mb": round(w.peak_mb),
                "resources": w.resources,
                "first_run_s": round(w.first_s or 0, 2),
                "first_run_peak_rss_mb": round(w.first_peak_mb),
                "rss_limited": w.rss_limited,
            }
        )
    by_name = {r["name"]: r for r in rows}
    extra = {}
    if "generated-1000" in by_name:
        small, big = by_name["generated-200"], by_name["generated-1000"]
        per = (big["median_s"] - small["median_s"]) / max(1, big["resources"] - small["resources"])
        extra["ms_per_resource"] = round(per * 1000, 2)
        print(f"marginal cost per resource (200 -> 1000 services): {per * 1000:.2f} ms")
    if "floor-lazy" in by_name:
        own = by_name["catalog"]["median_s"] - by_name["floor-lazy"]["median_s"]
        extra["catalog_over_lazy_floor"] = round(by_name["catalog"]["median_s"] / by_name["floor-lazy"]["median_s"], 2)
        extra["catalog_own_s"] = round(own, 2)
        print(f"whole catalog above the lazy floor: {own:.2f} s ({extra['catalog_over_lazy_floor']}x)")
    if "nocliff" in by_name:
        first = by_name["nocliff"]
        extra["nocliff_first_run_s"] = first["first_run_s"]
        extra["nocliff_first_run_peak_rss_mb"] = first["first_run_peak_rss_mb"]
        print(
            f"no-cliff first run (fills the byte-code cache once): {first['first_run_s']:.1f} s, "
            f"{first['first_run_peak_rss_mb']} MB"
        )
    worst = max(r["peak_rss_mb"] for r in rows if r["rss_limited"])
    extra["peak_rss_mb"] = worst
    extra["peak_rss_ok"] = worst <= RSS_LIMIT_MB
    verdict = "ok" if worst <= RSS_LIMIT_MB else "OVER"
    print(f"peak RSS {worst} MB (limit {RSS_LIMIT_MB} MB, every workload but the 1,000 services): {verdict}")
    return {
        "runs": runs,
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "rows": rows,
        **extra,
    }


if __name__ == "__main__":
    sys.exit(main())
