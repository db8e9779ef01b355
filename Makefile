# The operator's entry points. `make synth` and `make test` set everything up on a fresh
# machine that has python3, node and npm; `make help` lists the targets and the environment.
#
# Two setups: synthesis needs only the runtime packages (the lock's default section,
# `npm ci --omit=dev`); `make test` and the other tools install the dev packages too. Both are
# installed by pip straight from Pipfile.lock, pins and hashes checked (tools/lock_requirements.py
# writes the lock out as requirements): no pipenv to install and no resolution on a fresh clone.
# Pipenv writes the lock (`make lock`); it lives in .tools/ unless it is on PATH. Nothing is
# installed into the system's own Python.

export PIPENV_VENV_IN_PROJECT := 1
export PIPENV_VERBOSITY := -1
export PIPENV_YES := 1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CHECKPOINT_DISABLE := 1
export PYTHONDONTWRITEBYTECODE := 1

PYTHON := .venv/bin/python
# the interpreter a new .venv is made from: the lock's Python (3.11) where it is installed by that name
PYTHON3 := $(or $(shell command -v python3.11 2>/dev/null),python3)
PIP_INSTALL := $(PYTHON) -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes
PIPENV_VERSION := 2026.10.3
PIPENV := $(or $(shell command -v pipenv 2>/dev/null),.tools/bin/pipenv)
NPM_CI := npm ci --no-audit --no-fund --loglevel=error
# package=program: what the tests run for real that no Python or npm package provides.
SYSTEM_PACKAGES := nginx-light=nginx rsync=rsync graphviz=dot ruby=ruby jq=jq git=git

.PHONY: help setup cli setup-dev system-packages lock synth test lint render validate audit graph schema bench diff clean

## help: this list, and the environment variables main.py reads
help:
	@python3 main.py --help

## setup: what synthesis needs: .venv without the dev packages (the jsii runtime comes with the
## Python packages; synthesis needs no node_modules)
setup: .venv/.synced-runtime

## cli: the pinned cdktf CLI in node_modules, for `npx cdktf diff|deploy` (and what synthesis needs)
cli: setup node_modules/.installed-runtime

# what the tests and the other tools need: every dev package, and the system programs
setup-dev: .venv/.synced node_modules/.installed system-packages

# A .venv is made only where none is; one that exists (the user's, or an older pipenv's) is kept
# and installed into. The requirements written from the lock stay beside the markers.
.venv/bin/python:
	$(PYTHON3) -m venv .venv

# Every package of both sections, then the byte-code of whatever is still without it (what an
# earlier runtime setup installed with --no-compile): the tests run with PYTHONDONTWRITEBYTECODE.
# (pip --no-compile and compileall -j0 for everything instead: no faster on 2 cores, 34 s vs 35 s.)
.venv/.synced: Pipfile.lock | .venv/bin/python
	$(PYTHON) -m tools.lock_requirements --dev -o .venv/requirements-dev.txt
	$(PIP_INSTALL) -r .venv/requirements-dev.txt
	$(PYTHON) -m compileall -q -j0 $$($(PYTHON) -c 'import sysconfig; print(sysconfig.get_path("purelib"))')
	touch $@ .venv/.synced-runtime

# A dev setup newer than the lock file holds the runtime packages already. --no-compile: synthesis
# runs under -O with its byte-code in .cache/pycache, compiled on first use (stacks/runtime.py), so
# the .venv's own byte-code would only cost time (~15 s).
.venv/.synced-runtime: Pipfile.lock | .venv/bin/python
	@[ .venv/.synced -nt Pipfile.lock ] || { \
		echo "$(PIP_INSTALL) --no-compile -r .venv/requirements-runtime.txt"; \
		$(PYTHON) -m tools.lock_requirements -o .venv/requirements-runtime.txt \
		&& $(PIP_INSTALL) --no-compile -r .venv/requirements-runtime.txt; }
	touch $@

## lock: Pipfile.lock from the Pipfile (pipenv; the setups install from the lock with pip alone)
lock: $(if $(findstring .tools/,$(PIPENV)),.tools/bin/pipenv)
	$(PIPENV) lock

