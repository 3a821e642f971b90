"""The scorecard's query count is fixed: it does not grow with the layout's rows, the org units or the months
held. Pinned exactly for a user who sees unsuppressed figures and for a viewer: both read the 12 months of
the trend and the baseline's month in one query, and the two months of the rows by service or team in
another; a viewer first reads those months' states with their stored suppression patterns."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.core.periods import Period
from tests.factories import BaselineFactory, PeriodStateFactory, TeamFactory

pytestmark = pytest.mark.django_db

URL = reverse("scorecards:scorecard")
# Session and user (3), the filter's choices (months, org units, layouts, sections: 4), the layout's rows, the
# figures of the 12 months and the baseline's month (one read), the month's state, restated figures, the
# baseline, the org units below this one and their figures (rows by service or team), polarities, targets
# (the org tree and the targets), benchmarks, the month's commentary.
QUERIES = 19
# A viewer has no second factor to read and no restated values (-2), reads the states and stored patterns of
# the months of each of the two reads (+2) and whether the commentary's month is published (+1).
QUERIES_VIEWER = QUERIES - 2 + 2 + 1
# The first read of a month after a write to it (its suppression not worked out yet) works it out over the
# whole month: seven statements a month (the state under a lock in a savepoint, the month's rows, the org
# tree, the stored pattern), for each of the 12 months.
MAX_QUERIES_VIEWER_COLD = QUERIES_VIEWER + 7 * 12
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


@pytest.mark.parametrize(("persona", "pinned"), [("director", QUERIES), ("viewer", QUERIES_VIEWER)])
def test_query_count_does_not_grow(
    client, login, personas, la, world, snap, layout, published, persona, pinned
):
    login(client, personas[persona])
    snap("fd.contacts", "2026-09", 1411)
    small = _warm_count(client, {"layout": "test", "period": "2026-09"})
    _grow(la, snap, world)
    big = _warm_count(client, {"layout": "booklet", "period": "2026-09"})
    assert small == big, "the count grew with the rows, org units or months"
    assert big == pinned
    # A team has no units below it: its rows by service or team read nothing more; its scorecard also shows
    # case tracking's counts by kind (the timescales, the latest import, the date's kept working-out and the
    # counts: four queries).
    team = _warm_count(client, {"layout": "booklet", "period": "2026-09", "org_unit": "A1"})
    assert team <= big + (4 if persona != "viewer" else 0)


def test_query_count_pinned(
    client, login, personas, la, world, snap, published, django_assert_max_num_queries
):
    _grow(la, snap, world)
    login(client, personas["director"])
    assert _count(client, {"period": "2026-09"}) == QUERIES
    client.logout()
    login(client, personas["viewer"])
    with django_assert_max_num_queries(MAX_QUERIES_VIEWER_COLD):
        assert client.get(URL, {"period": "2026-09"}).status_code == 200
    assert _count(client, {"period": "2026-09"}) == QUERIES_VIEWER
