"""external-secrets.io/v1 ExternalSecret and ClusterSecretStore: Vault -> Kubernetes Secrets."""

from __future__ import annotations

from constructs import Construct

from catalog.model.objects import ExternalSecret as ExternalSecretSpec
from catalog.model.service import ClusterSecretStore as ClusterSecretStoreSpec
from constructs_lib.context import Context
from constructs_lib.manifest import Manifest

API_VERSION = "external-secrets.io/v1"


class ExternalSecret(Manifest):
    """The entry's Secret (``ctx.secret_name``), one key per ``keys`` entry, each read from the
    Vault path ``remote_key`` (property = key) through the cluster's ClusterSecretStore."""

    def __init__(self, scope: Construct, id: str, spec: ExternalSecretSpec, ctx: Context):
        target = {"name": ctx.secret_name}
        if spec.creation_policy != "Owner":  # the CRD's default: the plan shows only what the catalog states
            target["creationPolicy"] = spec.creation_policy
        remote_key = spec.remote_key or f"nomad/default/{ctx.service}"
        body = {
            "refreshInterval": spec.refresh_interval,
            "secretStoreRef": {"kind": "ClusterSecretStore", "name": ctx.cluster.secret_store},
            "target": target,
            "data": [{"secretKey": k, "remoteRef": {"key": remote_key, "property": k}} for k in spec.keys],
        }
        super().__init__(
            scope,
            id,
            api_version=API_VERSION,
            kind="ExternalSecret",
            name=ctx.secret_name,
            spec=body,
            namespace=ctx.namespace,
            labels=ctx.labels if spec.labelled else None,
        )


class ClusterSecretStore(Manifest):
    """A Vault kv store authenticated with the Kubernetes auth method; cluster-scoped."""

    def __init__(self, scope: Construct, id: str, css: ClusterSecretStoreSpec, ctx: Context):
        body = {
            "provider": {
                "vault": {
                    "server": css.server,
                    "path": css.path,
                    "version": css.version,
                    "auth": {
                        "kubernetes": {
                            "mountPath": css.auth.mount_path,
                            "role": css.auth.role,
                            "serviceAccountRef": {
                                "name": css.auth.service_account,
                                "namespace": css.auth.service_account_namespace,
                            },
                        }
                    },
                }
            }
        }
        labels = ctx.labels if css.labelled else None
        super().__init__(
            scope, id, api_version=API_VERSION, kind="ClusterSecretStore", name=css.name, spec=body, labels=labels
        )
