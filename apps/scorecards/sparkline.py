"""A 12-month trend as a small inline SVG drawn on the server (no script, no style attribute: colours come
from static/css/scorecards.css through classes), with the months' values as its text alternative. A month
with no figure, or a withheld one, is a gap in the line and "no figure" / "c" in the text."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import format_html, format_html_join

from apps.core.disclosure import SUPPRESSED_MARK
from apps.core.periods import Period

from .templatetags.figures import format_number

WIDTH, HEIGHT, PAD = 96, 24, 2
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_name(period: str) -> str:
    p = Period.parse(period)
    return f"{MONTHS[p.month - 1]} {p.year}"


def _point(figure):
    if figure is None or figure.suppressed or figure.value is None:
        return None
    return Decimal(repr(figure.value)) if isinstance(figure.value, float) else Decimal(figure.value)


def describe(trend, unit) -> str:
    parts = []
    for period, figure in trend:
        if figure is not None and figure.suppressed:
            text = SUPPRESSED_MARK
        else:
            text = "no figure" if _point(figure) is None else format_number(figure.value, unit)
        parts.append(f"{month_name(period)} {text}")
    return "; ".join(parts)


def sparkline(trend: list[tuple[str, object]], unit: str, label: str):
    values = [_point(f) for _, f in trend]
    known = [v for v in values if v is not None]
    text = f"{label}, 12-month trend: {describe(trend, unit)}"
    if not known:
        return format_html('<span class="muted">no trend</span><span class="visually-hidden">{}</span>', text)
    low, high = min(known), max(known)
    span = (high - low) or Decimal(1)
    step = Decimal(WIDTH - 2 * PAD) / max(len(values) - 1, 1)

    def xy(i, v):
        x = PAD + step * i
        y = HEIGHT - PAD - (v - low) / span * (HEIGHT - 2 * PAD) if high != low else Decimal(HEIGHT) / 2
        return f"{x:.1f},{y:.1f}"

    # Consecutive known months form one polyline; a gap starts a new one.
    runs, run = [], []
    for i, v in enumerate(values):
        if v is None:
            if run:
                runs.append(run)
            run = []
        else:
            run.append(xy(i, v))
    if run:
        runs.append(run)
    lines = format_html_join(
        "",
        '<polyline class="spark__line" points="{}"></polyline>',
        ((" ".join(r),) for r in runs if len(r) > 1),
    )
    # A month alone between gaps has no line to sit on: a dot.
    dots = format_html_join(
        "",
        '<circle class="spark__dot" cx="{}" cy="{}" r="1.2"></circle>',
        (tuple(r[0].split(",")) for r in runs if len(r) == 1),
    )
    last = next(((i, v) for i, v in reversed(list(enumerate(values))) if v is not None))
    x, y = xy(*last).split(",")
    return format_html(
        '<svg class="spark" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{t}">'
        "<title>{t}</title>{lines}{dots}"
        '<circle class="spark__last" cx="{x}" cy="{y}" r="2"></circle></svg>',
        w=WIDTH,
        h=HEIGHT,
        t=text,
        lines=lines,
        dots=dots,
        x=x,
        y=y,
    )
