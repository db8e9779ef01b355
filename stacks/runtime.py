"""Settings of the jsii runtime (the node process behind cdktf), applied before it starts.

- The end-of-life banner of jsii 1.142 on Node 20 is silenced: it is printed on every run and
  says nothing an operator can act on here.
- HashiCorp's checkpoint (version check and telemetry) is off for every process started from
  here: the machines this runs on may have no route to checkpoint-api.hashicorp.com. The cdktf
  CLI is this program's parent, so its own telemetry call reads the shell's environment, not
  this one: the Makefile exports CHECKPOINT_DISABLE, and an operator running ``npx cdktf``
  directly exports it too (README).
- ``CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS``, which the cdktf CLI sets for its app, is removed:
  with it, an error annotation (a broken cluster rule) no longer stops ``app.synth()``, and
  ``npx cdktf synth``/``diff``/``deploy`` would write, plan and apply a configuration that
  violates a rule, with exit code 0.
- Node's young generation is kept small (1 MB semi-spaces): synthesis allocates many short-lived
  objects, and the default 16 MB semi-spaces cost ~40 MB of peak RSS for no measurable speed.
  An operator's own NODE_OPTIONS wins.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

NODE_OPTIONS = "--max-semi-space-size=1"


def configure_jsii_runtime(env: MutableMapping[str, str] = os.environ) -> None:
    env.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    env.setdefault("NODE_OPTIONS", NODE_OPTIONS)
    env.setdefault("CHECKPOINT_DISABLE", "1")
    env.pop("CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS", None)
