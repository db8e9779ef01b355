"""``no-literal-secrets`` with one detector set: the texts only the constructs build (the scripts of
builders, manifest bodies, jobspecs) are scanned by the detect-secrets plugins of the output scan,
like the catalog's own values, through one cache of scan results (validation/scan_cache.py)."""

from __future__ import annotations

import contextlib
import copy
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from catalog import CatalogError
from catalog.model import Catalog
from stacks.runtime import PYCACHE
from tests.catalog_source import dump, services_data
from tests.conftest import PROJECT_ROOT
from validation.scan_cache import CACHE_DIR as SCAN_CACHE

BASE = services_data()

# one literal of each kind the issue names, as a line of a text, and the detect-secrets type it is
SECRETS = {
    "aws-key": ("aws_access_key_id = AKIAZ7Q3XK5MRP2LW4NB", "AWS Access Key"),
    "private-key": ("-----BEGIN RSA PRIVATE KEY-----", "Private Key"),
    "url-with-password": (
        "export DATABASE_URL=postgres://synapse:Zq8rT2vLm4Kp@db.lan/synapse",
        "Basic Auth Credentials",
    ),
    "keyword-token": ('secret_key = "c2ln4Qx9Vt7wPzR5mK3e"', "Secret Keyword"),
}
PLACEHOLDERS = [
    'password = "${DB_PASSWORD}"',
    "password: SYNAPSE_DB_PASSWORD_PLACEHOLDER",
    'token = "$RUNNER_TOKEN"',
    "db_password = ENV['GITLAB_DB_PASSWORD']",
]


def _catalog(service: str, edit: Callable[[dict[str, Any]], None] = lambda s: None, **root: Any) -> Catalog:
    data = copy.deepcopy(BASE)
    data["services"] = {service: data["services"][service]}
    data["nomad"] = {"jobs": {}}
    edit(data["services"][service])
    data.update(root)
    return Catalog.model_validate(data)


def _tree_findings(catalog: Catalog, tmp_path: Path) -> list[str]:
    """The lines ``app.synth()`` refuses the catalog's built tree with (none: it synthesized)."""
    from rules.tree import TreeFindings
    from stacks.app import build_app

    try:
        build_app(catalog, outdir=str(tmp_path / "out"), env={}).synth()
    except TreeFindings as exc:
        return str(exc).splitlines()
    return []


def _script_in_runner(monkeypatch, line: str) -> Catalog:
    """gitlab-runner's config-generator runs a script written by configs/gitlab_runner.py: the
    builder (code, not the catalog) writes ``line`` into it."""
    import constructs_lib.app

    original = constructs_lib.app.runner_config_command
    monkeypatch.setattr(constructs_lib.app, "runner_config_command", lambda name: f"{original(name)}\n{line}\n")
    return _catalog("gitlab-runner")


def _manifest_body(_monkeypatch, line: str) -> Catalog:
    """A Traefik Middleware (a kubectl_manifest) whose header carries ``line``."""

    def edit(s: dict[str, Any]) -> None:
        s["middlewares"] = {"leaky": {"spec": {"headers": {"customRequestHeaders": {"X-Auth": line}}}}}

    return _catalog("overseerr", edit)


def _jobspec(tmp_path: Path, line: str) -> Catalog:
    spec = PROJECT_ROOT / "jobspecs" / "elk.nomad.hcl"
    planted = tmp_path / "elk.nomad.hcl"
    planted.write_text(spec.read_text() + f"\n# {line}\n")
    job = copy.deepcopy(BASE["nomad"]["jobs"]["elk"])
    job["jobspec"] = str(planted)  # absolute: the load-time rules are not run on this catalog
    catalog = copy.deepcopy(BASE)
    catalog["services"] = {}
    catalog["nomad"] = {"jobs": {"elk": job}}
    return Catalog.model_validate(catalog)


