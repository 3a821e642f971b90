"""The child list, its exports and a child's record: filters, names, escaping, the access log, query counts."""

import csv
import io
from datetime import date, datetime

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from apps.accounts.models import AccessLog
from tests.factories import (
    AdoptionFactory,
    AllocationFactory,
    AssessmentFactory,
    CareEpisodeFactory,
    CareLeaverStatusFactory,
    ChildFactory,
    CINPlanFactory,
    CLAReviewFactory,
    ConferenceFactory,
    ContactFactory,
    CPPlanFactory,
    EarlyHelpEpisodeFactory,
    HealthAssessmentFactory,
    LifeStoryWorkFactory,
    MissingEpisodeFactory,
    ProceedingFactory,
    ReferralFactory,
    S47EnquiryFactory,
    StrategyDiscussionFactory,
    VisitFactory,
    WorkerFactory,
)
from tests.people.helpers import login

pytestmark = pytest.mark.django_db

LIST = reverse("people:child_list")
CSV = reverse("people:child_export_csv")
XLSX = reverse("people:child_export_xlsx")


def detail(child_id):
    return reverse("people:child_detail", args=[child_id])


def ids_in(body: str, ids=("CH-A", "CH-A2", "CH-B", "CH-C")) -> set[str]:
    # Child IDs render as the link text ">CH-A<", so CH-A is not mistaken for CH-A2.
    return {i for i in ids if f">{i}<" in body}


def get(client, user, url, **params):
    login(client, user)
    return client.get(url, params)


# --- the list ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("manager_a1", {"CH-A", "CH-C"}),
        ("manager_b1", {"CH-B"}),
        ("head_a", {"CH-A", "CH-A2", "CH-C"}),
        ("analyst", {"CH-A", "CH-A2", "CH-B", "CH-C"}),
        ("admin", {"CH-A", "CH-A2", "CH-B", "CH-C"}),
    ],
)
def test_list_shows_the_visible_children_only(client, personas, persona, expected):
    response = get(client, personas[persona], LIST)
    assert response.status_code == 200
    assert ids_in(response.content.decode()) == expected


def test_names_shown_to_managers_and_hidden_from_analysts(client, personas):
    body = get(client, personas["manager_a1"], LIST).content.decode()
    assert "Ash, Alice" in body and "Cedar, Cara" in body
    client.logout()
    body = get(client, personas["analyst"], LIST).content.decode()
    for name in ("Alice", "Ash", "Amir", "Alder", "Birch", "Cara", "Cedar", "alert(1)"):
        assert name not in body
    assert ">Name<" not in body


def test_analysts_cannot_search_or_sort_by_name(client, personas):
    body = get(client, personas["analyst"], LIST, q="Alice").content.decode()
    assert ids_in(body) == set()
    body = client.get(LIST, {"q": "ch-a2"}).content.decode()
    assert ids_in(body) == {"CH-A2"}
    # A sort on the name column is ignored: the column does not exist for analysts.
    response = client.get(LIST, {"sort": "name"})
    assert response.status_code == 200 and "Alice" not in response.content.decode()


def test_search_by_name_for_managers(client, personas):
    assert ids_in(get(client, personas["admin"], LIST, q="alice ash").content.decode()) == {"CH-A"}
    assert ids_in(client.get(LIST, {"q": "cedar"}).content.decode()) == {"CH-C"}
    assert ids_in(client.get(LIST, {"q": "ch-"}).content.decode()) == {"CH-A", "CH-A2", "CH-B", "CH-C"}


