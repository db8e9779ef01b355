"""The params of the gitlab suite (``params:`` of the entry with ``suite: gitlab``)."""

from __future__ import annotations

from typing import ClassVar

from catalog.model.base import EnvName, Hostname, Port
from suites.params import Database, SuiteParams


class GitlabParams(SuiteParams):
    """The gitlab suite: GitLab Omnibus (with its registry) in one privileged pod.

    Generated from these: the ``GITLAB_OMNIBUS_CONFIG`` env var (gitlab.rb settings) of
    container ``gitlab`` of workload ``gitlab``, written first in its env. ``ssh_port`` is the
    port users clone over: it must be the ``host_port`` of one of that container's ports. The
    database password reaches Omnibus as the container's env var ``db_password_env``.
    """

    OMNIBUS_WORKLOAD: ClassVar[str] = "gitlab"
    OMNIBUS_CONTAINER: ClassVar[str] = "gitlab"
    OMNIBUS_ENV: ClassVar[str] = "GITLAB_OMNIBUS_CONFIG"

    gitlab_hostname: Hostname
    registry_hostname: Hostname
    ssh_port: Port
    database: Database
    db_password_env: EnvName = "GITLAB_DB_PASSWORD"

    def routed_hostnames(self) -> dict[str, str]:
        return {"gitlab_hostname": self.gitlab_hostname, "registry_hostname": self.registry_hostname}
