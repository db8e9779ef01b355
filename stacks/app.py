"""The cdktf application: the catalog in, every stack out."""

from __future__ import annotations

import os
from collections.abc import Mapping

from cdktf import App

from catalog.model import Catalog
from rules import apply_rules
from stacks.adoption import adoption_enabled, enable_adoption
from stacks.kubernetes_stack import KubernetesStack
from stacks.nomad_stack import NomadStack


def build_app(catalog: Catalog, outdir: str = "cdktf.out", env: Mapping[str, str] = os.environ) -> App:
    """Builds (does not synthesize) the app; ``app.synth()`` writes ``<outdir>/stacks/<stack>``."""
    app = App(outdir=outdir)
    for stack in (KubernetesStack(app, catalog, env), NomadStack(app, catalog, env)):
        apply_rules(stack)
        if adoption_enabled(env):
            enable_adoption(stack)
    return app
