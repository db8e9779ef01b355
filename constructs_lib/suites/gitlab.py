"""The gitlab suite: GitLab Omnibus's settings (``GITLAB_OMNIBUS_CONFIG``) generated from
``params`` (``GitlabParams``); the rest of the pod is the entry's generic data."""

from __future__ import annotations

from catalog.model import Cluster, Service
from catalog.model.suites import GitlabParams
from configs.gitlab import omnibus_config
from constructs_lib.suites.base import Suite, suite_params, with_env_first


def gitlab_omnibus_config(p: GitlabParams) -> str:
    """The gitlab.rb text of ``GITLAB_OMNIBUS_CONFIG``; the database password stays an
    ``ENV[...]`` reference to the container's secret env var."""
    return omnibus_config(
        gitlab_hostname=p.gitlab_hostname,
        registry_hostname=p.registry_hostname,
        ssh_port=p.ssh_port,
        db_host=p.database.host,
        db_port=p.database.port,
        db_name=p.database.name,
        db_user=p.database.user,
        db_password_env=p.db_password_env,
    )


class GitlabSuite(Suite):
    """GitLab CE with its container registry, SSH on a hostPort and a NodePort."""

    @classmethod
    def complete(cls, name: str, service: Service, cluster: Cluster) -> Service:
        p = suite_params(service, GitlabParams)
        return with_env_first(service, p.OMNIBUS_WORKLOAD, p.OMNIBUS_CONTAINER, p.OMNIBUS_ENV, gitlab_omnibus_config(p))
