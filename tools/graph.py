"""The catalog as a picture: ``python -m tools.graph`` writes docs/catalog.svg (``make graph``).

Drawn from services.yaml alone (no cdktf, no synthesis), so the picture shows the operator's intent:
the stacks and what each deploys; per service its workloads, cron jobs, ingresses and Traefik routes;
the hostnames that reach them; the nodes they are pinned or restricted to; and the storage they
mount (GlusterFS and other hostPaths, NFS, litestream buckets). The DOT text is built by a pure
function so that tests can check it without Graphviz; ``dot`` is needed only to render.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from catalog import CatalogError
from catalog.model import Catalog, Service
from catalog.model.objects import ServiceRef
from catalog.model.pod import GlusterfsVolume, HostPathVolume, NfsVolume
from rules import load_catalog

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "docs" / "catalog.svg"
HOST_RULE = re.compile(r"Host\(`([^`]+)`\)")

STYLE = {
    "stack": 'shape=component, style="filled,bold", fillcolor="#d0e0ff"',
    "service": 'shape=folder, style=filled, fillcolor="#fff4c0"',
    "workload": 'shape=box, style="rounded,filled", fillcolor="#e0f0e0"',
    "cron_job": 'shape=box, style="rounded,filled,dashed", fillcolor="#f0f0f0"',
    "ingress": 'shape=cds, style=filled, fillcolor="#ffe0c0"',
    "route": 'shape=cds, style=filled, fillcolor="#ffd0d0"',
    "secret_store": 'shape=hexagon, style=filled, fillcolor="#e8e0ff"',
    "nomad_job": 'shape=box, style="rounded,filled", fillcolor="#d8f0f8"',
    "host": 'shape=oval, style=filled, fillcolor="#ffffff", color="#806000"',
    "node": 'shape=box3d, style=filled, fillcolor="#e0e0e0"',
    "storage": 'shape=cylinder, style=filled, fillcolor="#f8f8e0"',
}


def quote(text: str) -> str:
    """A DOT double-quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


class Graph:
    """Nodes and edges, each once, in first-seen order (stable output for stable diffs)."""

    def __init__(self) -> None:
        self.nodes: dict[str, tuple[str, str]] = {}
        self.edges: dict[tuple[str, str], str] = {}
        self.clusters: dict[str, tuple[str, list[str]]] = {}

    def node(self, node_id: str, label: str, kind: str, cluster: str | None = None) -> str:
        if node_id not in self.nodes:
            self.nodes[node_id] = (label, kind)
            if cluster is not None:
                self.clusters[cluster][1].append(node_id)
        return node_id

    def edge(self, tail: str, head: str, attrs: str = "") -> None:
        self.edges.setdefault((tail, head), attrs)

    def cluster(self, cluster_id: str, label: str) -> str:
        self.clusters.setdefault(cluster_id, (label, []))
        return cluster_id

    def dot(self) -> str:
        clustered = {n for _, members in self.clusters.values() for n in members}
        lines = [
            "digraph catalog {",
            '  graph [rankdir=LR, fontname="Helvetica", fontsize=11, nodesep=0.25, ranksep=0.9, '
            'label="cluster-state catalog (services.yaml)", labelloc=t];',
            '  node [fontname="Helvetica", fontsize=10];',
            '  edge [fontname="Helvetica", fontsize=8, color="#606060"];',
        ]
        for index, (cluster_id, (label, members)) in enumerate(self.clusters.items()):
            lines.append(f"  subgraph cluster_{index} {{")
            lines.append(f'    label={quote(label)}; style="rounded"; color="#a0a0a0"; // {cluster_id}')
            lines.extend(f"    {self._node_line(n)}" for n in members)
            lines.append("  }")
        lines.extend(f"  {self._node_line(n)}" for n in self.nodes if n not in clustered)
        for (tail, head), attrs in self.edges.items():
            suffix = f" [{attrs}]" if attrs else ""
            lines.append(f"  {quote(tail)} -> {quote(head)}{suffix};")
        lines.append("}")
        return "\n".join(lines) + "\n"

    def _node_line(self, node_id: str) -> str:
        label, kind = self.nodes[node_id]
        return f"{quote(node_id)} [label={quote(label)}, {STYLE[kind]}];"


def catalog_graph(catalog: Catalog) -> Graph:
    graph = Graph()
    stacks = {name: graph.node(f"stack:{name}", f"stack {name}", "stack") for name in ("kubernetes", "nomad")}
    nodes = catalog.cluster.nodes
    for name, node in nodes.items():
        graph.node(f"node:{name}", f"{name}\n{node.arch}{' + gpu' if node.gpu else ''}", "node")
    for name, service in catalog.services.items():
        _service(graph, stacks[service.stack], name, service, catalog)
    for key, job in catalog.nomad.jobs.items():
        job_id = graph.node(f"nomad_job:{key}", f"nomad_job.{key}\njob {job.job}\n{job.jobspec}", "nomad_job")
        graph.edge(stacks["nomad"], job_id)
    return graph


