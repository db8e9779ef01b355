"""The params of the gitlab suite (``params:`` of the entry with ``suite: gitlab``)."""

from __future__ import annotations

from typing import ClassVar

from catalog.model.base import EnvName
from suites.params import Database, SuiteParams


class GitlabParams(SuiteParams):
    """The gitlab suite: GitLab Omnibus (with its registry) in one privileged pod.

    Generated from these: the ``GITLAB_OMNIBUS_CONFIG`` env var (gitlab.rb settings) of
    container ``gitlab`` of workload ``gitlab``, written first in its env. The database password
    reaches Omnibus as the container's env var ``db_password_env``. GitLab's and the registry's
    hostnames are the hosts of the entry's IngressRoutes ``gitlab`` and ``gitlab-registry``, the
    SSH port users clone over is the ``host_port`` of that container's port ``ssh`` (read from
    there, see ``suites/gitlab/__init__.py``).
    """

    OMNIBUS_WORKLOAD: ClassVar[str] = "gitlab"
    OMNIBUS_CONTAINER: ClassVar[str] = "gitlab"
    OMNIBUS_ENV: ClassVar[str] = "GITLAB_OMNIBUS_CONFIG"

    database: Database
    db_password_env: EnvName = "GITLAB_DB_PASSWORD"
