"""Commentary: who may write it, versions kept and audited, viewers read published months only."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import AuditEvent
from apps.kpis.models import PeriodState
from apps.scorecards import selectors, services
from apps.scorecards.models import Commentary

pytestmark = pytest.mark.django_db

URL = reverse("scorecards:commentary")


@pytest.fixture
def units(world, la):
    return {"LA": la, **world["services"], **world["teams"]}


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("admin", {"LA", "A", "B", "A1", "A2", "B1"}),
        ("director", {"LA", "A", "B", "A1", "A2", "B1"}),
        ("head_a", {"A", "A1", "A2"}),
        ("manager_a1", {"A1"}),
        ("analyst", set()),
        ("viewer", set()),
    ],
)
def test_who_may_write_for_which_unit(personas, units, persona, allowed):
    from apps.accounts.access import may_comment_on

    assert {code for code, unit in units.items() if may_comment_on(personas[persona], unit)} == allowed


def test_each_save_is_a_new_audited_version_and_the_same_text_is_no_change(personas, units):
    head = personas["head_a"]
    first = services.commentary_write(
        actor=head, period="2018-03", org_unit=units["A"], section="4", text=" Up.\r\n"
    )
    second = services.commentary_write(
        actor=head, period="2018-03", org_unit=units["A"], section="4", text="Up again."
    )
    assert (first.version, first.text, second.version) == (1, "Up.", 2)
    assert (
        services.commentary_write(
            actor=head, period="2018-03", org_unit=units["A"], section="4", text="Up again."
        )
        is None
    )
    assert Commentary.objects.count() == 2
    events = AuditEvent.objects.filter(object_type="scorecards.commentary")
    assert events.count() == 2 and {e.actor_username for e in events} == {head.username}
    current = selectors.commentary(period="2018-03", org_unit=units["A"], user=head)
    assert current["4"]["current"].text == "Up again." and current["4"]["versions"] == 2


def test_refusals_write_nothing(personas, units):
    with pytest.raises(PermissionDenied):
        services.commentary_write(
            actor=personas["manager_a1"], period="2018-03", org_unit=units["A"], section="", text="x"
        )
    with pytest.raises(ValidationError):
        services.commentary_write(
            actor=personas["manager_a1"], period="2018-03", org_unit=units["A1"], section="", text="  "
        )
    with pytest.raises(ValidationError):
        services.commentary_write(
            actor=personas["manager_a1"],
            period="2018-03",
            org_unit=units["A1"],
            section="",
            text="bad\x00byte",
        )
    assert not Commentary.objects.exists() and not AuditEvent.objects.exists()


def test_the_page_writes_and_shows_history(client, login, personas, units):
    login(client, personas["manager_a1"])
    query = {"period": "2018-03", "org_unit": "A1", "section": "1", "next": "/scorecard/?period=2018-03"}
    page = client.get(URL, query)
    assert page.status_code == 200 and 'name="text"' in page.content.decode()
    response = client.post(URL, {**query, "text": "Contacts fell: <b>half term</b>."})
    assert response.status_code == 302 and response["Location"] == "/scorecard/?period=2018-03"
    body = client.get(URL, query).content.decode()
    assert "Contacts fell: &lt;b&gt;half term&lt;/b&gt;." in body and "version 1" in body
    # Another unit's commentary: read, not written.
    assert 'name="text"' not in client.get(URL, {**query, "org_unit": "B1"}).content.decode()
    assert client.post(URL, {**query, "org_unit": "B1", "text": "no"}).status_code == 403
    # An open redirect is not followed.
    response = client.post(URL, {**query, "text": "Again.", "next": "https://evil.example/"})
    assert response["Location"].startswith(URL)


def test_bad_parameters_are_a_400(client, login, personas, units):
    login(client, personas["director"])
    for query in (
        {"period": "2018-13", "org_unit": "A1"},
        {"period": "2018-03", "org_unit": "NOPE"},
        {"period": "2018-03", "org_unit": "A1", "section": "99"},
    ):
        assert client.get(URL, query).status_code == 400


def test_viewers_read_published_months_only(client, login, personas, units):
    services.commentary_write(
        actor=personas["director"], period="2018-03", org_unit=units["LA"], section="", text="Draft."
    )
    viewer = personas["viewer"]
    assert selectors.commentary(period="2018-03", org_unit=units["LA"], user=viewer) == {}
    login(client, viewer)
    query = {"period": "2018-03", "org_unit": units["LA"].code, "section": ""}
    assert "Draft." not in client.get(URL, query).content.decode()
    PeriodState.objects.create(period="2018-03", frozen_at=timezone.now())
    assert (
        selectors.commentary(period="2018-03", org_unit=units["LA"], user=viewer)[""]["current"].text
        == "Draft."
    )
    assert "Draft." in client.get(URL, query).content.decode()


def test_reading_a_months_commentary_is_one_query(django_assert_num_queries, personas, units):
    for section in ("", "1", "4"):
        for text in ("a", "b"):
            services.commentary_write(
                actor=personas["director"], period="2018-03", org_unit=units["LA"], section=section, text=text
            )
    with django_assert_num_queries(1):
        found = selectors.commentary(period="2018-03", org_unit=units["LA"], user=personas["director"])
    assert {s: v["versions"] for s, v in found.items()} == {"": 2, "1": 2, "4": 2}


def test_the_section_page_shows_its_commentary_and_a_link_to_write_it(client, login, personas, units):
    from tests.factories import SnapshotFactory

    PeriodState.objects.create(period="2018-03", last_computed_at=timezone.now())
    SnapshotFactory(measure="as.completed", period="2018-03", org_unit=units["A1"], numerator=12, value=12)
    services.commentary_write(
        actor=personas["manager_a1"],
        period="2018-03",
        org_unit=units["A1"],
        section="4",
        text="Fewer, faster.",
    )
    login(client, personas["manager_a1"])
    body = client.get("/pages/4/", {"period": "2018-03", "org_unit": "A1"}).content.decode()
    assert "Fewer, faster." in body and "Update the commentary" in body
    client.logout()
    login(client, personas["analyst"])
    body = client.get("/pages/4/", {"period": "2018-03", "org_unit": "A1"}).content.decode()
    assert "Fewer, faster." in body and "Update the commentary" not in body
