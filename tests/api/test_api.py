"""The REST API: the child-level endpoints follow the pages' rules; snapshots suppress small numbers for
viewers."""

import pytest

from apps.accounts.models import AccessLog
from tests.factories import AllocationFactory, ChildFactory, ContactFactory, SnapshotFactory
from tests.people.helpers import login

pytestmark = pytest.mark.django_db

LIST = "/api/children/"


def ids(response) -> set[str]:
    return {row["child_id"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("manager_a1", {"CH-A", "CH-C"}),
        ("manager_b1", {"CH-B"}),
        ("head_a", {"CH-A", "CH-A2", "CH-C"}),
        ("director", {"CH-A", "CH-A2", "CH-B", "CH-C"}),
        ("analyst", {"CH-A", "CH-A2", "CH-B", "CH-C"}),
        ("admin", {"CH-A", "CH-A2", "CH-B", "CH-C"}),
    ],
)
def test_child_list_by_persona(client, personas, persona, expected):
    login(client, personas[persona])
    response = client.get(LIST)
    assert response.status_code == 200
    assert ids(response) == expected
    assert response.json()["count"] == len(expected)


def test_refused_for_anonymous_and_viewers(client, personas):
    # Nobody signed in and no key: 401, naming the scheme a system should use.
    assert client.get(LIST).status_code == 401
    assert client.get(f"{LIST}CH-A/")["WWW-Authenticate"] == "Token"
    login(client, personas["viewer"])
    for url in (LIST, f"{LIST}CH-A/", f"{LIST}CH-A/timeline/"):
        response = client.get(url)
        assert response.status_code == 403 and "CH-A" not in response.content.decode()
    assert not AccessLog.objects.exists()


def test_names_for_managers_not_for_analysts(client, personas):
    login(client, personas["manager_a1"])
    row = client.get(f"{LIST}CH-A/").json()
    assert (row["given_name"], row["family_name"]) == ("Alice", "Ash")
    client.logout()
    login(client, personas["analyst"])
    for url in (LIST, f"{LIST}CH-A/", f"{LIST}CH-A/timeline/", f"{LIST}?q=Alice"):
        body = client.get(url).content.decode()
        assert "Alice" not in body and "Ash" not in body and "given_name" not in body
    assert ids(client.get(LIST, {"q": "Alice"})) == set()


def test_script_in_names_is_data_not_markup(client, personas):
    login(client, personas["admin"])
    response = client.get(f"{LIST}CH-B/")
    assert response["Content-Type"] == "application/json"
    assert response.json()["given_name"] == "<script>alert(1)</script>"


def test_filters_and_pagination(client, personas, world):
    login(client, personas["admin"])
    assert ids(client.get(LIST, {"team": world["teams"]["A1"].pk})) == {"CH-A", "CH-C"}
    assert ids(client.get(LIST, {"q": "birch"})) == {"CH-B"}
    for n in range(55):
        ChildFactory(child_id=f"Z{n:03d}")
    page1 = client.get(LIST).json()
    assert page1["count"] == 59 and len(page1["results"]) == 50 and page1["next"]
    page2 = client.get(LIST, {"page": 2}).json()
    assert len(page2["results"]) == 9
    assert client.get(LIST, {"page": 9}).status_code == 404


