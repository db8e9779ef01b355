"""Settings of the runtimes behind a synthesis, applied before they start.

The jsii runtime (the node process behind cdktf):

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
  This is only a default: an operator's own NODE_OPTIONS (even an empty one) replaces it.
- Node preloads ``stacks/node/lazy_provider_exports.js`` (``--require``): the kernel requires a
  prebuilt provider's whole package when Python loads its assembly, and the provider's generated
  index requires every submodule (109 for kubernetes, ~1 s of node CPU on the critical path of
  every synthesis); the preload makes those exports load on first use (its header says how it
  recognises them, and that it leaves everything else untouched). It is added after an
  operator's own NODE_OPTIONS, which keep working (theirs come first, so their own ``--require``
  modules load first), and never twice: a child process that inherits the setting (the tests set
  it for their workers' kernels) keeps it as is. The file lives in the project tree, so
  synthesis still needs no node_modules; it changes how fast node loads, never what it loads.

The Python interpreter: synthesis runs under ``-O`` (the jsii bindings type-check every argument
at runtime when ``__debug__`` is on, a third of the build time). ``-O`` needs its own byte-code
(``*.opt-1.pyc``), and a virtualenv installed by ``pipenv sync`` alone has none; on a machine
that sets ``PYTHONDONTWRITEBYTECODE`` (the Makefile does) every run would then recompile the
provider bindings from source, 3x the time of a synthesis. So the ``-O`` run keeps its
byte-code in a cache the project owns, ``.cache/pycache`` (``PYTHONPYCACHEPREFIX``), written on
first use whatever ``PYTHONDONTWRITEBYTECODE`` says: that variable keeps ``__pycache__``
directories out of source trees and the virtualenv, which this cache never touches.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, MutableMapping

NODE_OPTIONS = "--max-semi-space-size=1"
PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NODE_PRELOAD = os.path.join(PROJECT_ROOT, "stacks", "node", "lazy_provider_exports.js")
PYCACHE_DIR = os.path.join(".cache", "pycache")  # in a checkout
PYCACHE = os.path.join(PROJECT_ROOT, PYCACHE_DIR)
DEBUG_ENV = "CLUSTER_STATE_DEBUG"


def configure_jsii_runtime(env: MutableMapping[str, str] = os.environ) -> None:
    env.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    env["NODE_OPTIONS"] = node_options(env.get("NODE_OPTIONS"))
    env.setdefault("CHECKPOINT_DISABLE", "1")
    env.pop("CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS", None)


def node_options(current: str | None) -> str:
    """``current`` (the default when unset) with the preload's ``--require`` appended once."""
    preload = f"--require {_node_quoted(NODE_PRELOAD)}"
    options = NODE_OPTIONS if current is None else current
    if preload in options:
        return options
    return f"{options} {preload}" if options.strip() else preload


def _node_quoted(value: str) -> str:
    """``value`` as one NODE_OPTIONS argument: node splits that variable on spaces outside double
    quotes, and inside them a backslash escapes the next character."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def optimized_command(argv: list[str], env: Mapping[str, str] = os.environ) -> tuple[list[str], dict[str, str]] | None:
    """The command line and environment that re-run ``argv`` under ``-O`` with the project's
    byte-code cache, or None if this interpreter already is optimized (or ``CLUSTER_STATE_DEBUG=1``)."""
    if sys.flags.optimize or env.get(DEBUG_ENV) == "1":
        return None
    child = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    child.setdefault("PYTHONPYCACHEPREFIX", PYCACHE)  # an operator's own prefix wins
    return [sys.executable, "-O", *argv], child