@pytest.mark.parametrize("kind", sorted(SECRETS))
def test_a_literal_secret_in_a_generated_script_is_one_located_line(kind, monkeypatch, tmp_path):
    line, secret_type = SECRETS[kind]
    found = _tree_findings(_script_in_runner(monkeypatch, line), tmp_path)
    where = "services.gitlab-runner.workloads.gitlab-runner-amd64.init_containers.config-generator.script"
    assert [f for f in found if f.startswith(where)] != [], found
    assert len(found) == 2  # one per workload (amd64, arm64), each at its own script
    assert all("rule no-literal-secrets: the script of container config-generator, line " in f for f in found)
    assert all(secret_type in f for f in found)


@pytest.mark.parametrize("kind", sorted(SECRETS))
def test_a_literal_secret_in_a_manifest_body_is_one_located_line(kind, monkeypatch, tmp_path):
    line, secret_type = SECRETS[kind]
    [found] = _tree_findings(_manifest_body(monkeypatch, line), tmp_path)
    assert found.startswith("services.overseerr: rule no-literal-secrets: kubectl_manifest.middleware_leaky yaml_body")
    assert secret_type in found


@pytest.mark.parametrize("kind", sorted(SECRETS))
def test_a_literal_secret_in_a_jobspec_is_one_located_line(kind, tmp_path):
    line, secret_type = SECRETS[kind]
    [found] = _tree_findings(_jobspec(tmp_path, line), tmp_path)
    assert found.startswith("nomad.jobs.elk.jobspec: rule no-literal-secrets: nomad_job.elk jobspec, line ")
    assert secret_type in found


def test_a_literal_secret_in_litestreams_restore_script_is_found(monkeypatch, tmp_path):
    import constructs_lib.litestream

    original = constructs_lib.litestream.restore_script
    monkeypatch.setattr(
        constructs_lib.litestream, "restore_script", lambda *a: original(*a) + "\n" + SECRETS["aws-key"][0]
    )
    [found] = _tree_findings(_catalog("overseerr"), tmp_path)
    assert found.startswith("services.overseerr.litestream: rule no-literal-secrets: litestream's restore script")


@pytest.mark.parametrize("line", PLACEHOLDERS)
def test_placeholders_and_references_are_not_secrets(line, monkeypatch, tmp_path):
    assert _tree_findings(_script_in_runner(monkeypatch, line), tmp_path) == []
    assert _tree_findings(_jobspec(tmp_path, line), tmp_path) == []


def test_a_finding_of_the_tree_is_waived_only_with_a_reason(tmp_path):
    from pydantic import ValidationError

    data = copy.deepcopy(BASE)
    data["services"] = {"overseerr": data["services"]["overseerr"]}
    data["nomad"] = {"jobs": {}}
    data["services"]["overseerr"]["middlewares"] = {
        "leaky": {"spec": {"headers": {"customRequestHeaders": {"X-Auth": SECRETS["aws-key"][0]}}}}
    }
    assert len(_tree_findings(Catalog.model_validate(data), tmp_path)) == 1
    data["services"]["overseerr"]["waivers"] = [{"rule": "no-literal-secrets", "reason": "a test key, revoked"}]
    (tmp_path / "waived").mkdir()
    assert _tree_findings(Catalog.model_validate(data), tmp_path / "waived") == []
    data["services"]["overseerr"]["waivers"][0]["reason"] = ""
    with pytest.raises(ValidationError):
        Catalog.model_validate(data)


def test_the_catalogs_own_config_maps_are_scanned_once_when_it_loads(tmp_path):
    """A ConfigMap's ``data`` (and the files of ``files/``) are the catalog's: the load-time rule
    finds a secret there, at its line; the tree does not scan it again."""
    from rules import checked

    def edit(s: dict[str, Any]) -> None:
        s["config_maps"] = {"overseerr-settings": {"data": {"settings.yml": "db:\n  password: s3cr3t-value\n"}}}

    catalog = _catalog("overseerr", edit)
    with pytest.raises(CatalogError, match=r"services.overseerr.config_maps.overseerr-settings.data.settings.yml: "):
        checked(catalog)
    assert _tree_findings(catalog, tmp_path) == []


