"""Hostile and mistaken catalogs: each one is refused with located lines, fast and in bounded
memory, and never with a traceback. One row per kind of mistake; the rows build on the small
valid catalog of tests/test_catalog_errors.py (each edit replaces one exact text of it) or are
whole documents of their own (the YAML-level attacks)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from catalog import CatalogError
from catalog.source import CONTROL
from rules import load_catalog
from tests.conftest import PROJECT_ROOT
from tests.main_run import refused_before_synthesis
from tests.test_catalog_errors import VALID


def _laughs(levels: int = 10, width: int = 10) -> str:
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Case:
    """``document`` is a whole file (bytes for non-UTF-8), or ``edit`` = (old, new) applies to VALID."""

    id: str
    fragment: str
    document: str | bytes | None = None
    edit: tuple[str, str] | None = None
    line: int | None = None

    def text(self) -> str | bytes:
        if self.document is not None:
            return self.document
        old, new = self.edit
        assert old in VALID, f"{self.id}: the edit does not apply: {old!r}"
        return VALID.replace(old, new, 1)


def edit(id: str, old: str, new: str, fragment: str, below: int = 0) -> Case:
    """A case whose error points at the edited line (``below`` lines further, for an edit that
    adds lines)."""
    return Case(id, fragment, edit=(old, new), line=VALID[: VALID.index(old)].count("\n") + 1 + below)


REPLICAS = "        replicas: 2"
WEB_PORTS = "ports: [{name: http, port: 80}]"
WEB_IMAGE = "image: nginx:1.27"
SCHEDULE = 'schedule: "0 3 * * *"'
WEB_SERVICE = "web: {type: NodePort, ports: [{port: 80, node_port: 30080}]}"
API_CONTAINER = (
    "api: {image: example/api:1.0, ports: [{port: 8080}], resources: {requests: {cpu: 1m}, limits: {cpu: 1m}}}"
)
WEB_RESOURCES = "resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {cpu: 100m, memory: 64Mi}}\n        volumes"


def _more(line: str, extra: str) -> tuple[str, str]:
    return line, f"{line}\n{extra}"


API_SERVER_CASES = [
    edit(
        "label value of 64 characters",
        *_more(REPLICAS, "        labels: {tier: " + "a" * 64 + "}"),
        "label value 'aaaa",
        below=1,
    ),
    edit(
        "label value with a space",
        *_more(REPLICAS, "        labels: {tier: 'front end'}"),
        "label value 'front end' must be empty or",
        below=1,
    ),
    edit(
        "label key starting with a dash",
        *_more(REPLICAS, "        labels: {-tier: web}"),
        "label key '-tier' name part must be",
        below=1,
    ),
    edit(
        "label key with an uppercase prefix",
        *_more(REPLICAS, "        labels: {Example.com/tier: web}"),
        "label key 'Example.com/tier' prefix must be lowercase",
        below=1,
    ),
    edit(
        "label key with two slashes",
        *_more(REPLICAS, "        labels: {a/b/c: web}"),
        "may hold at most one '/'",
        below=1,
    ),
    edit(
        "component label value too long",
        *_more(REPLICAS, "        component: " + "c" * 70),
        "label value 'cccc",
        below=1,
    ),
    edit(
        "service label of 64 characters",
        "  api:\n    workloads:",
        "  api:\n    labels: {app: " + "x" * 64 + "}\n    workloads:",
        "services.api.labels.app: rule label-syntax: label value",
        below=1,
    ),
    edit(
        "Service name starting with a digit",
        "          api: {ports: [{port: 80, target_port: 8080}]}",
        "          1api: {ports: [{port: 80, target_port: 8080}]}",
        "Service name '1api' must start with a lowercase letter",
    ),
    edit(
        "port name of 16 characters",
        WEB_PORTS,
        "ports: [{name: abcdefghijklmnop, port: 80}]",
        "port name 'abcdefghijklmnop' must be at most 15 characters",
    ),
    edit(
        "port name in uppercase",
        WEB_PORTS,
        "ports: [{name: HTTP, port: 80}]",
        "port name 'HTTP' must hold only lowercase",
    ),
    edit("port name of digits only", WEB_PORTS, "ports: [{name: '8080', port: 80}]", "must hold at least one letter"),
    edit("port name with a double dash", WEB_PORTS, "ports: [{name: a--b, port: 80}]", "must not hold '--'"),
    edit(
        "port name used twice in a container",
        WEB_PORTS,
        "ports: [{name: http, port: 80}, {name: http, port: 81}]",
        "port name 'http' is used twice",
    ),
    edit(
        "Service of two ports without names",
        WEB_SERVICE,
        "web: {type: NodePort, ports: [{port: 80, node_port: 30080}, {port: 81}]}",
        "a Service with several ports needs a name on each",
    ),
    edit(
        "Service port name invalid",
        "api: {ports: [{port: 80, target_port: 8080}]}",
        "api: {ports: [{port: 80, target_port: 8080, name: Web_1}]}",
        "port name 'Web_1'",
    ),
    edit(
        "CronJob name of 53 characters",
        "      nightly:\n",
        "      " + "n" * 53 + ":\n",
        "CronJob name must be at most 52 characters (has 53)",
    ),
    edit(
        "replicas above int32",
        REPLICAS,
        "        replicas: 3000000000",
        "replicas 3000000000 does not fit the API's 32-bit integer",
    ),
    edit(
        "backoff limit above int32",
        SCHEDULE,
        SCHEDULE + "\n        backoff_limit: 2147483648",
        "backoff_limit 2147483648 does not fit",
        below=1,
    ),
    edit(
        "probe period above int32",
        WEB_RESOURCES,
        WEB_RESOURCES.replace(
            "\n        volumes", "\n            liveness: {http: /, period: 9999999999}\n        volumes"
        ),
        "period 9999999999 does not fit",
        below=1,
    ),
    edit(
        "negative user id",
        API_CONTAINER,
        API_CONTAINER[:-1] + ", security_context: {run_as_user: -1}}",
        "user id -1 must not be negative",
    ),
    edit(
        "group id above int32",
        API_CONTAINER,
        API_CONTAINER[:-1] + ", security_context: {run_as_group: 4294967295}}",
        "group id 4294967295 does not fit",
    ),
    edit(
        "negative fs_group",
        REPLICAS,
        REPLICAS + "\n        security_context: {fs_group: -5}",
        "group id -5 must not be negative",
        below=1,
    ),
    edit(
        "toleration Exists with a value",
        REPLICAS,
        REPLICAS + "\n        tolerations: [{key: gpu, value: 'true'}]",  # operator: Exists is the catalog's default
        "a toleration with operator Exists must not have a value",
        below=1,
    ),
    edit(
        "toleration key invalid",
        REPLICAS,
        REPLICAS + "\n        tolerations: [{key: 'no such/key/x'}]",
        "toleration key",
        below=1,
    ),
    edit(
        "cpu request above its limit",
        WEB_RESOURCES,
        WEB_RESOURCES.replace("cpu: 10m", "cpu: 200m"),
        "request 200m is above the limit 100m",
    ),
    edit(
        "memory request above its limit in other units",
        WEB_RESOURCES,
        WEB_RESOURCES.replace("memory: 16Mi", "memory: 0.1Gi"),
        "request 0.1Gi is above the limit 64Mi",
    ),
    edit("image repository in uppercase", WEB_IMAGE, "image: Nginx:1.27", "repository 'Nginx' must be lowercase"),
    edit("image with whitespace", WEB_IMAGE, "image: 'nginx :1.27'", "holds whitespace"),
    edit("image with a short digest", WEB_IMAGE, "image: nginx:1.27@sha256:abc", "is not '<algorithm>:<hex>'"),
    edit(
        "image with a sha256 digest of 40 digits",
        WEB_IMAGE,
        "image: nginx:1.27@sha256:" + "a" * 40,
        "a sha256 digest has 64 hex digits (has 40)",
    ),
    edit("image tag starting with a dot", WEB_IMAGE, "image: nginx:.1", "tag '.1' is not valid"),
    edit("image with an empty path component", WEB_IMAGE, "image: library//nginx:1.27", "is not a valid name"),
    edit(
        "time zone that does not exist",
        SCHEDULE,
        SCHEDULE + "\n        timezone: Mars/Olympus_Mons",
        "time zone 'Mars/Olympus_Mons' is not a time zone of the IANA database",
        below=1,
    ),
    edit("time zone Local", SCHEDULE, SCHEDULE + "\n        timezone: Local", "must be an explicit time zone", below=1),
    edit(
        "time zone escaping the database",
        SCHEDULE,
        SCHEDULE + "\n        timezone: ../../etc/passwd",
        "is not a time zone name",
        below=1,
    ),
    edit("weekday 7, which robfig/cron refuses", SCHEDULE, 'schedule: "0 3 * * 7"', "day of week goes above 6"),
    edit("unknown cron descriptor", SCHEDULE, 'schedule: "@fortnightly"', "unrecognized descriptor '@fortnightly'"),
    edit("@every with a bad duration", SCHEDULE, 'schedule: "@every 2 hours"', "'2 hours' is not a duration"),
    edit("TZ inside the schedule", SCHEDULE, 'schedule: "CRON_TZ=UTC 0 3 * * *"', "use timezone instead"),
    edit("cron step of zero", SCHEDULE, 'schedule: "*/0 * * * *"', "step must be a positive number"),
    edit("cron range backwards", SCHEDULE, 'schedule: "0 5-3 * * *"', "range starts after it ends"),
    edit("cron month name unknown", SCHEDULE, 'schedule: "0 3 * foo *"', "'foo' is not a number or name"),
    edit(
        "wildcard host in an IngressRoute",
        '      api: {hosts: [api.example.org], backend: "api:80"}',
        '      api: {hosts: [api.example.org], backend: "api:80"}\n    ingress_routes:\n      api:\n'
        "        routes: [{host: '*.example.org', services: ['api:80']}]",
        "a wildcard host needs match: HostRegexp",
        below=3,
    ),
]

API_BACKEND = '      api: {hosts: [api.example.org], backend: "api:80"}'
TOKEN_ENV = "- TOKEN: {secret: TOKEN}"
WEB_VOLUMES = "          files: {glusterfs: files}"


def _config_map(files: str) -> tuple[str, str]:
    return "  api:\n    workloads:", f"  api:\n    config_maps:\n      c: {{{files}}}\n    workloads:"


def _nomad(job: str) -> tuple[str, str]:
    return "services:\n  web:", f"nomad:\n  jobs:\n    j: {job}\nservices:\n  web:"


REFERENCE_CASES = [
    edit(
        "Ingress backend naming no Service",
        API_BACKEND,
        API_BACKEND.replace('"api:80"', '"apx:80"'),
        "Service 'apx' is not declared in namespace 'default'",
    ),
    edit(
        "Ingress backend naming a port the Service lacks",
        API_BACKEND,
        API_BACKEND.replace('"api:80"', '"api:8080"'),
        "Service 'api' has no port 8080 (ports: 80)",
    ),
    edit(
        "Ingress backend in another namespace",
        API_BACKEND,
        API_BACKEND.replace('backend: "api:80"', 'backend: "api:80", namespace: other'),
        "Service 'api' is not declared in namespace 'other'",
    ),
    edit(
        "IngressRoute service without a port",
        API_BACKEND,
        API_BACKEND + "\n    ingress_routes:\n      api:\n        routes: [{host: api.example.org, services: [api]}]",
        "string should match pattern",
        below=3,
    ),
    edit(
        "IngressRoute service naming no Service",
        API_BACKEND,
        API_BACKEND
        + "\n    ingress_routes:\n      api:\n        routes: [{host: a.example.org, services: ['db:5432']}]",
        "Service 'db' is not declared",
        below=3,
    ),
    edit(
        "VPA policy for a container the workload lacks",
        API_BACKEND,
        API_BACKEND
        + "\n    vpas:\n      api: {workload: api, containers: {sidecar: {min: {cpu: 10m}, max: {cpu: '1'}}}}",
        "container 'sidecar' is not a container of workload 'api' (api)",
        below=2,
    ),
    edit(
        "secret volume item naming an undeclared key",
        WEB_VOLUMES,
        WEB_VOLUMES + "\n          creds: {secret: {items: {PASSWORD: password.txt}}}",
        "secret key 'PASSWORD' is not declared under secrets.keys",
        below=1,
    ),
    edit(
        "config map file that does not exist",
        *_config_map("files: {a.conf: files/nope.conf}"),
        "file 'files/nope.conf' does not exist",
        below=2,
    ),
    edit(
        "config map file escaping with ..",
        *_config_map("files: {a: files/../services.yaml}"),
        "must not contain '..'",
        below=2,
    ),
    edit(
        "config map file with an absolute path",
        *_config_map("files: {a: /etc/passwd}"),
        "'/etc/passwd' must be a path relative to the project",
        below=2,
    ),
    edit(
        "config map file outside files/",
        *_config_map("files: {a: services.yaml}"),
        "'services.yaml' must be under files/",
        below=2,
    ),
    edit(
        "config map file that is a directory",
        *_config_map("files: {a: files/nginx-sites}"),
        "'files/nginx-sites' is not a regular file",
        below=2,
    ),
    edit(
        "config map above 1 MiB",
        *_config_map("data: {big: " + "x" * (1024 * 1024 + 1) + "}"),
        "ConfigMap holds 1048577 bytes; the API server refuses more than 1048576",
        below=2,
    ),
    edit(
        "jobspec that does not exist",
        *_nomad("{jobspec: jobspecs/nope.nomad.hcl, job: nope}"),
        "file 'jobspecs/nope.nomad.hcl' does not exist",
        below=2,
    ),
    edit("jobspec outside jobspecs/", *_nomad("{jobspec: services.yaml, job: x}"), "must be under jobspecs/", below=2),
    edit(
        "jobspec escaping with ..",
        *_nomad("{jobspec: jobspecs/../../etc/passwd, job: x}"),
        "must not contain '..'",
        below=2,
    ),
    edit(
        "jobspec holding another job",
        *_nomad("{jobspec: jobspecs/elk.nomad.hcl, job: kibana, vars: {elastic_version: '9'}}"),
        "must hold exactly one job 'kibana', found ['elk']",
        below=2,
    ),
    edit(
        "jobspec variable passed but not declared",
        *_nomad("{jobspec: jobspecs/elk.nomad.hcl, job: elk, vars: {elastic_version: '9', x: y}}"),
        "variables passed but not declared in the jobspec: x",
        below=2,
    ),
    edit(
        "jobspec required variable not passed",
        *_nomad("{jobspec: jobspecs/elk.nomad.hcl, job: elk}"),
        "required variables are not passed under vars: elastic_version",
        below=2,
    ),
    edit(
        "$(VAR) before the variable is declared",
        "- TZ: Europe/London",
        "- TZ: $(TOKEN)",
        "$(TOKEN) is not declared before TZ",
    ),
]

AWS_KEY = "AKIA" + "IOSFODNN7EXAMPLQ"  # split: the repository's own secret scans would flag the literal
PASSWORD_URL = "postgres://app:" + "s3cr3t-Pa55word@db/app"
STRUCTURE_CASES = [
    # found by tests/test_catalog_mutations.py: an unhashable builder crashed the discriminator
    edit(
        "script builder that is a list",
        API_CONTAINER,
        API_CONTAINER[:-1] + ", script: {builder: [gitlab-runner-config]}}",
        "script needs 'builder:' one of",
    ),
    edit(
        "one Terraform address claimed from two namespaces",
        "  api:\n    workloads:\n      api:\n        placement: {node: hestia}",
        "  api:\n    namespace: media\n    workloads:\n      web:\n        placement: {node: hestia}",
        "Deployment 'web' would have the same Terraform address as the one of service 'web' in namespace 'default'",
        below=3,
    ),
]

SECRET_CASES = [
    edit("AWS access key in an env value", "- TZ: Europe/London", f"- AWS_ACCESS_KEY_ID: {AWS_KEY}", "AWS Access Key"),
    edit(
        "postgres URL with a password in an env value",
        "- TZ: Europe/London",
        f"- DATABASE_URL: '{PASSWORD_URL}'",
        "Basic Auth Credentials",
    ),
    edit(
        "password in an argument",
        API_CONTAINER,
        API_CONTAINER[:-1] + ", args: ['--password=" + "hunter2hunter2x']}",
        "holds a literal secret",
    ),
    edit(
        "token in a probe header",
        WEB_RESOURCES,
        WEB_RESOURCES.replace(
            "\n        volumes",
            "\n            liveness: {http: /, headers: {X-Api-Token: 'ghp_"
            + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'}}\n        volumes",
        ),
        "GitHub Token",
        below=1,
    ),
    edit(
        "private key in ConfigMap data",
        *_config_map("data: {key.pem: '-----BEGIN RSA " + "PRIVATE KEY-----'}"),
        "Private Key",
        below=2,
    ),
    edit(
        "password in a Nomad variable",
        *_nomad(
            "{jobspec: jobspecs/elk.nomad.hcl, job: elk, vars: {elastic_version: '9', "
            "db_password: '" + "Zx9!kQ2#vL8@pR5t'}}"
        ),
        "holds a literal secret",
        below=2,
    ),
]

ACCEPTED = [
    (
        "a URL whose password is a $(VAR) reference",
        TOKEN_ENV,
        TOKEN_ENV + "\n              - URL: postgres://app:$(TOKEN)@db/app",
    ),
    ("config map of a project file", *_config_map("files: {nginx.conf: files/nginx-sites/nginx.conf}")),
    (
        "jobspec with its variables",
        *_nomad("{jobspec: jobspecs/elk.nomad.hcl, job: elk, vars: {elastic_version: 9.2.3}}"),
    ),
    (
        "secret volume items of declared keys",
        WEB_VOLUMES,
        WEB_VOLUMES + "\n          creds: {secret: {items: {TOKEN: token}}}",
    ),
    ("@hourly schedule", SCHEDULE, 'schedule: "@hourly"'),
    ("@every schedule", SCHEDULE, 'schedule: "@every 2h"'),
    ("@every with minutes and seconds", SCHEDULE, 'schedule: "@every 1h30m10s"'),
    ("? in a schedule", SCHEDULE, 'schedule: "0 3 ? * *"'),
    ("weekday names and a range", SCHEDULE, 'schedule: "0 3 * * mon-fri"'),
    ("N/step", SCHEDULE, 'schedule: "5/10 * * * *"'),
    ("month names in uppercase", SCHEDULE, 'schedule: "0 3 1 JAN,JUL *"'),
    ("an existing time zone", SCHEDULE, SCHEDULE + "\n        timezone: America/Argentina/Buenos_Aires"),
    ("UTC", SCHEDULE, SCHEDULE + "\n        timezone: UTC"),
    ("image with a registry port and digest", WEB_IMAGE, "image: registry.lan:5000/team/nginx:1.27@sha256:" + "a" * 64),
    ("image with separators", WEB_IMAGE, "image: ghcr.io/a__b/c-d.e:v1.2_3-rc.1"),
    (
        "prefixed label key and empty value",
        REPLICAS,
        REPLICAS + "\n        labels: {app.kubernetes.io/part-of: web, x: ''}",
    ),
    ("label value of 63 characters", REPLICAS, REPLICAS + "\n        labels: {tier: " + "a" * 63 + "}"),
    ("port name of 15 characters", WEB_PORTS, "ports: [{name: abcdefghijklmno, port: 80}]"),
    ("port name with digits and a dash", WEB_PORTS, "ports: [{name: http-8080, port: 80}]"),
    (
        "Service of two named ports",
        WEB_SERVICE,
        "web: {type: NodePort, ports: [{port: 80, node_port: 30080, name: http}, {port: 81, name: metrics}]}",
    ),
    ("CronJob name of 52 characters", "      nightly:\n", "      " + "n" * 52 + ":\n"),
    ("replicas at int32 max", REPLICAS, "        replicas: 2147483647"),
    (
        "user id 0",
        API_CONTAINER,
        API_CONTAINER[:-1] + ", security_context: {run_as_user: 0}}",
    ),
    (
        "toleration Equal with a value",
        REPLICAS,
        REPLICAS + "\n        tolerations: [{key: gpu, operator: Equal, value: 'true', effect: NoSchedule}]",
    ),
    (
        "request equal to its limit in other units",
        WEB_RESOURCES,
        WEB_RESOURCES.replace("memory: 16Mi", "memory: 64Mi").replace("memory: 64Mi}}", "memory: '67108864'}}"),
    ),
    ("wildcard Ingress host", "hosts: [api.example.org]", "hosts: ['*.example.org']"),
    (
        "wildcard IngressRoute by HostRegexp",
        '      api: {hosts: [api.example.org], backend: "api:80"}',
        '      api: {hosts: [api.example.org], backend: "api:80"}\n    ingress_routes:\n      api:\n'
        "        routes: [{match: 'HostRegexp(`^[a-z]+\\\\.example\\\\.org$`)', services: ['api:80']}]",
    ),
]


HEAD = "cluster: {domain: example.org, nodes: {n: {arch: amd64}}}\n"

LOADER_CASES = [
    Case("billion laughs", "expands to more than 100000 values", document=HEAD + _laughs()),
    Case("wide alias bomb", "expands to more than 100000 values", document=HEAD + _laughs(levels=3, width=100)),
    Case("recursive sequence alias", "recursive alias", document=HEAD + "services: &s [*s]\n"),
    Case("recursive mapping alias", "recursive alias", document=HEAD + "services: &s {a: *s}\n"),
    Case("merge key", "merge keys ('<<') are not supported", document=HEAD + "x: &x {a: 1}\nservices:\n  <<: *x\n"),
    Case("unknown local tag", "unsupported yaml tag '!vault'", document=HEAD + "services: !vault secret/data\n"),
    Case("python tag", "unsupported yaml tag", document=HEAD + "services: !!python/object/apply:os.system [ls]\n"),
    Case("binary tag", "unsupported yaml tag", document=HEAD + "services: !!binary aGVsbG8=\n"),
    Case("set tag on a mapping", "unsupported yaml tag", document=HEAD + "services: !!set {a, b}\n"),
    Case("tag on a sequence", "unsupported yaml tag", document=HEAD + "services: !list [a]\n"),
    Case("mistyped int", "'abc' is not a valid int", document=HEAD + "services: !!int abc\n"),
    Case("mistyped float", "is not a valid float", document=HEAD + "services: !!float ten\n"),
    Case("mistyped bool", "is not a valid bool", document=HEAD + "services: !!bool maybe\n"),
    Case("huge integer", "is too large", document=HEAD + "services: " + "9" * 5000 + "\n"),
    Case("integer above int64", "is too large", document=HEAD + f"services: {2**64}\n"),
    Case("hex integer above int64", "is too large", document=HEAD + "services: 0x" + "f" * 40 + "\n"),
    Case("mistyped timestamp", "is not a valid timestamp", document=HEAD + "services: !!timestamp 2024-13-45\n"),
    Case("not a number", "'.nan' is not a value", document=HEAD + "services: .nan\n"),
    Case("sequence as key", "a key must be a plain string", document=HEAD + "? [a, b]\n: c\n"),
    Case("mapping as key", "a key must be a plain string", document=HEAD + "{a: b}: c\n"),
    Case("integer key", "key 1 must be a string", document=HEAD + "services: {1: a}\n"),
    Case("null key", "key None must be a string", document=HEAD + "services: {~: a}\n"),
    Case("invalid utf-8", "not valid UTF-8: byte 0xff", document=HEAD.encode() + b"services:\n  caf\xff: {}\n", line=3),
    Case(
        "latin-1 file", "not valid UTF-8", document=HEAD.encode() + "services: {café: {}}\n".encode("latin-1"), line=2
    ),
    Case("NUL byte", "control character U+0000", document=HEAD + "services: {a\x00: {}}\n", line=2),
    Case("escape character", "control character U+001B", document=HEAD + "services: \x1b[31m\n", line=2),
    Case("escaped NUL in a string", "holds a control character", document=HEAD + 'services: "a\\x00b"\n', line=2),
    Case("escaped bell in a key", "holds a control character", document=HEAD + 'services: {"\\a": {}}\n', line=2),
    Case("C1 control character", "control character U+009B", document=HEAD + "services: a\u009b\n", line=2),
    Case("deep nesting", "nest", document=HEAD + "services: " + "[" * 2000 + "]" * 2000 + "\n"),
    Case("deep block nesting", "nests deeper than", document=HEAD + "".join("  " * i + f"k{i}:\n" for i in range(80))),
    Case(
        "syntax error", "yaml syntax error: mapping values are not allowed", document=HEAD + "services: a: b\n", line=2
    ),
    Case("bad indentation", "yaml syntax error: ", document=HEAD + "services:\n  a: {}\n b: {}\n", line=4),
    Case("unclosed flow", "yaml syntax error: ", document=HEAD + "services: {a: [1, 2}\n"),
    Case("unclosed quote", "yaml syntax error: ", document=HEAD + 'services: "abc\n'),
    Case("tab indentation", "yaml syntax error: ", document=HEAD + "services:\n\ta: {}\n"),
    Case("undefined alias", "yaml syntax error: found undefined alias", document=HEAD + "services: *nope\n"),
    Case("two documents", "yaml syntax error: ", document=HEAD + "services: {}\n---\nservices: {}\n"),
    Case("empty file", "file is empty", document=""),
    Case("root a list", "the root must be a mapping", document="- a\n- b\n"),
    Case("root a string", "the root must be a mapping", document="services\n"),
    Case("huge value echoed short", "chars)", document=HEAD + "services: " + "x" * 100_000 + "\n"),
]

# A rule's message that quotes a huge user value (found by the mutation test: a secret key of
# 100,000 characters, named in the YAML path and listed among the declared keys) stays short.
REFERENCE_CASES.append(
    Case(
        "huge declared secret key echoed short by a rule",
        "chars)",
        document=VALID.replace(
            "keys: [TOKEN, MINIO_ACCESS_KEY, MINIO_SECRET_KEY]",
            "keys: [TOKEN, MINIO_ACCESS_KEY, MINIO_SECRET_KEY, " + "K" * 100_000 + "]",
        ).replace("- TOKEN: {secret: TOKEN}", "- TOKEN: {secret: PASSWORD}", 1),
        line=VALID[: VALID.index("- TOKEN: {secret: TOKEN}")].count("\n") + 1,
    )
)


@pytest.mark.parametrize("case", API_SERVER_CASES, ids=[c.id for c in API_SERVER_CASES])
def test_what_the_api_server_would_refuse_the_catalog_refuses_first(tmp_path, case):
    _assert_clean(_problems(tmp_path, case.text()), case.fragment, case.line)


@pytest.mark.parametrize(("old", "new"), [a[1:] for a in ACCEPTED], ids=[a[0] for a in ACCEPTED])
def test_what_the_api_server_accepts_the_catalog_accepts(tmp_path, old, new):
    assert old in VALID
    path = tmp_path / "services.yaml"
    path.write_text(VALID.replace(old, new, 1))
    load_catalog(path)


@pytest.mark.parametrize("case", REFERENCE_CASES, ids=[c.id for c in REFERENCE_CASES])
def test_every_reference_resolves(tmp_path, case):
    _assert_clean(_problems(tmp_path, case.text()), case.fragment, case.line)


def test_a_variable_reference_to_a_key_that_env_from_secret_provides_is_accepted(tmp_path):
    text = VALID.replace("- TZ: Europe/London", "- URL: http://$(MINIO_ACCESS_KEY)@minio/", 1).replace(
        "            mounts: [{volume: data", "            env_from_secret: true\n            mounts: [{volume: data", 1
    )
    path = tmp_path / "services.yaml"
    path.write_text(text)
    load_catalog(path)
    path.write_text(text.replace("            env_from_secret: true\n", ""))
    (problem,) = _problems(tmp_path, path.read_text())
    assert "$(MINIO_ACCESS_KEY) is not declared before URL" in str(problem)


@pytest.mark.parametrize("case", SECRET_CASES, ids=[c.id for c in SECRET_CASES])
def test_no_literal_secret_in_the_catalog(tmp_path, case):
    _assert_clean(_problems(tmp_path, case.text()), case.fragment, case.line)


def test_a_literal_secret_waived_with_a_reason_is_accepted(tmp_path):
    text = VALID.replace("- TZ: Europe/London", f"- AWS_ACCESS_KEY_ID: {AWS_KEY}", 1)
    (problem,) = _problems(tmp_path, text)
    assert "AWS Access Key" in str(problem)
    waived = text.replace(
        "  web:\n",
        "  web:\n    waivers: [{rule: no-literal-secrets, reason: 'the published example key of the docs'}]\n",
        1,
    )
    (tmp_path / "services.yaml").write_text(waived)
    load_catalog(tmp_path / "services.yaml")


@pytest.mark.parametrize("case", STRUCTURE_CASES, ids=[c.id for c in STRUCTURE_CASES])
def test_structural_mistakes_are_located_errors_not_exceptions(tmp_path, case):
    _assert_clean(_problems(tmp_path, case.text()), case.fragment, case.line)


ALL_CASES = LOADER_CASES + API_SERVER_CASES + REFERENCE_CASES + STRUCTURE_CASES + SECRET_CASES


def test_there_are_at_least_60_hostile_cases_each_of_its_own_kind():
    assert len(ALL_CASES) >= 60
    assert len({c.id for c in ALL_CASES}) == len(ALL_CASES)


def _problems(tmp_path, text: str | bytes) -> list:
    path = tmp_path / "services.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(CatalogError) as info:
        load_catalog(path)
    return info.value.problems


def _assert_clean(problems, fragment: str, line: int | None) -> None:
    rendered = [str(p) for p in problems]
    assert any(fragment in r for r in rendered), rendered
    for problem, text in zip(problems, rendered):
        assert problem.line is not None, f"not located: {text}"
        assert not CONTROL.search(text) and "\n" not in text, f"raw control character in {text!r}"
        assert len(text) < 400, f"echoes too much: {text[:200]}..."
    if line is not None:
        assert any(p.line == line for p in problems), rendered


@pytest.mark.parametrize("case", LOADER_CASES, ids=[c.id for c in LOADER_CASES])
def test_a_hostile_document_is_refused_fast_in_bounded_memory_with_located_lines(tmp_path, case):
    tracemalloc.start()
    started = time.process_time()  # CPU, not wall: the bound must hold on a machine busy with others
    try:
        problems = _problems(tmp_path, case.text())
    finally:
        elapsed = time.process_time() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    _assert_clean(problems, case.fragment, case.line)
    assert elapsed < 1.0, f"took {elapsed:.2f} s of CPU"
    assert peak < 100e6, f"used {peak / 1e6:.0f} MB"


WALK_BOUND = 1_000  # MAX_NODES while the walks are compared: its edges without 10^5-value documents


def _values(count: int) -> str:
    """A document of exactly ``count`` values (the root, its keys and values, the list's items)."""
    return "services: [" + ", ".join(["x"] * (count - 3)) + "]\n"


# Each bound at its edge, and aliases the size is memoized through: a node met again deeper than
# where it was first counted, a key that is an alias, a bound passed only through the second use.
WALKS = {
    "most values": _values(WALK_BOUND),
    "one value too many": _values(WALK_BOUND + 1),
    "deepest nesting": "services: " + "[" * 64 + "]" * 64 + "\n",
    "one level too deep": "services: " + "[" * 65 + "]" * 65 + "\n",
    "alias met deeper": HEAD + "a: &a " + "[" * 60 + "1" + "]" * 60 + "\nservices: [[[[[*a]]]]]\n",
    "alias met shallower": HEAD + "services: [[[[[&a " + "[" * 58 + "1" + "]" * 58 + "]]]]]\na: *a\n",
    "alias as key": HEAD + "services: {&k key: *k, other: [*k, *k]}\n",
    "bound passed by a second use": HEAD + "big: &b [" + ", ".join(["x"] * 600) + "]\nservices: [*b]\n",
    **{c.id: c.text() for c in LOADER_CASES if isinstance(c.text(), str)},
}


@pytest.mark.parametrize("text", WALKS.values(), ids=WALKS.keys())
def test_the_size_counted_without_locations_passes_a_bound_exactly_when_the_located_walk_finds_why(
    tmp_path, monkeypatch, text
):
    """The loader counts a document's expansion without locations and walks it again, locating
    the problem, only past a bound (catalog.source._expanded_size): both walks must agree."""
    import yaml

    import catalog.source
    from catalog.source import _COMPOSER, SourceDocument, _Builder, _expanded_size

    monkeypatch.setattr(catalog.source, "MAX_NODES", WALK_BOUND)
    try:
        node = yaml.compose(text, Loader=_COMPOSER)
    except (yaml.YAMLError, RecursionError):
        return  # refused before any walk
    if node is None:
        return
    located = _Builder(SourceDocument(path=tmp_path / "services.yaml", data=None))
    size = located._measure_located(node, ())
    counted = _expanded_size(node, 0, {}, set())
    assert (counted > WALK_BOUND) == bool(located.problems) == (size > WALK_BOUND)
    if size <= WALK_BOUND:
        assert counted == size


def test_syntax_errors_name_line_column_and_the_parsers_context(tmp_path):
    (problem,) = _problems(tmp_path, HEAD + "services:\n  a: {}\n b: {}\n")
    assert str(problem).startswith(
        "yaml syntax error: did not find expected key at column 2 (while parsing a block mapping on line 1, column 1)"
    )
    assert problem.line == 4


def _run_main(tmp_path, text: str | bytes, *prefix: str, **env: str) -> tuple[subprocess.CompletedProcess, float]:
    """Runs the real entry point on ``text``; checks the previous output survived; returns the
    result and the peak RSS (MB) of the child processes so far."""
    catalog = tmp_path / "services.yaml"
    catalog.write_bytes(text if isinstance(text, bytes) else text.encode())
    marker = tmp_path / "cdktf.out" / "stacks" / "kubernetes" / "cdk.tf.json"
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text('{"previous": true}')
    out = {"CLUSTER_STATE_CATALOG": str(catalog), "CDKTF_OUTDIR": str(tmp_path / "cdktf.out")}
    command = [sys.executable, *prefix] if prefix else [sys.executable, str(PROJECT_ROOT / "main.py")]
    result, max_rss_mb = run_measured(command, cwd=tmp_path, env={**os.environ, **out, **env})
    assert marker.read_text() == '{"previous": true}', "the previous output was touched"
    return result, max_rss_mb


def run_measured(command: list[str], **kwargs: Any) -> tuple[subprocess.CompletedProcess, float]:
    """Runs ``command``; returns its result and its peak RSS in MB, sampled from the kernel's
    high-water mark (VmHWM, which starts afresh at exec: ``getrusage`` would also count the
    memory of the forking test process, hundreds of MB once the providers are loaded)."""
    peak_kb = 0
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(command, stdout=stdout, stderr=stderr, **kwargs)
        deadline = time.monotonic() + 120
        while process.poll() is None and time.monotonic() < deadline:
            peak_kb = max(peak_kb, _high_water_kb(process.pid))
            time.sleep(0.005)
        if process.poll() is None:
            process.kill()
        process.wait()
        stdout.seek(0)
        stderr.seek(0)
        out, err = stdout.read().decode(errors="replace"), stderr.read().decode(errors="replace")
    return subprocess.CompletedProcess(command, process.returncode, out, err), peak_kb / 1024


def _high_water_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) if match else 0