.tools/bin/pipenv:
	$(PYTHON3) -m venv .tools
	.tools/bin/python -m pip install --quiet --disable-pip-version-check pipenv==$(PIPENV_VERSION)

node_modules/.installed: package.json package-lock.json
	$(NPM_CI)
	touch $@ node_modules/.installed-runtime

node_modules/.installed-runtime: package.json package-lock.json
	@[ node_modules/.installed -nt package-lock.json ] && [ node_modules/.installed -nt package.json ] \
		|| { echo "$(NPM_CI) --omit=dev"; $(NPM_CI) --omit=dev; }
	touch $@

# Installs the missing SYSTEM_PACKAGES with apt-get when it can (root); quiet when all are there.
# Elsewhere it says what is missing, and the tests that need a program fail naming it.
system-packages:
	@missing=""; for pair in $(SYSTEM_PACKAGES); do \
		program=$${pair#*=}; command -v $$program >/dev/null 2>&1 || [ -x /usr/sbin/$$program ] \
			|| missing="$$missing $${pair%%=*}"; \
	done; \
	[ -n "$$missing" ] || exit 0; \
	if [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then \
		echo "setup: missing$$missing; install them (apt-get install$$missing) or the tests that need them fail" >&2; \
		exit 0; \
	fi; \
	echo "setup: apt-get install$$missing"; \
	log=$$(mktemp); policy=""; \
	if [ ! -e /usr/sbin/policy-rc.d ]; then \
		policy=/usr/sbin/policy-rc.d; printf '#!/bin/sh\nexit 101\n' > $$policy; chmod +x $$policy; \
	fi; \
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; } \
		>$$log 2>&1 || { cat $$log >&2; echo "setup: apt-get failed; the tests that need$$missing will fail" >&2; }; \
	[ -z "$$policy" ] || rm -f $$policy; rm -f $$log

## synth: services.yaml -> cdktf.out/stacks/<stack>/cdk.tf.json
synth: setup
	$(PYTHON) main.py

## test: the whole suite (what CI runs), on every core (PYTEST_XDIST_AUTO_NUM_WORKERS=0: in one process)
test: setup-dev
	$(PYTHON) -m pytest -n auto --dist worksteal

## lint: ruff
lint: setup-dev
	$(PYTHON) -m ruff check .

## schema: services.schema.json, the JSON Schema of services.yaml generated from the catalog's models
schema: setup
	$(PYTHON) -m tools.schema

## render: cdktf.out/manifests/<stack>/*.yaml, the objects the cluster will receive
render: setup-dev synth
	$(PYTHON) -m validation render

## validate: strict schema validation of every object, and a credential scan
validate: setup-dev synth
	$(PYTHON) -m validation validate
	$(PYTHON) -m validation scan-secrets

## audit: checkov's Kubernetes checks on the rendered manifests (a report, not a gate)
CHECKOV_VERSION := 3.3.30
audit: render .venv-audit/.installed
	.venv-audit/bin/checkov -d cdktf.out/manifests --framework kubernetes --quiet --compact -o json \
		> cdktf.out/checkov.json || true
	$(PYTHON) -m tools.audit cdktf.out/checkov.json

# checkov pins its own dependency tree: it gets a virtualenv of its own.
.venv-audit/.installed:
	python3 -m venv .venv-audit
	.venv-audit/bin/pip install --quiet checkov==$(CHECKOV_VERSION)
	touch $@

## graph: docs/catalog.svg, the catalog as a diagram (services, components, nodes, storage, hostnames, stacks)
graph: setup-dev
	$(PYTHON) -m tools.graph

## bench: synthesis time and memory against the bare floor (by hand, not in the tests); rewrites README's table
bench: setup
	$(PYTHON) bench/synth.py --json bench/results/last.json
	$(PYTHON) bench/table.py bench/results/last.json

## diff: the rendered change, against the merge base with the default branch or BASE=<ref>;
## exit 1 on an unacknowledged data loss. The Markdown report is also written to $(REPORT).
REPORT ?= .cache/review/report.md
diff: setup
	$(PYTHON) -m review $(if $(BASE),--base '$(BASE)') --report '$(REPORT)'

## clean: remove what synth and render wrote; state and Terraform's files in cdktf.out stay
clean:
	python3 -m stacks.output clean cdktf.out