def _service(graph: Graph, stack_id: str, name: str, service: Service, catalog: Catalog) -> None:
    cluster = graph.cluster(f"service:{name}", f"{name} ({service.namespace})")
    service_id = graph.node(f"service:{name}", name, "service", cluster)
    graph.edge(stack_id, service_id)
    # Which workload answers for each Kubernetes Service name, for ingress and route backends.
    backends: dict[str, str] = {}
    for workload_name, workload in service.workloads.items():
        workload_id = graph.node(
            f"workload:{name}/{workload_name}", f"{workload.kind}\n{workload_name}", "workload", cluster
        )
        graph.edge(service_id, workload_id)
        for svc in [workload_name, *workload.services]:
            backends.setdefault(svc, workload_id)
        _placement(graph, workload_id, workload.placement, catalog)
        _volumes(graph, workload_id, name, workload.volumes, catalog)
    for cron_name, cron in service.cron_jobs.items():
        cron_id = graph.node(
            f"cron_job:{name}/{cron_name}", f"CronJob\n{cron_name}\n{cron.schedule}", "cron_job", cluster
        )
        graph.edge(service_id, cron_id)
        _placement(graph, cron_id, cron.placement, catalog)
        _volumes(graph, cron_id, name, cron.volumes, catalog)
    if service.cluster_secret_store is not None:
        store = service.cluster_secret_store
        store_id = graph.node(
            f"secret_store:{store.name}", f"ClusterSecretStore\n{store.name}", "secret_store", cluster
        )
        graph.edge(service_id, store_id)
        graph.edge(store_id, graph.node(f"host:{store.server}", store.server, "host"), 'label="vault", dir=forward')
    for ingress_name, ingress in service.ingresses.items():
        ingress_id = graph.node(f"ingress:{name}/{ingress_name}", f"Ingress\n{ingress_name}", "ingress", cluster)
        graph.edge(service_id, ingress_id, "style=dotted, arrowhead=none")
        for host in ingress.hosts:
            graph.edge(graph.node(f"host:{host}", host, "host"), ingress_id)
        _backend(graph, ingress_id, ingress.backend, backends)
    for route_name, route_set in service.ingress_routes.items():
        route_id = graph.node(f"route:{name}/{route_name}", f"IngressRoute\n{route_name}", "route", cluster)
        graph.edge(service_id, route_id, "style=dotted, arrowhead=none")
        for route in route_set.routes:
            for host in _route_hosts(route.host, route.match):
                graph.edge(graph.node(f"host:{host}", host, "host"), route_id)
            for backend in route.services:
                _backend(graph, route_id, backend, backends)
    if service.litestream is not None:
        bucket = service.litestream.bucket
        bucket_id = graph.node(f"storage:s3://{bucket}", f"litestream\ns3://{bucket}", "storage")
        target = backends.get(service.litestream.workload, service_id)
        graph.edge(target, bucket_id, 'label="replicates", style=dashed')


def _route_hosts(host: str | None, match: str | None) -> list[str]:
    if host is not None:
        return [host]
    return HOST_RULE.findall(match or "")


def _backend(graph: Graph, router_id: str, backend: ServiceRef, backends: dict[str, str]) -> None:
    target = backends.get(backend.service)
    if target is not None:
        graph.edge(router_id, target, f"label={quote(f':{backend.port}')}")


def _placement(graph: Graph, pod_id: str, placement, catalog: Catalog) -> None:
    """A pin (``node``) is a solid edge; an arch restriction that excludes nodes, dashed edges."""
    nodes = catalog.cluster.nodes
    if placement.node is not None:
        graph.edge(
            pod_id, graph.node(f"node:{placement.node}", placement.node, "node"), 'label="pinned", color="#c00000"'
        )
        return
    arches = set(placement.arch) if placement.arch else None
    if placement.node_arch is not None:
        arches = {placement.node_arch} if arches is None else arches & {placement.node_arch}
    if arches is None:
        return
    allowed = [name for name, node in nodes.items() if node.arch in arches]
    if len(allowed) < len(nodes):
        for name in allowed:
            graph.edge(pod_id, f"node:{name}", 'style=dashed, label="arch"')


def _volumes(graph: Graph, pod_id: str, service: str, volumes, catalog: Catalog) -> None:
    for volume_name, volume in volumes.items():
        for path in _storage_paths(service, volume, catalog):
            graph.edge(pod_id, graph.node(f"storage:{path}", path, "storage"), f"label={quote(volume_name)}")


def _storage_paths(service: str, volume, catalog: Catalog) -> Iterator[str]:
    match volume:
        case GlusterfsVolume():
            yield volume.node_path(service, catalog.cluster.storage_root)
        case HostPathVolume(host_path=path):
            yield path
        case NfsVolume(nfs=nfs):
            yield f"nfs://{nfs.server}{nfs.path}"


def render(dot_text: str, out: Path, fmt: str | None = None) -> None:
    dot = shutil.which("dot")
    if dot is None:
        raise FileNotFoundError("Graphviz `dot` is not on PATH (Debian: apt-get install graphviz)")
    fmt = fmt or out.suffix.lstrip(".") or "svg"
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([dot, f"-T{fmt}", "-o", str(out)], input=dot_text, text=True, check=True)


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", default=str(ROOT / "services.yaml"), help="the catalog file")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="image to write (.svg or .png)")
    parser.add_argument("--dot", action="store_true", help="print the DOT text instead of rendering")
    args = parser.parse_args(list(argv) if argv is not None else None)
    try:
        catalog = load_catalog(args.catalog)
    except CatalogError as exc:
        print(exc, file=sys.stderr)
        return 2
    text = catalog_graph(catalog).dot()
    if args.dot:
        sys.stdout.write(text)
        return 0
    try:
        render(text, args.out)
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
