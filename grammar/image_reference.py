"""Container image references, as the distribution reference grammar (which the kubelet and
every registry client use) defines them:

    reference := name [ ":" tag ] [ "@" digest ]
    name      := [domain "/"] path-component ["/" path-component]*   (lowercase, <= 255)
    tag       := [\\w][\\w.-]{0,127}
    digest    := algorithm ":" hex   (sha256: 64 hex digits, sha512: 128)
"""

from __future__ import annotations

import re

_ALNUM = r"[a-z0-9]+"
_SEPARATOR = r"(?:[._]|__|[-]+)"
_PATH_COMPONENT = rf"{_ALNUM}(?:{_SEPARATOR}{_ALNUM})*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?"
_NAME = re.compile(rf"(?:{_DOMAIN}/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*")
_TAG = re.compile(r"[\w][\w.-]{0,127}")
_DIGEST = re.compile(r"(?P<algorithm>[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*):(?P<hex>[0-9a-fA-F]{32,})")
_DIGEST_LENGTHS = {"sha256": 64, "sha384": 96, "sha512": 128}


def split(reference: str) -> tuple[str, str | None, str | None]:
    """``(name, tag, digest)`` of a reference, without judging it."""
    rest, _, digest = reference.partition("@")
    name, tag = rest, None
    slash = rest.rfind("/")
    colon = rest.rfind(":")
    if colon > slash:
        name, tag = rest[:colon], rest[colon + 1 :]
    return name, tag, digest or None


def image_reference(reference: str) -> str | None:
    if not reference:
        return "is empty"
    if re.search(r"\s", reference):
        return "holds whitespace"
    name, tag, digest = split(reference)
    if not _NAME.fullmatch(name):
        path = name.split("/", 1)[-1] if "/" in name and re.search(r"[.:]|^localhost/", name) else name
        if path != path.lower():
            return f"repository {name!r} must be lowercase"
        return f"repository {name!r} is not a valid name (lowercase path components separated by '/')"
    if len(name) > 255:
        return f"repository name must be at most 255 characters (has {len(name)})"
    if tag is not None and not _TAG.fullmatch(tag):
        return f"tag {tag!r} is not valid (letters, digits, '_', '.', '-'; at most 128, not starting with '.' or '-')"
    if digest is not None:
        match = _DIGEST.fullmatch(digest)
        if not match:
            return f"digest {digest!r} is not '<algorithm>:<hex>'"
        expected = _DIGEST_LENGTHS.get(match.group("algorithm"))
        if expected is not None and len(match.group("hex")) != expected:
            return f"a {match.group('algorithm')} digest has {expected} hex digits (has {len(match.group('hex'))})"
        if match.group("hex") != match.group("hex").lower():
            return "a digest's hex digits must be lowercase"
    return None
