"""tools/graph.py: the DOT text of the catalog picture, and its rendering when Graphviz is installed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from catalog.model import Catalog
from tools.graph import catalog_graph, main, quote, render

EDGE = re.compile(r'^\s*"((?:[^"\\]|\\.)*)" -> "((?:[^"\\]|\\.)*)"(?: \[(.*)\])?;$', re.MULTILINE)

SMALL = {
    "cluster": {
        "domain": "example.com",
        "nodes": {"hestia": {"arch": "amd64", "gpu": True}, "nyx": {"arch": "arm64"}},
        "minio_endpoint": "http://minio:9000",
        "litestream_image": "litestream/litestream:0.5",
    },
    "services": {
        "my-web": {
            "workloads": {
                "web": {
                    "placement": {"node": "hestia"},
                    "containers": {"web": {"image": "nginx:1.27"}},
                    "volumes": {
                        "data": {"glusterfs": "data"},
                        "media": {"host_path": "/storage/v/media"},
                        "tmp": {"empty_dir": {}},
                    },
                    "services": {"web-svc": {"ports": [{"port": 80}]}},
                },
                "worker": {"placement": {"arch": ["amd64", "arm64"]}, "containers": {"w": {"image": "w:1"}}},
            },
            "cron_jobs": {
                "backup": {
                    "schedule": "0 3 * * *",
                    "placement": {"node_arch": "arm64"},
                    "containers": {"b": {"image": "restic:1"}},
                    "volumes": {"repo": {"nfs": {"server": "nas", "path": "/backups"}}},
                }
            },
            "ingresses": {"web": {"hosts": ["web.example.com", "www.example.com"], "backend": "web-svc:80"}},
            "ingress_routes": {
                "api": {
                    "routes": [
                        {"match": "Host(`api.example.com`) && PathPrefix(`/v1`)", "services": ["web-svc:80"]},
                        {"host": "admin.example.com", "services": ["worker:8080"]},
                    ]
                }
            },
        }
    },
    "nomad": {"jobs": {"elk": {"jobspec": "jobspecs/elk.nomad.hcl", "job": "elk"}}},
}


def edges(dot: str) -> dict[tuple[str, str], str]:
    return {(tail, head): attrs or "" for tail, head, attrs in EDGE.findall(dot)}


@pytest.fixture(scope="module")
def small_dot() -> str:
    return catalog_graph(Catalog.model_validate(SMALL)).dot()


def test_stacks_lead_to_their_services_and_nomad_jobs(small_dot: str) -> None:
    drawn = edges(small_dot)
    assert ("stack:kubernetes", "service:my-web") in drawn
    assert ("stack:nomad", "nomad_job:elk") in drawn
    assert "subgraph cluster_0 {" in small_dot and "my-web (default)" in small_dot


def test_each_component_hangs_off_its_service(small_dot: str) -> None:
    drawn = edges(small_dot)
    for component in ("workload:my-web/web", "workload:my-web/worker", "cron_job:my-web/backup"):
        assert ("service:my-web", component) in drawn
    for router in ("ingress:my-web/web", "route:my-web/api"):
        assert ("service:my-web", router) in drawn


def test_hostnames_reach_the_workload_behind_the_backend(small_dot: str) -> None:
    drawn = edges(small_dot)
    assert ("host:web.example.com", "ingress:my-web/web") in drawn
    assert ("host:www.example.com", "ingress:my-web/web") in drawn
    assert ("ingress:my-web/web", "workload:my-web/web") in drawn  # via its Service web-svc
    assert ("host:api.example.com", "route:my-web/api") in drawn  # parsed from the match rule
    assert ("host:admin.example.com", "route:my-web/api") in drawn
    assert ("route:my-web/api", "workload:my-web/worker") in drawn  # a workload answers for its own name


def test_pins_and_arch_restrictions_point_at_nodes(small_dot: str) -> None:
    drawn = edges(small_dot)
    assert "pinned" in drawn[("workload:my-web/web", "node:hestia")]
    assert ("cron_job:my-web/backup", "node:nyx") in drawn
    assert ("cron_job:my-web/backup", "node:hestia") not in drawn
    # Allowed on every arch of the cluster: no restriction worth drawing.
    assert not [edge for edge in drawn if edge[0] == "workload:my-web/worker" and edge[1].startswith("node:")]
    assert '"node:hestia" [label="hestia\\namd64 + gpu"' in small_dot


def test_storage_paths_follow_the_glusterfs_convention(small_dot: str) -> None:
    drawn = edges(small_dot)
    assert drawn[("workload:my-web/web", "storage:/storage/v/glusterfs_my_web_data")] == 'label="data"'
    assert ("workload:my-web/web", "storage:/storage/v/media") in drawn
    assert ("cron_job:my-web/backup", "storage:nfs://nas/backups") in drawn
    assert not [edge for edge in drawn if "tmp" in edge[1]]  # emptyDir is not storage


def test_labels_are_quoted_for_dot() -> None:
    assert quote('say "hi"\\now\nnext') == '"say \\"hi\\"\\\\now\\nnext"'


def test_the_real_catalog_draws_every_service_and_nomad_job(catalog) -> None:
    dot = catalog_graph(catalog).dot()
    drawn = edges(dot)
    for name, service in catalog.services.items():
        assert (f"stack:{service.stack}", f"service:{name}") in drawn
    for key in catalog.nomad.jobs:
        assert ("stack:nomad", f"nomad_job:{key}") in drawn
    assert ("host:overseerr.brmartin.co.uk", "ingress:overseerr/overseerr") in drawn
    assert ("workload:vaultwarden/vaultwarden", "storage:/storage/v/glusterfs_vaultwarden_data") in drawn
    assert ("workload:overseerr/overseerr", "storage:s3://overseerr-litestream") in drawn


@pytest.mark.needs("dot", why="Graphviz")
def test_the_picture_renders_as_svg(small_dot: str, tmp_path: Path) -> None:
    out = tmp_path / "catalog.svg"
    render(small_dot, out)
    svg = out.read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "api.example.com" in svg and "/storage/v/glusterfs_my_web_data" in svg


def test_a_bad_catalog_stops_the_tool_with_its_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "services.yaml"
    bad.write_text("cluster:\n  domain: example.com\n")
    assert main(["--catalog", str(bad), "--dot"]) == 2
    assert "cluster.nodes" in capsys.readouterr().err
