"""What `python main.py --help` and `make help` print: one text, kept beside nothing it could import.

Plain text on purpose: printing it imports no cdktf, no catalog and no third-party package, so it
works on a fresh machine before `make setup`.
"""

HELP = """\
cluster-state: services.yaml -> Terraform JSON, one stack per platform (kubernetes, nomad).

usage: python main.py            synthesize into cdktf.out/stacks/<stack>/cdk.tf.json
       python main.py --help     this text

make targets (each sets up what it needs first):
  make synth      services.yaml -> cdktf.out/stacks/<stack>/cdk.tf.json
  make test       the whole test suite (what CI runs); installs the dev tools too
  make lint       ruff
  make render     cdktf.out/manifests/<stack>/*.yaml, the objects the cluster will receive
  make validate   strict schema validation of every object, and a credential scan
  make audit      checkov's Kubernetes checks on the rendered manifests (a report)
  make graph      docs/catalog.svg, the catalog as a diagram
  make diff       the rendered change against the default branch (or BASE=<ref>), with its
                  consequences; exit 1 on an unacknowledged data loss
  make schema     services.schema.json, the JSON Schema of services.yaml (editors check the file)
  make bench      synthesis time and memory against the floor
  make clean      remove what synth and render wrote (keeps state and Terraform's files)
  make setup      install what synthesis needs (.venv)
  make cli        install the pinned cdktf CLI too (node_modules), for `npx cdktf diff|deploy`
  make lock       Pipfile.lock from the Pipfile (pipenv); the setups install from the lock
  make help       this text

environment:
  CLUSTER_STATE_CATALOG   catalog file (default: services.yaml)
  CDKTF_OUTDIR            output folder (default: cdktf.out; set by the cdktf CLI)
  PG_CONN_STR             state on PostgreSQL, schema cluster_state_<stack>; read by Terraform,
                          never written. Unset: local state in state/<stack>.tfstate
  K8S_CONFIG_PATH         kubeconfig of the kubernetes and kubectl providers (default ~/.kube/k3s-config)
  K8S_CONTEXT             its context (default: default)
  NOMAD_ADDR              Nomad API address (default: services.yaml nomad.address)
  NOMAD_TOKEN             read by the nomad provider at plan/apply, never written
  CLUSTER_STATE_ADOPT=1   add import blocks for every resource (adopting the running cluster)
  JSII_NODE               the node binary of the jsii runtime (default: node on PATH)
  NODE_OPTIONS            its options (default: --max-semi-space-size=1); the project's preload
                          (stacks/node/lazy_provider_exports.js) is added after them
  SYNTH_HCL_OUTPUT        set by `cdktf synth --hcl`: the HCL is rewritten to mean what the JSON means
  CLUSTER_STATE_DEBUG=1   keep the jsii runtime type checks on (synthesis runs under python -O)

exit codes: 0 written; 2 bad catalog or broken rule (one line per problem, nothing written).
Local state lives in state/ beside cdktf.out, is gitignored and must never be committed."""
