"""external-secrets.io/v1 ExternalSecret and ClusterSecretStore: Vault -> Kubernetes Secrets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from constructs import Construct

from constructs_lib.manifest import Manifest, ManifestProps

API_VERSION = "external-secrets.io/v1"


@dataclass(frozen=True)
class ExternalSecretProps:
    """A Secret named ``name`` with one key per ``keys`` entry, each read from the Vault path
    ``remote_key`` (property = key) through the ClusterSecretStore ``store``.
    ``creation_policy`` None: not written (the operator's default, Owner)."""

    name: str
    namespace: str
    remote_key: str
    keys: Sequence[str]
    store: str
    labels: Mapping[str, str] = field(default_factory=dict)
    refresh_interval: str = "1h"
    creation_policy: str | None = None


class ExternalSecret(Manifest):
    def __init__(self, scope: Construct, id: str, props: ExternalSecretProps):
        target = {"name": props.name}
        if props.creation_policy is not None:
            target["creationPolicy"] = props.creation_policy
        spec = {
            "refreshInterval": props.refresh_interval,
            "secretStoreRef": {"kind": "ClusterSecretStore", "name": props.store},
            "target": target,
            "data": [{"secretKey": k, "remoteRef": {"key": props.remote_key, "property": k}} for k in props.keys],
        }
        super().__init__(
            scope, id, ManifestProps(API_VERSION, "ExternalSecret", props.name, spec, props.namespace, props.labels)
        )


@dataclass(frozen=True)
class ClusterSecretStoreProps:
    """A Vault kv store (``path`` is the mount, ``version`` v2) authenticated with the
    Kubernetes auth method as ``service_account`` of ``service_account_namespace``."""

    name: str
    server: str
    path: str
    version: str
    role: str
    service_account: str
    service_account_namespace: str
    mount_path: str = "kubernetes"
    labels: Mapping[str, str] = field(default_factory=dict)


class ClusterSecretStore(Manifest):
    def __init__(self, scope: Construct, id: str, props: ClusterSecretStoreProps):
        spec = {
            "provider": {
                "vault": {
                    "server": props.server,
                    "path": props.path,
                    "version": props.version,
                    "auth": {
                        "kubernetes": {
                            "mountPath": props.mount_path,
                            "role": props.role,
                            "serviceAccountRef": {
                                "name": props.service_account,
                                "namespace": props.service_account_namespace,
                            },
                        }
                    },
                }
            }
        }
        super().__init__(
            scope, id, ManifestProps(API_VERSION, "ClusterSecretStore", props.name, spec, None, props.labels)
        )
