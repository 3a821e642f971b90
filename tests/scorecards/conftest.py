from datetime import datetime
from decimal import Decimal

import pytest

from tests.factories import LONDON, PeriodStateFactory, SnapshotFactory
from tests.scorecards import pages_data

FROZEN = datetime(2026, 10, 1, 6, 0, tzinfo=LONDON)


@pytest.fixture
def snap(la):
    """`snap(measure, period, numerator, denominator=None, value=None, *, org_unit=LA, basis=headline, ...)`:
    a stored figure; the value defaults to the measure's own (numerator / denominator x scale)."""
    from apps.kpis.registry import load

    registry = load()

    def make(measure, period, numerator, denominator=None, value=None, *, org_unit=None, basis=None, **kw):
        m = registry[measure]
        if value is None:
            value = m.value_of(numerator, denominator)
        return SnapshotFactory(
            measure=measure,
            period=period,
            basis=basis or m.headline,
            org_unit=org_unit or la,
            numerator=Decimal(numerator),
            denominator=None if denominator is None else Decimal(denominator),
            value=value,
            **kw,
        )

    return make


@pytest.fixture
def months(db):
    """2026-08 and 2026-09 published (frozen), 2026-10 open."""
    for period in ("2026-08", "2026-09"):
        PeriodStateFactory(period=period, frozen_at=FROZEN)
    PeriodStateFactory(period="2026-10", frozen_at=None)
    return ["2026-08", "2026-09", "2026-10"]


@pytest.fixture
def layout(db):
    """A small layout of its own (the booklet's default layout is also there, from the migration)."""
    from apps.kpis.registry import load
    from apps.scorecards.services import layout_load

    return layout_load(
        {
            "slug": "test",
            "name": "Test layout",
            "sections": [
                {
                    "title": "Theme one",
                    "rows": [
                        {"plan_ref": "T1", "measure": "cin.visits_in_time"},
                        {"plan_ref": "T2", "measure": "wf.unfunded_posts"},
                        {"plan_ref": "T3", "measure": "fd.contacts"},
                        {"plan_ref": "T4", "measure": "wf.caseload", "by_org_unit": True},
                    ],
                },
                {
                    "title": "Theme two",
                    "rows": [
                        {"plan_ref": "5a(iii)", "measure": "mis.episodes"},
                        {
                            "plan_ref": "5a(iii)",
                            "measure": "mis.episodes",
                            "dimension": "source",
                            "breakdown": "from_home",
                            "label": "From home",
                        },
                        {"plan_ref": "P", "page_url": "/nowhere/", "label": "A page to come"},
                    ],
                },
            ],
        },
        registry=load(),
    )


@pytest.fixture
def booklet(world, la):
    """The LA's front door for January to March 2018 and referrals for two financial years; every month
    published."""
    for period, received in pages_data.CONTACTS.items():
        pages_data.snap("fd.contacts", period, received, unit=la)
        pages_data.snap("fd.contact_outcome", period, received, received, unit=la)
        for part, n in zip(pages_data.PARTS, pages_data.OUTCOMES[period], strict=True):
            pages_data.snap("fd.contact_outcome", period, n, received, unit=la, dim="outcome", part=part)
    pages_data.snap("fd.contacts", "2018-03", 6805, unit=la, basis="ytd")
    pages_data.snap("fd.contact_outcome", "2018-03", 6805, 6805, unit=la, basis="ytd")
    for part, n in zip(pages_data.PARTS, pages_data.OUTCOMES_YTD, strict=True):
        pages_data.snap(
            "fd.contact_outcome", "2018-03", n, 6805, unit=la, basis="ytd", dim="outcome", part=part
        )
    for period, n in pages_data.REFERRALS.items():
        pages_data.snap("fd.referrals", period, n, unit=la)
        pages_data.month_held(period)
    return la
