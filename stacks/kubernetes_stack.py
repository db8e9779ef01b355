"""The ``kubernetes`` stack: every catalog service that runs on K3s."""

from __future__ import annotations

import os
from collections.abc import Mapping

from cdktf import TerraformStack
from cdktf_cdktf_provider_kubernetes.provider import KubernetesProvider
from constructs import Construct

from catalog.model import Catalog
from constructs_lib.app import App
from constructs_lib.kubectl import KubectlProvider
from stacks.backend import configure_backend

DEFAULT_KUBECONFIG = "~/.kube/k3s-config"
DEFAULT_CONTEXT = "default"


class KubernetesStack(TerraformStack):
    """The kubernetes and kubectl providers share one kubeconfig: ``K8S_CONFIG_PATH`` (default
    ``~/.kube/k3s-config``) and ``K8S_CONTEXT`` (default ``default``), read at synth. The path
    is written unexpanded, so the output is the same on every workstation. ``catalog`` is the
    expanded catalog (``rules.load_catalog``): a suite entry is rendered like any other."""

    def __init__(self, scope: Construct, catalog: Catalog, env: Mapping[str, str] = os.environ, id: str = "kubernetes"):
        super().__init__(scope, id)
        configure_backend(self, id, env)
        config_path = env.get("K8S_CONFIG_PATH", DEFAULT_KUBECONFIG)
        context = env.get("K8S_CONTEXT", DEFAULT_CONTEXT)
        KubernetesProvider(self, "kubernetes", config_path=config_path, config_context=context)
        KubectlProvider(self, "kubectl", config_path=config_path, config_context=context)
        self.apps = {
            name: App(self, name, name=name, service=service, cluster=catalog.cluster)
            for name, service in catalog.services.items()
            if service.stack == "kubernetes"
        }
