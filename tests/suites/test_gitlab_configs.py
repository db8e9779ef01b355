"""GitLab Omnibus settings: the GITLAB_OMNIBUS_CONFIG text checked and evaluated by Ruby itself
(`ruby -c`, then omnibus_stub.rb: a small stand-in for Omnibus's configuration objects)."""

from __future__ import annotations

import pytest

from suites.gitlab.configs import omnibus_config
from suites.gitlab.ruby import RubyExpr, SymbolHash, env, ruby_literal
from suites.params import Database
from tests.configs.config_test_helpers import reference_resource
from tests.suites.omnibus_stub import check_syntax, read_gitlab_rb

PARAMETERS = {
    "gitlab_hostname": "git.brmartin.co.uk",
    "registry_hostname": "registry.brmartin.co.uk",
    "ssh_port": 2222,
    "database": Database(host="192.168.1.10", port=5433, name="gitlabhq_production", user="gitlab"),
}
# What the pod's secret env holds when Omnibus reconfigures: gitlab.rb must read it from there.
DB_PASSWORD = "password-from-the-pod-env"
BEHIND_PROXY = {"X-Forwarded-Proto": "https", "X-Forwarded-Ssl": "on"}


@pytest.fixture(scope="module")
def gitlab_rb():
    return read_gitlab_rb(omnibus_config(**PARAMETERS), env={"GITLAB_DB_PASSWORD": DB_PASSWORD})


def test_external_urls_use_https_for_gitlab_and_registry(gitlab_rb):
    calls, settings = gitlab_rb
    assert calls == {
        "external_url": "https://git.brmartin.co.uk",
        "registry_external_url": "https://registry.brmartin.co.uk",
    }
    assert settings["letsencrypt"] == {"enable": False}


@pytest.mark.parametrize("target", ["nginx", "registry_nginx"])
def test_bundled_nginx_serves_plain_http_behind_the_tls_proxy_without_access_log(gitlab_rb, target):
    assert gitlab_rb[1][target] == {
        "listen_port": 80,
        "listen_https": False,
        "proxy_set_headers": BEHIND_PROXY,
        "custom_gitlab_server_config": "access_log off;",
    }


def test_ssh_port_is_the_host_port(gitlab_rb):
    assert gitlab_rb[1]["gitlab_rails"]["gitlab_shell_ssh_port"] == 2222


def test_puma_runs_single_mode_with_its_socket_under_run(gitlab_rb):
    settings = gitlab_rb[1]
    assert settings["puma"] == {
        "worker_processes": 0,
        "socket": "/run/gitlab/gitlab.socket",
        "listen": "127.0.0.1",
        "port": 8080,
    }
    assert settings["sidekiq"] == {"max_concurrency": 5}


def test_monitoring_is_off_and_whitelists_loopback_and_cluster_networks(gitlab_rb):
    settings = gitlab_rb[1]
    assert settings["prometheus_monitoring"] == {"enable": False}
    rails = settings["gitlab_rails"]
    assert rails["monitoring_whitelist"] == ["127.0.0.0/8", "::1/128", "10.42.0.0/16", "10.43.0.0/16"]
    assert rails["env"] == {"GITLAB_LOG_LEVEL": "warn", "SIDEKIQ_LOG_ARGUMENTS": "0"}


def test_database_is_external_postgres_with_the_password_read_from_env(gitlab_rb):
    settings = gitlab_rb[1]
    assert settings["postgresql"] == {"enable": False}
    database = {key: value for key, value in settings["gitlab_rails"].items() if key.startswith("db_")}
    assert database == {
        "db_adapter": "postgresql",
        "db_encoding": "unicode",
        "db_host": "192.168.1.10",
        "db_port": 5433,
        "db_database": "gitlabhq_production",
        "db_username": "gitlab",
        "db_password": DB_PASSWORD,
    }


def test_gitaly_keeps_runtime_files_and_socket_under_run(gitlab_rb):
    settings = gitlab_rb[1]
    assert settings["gitaly"] == {
        "configuration": {
            ":runtime_dir": "/run/gitaly",
            ":socket_path": "/run/gitaly/gitaly.socket",
            ":storage": [{":name": "default", ":path": "/var/opt/gitlab/git-data/repositories"}],
        }
    }
    rails = settings["gitlab_rails"]
    assert rails["gitaly_token"] == ""
    assert rails["repositories_storages"] == {"default": {"gitaly_address": "unix:/run/gitaly/gitaly.socket"}}


def test_redis_listens_on_loopback_tcp_without_persistence(gitlab_rb):
    settings = gitlab_rb[1]
    assert settings["redis"] == {
        "bind": "127.0.0.1",
        "port": 6379,
        "unixsocket": False,
        "save": [],
        "stop_writes_on_bgsave_error": False,
        "dir": "/run/redis",
    }
    rails = settings["gitlab_rails"]
    assert f"{rails['redis_host']}:{rails['redis_port']}" == "127.0.0.1:6379"


