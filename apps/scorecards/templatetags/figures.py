"""Numbers as the booklet prints them: counts with thousands separators (1,411), percentages to one decimal
place (24.1%), rates and means to one decimal place, no value as an en dash (–), and a figure withheld from
viewers as "c" (apps.core.disclosure), explained in its title."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.html import format_html

from apps.core.disclosure import SUPPRESSED_MARK
from apps.kpis.registry import Unit

register = template.Library()

NO_VALUE = "–"
WITHHELD_TITLE = "withheld: fewer than 5 (<5), or would let a figure of fewer than 5 be worked out"


def _dec(x) -> Decimal | None:
    if x is None or isinstance(x, str):
        return None
    return x if isinstance(x, Decimal) else Decimal(repr(x) if isinstance(x, float) else x)


def format_number(x, unit: str = Unit.COUNT) -> str:
    """Plain text: '1,411', '24.1%', '34.7', '–'."""
    d = _dec(x)
    if d is None:
        return NO_VALUE
    if unit == Unit.COUNT:
        whole = d.quantize(Decimal(1), rounding=ROUND_HALF_UP)
        if whole == d:
            return f"{int(whole):,}"
        return f"{d.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):,}"
    shown = d.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if shown == 0:
        shown = abs(shown)  # never "-0.0"
    text = f"{shown:,}"
    return text + "%" if unit == Unit.PERCENT else text


@register.simple_tag
def number(x, unit=Unit.COUNT, suppressed=False):
    """A number as the booklet prints it; a withheld one as an explained "c"."""
    if suppressed:
        return format_html('<abbr class="withheld" title="{}">{}</abbr>', WITHHELD_TITLE, SUPPRESSED_MARK)
    return format_number(x, unit)


@register.filter
def count(x):
    return format_number(x, Unit.COUNT)


@register.filter
def percent(x):
    return format_number(x, Unit.PERCENT)
