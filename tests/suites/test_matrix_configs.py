"""Matrix suite: Synapse templates, the config-processor run for real on them, the well-known documents
and their nginx (parsed, and served live where nginx is installed), Element and Cinny configs."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from suites.matrix import configs as matrix
from suites.params import Database
from tests.configs.config_test_helpers import (
    FILES,
    NginxServer,
    assert_valid_sh,
    free_port,
    kubelet_references,
    nginx_binary,
    nginx_version,
    reference_resource,
    run_sh,
)
from tests.configs.nginx_helpers import child, headers, only, parse_tree, stage
from tests.no_skips import require

HOMESERVER_PARAMETERS = {
    "server_name": "brmartin.co.uk",
    "synapse_hostname": "matrix.brmartin.co.uk",
    "mas_hostname": "mas.brmartin.co.uk",
    "mas_introspection_endpoint": "http://mas.default.svc.cluster.local:8081/oauth2/introspect",
    "account_management_url": "https://sso.brmartin.co.uk/settings",
    "turn_hostname": "turn.brmartin.co.uk",
    "database": Database(host="192.168.1.10", port=5433, name="synapse", user="synapse_user"),
}
BRIDGE_URL = "http://whatsapp-bridge.default.svc.cluster.local:8082"
# Values with every character that could break the YAML or the sed expression.
NASTY_SECRETS = {env: f"{env.lower()}/a&b\\c\"d: #e'f|g" for _, env, _ in matrix.PLACEHOLDERS}


def homeserver() -> dict:
    return yaml.safe_load(matrix.homeserver_config(**HOMESERVER_PARAMETERS))


def registration(sender_localpart: str = "bridge-sender") -> dict:
    return yaml.safe_load(
        matrix.whatsapp_registration(
            server_name="brmartin.co.uk", bridge_url=BRIDGE_URL, sender_localpart=sender_localpart
        )
    )


def test_homeserver_listens_on_8008_for_client_and_federation_behind_the_proxy():
    assert homeserver()["listeners"] == [
        {
            "port": 8008,
            "type": "http",
            "bind_addresses": ["0.0.0.0"],
            "x_forwarded": True,
            "resources": [{"names": ["client", "federation"]}],
        }
    ]


def test_homeserver_identity_paths_and_appservice():
    config = homeserver()
    assert config["server_name"] == "brmartin.co.uk"
    assert config["public_baseurl"] == "https://matrix.brmartin.co.uk/"
    assert config["pid_file"] == "/data/homeserver.pid"
    assert config["signing_key_path"] == "/data/brmartin.co.uk.signing.key"
    assert config["log_config"] == "/config/log_config.yaml"
    assert config["app_service_config_files"] == ["/config/whatsapp-registration.yaml"]
    assert config["trusted_key_servers"] == [{"server_name": "matrix.org"}]


def test_homeserver_uses_external_postgres_with_a_password_placeholder():
    assert homeserver()["database"] == {
        "name": "psycopg2",
        "args": {
            "user": "synapse_user",
            "password": "SYNAPSE_DB_PASSWORD_PLACEHOLDER",
            "database": "synapse",
            "host": "192.168.1.10",
            "port": 5433,
            "cp_min": 5,
            "cp_max": 10,
        },
    }


def test_homeserver_retention_policies():
    config = homeserver()
    assert config["retention"] == {
        "enabled": True,
        "default_policy": {"min_lifetime": "1d", "max_lifetime": "1y"},
        "allowed_lifetime_min": "1d",
        "allowed_lifetime_max": "1y",
    }
    assert config["media_retention"] == {"local_media_lifetime": "1y", "remote_media_lifetime": "1y"}
    assert config["forgotten_room_retention_period"] == "1d"


def test_homeserver_delegates_authentication_to_mas():
    assert homeserver()["experimental_features"]["msc3861"] == {
        "enabled": True,
        "issuer": "https://mas.brmartin.co.uk",
        "client_id": "0000000000000000000SYNAPSE",
        "client_auth_method": "client_secret_basic",
        "client_secret": "MAS_CLIENT_SECRET_PLACEHOLDER",
        "admin_token": "MAS_ADMIN_TOKEN_PLACEHOLDER",
        "account_management_url": "https://sso.brmartin.co.uk/settings",
        "introspection_endpoint": "http://mas.default.svc.cluster.local:8081/oauth2/introspect",
    }


def test_homeserver_turn_and_url_previews():
    config = homeserver()
    assert config["turn_uris"] == ["turn:turn.brmartin.co.uk?transport=udp", "turn:turn.brmartin.co.uk?transport=tcp"]
    assert (config["turn_user_lifetime"], config["turn_allow_guests"]) == (86400000, True)
    assert config["url_preview_enabled"] is True
    assert "192.168.0.0/16" in config["url_preview_ip_range_blacklist"]
    assert "fc00::/7" in config["url_preview_ip_range_blacklist"]


def placeholders_in(text: str) -> set[str]:
    return set(re.findall(r"[A-Z_]+_PLACEHOLDER", text))


def test_every_placeholder_is_in_the_file_the_config_processor_fills_and_no_other():
    texts = {
        matrix.HOMESERVER_FILE: matrix.homeserver_config(**HOMESERVER_PARAMETERS),
        matrix.LOG_CONFIG_FILE: matrix.synapse_log_config(),
        matrix.WHATSAPP_REGISTRATION_FILE: matrix.whatsapp_registration(
            server_name="brmartin.co.uk", bridge_url=BRIDGE_URL, sender_localpart="s"
        ),
    }
    for name, text in texts.items():
        assert placeholders_in(text) == {token for token, _, file in matrix.PLACEHOLDERS if file == name}, name
    assert len(matrix.PLACEHOLDERS) == 9


def test_log_config_writes_terse_json_to_the_console_at_warn():
    config = yaml.safe_load(matrix.synapse_log_config())
    assert config["version"] == 1
    assert config["disable_existing_loggers"] is False
    [(formatter_name, formatter)] = config["formatters"].items()
    assert formatter == {"class": "synapse.logging.TerseJsonFormatter"}
    assert config["handlers"] == {"console": {"class": "logging.StreamHandler", "formatter": formatter_name}}
    assert config["root"] == {"level": "WARN", "handlers": ["console"]}
    assert config["loggers"] == {
        "synapse.federation.transport.server.federation": {"level": "WARN"},
        "synapse.access.http.8008": {"level": "WARN"},
        "synapse.util.caches.response_cache": {"level": "WARN"},
    }


def test_whatsapp_registration_claims_the_bot_and_bridged_users_exclusively():
    config = registration()
    assert {key: config[key] for key in ("id", "url", "as_token", "hs_token", "sender_localpart", "rate_limited")} == {
        "id": "whatsapp",
        "url": BRIDGE_URL,
        "as_token": "AS_TOKEN_PLACEHOLDER",
        "hs_token": "HS_TOKEN_PLACEHOLDER",
        "sender_localpart": "bridge-sender",
        "rate_limited": False,
    }
    assert config["de.sorunome.msc2409.push_ephemeral"] is True
    assert config["receive_ephemeral"] is True
    users = config["namespaces"]["users"]
    assert all(entry["exclusive"] for entry in users)
    regexes = [entry["regex"] for entry in users]
    assert regexes == [r"^@whatsappbot:brmartin\.co\.uk$", r"^@whatsapp_.*:brmartin\.co\.uk$"]

    def claimed(user: str) -> bool:
        return any(re.fullmatch(regex, user) for regex in regexes)

    assert claimed("@whatsappbot:brmartin.co.uk")
    assert claimed("@whatsapp_447700900123:brmartin.co.uk")
    assert not claimed("@whatsappbot:brmartinXco.uk")
    assert not claimed("@alice:brmartin.co.uk")


# --- config-processor --------------------------------------------------------------------------


@pytest.fixture
def processed(tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], Path]:
    template, config = tmp_path / "config-template", tmp_path / "config"
    template.mkdir()
    config.mkdir()
    (template / matrix.HOMESERVER_FILE).write_text(matrix.homeserver_config(**HOMESERVER_PARAMETERS))
    (template / matrix.LOG_CONFIG_FILE).write_text(matrix.synapse_log_config())
    (template / matrix.WHATSAPP_REGISTRATION_FILE).write_text(
        matrix.whatsapp_registration(server_name="brmartin.co.uk", bridge_url=BRIDGE_URL, sender_localpart="s")
    )
    script = matrix.config_processor_script(template_dir=str(template), config_dir=str(config))
    return run_sh(script, env=NASTY_SECRETS), config


def test_config_processor_script_is_valid_sh_without_kubelet_references():
    script = matrix.config_processor_script()
    assert_valid_sh(script)
    assert kubelet_references(script) == []


def test_config_processor_copies_the_three_templates_and_leaves_no_placeholder(processed):
    result, config = processed
    assert result.returncode == 0, result.stderr
    assert sorted(path.name for path in config.iterdir()) == sorted(matrix.TEMPLATE_FILES)
    for path in config.iterdir():
        assert placeholders_in(path.read_text()) == set(), path.name


def test_config_processor_fills_each_secret_verbatim_even_with_yaml_and_sed_metacharacters(processed):
    result, config = processed
    assert result.returncode == 0, result.stderr
    server = yaml.safe_load((config / matrix.HOMESERVER_FILE).read_text())
    msc3861 = server["experimental_features"]["msc3861"]
    assert server["database"]["args"]["password"] == NASTY_SECRETS["DB_PASSWORD"]
    assert server["registration_shared_secret"] == NASTY_SECRETS["REGISTRATION_SHARED_SECRET"]
    assert server["macaroon_secret_key"] == NASTY_SECRETS["MACAROON_SECRET_KEY"]
    assert server["form_secret"] == NASTY_SECRETS["FORM_SECRET"]
    assert server["turn_shared_secret"] == NASTY_SECRETS["TURN_SHARED_SECRET"]
    assert msc3861["client_secret"] == NASTY_SECRETS["MAS_CLIENT_SECRET"]
    assert msc3861["admin_token"] == NASTY_SECRETS["MAS_ADMIN_TOKEN"]
    bridge = yaml.safe_load((config / matrix.WHATSAPP_REGISTRATION_FILE).read_text())
    assert (bridge["as_token"], bridge["hs_token"]) == (NASTY_SECRETS["AS_TOKEN"], NASTY_SECRETS["HS_TOKEN"])


def test_config_processor_fails_when_a_secret_env_var_is_missing(tmp_path):
    script = matrix.config_processor_script(template_dir=str(tmp_path), config_dir=str(tmp_path / "out"))
    (tmp_path / "out").mkdir()
    for name in matrix.TEMPLATE_FILES:
        (tmp_path / name).write_text("x: 1\n")
    env = {key: value for key, value in NASTY_SECRETS.items() if key != "HS_TOKEN"}
    assert run_sh(script, env=env).returncode != 0


def test_config_processor_substitutions_equal_the_reference():
    facts = reference_resource("k8s_matrix", "synapse", "Deployment")["init_containers"][0]["args"][0]["facts"]
    expected = [f"{token} <- ${env} in /config/{file}" for token, env, file in matrix.PLACEHOLDERS]
    assert facts["substitutions"] == expected
    assert facts["copies"] == [f"/config-template/{name} -> /config/{name}" for name in matrix.TEMPLATE_FILES]


# --- well-known, element, cinny -------------------------------------------------------------------


def test_wellknown_client_points_at_synapse_mas_and_sliding_sync():
    document = json.loads(
        matrix.wellknown_client(synapse_hostname="matrix.brmartin.co.uk", mas_hostname="mas.brmartin.co.uk")
    )
    assert document == {
        "m.homeserver": {"base_url": "https://matrix.brmartin.co.uk"},
        "org.matrix.msc2965.authentication": {
            "issuer": "https://mas.brmartin.co.uk/",
            "account": "https://mas.brmartin.co.uk/account",
        },
        "org.matrix.msc3575.proxy": {"url": "https://matrix.brmartin.co.uk"},
    }


def test_wellknown_server_delegates_federation_to_port_443():
    assert json.loads(matrix.wellknown_server(synapse_hostname="matrix.brmartin.co.uk")) == {
        "m.server": "matrix.brmartin.co.uk:443"
    }


def test_element_is_locked_to_the_homeserver_with_immediate_sso():
    config = json.loads(matrix.element_config(synapse_hostname="matrix.brmartin.co.uk"))
    assert config["default_server_config"] == {
        "m.homeserver": {"base_url": "https://matrix.brmartin.co.uk", "server_name": "matrix.brmartin.co.uk"},
        "m.identity_server": {"base_url": "https://vector.im"},
    }
    assert config["disable_custom_urls"] is True
    assert config["disable_guests"] is True
    assert config["sso_redirect_options"] == {"immediate": True}


def test_cinny_offers_only_the_given_homeserver():
    config = json.loads(matrix.cinny_config(homeservers=["brmartin.co.uk"]))
    assert (config["homeserverList"], config["defaultHomeserver"], config["allowCustomHomeservers"]) == (
        ["brmartin.co.uk"],
        0,
        False,
    )
    assert config["hashRouter"] == {"enabled": False, "basename": "/"}
    assert len(config["featuredCommunities"]["rooms"]) == 6


def documents() -> dict[str, str]:
    return {
        "client": matrix.wellknown_client(synapse_hostname="matrix.brmartin.co.uk", mas_hostname="mas.brmartin.co.uk"),
        "element": matrix.element_config(synapse_hostname="matrix.brmartin.co.uk"),
        "cinny": matrix.cinny_config(homeservers=["brmartin.co.uk"]),
    }


@pytest.mark.parametrize(
    ("document", "sha256_prefix"),
    [("client", "7ac9454404f0280a"), ("element", "a48b4716566ecf4a"), ("cinny", "88b5c0a42a3e1cea")],
)
def test_json_documents_are_byte_identical_to_the_running_configmaps(document, sha256_prefix):
    # The prefixes are the sha256 of the original ConfigMap values, recorded in oracle-facts.json.
    assert hashlib.sha256(documents()[document].encode()).hexdigest()[:16] == sha256_prefix


@pytest.mark.parametrize(
    ("document", "config_map", "key"),
    [
        ("client", "matrix-nginx-config", "client"),
        ("element", "element-config", "config.json"),
        ("cinny", "cinny-config", "config.json"),
    ],
)
def test_json_documents_equal_the_reference_facts(document, config_map, key):
    facts = reference_resource("k8s_matrix", config_map, "ConfigMap")["data"][key]["facts"]
    assert json.loads(documents()[document]) == facts


def test_wellknown_server_equals_the_reference_value():
    value = reference_resource("k8s_matrix", "matrix-nginx-config", "ConfigMap")["data"]["server"]
    assert matrix.wellknown_server(synapse_hostname="matrix.brmartin.co.uk") == value


def test_homeserver_and_registration_equal_the_reference_facts():
    data = reference_resource("k8s_matrix", "synapse-config", "ConfigMap")["data"]
    assert homeserver() == data["homeserver.yaml"]["facts"]
    expected = {**data["whatsapp-registration.yaml"]["facts"], "sender_localpart": "bridge-sender"}
    assert registration() == expected


# --- well-known nginx ------------------------------------------------------------------------------

WELLKNOWN_NGINX = FILES / "matrix" / "wellknown-nginx.conf"


def test_wellknown_nginx_parses_and_serves_only_health_and_the_wellknown_documents(tmp_path):
    main = tmp_path / "nginx.conf"
    main.write_text(matrix.wellknown_nginx_config())
    [parsed] = parse_tree(main)
    http = child(parsed["parsed"], "http")
    assert only(http, "proxy_buffering") == ["off"]
    assert only(http, "access_log") == ["off"]
    server = child(http, "server")
    assert only(server, "listen") == ["8080"]
    assert only(server, "http2") == ["on"]
    assert only(child(server, "location", "/"), "return") == ["404"]
    health = child(server, "location", "/health")
    assert (only(health, "return"), only(health, "default_type")) == (["200", "OK"], ["text/plain"])
    wellknown = child(server, "location", "/.well-known/matrix")
    assert only(wellknown, "root") == ["/usr/share/nginx/html"]
    assert headers(wellknown) == {"Access-Control-Allow-Origin": "*"}


@pytest.fixture
def live_wellknown(tmp_path):
    binary = nginx_binary()
    require(os.geteuid() == 0, "the live test serves files as root only")
    port = free_port()
    html = tmp_path / "html"
    (html / ".well-known" / "matrix").mkdir(parents=True)
    (html / ".well-known" / "matrix" / "client").write_text(documents()["client"])
    (html / ".well-known" / "matrix" / "server").write_text(
        matrix.wellknown_server(synapse_hostname="matrix.brmartin.co.uk")
    )
    replacements = {
        r"^worker_processes": "user root root;\nworker_processes",  # temp files are private to root
        r"listen 8080;": f"listen 127.0.0.1:{port};",
        r"/usr/share/nginx/html": str(html),
        r"/tmp/nginx\.pid": str(tmp_path / "pid"),
    }
    if nginx_version(binary) < (1, 25, 1):
        replacements[r"^\s*http2 on;\n"] = ""  # the directive is newer than this nginx; the pod runs 1.29
    config = tmp_path / "nginx.conf"
    config.write_text(stage(WELLKNOWN_NGINX.read_text(), replacements))
    with NginxServer(binary, config, port) as server:
        yield server


def test_live_wellknown_documents_are_served_with_cors(live_wellknown):
    status, response_headers, body = live_wellknown.get("/.well-known/matrix/client", host="brmartin.co.uk")
    assert status == 200
    assert json.loads(body)["m.homeserver"]["base_url"] == "https://matrix.brmartin.co.uk"
    assert response_headers["Access-Control-Allow-Origin"] == "*"
    assert response_headers["Content-Type"].startswith("application/json")
    status, _, body = live_wellknown.get("/.well-known/matrix/server", host="element.brmartin.co.uk")
    assert (status, json.loads(body)) == (200, {"m.server": "matrix.brmartin.co.uk:443"})


def test_live_everything_else_is_404_except_health(live_wellknown):
    assert live_wellknown.get("/")[0] == 404
    assert live_wellknown.get("/index.html")[0] == 404
    assert live_wellknown.get("/health")[:3:2] == (200, "OK")
