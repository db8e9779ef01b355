"""Pure helpers of constructs_lib for tests that only read synthesized output, imported when
first called: importing anything from constructs_lib starts the jsii kernel and loads cdktf
(~2 s of CPU, node included), which a pytest worker would otherwise pay while collecting, even if
it runs none of the tests that use them. Each is the project's own function, not a copy."""

from __future__ import annotations


def object_id(name: str) -> str:
    from constructs_lib.naming import object_id

    return object_id(name)


def unescape_terraform(text: str) -> str:
    from constructs_lib.terraform_text import unescape

    return unescape(text)


def escape_terraform(text: str) -> str:
    from constructs_lib.terraform_text import literal

    return literal(text)
