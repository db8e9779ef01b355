"""Typed parameters of the multi-component suites (``suite:`` + ``params:`` of a service entry).

A suite entry is an ordinary service entry: its workloads, Services, routes, middlewares and
secrets are written in the generic schema, so images, resources, probes and env stay editable
data. ``params`` holds only what the suite generates configuration from. The models live here,
in the catalog, because they are part of the catalog's shape (and of its JSON Schema); what a
suite does with them (its expansion of the entry, its config builders, its findings) is the
suite's package in ``suites/``.

``params`` is validated as the model of the entry's ``suite``: the entry's ``suite: matrix``
is copied into ``params`` before validation (:func:`tag_params_with_suite`) and selects
:class:`MatrixParams`; it is never written inside ``params`` by hand.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field

from catalog.model.base import EnvName, Hostname, Model, Port, tagged_union

SuiteName = Literal["matrix", "gitlab"]

Url = Annotated[str, Field(pattern=r"^https?://[^\s/]+(/\S*)?$")]


class Database(Model):
    """An external PostgreSQL database; the password never appears here (it is a secret key)."""

    host: str = Field(min_length=1)
    port: Port
    name: str = Field(min_length=1)
    user: str = Field(min_length=1)


class _SuiteParams(Model):
    def routed_hostnames(self) -> dict[str, str]:
        """``{param name: hostname}`` that the entry's IngressRoutes must route."""
        return {}


class MatrixParams(_SuiteParams):
    """The matrix suite: Synapse, MAS, the WhatsApp bridge, the well-known server, Element, Cinny.

    Generated from these: Synapse's ``homeserver.yaml``, ``log_config.yaml`` and the WhatsApp
    appservice registration (ConfigMap ``synapse-config``), the well-known ``client`` and
    ``server`` documents (``matrix-nginx-config``), and Element's and Cinny's ``config.json``
    (``element-config``, ``cinny-config``). The entry declares those ConfigMaps (name, labels,
    static files); the suite adds the generated keys. Secrets stay ``*_PLACEHOLDER`` tokens,
    filled in the pod by an init container running ``script: {builder: synapse-config}``; the
    suite sets that container's env from the Secret (``DB_PASSWORD`` from key ``db_password``, ...).
    """

    suite: Literal["matrix"] = "matrix"
    server_name: Hostname = Field(description="The Matrix domain of user ids (@user:<server_name>).")
    synapse_hostname: Hostname
    mas_hostname: Hostname
    element_hostname: Hostname
    cinny_hostname: Hostname
    turn_hostname: Hostname
    account_management_url: Url = Field(description="Where MAS sends users to manage their account.")
    mas_introspection_endpoint: Url = Field(description="MAS's token introspection URL, reached in-cluster.")
    whatsapp_bridge_url: Url = Field(description="In-cluster URL Synapse pushes appservice transactions to.")
    whatsapp_sender_localpart: str = Field(
        pattern=r"^[a-z0-9._=/-]+$",
        description="The bridge's appservice sender localpart, as in its own registration.yaml (not a secret).",
    )
    database: Database

    def routed_hostnames(self) -> dict[str, str]:
        return {
            "synapse_hostname": self.synapse_hostname,
            "mas_hostname": self.mas_hostname,
            "element_hostname": self.element_hostname,
            "cinny_hostname": self.cinny_hostname,
        }


class GitlabParams(_SuiteParams):
    """The gitlab suite: GitLab Omnibus (with its registry) in one privileged pod.

    Generated from these: the ``GITLAB_OMNIBUS_CONFIG`` env var (gitlab.rb settings) of
    container ``gitlab`` of workload ``gitlab``, written first in its env. ``ssh_port`` is the
    port users clone over: it must be the ``host_port`` of one of that container's ports. The
    database password reaches Omnibus as the container's env var ``db_password_env``.
    """

    OMNIBUS_WORKLOAD: ClassVar[str] = "gitlab"
    OMNIBUS_CONTAINER: ClassVar[str] = "gitlab"
    OMNIBUS_ENV: ClassVar[str] = "GITLAB_OMNIBUS_CONFIG"

    suite: Literal["gitlab"] = "gitlab"
    gitlab_hostname: Hostname
    registry_hostname: Hostname
    ssh_port: Port
    database: Database
    db_password_env: EnvName = "GITLAB_DB_PASSWORD"

    def routed_hostnames(self) -> dict[str, str]:
        return {"gitlab_hostname": self.gitlab_hostname, "registry_hostname": self.registry_hostname}


_PARAMS_BY_SUITE: dict[str, type[_SuiteParams]] = {
    "matrix": MatrixParams,
    "gitlab": GitlabParams,
}


def _params_tag(value: Any) -> str | None:
    """The member of :data:`SuiteParams` to validate ``value`` as. Tags are the class names, which
    the loader drops from error paths (``services.matrix.params.synapse_hostname``)."""
    suite = value.get("suite") if isinstance(value, dict) else getattr(value, "suite", None)
    cls = _PARAMS_BY_SUITE.get(suite) if isinstance(suite, str) else None
    return cls.__name__ if cls else None


SuiteParams = tagged_union(
    (MatrixParams, GitlabParams), _params_tag, f"params need the entry's 'suite:' ({', '.join(_PARAMS_BY_SUITE)})"
)


def tag_params_with_suite(data: Any) -> Any:
    """Copies the entry's ``suite`` into its ``params`` mapping (before validation) so that the
    discriminated union picks the suite's model."""
    if isinstance(data, dict) and isinstance(data.get("params"), dict) and isinstance(data.get("suite"), str):
        params = data["params"]
        if "suite" not in params:
            return {**data, "params": {**params, "suite": data["suite"]}}
    return data
