"""The operator's entry point: a bad catalog or a broken rule exits 2 with one clear line per
problem and no traceback, and the previous cdktf.out stays exactly as it was."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.catalog_source import dump, services_data, services_text
from tests.conftest import PROJECT_ROOT
from tests.main_run import NEW_IMAGE, refused_before_synthesis


def _run_main(tmp_path, catalog_text: str) -> subprocess.CompletedProcess:
    catalog = tmp_path / "services.yaml"
    catalog.write_text(catalog_text)
    env = {**os.environ, "CLUSTER_STATE_CATALOG": str(catalog), "CDKTF_OUTDIR": str(tmp_path / "cdktf.out")}
    env.pop("PG_CONN_STR", None)
    return subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "main.py")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def previous_output(tmp_path):
    marker = tmp_path / "cdktf.out" / "stacks" / "kubernetes" / "cdk.tf.json"
    marker.parent.mkdir(parents=True)
    marker.write_text('{"previous": true}')
    return marker


def test_a_bad_catalog_exits_2_with_one_line_per_problem_and_leaves_cdktf_out_untouched(tmp_path, previous_output):
    text = services_text()
    text = text.replace("  litestream_image: litestream/litestream:0.5", "  litestream_image: 5")
    text = text.replace("      bucket: overseerr-litestream\n", "", 1)
    result = _run_main(tmp_path, text)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2, result.stderr
    assert lines[0].startswith("cluster.litestream_image: expected a string, got an integer 5")
    assert lines[1].startswith("services.overseerr.litestream.bucket: field required (services.yaml:")
    assert "Traceback" not in result.stderr
    assert previous_output.read_text() == '{"previous": true}'


def test_a_broken_rule_exits_2_naming_service_and_rule_and_leaves_cdktf_out_untouched(tmp_path, previous_output):
    data = services_data()
    data["services"]["overseerr"]["workloads"]["overseerr"]["volumes"]["data"] = {"glusterfs": "db"}
    result = _run_main(tmp_path, dump(data))
    assert result.returncode == 2, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(
        "services.overseerr.workloads.overseerr.volumes.data: rule sqlite-on-network-storage: "
        "the SQLite database volume 'data' is glusterfs '/storage/v/glusterfs_overseerr_db'; "
        "use an emptyDir or a local volume claim (services.yaml:"
    ), line
    assert previous_output.read_text() == '{"previous": true}'


def _refused(tmp_path, catalog_text: str, through_main: bool) -> list[str]:
    """What main.py prints for a refused catalog: main.py itself (exit 2, no traceback) for the
    first case of a table, in process for the others (tests.main_run.refused_before_synthesis)."""
    if not through_main:
        (tmp_path / "services.yaml").write_text(catalog_text)
        return refused_before_synthesis(tmp_path / "services.yaml")
    result = _run_main(tmp_path, catalog_text)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr.strip().splitlines()


@pytest.mark.parametrize(
    ("bad", "expected", "through_main"),
    [
        ("{period: -30}", "defaults.liveness.period: input should be greater than or equal to 0, got -30", True),
        ("{period: 3000000000}", "defaults.liveness.period: rule int32-fields: period 3000000000 does not fit", False),
    ],
    ids=["shape", "rule"],
)
def test_a_bad_default_is_one_line_at_the_defaults_line_and_exits_2(
    tmp_path, previous_output, bad, expected, through_main
):
    """However many probes inherit it (tests/test_catalog_defaults.py has the rest of defaults:)."""
    text = services_text()
    line = text.splitlines().index("  liveness: {period: 30}") + 1
    (problem,) = _refused(tmp_path, text.replace("  liveness: {period: 30}\n", f"  liveness: {bad}\n", 1), through_main)
    assert problem.startswith(expected) and problem.endswith(f"(services.yaml:{line})"), problem
    assert previous_output.read_text() == '{"previous": true}'


@pytest.mark.slow
def test_a_good_catalog_replaces_the_previous_output(main_run):
    """The synthesis shared with tests/test_fingerprint.py (tests/main_run.py): a changed catalog
    over the previous output (the session's, with its fingerprint)."""
    result = main_run.changed
    assert result.returncode == 0, result.stderr
    assert [line.split(" -> ")[0] for line in result.stdout.splitlines()] == [
        "kubernetes: 124 resources",
        "nomad: 6 resources",
    ]
    kubernetes = (main_run.out / "stacks" / "kubernetes" / "cdk.tf.json").read_text()
    assert NEW_IMAGE in kubernetes, "the previous output is still there"
    assert (main_run.out / "stacks" / "nomad" / "cdk.tf.json").exists()
    assert [p.name for p in main_run.folder.iterdir() if p.name.startswith(".out")] == [], "no scratch dir left behind"


def test_help_lists_the_make_targets_and_every_variable_the_code_reads_without_importing_cdktf():
    result = subprocess.run(
        [sys.executable, "-X", "importtime", str(PROJECT_ROOT / "main.py"), "--help"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    imported = {line.split("|")[-1].strip().split(".")[0] for line in result.stderr.splitlines() if "|" in line}
    assert not imported & {"cdktf", "jsii", "pydantic", "yaml", "catalog"}, "--help imported more than it needs"
    targets = re.findall(r"^([a-z]+):", (PROJECT_ROOT / "Makefile").read_text(), re.MULTILINE)
    read = set()
    for path in [PROJECT_ROOT / "main.py", *PROJECT_ROOT.glob("stacks/*.py")]:
        read |= set(re.findall(r"""environ(?:\.get)?[(\[]\s*["']([A-Z][A-Z0-9_]+)["']""", path.read_text()))
        read |= set(re.findall(r"""env\.get\(\s*["']([A-Z][A-Z0-9_]+)["']""", path.read_text()))
        read |= set(re.findall(r"""^[A-Z_]+_ENV\s*=\s*["']([A-Z][A-Z0-9_]+)["']""", path.read_text(), re.MULTILINE))
    read -= {"PATH"}  # the system's own (where node is found)
    assert {"PG_CONN_STR", "CLUSTER_STATE_CATALOG", "NOMAD_ADDR"} <= read  # the scan itself finds them
    missing = [name for name in sorted(read) if name not in result.stdout]
    missing += [f"make {t}" for t in targets if not t.startswith(".") and f"make {t}" not in result.stdout]
    assert missing == [], f"--help does not mention {missing}"


def _vaultwarden(data: dict) -> dict:
    return data["services"]["vaultwarden"]["workloads"]["vaultwarden"]


def _misnamed_storage(data: dict) -> None:
    _vaultwarden(data)["volumes"]["data"] = {"host_path": "/storage/v/vaultwarden", "type": "Directory"}


def _untagged_image(data: dict) -> None:
    _vaultwarden(data)["containers"]["vaultwarden"]["image"] = "vaultwarden/server"


@pytest.mark.parametrize(
    ("mutate", "rule_line", "through_main"),
    [
        pytest.param(
            _misnamed_storage,
            "services.vaultwarden.workloads.vaultwarden.volumes.data.host_path: rule storage-path: hostPath "
            "'/storage/v/vaultwarden' is not named glusterfs_vaultwarden_<type>; use {glusterfs: <type>} or waive "
            "'storage-path' with a reason",
            True,
            id="storage-path",
        ),
        pytest.param(
            _untagged_image,
            "services.vaultwarden.workloads.vaultwarden.containers.vaultwarden.image: rule image-tag-required: "
            "image 'vaultwarden/server' has no tag; pin one, e.g. 'vaultwarden/server:1.2.3'",
            False,
            id="image-tag-required",
        ),
    ],
)
def test_a_rule_fires_through_a_real_synthesis(tmp_path, previous_output, mutate, rule_line, through_main):
    data = services_data()
    mutate(data)
    lines = _refused(tmp_path, dump(data), through_main)
    [line] = lines or [""]
    assert re.fullmatch(re.escape(rule_line) + r" \(services\.yaml:\d+\)", line), lines
    assert previous_output.read_text() == '{"previous": true}'