def test_the_tree_rule_has_no_detectors_of_its_own():
    import rules.tree

    source = Path(rules.tree.__file__).read_text()
    assert "import re\n" not in source and "re.compile" not in source


# --- the cache of scan results ----------------------------------------------------------------

LINES = [SECRETS[k][0] for k in sorted(SECRETS)] + PLACEHOLDERS + ["image: busybox:1.36", "", "plain text"]


def _cold(lines: list[str]) -> list[list[str]]:
    from validation.secrets_scan import scan_lines

    kinds: list[list[str]] = [[] for _ in lines]
    for index, kind in scan_lines(lines):
        kinds[index].append(kind)
    return kinds


def test_the_cache_gives_the_findings_of_a_cold_scan(tmp_path):
    from validation.scan_cache import ScanCache

    cold = _cold(LINES)
    assert [bool(k) for k in cold] == [True] * 4 + [False] * (len(LINES) - 4)
    first = ScanCache(tmp_path)
    assert first.kinds(LINES) == cold and first.scanned == len(set(LINES))
    again = ScanCache(tmp_path)  # a new process: from the disk only
    assert again.kinds(LINES) == cold and again.scanned == 0
    assert again.kinds(list(reversed(LINES))) == list(reversed(cold))


def test_the_same_secret_on_two_lines_is_found_on_both(tmp_path):
    """detect-secrets reports a secret once per file; the cache keeps a result per line, so each
    line's result must be its own (else the second line would be cached as clean)."""
    from validation.scan_cache import ScanCache

    key = "AKIAZ7Q3XK5MRP2LW4NB"
    lines = [f"a = {key}", f"b = {key}"]
    assert all(ScanCache(tmp_path).kinds(lines))
    assert all(ScanCache(tmp_path).kinds(lines))


def _shards(folder: Path) -> list[Path]:
    return sorted(folder.glob("*/*.json"))


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: "{not json",
        lambda text: text[: len(text) // 2],
        lambda text: "\udcff".encode("utf-8", "surrogateescape").decode("latin-1") + text,
        lambda text: json.dumps({**json.loads(text), "entries": dict.fromkeys(json.loads(text)["entries"], [])}),
        lambda text: json.dumps({**json.loads(text), "configuration": "0" * 32}),
        lambda text: json.dumps([1, 2, 3]),
    ],
    ids=["garbage", "truncated", "bad-bytes", "results-emptied", "other-configuration", "wrong-shape"],
)
def test_a_damaged_or_stale_shard_is_not_trusted(tmp_path, damage):
    from validation.scan_cache import ScanCache

    secrets = [SECRETS[k][0] for k in sorted(SECRETS)]
    ScanCache(tmp_path).kinds(secrets)
    for shard in _shards(tmp_path):
        shard.write_text(damage(shard.read_text()))
    again = ScanCache(tmp_path)
    assert all(again.kinds(secrets)) and again.scanned == len(secrets)
    assert all(ScanCache(tmp_path).kinds(secrets))  # rewritten whole


def test_an_unusable_cache_folder_is_no_error(tmp_path):
    from validation.scan_cache import ScanCache

    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder would be")
    cache = ScanCache(blocker)
    assert all(cache.kinds([SECRETS["aws-key"][0]]))
    assert blocker.read_text() == "a file where the cache folder would be"


def test_the_cache_writes_only_its_shards_and_deletes_nothing_else(tmp_path):
    from validation.scan_cache import ScanCache

    cache = ScanCache(tmp_path)
    keep = tmp_path / cache.key / "notes.txt"
    keep.parent.mkdir(parents=True)
    keep.write_text("mine")
    cache.kinds(LINES)
    names = {p.name for p in (tmp_path / cache.key).iterdir()}
    assert "notes.txt" in names and all(n == "notes.txt" or (n.endswith(".json") and len(n) == 6) for n in names)


