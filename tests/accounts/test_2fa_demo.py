"""The demo's phone-free two-factor: demo_setup gives each demo user who needs it an authenticator with a
published key, and `demo_totp USERNAME` prints a code that signs in. Neither touches a real device."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts import demo, otp
from apps.accounts.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def demo_totp(username) -> str:
    out = StringIO()
    call_command("demo_totp", username, stdout=out)
    return out.getvalue().strip()


def test_demo_devices_for_users_who_need_two_factor_only():
    UserFactory(username="manager", role=Role.TEAM_MANAGER)
    viewer = UserFactory(username="viewer", role=Role.VIEWER)
    rows = demo.set_up_demo_devices(["manager", "viewer"])
    assert [username for username, _ in rows] == ["manager"]
    device = TOTPDevice.objects.get(user__username="manager")
    assert device.confirmed and device.key == demo.demo_key("manager")
    assert rows[0][1] == otp.secret_base32(device)
    assert not TOTPDevice.objects.filter(user=viewer).exists()
    # Re-running replaces, never piles up.
    demo.set_up_demo_devices(["manager"])
    assert TOTPDevice.objects.filter(user__username="manager").count() == 1


def test_demo_totp_prints_a_code_that_signs_in(client):
    UserFactory(username="manager", role=Role.TEAM_MANAGER)
    demo.set_up_demo_devices(["manager"])
    code = demo_totp("manager")
    assert len(code) == 6 and code.isdigit()

    client.post(reverse("login"), {"username": "manager", "password": "correct-horse-battery-staple"})
    response = client.post(reverse("two_factor_verify"), {"otp_token": code})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_demo_totp_refuses_a_real_device():
    user = UserFactory(username="manager", role=Role.TEAM_MANAGER)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)  # random key
    with pytest.raises(CommandError, match="no demo authenticator"):
        demo_totp("manager")
    with pytest.raises(CommandError):
        demo_totp("nobody")


def test_demo_setup_prints_the_setup_keys_and_the_command():
    out = StringIO()
    call_command("demo_setup", "--skip-data", stdout=out, stderr=StringIO())
    text = out.getvalue()
    assert "demo_totp USERNAME" in text
    for username in ("admin", "director", "head", "manager", "analyst"):
        device = TOTPDevice.objects.get(user__username=username)
        assert otp.secret_base32(device) in text
    assert not TOTPDevice.objects.filter(user__username="viewer").exists()
    assert demo_totp("analyst").isdigit()
