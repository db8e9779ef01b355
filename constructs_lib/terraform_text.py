"""Literal text inside Terraform configuration.

Terraform interpolates ``${...}`` and ``%{...}`` in every string of the configuration. Config
files, scripts and manifest bodies are literal text for another program (a shell, nginx,
Nomad), so each such string goes through :func:`literal` before it reaches cdktf.
"""

from __future__ import annotations


def literal(text: str) -> str:
    """Escapes Terraform template sequences so that ``text`` reaches the resource unchanged.

    Every occurrence is escaped, so an escape already in the text (a jobspec's ``$${X}``, which
    Nomad turns into a literal ``${X}``) becomes ``$$${X}`` and reaches the program as written."""
    return text.replace("${", "$${").replace("%{", "%%{")


def unescape(text: str) -> str:
    """The inverse of :func:`literal`: what the resource receives."""
    return text.replace("$${", "${").replace("%%{", "%{")