ENTRY_POINT_CASES = [
    ("billion laughs", HEAD + _laughs(), "the document expands to more than 100000 values"),
    ("invalid utf-8", HEAD.encode() + b"services:\n  caf\xe9: {}\n", "not valid UTF-8: byte 0xe9 at column 6"),
    ("unknown tag", HEAD + "services: !vault x\n", "unsupported yaml tag '!vault'"),
]


def test_the_entry_point_exits_2_with_one_located_line_and_keeps_the_previous_output(tmp_path):
    """main.py itself on the billion laughs, the document that would cost memory: exit 2, one
    located line, the previous output kept, and no process past 300 MB. Every document of the
    table, this one included, in process in the next test (the same path to the same line:
    tests.main_run.refused_before_synthesis)."""
    _id, text, expected = ENTRY_POINT_CASES[0]
    result, max_rss_mb = _run_main(tmp_path, text)
    assert result.returncode == 2, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert expected in line and re.search(r"\(services\.yaml:\d+\)$", line), line
    assert max_rss_mb < 300, f"a child process peaked at {max_rss_mb:.0f} MB"


@pytest.mark.parametrize(("id", "text", "expected"), ENTRY_POINT_CASES, ids=[case[0] for case in ENTRY_POINT_CASES])
def test_what_the_entry_point_prints_for_a_hostile_document_is_one_located_line(tmp_path, id, text, expected):
    catalog = tmp_path / "services.yaml"
    catalog.write_bytes(text if isinstance(text, bytes) else text.encode())
    (line,) = refused_before_synthesis(catalog)
    assert expected in line and re.search(r"\(services\.yaml:\d+\)$", line), line


