"""Numbers as a person writes them: ``{% load vmi_numbers %}{{ value|as_written:2 }}``."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template

register = template.Library()


@register.filter
def as_written(value: Any, places: int | str = 2) -> str:
    """``value`` rounded to at most ``places`` decimals, without trailing zeros: 3.8, 5, 12.25.

    Django's ``floatformat:"-2"`` pads a figure that has decimals to two of them, so a column
    read "5" beside "3.80" (issue 17); ``floatformat:2`` would print "5.00". None and "" stay
    empty (so ``|default:"—"`` still applies); anything not a number is returned as it is.
    """
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
        step = Decimal(1).scaleb(-int(places))
        text = f"{number.quantize(step, rounding=ROUND_HALF_UP):f}"
    except (InvalidOperation, ValueError, TypeError):
        return str(value)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
