"""The scorecard's query count is fixed: it does not grow with the layout's rows, the org units or the months
held. Pinned for a user who sees unsuppressed figures (one read for the 12 months of the trend) and for a
viewer (month by month: whether the month is published and the cached suppression's fingerprint, two
queries a month once the month's suppression is cached; four the first time)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.core.periods import Period
from tests.factories import BaselineFactory, PeriodStateFactory, TeamFactory

pytestmark = pytest.mark.django_db

URL = reverse("scorecards:scorecard")
# Session and user (3), the filter's choices (months, org units, layouts, sections: 4), the layout's rows, the
# month's figures, the 11 months before it, the month's state, restated figures, the baseline and its month,
# the org units below this one and their figures (rows by service or team), polarities, targets (the org
# tree and the targets), benchmarks, the month's commentary.
MAX_QUERIES = 21
# A viewer has no second factor to read, no restated values, and no single reads of the trend, the month, the
# baseline month and the units below; instead, for each of the 12 months, the baseline's month and the two
# months of the rows by service or team: whether the month is published with its stored suppression, and
# its rows. The first read of a month after a write to it (its suppression not worked out yet) reads the whole
# month instead, locks the month's state in a savepoint (three statements), reads the org tree and stores
# the pattern: four more.
MAX_QUERIES_VIEWER = MAX_QUERIES - 6 + 2 * 12 + 2 + 2 * 2 + 1  # + whether the commentary's month is published
MAX_QUERIES_VIEWER_COLD = MAX_QUERIES_VIEWER + 4 * (12 + 1 + 2)
MONTHS = [str(Period(2025, 10) + i) for i in range(12)]  # 2025-10 .. 2026-09


def _count(client, params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _warm_count(client, params):
    _count(client, params)  # a viewer's first read of a month's suppression fills the cache
    return _count(client, params)


@pytest.fixture
def published(la):
    BaselineFactory(period="2025-10", active=True)
    for period in MONTHS:
        PeriodStateFactory(period=period, frozen_at="2026-10-01T06:00Z")


def _grow(la, snap, world):
    """Twelve months of every measure of the booklet layout, for the LA and five more teams."""
    from apps.kpis.registry import load
    from apps.scorecards.services import read_layout_file

    registry = load()
    codes = {r["measure"] for s in read_layout_file()["sections"] for r in s["rows"] if r.get("measure")}
    teams = [TeamFactory(parent=world["services"]["A"]) for _ in range(5)]
    for i, period in enumerate(MONTHS):
        for code in codes:
            m = registry[code]
            for unit in (la, *teams):
                snap(code, period, 10 + i, 20 if m.unit != "count" else None, org_unit=unit)


@pytest.mark.parametrize(("persona", "limit"), [("director", MAX_QUERIES), ("viewer", MAX_QUERIES_VIEWER)])
def test_query_count_does_not_grow(
    client, login, personas, la, world, snap, layout, published, persona, limit
):
    login(client, personas[persona])
    snap("fd.contacts", "2026-09", 1411)
    small = _warm_count(client, {"layout": "test", "period": "2026-09"})
    _grow(la, snap, world)
    big = _warm_count(client, {"layout": "booklet", "period": "2026-09"})
    assert small == big, "the count grew with the rows, org units or months"
    assert big <= limit
    # A team has no units below it: its rows by service or team read nothing more.
    assert _warm_count(client, {"layout": "booklet", "period": "2026-09", "org_unit": "A1"}) <= big


def test_query_count_pinned(
    client, login, personas, la, world, snap, published, django_assert_max_num_queries
):
    _grow(la, snap, world)
    login(client, personas["director"])
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(URL, {"period": "2026-09"}).status_code == 200
    client.logout()
    login(client, personas["viewer"])
    with django_assert_max_num_queries(MAX_QUERIES_VIEWER_COLD):
        assert client.get(URL, {"period": "2026-09"}).status_code == 200
    with django_assert_max_num_queries(MAX_QUERIES_VIEWER):
        assert client.get(URL, {"period": "2026-09"}).status_code == 200
