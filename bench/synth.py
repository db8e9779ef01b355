"""Synthesis benchmark, run by hand (`make bench`), never by the tests.

Three workloads, each in a fresh process so every run pays the same start-up (Python, the
jsii kernel in node, the provider assemblies):

- floor: import the providers and synthesize a single resource: the cost of doing anything;
- catalog: synthesize the whole of services.yaml (every stack);
- generated: synthesize a generated catalog of 200 simple web services (Deployment, Service,
  Ingress, ExternalSecret and a GlusterFS volume each).

Reported as medians of interleaved runs, and as ratios to the floor measured in the same run,
so a slower or busier machine moves all three together. Peak RSS is the sum over the process
tree (python + node), sampled from /proc.
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"catalog": 1.2, "generated": 1.6}
RSS_LIMIT_MB = 600


def _child(kind: str, outdir: str) -> None:
    sys.path.insert(0, str(ROOT))
    from stacks.runtime import configure_jsii_runtime

    configure_jsii_runtime()  # as main.py does
    from rules import load_catalog
    from stacks.app import build_app

    if kind == "floor":
        from cdktf import App, TerraformStack
        from cdktf_cdktf_provider_kubernetes.config_map import ConfigMap, ConfigMapMetadata
        from cdktf_cdktf_provider_kubernetes.provider import KubernetesProvider
        from cdktf_cdktf_provider_nomad.provider import NomadProvider  # noqa: F401 (same imports as the app)

        app = App(outdir=outdir)
        stack = TerraformStack(app, "floor")
        KubernetesProvider(stack, "kubernetes")
        ConfigMap(stack, "one", metadata=ConfigMapMetadata(name="one"), data={"a": "b"})
        app.synth()
        return
    catalog = load_catalog(ROOT / "services.yaml")
    if kind == "generated":
        catalog = generated_catalog(catalog, 200)
    build_app(catalog, outdir=outdir, env={}).synth()


def generated_catalog(catalog, count: int):
    """``count`` copies of a simple web service, each with its own name, host and storage."""
    from catalog.model import Catalog

    data = catalog.model_dump(mode="python", by_alias=True, exclude_none=True)
    template = {
        "secrets": {"keys": ["DATABASE_URL"]},
        "workloads": {
            "app": {
                "containers": {
                    "app": {
                        "image": "example/app:1.0.0",
                        "ports": [{"name": "http", "port": 8080}],
                        "env": [{"TZ": "Europe/London"}, {"DATABASE_URL": {"secret": "DATABASE_URL"}}],
                        "mounts": [{"volume": "data", "path": "/data"}],
                        "resources": {
                            "requests": {"cpu": "10m", "memory": "32Mi"},
                            "limits": {"cpu": "100m", "memory": "128Mi"},
                        },
                        "liveness": {"http": "/health", "period": 30},
                    }
                },
                "volumes": {"data": {"glusterfs": "data"}},
                "services": {"app": {"ports": [{"port": 80, "target_port": 8080}]}},
            }
        },
        "ingresses": {"app": {"hosts": ["app.example.org"], "backend": "app:80"}},
    }
    services = {}
    for i in range(count):
        name = f"app{i:03d}"
        entry = copy.deepcopy(template)
        entry["workloads"] = {name: entry["workloads"].pop("app")}
        entry["workloads"][name]["containers"] = {name: entry["workloads"][name]["containers"].pop("app")}
        entry["workloads"][name]["services"] = {name: {"ports": [{"port": 80, "target_port": 8080}]}}
        entry["ingresses"] = {name: {"hosts": [f"{name}.example.org"], "backend": f"{name}:80"}}
        services[name] = entry
    data["services"] = services
    data["nomad"] = {"jobs": {}}
    return Catalog.model_validate(data)


def _tree_rss_kb(pid: int) -> int:
    total = 0
    pending = [pid]
    while pending:
        p = pending.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
            children = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except (OSError, StopIteration):
            continue
        pending.extend(int(c) for c in children)
    return total


def _measure(kind: str) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as outdir:
        start = time.perf_counter()
        # Under -O, as main.py synthesizes (the floor too: the same process, one resource).
        proc = subprocess.Popen([sys.executable, "-O", __file__, "--child", kind, "--outdir", outdir])
        peak = 0
        while proc.poll() is None:
            peak = max(peak, _tree_rss_kb(proc.pid))
            time.sleep(0.02)
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit(f"{kind} run failed with exit code {proc.returncode}")
    return elapsed, peak / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child")
    parser.add_argument("--outdir")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.outdir)
        return 0
    times: dict[str, list[float]] = {"floor": [], "catalog": [], "generated": []}
    peaks: dict[str, float] = dict.fromkeys(times, 0.0)
    for _ in range(args.runs):
        for kind in times:
            elapsed, peak = _measure(kind)
            times[kind].append(elapsed)
            peaks[kind] = max(peaks[kind], peak)
    floor = statistics.median(times["floor"])
    results = {}
    print(f"{'workload':<10} {'median s':>9} {'ratio':>6} {'target':>7} {'peak MB':>8}")
    for kind, samples in times.items():
        median = statistics.median(samples)
        ratio = median / floor
        target = TARGETS.get(kind)
        results[kind] = {
            "median_s": round(median, 3),
            "ratio": round(ratio, 3),
            "peak_rss_mb": round(peaks[kind]),
            "target": target,
        }
        mark = "" if target is None else ("ok" if ratio <= target else "OVER")
        print(f"{kind:<10} {median:>9.2f} {ratio:>6.2f} {target or '-':>7} {peaks[kind]:>8.0f} {mark}")
    worst = max(peaks.values())
    print(f"peak RSS {worst:.0f} MB (limit {RSS_LIMIT_MB} MB): {'ok' if worst <= RSS_LIMIT_MB else 'OVER'}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
