"""The preload that makes the jsii kernel load a prebuilt provider's submodules on first use
(stacks/node/lazy_provider_exports.js, put into NODE_OPTIONS by stacks/runtime.py).

The kernel is a real node process in each test: a real ``main.py`` synthesis (of one service),
observed from inside node by a second ``--require`` that stands for an operator's own
NODE_OPTIONS (it lists what node loaded when the process exits); this worker's own kernel, read
from /proc; and node requiring made-up provider packages, where only the generated index of a
provider may change.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from stacks import runtime
from tests.catalog_source import dump, services_data
from tests.conftest import PROJECT_ROOT
from tests.main_run import clean_env

pytestmark = pytest.mark.needs("node", why="the jsii kernel is a node process")

# Stands for an operator's own `--require`: when its process exits it writes, per prebuilt
# provider package it saw, every submodule the package has and the ones node loaded.
OBSERVER = r"""
"use strict";
const fs = require("fs");
const path = require("path");
process.on("exit", () => {
  const providers = {};
  for (const file of Object.keys(require.cache)) {
    const m = /[\\/]node_modules[\\/](@cdktf[\\/]provider-[a-z0-9-]+)[\\/]lib[\\/](.*)$/.exec(file);
    if (!m) continue;
    const lib = file.slice(0, file.length - m[2].length);
    const entry = (providers[m[1].replace(/\\/g, "/")] ??= { loaded: [], all: null });
    entry.all ??= fs.readdirSync(lib).filter((d) => fs.existsSync(path.join(lib, d, "index.js")));
    const sub = m[2].split(/[\\/]/);
    if (sub.length === 2 && sub[1] === "index.js") entry.loaded.push(sub[0]);
  }
  const seen = { script: process.argv[1], nodeOptions: process.env.NODE_OPTIONS, providers };
  fs.writeFileSync(path.join(process.env.OBSERVED, `${process.pid}.json`), JSON.stringify(seen));
});
"""


def _one_service_catalog(path: Path) -> Path:
    """services.yaml with one web service and one Nomad job: the kernel loads submodules the same
    way for any catalog (each when first used), and this one costs a second less than all 21."""
    data = services_data()
    data["services"] = {"whoami": data["services"]["whoami"]}
    data["nomad"]["jobs"] = dict(list(data["nomad"]["jobs"].items())[:1])
    path.write_text(dump(data))
    return path


@pytest.fixture(scope="module")
def observed_synthesis(tmp_path_factory) -> dict:
    """``main.py --force`` of a one-service catalog with the observer in the operator's
    NODE_OPTIONS: its output, and what the kernel's two node processes (jsii-runtime.js and the
    program.js it starts) saw."""
    folder = tmp_path_factory.mktemp("observed")
    observer, observed = folder / "observer.js", folder / "observed"
    observer.write_text(OBSERVER)
    observed.mkdir()
    operator = f"--require {observer}"
    catalog = _one_service_catalog(folder / "services.yaml")
    env = clean_env(
        CLUSTER_STATE_CATALOG=str(catalog),
        CDKTF_OUTDIR=str(folder / "cdktf.out"),
        NODE_OPTIONS=operator,
        OBSERVED=str(observed),
    )
    done = subprocess.run(
        [sys.executable, "main.py", "--force"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    processes = {Path(seen["script"]).name: seen for seen in map(json.loads, map(Path.read_text, observed.iterdir()))}
    stacks = {p.parent.name: json.loads(p.read_text()) for p in (folder / "cdktf.out" / "stacks").glob("*/cdk.tf.json")}
    return {"operator": operator, "processes": processes, "stacks": stacks}


def _used_submodules(stacks: dict, prefix: str) -> set[str]:
    """The provider's submodules a synthesis needs: those of the resource and data-source types
    in the output (``kubernetes_deployment_v1`` -> ``deployment-v1``) and its provider."""
    used = {"provider"}
    for stack in stacks.values():
        for kind, dash in (("resource", ""), ("data", "data-")):
            for name in stack.get(kind, {}):
                if name.startswith(prefix):
                    used.add(dash + (name if dash else name.removeprefix(prefix)).replace("_", "-"))
    return used


def test_the_kernel_of_a_synthesis_loads_only_the_provider_submodules_its_catalog_uses(observed_synthesis):
    kernel = observed_synthesis["processes"]["program.js"]["providers"]
    stacks = observed_synthesis["stacks"]
    for package, prefix in (("@cdktf/provider-kubernetes", "kubernetes_"), ("@cdktf/provider-nomad", "nomad_")):
        loaded, every = set(kernel[package]["loaded"]), set(kernel[package]["all"])
        assert loaded == _used_submodules(stacks, prefix), package
        assert len(every) > 10 * len(loaded), (package, len(every))  # kubernetes: 4 of 109, nomad: 2 of 44


def test_the_kernel_runs_with_the_preload_after_the_operators_own_node_options(observed_synthesis):
    """The operator's NODE_OPTIONS stay whole and first (their observer ran: it wrote what it saw),
    the 1 MB semi-space default is not added to them, and the preload comes once, after them."""
    expected = f'{observed_synthesis["operator"]} --require "{runtime.NODE_PRELOAD}"'
    processes = observed_synthesis["processes"]
    assert set(processes) == {"jsii-runtime.js", "program.js"}
    assert {name: seen["nodeOptions"] for name, seen in processes.items()} == dict.fromkeys(processes, expected)


def _kernel_processes() -> list[int]:
    """This worker's jsii kernel: the node process jsii started, and the children it started."""
    from jsii import _runtime

    pid = _runtime.kernel.provider._process._process.pid  # jsii's own handle on its process
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [pid, *map(int, children)]


