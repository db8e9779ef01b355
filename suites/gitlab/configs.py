"""GitLab Omnibus settings (``GITLAB_OMNIBUS_CONFIG``) of the single gitlab-ce pod.

Traefik terminates TLS, so the bundled nginx serves plain HTTP on :80 for both GitLab and the
registry and tells Rails the request was HTTPS. PostgreSQL is external. ``/var/opt/gitlab`` is
GlusterFS, which cannot hold unix sockets: puma, gitaly and redis keep theirs (or their runtime
files) under ``/run`` inside the container, redis and workhorse talk TCP on loopback. The
database password is read from the pod's env when Omnibus reconfigures, never written here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from suites.gitlab.ruby import SymbolHash, env, ruby_literal
from suites.params import Database

# Loopback plus the k3s pod and service networks may scrape the health/metrics endpoints.
MONITORING_WHITELIST = ("127.0.0.0/8", "::1/128", "10.42.0.0/16", "10.43.0.0/16")
GITALY_SOCKET = "/run/gitaly/gitaly.socket"
PUMA_PORT = 8080

# One section of gitlab.rb: a comment and its ``(target, key, value)`` settings; ``key`` None is
# a method call (``external_url 'https://...'``), otherwise ``target['key'] = value``.
Section = tuple[str, list[tuple[str, str | None, Any]]]


def omnibus_settings(
    *,
    gitlab_hostname: str,
    registry_hostname: str,
    ssh_port: int,
    database: Database,
    db_password_env: str = "GITLAB_DB_PASSWORD",
    monitoring_whitelist: Sequence[str] = MONITORING_WHITELIST,
) -> list[Section]:
    """The settings as data, in gitlab.rb order."""
    behind_tls_proxy = {"X-Forwarded-Proto": "https", "X-Forwarded-Ssl": "on"}

    def plain_http_nginx(target: str) -> list[tuple[str, str | None, Any]]:
        return [
            (target, "listen_port", 80),
            (target, "listen_https", False),
            (target, "proxy_set_headers", dict(behind_tls_proxy)),
            (target, "custom_gitlab_server_config", "access_log off;"),
        ]

    return [
        (
            "Public URLs; Traefik terminates TLS in front of the bundled nginx",
            [
                ("external_url", None, f"https://{gitlab_hostname}"),
                ("registry_external_url", None, f"https://{registry_hostname}"),
                ("letsencrypt", "enable", False),
            ],
        ),
        ("GitLab behind the proxy", plain_http_nginx("nginx")),
        ("Container registry behind the proxy", plain_http_nginx("registry_nginx")),
        ("SSH reaches the pod through hostPort/NodePort", [("gitlab_rails", "gitlab_shell_ssh_port", ssh_port)]),
        (
            "Puma in single mode; its socket must not live on GlusterFS",
            [
                ("puma", "worker_processes", 0),
                ("puma", "socket", "/run/gitlab/gitlab.socket"),
                ("puma", "listen", "127.0.0.1"),
                ("puma", "port", PUMA_PORT),
                ("sidekiq", "max_concurrency", 5),
            ],
        ),
        (
            "Monitoring: no bundled Prometheus; health checks from the cluster networks",
            [
                ("prometheus_monitoring", "enable", False),
                ("gitlab_rails", "monitoring_whitelist", list(monitoring_whitelist)),
                ("gitlab_rails", "env", {"GITLAB_LOG_LEVEL": "warn", "SIDEKIQ_LOG_ARGUMENTS": "0"}),
            ],
        ),
        (
            "External PostgreSQL; the password comes from the pod's secret env",
            [
                ("postgresql", "enable", False),
                ("gitlab_rails", "db_adapter", "postgresql"),
                ("gitlab_rails", "db_encoding", "unicode"),
                ("gitlab_rails", "db_host", database.host),
                ("gitlab_rails", "db_port", database.port),
                ("gitlab_rails", "db_database", database.name),
                ("gitlab_rails", "db_username", database.user),
                ("gitlab_rails", "db_password", env(db_password_env)),
            ],
        ),
        (
            "Gitaly: runtime files and socket under /run, repositories on the data volume",
            [
                (
                    "gitaly",
                    "configuration",
                    SymbolHash(
                        runtime_dir="/run/gitaly",
                        socket_path=GITALY_SOCKET,
                        storage=[SymbolHash(name="default", path="/var/opt/gitlab/git-data/repositories")],
                    ),
                ),
                ("gitlab_rails", "gitaly_token", ""),
                ("gitlab_rails", "repositories_storages", {"default": {"gitaly_address": f"unix:{GITALY_SOCKET}"}}),
            ],
        ),
        (
            "Redis over loopback TCP, no persistence",
            [
                ("redis", "bind", "127.0.0.1"),
                ("redis", "port", 6379),
                ("redis", "unixsocket", False),
                ("redis", "save", []),
                ("redis", "stop_writes_on_bgsave_error", False),
                ("redis", "dir", "/run/redis"),
                ("gitlab_rails", "redis_host", "127.0.0.1"),
                ("gitlab_rails", "redis_port", 6379),
            ],
        ),
        (
            "Workhorse over loopback TCP to Puma",
            [
                ("gitlab_workhorse", "listen_network", "tcp"),
                ("gitlab_workhorse", "listen_addr", "127.0.0.1:8181"),
                ("gitlab_workhorse", "auth_backend", f"http://127.0.0.1:{PUMA_PORT}"),
                ("gitlab_rails", "action_cable_in_app", True),
            ],
        ),
    ]


def render_gitlab_rb(sections: list[Section]) -> str:
    """gitlab.rb text of ``sections``."""
    lines: list[str] = []
    for comment, settings in sections:
        if lines:
            lines.append("")
        lines.append(f"# {comment}")
        for target, key, value in settings:
            if key is None:
                lines.append(f"{target} {ruby_literal(value)}")
            else:
                lines.append(f"{target}[{ruby_literal(key)}] = {ruby_literal(value)}")
    return "\n".join(lines) + "\n"


def omnibus_config(**parameters: Any) -> str:
    """``GITLAB_OMNIBUS_CONFIG`` text; takes the keyword parameters of :func:`omnibus_settings`."""
    return render_gitlab_rb(omnibus_settings(**parameters))