def test_workhorse_talks_tcp_to_puma_and_action_cable_runs_in_app(gitlab_rb):
    settings = gitlab_rb[1]
    assert settings["gitlab_workhorse"] == {
        "listen_network": "tcp",
        "listen_addr": "127.0.0.1:8181",
        "auth_backend": "http://127.0.0.1:8080",
    }
    assert settings["gitlab_rails"]["action_cable_in_app"] is True


def test_parameters_reach_the_settings():
    calls, settings = read_gitlab_rb(
        omnibus_config(
            **{
                **PARAMETERS,
                "gitlab_hostname": "gl.example",
                "ssh_port": 2022,
                "database": PARAMETERS["database"].model_copy(update={"port": 6543}),
            }
        )
    )
    assert calls["external_url"] == "https://gl.example"
    assert settings["gitlab_rails"]["gitlab_shell_ssh_port"] == 2022
    assert settings["gitlab_rails"]["db_port"] == 6543


def test_ruby_strings_escape_quotes_and_backslashes():
    tricky = "it's a \\ path"
    _, settings = read_gitlab_rb(f"gitlab_rails['k'] = {ruby_literal(tricky)}\n")
    assert settings["gitlab_rails"]["k"] == tricky


def test_ruby_literals_cover_nested_hashes_symbol_hashes_and_env():
    value = {"a": [1, True, None, SymbolHash(b="c")], "d": env("SOME_VAR")}
    _, settings = read_gitlab_rb(
        f"gitlab_rails['k'] = {ruby_literal(value)}\n", env={"SOME_VAR": "read at reconfigure"}
    )
    assert settings["gitlab_rails"]["k"] == {"a": [1, True, None, {":b": "c"}], "d": "read at reconfigure"}
    assert isinstance(env("X"), RubyExpr)
    with pytest.raises(ValueError):
        env("X'] + `id` + ENV['Y")


def test_settings_equal_the_reference_facts(gitlab_rb):
    container = reference_resource("k8s_gitlab", "gitlab", "Deployment")["containers"][0]
    facts = container["env"][0]["GITLAB_OMNIBUS_CONFIG"]["facts"]
    calls, settings = gitlab_rb
    rails = settings["gitlab_rails"]
    assert calls["external_url"] == facts["external_url"]
    assert calls["registry_external_url"] == facts["registry_external_url"]
    assert settings["nginx"] == facts["nginx"]
    assert settings["registry_nginx"] == facts["registry_nginx"]
    assert settings["puma"] == facts["puma"]
    assert settings["sidekiq"]["max_concurrency"] == facts["sidekiq_max_concurrency"]
    assert settings["letsencrypt"]["enable"] == facts["letsencrypt_enable"]
    assert settings["prometheus_monitoring"]["enable"] == facts["prometheus_monitoring_enable"]
    assert settings["postgresql"]["enable"] == facts["postgresql_enable"]
    assert rails["action_cable_in_app"] == facts["action_cable_in_app"]
    assert rails["gitlab_shell_ssh_port"] == facts["gitlab_shell_ssh_port"]
    assert rails["monitoring_whitelist"] == facts["monitoring_whitelist"]
    assert rails["env"] == facts["rails_env"]
    assert {key: rails[f"db_{key}"] for key in ("adapter", "encoding", "host", "port", "database", "username")} == {
        key: value for key, value in facts["database"].items() if key != "password"
    }
    assert settings["redis"] == {k: v for k, v in facts["redis"].items() if k != "rails_redis"}
    assert f"{rails['redis_host']}:{rails['redis_port']}" == facts["redis"]["rails_redis"]
    assert settings["gitlab_workhorse"] == facts["workhorse"]
    gitaly = settings["gitaly"]["configuration"]
    assert gitaly[":runtime_dir"] == facts["gitaly"]["runtime_dir"]
    assert gitaly[":socket_path"] == facts["gitaly"]["socket_path"]
    assert {s[":name"]: s[":path"] for s in gitaly[":storage"]} == facts["gitaly"]["storage"]
    assert rails["gitaly_token"] == facts["gitaly"]["gitaly_token"]
    storages = {name: s["gitaly_address"] for name, s in rails["repositories_storages"].items()}
    assert storages == facts["gitaly"]["rails_repositories_storages"]


def test_ruby_refuses_what_omnibus_would_refuse():
    """The two checks can fail: a syntax error for `ruby -c`, a misspelt root for the stub."""
    broken = check_syntax("gitlab_rails['db_host'] = '192.168.1.10\n")
    assert broken.returncode != 0 and "unterminated string" in broken.stderr
    with pytest.raises(AssertionError, match="undefined local variable or method `gitlab_railz'"):
        read_gitlab_rb("gitlab_railz['db_host'] = 'x'\n")