def test_this_workers_own_kernel_runs_with_the_preload():
    """tests/conftest.py applies main.py's settings before any test module starts the kernel."""
    import cdktf  # noqa: F401 - starts this worker's kernel if nothing did yet

    for pid in _kernel_processes():
        environ = dict(
            entry.split("=", 1) for entry in Path(f"/proc/{pid}/environ").read_text().split("\0") if "=" in entry
        )
        assert f'--require "{runtime.NODE_PRELOAD}"' in environ.get("NODE_OPTIONS", ""), pid


def test_a_type_of_a_submodule_nothing_loaded_yet_still_resolves(tmp_path):
    """A type neither the catalog nor any test uses: its Python module is imported on demand
    (the jsii runtime's path for a type node hands back), and node requires its submodule when
    the kernel first reads it from the provider's exports."""
    from cdktf import App, TerraformStack
    from cdktf_cdktf_provider_kubernetes.provider import KubernetesProvider
    from jsii import _reference_map

    import stacks.app  # noqa: F401 - what main.py imports first: constructs_lib defers the submodules

    fqn = "@cdktf/provider-kubernetes.certificateSigningRequestV1.CertificateSigningRequestV1"
    _reference_map._try_import_type_module(fqn)
    request = _reference_map._types[fqn]
    app = App(outdir=str(tmp_path))
    stack = TerraformStack(app, "probe")
    KubernetesProvider(stack, "kubernetes")
    request(stack, "csr", metadata={"name": "probe"}, spec={"request": "x", "signer_name": "example.org/probe"})
    app.synth()
    synthesized = json.loads((tmp_path / "stacks" / "probe" / "cdk.tf.json").read_text())
    assert synthesized["resource"]["kubernetes_certificate_signing_request_v1"]["csr"]["spec"]["signer_name"] == (
        "example.org/probe"
    )


GENERATED = """"use strict";
/**
 * Copyright (c) HashiCorp, Inc.
 * SPDX-License-Identifier: MPL-2.0
 */
Object.defineProperty(exports, "__esModule", { value: true });
exports.second = exports.first = void 0;
// generated by cdktf get
exports.first = require("./first");
exports.second = require("./second-one");
//# sourceMappingURL=data:application/json;base64,eyJ2ZXJzaW9uIjozfQ=="""
PROVIDER = {"name": "@cdktf/provider-probe", "main": "lib/index.js"}
FIRST, MAIN = 'exports.first = require("./first");', 'module.exports = require("./index");'


def _index(old: str = "", new: str = "", tail: str = "") -> dict[str, str]:
    """lib/index.js: the generated one, with ``old`` replaced by ``new``."""
    return {"index.js": GENERATED.replace(old, new) + tail if old else GENERATED + tail}


