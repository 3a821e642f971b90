"""The monthly booklet: the month's pack for the LA or a service, in the booklet's order - the director's
and the services' commentary, the scorecard, then every section's performance on a page - as one web page
(/booklet/), a PDF (apps.scorecards.booklet_pdf) and an Excel workbook (apps.scorecards.booklet_xlsx).

Nothing here reads records: the scorecard comes from scorecard.build and each section from
page_data.load_page, charts from charts.chart_data, all of them stored snapshots through the selectors, so a
viewer's booklet is the published month with small numbers suppressed, exactly as the pages show it. No
child-level data is in a booklet: its figures are aggregates, and its files carry no drill-down links.

A booklet made by a task has no signed-in user: it is made for an audience, read as a stand-in reader of
that audience (`reader`): an analyst (every aggregate, no names) or a viewer (suppressed)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode

from apps.accounts import access
from apps.accounts.models import Role, User
from apps.core.models import OrgLevel, OrgUnit
from apps.kpis.registry import SECTIONS

from . import charts, page_data, sections, selectors
from . import scorecard as sc
from .models import OVERALL, Audience, ScorecardLayout
from .page_data import PageData
from .pages import build_tables, section_period_label
from .scorecard_tables import ScorecardTable

BOOKLET_LEVELS = (OrgLevel.LA, OrgLevel.SERVICE)
_PAGE_URL = re.compile(r"^/pages/([0-9a-z]+)/")


def reader(audience: str) -> User:
    """A stand-in reader (never saved) for a booklet made without a signed-in user."""
    role = Role.VIEWER if audience == Audience.PUBLISHED else Role.ANALYST
    return User(username=f"booklet-{audience}", role=role, is_active=True)


def audience_of(user) -> str:
    return Audience.PUBLISHED if access.suppresses_small_counts(user) else Audience.FULL


@dataclass
class BookletSection:
    code: str
    title: str
    anchor: str
    page: PageData
    tables: list[dict]
    charts: list[dict]
    commentary: dict | None


@dataclass
class Booklet:
    period: str
    org_unit: OrgUnit
    viewer: bool
    provisional: bool
    links: bool
    card: sc.Scorecard | None
    table: ScorecardTable | None
    commentary: list[dict]  # [{"unit": OrgUnit, "entry": {...} | None, "title": str}] the month as a whole
    sections: list[BookletSection] = field(default_factory=list)
    council: str = ""

    @property
    def month_label(self) -> str:
        return section_period_label(self.period)

    @property
    def contents(self) -> list[dict]:
        out = [{"anchor": "commentary", "title": "Commentary"}]
        if self.card is not None:
            out.append({"anchor": "scorecard", "title": "Scorecard"})
        out += [{"anchor": s.anchor, "title": f"{s.code}. {s.title}", "code": s.code} for s in self.sections]
        return out


def default_layout() -> ScorecardLayout | None:
    return ScorecardLayout.objects.filter(is_default=True).first() or ScorecardLayout.objects.first()


def _chart_entries(section, page: PageData, *, links: bool) -> list[dict]:
    out = []
    query = urlencode({"period": page.period, "org_unit": page.org_unit.code})
    for chart in section.charts:
        data = charts.chart_data(chart, page)
        out.append(
            {
                "id": f"{section.code}-{chart.id}",
                "title": chart.title,
                # The chart's {labels, datasets} in the page (a JSON data block, never run as script): the
                # booklet draws every chart without a request per chart, and prints with no server behind it.
                "data": charts.public(data),
                "table": charts.table_of(data),
                "url": (reverse("scorecards:chart", args=[section.code, chart.id]) + "?" + query)
                if links
                else "",
            }
        )
    return out


def _commentary_entries(*, period: str, org_unit: OrgUnit, user, units: list[OrgUnit]) -> tuple[list, dict]:
    """The month as a whole: the org unit's own (the director's, for the LA), then each service's below it."""
    own = selectors.commentary(period=period, org_unit=org_unit, user=user)
    out = [
        {
            "unit": org_unit,
            "entry": own.get(OVERALL),
            "title": "Director's commentary" if org_unit.level == OrgLevel.LA else f"{org_unit.name}",
        }
    ]
    if org_unit.level == OrgLevel.LA:
        for service in sorted((u for u in units if u.parent_id == org_unit.pk), key=lambda u: u.name):
            entry = selectors.commentary(period=period, org_unit=service, user=user).get(OVERALL)
            out.append({"unit": service, "entry": entry, "title": service.name})
    return out, own


def assemble(*, period: str, org_unit: OrgUnit, user, links: bool = True) -> Booklet:
    """The booklet of a month for an org unit as `user` may see it (viewers: published months only, every
    figure through the one suppression). `links=False` for the files: no drill-down links, and the
    scorecard's page rows point at the booklet's own sections."""
    viewer = access.suppresses_small_counts(user)
    links = links and not viewer
    units = page_data._tree_order(list(OrgUnit.objects.all()))
    held = page_data.held_months()
    state = dict(held)
    provisional = state.get(period) is None
    commentary, own = _commentary_entries(period=period, org_unit=org_unit, user=user, units=units)
    card = table = None
    layout = default_layout()
    if layout is not None:
        card = sc.build(layout=layout, period=period, org_unit=org_unit, user=user, links=links)
        for line in card.lines:
            match = _PAGE_URL.match(line.page_url or "")
            if line.is_page and match and sections.get(match.group(1)):
                # "Performance Matters page 15" in the booklet: its own section, a link inside the document.
                line.page_url, line.page_available = f"#section-{match.group(1)}", True
        table = ScorecardTable(card.lines, scorecard=card)
    booklet = Booklet(
        period=period,
        org_unit=org_unit,
        viewer=viewer,
        provisional=provisional,
        links=links,
        card=card,
        table=table,
        commentary=commentary,
        council=settings.COUNCIL_NAME,
    )
    for code, title in SECTIONS.items():
        section = sections.get(code)
        if section is None:
            continue
        page = page_data.load_page(
            section, period=period, org_unit=org_unit, user=user, units=units, held=held, links=links
        )
        entry = own.get(section.code)
        booklet.sections.append(
            BookletSection(
                code=code,
                title=title,
                anchor=f"section-{code}",
                page=page,
                tables=build_tables(page),
                charts=_chart_entries(section, page, links=links),
                commentary=entry,
            )
        )
    return booklet


def booklet_units() -> list[OrgUnit]:
    """The org units a booklet is made for: the LA, then its services."""
    units = OrgUnit.objects.filter(level__in=BOOKLET_LEVELS)
    return sorted(units, key=lambda u: (u.level != OrgLevel.LA, u.name))
