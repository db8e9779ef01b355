"""Shared pydantic base and value types of the catalog.

Every model is strict (no silent coercion of ``80`` into ``"80"``), closed (unknown keys are
errors, so a typo never silently disables a setting) and frozen (the catalog is read-only data
once loaded).
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Discriminator, Field, Tag

from catalog.errors import excerpt

DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
# Kubernetes resource.Quantity: a signed decimal with an optional binary or decimal suffix.
QUANTITY = re.compile(r"^[+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$")
ENV_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _dns_label(value: str) -> str:
    if len(value) > 63 or not DNS1123_LABEL.match(value):
        raise ValueError(
            f"{excerpt(repr(value))} is not a valid name: use lowercase letters, digits and '-', "
            "starting and ending with a letter or digit, at most 63 characters"
        )
    return value


def _hostname(value: str) -> str:
    if len(value) > 253 or not DNS1123_SUBDOMAIN.match(value):
        raise ValueError(f"{excerpt(repr(value))} is not a valid hostname: use lowercase dns labels separated by '.'")
    return value


def _ingress_host(value: str) -> str:
    """An Ingress host may be a wildcard (``*.example.org``), as networking/v1 allows."""
    if not value.startswith("*.") or len(value) > 253 or not DNS1123_SUBDOMAIN.match(value[2:]):
        return _hostname(value)
    return value


def _quantity(value: str) -> str:
    if not QUANTITY.match(value):
        raise ValueError(
            f"{excerpt(repr(value))} is not a kubernetes quantity; expected e.g. '100m', '0.5', '256Mi', '2Gi'"
        )
    return value


def _env_name(value: str) -> str:
    if not ENV_NAME.match(value):
        raise ValueError(f"{excerpt(repr(value))} is not a valid environment variable name")
    return value


Name = Annotated[str, AfterValidator(_dns_label)]
Hostname = Annotated[str, AfterValidator(_hostname)]
IngressHost = Annotated[str, AfterValidator(_ingress_host)]
Quantity = Annotated[str, AfterValidator(_quantity)]
# A container image reference; pinned to a tag or digest by the rule image-tag-required
# (rules/pods.py, waivable per service), its grammar by image-reference-syntax (rules/api_server.py).
Image = Annotated[str, "container image"]  # the marker lets tools find every image field of the model
EnvName = Annotated[str, AfterValidator(_env_name)]
Port = Annotated[int, Field(ge=1, le=65535)]
NodePort = Annotated[int, Field(ge=30000, le=32767)]
Seconds = Annotated[int, Field(ge=0)]


def tagged_union(members: tuple[type[BaseModel], ...], tag: Callable[[Any], str | None], error: str) -> Any:
    """A union of models, the member picked by ``tag(value)`` (a member's class name; the loader
    leaves those out of error paths); ``error`` is the message when no member fits."""
    union = functools.reduce(operator.or_, [Annotated[m, Tag(m.__name__)] for m in members])
    return Annotated[union, Discriminator(tag, custom_error_type="tagged_union", custom_error_message=error)]
