"""The matrix suite: Synapse, MAS, the WhatsApp bridge, the well-known nginx, Element and Cinny.

Synapse's config templates, the well-known documents and the web clients' configs are
generated from ``params`` (:class:`~suites.matrix.params.MatrixParams`) by the builders of
``configs.py`` into the ConfigMaps the entry declares. Synapse's secrets are not here: its
templates carry ``*_PLACEHOLDER`` tokens that the ``config-processor`` init container
(``script: {builder: synapse-config}``, written out here) replaces in the pod, so the
expansion also sets every env var the script reads. The public hostnames of Synapse and MAS
are read from the entry's IngressRoutes (:data:`DERIVED`), where operators edit them.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import Any

from catalog.model import Service
from catalog.model.pod import Container, SecretRef
from suites.base import (
    Finding,
    RouteHost,
    Suite,
    containers,
    env_names,
    with_config_map_data,
    with_containers,
    with_secret_keys_first,
)
from suites.matrix.configs import (
    HOMESERVER_FILE,
    LOG_CONFIG_FILE,
    PLACEHOLDERS,
    WHATSAPP_REGISTRATION_FILE,
    cinny_config,
    config_processor_script,
    element_config,
    homeserver_config,
    synapse_log_config,
    wellknown_client,
    wellknown_server,
    whatsapp_registration,
)
from suites.matrix.params import MatrixParams

SCRIPT = "synapse-config"  # the builder of the config-processor's script

GENERATED_CONFIG_MAPS = {
    "synapse-config": (HOMESERVER_FILE, LOG_CONFIG_FILE, WHATSAPP_REGISTRATION_FILE),
    "matrix-nginx-config": ("client", "server"),
    "element-config": ("config.json",),
    "cinny-config": ("config.json",),
}


# The hostnames the generated documents name, each the host of the entry's IngressRoute of that
# name (the route stays their one place). Element's and Cinny's routes are read by nothing.
DERIVED = {"synapse_hostname": RouteHost("synapse"), "mas_hostname": RouteHost("mas")}


def matrix_documents(p: MatrixParams, derived: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """``{ConfigMap: {key: text}}`` of everything the suite generates; the keys are
    :data:`GENERATED_CONFIG_MAPS`; ``derived``: the values of :data:`DERIVED`."""
    documents = _documents(p, derived["synapse_hostname"], derived["mas_hostname"])
    return {config_map: dict(texts) for config_map, texts in documents.items()}


@functools.lru_cache(maxsize=8)
def _documents(p: MatrixParams, synapse_hostname: str, mas_hostname: str) -> dict[str, dict[str, str]]:
    """The documents are a function of these alone, and PyYAML's emitter takes 3 ms to write them:
    made once per distinct params (every load of a catalog would make them again)."""
    return {
        "synapse-config": {
            HOMESERVER_FILE: homeserver_config(
                server_name=p.server_name,
                synapse_hostname=synapse_hostname,
                mas_hostname=mas_hostname,
                mas_introspection_endpoint=p.mas_introspection_endpoint,
                account_management_url=p.account_management_url,
                turn_hostname=p.turn_hostname,
                database=p.database,
            ),
            LOG_CONFIG_FILE: synapse_log_config(),
            WHATSAPP_REGISTRATION_FILE: whatsapp_registration(
                server_name=p.server_name,
                bridge_url=p.whatsapp_bridge_url,
                sender_localpart=p.whatsapp_sender_localpart,
            ),
        },
        "matrix-nginx-config": {
            "client": wellknown_client(synapse_hostname=synapse_hostname, mas_hostname=mas_hostname),
            "server": wellknown_server(synapse_hostname=synapse_hostname),
        },
        "element-config": {"config.json": element_config(synapse_hostname=synapse_hostname)},
        "cinny-config": {"config.json": cinny_config(homeservers=[p.server_name])},
    }


# What the config-processor reads: each placeholder's env var, from the secret key of the same
# name in lower case, which the suite declares in the entry's Secret.
SECRET_KEYS: tuple[str, ...] = tuple(env.lower() for _token, env, _file in PLACEHOLDERS)
PLACEHOLDER_ENV: tuple[dict[str, SecretRef], ...] = tuple(
    {env: SecretRef(secret=env.lower())} for _token, env, _file in PLACEHOLDERS
)


def _fills_placeholders(container: Container) -> bool:
    return getattr(container.script, "builder", None) == SCRIPT


def _config_processor(container: Container) -> Container:
    """A container running the synapse-config script: the script written out, the env it reads
    first (any other container as it is)."""
    if not _fills_placeholders(container):
        return container
    script = config_processor_script(container.script.template_dir, container.script.config_dir)
    return container.model_copy(update={"env": [*PLACEHOLDER_ENV, *container.env]}).running(script)


def expand(service: Service, p: MatrixParams, derived: Mapping[str, Any]) -> Service:
    """The generated documents into their ConfigMaps, the secret keys their placeholders are
    filled from into the Secret; every container that runs the synapse-config script runs it
    written out, the placeholder env first in its env."""
    service = with_secret_keys_first(with_config_map_data(service, matrix_documents(p, derived)), SECRET_KEYS)
    return with_containers(service, _config_processor)


def findings(service: Service, p: MatrixParams) -> Iterator[Finding]:
    generated = {env for item in PLACEHOLDER_ENV for env in item}
    for where, container in containers(service):
        written = sorted(generated & env_names(container)) if _fills_placeholders(container) else []
        if written:
            yield where + ("env",), f"{', '.join(written)} is set by the matrix suite (synapse-config); remove it"


SUITE = Suite(
    MatrixParams,
    expand,
    findings,
    derived=DERIVED,
    generated_config_maps=GENERATED_CONFIG_MAPS,
    secret_keys=SECRET_KEYS,
    scripts=frozenset({SCRIPT}),
)
