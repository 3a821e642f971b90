"""Failed-login lockout (django-axes): five wrong passwords for one username from one address lock that pair
out for 30 minutes, the right password included; an administrator can unlock."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from apps.accounts import lockout
from apps.accounts.models import AuditEvent, Role
from tests.factories import AdminUserFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"


def attempt(client, username, password, ip="10.1.1.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def fail_five_times(client, username, ip="10.1.1.1"):
    for n in range(5):
        response = attempt(client, username, f"wrong-password-{n}", ip=ip)
    return response


@pytest.fixture
def viewer():
    return UserFactory(username="vic", role=Role.VIEWER)


def test_four_failures_do_not_lock(client, viewer):
    for n in range(4):
        response = attempt(client, "vic", f"wrong-{n}")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
    response = attempt(client, "vic", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_fifth_failure_locks_and_sixth_with_right_password_is_refused(client, viewer):
    response = fail_five_times(client, "vic")
    assert response.status_code == 429
    assert "Sign-in temporarily locked" in response.content.decode()

    response = attempt(client, "vic", PASSWORD)
    assert response.status_code == 429
    body = response.content.decode()
    assert "locked for 30 minutes" in body and "ask an administrator" in body
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302
    assert lockout.is_locked_out("vic")


def test_lockout_page_escapes_the_username(client):
    fail_five_times(client, "<script>x</script>")
    body = attempt(client, "<script>x</script>", "x").content.decode()
    assert "<script>x</script>" not in body and "&lt;script&gt;" in body


def test_lockout_is_per_username_and_address(client, viewer):
    UserFactory(username="other", role=Role.VIEWER)
    fail_five_times(client, "vic", ip="10.1.1.1")
    # The same username from another address, and another username from the same address, still sign in.
    assert attempt(client, "vic", PASSWORD, ip="10.2.2.2").status_code == 302
    client.post(reverse("logout"))
    assert attempt(client, "other", PASSWORD, ip="10.1.1.1").status_code == 302


def test_lock_lifts_after_the_cool_off(client, viewer):
    fail_five_times(client, "vic")
    assert attempt(client, "vic", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))
    assert not lockout.is_locked_out("vic")
    assert attempt(client, "vic", PASSWORD).status_code == 302


def test_still_locked_before_the_cool_off_ends(client, viewer):
    fail_five_times(client, "vic")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=29))
    assert attempt(client, "vic", PASSWORD).status_code == 429


def test_admin_unlocks(client, viewer):
    boss = AdminUserFactory(username="boss")
    fail_five_times(client, "vic")
    assert lockout.locked_out_usernames() == ["vic"]

    assert lockout.unlock("vic", by=boss) >= 1

    assert lockout.locked_out_usernames() == []
    event = AuditEvent.objects.get()
    assert (event.actor, event.object_id, event.after) == (boss, str(viewer.pk), {"locked_out": False})
    assert attempt(client, "vic", PASSWORD).status_code == 302


def test_unlocking_someone_not_locked_writes_nothing(viewer):
    assert lockout.unlock("vic", by=None) == 0
    assert not AuditEvent.objects.exists()


def test_lockouts_show_in_the_django_admin(client, login, viewer):
    fail_five_times(client, "vic")
    login(client, AdminUserFactory())
    response = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 200 and "vic" in response.content.decode()
    attempt_row = AccessAttempt.objects.get(username="vic")
    assert client.get(reverse("admin:axes_accessattempt_change", args=[attempt_row.pk])).status_code == 200
    # Read-only: deleting the record would be an unlock with no audit event; unlocking is lockout.unlock.
    response = client.post(reverse("admin:axes_accessattempt_delete", args=[attempt_row.pk]), {"post": "yes"})
    assert response.status_code == 403
    response = client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": [attempt_row.pk], "post": "yes"},
    )
    assert lockout.is_locked_out("vic")
    assert AccessAttempt.objects.filter(pk=attempt_row.pk).exists()


def test_the_otp_step_is_not_a_way_round_the_lockout(client):
    """A locked-out manager cannot reach the OTP step: the password step is refused first."""
    UserFactory(username="tm", role=Role.TEAM_MANAGER)
    fail_five_times(client, "tm")
    assert attempt(client, "tm", PASSWORD).status_code == 429
    response = client.get(reverse("two_factor_verify"))
    assert response["Location"].startswith(reverse("login"))
