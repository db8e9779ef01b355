"""gitlab-runner: the config-generator init container's command."""

from __future__ import annotations

import re

TEMPLATE_PATH = "/template/config.toml.template"
CONFIG_PATH = "/config/config.toml"


def runner_config_command(runner_name: str, template_path: str = TEMPLATE_PATH, output_path: str = CONFIG_PATH) -> str:
    """``/bin/sh -c`` command writing the runner's config.toml from the shared template: the name
    is fixed here, the token comes from ``$RUNNER_TOKEN`` (the pod's secret env) at run time."""
    if not re.fullmatch(r"[A-Za-z0-9._-]+", runner_name):
        raise ValueError(f"runner name {runner_name!r} would break the sed expression")
    return (
        f'sed -e "s/RUNNER_NAME_PLACEHOLDER/{runner_name}/" -e "s/RUNNER_TOKEN_PLACEHOLDER/$RUNNER_TOKEN/" '
        f"{template_path} > {output_path}"
    )
