"""User pages: create with a one-time set-password link, role/team validation, edit, deactivate and
reactivate, password and two-factor resets, unlock; each change audited with before/after."""

import re

import pytest
from django.urls import reverse

from apps.accounts.models import AuditEvent, Role, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _events(obj):
    return list(AuditEvent.objects.filter(object_type="accounts.user", object_id=str(obj.pk)).order_by("pk"))


def _create(admin_client, world, **overrides):
    data = {
        "username": "new.manager",
        "first_name": "Nia",
        "last_name": "Newman",
        "email": "nia@example.org",
        "role": Role.TEAM_MANAGER,
        "teams": [world["teams"]["A1"].pk],
    }
    data.update(overrides)
    return admin_client.post(reverse("manage:user_new"), data)


def test_create_user_shows_one_time_link_and_audits(admin_client, world, admin_user):
    response = _create(admin_client, world)
    assert response.status_code == 200
    user = User.objects.get(username="new.manager")
    assert user.role == Role.TEAM_MANAGER and list(user.org_units.all()) == [world["teams"]["A1"]]
    assert not user.has_usable_password()
    link = re.search(
        r"http://testserver(/accounts/password/reset/[^<\s]+/)", response.content.decode()
    ).group(1)

    [event] = _events(user)
    assert event.action == "create" and event.actor == admin_user and event.before is None
    assert event.after["username"] == "new.manager"
    assert event.after["org_units"] == [world["teams"]["A1"].pk]
    assert "password" not in event.after

    # The link lets the user choose a password once.
    from django.test import Client

    anon = Client()
    step = anon.get(link)
    assert step.status_code == 302
    form_url = step["Location"]
    done = anon.post(
        form_url,
        {"new_password1": "a-long-fresh-passphrase-42", "new_password2": "a-long-fresh-passphrase-42"},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-long-fresh-passphrase-42")
    # ... and only once.
    again = Client().get(link, follow=True)
    assert b"new_password1" not in again.content


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"role": Role.TEAM_MANAGER, "teams": []}, "teams", "A team manager needs at least one team."),
        (
            {"role": Role.HEAD_OF_SERVICE, "teams": []},
            "services",
            "A head of service needs at least one service.",
        ),
        ({"username": "p-admin-dup"}, "username", "already exists"),
        ({"role": "superhero"}, "role", "Select a valid choice"),
        ({"email": ""}, "email", "required"),
    ],
)
def test_create_user_validation(admin_client, world, overrides, field, message):
    UserFactory(username="p-admin-dup")
    before = User.objects.count()
    response = _create(admin_client, world, **overrides)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert User.objects.count() == before
    assert not AuditEvent.objects.exists()


def test_head_of_service_with_a_service(admin_client, world):
    _create(admin_client, world, role=Role.HEAD_OF_SERVICE, teams=[], services=[world["services"]["A"].pk])
    assert User.objects.get(username="new.manager").role == Role.HEAD_OF_SERVICE


def test_edit_role_and_teams_audits_before_and_after(admin_client, world, admin_user):
    user = UserFactory(username="movable", role=Role.TEAM_MANAGER, org_units=[world["teams"]["A1"]])
    response = admin_client.post(
        reverse("manage:user_edit", args=[user.pk]),
        {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "role": Role.HEAD_OF_SERVICE,
            "services": [world["services"]["B"].pk],
        },
    )
    assert response.status_code == 302
    [event] = _events(user)
    assert event.action == "update" and event.actor == admin_user
    assert event.before["role"] == Role.TEAM_MANAGER and event.after["role"] == Role.HEAD_OF_SERVICE
    assert event.before["org_units"] == [world["teams"]["A1"].pk]
    assert event.after["org_units"] == [world["services"]["B"].pk]
    assert "password" not in event.before and "password" not in event.after


def test_edit_without_change_writes_nothing(admin_client, world):
    user = UserFactory(username="steady", role=Role.ANALYST)
    admin_client.post(
        reverse("manage:user_edit", args=[user.pk]),
        {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "role": Role.ANALYST,
        },
    )
    assert _events(user) == []


def test_manager_without_team_refused_on_edit(admin_client, world):
    user = UserFactory(username="m", role=Role.VIEWER)
    response = admin_client.post(
        reverse("manage:user_edit", args=[user.pk]),
        {"first_name": "A", "last_name": "B", "email": "a@b.org", "role": Role.TEAM_MANAGER},
    )
    assert response.status_code == 200 and "teams" in response.context["form"].errors
    user.refresh_from_db()
    assert user.role == Role.VIEWER and _events(user) == []


