"""A hand-written typed binding for the alekc/kubectl provider (no prebuilt one exists).

Only what this project uses is bound: the provider's kubeconfig settings and the
``kubectl_manifest`` resource's ``yaml_body``. Both synthesize to JSON and, through the CLI's
``--hcl``, to HCL.
"""

from constructs_lib.kubectl.manifest import KubectlManifest
from constructs_lib.kubectl.provider import KUBECTL_PROVIDER, KubectlProvider

__all__ = ["KUBECTL_PROVIDER", "KubectlManifest", "KubectlProvider"]
