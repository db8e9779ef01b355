"""Matrix suite: Synapse's config templates, the init script that fills their secrets, the
well-known documents and the Element and Cinny web client configs.

Secrets never enter these files: each is a ``*_PLACEHOLDER`` token that the config-processor
init container replaces with the value of an env var fed from the ``matrix-secrets`` Secret.
The tokens are written double-quoted and the script escapes the values for that YAML context,
so a secret containing ``:``, ``#``, ``"`` or ``\\`` still yields the intended string.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import yaml

from configs.files import project_file
from configs.tfencode import jsonencode
from suites.params import Database

CONFIG_DIR = "/config"
TEMPLATE_DIR = "/config-template"
DATA_DIR = "/data"
HOMESERVER_FILE = "homeserver.yaml"
LOG_CONFIG_FILE = "log_config.yaml"
WHATSAPP_REGISTRATION_FILE = "whatsapp-registration.yaml"
TEMPLATE_FILES = (HOMESERVER_FILE, LOG_CONFIG_FILE, WHATSAPP_REGISTRATION_FILE)

# (token in the template, env var of the config-processor container holding the value, file)
PLACEHOLDERS: tuple[tuple[str, str, str], ...] = (
    ("SYNAPSE_DB_PASSWORD_PLACEHOLDER", "DB_PASSWORD", HOMESERVER_FILE),
    ("REGISTRATION_SHARED_SECRET_PLACEHOLDER", "REGISTRATION_SHARED_SECRET", HOMESERVER_FILE),
    ("MACAROON_SECRET_KEY_PLACEHOLDER", "MACAROON_SECRET_KEY", HOMESERVER_FILE),
    ("FORM_SECRET_PLACEHOLDER", "FORM_SECRET", HOMESERVER_FILE),
    ("TURN_SHARED_SECRET_PLACEHOLDER", "TURN_SHARED_SECRET", HOMESERVER_FILE),
    ("MAS_CLIENT_SECRET_PLACEHOLDER", "MAS_CLIENT_SECRET", HOMESERVER_FILE),
    ("MAS_ADMIN_TOKEN_PLACEHOLDER", "MAS_ADMIN_TOKEN", HOMESERVER_FILE),
    ("AS_TOKEN_PLACEHOLDER", "AS_TOKEN", WHATSAPP_REGISTRATION_FILE),
    ("HS_TOKEN_PLACEHOLDER", "HS_TOKEN", WHATSAPP_REGISTRATION_FILE),
)

# Never fetch URL previews from private, loopback, link-local, documentation or multicast ranges.
URL_PREVIEW_IP_RANGE_BLACKLIST = (
    "127.0.0.0/8",
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "100.64.0.0/10",
    "192.0.0.0/24",
    "169.254.0.0/16",
    "192.88.99.0/24",
    "198.18.0.0/15",
    "192.0.2.0/24",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "224.0.0.0/4",
    "::1/128",
    "fe80::/10",
    "fc00::/7",
    "2001:db8::/32",
    "ff00::/8",
    "fec0::/10",
)

# Synapse loggers that log every request at INFO.
QUIET_LOGGERS = (
    "synapse.federation.transport.server.federation",
    "synapse.access.http.8008",
    "synapse.util.caches.response_cache",
)


class _Placeholder(str):
    """A placeholder token, always emitted double-quoted."""


class _Dumper(yaml.SafeDumper):
    pass


def _represent_placeholder(dumper: yaml.SafeDumper, value: _Placeholder) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')


_Dumper.add_representer(_Placeholder, _represent_placeholder)


def _placeholder(token: str) -> _Placeholder:
    if token not in {p for p, _, _ in PLACEHOLDERS}:
        raise KeyError(f"{token} is not substituted by the config-processor")
    return _Placeholder(token)


def _yaml(document: dict[str, Any]) -> str:
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=1000)


def homeserver_config(
    *,
    server_name: str,
    synapse_hostname: str,
    mas_hostname: str,
    mas_introspection_endpoint: str,
    account_management_url: str,
    turn_hostname: str,
    database: Database,
    mas_client_id: str = "0000000000000000000SYNAPSE",
) -> str:
    """Synapse homeserver.yaml template: one monolithic process on :8008 behind Traefik,
    authentication delegated to MAS (MSC3861), external PostgreSQL, secrets as placeholders."""
    document: dict[str, Any] = {
        "server_name": server_name,
        "public_baseurl": f"https://{synapse_hostname}/",
        "pid_file": f"{DATA_DIR}/homeserver.pid",
        "worker_app": "synapse.app.homeserver",
        "listeners": [
            {
                "port": 8008,
                "type": "http",
                "bind_addresses": ["0.0.0.0"],
                "x_forwarded": True,
                "resources": [{"names": ["client", "federation"]}],
            }
        ],
        "database": {
            "name": "psycopg2",
            "args": {
                "user": database.user,
                "password": _placeholder("SYNAPSE_DB_PASSWORD_PLACEHOLDER"),
                "database": database.name,
                "host": database.host,
                "port": database.port,
                "cp_min": 5,
                "cp_max": 10,
            },
        },
        "log_config": f"{CONFIG_DIR}/{LOG_CONFIG_FILE}",
        "max_upload_size": "500M",
        "event_cache_size": "15K",
        "caches": {
            "cache_autotuning": {
                "max_cache_memory_usage": "512M",
                "target_cache_memory_usage": "256M",
                "min_cache_ttl": "5m",
            }
        },
        "report_stats": True,
        "signing_key_path": f"{DATA_DIR}/{server_name}.signing.key",
        "trusted_key_servers": [{"server_name": "matrix.org"}],
        "suppress_key_server_warning": True,
        "app_service_config_files": [f"{CONFIG_DIR}/{WHATSAPP_REGISTRATION_FILE}"],
        "turn_uris": [f"turn:{turn_hostname}?transport=udp", f"turn:{turn_hostname}?transport=tcp"],
        "turn_shared_secret": _placeholder("TURN_SHARED_SECRET_PLACEHOLDER"),
        "turn_user_lifetime": 86400000,
        "turn_allow_guests": True,
        "forgotten_room_retention_period": "1d",
        "retention": {
            "enabled": True,
            "default_policy": {"min_lifetime": "1d", "max_lifetime": "1y"},
            "allowed_lifetime_min": "1d",
            "allowed_lifetime_max": "1y",
        },
        "media_retention": {"local_media_lifetime": "1y", "remote_media_lifetime": "1y"},
        "rc_message": {"per_second": 1, "burst_count": 50},
        "url_preview_enabled": True,
        "url_preview_ip_range_blacklist": list(URL_PREVIEW_IP_RANGE_BLACKLIST),
        "registration_shared_secret": _placeholder("REGISTRATION_SHARED_SECRET_PLACEHOLDER"),
        "macaroon_secret_key": _placeholder("MACAROON_SECRET_KEY_PLACEHOLDER"),
        "form_secret": _placeholder("FORM_SECRET_PLACEHOLDER"),
        "experimental_features": {
            "msc3861": {
                "enabled": True,
                "issuer": f"https://{mas_hostname}",
                "client_id": mas_client_id,
                "client_auth_method": "client_secret_basic",
                "client_secret": _placeholder("MAS_CLIENT_SECRET_PLACEHOLDER"),
                "admin_token": _placeholder("MAS_ADMIN_TOKEN_PLACEHOLDER"),
                "account_management_url": account_management_url,
                "introspection_endpoint": mas_introspection_endpoint,
            }
        },
    }
    return _yaml(document)


def synapse_log_config() -> str:
    """Synapse's Python logging config: terse JSON to stdout, warnings only."""
    document = {
        "version": 1,
        "formatters": {"structured": {"class": "synapse.logging.TerseJsonFormatter"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
        "loggers": {name: {"level": "WARN"} for name in QUIET_LOGGERS},
        "root": {"level": "WARN", "handlers": ["console"]},
        "disable_existing_loggers": False,
    }
    return _yaml(document)


def whatsapp_registration(
    *,
    server_name: str,
    bridge_url: str,
    sender_localpart: str,
    bot_username: str = "whatsappbot",
    user_prefix: str = "whatsapp_",
) -> str:
    """Application-service registration of the mautrix-whatsapp bridge. ``sender_localpart`` is
    the bridge's own registration value (kept out of the reference); pass it from the catalog."""
    domain = re.escape(server_name)
    document = {
        "id": "whatsapp",
        "url": bridge_url,
        "as_token": _placeholder("AS_TOKEN_PLACEHOLDER"),
        "hs_token": _placeholder("HS_TOKEN_PLACEHOLDER"),
        "sender_localpart": sender_localpart,
        "rate_limited": False,
        "namespaces": {
            "users": [
                {"regex": f"^@{re.escape(bot_username)}:{domain}$", "exclusive": True},
                {"regex": f"^@{re.escape(user_prefix)}.*:{domain}$", "exclusive": True},
            ]
        },
        "de.sorunome.msc2409.push_ephemeral": True,
        "receive_ephemeral": True,
    }
    return _yaml(document)


def config_processor_script(template_dir: str = TEMPLATE_DIR, config_dir: str = CONFIG_DIR) -> str:
    """Init-container script (``/bin/sh -c``, busybox): copies the templates to the writable
    config volume and replaces every placeholder with its env var, escaped for a double-quoted
    YAML string and for sed."""
    lines = [
        "# Copies the Synapse config templates to the writable volume and fills in the secrets.",
        "set -eu",
        *(f"cp {template_dir}/{name} {config_dir}/{name}" for name in TEMPLATE_FILES),
        "",
        "# fill FILE PLACEHOLDER VALUE: escape for YAML (backslash, quote), then for sed (backslash, /, &).",
        "fill() {",
        "    escaped=$(printf '%s' \"$3\" | sed -e 's|[\\\\\"]|\\\\&|g' -e 's|[\\\\/&]|\\\\&|g')",
        '    sed -i "s/$2/$escaped/g" "$1"',
        "}",
        "",
        *(f'fill {config_dir}/{file} {token} "${env}"' for token, env, file in PLACEHOLDERS),
        'echo "config-processor: Synapse config ready"',
    ]
    return "\n".join(lines) + "\n"


def wellknown_client(*, synapse_hostname: str, mas_hostname: str) -> str:
    """``/.well-known/matrix/client``: where clients find the homeserver, MAS and sliding sync."""
    return jsonencode(
        {
            "m.homeserver": {"base_url": f"https://{synapse_hostname}"},
            "org.matrix.msc2965.authentication": {
                "issuer": f"https://{mas_hostname}/",
                "account": f"https://{mas_hostname}/account",
            },
            "org.matrix.msc3575.proxy": {"url": f"https://{synapse_hostname}"},
        }
    )


def wellknown_server(*, synapse_hostname: str) -> str:
    """``/.well-known/matrix/server``: federation delegated to Synapse's host on 443."""
    return jsonencode({"m.server": f"{synapse_hostname}:443"})


# Scalar (Element's integration manager) endpoints widgets may talk to.
SCALAR_WIDGET_URLS = (
    "https://scalar.vector.im/_matrix/integrations/v1",
    "https://scalar.vector.im/api",
    "https://scalar-staging.vector.im/_matrix/integrations/v1",
    "https://scalar-staging.vector.im/api",
    "https://scalar-staging.riot.im/scalar/api",
)


def element_config(*, synapse_hostname: str) -> str:
    """Element web config.json: locked to this homeserver, SSO login straight away."""
    return jsonencode(
        {
            "default_server_config": {
                "m.homeserver": {"base_url": f"https://{synapse_hostname}", "server_name": synapse_hostname},
                "m.identity_server": {"base_url": "https://vector.im"},
            },
            "brand": "Element",
            "default_country_code": "GB",
            "default_theme": "light",
            "default_federate": True,
            "disable_custom_urls": True,
            "disable_guests": True,
            "disable_login_language_selector": True,
            "disable_3pid_login": True,
            "show_labs_settings": False,
            "sso_redirect_options": {"immediate": True},
            "room_directory": {"servers": ["matrix.org"]},
            "enable_presence_by_hs_url": {"https://matrix.org": False, "https://matrix-client.matrix.org": False},
            "setting_defaults": {"breadcrumbs": True},
            "features": {},
            "integrations_ui_url": "https://scalar.vector.im/",
            "integrations_rest_url": "https://scalar.vector.im/api",
            "integrations_widgets_urls": list(SCALAR_WIDGET_URLS),
            "bug_report_endpoint_url": "https://element.io/bugreports/submit",
            "uisi_autorageshake_app": "element-auto-uisi",
        }
    )


CINNY_FEATURED_ROOMS = (
    "#cinny:matrix.org",
    "#freesoftware:matrix.org",
    "#pcapdroid:matrix.org",
    "#gentoo:matrix.org",
    "#PrivSec.dev:arcticfoxes.net",
    "#disroot:aria-net.org",
)
CINNY_FEATURED_SPACES = (
    "#cinny-space:matrix.org",
    "#community:matrix.org",
    "#space:envs.net",
    "#science-space:matrix.org",
    "#libregaming-games:tchncs.de",
    "#mathematics-on:matrix.org",
)
CINNY_FEATURED_SERVERS = ("envs.net", "matrix.org", "monero.social", "mozilla.org")


def cinny_config(*, homeservers: Sequence[str]) -> str:
    """Cinny config.json: only ``homeservers`` (the first is the default), no custom servers."""
    return jsonencode(
        {
            "defaultHomeserver": 0,
            "homeserverList": list(homeservers),
            "allowCustomHomeservers": False,
            "featuredCommunities": {
                "openAsDefault": False,
                "spaces": list(CINNY_FEATURED_SPACES),
                "rooms": list(CINNY_FEATURED_ROOMS),
                "servers": list(CINNY_FEATURED_SERVERS),
            },
            "hashRouter": {"enabled": False, "basename": "/"},
        }
    )


def wellknown_nginx_config() -> str:
    """nginx.conf of the matrix-nginx pod (static: ``files/matrix/wellknown-nginx.conf``)."""
    return project_file("matrix/wellknown-nginx.conf")
