"""The alekc/kubectl provider block."""

from __future__ import annotations

from typing import Any

import jsii
from cdktf import TerraformProvider, TerraformProviderGeneratorMetadata
from constructs import Construct

KUBECTL_PROVIDER = TerraformProviderGeneratorMetadata(provider_name="kubectl", provider_version_constraint="~> 2.1")


def hcl_string(value: str) -> dict[str, Any]:
    """The shape cdktf's HCL renderer expects for a plain string attribute."""
    return {"value": value, "isBlock": False, "type": "simple", "storageClassType": "string"}


class KubectlProvider(TerraformProvider):
    """``provider "kubectl"``: the same kubeconfig and context as the kubernetes provider.

    ``load_config_file`` stays at the provider default (true): the kubeconfig path is the only
    way in, so no credentials are ever written to the synthesized files.
    """

    def __init__(self, scope: Construct, id: str, *, config_path: str | None = None, config_context: str | None = None):
        super().__init__(
            scope,
            id,
            terraform_resource_type="kubectl",
            terraform_generator_metadata=KUBECTL_PROVIDER,
            terraform_provider_source="alekc/kubectl",
        )
        self._attributes = {"config_path": config_path, "config_context": config_context}

    @jsii.member(jsii_name="synthesizeAttributes")
    def _synthesize_attributes(self) -> dict[str, Any]:
        return {k: v for k, v in self._attributes.items() if v is not None}

    @jsii.member(jsii_name="synthesizeHclAttributes")
    def _synthesize_hcl_attributes(self) -> dict[str, Any]:
        return {k: hcl_string(v) for k, v in self._attributes.items() if v is not None}
