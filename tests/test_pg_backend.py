"""The pg state backend against a real PostgreSQL: Terraform initialises, applies and locks through it.

One provider-free stack (a builtin ``terraform_data`` resource) is synthesized once with
``configure_backend``; Terraform then runs in copies of its directory with ``PG_CONN_STR`` in the
environment only. A CLI configuration whose only provider source is an empty mirror proves that
nothing is downloaded.
"""

from __future__ import annotations

import errno
import json
import os
import queue
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.pg_server import PgServer

STACK = "probe"
SCHEMA = f"cluster_state_{STACK}"
TIMEOUT = 60

pytestmark = [
    pytest.mark.slow,
    pytest.mark.needs("terraform"),
]


@pytest.fixture(scope="module")
def synth_out(tmp_path_factory: pytest.TempPathFactory, pg_conn_str: str) -> Path:
    """cdktf.out of a provider-free stack whose backend is chosen with ``PG_CONN_STR`` set."""
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    from cdktf import (
        App,
        LocalExecProvisioner,
        TerraformOutput,
        TerraformProviderGeneratorMetadata,
        TerraformResource,
        TerraformStack,
        TerraformVariable,
    )

    from stacks.backend import configure_backend

    out = tmp_path_factory.mktemp("pg-synth") / "cdktf.out"
    app = App(outdir=str(out))
    stack = TerraformStack(app, STACK)
    configure_backend(stack, STACK, env={"PG_CONN_STR": pg_conn_str})
    # hold, a named pipe, keeps an apply running (holding the state lock) until the test writes to
    # it: no fixed sleep, the overlap is exact. A new run replaces the resource.
    hold = TerraformVariable(stack, "hold", type="string", default="")
    run = TerraformVariable(stack, "run", type="string", default="initial")
    probe = TerraformResource(
        stack,
        "probe",
        terraform_resource_type="terraform_data",
        terraform_generator_metadata=TerraformProviderGeneratorMetadata(provider_name="terraform"),
        provisioners=[
            LocalExecProvisioner(
                type="local-exec", command=f'if [ -n "{hold.string_value}" ]; then cat "{hold.string_value}"; fi'
            )
        ],
    )
    probe.add_override("triggers_replace", run.string_value)
    TerraformOutput(stack, "probe_id", value=probe.get_string_attribute("id"))
    app.synth()
    return out


@pytest.fixture(scope="module")
def cli_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Terraform CLI configuration that can install providers only from an empty directory."""
    root = tmp_path_factory.mktemp("tf-cli")
    mirror = root / "no-providers"
    mirror.mkdir()
    config = root / "terraformrc"
    config.write_text(
        "disable_checkpoint = true\n"
        f'provider_installation {{\n  filesystem_mirror {{\n    path = "{mirror}"\n  }}\n}}\n'
    )
    return config


def terraform_env(conn_str: str, cli_config: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "PG"))}
    env.update(
        PG_CONN_STR=conn_str,
        TF_CLI_CONFIG_FILE=str(cli_config),
        TF_IN_AUTOMATION="1",
        CHECKPOINT_DISABLE="1",
    )
    return env


def workdir(synth_out: Path, dest: Path) -> Path:
    shutil.copytree(synth_out / "stacks" / STACK, dest)
    return dest


def terraform(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["terraform", *args, "-no-color"], cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT
    )


def init(cwd: Path, env: dict[str, str]) -> None:
    result = terraform(cwd, env, "init", "-input=false")
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (cwd / ".terraform" / "providers").exists(), "init installed providers"


def apply(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return terraform(cwd, env, "apply", "-auto-approve", "-input=false", *args)


def stored_state(pg: PgServer, database: str) -> list[tuple[str, dict]]:
    """Every state row of the stack's schema as (workspace, state document)."""
    rows = pg.psql(
        database,
        f"SELECT coalesce(jsonb_agg(jsonb_build_array(name, data::jsonb) ORDER BY id), '[]') FROM {SCHEMA}.states",
    )
    return [(name, data) for name, data in json.loads(rows)]


def test_conn_str_is_written_into_no_synthesized_file(synth_out: Path, pg_conn_str: str) -> None:
    host_port = pg_conn_str.split("@", 1)[1].split("/", 1)[0]
    files = [p for p in synth_out.rglob("*") if p.is_file()]
    assert files
    leaks = [str(p) for p in files if pg_conn_str in p.read_text() or host_port in p.read_text()]
    assert leaks == []
    synthesized = json.loads((synth_out / "stacks" / STACK / "cdk.tf.json").read_text())
    assert synthesized["terraform"]["backend"] == {"pg": {"schema_name": SCHEMA}}


