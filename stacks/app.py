"""The cdktf application: the catalog in, every stack out."""

from __future__ import annotations

import os
from collections.abc import Mapping

from catalog.model import Catalog
from rules.tree import CheckedApp
from stacks.adoption import adoption_enabled, enable_adoption
from stacks.kubernetes_stack import KubernetesStack
from stacks.nomad_stack import NomadStack


def build_app(catalog: Catalog, outdir: str = "cdktf.out", env: Mapping[str, str] = os.environ) -> CheckedApp:
    """Builds (does not synthesize) the app; ``app.synth()`` checks the tree's rules
    (``rules/tree.py``), then writes ``<outdir>/stacks/<stack>``."""
    app = CheckedApp(catalog, outdir=outdir)
    for stack in (KubernetesStack(app, catalog, env), NomadStack(app, catalog, env)):
        if adoption_enabled(env):
            enable_adoption(stack)
    return app