@pytest.mark.parametrize("params", [{"team": "abc"}, {"sex": "Q"}, {"in_care": "perhaps"}])
def test_invalid_filters_are_400(client, personas, params):
    login(client, personas["admin"])
    response = client.get(LIST, params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_team_of_another_service_is_refused(client, personas, world):
    login(client, personas["manager_a1"])
    response = client.get(LIST, {"team": world["teams"]["B1"].pk})
    assert response.status_code == 400 and "CH-B" not in response.content.decode()


@pytest.mark.parametrize("child_id", ["CH-B", "NOPE", "..", "1%20OR%201=1", "ch-a"])
def test_forged_ids_are_404(client, personas, child_id):
    login(client, personas["manager_a1"])
    for url in (f"{LIST}{child_id}/", f"{LIST}{child_id}/timeline/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Birch" not in response.content.decode()
    assert not AccessLog.objects.exists()


def test_timeline(client, personas, world):
    ContactFactory(contact_id="CO-A", child=world["children"]["a"], team=world["teams"]["A1"])
    login(client, personas["manager_a1"])
    data = client.get(f"{LIST}CH-A/timeline/").json()
    assert data["child_id"] == "CH-A"
    assert [(e["kind"], e["id"], e["team"]) for e in data["timeline"]] == [
        ("Allocation", "AL-A", "Team A1"),
        ("Contact", "CO-A", "Team A1"),
    ]
    assert data["timeline"][0]["date"] == "2018-01-01"


def test_every_call_is_logged(client, personas, world):
    login(client, personas["manager_a1"])
    client.get(LIST, {"sex": "F"})
    client.get(f"{LIST}CH-A/")
    client.get(f"{LIST}CH-A/timeline/")
    logs = list(AccessLog.objects.order_by("pk").values_list("action", "what", "rows", "filters"))
    shown = sum(1 for c in ("a", "contact_only") if world["children"][c].sex == "F")
    assert logs == [
        ("api", "api child list", shown, {"sex": "F"}),
        ("api", "api child CH-A", 1, {}),
        ("api", "api child CH-A timeline", 1, {}),
    ]


def test_child_list_query_count(client, personas, world, django_assert_max_num_queries):
    login(client, personas["manager_a1"])
    client.get(LIST)
    for n in range(30):
        AllocationFactory(child=ChildFactory(child_id=f"Y{n:03d}"), team=world["teams"]["A1"])
    with django_assert_max_num_queries(10):
        assert len(client.get(LIST).json()["results"]) == 32


def test_read_only(client, personas):
    login(client, personas["admin"])
    assert client.post(LIST, {}, content_type="application/json").status_code in (403, 405)
    assert client.delete(f"{LIST}CH-A/").status_code in (403, 405)


# --- snapshots -----------------------------------------------------------------------------------------


@pytest.fixture
def snapshots(world):
    from django.utils import timezone

    from apps.kpis.models import PeriodState

    PeriodState.objects.create(period="2019-02", frozen_at=timezone.now())  # viewers see published months
    team = world["teams"]["A1"]
    SnapshotFactory(measure="x.share", period="2019-02", org_unit=team, numerator=3, denominator=4, value=75)
    SnapshotFactory(
        measure="x.count", period="2019-02", org_unit=team, numerator=2, denominator=None, value=2
    )
    SnapshotFactory(measure="x.big", period="2019-02", org_unit=team, numerator=30, denominator=40, value=75)
    SnapshotFactory(measure="x.zero", period="2019-02", org_unit=team, numerator=0, denominator=12, value=0)
    return team


def test_snapshots_for_every_signed_in_role(client, personas, snapshots):
    login(client, personas["analyst"])
    data = client.get("/api/snapshots/", {"period": "2019-02", "org_unit": "A1"}).json()
    assert data["small_numbers_suppressed"] is False
    rows = {r["kpi"]: r for r in data["results"]}
    assert (rows["x.share"]["numerator"], rows["x.share"]["value"]) == (3, 75)
    client.logout()
    login(client, personas["viewer"])
    data = client.get("/api/snapshots/", {"period": "2019-02", "org_unit": "A1"}).json()
    assert data["small_numbers_suppressed"] is True
    rows = {r["kpi"]: r for r in data["results"]}
    hidden = {"suppressed": True, "numerator": None, "denominator": None, "value": None}
    for kpi in ("x.share", "x.count"):
        assert {k: rows[kpi][k] for k in hidden} == hidden
    assert (rows["x.big"]["suppressed"], rows["x.big"]["numerator"], rows["x.big"]["value"]) == (
        False,
        30,
        75,
    )
    assert (rows["x.zero"]["suppressed"], rows["x.zero"]["numerator"], rows["x.zero"]["value"]) == (
        False,
        0,
        0,
    )
    assert not AccessLog.objects.exists()  # aggregates are not child-level


def test_snapshots_refused_or_rejected(client, personas, snapshots):
    assert client.get("/api/snapshots/", {"period": "2019-02"}).status_code == 401
    login(client, personas["viewer"])
    for period in ("", "2019-13", "2019-2", "abcd-ef", "2019-02'--"):
        assert client.get("/api/snapshots/", {"period": period}).status_code == 400
    assert client.get("/api/snapshots/", {"period": "2019-02", "org_unit": "NOPE"}).status_code == 404


def test_viewers_see_published_months_only(client, personas, snapshots):
    SnapshotFactory(
        measure="x.big", period="2019-03", org_unit=snapshots, numerator=30, denominator=40, value=75
    )
    login(client, personas["viewer"])
    data = client.get("/api/snapshots/", {"period": "2019-03"}).json()
    assert data["results"] == [] and data["small_numbers_suppressed"] is True
    client.logout()
    login(client, personas["analyst"])
    assert len(client.get("/api/snapshots/", {"period": "2019-03"}).json()["results"]) == 1
