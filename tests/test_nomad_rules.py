"""The operators' warnings on the Nomad side, checked on jobspecs as python-hcl2 parses them."""

from __future__ import annotations

import hcl2
import pytest

from rules import load_catalog
from rules.nomad import jobspec_problems

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