def test_the_key_changes_with_the_plugin_set_and_the_detectors_version():
    from validation.scan_cache import configuration_key
    from validation.secrets_scan import PLUGINS, detector_configuration

    full = configuration_key(detector_configuration())
    assert configuration_key(detector_configuration(PLUGINS[1:])) != full
    assert configuration_key({**detector_configuration(), "detect-secrets": "VERSION = '1.6.0'\n"}) != full
    assert configuration_key(detector_configuration()) == full


def test_a_smaller_plugin_set_never_reads_the_full_sets_results(tmp_path):
    from validation.scan_cache import ScanCache
    from validation.secrets_scan import PLUGINS, detector_configuration, scan_lines

    line = SECRETS["aws-key"][0]
    assert ScanCache(tmp_path).kinds([line]) == [["AWS Access Key"]]
    plugins = tuple(p for p in PLUGINS if p not in {"AWSKeyDetector", "KeywordDetector", "Base64HighEntropyString"})
    smaller = ScanCache(tmp_path, detector_configuration(plugins), lambda lines: scan_lines(lines, plugins))
    assert smaller.kinds([line]) == [[]] and smaller.scanned == 1


def test_the_plugin_list_is_every_plugin_of_the_installed_detect_secrets():
    from detect_secrets.settings import default_settings

    from validation.secrets_scan import PLUGINS

    with default_settings() as settings:
        assert sorted(settings.plugins) == sorted(PLUGINS)


def test_a_warm_cache_loads_the_catalog_without_importing_detect_secrets(tmp_path):
    """The load-time rule reads the cache of the project (.cache/secrets-scan); after one load
    (here, in this process: it writes the same cache), a second process finds every line there
    and never imports detect-secrets."""
    from rules import load_catalog

    load_catalog(PROJECT_ROOT / "services.yaml")
    code = (
        "import sys; from rules import load_catalog; import validation.scan_cache as c; load_catalog(); "
        "print(c._DEFAULT.scanned, 'detect_secrets' in sys.modules)"
    )
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    second = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, check=True, capture_output=True, text=True
    )
    assert second.stdout.split() == ["0", "False"]


# --- through main.py, in a copy of the project ------------------------------------------------


def _main(project: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "CDKTF_OUTDIR": str(tmp_path / "cdktf.out"), "CHECKPOINT_DISABLE": "1"}
    # The project's -O byte-code (stacks/runtime.py): the copy's own cache is empty, and its rules
    # build the constructs, which would first compile the provider bindings again (~15 s of CPU).
    env["PYTHONPYCACHEPREFIX"] = PYCACHE
    env.pop("PG_CONN_STR", None)
    env.pop("CLUSTER_STATE_CATALOG", None)
    return subprocess.run(
        [sys.executable, "main.py"], cwd=project, env=env, capture_output=True, text=True, timeout=600
    )


def _plant(project: Path, relative: str, edit: Callable[[str], str]) -> None:
    path = project / relative
    path.write_text(edit(path.read_text()))


@pytest.fixture
def project(tmp_path) -> Path:
    from tests.project_copy import copy_project

    (tmp_path / "project").mkdir()
    project = copy_project(tmp_path / "project")
    # The project's scan results (gitignored, so not copied): the copy's loads then scan only the
    # planted lines with detect-secrets, not every line again (the cache answers what a cold scan
    # finds: test_cached_results_are_the_cold_scans_for_any_lines).
    if SCAN_CACHE.is_dir():
        shutil.copytree(SCAN_CACHE, project / SCAN_CACHE.relative_to(PROJECT_ROOT), copy_function=_copy_if_present)
    return project


