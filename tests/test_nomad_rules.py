"""The operators' warnings on the Nomad side, checked on jobspecs as python-hcl2 parses them."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

import hcl2
import pytest

from rules import load_catalog, nomad
from rules.nomad import jobspec_problems, parsed_text
from tests.conftest import PROJECT_ROOT

JOBSPEC = """
job "web" {
  group "web" {
    service {
      port = 80
      connect {
        sidecar_service {}
        sidecar_task {
          resources {
            memory     = %(memory)s
            memory_max = %(memory_max)s
          }
        }
      }
    }
    task "web" {
      driver = "docker"
      config { image = "%(image)s" }
    }
  }
}
"""


def _problems(memory="256", memory_max="512", image="nginx:1.27") -> list[str]:
    spec = hcl2.loads(JOBSPEC % {"memory": memory, "memory_max": memory_max, "image": image})
    return list(jobspec_problems(spec, "web", set()))


def test_a_connect_sidecar_with_the_memory_envoy_needs_and_a_tagged_image_passes():
    assert _problems() == []


@pytest.mark.parametrize(
    ("settings", "fragment"),
    [
        ({"memory": "128"}, "sidecar_task needs resources.memory >= 256 (has 128)"),
        ({"memory_max": "256"}, "sidecar_task needs resources.memory_max >= 512 (has 256)"),
        ({"image": "nginx"}, "task 'web': image 'nginx' has no tag"),
        ({"image": "registry.lan:5000/nginx"}, "image 'registry.lan:5000/nginx' has no tag"),
    ],
)
def test_a_jobspec_breaking_an_operators_warning_is_refused(settings, fragment):
    (problem,) = _problems(**settings)
    assert fragment in problem


def test_a_connect_sidecar_without_sidecar_task_is_refused():
    text = JOBSPEC % {"memory": 1, "memory_max": 1, "image": "nginx:1"}
    start = text.index("        sidecar_task")
    end = text.index("      }\n    }\n    task")
    spec = hcl2.loads(text[:start] + text[end:])
    problems = list(jobspec_problems(spec, "web", set()))
    assert any("memory >= 256 (has None)" in p for p in problems), problems


def test_the_real_jobspecs_hold_the_warnings():
    load_catalog()  # raises on any finding


# --- the disk cache of parsed jobspecs (rules/nomad.py parsed_text) ------------------------------


def _entry(cache, text):
    [path] = [p for p in cache.rglob("*.json")]
    assert path.stem == hashlib.sha256(text.encode()).hexdigest()
    return path


def test_a_cached_jobspec_is_the_parse_of_python_hcl2_itself(tmp_path):
    text = JOBSPEC % {"memory": 256, "memory_max": 512, "image": "nginx:1.27"}
    first = parsed_text(text, cache=tmp_path)  # a miss: parsed and written
    entry = _entry(tmp_path, text)
    again = parsed_text(text, cache=tmp_path)  # a hit
    assert repr(first) == repr(again) == repr(hcl2.loads(text))  # same values, types and key order
    assert json.loads(entry.read_text())["spec"] == first


def test_an_edited_jobspec_is_parsed_again(tmp_path):
    low = JOBSPEC % {"memory": 128, "memory_max": 512, "image": "nginx:1.27"}
    high = JOBSPEC % {"memory": 256, "memory_max": 512, "image": "nginx:1.27"}
    parsed_text(high, cache=tmp_path)
    problems = list(jobspec_problems(parsed_text(low, cache=tmp_path), "web", set()))
    assert any("(has 128)" in problem for problem in problems), problems  # not the cached 256
    assert len(list(tmp_path.rglob("*.json"))) == 2


@pytest.mark.parametrize(
    "damage",
    ["not json", '{"digest": "0", "spec": {}}', '{"spec": []}', "[]"],
    ids=["corrupt", "another digest", "not a mapping", "not an entry"],
)
def test_a_damaged_entry_is_parsed_again_and_rewritten(tmp_path, damage):
    text = JOBSPEC % {"memory": 128, "memory_max": 512, "image": "nginx:1.27"}
    parsed_text(text, cache=tmp_path)
    entry = _entry(tmp_path, text)
    entry.write_text(damage)
    assert repr(parsed_text(text, cache=tmp_path)) == repr(hcl2.loads(text))
    assert json.loads(entry.read_text())["digest"] == entry.stem


def test_another_parser_version_reads_a_cache_of_its_own(tmp_path, monkeypatch):
    text = JOBSPEC % {"memory": 256, "memory_max": 512, "image": "nginx:1.27"}
    parsed_text(text, cache=tmp_path)
    real = nomad.metadata.version
    monkeypatch.setattr(nomad.metadata, "version", lambda name: "0.0" if name == "python-hcl2" else real(name))
    monkeypatch.setattr(nomad, "_parser_key", nomad._parser_key.__wrapped__)  # uncached: asks the versions again
    parsed_text(text, cache=tmp_path)
    assert len({p.parent for p in tmp_path.rglob("*.json")}) == 2


def test_an_unwritable_cache_only_costs_time(tmp_path):
    (tmp_path / "file").write_text("a file where the cache's folder would be")
    text = JOBSPEC % {"memory": 256, "memory_max": 512, "image": "nginx:1.27"}
    assert repr(parsed_text(text, cache=tmp_path / "file")) == repr(hcl2.loads(text))
    assert [p.name for p in tmp_path.iterdir()] == ["file"]


def test_with_every_jobspec_cached_a_catalog_loads_without_importing_the_parser(tmp_path):
    """What the cache is for: a process that loads the catalog imports neither python-hcl2 nor
    lark (~0.1 s) and parses nothing (~0.17 s), yet gets the same findings."""
    probe = (
        "import sys; from rules import load_catalog; load_catalog('services.yaml'); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('hcl2', 'lark')))"
    )
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    runs = [
        subprocess.run([sys.executable, "-c", probe], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
        for _ in range(2)  # the first fills the project's cache where it is still cold
    ]
    assert all(run.returncode == 0 for run in runs), [run.stderr for run in runs]
    assert runs[1].stdout.strip() == "[]", runs[1].stdout