def test_script_in_a_name_is_escaped(client, personas):
    body = get(client, personas["admin"], LIST).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    body = client.get(detail("CH-B")).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_filters(client, personas, world, fixed_today):
    children, teams = world["children"], world["teams"]
    a, a2, b, c = children["a"], children["a2"], children["b"], children["contact_only"]
    a.sex, a.date_of_birth, a.ethnicity, a.uasc = "F", date(2016, 3, 16), "BAFR", True  # 2 tomorrow -> 0-4
    a.save()
    a2.sex, a2.date_of_birth, a2.ethnicity = "M", date(2014, 3, 15), ""  # 5 today -> 5-9
    a2.save()
    b.date_of_birth, b.expected_date_of_birth = None, date(2019, 6, 1)  # unborn
    b.save()
    c.date_of_birth = date(2003, 3, 15)  # 16 today
    c.save()
    CareEpisodeFactory(child=a, start_date=date(2018, 1, 1))  # open: in care now
    CareEpisodeFactory(child=a2, start_date=date(2018, 1, 1), end_date=date(2019, 3, 15), reason_ceased="E11")
    CPPlanFactory(child=c, start_date=date(2019, 3, 15))  # starts today: on a plan now
    CPPlanFactory(child=b, start_date=date(2019, 3, 16))  # tomorrow: not yet

    login(client, personas["admin"])

    def shown(**params):
        response = client.get(LIST, params)
        assert response.status_code == 200
        assert not response.context["filter"].errors, response.context["filter"].errors
        return ids_in(response.content.decode())

    assert shown(sex="F") == {"CH-A"} | {child.child_id for child in (b, c) if child.sex == "F"}
    assert shown(sex="M") == {"CH-A2"} | {child.child_id for child in (b, c) if child.sex == "M"}
    assert shown(age_band="0-4") == {"CH-A"}
    assert shown(age_band="5-9") == {"CH-A2"}
    assert shown(age_band="16+") == {"CH-C"}
    assert shown(age_band="unborn") == {"CH-B"}
    assert shown(ethnicity_group="Black") == {"CH-A"}
    assert shown(ethnicity_group="Missing") == {"CH-A2"}
    assert shown(uasc="true") == {"CH-A"}
    assert shown(in_care="true") == {"CH-A"}
    assert shown(in_care="false") == {"CH-A2", "CH-B", "CH-C"}
    assert shown(on_cp_plan="true") == {"CH-C"}
    assert shown(team=teams["A1"].pk) == {"CH-A", "CH-C"}
    assert shown(team=teams["B1"].pk) == {"CH-B"}
    assert shown(team=teams["A1"].pk, in_care="true") == {"CH-A"}


@pytest.mark.parametrize(
    "params",
    [
        {"team": "abc"},
        {"team": "99999"},
        {"team": "1 OR 1=1"},
        {"sex": "Z"},
        {"age_band": "-1"},
        {"ethnicity_group": "<script>"},
        {"in_care": "maybe"},
        {"q": "x" * 101},
    ],
)
def test_invalid_filter_values_are_form_errors(client, personas, params):
    response = get(client, personas["admin"], LIST, **params)
    assert response.status_code == 200
    assert response.context["filter"].errors
    body = response.content.decode()
    assert ids_in(body) == set()
    assert 'class="form__error"' in body
    assert "<script>" not in body.split("<main", 1)[1]


def test_team_of_another_service_is_refused(client, personas, world):
    response = get(client, personas["manager_a1"], LIST, team=world["teams"]["B1"].pk)
    assert response.context["filter"].errors["team"]
    assert ids_in(response.content.decode()) == set()
    # The team filter offers only the user's own teams.
    choices = [str(t) for t in response.context["filter"].form.fields["team"].queryset]
    assert choices == ["Team A1"]
    response = get(client, personas["head_a"], LIST)
    assert [str(t) for t in response.context["filter"].form.fields["team"].queryset] == ["Team A1", "Team A2"]


def test_pagination_and_sorting(client, personas, world):
    team = world["teams"]["A1"]
    for n in range(60):
        AllocationFactory(child=ChildFactory(child_id=f"P{n:03d}"), team=team)
    login(client, personas["manager_a1"])
    response = client.get(LIST)
    table = response.context["table"]
    assert table.paginator.count == 62 and len(table.page.object_list) == 50
    assert "62 rows · page 1 of 2" in response.content.decode()
    response = client.get(LIST, {"page": 2})
    assert len(response.context["table"].page.object_list) == 12
    response = client.get(LIST, {"sort": "-child_id"})
    first = next(iter(response.context["table"].page.object_list))
    assert first.record.child_id == "P059"
    response = client.get(LIST, {"page": "abc"})  # not a page number: the first page
    assert response.status_code == 200 and response.context["table"].page.number == 1


def test_list_query_count_does_not_grow(client, personas, world, django_assert_max_num_queries):
    login(client, personas["manager_a1"])
    client.get(LIST)  # warm the session
    with django_assert_max_num_queries(10):
        client.get(LIST, {"sex": "F", "in_care": "false", "team": world["teams"]["A1"].pk})
    for n in range(40):
        child = ChildFactory(child_id=f"Q{n:03d}")
        AllocationFactory(child=child, team=world["teams"]["A1"])
        CareEpisodeFactory(child=child)
    with django_assert_max_num_queries(10):
        response = client.get(LIST, {"sort": "-age"})
    assert len(response.context["table"].page.object_list) == 42


