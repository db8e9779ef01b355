"""The ``kubectl_manifest`` resource: one Kubernetes object as a YAML body."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jsii
from cdktf import ITerraformDependable, TerraformResource
from constructs import Construct

from constructs_lib.kubectl.provider import KUBECTL_PROVIDER, hcl_string


class KubectlManifest(TerraformResource):
    """``resource "kubectl_manifest"`` with ``yaml_body`` taken verbatim.

    The body must already be Terraform-safe (``${`` escaped): use
    :func:`constructs_lib.manifest.manifest_body`, which renders and escapes an object.
    """

    TF_RESOURCE_TYPE = "kubectl_manifest"

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        yaml_body: str,
        depends_on: Sequence[ITerraformDependable] | None = None,
    ):
        super().__init__(
            scope,
            id,
            terraform_resource_type=self.TF_RESOURCE_TYPE,
            terraform_generator_metadata=KUBECTL_PROVIDER,
            depends_on=list(depends_on) if depends_on else None,
        )
        self._yaml_body = yaml_body

    @property
    def yaml_body(self) -> str:
        return self._yaml_body

    @jsii.member(jsii_name="synthesizeAttributes")
    def _synthesize_attributes(self) -> dict[str, Any]:
        return {"yaml_body": self._yaml_body}

    @jsii.member(jsii_name="synthesizeHclAttributes")
    def _synthesize_hcl_attributes(self) -> dict[str, Any]:
        return {"yaml_body": hcl_string(self._yaml_body)}
