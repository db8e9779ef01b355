"""The multi-component suites as synthesized: each generated config is read back (parsed) from the
ConfigMap or env var it lands in and checked against the catalog's params and against the objects
that use it; and the load-time checks keep a suite's params, its contract and its data agreeing."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from catalog import CatalogError, read_catalog
from catalog.model import Service
from rules import load_catalog
from suites import expand_catalog, validated_params
from suites.matrix.configs import PLACEHOLDERS
from tests.catalog_source import dump, services_data, services_text
from tests.conftest import PROJECT_ROOT, resources_of, service_of
from tests.deferred import object_id
from tests.deferred import unescape_terraform as unescape
from tests.main_run import refused_before_synthesis
from tests.no_skips import find_program, require
from tests.suites.omnibus_stub import read_gitlab_rb

SUITES = ("matrix", "gitlab")
MULTI_COMPONENT = (*SUITES, "appflowy", "nextcloud")  # appflowy and nextcloud: plain entries
PLACEHOLDER_TOKEN = re.compile(r"\b[A-Z][A-Z0-9_]*_PLACEHOLDER\b")
ENV_REFERENCE = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")


@pytest.fixture(scope="module")
def k8s(stacks) -> dict[str, dict[str, Any]]:
    return resources_of(stacks["kubernetes"])


def config_map(k8s: dict[str, Any], name: str) -> dict[str, str]:
    """The data of a synthesized ConfigMap as the cluster receives it (Terraform escapes undone)."""
    return {key: unescape(value) for key, value in k8s[f"kubernetes_config_map.{object_id(name)}"]["data"].items()}


def pod(k8s: dict[str, Any], deployment: str) -> dict[str, Any]:
    return k8s[f"kubernetes_deployment.{object_id(deployment)}"]["spec"]["template"]["spec"]


def container(k8s: dict[str, Any], deployment: str, name: str, kind: str = "container") -> dict[str, Any]:
    return next(c for c in pod(k8s, deployment)[kind] if c["name"] == name)


def env_of(c: dict[str, Any]) -> dict[str, Any]:
    return {e["name"]: e.get("value", e.get("value_from")) for e in c.get("env", [])}


def external_secret(k8s: dict[str, Any], name: str) -> dict[str, Any]:
    return yaml.safe_load(unescape(k8s[f"kubectl_manifest.external_secret_{object_id(name)}"]["yaml_body"]))


def route_host(k8s: dict[str, Any], ingress_route: str) -> str:
    """The host of the first route of a synthesized IngressRoute (``Host(`...`)`` of its match)."""
    body = yaml.safe_load(unescape(k8s[f"kubectl_manifest.ingress_route_{object_id(ingress_route)}"]["yaml_body"]))
    return re.search(r"Host\(`([^`]+)`\)", body["spec"]["routes"][0]["match"]).group(1)


# --- matrix ------------------------------------------------------------------------------------


def test_homeserver_listens_where_the_synapse_pod_and_service_expect_and_uses_the_catalog_database(k8s, catalog):
    params = validated_params(catalog)["matrix"]
    homeserver = yaml.safe_load(config_map(k8s, "synapse-config")["homeserver.yaml"])
    synapse = container(k8s, "synapse", "synapse")
    service_ports = {p["target_port"] for p in k8s["kubernetes_service.synapse"]["spec"]["port"]}

    assert homeserver["server_name"] == params.server_name
    assert homeserver["public_baseurl"] == f"https://{route_host(k8s, 'synapse')}/"
    [listener] = homeserver["listeners"]
    assert listener["port"] == synapse["port"][0]["container_port"] and str(listener["port"]) in service_ports
    assert listener["x_forwarded"] is True and listener["resources"] == [{"names": ["client", "federation"]}]
    args = homeserver["database"]["args"]
    assert (args["host"], args["port"], args["database"], args["user"]) == (
        params.database.host,
        params.database.port,
        params.database.name,
        params.database.user,
    )
    assert args["password"] == "SYNAPSE_DB_PASSWORD_PLACEHOLDER"
    msc3861 = homeserver["experimental_features"]["msc3861"]
    assert msc3861["issuer"] == f"https://{route_host(k8s, 'mas')}"
    assert msc3861["introspection_endpoint"] == params.mas_introspection_endpoint


def test_synapse_reads_the_processed_config_files_the_homeserver_names(k8s):
    homeserver = yaml.safe_load(config_map(k8s, "synapse-config")["homeserver.yaml"])
    synapse = container(k8s, "synapse", "synapse")
    config_dir = next(m["mount_path"] for m in synapse["volume_mount"] if m["name"] == "config")
    template_keys = set(config_map(k8s, "synapse-config"))

    assert env_of(synapse)["SYNAPSE_CONFIG_PATH"] == f"{config_dir}/homeserver.yaml"
    named = [homeserver["log_config"], *homeserver["app_service_config_files"]]
    assert {Path(path).parent.as_posix() for path in named} == {config_dir}
    assert {Path(path).name for path in named} <= template_keys


def test_the_synthesized_config_processor_fills_every_placeholder_from_the_matrix_secret(k8s, tmp_path):
    require(find_program("sh") and find_program("sed"), "needs sh and sed to run the config-processor script")
    init = container(k8s, "synapse", "config-processor", kind="init_container")
    volumes = {v["name"]: v for v in pod(k8s, "synapse")["volume"]}
    mounts = {m["name"]: m["mount_path"] for m in init["volume_mount"]}
    assert volumes["config-template"]["config_map"]["name"] == "synapse-config"
    assert "kubernetes_config_map.synapse_config" in k8s["kubernetes_deployment.synapse"]["depends_on"]
    secret = external_secret(k8s, "matrix-secrets")
    secret_keys = {item["secretKey"] for item in secret["spec"]["data"]}
    env: dict[str, str] = {}
    for item in init["env"]:
        ref = item["value_from"]["secret_key_ref"]
        assert ref["name"] == secret["spec"]["target"]["name"] and ref["key"] in secret_keys
        env[item["name"]] = f'{ref["key"]}: "/&\\ #x'  # YAML, sed and shell metacharacters
    templates = config_map(k8s, "synapse-config")
    assert {t for text in templates.values() for t in PLACEHOLDER_TOKEN.findall(text)} == {
        t for t, _, _ in PLACEHOLDERS
    }

    template_dir, config_dir = tmp_path / "template", tmp_path / "config"
    template_dir.mkdir()
    config_dir.mkdir()
    for key, text in templates.items():
        (template_dir / key).write_text(text)
    assert init["command"] == ["/bin/sh", "-c"]
    script = unescape(init["args"][0])
    script = re.sub(
        rf"(?<![\w/-])({re.escape(mounts['config-template'])}|{re.escape(mounts['config'])})(?=/)",
        lambda m: str(template_dir if m.group(1) == mounts["config-template"] else config_dir),
        script,
    )
    result = subprocess.run(["sh", "-c", script], env={"PATH": "/usr/bin:/bin", **env}, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr

    homeserver = yaml.safe_load((config_dir / "homeserver.yaml").read_text())
    bridge = yaml.safe_load((config_dir / "whatsapp-registration.yaml").read_text())
    assert homeserver["database"]["args"]["password"] == env["DB_PASSWORD"]
    assert homeserver["experimental_features"]["msc3861"]["admin_token"] == env["MAS_ADMIN_TOKEN"]
    assert bridge["hs_token"] == env["HS_TOKEN"]
    assert not any(PLACEHOLDER_TOKEN.search(p.read_text()) for p in config_dir.iterdir())


def test_wellknown_documents_send_clients_to_synapse_and_mas_and_federation_to_443(k8s):
    synapse, mas = route_host(k8s, "synapse"), route_host(k8s, "mas")
    documents = config_map(k8s, "matrix-nginx-config")
    client = json.loads(documents["client"])
    assert client["m.homeserver"]["base_url"] == f"https://{synapse}"
    assert client["org.matrix.msc2965.authentication"]["issuer"] == f"https://{mas}/"
    assert json.loads(documents["server"]) == {"m.server": f"{synapse}:443"}


def test_element_and_cinny_are_locked_to_the_catalog_homeserver(k8s, catalog):
    params = validated_params(catalog)["matrix"]
    element = json.loads(config_map(k8s, "element-config")["config.json"])
    cinny = json.loads(config_map(k8s, "cinny-config")["config.json"])
    assert element["default_server_config"]["m.homeserver"] == {
        "base_url": f"https://{route_host(k8s, 'synapse')}",
        "server_name": route_host(k8s, "synapse"),
    }
    assert element["disable_custom_urls"] is True
    assert cinny["homeserverList"] == [params.server_name] and cinny["allowCustomHomeservers"] is False


def test_every_file_a_suite_pod_mounts_from_a_config_map_is_a_key_of_it(k8s):
    checked = 0
    for address, body in k8s.items():
        if not address.startswith("kubernetes_deployment.") or service_of(body) not in MULTI_COMPONENT:
            continue
        spec = body["spec"]["template"]["spec"]
        maps = {v["name"]: v["config_map"]["name"] for v in spec.get("volume", []) if "config_map" in v}
        for c in [*spec["container"], *spec.get("init_container", [])]:
            for mount in c.get("volume_mount", []):
                if mount["name"] in maps and "sub_path" in mount:
                    assert mount["sub_path"] in config_map(k8s, maps[mount["name"]]), (address, mount)
                    checked += 1
    assert checked == 5  # nginx.conf, server, client, element and cinny config.json


# --- gitlab ------------------------------------------------------------------------------------


def test_omnibus_settings_come_first_in_the_gitlab_env_and_follow_the_catalog_params(k8s, catalog):
    params = validated_params(catalog)["gitlab"]
    gitlab = container(k8s, "gitlab", "gitlab")
    first, *rest = gitlab["env"]
    assert first["name"] == "GITLAB_OMNIBUS_CONFIG"
    pod_env = {params.db_password_env: "password-from-the-secret"}
    calls, settings = read_gitlab_rb(unescape(first["value"]), env=pod_env)

    assert calls == {
        "external_url": f"https://{route_host(k8s, 'gitlab')}",
        "registry_external_url": f"https://{route_host(k8s, 'gitlab-registry')}",
    }
    rails = settings["gitlab_rails"]
    assert (rails["db_host"], rails["db_port"], rails["db_database"], rails["db_username"]) == (
        params.database.host,
        params.database.port,
        params.database.name,
        params.database.user,
    )
    assert rails["db_password"] == "password-from-the-secret"
    password = next(e for e in rest if e["name"] == params.db_password_env)
    assert password["value_from"]["secret_key_ref"] == {"name": "gitlab-secrets", "key": "db_password"}


def test_gitlab_advertises_the_ssh_port_the_node_binds_and_the_node_port_reaches_the_same_container_port(k8s):
    gitlab = container(k8s, "gitlab", "gitlab")
    _calls, settings = read_gitlab_rb(unescape(gitlab["env"][0]["value"]))
    ssh = next(p for p in gitlab["port"] if p["name"] == "ssh")
    [node_port] = k8s["kubernetes_service.gitlab_ssh"]["spec"]["port"]

    assert settings["gitlab_rails"]["gitlab_shell_ssh_port"] == ssh["host_port"] == 2222
    assert node_port["node_port"] == 30022 and node_port["target_port"] == str(ssh["container_port"])
    assert gitlab["security_context"]["privileged"] is True
    assert pod(k8s, "gitlab")["node_selector"] == {"kubernetes.io/hostname": "hestia"}


# --- every suite -------------------------------------------------------------------------------


def test_every_env_expansion_in_the_multi_component_entries_refers_to_a_variable_declared_before_it(k8s):
    expansions = 0
    for address, body in k8s.items():
        if not address.startswith("kubernetes_deployment.") or service_of(body) not in MULTI_COMPONENT:
            continue
        spec = body["spec"]["template"]["spec"]
        for c in [*spec["container"], *spec.get("init_container", [])]:
            declared: list[str] = []
            for item in c.get("env", []):
                for var in ENV_REFERENCE.findall(item.get("value", "")):
                    assert var in declared, f"{address} {c['name']}: {item['name']} expands $({var}) before it is set"
                    expansions += 1
                declared.append(item["name"])
    assert expansions == 3  # appflowy gotrue, cloud and worker database URLs


# --- load-time checks --------------------------------------------------------------------------


def _load_with(tmp_path: Path, name: str, mutate) -> None:
    """Loads a catalog of the real ``cluster`` and the real entry ``name`` after ``mutate(entry)``."""
    data = services_data()
    entry = data["services"][name]
    mutate(entry)
    path = tmp_path / "services.yaml"
    path.write_text(dump({"cluster": data["cluster"], "services": {name: entry}}))
    load_catalog(path)


def _problem(tmp_path: Path, name: str, mutate) -> str:
    with pytest.raises(CatalogError) as caught:
        _load_with(tmp_path, name, mutate)
    return str(caught.value)


@pytest.mark.parametrize("name", SUITES)
def test_each_suite_entry_loads_on_its_own(tmp_path, name):
    _load_with(tmp_path, name, lambda entry: None)


def _expanded(tmp_path: Path, name: str, mutate) -> Service:
    """The expanded entry ``name`` of :func:`_load_with`."""
    _load_with(tmp_path, name, mutate)
    return load_catalog(tmp_path / "services.yaml").services[name]


def _route(entry: dict[str, Any], ingress_route: str) -> dict[str, Any]:
    return entry["ingress_routes"][ingress_route]["routes"][0]


def test_synapse_and_mas_hostnames_are_the_hosts_of_their_routes(tmp_path):
    def move(entry):
        _route(entry, "synapse")["host"] = "hs.example.org"
        _route(entry, "mas")["match"] = "Host(`auth.example.org`) || Host(`hs.example.org`)"

    data = _expanded(tmp_path, "matrix", move).config_maps
    homeserver = yaml.safe_load(data["synapse-config"].data["homeserver.yaml"])
    assert homeserver["public_baseurl"] == "https://hs.example.org/"
    assert homeserver["experimental_features"]["msc3861"]["issuer"] == "https://auth.example.org"
    assert json.loads(data["matrix-nginx-config"].data["server"]) == {"m.server": "hs.example.org:443"}
    client = json.loads(data["matrix-nginx-config"].data["client"])
    assert client["org.matrix.msc2965.authentication"]["issuer"] == "https://auth.example.org/"
    element = json.loads(data["element-config"].data["config.json"])
    assert element["default_server_config"]["m.homeserver"]["base_url"] == "https://hs.example.org"


def test_gitlab_hostnames_are_its_routes_hosts_and_its_ssh_port_the_host_port_of_port_ssh(tmp_path):
    def move(entry):
        _route(entry, "gitlab")["host"] = "code.example.org"
        _route(entry, "gitlab-registry")["host"] = "cr.example.org"
        entry["workloads"]["gitlab"]["containers"]["gitlab"]["ports"][1]["host_port"] = 2022

    gitlab = _expanded(tmp_path, "gitlab", move).workloads["gitlab"].containers["gitlab"]
    calls, settings = read_gitlab_rb(gitlab.env[0]["GITLAB_OMNIBUS_CONFIG"])
    assert calls == {"external_url": "https://code.example.org", "registry_external_url": "https://cr.example.org"}
    assert settings["gitlab_rails"]["gitlab_shell_ssh_port"] == 2022


def _rename_omnibus(containers: dict[str, Any]) -> None:
    containers["omnibus"] = containers.pop("gitlab")


# (entry, edit, the one line of suite-fits: its YAML path and its message)
MISSING_SOURCES = {
    "no IngressRoute synapse": (
        "matrix",
        lambda e: e["ingress_routes"].pop("synapse"),
        "services.matrix.ingress_routes",
        "no IngressRoute 'synapse': the matrix suite reads synapse_hostname from it",
    ),
    "a route without a host": (
        "matrix",
        lambda e: _route(e, "synapse").update(host=None, path_prefix="/_matrix"),
        "services.matrix.ingress_routes.synapse.routes[0]",
        "routes no host: the matrix suite reads synapse_hostname from it; give it host:, or Host(`...`) in its match:",
    ),
    "a match without Host()": (
        "matrix",
        lambda e: _route(e, "mas").update(match="PathPrefix(`/auth`)"),
        "services.matrix.ingress_routes.mas.routes[0]",
        "routes no host: the matrix suite reads mas_hostname from it; give it host:, or Host(`...`) in its match:",
    ),
    "a match whose Host() is no hostname": (
        "matrix",
        lambda e: _route(e, "mas").update(match="Host(`mas\u202e.example.org`)"),
        "services.matrix.ingress_routes.mas.routes[0].match",
        "Host('mas\\u202e.example.org') is not a valid hostname: the matrix suite reads mas_hostname from it",
    ),
    "no IngressRoute gitlab-registry": (
        "gitlab",
        lambda e: e["ingress_routes"].pop("gitlab-registry"),
        "services.gitlab.ingress_routes",
        "no IngressRoute 'gitlab-registry': the gitlab suite reads registry_hostname from it",
    ),
    "no port ssh": (
        "gitlab",
        lambda e: e["workloads"]["gitlab"]["containers"]["gitlab"]["ports"].pop(1),
        "services.gitlab.workloads.gitlab.containers.gitlab.ports",
        "no port named 'ssh': the gitlab suite reads ssh_port from it",
    ),
    "port ssh without host_port": (
        "gitlab",
        lambda e: e["workloads"]["gitlab"]["containers"]["gitlab"]["ports"][1].pop("host_port"),
        "services.gitlab.workloads.gitlab.containers.gitlab.ports[1]",
        "port 'ssh' has no host_port: the gitlab suite reads ssh_port from it",
    ),
    "no Omnibus container": (
        "gitlab",
        lambda e: _rename_omnibus(e["workloads"]["gitlab"]["containers"]),
        "services.gitlab.workloads.gitlab.containers",
        "workloads.gitlab.containers.gitlab must be declared with its port 'ssh': the gitlab suite reads ssh_port "
        "from it",
    ),
}


@pytest.mark.parametrize("case", MISSING_SOURCES)
def test_what_a_suite_reads_from_its_entry_missing_is_one_located_suite_fits_line(tmp_path, case):
    name, edit, path, message = MISSING_SOURCES[case]
    (problem,) = _problem(tmp_path, name, edit).splitlines()
    assert problem.startswith(f"{path}: rule suite-fits: {message} ("), problem
    assert re.search(r"services\.yaml:\d+\)$", problem), problem


def test_an_entry_is_expanded_only_once_the_suite_fits_rule_has_passed_it(tmp_path):
    with pytest.raises(CatalogError):
        _load_with(tmp_path, "gitlab", lambda e: e["ingress_routes"].pop("gitlab"))
    declared = read_catalog(tmp_path / "services.yaml")
    with pytest.raises(ValueError, match="before the suite-fits rule passed it: no IngressRoute 'gitlab'"):
        expand_catalog(declared)


def test_an_unknown_param_is_reported_at_its_own_path_and_line(tmp_path):
    message = _problem(tmp_path, "gitlab", lambda entry: entry["params"].update(ssh_prot=22))
    assert re.search(r"services\.gitlab\.params\.ssh_prot: unknown key 'ssh_prot'.*\(.*services\.yaml:\d+\)", message)


def test_a_suite_needs_its_params_and_params_need_a_suite(tmp_path):
    assert "services.gitlab.suite: suite 'gitlab' needs its params (GitlabParams)" in _problem(
        tmp_path, "gitlab", lambda e: e.pop("params")
    )
    assert "services.gitlab.params: params are only read by a suite; set 'suite:' (gitlab, matrix)" in _problem(
        tmp_path, "gitlab", lambda e: e.pop("suite")
    )


def test_params_of_another_suite_are_refused_at_their_own_lines(tmp_path):
    def matrix_params(entry):
        entry["params"] = services_data()["services"]["matrix"]["params"]

    def gitlab_params(entry):
        entry["params"] = services_data()["services"]["gitlab"]["params"]

    problems = _problem(tmp_path, "gitlab", matrix_params).splitlines()
    problems += _problem(tmp_path, "matrix", gitlab_params).splitlines()
    assert any(p.startswith("services.gitlab.params.server_name: unknown key 'server_name'; ") for p in problems)
    assert any(p.startswith("services.matrix.params.server_name: field required") for p in problems)
    assert all(re.search(r"\(.*services\.yaml:\d+\)$", p) for p in problems), problems


_RESOURCES = {"requests": {"cpu": "1m"}, "limits": {"cpu": "1m"}}


def test_a_script_only_a_suite_writes_out_is_refused_elsewhere(tmp_path):
    def synapse_script_in_gitlab(entry):
        entry["workloads"]["gitlab"]["init_containers"] = {
            "c": {"image": "busybox:1.36", "script": {"builder": "synapse-config"}, "resources": _RESOURCES}
        }

    message = _problem(tmp_path, "gitlab", synapse_script_in_gitlab)
    assert (
        "services.gitlab.workloads.gitlab.init_containers.c.script.builder: rule suite-fits: 'synapse-config' is "
        "written out by the matrix suite: only its entries may use it" in message
    )


def _main(tmp_path: Path, text: str) -> subprocess.CompletedProcess:
    """``main.py`` on the catalog ``text`` (it stops before anything is synthesized)."""
    (tmp_path / "services.yaml").write_text(text)
    env = {**os.environ, "CLUSTER_STATE_CATALOG": str(tmp_path / "services.yaml")}
    env |= {"CDKTF_OUTDIR": str(tmp_path / "cdktf.out")}
    env.pop("PG_CONN_STR", None)
    command = [sys.executable, str(PROJECT_ROOT / "main.py")]
    return subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)


# (edit of the gitlab entry: old, new text; what its one line says; the text on the line it names)
SUITE_ERRORS = {
    "wrong params key": (
        "    params:\n      database: {host: 192.168.1.10, port: 5433, name: gitlabhq_production",
        "    params:\n      ssh_port: 2222\n      database: {host: 192.168.1.10, port: 5433, name: gitlabhq_production",
        "services.gitlab.params.ssh_port: unknown key 'ssh_port'; allowed: database, db_password_env",
        "ssh_port:",
    ),
    "wrong type": (
        "port: 5433, name: gitlabhq_production",
        "port: '5433', name: gitlabhq_production",
        "services.gitlab.params.database.port: expected an integer, got a string '5433'",
        "port: '5433', name: gitlabhq_production",
    ),
    "nested value out of range": (
        "port: 5433, name: gitlabhq_production",
        "port: 0, name: gitlabhq_production",
        "services.gitlab.params.database.port: input should be greater than or equal to 1, got 0",
        "port: 0, name: gitlabhq_production",
    ),
    "unknown suite": (
        "    suite: gitlab\n",
        "    suite: gitlab-ce\n",
        "services.gitlab.suite: unknown suite 'gitlab-ce'; known: gitlab, matrix",
        "suite: gitlab-ce",
    ),
    "what the suite reads, missing": (
        "{name: ssh, port: 22, host_port: 2222}",
        "{name: ssh, port: 22}",
        "services.gitlab.workloads.gitlab.containers.gitlab.ports[1]: rule suite-fits: port 'ssh' has no host_port: "
        "the gitlab suite reads ssh_port from it",
        "{name: ssh, port: 22}",
    ),
}


def _edited(old: str, new: str, at: str) -> tuple[str, int]:
    """The real services.yaml with its one ``old`` replaced by ``new``, and the line of ``at`` in it."""
    text = services_text()
    assert text.count(old) == 1
    text = text.replace(old, new)
    return text, text[: text.index(at)].count("\n") + 1


THROUGH_MAIN = "what the suite reads, missing"  # the one case run through main.py itself


def test_a_suite_error_is_one_located_line_and_exit_2_through_main(tmp_path):
    """main.py end to end once: exit 2, the one line, nothing written; every case of the table
    in process in the next test (tests.main_run.refused_before_synthesis says why that is the
    same path)."""
    old, new, message, at = SUITE_ERRORS[THROUGH_MAIN]
    text, line = _edited(old, new, at)
    result = _main(tmp_path, text)
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [f"{message} (services.yaml:{line})"]
    assert not (tmp_path / "cdktf.out").exists()


@pytest.mark.parametrize("case", SUITE_ERRORS)
def test_a_suite_error_is_one_located_line(tmp_path, case):
    old, new, message, at = SUITE_ERRORS[case]
    text, line = _edited(old, new, at)
    (tmp_path / "services.yaml").write_text(text)
    assert refused_before_synthesis(tmp_path / "services.yaml") == [f"{message} (services.yaml:{line})"]


# hostile or mistyped params of the suite entries: (old, new text, the one line's start, text on its line)
HOSTILE_PARAMS = {
    "params a list": (
        "    params:\n      database: {host: 192.168.1.10, port: 5433, name: gitlabhq_production, user: gitlab}\n",
        "    params: [database]\n",
        "services.gitlab.params: expected a mapping, got a list",
        "params: [",
    ),
    "a key that is no string": (
        "    params:\n      database: {host: 192.168.1.10, port: 5433, name: gitlabhq_production",
        "    params:\n      1: x\n      database: {host: 192.168.1.10, port: 5433, name: gitlabhq_production",
        "services.gitlab.params: key 1 must be a string",
        "1: x",
    ),
    "a nested mapping that is a string": (
        "      database: {host: 192.168.1.10, port: 5433, name: gitlabhq_production, user: gitlab}\n",
        "      database: postgres://gitlab@db/gitlab\n",
        "services.gitlab.params.database: expected a mapping, got a string 'postgres://gitlab@db/gitlab'",
        "database: postgres",
    ),
    "a control character in a hostname": (
        "      turn_hostname: turn.brmartin.co.uk\n",
        '      turn_hostname: "turn\\u202ebrmartin.co.uk"\n',
        "services.matrix.params.turn_hostname: 'turn\\u202ebrmartin.co.uk' is not a valid hostname",
        'turn_hostname: "turn',
    ),
}


@pytest.mark.parametrize("case", HOSTILE_PARAMS)
def test_hostile_params_are_one_located_line(tmp_path, case):
    old, new, start, at = HOSTILE_PARAMS[case]
    text, line = _edited(old, new, at)
    (tmp_path / "services.yaml").write_text(text)
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_path / "services.yaml")
    (problem,) = str(caught.value).splitlines()
    assert problem.startswith(start), problem
    assert problem.endswith(f"services.yaml:{line})"), problem


def test_a_param_written_as_its_default_is_refused_like_any_restated_default(tmp_path):
    message = _problem(tmp_path, "gitlab", lambda e: e["params"].update(db_password_env="GITLAB_DB_PASSWORD"))
    assert (
        "services.gitlab.params.db_password_env: rule default-restated: 'GITLAB_DB_PASSWORD' is the default" in message
    )


def test_the_matrix_suite_writes_out_its_script_wherever_a_matrix_pod_runs_it(tmp_path):
    def cron_job_running_the_script(entry):
        processor = dict(entry["workloads"]["synapse"]["init_containers"]["config-processor"])
        processor.pop("mounts")
        entry["cron_jobs"] = {"reprocess": {"schedule": "0 3 * * *", "containers": {"p": processor}}}

    _load_with(tmp_path, "matrix", cron_job_running_the_script)
    job = load_catalog(tmp_path / "services.yaml").services["matrix"].cron_jobs["reprocess"].containers["p"]
    init = load_catalog().services["matrix"].workloads["synapse"].init_containers["config-processor"]
    assert job.script is None and (job.command, job.args, job.env) == (init.command, init.args, init.env)
    assert job.command == ["/bin/sh", "-c"] and "HS_TOKEN_PLACEHOLDER" in job.args[0]


def test_a_config_map_the_matrix_suite_fills_must_be_declared_and_not_written_by_hand(tmp_path):
    assert "services.matrix.config_maps: rule suite-fits: element-config must be declared" in _problem(
        tmp_path, "matrix", lambda e: e["config_maps"].pop("element-config")
    )
    assert "config_maps.matrix-nginx-config: rule suite-fits: server is generated by the matrix suite" in _problem(
        tmp_path, "matrix", lambda e: e["config_maps"]["matrix-nginx-config"].update(data={"server": "{}"})
    )


def test_the_matrix_suite_declares_every_secret_key_its_script_reads_and_nothing_else_lists_them(tmp_path, k8s):
    synced = [item["secretKey"] for item in external_secret(k8s, "matrix-secrets")["spec"]["data"]]
    processor = container(k8s, "synapse", "config-processor", "init_container")
    read = [e["value_from"]["secret_key_ref"]["key"] for e in processor["env"] if e.get("value_from")]
    assert read and synced[: len(read)] == read

    def list_hs_token(entry):
        entry["secrets"]["keys"].append("hs_token")

    message = _problem(tmp_path, "matrix", list_hs_token)
    assert "services.matrix.secrets.keys[4]: rule suite-fits: hs_token is declared by the matrix suite" in message


def test_the_env_the_matrix_suite_sets_is_not_written_by_hand(tmp_path):
    def write_hs_token(entry):
        init = entry["workloads"]["synapse"]["init_containers"]["config-processor"]
        init["env"] = [{"HS_TOKEN": {"secret": "hs_token"}}]

    message = _problem(tmp_path, "matrix", write_hs_token)
    assert "config-processor.env: rule suite-fits: HS_TOKEN is set by the matrix suite" in message


def test_gitlab_omnibus_settings_are_generated_not_written_and_need_the_password_env(tmp_path):
    def gitlab(entry):
        return entry["workloads"]["gitlab"]["containers"]["gitlab"]

    assert "GITLAB_OMNIBUS_CONFIG is generated by the gitlab suite" in _problem(
        tmp_path, "gitlab", lambda e: gitlab(e)["env"].append({"GITLAB_OMNIBUS_CONFIG": "external_url 'x'"})
    )
    assert "must set GITLAB_DB_PASSWORD" in _problem(tmp_path, "gitlab", lambda e: gitlab(e).update(env=[]))
