"""gitlab-runner: the config.toml template and the config-generator command, run for real."""

from __future__ import annotations

import tomllib

import pytest
from config_test_helpers import FILES, kubelet_references, reference_resource, run_sh

from configs.gitlab_runner import runner_config_command

TEMPLATE = FILES / "gitlab-runner" / "config.toml.template"


def test_template_is_valid_toml_with_one_privileged_docker_runner():
    config = tomllib.loads(TEMPLATE.read_text())
    assert {key: config[key] for key in ("concurrent", "check_interval", "shutdown_timeout")} == {
        "concurrent": 1,
        "check_interval": 30,
        "shutdown_timeout": 0,
    }
    assert config["session_server"] == {"session_timeout": 1800}
    [runner] = config["runners"]
    assert runner["name"] == "RUNNER_NAME_PLACEHOLDER"
    assert runner["token"] == "RUNNER_TOKEN_PLACEHOLDER"
    assert runner["url"] == "https://git.brmartin.co.uk"
    assert runner["executor"] == "docker"
    assert runner["docker"] == {
        "tls_verify": False,
        "image": "alpine:latest",
        "privileged": True,
        "disable_entrypoint_overwrite": False,
        "oom_kill_disable": False,
        "disable_cache": False,
        "volumes": ["/cache", "/var/run/docker.sock:/var/run/docker.sock"],
        "shm_size": 0,
        "network_mtu": 0,
    }


def test_template_equals_the_reference_facts():
    facts = reference_resource("k8s_gitlab_runner", "gitlab-runner-config-template", "ConfigMap")["data"]
    assert tomllib.loads(TEMPLATE.read_text()) == facts["config.toml.template"]["facts"]


@pytest.mark.parametrize("arch", ["amd64", "arm64"])
def test_command_is_exactly_the_reference_sed_command(arch):
    expected = (
        f'sed -e "s/RUNNER_NAME_PLACEHOLDER/k8s-{arch}/" -e "s/RUNNER_TOKEN_PLACEHOLDER/$RUNNER_TOKEN/" '
        "/template/config.toml.template > /config/config.toml"
    )
    assert runner_config_command(f"k8s-{arch}") == expected
    assert kubelet_references(expected) == []


@pytest.mark.parametrize("arch", ["amd64", "arm64"])
def test_command_equals_the_reference_init_container_arg(arch):
    deployment = reference_resource("k8s_gitlab_runner", f"gitlab-runner-{arch}", "Deployment")
    assert [runner_config_command(f"k8s-{arch}")] == deployment["init_containers"][0]["args"]


def test_command_writes_a_config_with_the_runner_name_and_the_token_from_env(tmp_path):
    output = tmp_path / "config.toml"
    command = runner_config_command("k8s-arm64", template_path=str(TEMPLATE), output_path=str(output))
    result = run_sh(command, env={"RUNNER_TOKEN": "glrt-Test_token-123"})
    assert result.returncode == 0, result.stderr
    [runner] = tomllib.loads(output.read_text())["runners"]
    assert (runner["name"], runner["token"]) == ("k8s-arm64", "glrt-Test_token-123")


@pytest.mark.parametrize("name", ["a/b", 'x"y', "", "k8s amd64", "a&b"])
def test_command_refuses_names_that_would_break_the_sed_expression(name):
    with pytest.raises(ValueError):
        runner_config_command(name)