def test_list_writes_one_access_log_row(client, personas, world):
    for child in world["children"].values():
        child.sex = "F"
        child.save()
    get(client, personas["manager_a1"], LIST, sex="F", q="ch")
    log = AccessLog.objects.get()
    assert (log.username, log.role, log.action, log.what) == (
        "p-manager-a1",
        "team_manager",
        "list",
        "child list",
    )
    assert log.filters == {"sex": "F", "q": "ch"}
    assert log.ip == "127.0.0.1" and log.path.startswith("/children/?")
    assert log.rows == 2  # CH-A and CH-C
    get(client, personas["manager_a1"], LIST, sex="Z")
    log = AccessLog.objects.order_by("-pk").first()
    assert log.rows == 0 and log.filters == {"invalid": ["sex"]}


# --- the detail page -----------------------------------------------------------------------------------


@pytest.fixture
def full_record(world):
    """Child `a` with one record of every type, A1's where the record names a team."""
    a, a1 = world["children"]["a"], world["teams"]["A1"]
    worker = WorkerFactory(team=a1, name="Wendy Worker")
    referral = ReferralFactory(referral_id="RF-1", child=a, team=a1, referral_date=date(2018, 4, 3))
    ContactFactory(contact_id="CO-1", child=a, team=a1, received_at=datetime(2018, 4, 2, 9, 0).astimezone())
    EarlyHelpEpisodeFactory(episode_id="EH-1", child=a, start_date=date(2017, 9, 1))
    AssessmentFactory(assessment_id="AS-1", child=a, referral=referral, team=a1, start_date=date(2018, 4, 4))
    discussion = StrategyDiscussionFactory(
        discussion_id="SD-1", child=a, referral=referral, held_date=date(2018, 4, 5)
    )
    s47 = S47EnquiryFactory(
        s47_id="S47-1", child=a, discussion=discussion, team=a1, start_date=date(2018, 4, 5)
    )
    ConferenceFactory(conference_id="CF-1", child=a, s47=s47, held_date=date(2018, 4, 24))
    CINPlanFactory(plan_id="CIN-1", child=a, team=a1, start_date=date(2018, 5, 1), end_date=date(2018, 5, 20))
    CPPlanFactory(plan_id="CP-1", child=a, team=a1, start_date=date(2018, 4, 24))
    VisitFactory(visit_id="VI-1", child=a, worker=worker, visit_date=date(2018, 5, 3))
    CareEpisodeFactory(episode_id="EP-1", child=a, team=a1, start_date=date(2018, 6, 1))
    CLAReviewFactory(review_id="RV-1", child=a, review_date=date(2018, 6, 20))
    HealthAssessmentFactory(health_assessment_id="HA-1", child=a, completed_date=date(2018, 6, 25))
    MissingEpisodeFactory(episode_id="MI-1", child=a, start_date=date(2018, 7, 1), end_date=date(2018, 7, 2))
    CareLeaverStatusFactory(child=a, status_date=date(2018, 8, 1), pa_worker=worker)
    AdoptionFactory(child=a, entered_care_date=date(2018, 6, 1), placed_date=None, matched_date=None)
    ProceedingFactory(proceeding_id="PR-1", child=a, start_date=date(2018, 5, 10))
    LifeStoryWorkFactory(child=a, start_date=date(2018, 9, 1))
    return a


def test_detail_shows_characteristics_and_every_record_in_date_order(client, personas, full_record):
    response = get(client, personas["manager_a1"], detail("CH-A"))
    assert response.status_code == 200
    timeline = response.context["timeline"]
    kinds = [e["kind"] for e in timeline]
    assert kinds == [
        "Early help",
        "Allocation",
        "Contact",
        "Referral",
        "Assessment",
        "Strategy discussion",
        "S47 enquiry",
        "Conference",
        "CP plan",
        "CIN plan",
        "Visit",
        "Proceeding",
        "Care episode",
        "Adoption",
        "CiC review",
        "Health assessment",
        "Missing episode",
        "Care leaver status",
        "Life story work",
    ]
    days = [e["day"] for e in timeline]
    assert days == sorted(days)
    by_id = {e["id"]: e for e in timeline}
    assert by_id["CO-1"]["team"] == "Team A1"
    assert by_id["VI-1"]["team"] == "Team A1"  # through the visiting worker
    assert by_id["CF-1"]["team"] == "Team A1"  # through the S47
    assert dict(by_id["CIN-1"]["fields"])["End date"] == "20 May 2018"
    assert dict(by_id["AS-1"]["fields"])["Outcome"] != "cin_plan"  # a label, not the code
    body = response.content.decode()
    assert "Alice Ash" in body and "Team A1" in body and "S47-1" in body
    assert AccessLog.objects.get().what == "child CH-A"
    assert AccessLog.objects.get().rows == len(timeline)


