"""Kubernetes quantities as exact numbers, to compare a request with its limit the way the API
server does (``resource.Quantity.Cmp``): ``500m`` < ``1``, ``1Gi`` > ``1G``."""

from __future__ import annotations

import re
from fractions import Fraction

_QUANTITY = re.compile(r"([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?")
_SUFFIX = {
    None: Fraction(1),
    "n": Fraction(1, 10**9),
    "u": Fraction(1, 10**6),
    "m": Fraction(1, 1000),
    "k": Fraction(10**3),
    "M": Fraction(10**6),
    "G": Fraction(10**9),
    "T": Fraction(10**12),
    "P": Fraction(10**15),
    "E": Fraction(10**18),
    **{s: Fraction(2 ** (10 * (i + 1))) for i, s in enumerate(["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"])},
}


def value(quantity: str) -> Fraction | None:
    """The exact value of ``quantity``, or None if it is not one."""
    match = _QUANTITY.fullmatch(quantity)
    if match is None:
        return None
    return Fraction(match.group(1)) * _SUFFIX[match.group(2)]
