"""Renovate can update every image: its regex managers (renovate.json) find each image of the
catalog and of the jobspecs, with the exact name and tag the catalog uses."""

from __future__ import annotations

import json
import re

from tests.conftest import PROJECT_ROOT

CONFIG = json.loads((PROJECT_ROOT / "renovate.json").read_text())


def _python_regex(js: str) -> re.Pattern[str]:
    return re.compile(js.replace("(?<", "(?P<"), re.MULTILINE)


def _matches(path_pattern: str, text: str) -> list[dict[str, str]]:
    found = []
    for manager in CONFIG["customManagers"]:
        if not any(re.search(p.strip("/"), path_pattern) for p in manager["managerFilePatterns"]):
            continue
        for js in manager["matchStrings"]:
            found += [m.groupdict() for m in _python_regex(js).finditer(text)]
    return found


def _catalog_images(catalog) -> set[str]:
    images = {catalog.cluster.litestream_image}
    for service in catalog.services.values():
        for wl in service.workloads.values():
            images |= {c.image for c in {**wl.init_containers, **wl.containers}.values()}
        for cj in service.cron_jobs.values():
            images |= {c.image for c in cj.containers.values()}
    return images


def test_the_regex_finds_every_image_of_the_catalog_with_its_tag(catalog):
    found = {
        f"{m['depName']}:{m['currentValue']}"
        for m in _matches("services.yaml", (PROJECT_ROOT / "services.yaml").read_text())
    }
    missing = _catalog_images(catalog) - found
    assert not missing, f"Renovate would not see: {sorted(missing)}"


def test_the_regex_finds_only_images(catalog):
    found = {
        f"{m['depName']}:{m['currentValue']}"
        for m in _matches("services.yaml", (PROJECT_ROOT / "services.yaml").read_text())
        if "datasource" not in m
    }
    assert found == _catalog_images(catalog)


def test_the_pinned_elastic_version_is_visible_to_renovate(catalog):
    pins = [m for m in _matches("services.yaml", (PROJECT_ROOT / "services.yaml").read_text()) if m.get("datasource")]
    assert {(m["depName"], m["currentValue"]) for m in pins} == {
        ("docker.elastic.co/elasticsearch/elasticsearch", catalog.nomad.jobs["elk"].vars["elastic_version"])
    }


def test_images_of_the_jobspecs_with_a_literal_tag_are_found():
    for path in sorted((PROJECT_ROOT / "jobspecs").glob("*.nomad.hcl")):
        text = path.read_text()
        literal = re.findall(r'image\s*=\s*"([^"$]+:[^"$]+)"', text)
        found = {f"{m['depName']}:{m['currentValue']}" for m in _matches(f"jobspecs/{path.name}", text)}
        assert set(literal) == found, path.name


def test_an_image_line_in_a_new_shape_is_noticed():
    text = "    image: ghcr.io/example/app:v1.2.3  # pinned\n    image: 'quay.io/x/y:2'\n"
    assert [(m["depName"], m["currentValue"]) for m in _matches("services.yaml", text)] == [
        ("ghcr.io/example/app", "v1.2.3"),
        ("quay.io/x/y", "2"),
    ]