def _copy_if_present(source: str, destination: str) -> None:
    """A shard's temporary file, renamed away by another test's load meanwhile, is not copied."""
    with contextlib.suppress(FileNotFoundError):
        shutil.copy2(source, destination)


@pytest.mark.slow
def test_main_refuses_a_secret_in_a_file_of_files_with_one_located_line(project, tmp_path):
    (project / "files" / "leak.conf").write_text(f"[db]\nhost = db.lan\n{SECRETS['private-key'][0]}\n")

    def edit(text: str) -> str:
        data = yaml.safe_load(text)
        data["services"]["overseerr"]["config_maps"] = {"overseerr-leak": {"files": {"leak.conf": "files/leak.conf"}}}
        return dump(data)

    _plant(project, "services.yaml", edit)
    result = _main(project, tmp_path)
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("services.overseerr.config_maps.overseerr-leak.files.leak.conf: rule no-literal-secrets: ")
    assert "Private Key" in line and line.endswith(")") and "(services.yaml:" in line
    assert not (tmp_path / "cdktf.out").exists()


@pytest.mark.slow
def test_main_refuses_secrets_in_a_builders_script_a_jobspec_and_a_manifest_body(project, tmp_path):
    """Three texts the catalog does not hold, each with a literal: one located line each (the
    gitlab-runner script is written twice, for its two workloads), exit 2, nothing written."""
    _plant(
        project,
        "configs/gitlab_runner.py",
        lambda t: t.replace(
            'f"{template_path} > {output_path}"',
            'f"{template_path} > {output_path}; export AWS_KEY=AKIAZ7Q3XK5MRP2LW4NB"',
        ),
    )
    _plant(project, "jobspecs/elk.nomad.hcl", lambda t: t + f"\n# {SECRETS['url-with-password'][0]}\n")

    def edit(text: str) -> str:
        data = yaml.safe_load(text)
        header = {"customRequestHeaders": {"X-Auth": SECRETS["keyword-token"][0]}}
        data["services"]["overseerr"]["middlewares"] = {"leaky": {"spec": {"headers": header}}}
        # only the entries that hold the three texts: the others would only make the build longer
        data["services"] = {name: data["services"][name] for name in ("gitlab-runner", "overseerr")}
        data["nomad"]["jobs"] = {"elk": data["nomad"]["jobs"]["elk"]}
        return dump(data)

    _plant(project, "services.yaml", edit)
    result = _main(project, tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 4, result.stderr
    assert all(" rule no-literal-secrets: " in line and "(services.yaml:" in line for line in lines), result.stderr
    starts = sorted(line.split(": rule")[0] for line in lines)
    assert starts == [
        "nomad.jobs.elk.jobspec",
        "services.gitlab-runner.workloads.gitlab-runner-amd64.init_containers.config-generator.script",
        "services.gitlab-runner.workloads.gitlab-runner-arm64.init_containers.config-generator.script",
        "services.overseerr",
    ]
    assert not (tmp_path / "cdktf.out").exists()


def test_cached_results_are_the_cold_scans_for_any_lines(tmp_path_factory):
    """Whatever the lines and their order, with repeats, a warm cache answers what a cold scan of
    the same lines finds."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from validation.scan_cache import ScanCache

    pieces = st.sampled_from([SECRETS[k][0] for k in sorted(SECRETS)] + PLACEHOLDERS + ["", "x: 1"])
    line = st.one_of(pieces, st.text(max_size=40), st.builds("{} {}".format, pieces, st.text(max_size=10)))
    folder = tmp_path_factory.mktemp("scan-cache")

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(line, max_size=12))
    def check(lines: list[str]) -> None:
        cold = _cold(lines)
        assert ScanCache(folder).kinds(lines) == cold  # filled by this call or earlier ones
        assert [sorted(k) for k in ScanCache(folder).kinds(lines)] == [sorted(k) for k in cold]

    check()
