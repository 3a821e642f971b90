"""/api/records/<type>/: a case system reads the records of a type its user may see, in the bundle's own
columns, and sends records through the bundle's own validation and one-transaction upsert: nothing written
while anything is wrong, every problem naming its row and column; only analysts and admins send."""

import pytest

from apps.accounts.models import AccessLog
from apps.accounts.services_tokens import api_token_create
from apps.frontdoor.models import Contact
from apps.imports.models import ImportRun
from tests.people.helpers import login

pytestmark = pytest.mark.django_db

URL = "/api/records/contacts/"
GOOD = [
    {
        "contact_id": "K1",
        "child_id": "CH-A",
        "received_at": "2018-03-01T09:30:00",
        "source": "1A",
        "team_code": "A1",
    },
    {
        "contact_id": "K2",
        "child_id": "CH-B",
        "received_at": "2018-03-02 14:00",
        "outcome": "nfa",
        "team_code": "B1",
    },
]


def post(client, rows, **extra):
    return client.post(URL, {"rows": rows}, content_type="application/json", **extra)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("manager_a1", {"CO-C"}),  # the world's one contact, of a child their team holds
        ("manager_b1", set()),
        ("analyst", {"CO-C"}),
        ("admin", {"CO-C"}),
    ],
)
def test_reading_records_follows_the_pages_rules_and_is_logged(client, personas, persona, expected):
    login(client, personas[persona])
    response = client.get(URL)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert {r["contact_id"] for r in rows} == expected
    if rows:
        assert set(rows[0]) >= {"contact_id", "child_id", "received_at", "team_code"}
        assert rows[0]["child_id"] == "CH-C" and rows[0]["team_code"] == "A1"
    log = AccessLog.objects.get()
    assert (log.action, log.what, log.rows) == ("api", "api records contacts", len(expected))


def test_refused_without_a_session_or_key_to_viewers_and_for_unknown_types(client, personas):
    assert client.get(URL).status_code == 401
    login(client, personas["viewer"])
    assert client.get(URL).status_code == 403
    login(client, personas["analyst"])
    response = client.get("/api/records/teams/")
    assert response.status_code == 404 and "contacts" in response.json()["detail"]


def test_an_analyst_sends_records_and_a_resend_changes_nothing(client, personas):
    login(client, personas["analyst"])
    response = post(client, GOOD)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["counts"]["created"] == 2 and body["error_count"] == 0
    assert set(Contact.objects.values_list("contact_id", flat=True)) == {"CO-C", "K1", "K2"}
    assert ImportRun.objects.get(pk=body["import_run"]).started_by == personas["analyst"]
    again = post(client, GOOD).json()
    assert (again["counts"]["created"], again["counts"]["updated"], again["counts"]["unchanged"]) == (0, 0, 2)
    # A column left out keeps its stored value; a changed one is updated.
    changed = post(
        client,
        [
            {
                "contact_id": "K1",
                "child_id": "CH-A",
                "received_at": "2018-03-01T09:30:00",
                "outcome": "information",
            }
        ],
    )
    assert changed.json()["counts"]["updated"] == 1
    k1 = Contact.objects.get(contact_id="K1")
    assert (k1.outcome, k1.source, k1.team.code) == ("information", "1A", "A1")


def test_a_bad_row_writes_nothing_and_is_named(client, personas):
    login(client, personas["admin"])
    rows = [*GOOD, {"contact_id": "K3", "child_id": "NOBODY", "received_at": "yesterday", "source": "ZZ"}]
    response = post(client, rows)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {(e["row"], e["column"]) for e in errors} >= {(3, "child_id"), (3, "received_at"), (3, "source")}
    assert not Contact.objects.filter(contact_id__in=["K1", "K2", "K3"]).exists()


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"rows": []}, "one or more"),
        ({"rows": "K1"}, "one or more"),
        ({"rows": [{"contact_id": "K1", "colour": "red"}]}, "no column 'colour'"),
        ({"rows": [{"contact_id": {"nested": 1}}]}, "a value must be"),
        ({"rows": [{"contact_id": f"K{i}"} for i in range(1001)]}, "at most 1,000"),
    ],
)
def test_what_cannot_be_read_is_refused_with_why(client, personas, body, says):
    login(client, personas["analyst"])
    response = client.post(URL, body, content_type="application/json")
    assert response.status_code == 400 and says in response.json()["rows"]
    assert not Contact.objects.exclude(contact_id="CO-C").exists()


def test_only_analysts_and_admins_send_and_a_dry_run_writes_nothing(client, personas):
    for persona in ("manager_a1", "director", "viewer"):
        login(client, personas[persona])
        assert post(client, GOOD).status_code == 403
    login(client, personas["analyst"])
    response = client.post(f"{URL}?dry_run=1", {"rows": GOOD}, content_type="application/json")
    assert response.status_code == 200 and response.json()["dry_run"] is True
    assert response.json()["counts"]["created"] == 2
    assert not Contact.objects.filter(contact_id__in=["K1", "K2"]).exists()


def test_a_case_system_sends_with_its_key(client, personas):
    _, key = api_token_create(user=personas["analyst"], name="case system", by=personas["admin"])
    response = post(client, GOOD, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert Contact.objects.filter(contact_id__in=["K1", "K2"]).count() == 2


def _child_record_types():
    from django.apps import apps as django_apps

    from apps.imports.bundle.spec import FILES

    out = []
    for spec in FILES:
        model = django_apps.get_model(spec.model)
        if spec.name not in ("teams", "entered_measures") and any(
            f.name == "child" for f in model._meta.fields
        ):
            out.append((spec.name, model, spec.key[0]))
    return out


@pytest.mark.parametrize(
    ("name", "model", "key"), _child_record_types(), ids=lambda v: getattr(v, "__name__", v)
)
def test_every_record_type_is_read_by_the_same_rules(client, personas, world, name, model, key):
    """For every record type the API serves: a record of the child team B1 holds is read by B1's manager, an
    analyst and an admin, never by A1's manager; a viewer is refused; each read is logged."""
    from tests.factories import FACTORIES

    record = FACTORIES[model](child=world["children"]["b"])
    value = model.objects.filter(pk=record.pk).values_list(
        key if key != "child_id" else "child__child_id", flat=True
    )[0]
    url = f"/api/records/{name}/"
    for persona, sees in (("manager_b1", True), ("analyst", True), ("admin", True), ("manager_a1", False)):
        client.logout()
        login(client, personas[persona])
        response = client.get(url)
        assert response.status_code == 200, (persona, response.content[:300])
        got = {str(r[key]) for r in response.json()["results"]}
        assert (str(value) in got) is sees, (persona, name, got)
    assert AccessLog.objects.filter(action="api", what=f"api records {name}").count() == 4
    client.logout()
    login(client, personas["viewer"])
    assert client.get(url).status_code == 403
