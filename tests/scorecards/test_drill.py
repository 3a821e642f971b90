"""The drill-down page and its exports, per persona (tests/conftest.py's world: teams A1, A2 in service A,
B1 in service B). April 2018's contacts: CH-A (A1), CH-A2 (A2), CH-B (B1), CH-C (A1, the world's own) and
CH-D, held by no team (it counts for the LA only)."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from django.utils import timezone

from apps.accounts.models import AccessAction, AccessLog
from apps.core.periods import LONDON, Period
from apps.core.services import ensure_la
from apps.kpis.models import PeriodState
from apps.kpis.services import snapshot_period_compute
from apps.scorecards.links import DENOMINATOR, drill_url
from tests.factories import ChildFactory, ContactFactory

pytestmark = pytest.mark.django_db

APRIL = "2018-04"
RECEIVED = datetime(2018, 4, 2, 10, tzinfo=LONDON)
CODES = [
    "fd.contacts",
    "fd.contact_outcome",
    "fd.contact_conversion",
    "sd.agency_invited",
    "fd.referral_rate",
]


@pytest.fixture
def contacts(world):
    kids, teams = world["children"], world["teams"]
    ContactFactory(contact_id="CO-A", child=kids["a"], team=teams["A1"], received_at=RECEIVED)
    ContactFactory(
        contact_id="CO-A2", child=kids["a2"], team=teams["A2"], received_at=RECEIVED, outcome="nfa"
    )
    ContactFactory(contact_id="CO-B", child=kids["b"], team=teams["B1"], received_at=RECEIVED)
    d = ChildFactory(child_id="CH-D", given_name="Dora", family_name="Dune")
    ContactFactory(contact_id="=HYPERLINK(1)", child=d, team=None, received_at=RECEIVED, outcome="nfa")
    snapshot_period_compute(period=Period.parse(APRIL), codes=CODES)
    return world


def url(kpi="fd.contacts", org_unit=None, **kw):
    return drill_url(kpi, period=APRIL, org_unit=org_unit or ensure_la().code, basis="month", **kw)


def shown(response) -> set[str]:
    body = response.content.decode()
    return {c for c in ("CH-A2", "CH-B", "CH-C", "CH-D") if c in body} | (
        {"CH-A"} if "CH-A<" in body or 'CH-A"' in body or "CH-A/" in body else set()
    )


def children_listed(response) -> set[str]:
    return {row.record.child.child_id for row in response.context["table"].page.object_list}


def test_anonymous_goes_to_login(client, contacts):
    response = client.get(url())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_viewer_is_refused(client, personas, contacts, login):
    login(client, personas["viewer"])
    assert client.get(url()).status_code == 403
    assert client.get(url() + "&format=csv").status_code == 403
    assert not AccessLog.objects.exists()


def test_the_la_for_an_admin_lists_every_record_with_names(client, personas, contacts, login):
    login(client, personas["admin"])
    response = client.get(url())
    assert response.status_code == 200
    assert children_listed(response) == {"CH-A", "CH-A2", "CH-B", "CH-C", "CH-D"}
    assert response.context["stored"] == response.context["total"] == 5
    assert response.context["hidden"] == 0
    body = response.content.decode()
    assert "Ash, Alice" in body and "/children/CH-A/" in body
    assert "no-store" in response["Cache-Control"]


def test_another_teams_manager_sees_none_of_its_children_and_is_told(client, personas, contacts, login):
    login(client, personas["manager_b1"])
    response = client.get(url(org_unit="A1"))
    assert response.status_code == 200
    assert children_listed(response) == set()
    assert response.context["stored"] == 2
    assert response.context["hidden"] == 2
    body = response.content.decode()
    assert "CH-A" not in body and "Alice" not in body and "CH-C" not in body
    assert "<strong>2</strong> of the 2 records" in body


def test_a_manager_drilling_into_the_la_sees_their_teams_and_how_many_are_not_shown(
    client, personas, contacts, login
):
    login(client, personas["manager_a1"])
    response = client.get(url())
    assert children_listed(response) == {"CH-A", "CH-C"}
    assert (response.context["total"], response.context["hidden"]) == (5, 3)
    assert "Birch" not in response.content.decode() and "Dune" not in response.content.decode()


def test_a_service_and_a_team(client, personas, contacts, login):
    login(client, personas["admin"])
    assert children_listed(client.get(url(org_unit="SA"))) == {"CH-A", "CH-A2", "CH-C"}
    assert children_listed(client.get(url(org_unit="B1"))) == {"CH-B"}


def test_an_analyst_sees_ids_without_names(client, personas, contacts, login):
    login(client, personas["analyst"])
    response = client.get(url())
    assert children_listed(response) == {"CH-A", "CH-A2", "CH-B", "CH-C", "CH-D"}
    body = response.content.decode()
    for name in ("Alice", "Ash", "Amir", "Birch", "Cara", "Dora", "Dune"):
        assert name not in body
    csv_body = b"".join(client.get(url() + "&format=csv").streaming_content).decode()
    assert "Alice" not in csv_body and "given_name" not in csv_body


def test_a_breakdown_part_and_a_shares_denominator(client, personas, contacts, login):
    login(client, personas["admin"])
    nfa = client.get(url("fd.contact_outcome", dimension="outcome", breakdown="nfa"))
    assert children_listed(nfa) == {"CH-A2", "CH-D"}
    assert nfa.context["stored"] == 2
    # A share's denominator is the whole: every contact, each with its part shown.
    den = client.get(url("fd.contact_outcome", dimension="outcome", breakdown="nfa", part=DENOMINATOR))
    assert len(children_listed(den)) == 5 and den.context["stored"] == 5


def test_a_percentages_numerator_and_denominator(client, personas, contacts, login):
    login(client, personas["admin"])
    num = client.get(url("fd.contact_conversion"))
    assert children_listed(num) == {"CH-A", "CH-B", "CH-C"}
    den = client.get(url("fd.contact_conversion", part=DENOMINATOR))
    assert len(children_listed(den)) == 5
    assert "In numerator" in den.content.decode()
    only_out = client.get(url("fd.contact_conversion", part=DENOMINATOR) + "&in_numerator=false")
    assert children_listed(only_out) == {"CH-A2", "CH-D"}


def test_views_and_exports_are_logged(client, personas, contacts, login):
    user = login(client, personas["manager_a1"])
    client.get(url())
    client.get(url() + "&format=csv")
    client.get(url() + "&format=xlsx")
    logs = list(AccessLog.objects.order_by("pk"))
    assert [(log.user_id, log.action, log.rows) for log in logs] == [
        (user.pk, AccessAction.LIST, 2),
        (user.pk, AccessAction.EXPORT, 2),
        (user.pk, AccessAction.EXPORT, 2),
    ]
    assert logs[0].filters["kpi"] == "fd.contacts" and logs[0].filters["org_unit"] == ensure_la().code


def test_the_csv_streams_guarded_cells(client, personas, contacts, login):
    login(client, personas["admin"])
    response = client.get(url() + "&format=csv")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["child_id", "given_name", "family_name", "contact_id", "received_at", "team"]
    assert len(rows) == 6
    by_child = {r[0]: r for r in rows[1:]}
    assert by_child["CH-D"][3] == "'=HYPERLINK(1)"  # a formula is written as text
    assert by_child["CH-A"][4] == "2018-04-02 10:00" and by_child["CH-A"][5] == "Team A1"


def test_the_excel_export(client, personas, contacts, login):
    from openpyxl import load_workbook

    login(client, personas["admin"])
    response = client.get(url() + "&format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "child_id" and len(values) == 6


@pytest.mark.parametrize(
    ("query", "status", "says"),
    [
        ({"kpi": "nope.nope"}, 404, "no measure"),
        ({"period": "2018-13"}, 400, "period must be"),
        ({"period": ""}, 400, "period must be"),
        ({"org_unit": "ZZZ"}, 404, "no org unit"),
        ({"org_unit": ""}, 400, "org_unit is required"),
        ({"basis": "r12"}, 400, "basis must be"),
        ({"dimension": "colour", "breakdown": "red"}, 400, "no breakdown"),
        ({"kpi": "fd.contact_outcome", "dimension": "outcome"}, 400, "breakdown is required"),
        ({"breakdown": "nfa"}, 400, "dimension is required"),
        ({"part": "both"}, 400, "part must be"),
        ({"part": "denominator"}, 400, "has no denominator"),
        ({"kpi": "fd.referral_rate", "basis": "ytd", "org_unit": "A1"}, 400, "whole LA only"),
        ({"kpi": "fd.referral_rate", "basis": "ytd", "part": "denominator"}, 400, "population"),
        ({"format": "pdf"}, 400, "format must be"),
    ],
)
def test_invalid_parameters_say_what_is_wrong(client, personas, contacts, login, query, status, says):
    login(client, personas["admin"])
    params = {"period": APRIL, "org_unit": ensure_la().code, "basis": "month", "part": "numerator"}
    kpi = query.pop("kpi", "fd.contacts")
    params |= query
    response = client.get(f"/drill/{kpi}/", {k: v for k, v in params.items() if v is not None})
    assert response.status_code == status
    assert says in response.content.decode().replace("&#x27;", "'")
    assert not AccessLog.objects.exists()


def test_a_measure_that_cannot_be_drilled_says_why(client, personas, contacts, login):
    login(client, personas["admin"])
    response = client.get(url("sd.agency_invited"))
    assert response.status_code == 200
    assert "counts invitations and attendances" in response.content.decode()


def test_a_published_month_that_changed_says_so(client, personas, contacts, world, login):
    PeriodState.objects.update_or_create(period=APRIL, defaults={"frozen_at": timezone.now()})
    ContactFactory(
        contact_id="CO-LATE", child=world["children"]["a"], team=world["teams"]["A1"], received_at=RECEIVED
    )
    login(client, personas["admin"])
    response = client.get(url())
    assert response.context["differs"] and (response.context["stored"], response.context["total"]) == (5, 6)
    assert "This month was published on" in response.content.decode()
    assert "today's records number 6" in response.content.decode()


def test_a_team_filter_outside_the_scope_is_refused(client, personas, contacts, world, login):
    login(client, personas["manager_a1"])
    response = client.get(url() + f"&team={world['teams']['B1'].pk}")
    assert children_listed(response) == set()
    assert "CH-B" not in response.content.decode()
    assert client.get(url() + f"&team={world['teams']['B1'].pk}&format=csv").status_code == 400


def test_the_page_size_is_capped(client, personas, contacts, world, login):
    team = world["teams"]["A1"]
    for n in range(105):
        ContactFactory(child=ChildFactory(child_id=f"CH-X{n:04d}"), team=team, received_at=RECEIVED)
    login(client, personas["admin"])
    for per_page, rows in (("40000", 100), ("-1", 50), ("abc", 50), ("10", 10)):
        response = client.get(url() + f"&per_page={per_page}")
        assert len(response.context["table"].page.object_list) == rows, per_page


def _first_page_queries(client, django_assert_max_num_queries, limit):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with django_assert_max_num_queries(limit), CaptureQueriesContext(connection) as q:
        response = client.get(url("fd.contact_outcome", dimension="outcome", breakdown="csc_referral"))
    assert response.status_code == 200
    return len(q.captured_queries)


@pytest.mark.parametrize("persona", ["admin", "manager_a1"])
def test_the_first_page_takes_a_fixed_number_of_queries(
    client, personas, contacts, world, login, django_assert_max_num_queries, persona
):
    login(client, personas[persona])
    few = _first_page_queries(client, django_assert_max_num_queries, 20)
    team = world["teams"]["A1"]
    for n in range(80):
        ContactFactory(child=ChildFactory(child_id=f"CH-Y{n:04d}"), team=team, received_at=RECEIVED)
    snapshot_period_compute(period=Period.parse(APRIL), codes=["fd.contact_outcome"])
    many = _first_page_queries(client, django_assert_max_num_queries, 20)
    assert few == many


def drill_pages(code: str, org_unit: str, period: str):
    """A drill-down URL of every basis, part and breakdown dimension of a drillable measure."""
    from apps.kpis.registry import load

    m = load()[code]
    for basis in m.bases:
        parts = ["numerator"]
        if m.unit != "count" and m.unit != "rate":
            parts.append(DENOMINATOR)
        for part in parts:
            yield drill_url(code, period=period, org_unit=org_unit, basis=basis, part=part)
            for dim in m.breakdowns:
                yield drill_url(
                    code,
                    period=period,
                    org_unit=org_unit,
                    basis=basis,
                    dimension=dim,
                    breakdown="x",
                    part=part,
                )


def test_every_drillable_measure_has_a_page(client, personas, world, login):
    """Every basis, part and breakdown of every drillable measure answers 200 (an empty month here; the slow
    test of tests/kpis/test_drill_counts.py renders them with a generated council's records)."""
    from apps.kpis.registry import load

    login(client, personas["analyst"])
    la = ensure_la().code
    problems = []
    for code, m in sorted(load().items()):
        if not m.drillable:
            continue
        for page in drill_pages(code, la, APRIL):
            response = client.get(page)
            if response.status_code != 200:
                problems.append(f"{page}: {response.status_code}")
    assert problems == []
