# The operator's entry points. `make synth` and `make test` set everything up on a fresh
# machine that has python3, node and npm.

export PIPENV_VENV_IN_PROJECT := 1
export PIPENV_VERBOSITY := -1
export PIPENV_YES := 1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CHECKPOINT_DISABLE := 1
export PYTHONDONTWRITEBYTECODE := 1

PIPENV := python3 -m pipenv
RUN := $(PIPENV) run

.PHONY: setup synth test lint render validate audit graph bench clean

setup: .venv/.synced node_modules/.installed

.venv/.synced: Pipfile.lock
	python3 -m pipenv --version >/dev/null 2>&1 || python3 -m pip install --quiet pipenv \
		|| python3 -m pip install --quiet --user --break-system-packages pipenv
	$(PIPENV) sync --dev
	@# main.py synthesizes under `python -O`: byte-compile for it once, here, rather than on
	@# every run of a machine that sets PYTHONDONTWRITEBYTECODE.
	$(RUN) python -O -m compileall -q -j 0 .venv/lib >/dev/null || true
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## synth: services.yaml -> cdktf.out/stacks/<stack>/cdk.tf.json
synth: setup
	$(RUN) python main.py

## test: the whole suite (what CI runs), on every core (PYTEST_XDIST_AUTO_NUM_WORKERS=0: in one process)
test: setup
	$(RUN) pytest -n auto --dist worksteal

lint: setup
	$(RUN) ruff check .

## render: cdktf.out/manifests/<stack>/*.yaml, the objects the cluster will receive
render: synth
	$(RUN) python -m validation render

## validate: strict schema validation of every object, and a credential scan
validate: synth
	$(RUN) python -m validation validate
	$(RUN) python -m validation scan-secrets

## audit: checkov's Kubernetes checks on the rendered manifests (a report, not a gate)
CHECKOV_VERSION := 3.3.30
audit: render .venv-audit/.installed
	.venv-audit/bin/checkov -d cdktf.out/manifests --framework kubernetes --quiet --compact -o json \
		> cdktf.out/checkov.json || true
	$(RUN) python -m tools.audit cdktf.out/checkov.json

# checkov pins its own dependency tree: it gets a virtualenv of its own.
.venv-audit/.installed:
	python3 -m venv .venv-audit
	.venv-audit/bin/pip install --quiet checkov==$(CHECKOV_VERSION)
	touch $@

## graph: docs/catalog.svg, the catalog as a diagram (services, components, nodes, storage, hostnames, stacks)
graph: setup
	$(RUN) python -m tools.graph

## bench: synthesis time and memory against the bare floor (by hand, not in the tests); rewrites README's table
bench: setup
	$(RUN) python bench/synth.py --json bench/results/last.json
	$(RUN) python bench/table.py bench/results/last.json

clean:
	rm -rf cdktf.out
