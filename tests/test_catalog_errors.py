"""Every bad catalog is answered with one clear line: the YAML path, what is wrong (and what is
allowed), the file and the line. Each case mutates one line of a small valid catalog."""

from __future__ import annotations

import pytest

from catalog import CatalogError
from rules import load_catalog

VALID = """\
cluster:
  domain: example.org
  nodes:
    hestia: {arch: amd64, gpu: true}
    nyx: {arch: arm64}
  minio_endpoint: http://minio:9000
  litestream_image: litestream/litestream:0.5
services:
  web:
    secrets:
      keys: [TOKEN, MINIO_ACCESS_KEY, MINIO_SECRET_KEY]
    litestream:
      workload: web
      bucket: web-litestream
      databases: [{path: /data/db.sqlite3, replica: web, replica_path: db}]
      restore_resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {cpu: 100m, memory: 64Mi}}
      sidecar_resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {cpu: 100m, memory: 64Mi}}
    workloads:
      web:
        replicas: 2
        placement: {arch: [amd64, arm64]}
        containers:
          web:
            image: nginx:1.27
            ports: [{name: http, port: 80}]
            env:
              - TZ: Europe/London
              - TOKEN: {secret: TOKEN}
            mounts: [{volume: data, path: /data}]
            resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {cpu: 100m, memory: 64Mi}}
        volumes:
          data: {empty_dir: {size_limit: 1Gi}}
          files: {glusterfs: files}
        services:
          web: {type: NodePort, ports: [{port: 80, node_port: 30080}]}
    ingresses:
      web: {hosts: [web.example.org], backend: "web:80"}
    cron_jobs:
      nightly:
        schedule: "0 3 * * *"
        containers:
          job: {image: busybox:1.36, resources: {requests: {cpu: 10m}, limits: {cpu: 10m}}}
  api:
    workloads:
      api:
        placement: {node: hestia}
        containers:
          api: {image: example/api:1.0, ports: [{port: 8080}], resources: {requests: {cpu: 1m}, limits: {cpu: 1m}}}
        services:
          api: {ports: [{port: 80, target_port: 8080}]}
    ingresses:
      api: {hosts: [api.example.org], backend: "api:80"}
"""

AT_CHANGE = 0

