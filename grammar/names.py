"""Names, label keys and values, and port names, as k8s.io/apimachinery/pkg/util/validation
checks them (IsDNS1123Label, IsDNS1123Subdomain, IsDNS1035Label, IsQualifiedName,
IsValidLabelValue, IsValidPortName)."""

from __future__ import annotations

import re

_DNS1123_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_DNS1035_LABEL = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?")
_QUALIFIED_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
_PORT_NAME = re.compile(r"[-a-z0-9]+")
_WILDCARD_HOST = re.compile(r"\*\.(.+)")


def dns1123_label(value: str) -> str | None:
    if len(value) > 63:
        return f"must be at most 63 characters (has {len(value)})"
    if not _DNS1123_LABEL.fullmatch(value):
        return "must be lowercase letters, digits and '-', starting and ending with a letter or digit"
    return None


def dns1123_subdomain(value: str) -> str | None:
    if len(value) > 253:
        return f"must be at most 253 characters (has {len(value)})"
    if not _DNS1123_SUBDOMAIN.fullmatch(value):
        return "must be lowercase dns labels (letters, digits, '-') separated by '.'"
    return None


def dns1035_label(value: str) -> str | None:
    """A Service name: a DNS-1123 label that starts with a letter."""
    if len(value) > 63:
        return f"must be at most 63 characters (has {len(value)})"
    if not _DNS1035_LABEL.fullmatch(value):
        return "must start with a lowercase letter and hold only lowercase letters, digits and '-'"
    return None


def qualified_name(value: str) -> str | None:
    """A label or annotation key: ``[prefix/]name``, prefix a DNS subdomain, name <= 63."""
    prefix, slash, name = value.rpartition("/")
    if slash and not prefix:
        return "has an empty prefix before '/'"
    if "/" in prefix:
        return "may hold at most one '/'"
    if prefix and (problem := dns1123_subdomain(prefix)):
        return f"prefix {problem}"
    if not name:
        return "has an empty name"
    if len(name) > 63:
        return f"name part must be at most 63 characters (has {len(name)})"
    if not _QUALIFIED_NAME.fullmatch(name):
        return "name part must be letters, digits, '-', '_' or '.', starting and ending with a letter or digit"
    return None


def label_value(value: str) -> str | None:
    if len(value) > 63:
        return f"must be at most 63 characters (has {len(value)})"
    if value and not _QUALIFIED_NAME.fullmatch(value):
        return "must be empty or letters, digits, '-', '_' or '.', starting and ending with a letter or digit"
    return None


def port_name(value: str) -> str | None:
    """An IANA service name (RFC 6335), as container and Service port names must be."""
    if len(value) > 15:
        return f"must be at most 15 characters (has {len(value)})"
    if not _PORT_NAME.fullmatch(value):
        return "must hold only lowercase letters, digits and '-'"
    if not re.search(r"[a-z]", value):
        return "must hold at least one letter"
    if "--" in value:
        return "must not hold '--'"
    if value.startswith("-") or value.endswith("-"):
        return "must not start or end with '-'"
    return None


def host(value: str, wildcard: bool = True) -> str | None:
    """An Ingress host: a DNS subdomain, or ``*.`` followed by one where wildcards are allowed."""
    match = _WILDCARD_HOST.fullmatch(value)
    if match and wildcard:
        return dns1123_subdomain(match.group(1))
    return dns1123_subdomain(value)
