"""One construct per multi-component suite of the catalog (``suite:`` of a service entry).

Each is the generic :class:`~constructs_lib.app.App` rendering the entry after the suite has
added what it generates from its typed ``params`` (``catalog/model/suites.py``); workloads,
Services, routes, middlewares and secrets go through the same constructs as every service.
"""

from __future__ import annotations

from catalog.model import Service
from constructs_lib.app import App
from constructs_lib.suites.appflowy import AppflowySuite
from constructs_lib.suites.gitlab import GitlabSuite
from constructs_lib.suites.matrix import MatrixSuite
from constructs_lib.suites.nextcloud import NextcloudSuite

SUITES: dict[str, type[App]] = {
    "matrix": MatrixSuite,
    "appflowy": AppflowySuite,
    "nextcloud": NextcloudSuite,
    "gitlab": GitlabSuite,
}


def construct_for(service: Service) -> type[App]:
    """The construct that renders ``service``: its suite's, or the generic App."""
    return SUITES[service.suite] if service.suite is not None else App


__all__ = ["SUITES", "AppflowySuite", "GitlabSuite", "MatrixSuite", "NextcloudSuite", "construct_for"]