CASES = [
    # (id, text to replace (exact), replacement, expected message fragment, expected line;
    #  AT_CHANGE: the line where the replacement starts, i.e. the error points at the edited line)
    (
        "yaml syntax error",
        "        replicas: 2",
        "        replicas: 2: 2",
        "yaml syntax error: mapping values are not allowed",
        AT_CHANGE,
    ),
    (
        "unknown key",
        "        replicas: 2",
        "        replica: 1",
        "services.web.workloads.web.replica: unknown key 'replica'; allowed:",
        AT_CHANGE,
    ),
    (
        "wrong type",
        "        replicas: 2",
        "        replicas: one",
        "services.web.workloads.web.replicas: expected an integer, got a string 'one'",
        AT_CHANGE,
    ),
    (
        "negative replicas",
        "        replicas: 2",
        "        replicas: -1",
        "services.web.workloads.web.replicas: input should be greater than or equal to 0, got -1",
        AT_CHANGE,
    ),
    (
        "missing required field",
        "      bucket: web-litestream\n",
        "",
        "services.web.litestream.bucket: field required",
        12,
    ),
    (
        "duplicate service name",
        "  api:\n    workloads:",
        "  web:\n    workloads:",
        "services.web: duplicate key 'web' (first defined on line 9)",
        AT_CHANGE,
    ),
    (
        "duplicate yaml key",
        "        replicas: 2",
        "        replicas: 2\n        replicas: 2",
        "services.web.workloads.web.replicas: duplicate key 'replicas'",
        21,
    ),
    (
        "service name not dns-1123",
        "  api:\n    workloads:",
        "  Api_Service:\n    workloads:",
        "services.Api_Service: 'Api_Service' is not a valid name",
        AT_CHANGE,
    ),
    (
        "workload name not dns-1123",
        "      api:\n        placement",
        "      API:\n        placement",
        "services.api.workloads.API: 'API' is not a valid name",
        AT_CHANGE,
    ),
    (
        "port out of range",
        "ports: [{name: http, port: 80}]",
        "ports: [{name: http, port: 80000}]",
        "services.web.workloads.web.containers.web.ports[0].port: input should be less than or equal to 65535, got 80000",
        AT_CHANGE,
    ),
    (
        "duplicate container ports",
        "ports: [{name: http, port: 80}]",
        "ports: [{name: http, port: 80}, {port: 80}]",
        "services.web.workloads.web.containers.web.ports: container port 80 is declared twice",
        AT_CHANGE,
    ),
    (
        "hostname claimed twice",
        "hosts: [api.example.org]",
        "hosts: [web.example.org]",
        "services.api.ingresses.api.hosts[0]: rule hostname-unique: hostname 'web.example.org' is already claimed by service 'web'",
        AT_CHANGE,
    ),
    (
        "hostname not a hostname",
        "hosts: [api.example.org]",
        "hosts: [API.example.org]",
        "services.api.ingresses.api.hosts[0]: 'API.example.org' is not a valid hostname",
        AT_CHANGE,
    ),
    (
        "node port outside range",
        "node_port: 30080",
        "node_port: 8080",
        "services.web.workloads.web.services.web.ports[0].node_port: input should be greater than or equal to 30000, got 8080",
        AT_CHANGE,
    ),
    (
        "node port used twice",
        "api: {ports: [{port: 80, target_port: 8080}]}",
        "api: {type: NodePort, ports: [{port: 80, node_port: 30080}]}",
        "services.api.workloads.api.services.api.ports[0].node_port: rule node-port-unique: node_port 30080 is already used by 'web/web'",
        AT_CHANGE,
    ),
    (
        "node port without NodePort type",
        "web: {type: NodePort, ports",
        "web: {ports",
        "services.web.workloads.web.services.web: node_port needs type: NodePort",
        AT_CHANGE,
    ),
    (
        "invalid cron schedule",
        'schedule: "0 3 * * *"',
        'schedule: "0 25 * * *"',
        "services.web.cron_jobs.nightly.schedule: rule cron-schedule: invalid cron schedule '0 25 * * *': "
        "hour goes above 23: '25'",
        AT_CHANGE,
    ),
    (
        "cron schedule with 6 fields",
        'schedule: "0 3 * * *"',
        'schedule: "0 0 3 * * *"',
        "rule cron-schedule: invalid cron schedule '0 0 3 * * *': expected exactly 5 fields",
        AT_CHANGE,
    ),
    (
        "image without tag",
        "image: nginx:1.27",
        "image: nginx",
        "services.web.workloads.web.containers.web.image: rule image-tag-required: image 'nginx' has no tag",
        AT_CHANGE,
    ),
    (
        "litestream without bucket",
        "      bucket: web-litestream\n",
        "",
        "services.web.litestream.bucket: field required",
        12,
    ),
    (
        "hostPath outside /storage/v/",
        "files: {glusterfs: files}",
        "files: {host_path: /srv/files}",
        "services.web.workloads.web.volumes.files: rule storage-path: hostPath '/srv/files' is outside /storage/v/",
        AT_CHANGE,
    ),
    (
        "glusterfs path breaking the naming",
        "files: {glusterfs: files}",
        "files: {glusterfs: files, path: /storage/v/other}",
        "services.web.workloads.web.volumes.files.path: rule storage-path: hostPath '/storage/v/other' breaks the glusterfs_<service>_<type> naming",
        AT_CHANGE,
    ),
    (
        "secret key used but not declared",
        "- TOKEN: {secret: TOKEN}",
        "- TOKEN: {secret: PASSWORD}",
        "services.web.workloads.web.containers.web.env[1].TOKEN: rule secret-key-declared: secret key 'PASSWORD' is not declared under secrets.keys",
        AT_CHANGE,
    ),
    (
        "unknown node name",
        "placement: {node: hestia}",
        "placement: {node: zeus}",
        "services.api.workloads.api.placement.node: rule node-declared: unknown node 'zeus'; known nodes: hestia, nyx",
        AT_CHANGE,
    ),
    (
        "malformed quantity",
        "limits: {cpu: 100m, memory: 64Mi}}\n        volumes",
        "limits: {cpu: 100m, memory: 64MB}}\n        volumes",
        "services.web.workloads.web.containers.web.resources.limits.memory: '64MB' is not a kubernetes quantity",
        AT_CHANGE,
    ),
    (
        "env value not a string",
        "- TZ: Europe/London",
        "- PORT: 8080",
        "services.web.workloads.web.containers.web.env[0].PORT: expected a string or a mapping, got an integer 8080",
        AT_CHANGE,
    ),
    (
        "env item with two variables",
        "- TZ: Europe/London",
        "- {TZ: Europe/London, LANG: C}",
        "services.web.workloads.web.containers.web.env: each env item is one 'NAME: value' pair",
        AT_CHANGE - 1,
    ),
    (
        "strategy on a StatefulSet",
        "        replicas: 2",
        "        replicas: 2\n        kind: StatefulSet\n        strategy: Recreate",
        "services.web.workloads.web: strategy applies to kind: Deployment only",
        AT_CHANGE - 1,
    ),
    (
        "env variable set twice",
        "- TZ: Europe/London",
        "- TOKEN: x",
        "services.web.workloads.web.containers.web.env: env variable 'TOKEN' is set twice",
        AT_CHANGE - 1,
    ),
    (
        "mount of an undeclared volume",
        "mounts: [{volume: data, path: /data}]",
        "mounts: [{volume: cache, path: /data}]",
        "services.web.workloads.web.containers.web.mounts[0].volume: rule volume-declared: volume 'cache' is not declared; declared: data, files",
        AT_CHANGE,
    ),
    (
        "volume with two sources",
        "data: {empty_dir: {size_limit: 1Gi}}",
        "data: {empty_dir: {}, glusterfs: data}",
        "services.web.workloads.web.volumes.data: a volume needs exactly one of glusterfs, host_path, empty_dir, config_map, secret, nfs",
        AT_CHANGE,
    ),
    (
        "unknown arch",
        "placement: {arch: [amd64, arm64]}",
        "placement: {arch: [amd64, riscv64]}",
        "services.web.workloads.web.placement.arch[1]: input should be 'amd64' or 'arm64', got 'riscv64'",
        AT_CHANGE,
    ),
    (
        "ingress backend without port",
        'backend: "web:80"',
        'backend: "web"',
        "services.web.ingresses.web.backend: string should match pattern",
        AT_CHANGE,
    ),
    (
        "litestream on an undeclared workload",
        "      workload: web\n",
        "      workload: db\n",
        "services.web.litestream.workload: rule litestream-target-declared: workload 'db' is not declared; declared: web",
        AT_CHANGE,
    ),
    (
        "probe with no kind",
        "resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {cpu: 100m, memory: 64Mi}}\n        volumes",
        "resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {cpu: 100m, memory: 64Mi}}\n            liveness: {period: 10}\n        volumes",
        "services.web.workloads.web.containers.web.liveness: a probe needs exactly one of http, exec, tcp",
        AT_CHANGE + 1,
    ),
    # Kubernetes expands $(VAR) only from variables declared earlier in the same list; anything
    # else reaches the container as the literal text "$(VAR)".
    (
        "env expands a variable declared after it",
        "              - TZ: Europe/London\n",
        "              - URL: https://u:$(TOKEN)@db/x\n              - TZ: Europe/London\n",
        "services.web.workloads.web.containers.web.env[0].URL: rule env-reference-declared: $(TOKEN) is not declared before URL;"
        " move TOKEN above it in the env list",
        AT_CHANGE,
    ),
    (
        "env expands a variable that is never declared",
        "              - TOKEN: {secret: TOKEN}\n",
        "              - TOKEN: {secret: TOKEN}\n              - URL: https://$(HOST)/\n",
        "services.web.workloads.web.containers.web.env[2].URL: rule env-reference-declared: $(HOST) is not declared before URL",
        AT_CHANGE + 1,
    ),
]


