"""Teams and services: create, duplicate codes refused, move a team to another service (audited), and the LA
node is not editable here."""

import pytest
from django.urls import reverse

from apps.accounts.models import AuditEvent
from apps.core.models import OrgLevel, OrgUnit

pytestmark = pytest.mark.django_db


def test_create_team_and_service(admin_client, world, admin_user, la):
    response = admin_client.post(
        reverse("manage:orgunit_new", args=["team"]),
        {"code": "A3", "name": "Team A3", "parent": world["services"]["A"].pk},
    )
    assert response.status_code == 302
    team = OrgUnit.objects.get(code="A3")
    assert team.level == OrgLevel.TEAM and team.parent == world["services"]["A"]
    admin_client.post(reverse("manage:orgunit_new", args=["service"]), {"code": "SC", "name": "Service C"})
    service = OrgUnit.objects.get(code="SC")
    assert service.level == OrgLevel.SERVICE and service.parent == la
    events = AuditEvent.objects.filter(object_type="core.orgunit", action="create").order_by("pk")
    assert [e.after["code"] for e in events] == ["A3", "SC"]
    assert events[0].actor == admin_user and events[0].after["parent"] == world["services"]["A"].pk


def test_duplicate_code_refused(admin_client, world):
    response = admin_client.post(
        reverse("manage:orgunit_new", args=["team"]),
        {"code": "B1", "name": "Another", "parent": world["services"]["A"].pk},
    )
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert OrgUnit.objects.filter(code="B1").count() == 1
    assert not AuditEvent.objects.exists()


def test_duplicate_code_refused_on_edit(admin_client, world):
    a2 = world["teams"]["A2"]
    response = admin_client.post(
        reverse("manage:orgunit_edit", args=[a2.pk]), {"code": "A1", "name": a2.name, "parent": a2.parent_id}
    )
    assert "code" in response.context["form"].errors
    a2.refresh_from_db()
    assert a2.code == "A2"


def test_move_team_to_another_service(admin_client, world, admin_user):
    a2 = world["teams"]["A2"]
    response = admin_client.post(
        reverse("manage:orgunit_edit", args=[a2.pk]),
        {"code": "A2", "name": "Team A2", "parent": world["services"]["B"].pk},
    )
    assert response.status_code == 302
    a2.refresh_from_db()
    assert a2.parent == world["services"]["B"]
    [event] = AuditEvent.objects.filter(object_type="core.orgunit", object_id=str(a2.pk))
    assert event.action == "update" and event.actor == admin_user
    assert event.before["parent"] == world["services"]["A"].pk
    assert event.after["parent"] == world["services"]["B"].pk


def test_team_cannot_be_put_under_a_team(admin_client, world):
    a2 = world["teams"]["A2"]
    response = admin_client.post(
        reverse("manage:orgunit_edit", args=[a2.pk]),
        {"code": "A2", "name": "Team A2", "parent": world["teams"]["B1"].pk},
    )
    assert response.status_code == 200 and "parent" in response.context["form"].errors


def test_la_node_not_editable(admin_client, world, la):
    url = reverse("manage:orgunit_edit", args=[la.pk])
    assert admin_client.get(url).status_code == 404
    assert admin_client.post(url, {"code": "X", "name": "X"}).status_code == 404
    assert admin_client.get(reverse("manage:orgunit_new", args=["la"])).status_code == 404
    la.refresh_from_db()
    assert la.code != "X"
    listed = {row.record.pk for row in admin_client.get(reverse("manage:orgunits")).context["table"].rows}
    assert la.pk not in listed and world["teams"]["A1"].pk in listed