def test_detail_query_count(client, personas, full_record, django_assert_max_num_queries):
    login(client, personas["manager_a1"])
    client.get(LIST)
    # The child (with its status), one query per record type (19), the access log, and the session/user
    # and scope lookups: fixed however many records the child has.
    with django_assert_max_num_queries(26):
        assert client.get(detail("CH-A")).status_code == 200
    for n in range(10):
        VisitFactory(child=full_record, visit_date=date(2018, 10, n + 1))
        ContactFactory(child=full_record)
    with django_assert_max_num_queries(26):
        assert client.get(detail("CH-A")).status_code == 200


def test_detail_hides_names_from_analysts(client, personas, full_record):
    body = get(client, personas["analyst"], detail("CH-A")).content.decode()
    assert "Child CH-A" in body
    for name in ("Alice", "Ash"):
        assert name not in body


@pytest.mark.parametrize("child_id", ["CH-B", "NOPE", "..", "CH-A%00", "1 OR 1=1", "x" * 500, "ch-a"])
def test_forged_child_ids_are_404(client, personas, child_id):
    response = get(client, personas["manager_a1"], f"/children/{child_id}/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Birch" not in body and "alert(1)" not in body
    assert not AccessLog.objects.exists()


# --- exports -------------------------------------------------------------------------------------------


def read_csv(response):
    return list(csv.reader(io.StringIO(response.getvalue().decode())))


def read_xlsx(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[c for c in row] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize(("url", "reader"), [(CSV, read_csv), (XLSX, read_xlsx)])
def test_export_of_the_filtered_list(client, personas, world, url, reader):
    response = get(client, personas["manager_a1"], url, team=world["teams"]["A1"].pk)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    rows = reader(response)
    assert rows[0][:3] == ["Child ID", "Given name", "Family name"]
    assert [r[0] for r in rows[1:]] == ["CH-A", "CH-C"]
    assert rows[1][1:3] == ["Alice", "Ash"]
    log = AccessLog.objects.get()
    assert log.action == "export" and log.rows == 2 and log.filters == {"team": "A1"}


@pytest.mark.parametrize(("url", "reader"), [(CSV, read_csv), (XLSX, read_xlsx)])
def test_export_hides_names_from_analysts(client, personas, url, reader):
    response = get(client, personas["analyst"], url)
    rows = reader(response)
    assert "Given name" not in rows[0]
    assert sorted(r[0] for r in rows[1:]) == ["CH-A", "CH-A2", "CH-B", "CH-C"]
    flat = " ".join(str(v) for row in rows for v in row)
    for name in ("Alice", "Ash", "Birch", "alert"):
        assert name not in flat
    assert AccessLog.objects.get().rows == 4


@pytest.mark.parametrize(("url", "reader"), [(CSV, read_csv), (XLSX, read_xlsx)])
def test_export_cells_are_formula_safe(client, personas, world, url, reader):
    child = world["children"]["a"]
    child.given_name, child.family_name = '=HYPERLINK("http://evil","x")', "+SUM(1)"
    child.save()
    ChildFactory(child_id="-1", given_name="@cmd", family_name="Plain")
    AllocationFactory(child_id=ChildFactory(child_id="-1").pk, team=world["teams"]["A1"])
    rows = reader(get(client, personas["manager_a1"], url))
    by_id = {r[0]: r for r in rows[1:]}
    assert by_id["CH-A"][1:3] == ['\'=HYPERLINK("http://evil","x")', "'+SUM(1)"]
    assert by_id["'-1"][1:3] == ["'@cmd", "Plain"]
    if reader is read_xlsx:
        sheet = load_workbook(io.BytesIO(client.get(url).content)).active
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_export_with_invalid_filters_is_refused(client, personas, world):
    response = get(client, personas["manager_a1"], CSV, team=world["teams"]["B1"].pk)
    assert response.status_code == 400
    assert "CH-B" not in response.content.decode()
    assert not AccessLog.objects.exists()


def test_nav_link_only_for_child_level_roles(client, personas):
    assert 'href="/children/"' in get(client, personas["analyst"], "/").content.decode()
    client.logout()
    assert 'href="/children/"' not in get(client, personas["viewer"], "/").content.decode()