def _mutated(old: str, new: str) -> str:
    assert old in VALID, f"case does not apply: {old!r}"
    return VALID.replace(old, new, 1)


def _changed_line(old: str) -> int:
    return VALID[: VALID.index(old)].count("\n") + 1


def _errors(tmp_path, text: str) -> list[str]:
    path = tmp_path / "services.yaml"
    path.write_text(text)
    with pytest.raises(CatalogError) as info:
        load_catalog(path)
    return [str(p) for p in info.value.problems]


def test_the_base_catalog_of_these_cases_is_valid(tmp_path):
    path = tmp_path / "services.yaml"
    path.write_text(VALID)
    assert set(load_catalog(path).services) == {"web", "api"}


@pytest.mark.parametrize(("old", "new", "fragment", "line"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_bad_catalog_is_answered_with_one_line_naming_path_file_and_line(tmp_path, old, new, fragment, line):
    errors = _errors(tmp_path, _mutated(old, new))
    assert len(errors) == 1, f"expected exactly one problem, got {errors}"
    (error,) = errors
    assert fragment in error
    if line is not None and line < 5:  # relative to the edited line
        line += _changed_line(old)
    if line is not None:
        assert error.endswith(f"services.yaml:{line})"), error


def test_env_may_expand_variables_declared_earlier_and_escape_the_rest(tmp_path):
    path = tmp_path / "services.yaml"
    path.write_text(
        _mutated(
            "              - TOKEN: {secret: TOKEN}\n",
            "              - TOKEN: {secret: TOKEN}\n              - URL: https://u:$(TOKEN)@db/$(TZ)?literal=$$(HOST)\n",
        )
    )
    load_catalog(path)


def test_a_gpu_request_on_a_node_without_a_gpu_is_refused(tmp_path):
    text = _mutated("placement: {node: hestia}", "placement: {node: nyx}").replace(
        "limits: {cpu: 1m}}}",
        "limits: {cpu: 1m, nvidia.com/gpu: '1'}}}",
    )
    (error,) = _errors(tmp_path, text)
    assert error.startswith(
        "services.api.workloads.api.containers.api.resources: rule gpu-node: requests a GPU but is not pinned to a GPU node"
    )
    assert "GPU nodes: hestia" in error


def test_an_empty_file_is_refused(tmp_path):
    assert _errors(tmp_path, "") == [
        f"file is empty; expected a mapping with 'services' ({tmp_path / 'services.yaml'}:1)"
    ]


def test_a_root_that_is_not_a_mapping_is_refused(tmp_path):
    (error,) = _errors(tmp_path, "- just\n- a list\n")
    assert "the root must be a mapping with 'cluster' and 'services', got list" in error


def test_every_problem_of_a_catalog_is_reported_at_once(tmp_path):
    text = _mutated("        replicas: 2", "        replicas: one").replace("port: 80}]", "port: 80000}]")
    errors = _errors(tmp_path, text)
    assert len(errors) == 2
    assert [e.split(":")[0] for e in errors] == [
        "services.web.workloads.web.replicas",
        "services.web.workloads.web.containers.web.ports[0].port",
    ]


def test_every_finding_of_the_rules_is_reported_at_once_once_the_shape_is_right(tmp_path):
    text = _mutated("image: nginx:1.27", "image: nginx").replace('"0 3 * * *"', '"0 25 * * *"')
    errors = _errors(tmp_path, text)
    assert [e.split(": ")[:2] for e in errors] == [
        ["services.web.workloads.web.containers.web.image", "rule image-tag-required"],
        ["services.web.cron_jobs.nightly.schedule", "rule cron-schedule"],
    ]


def test_there_are_at_least_25_bad_input_cases():
    assert len(CASES) + 3 >= 25