def test_terraform_applies_the_stack_into_the_stack_schema(
    synth_out: Path, pg_server: PgServer, pg_conn_str: str, cli_config: Path, tmp_path: Path
) -> None:
    env = terraform_env(pg_conn_str, cli_config)
    cwd = workdir(synth_out, tmp_path / "stack")
    init(cwd, env)
    result = apply(cwd, env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not list(cwd.glob("*.tfstate")), "state was written locally"

    database = pg_conn_str.rsplit("/", 1)[1].split("?", 1)[0]
    [(name, state)] = stored_state(pg_server, database)
    assert name == "default"
    assert [(r["type"], r["name"]) for r in state["resources"]] == [("terraform_data", "probe")]
    assert state["outputs"]["probe_id"]["value"] == state["resources"][0]["instances"][0]["attributes"]["id"]


def test_a_concurrent_apply_fails_on_the_lock_and_no_state_is_lost(
    synth_out: Path, pg_server: PgServer, cli_config: Path, tmp_path: Path
) -> None:
    database = "lock_probe"
    env = terraform_env(pg_server.create_database(database), cli_config)
    first, second = workdir(synth_out, tmp_path / "first"), workdir(synth_out, tmp_path / "second")
    init(first, env)
    init(second, env)
    seeded = apply(first, env)
    assert seeded.returncode == 0, seeded.stdout + seeded.stderr
    [(_, before)] = stored_state(pg_server, database)

    release = tmp_path / "release"
    os.mkfifo(release)
    slow = subprocess.Popen(
        ["terraform", "apply", "-auto-approve", "-input=false", "-no-color", f"-var=hold={release}", "-var=run=slow"],
        cwd=first,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines = _wait_for_line(slow, "Provisioning with 'local-exec'")
        blocked = apply(second, env, "-lock-timeout=0s", "-var=run=blocked")
        _release(release)
        slow_output = lines + slow.communicate(timeout=TIMEOUT)[0]
    finally:
        if slow.poll() is None:
            slow.kill()
            slow.wait()

    assert slow.returncode == 0, slow_output
    assert blocked.returncode != 0
    assert "Error acquiring the state lock" in blocked.stdout + blocked.stderr

    [(_, after)] = stored_state(pg_server, database)
    assert after["lineage"] == before["lineage"]
    assert after["serial"] > before["serial"]
    [probe] = after["resources"]
    assert probe["instances"][0]["attributes"]["triggers_replace"]["value"] == "slow"
    listed = terraform(second, env, "state", "list")
    assert listed.stdout.split() == ["terraform_data.probe"], listed.stdout + listed.stderr

    # The lock is released with the apply that held it.
    retried = apply(second, env, "-lock-timeout=0s", "-var=run=retried")
    assert retried.returncode == 0, retried.stdout + retried.stderr
    [(_, last)] = stored_state(pg_server, database)
    assert last["serial"] > after["serial"]


def _release(fifo: Path) -> None:
    """Lets the held apply finish: its local-exec is reading ``fifo`` (ENXIO here if it is not)."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        try:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            break
        except OSError as exc:  # the provisioner's shell may not have opened the pipe yet
            if exc.errno != errno.ENXIO or time.monotonic() > deadline:
                raise
            time.sleep(0.01)
    os.write(fd, b"go\n")
    os.close(fd)


def _wait_for_line(process: subprocess.Popen[str], marker: str) -> str:
    """The output of ``process`` up to the first line containing ``marker`` (fails after TIMEOUT)."""
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        for line in iter(process.stdout.readline, ""):
            lines.put(line)
            if marker in line:
                return
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    seen = []
    while True:
        try:
            line = lines.get(timeout=TIMEOUT)
        except queue.Empty:
            pytest.fail(f"no {marker!r} within {TIMEOUT}s:\n{''.join(seen)}")
        if line is None:
            pytest.fail(f"apply ended before {marker!r}:\n{''.join(seen)}")
        seen.append(line)
        if marker in line:
            return "".join(seen)


def test_each_stack_of_the_catalog_keeps_its_state_in_its_own_schema(
    catalog, pg_server: PgServer, cli_config: Path, tmp_path: Path
) -> None:
    """The backend blocks of the real stacks, with a provider-free body (their providers cannot be
    installed here), applied against one database: one state row per stack, each in its schema.
    (The stacks of a one-service catalog: the backend is the stacks' own, see tests/test_backend.py.)"""
    from stacks.app import build_app
    from tests.test_backend import one_service

    database = "per_stack"
    conn = pg_server.create_database(database)
    build_app(one_service(catalog), outdir=str(tmp_path / "out"), env={"PG_CONN_STR": conn}).synth()
    env = terraform_env(conn, cli_config)
    for stack in ("kubernetes", "nomad"):
        backend = json.loads((tmp_path / "out" / "stacks" / stack / "cdk.tf.json").read_text())["terraform"]["backend"]
        cwd = tmp_path / stack
        cwd.mkdir()
        (cwd / "main.tf.json").write_text(
            json.dumps({"terraform": {"backend": backend}, "resource": {"terraform_data": {"probe": {"input": stack}}}})
        )
        init(cwd, env)
        result = apply(cwd, env)
        assert result.returncode == 0, result.stdout + result.stderr
    for stack in ("kubernetes", "nomad"):
        rows = json.loads(
            pg_server.psql(database, f"SELECT coalesce(jsonb_agg(data::jsonb), '[]') FROM cluster_state_{stack}.states")
        )
        assert [r["resources"][0]["instances"][0]["attributes"]["input"]["value"] for r in rows] == [stack]