_CRASH = (
    f"import runpy, sys\nsys.path.insert(0, {str(PROJECT_ROOT)!r})\nimport rules\n"
    "def boom(path): raise KeyError('a bug deep inside')\n"
    "rules.load_catalog = boom\n"
    "sys.argv = ['main.py']\n"
    "runpy.run_path(sys.argv.pop(), run_name='__main__')\n"
).replace("sys.argv.pop()", repr(str(PROJECT_ROOT / "main.py")))


def test_an_unexpected_exception_is_one_line_asking_for_a_report_and_exit_1(tmp_path):
    result, _ = _run_main(tmp_path, VALID, "-O", "-c", _CRASH)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "internal error: KeyError: 'a bug deep inside'; please report it (CLUSTER_STATE_DEBUG=1 prints the trace)"
    ]


_SYNTH_CRASH = (
    f"import runpy, sys, types\nsys.path.insert(0, {str(PROJECT_ROOT)!r})\n"
    "class App:\n"
    "    def synth(self): raise RuntimeError('Error: jsii kernel died\\n    at Kernel._call (node:1:2)')\n"
    "fake = types.ModuleType('stacks.app')\n"
    "fake.build_app = lambda catalog, outdir: App()\n"
    "sys.modules['stacks.app'] = fake\n"
    "sys.argv = ['main.py']\n"
    f"runpy.run_path({str(PROJECT_ROOT / 'main.py')!r}, run_name='__main__')\n"
)


def test_a_synthesis_error_that_is_no_rule_is_an_internal_error_not_a_bad_catalog(tmp_path):
    result, _ = _run_main(tmp_path, VALID, "-O", "-c", _SYNTH_CRASH)
    assert result.returncode == 1, result.stderr
    assert result.stderr.strip().splitlines() == [
        "internal error: RuntimeError: Error: jsii kernel died; please report it "
        "(CLUSTER_STATE_DEBUG=1 prints the trace)"
    ]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".cdktf.out")] == [], "scratch dir left behind"


def test_the_trace_of_an_unexpected_exception_is_shown_under_cluster_state_debug(tmp_path):
    result, _ = _run_main(tmp_path, VALID, "-O", "-c", _CRASH, CLUSTER_STATE_DEBUG="1")
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "a bug deep inside" in result.stderr