def test_admin_cannot_demote_or_deactivate_themselves(admin_client, admin_user):
    response = admin_client.post(
        reverse("manage:user_edit", args=[admin_user.pk]),
        {"first_name": "B", "last_name": "B", "email": "b@b.org", "role": Role.VIEWER},
    )
    assert response.status_code == 200
    admin_client.post(reverse("manage:user_action", args=[admin_user.pk, "deactivate"]))
    admin_user.refresh_from_db()
    assert admin_user.role == Role.ADMIN and admin_user.is_active
    assert _events(admin_user) == []


def test_deactivate_and_reactivate(admin_client, admin_user):
    user = UserFactory(username="leaver", role=Role.ANALYST)
    url = reverse("manage:user_action", args=[user.pk, "deactivate"])
    assert admin_client.get(url).status_code == 200  # a confirmation page; nothing changes on GET
    user.refresh_from_db()
    assert user.is_active
    assert admin_client.post(url).status_code == 302
    user.refresh_from_db()
    assert not user.is_active and User.objects.filter(pk=user.pk).exists()
    admin_client.post(reverse("manage:user_action", args=[user.pk, "reactivate"]))
    user.refresh_from_db()
    assert user.is_active
    deactivated, reactivated = _events(user)
    assert (deactivated.before["is_active"], deactivated.after["is_active"]) == (True, False)
    assert (reactivated.before["is_active"], reactivated.after["is_active"]) == (False, True)
    assert deactivated.actor == admin_user


def test_no_delete_for_users():
    from django.urls import get_resolver

    manage = next(p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "manage")
    assert not [p.name for p in manage.url_patterns if p.name.startswith("user") and "delete" in p.name]


def test_unknown_user_action_is_404(admin_client):
    user = UserFactory(username="x")
    assert admin_client.post(reverse("manage:user_action", args=[user.pk, "delete"])).status_code == 404
    assert User.objects.filter(pk=user.pk).exists()


def test_reset_password(admin_client, admin_user):
    user = UserFactory(username="forgetful", role=Role.ANALYST)
    assert user.check_password("correct-horse-battery-staple")
    response = admin_client.post(reverse("manage:user_action", args=[user.pk, "reset-password"]))
    assert response.status_code == 200
    assert "/accounts/password/reset/" in response.content.decode()
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    user.refresh_from_db()
    assert not user.has_usable_password()
    [event] = _events(user)
    assert event.after["_action"] == "password reset" and "password" not in event.after


def test_reset_two_factor_removes_devices(admin_client, admin_user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = UserFactory(username="lost-phone", role=Role.TEAM_MANAGER)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    admin_client.post(reverse("manage:user_action", args=[user.pk, "reset-2fa"]))
    assert not TOTPDevice.objects.filter(user=user).exists()
    [event] = _events(user)
    assert event.actor == admin_user and event.action == "update"


def test_unlock_clears_axes_lockout(admin_client, admin_user):
    from axes.models import AccessAttempt

    user = UserFactory(username="locked", role=Role.ANALYST)
    AccessAttempt.objects.create(
        username="locked",
        ip_address="10.0.0.1",
        user_agent="x",
        failures_since_start=9,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/accounts/login/",
    )
    admin_client.post(reverse("manage:user_action", args=[user.pk, "unlock"]))
    assert not AccessAttempt.objects.filter(username="locked").exists()
    [event] = _events(user)
    assert event.actor == admin_user


def test_user_list_filters(admin_client, world):
    UserFactory(username="tm-a1", role=Role.TEAM_MANAGER, org_units=[world["teams"]["A1"]])
    UserFactory(username="tm-b1", role=Role.TEAM_MANAGER, org_units=[world["teams"]["B1"]])
    UserFactory(username="gone", role=Role.ANALYST, is_active=False)
    url = reverse("manage:users")

    def names(params):
        return {row.record.username for row in admin_client.get(url, params).context["table"].rows}

    assert names({"org_unit": world["teams"]["A1"].pk}) == {"tm-a1"}
    assert names({"role": Role.TEAM_MANAGER}) == {"tm-a1", "tm-b1"}
    assert names({"is_active": "false"}) == {"gone"}
    assert names({"q": "tm-b"}) == {"tm-b1"}
