"""The home page: what a signed-in user opens first. The unit they answer for (a team manager's team, a head
of service's service, everyone else the LA), its headline measures for the latest month that has ended with
their rating and change, red first, whether that month is provisional or published, and the last import."""

from __future__ import annotations

from django.utils.html import format_html

from apps.accounts import access
from apps.core.models import OrgLevel, OrgUnit
from apps.kpis import ratings

from . import scorecard as sc
from .models import ScorecardLayout
from .scorecard_tables import RATING_TEXT, change_html, figure_html, withheld
from .selectors import default_month, month_state
from .templatetags.figures import format_number

# Red first: what needs looking at; then amber, green, and the measures with no target.
RATING_ORDER = {ratings.RED: 0, "withheld": 3, ratings.AMBER: 1, ratings.GREEN: 2}


def _rating_html(rating, has_target: bool):
    if rating == "withheld":
        return withheld()
    if not rating:
        return format_html('<span class="muted">{}</span>', "no figure" if has_target else "no target")
    return format_html('<span class="rag rag--{}">{}</span>', rating, RATING_TEXT.get(rating, rating))


def headlines(user) -> dict:
    """The headline rows of the default layout for the user's unit and month: {"card", "lines", "state"},
    or {} when no month is held (for viewers: published) or there is no default layout."""
    months = sc.months_for(user)
    layout = ScorecardLayout.objects.filter(is_default=True).first()
    la = OrgUnit.objects.filter(level=OrgLevel.LA).first()
    if not months or layout is None or la is None:
        return {}
    period = default_month(months)
    unit = OrgUnit.objects.filter(code=sc.home_unit_code(user, la)).first() or la
    card = sc.build(
        layout=layout, period=period, org_unit=unit, user=user, rows=sc.rows_of(layout).filter(headline=True)
    )
    lines = [line for line in card.lines if line.measure is not None and not line.is_sub_row]
    lines.sort(key=lambda line: RATING_ORDER.get(line.rating or "", 4))
    rows = [
        {
            "line": line,
            "latest": figure_html(line.latest, line.unit),
            "change": change_html(
                line.change, line.withheld_change, line.direction, line.arrow_text, line.unit
            ),
            "rating": _rating_html(line.rating, line.target is not None),
            "target": format_number(line.target.value, line.unit) if line.target is not None else "",
        }
        for line in lines
    ]
    red = sum(1 for line in lines if line.rating == ratings.RED)
    return {"card": card, "rows": rows, "state": month_state(period), "red": red, "layout": layout}


def casework_counts(user, unit: OrgUnit | None = None) -> dict | None:
    """Case tracking's counts by kind for the unit the user answers for (the headlines' unit when they have
    one), None for viewers: what a team manager checks every morning."""
    from .casework_views import counts_for

    if not access.sees_child_level(user):
        return None
    if unit is None:
        la = OrgUnit.objects.filter(level=OrgLevel.LA).first()
        unit = OrgUnit.objects.filter(code=sc.home_unit_code(user, la)).first() if la else None
    return counts_for(user, unit) if unit else None
