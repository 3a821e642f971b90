"""/scorecard/: the booklet's Dashboard for a month and an org unit, as a page, a CSV or an Excel workbook.

Every signed-in user may open it: it shows aggregates only (viewers get published months and suppressed
figures, through apps.scorecards.selectors) and links to the drill-down only for users who may see
child-level data."""

from __future__ import annotations

import csv
import io

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from apps.accounts import access
from apps.core.models import OrgLevel

from . import scorecard as sc
from . import selectors
from .casework_views import counts_for
from .commentary import commentary_url
from .models import OVERALL
from .scorecard_exports import HEADER, export_values
from .scorecard_filters import ScorecardFilterSet
from .scorecard_tables import ARROW_GLYPH, ScorecardTable

LEGEND = [
    ("positive_up", "Positive upward change: the figure went up, and up is better"),
    ("positive_down", "Positive downward change: the figure went down, and down is better"),
    ("negative_up", "Negative upward change: the figure went up, and down is better"),
    ("negative_down", "Negative downward change: the figure went down, and up is better"),
    ("no_change", "No change"),
    ("up", "Went up or down: a measure for context, with no better direction"),
]


def _legend():
    out = []
    for direction, text in LEGEND:
        kind = direction.split("_")[0] if "_" in direction and direction != "no_change" else "neutral"
        out.append({"glyph": ARROW_GLYPH[direction], "kind": kind, "direction": direction, "text": text})
    return out


@login_required
def scorecard(request):
    filterset = ScorecardFilterSet(request.GET, user=request.user)
    fmt = request.GET.get("format", "")
    context = {
        "filter": filterset,
        "legend": _legend(),
        "viewer": access.suppresses_small_counts(request.user),
        "months": filterset.months,
    }
    if not filterset.months or not filterset.layouts:
        return _page(request, context, status=200)
    if not filterset.is_valid():
        return _page(request, context, status=400)
    chosen = filterset.chosen
    if not (chosen["period"] and chosen["org_unit"] and chosen["layout"]):
        return _page(request, context, status=400)
    card = sc.build(
        layout=chosen["layout"],
        period=chosen["period"],
        org_unit=chosen["org_unit"],
        user=request.user,
        rows=filterset.qs,
        rating=chosen["rating"],
    )
    if fmt in ("csv", "xlsx"):
        return _export(card, fmt)
    table = ScorecardTable(card.lines, scorecard=card)
    context.update(card=card, table=table, sections=card.sections())
    # The month as a whole's commentary (a director's for the LA, a head of service's for a service).
    context["commentary"] = {
        "entry": selectors.commentary(period=card.period, org_unit=card.org_unit, user=request.user).get(
            OVERALL
        ),
        "may_comment": access.may_comment_on(request.user, card.org_unit),
        "edit_url": commentary_url(
            period=card.period, org_unit=card.org_unit.code, section=OVERALL, next_url=request.get_full_path()
        ),
    }
    if card.org_unit.level == OrgLevel.TEAM:
        context["casework"] = counts_for(request.user, card.org_unit)
    return _page(request, context)


def _page(request, context, status=200):
    response = render(request, "scorecards/scorecard.html", context, status=status)
    add_never_cache_headers(response)
    return response


def _filename(card, ext):
    return f"scorecard-{card.layout.slug}-{card.org_unit.code}-{card.period}.{ext}"


def _export(card, fmt):
    from apps.core.spreadsheets import safe_cell

    rows = [[safe_cell(v) for v in row] for row in export_values(card)]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(HEADER)
        writer.writerows(rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.title = "Scorecard"
        ws.append(HEADER)
        for row in rows:
            ws.append(row)
        buffer = io.BytesIO()
        wb.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{_filename(card, fmt)}"'
    add_never_cache_headers(response)
    return response