# Made-up packages: (package.json, {file under lib/: content}). Only the first two are a provider's
# generated index; each other one differs from it in one way and must be compiled untouched.
PACKAGES = {
    "generated": (PROVIDER, _index()),
    "generated, final newline": (PROVIDER, _index(tail="\n")),
    "a statement before the marker": (PROVIDER, _index("// gen", "globalThis.x = 1;\n// gen")),
    "a statement after an export": (PROVIDER, _index('first");', 'first"); void 0;')),
    "code between comments": (PROVIDER, _index("MPL-2.0\n", "MPL-2.0 */ void 0; /*\n")),
    "an export not declared": (PROVIDER, _index("exports.second = exports.", "exports.")),
    "an export twice": (PROVIDER, _index("exports.second = r", f"{FIRST}\nexports.second = r")),
    "a path outside the folder": (PROVIDER, _index('"./first"', '"../lib/first"')),
    "no marker": (PROVIDER, _index("// generated by cdktf get", "// generated")),
    "CRLF line ends": (PROVIDER, _index("\n", "\r\n")),
    "not a cdktf provider": ({**PROVIDER, "name": "provider-probe"}, _index()),
    "not the package's main": ({**PROVIDER, "main": "lib/main.js"}, {**_index(), "main.js": MAIN}),
    "not lib/index.js": ({**PROVIDER, "main": "lib/all.js"}, {"all.js": GENERATED}),
    "not in lib/": ({**PROVIDER, "main": "dist/index.js"}, {"../dist/index.js": GENERATED}),
}

# For each package: the submodules loaded by require(), its enumerable exports, whether each is
# the submodule itself, and the submodules loaded once they were read.
REQUIRER = r"""
"use strict";
const path = require("path");
const folders = { first: "first", second: "second-one" };
const report = {};
for (const dir of JSON.parse(process.argv[1])) {
  globalThis.loaded = [];
  const exports = require(dir);
  const before = [...globalThis.loaded];
  const names = Object.keys(exports);
  const lib = path.dirname(require.resolve(dir));
  const same = names.map((name) => exports[name] === require(path.join(lib, folders[name])));
  report[dir] = { before, names, same, after: [...globalThis.loaded] };
}
console.log(JSON.stringify(report));
"""


def _write_package(root: Path, manifest: dict, files: dict[str, str]) -> Path:
    """The package, its two submodules beside its main file."""
    for name, content in files.items():
        (root / "lib" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "lib" / name).write_text(content)
    (root / "package.json").write_text(json.dumps(manifest))
    beside = (root / manifest["main"]).parent
    for name, value in (("first", 1), ("second-one", 2)):
        (beside / name).mkdir(parents=True)
        (beside / name / "index.js").write_text(f"globalThis.loaded.push({name!r}); exports.value = {value};\n")
    return root


def test_only_the_generated_index_of_a_cdktf_provider_is_made_lazy(tmp_path):
    dirs = {
        case: _write_package(tmp_path / "node_modules" / "@cdktf" / f"provider-case{i}", manifest, files)
        for i, (case, (manifest, files)) in enumerate(PACKAGES.items())
    }
    env = {k: v for k, v in os.environ.items() if k != "NODE_PATH"}
    env["NODE_OPTIONS"] = runtime.node_options(None)
    done = subprocess.run(
        ["node", "-e", REQUIRER, json.dumps([str(d) for d in dirs.values()])],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    seen = {case: report[str(d)] for case, d in dirs.items()}
    both = ["first", "second-one"]
    for case, result in seen.items():
        lazy = case.startswith("generated")
        keys = ["first", "second"]  # the order of the `void 0` assignments, lazy or not
        assert (result["before"], result["after"]) == ([] if lazy else both, both), case
        assert (result["names"], result["same"]) == (keys, [True, True]), case


def test_node_options_keep_the_operators_and_add_the_preload_once(tmp_path, monkeypatch):
    """Quoted for node's parser: a path with a space, a double quote and a backslash still loads."""
    odd = tmp_path / 'a dir "with" \\ odd' / "lazy_provider_exports.js"
    odd.parent.mkdir()
    shutil.copy(runtime.NODE_PRELOAD, odd)
    monkeypatch.setattr(runtime, "NODE_PRELOAD", str(odd))
    preload = runtime.node_options("")
    assert runtime.node_options(None) == f"{runtime.NODE_OPTIONS} {preload}"
    assert runtime.node_options("--max-old-space-size=100") == f"--max-old-space-size=100 {preload}"
    assert runtime.node_options(runtime.node_options(None)) == runtime.node_options(None)
    env = {**os.environ, "NODE_OPTIONS": runtime.node_options(None)}
    env.pop("NODE_PATH", None)
    done = subprocess.run(
        ["node", "-e", "console.log(JSON.stringify(Object.keys(require.cache)))"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert str(odd) in json.loads(done.stdout)
