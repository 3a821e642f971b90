"""Two-factor sign-in (django-otp TOTP): who must pass it, enrolment, the OTP step, the middleware that keeps
unverified sessions off every page, the admin site, and an administrator's forced reset."""

import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts import otp
from apps.accounts.models import AuditEvent, Role
from tests.factories import AdminUserFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"  # UserFactory's


def code(device, steps_ahead=0):
    """The code the user's app shows now (or `steps_ahead` 30-second steps later: the device accepts one step
    of drift, and a code once used is refused, so a second verification in one test takes the next one)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def sign_in(client, user, next_url=None):
    data = {"username": user.username, "password": PASSWORD}
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, data)


def verified(client):
    return client.get(reverse("home")).status_code == 200


@pytest.fixture
def manager():
    return UserFactory(username="tm", role=Role.TEAM_MANAGER)


@pytest.fixture
def enrolled(manager):
    return TOTPDevice.objects.create(user=manager, name="phone", confirmed=True)


# --- who needs it ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "staff", "needs"),
    [
        (Role.VIEWER, False, False),
        (Role.VIEWER, True, True),  # can reach the admin
        (Role.TEAM_MANAGER, False, True),
        (Role.HEAD_OF_SERVICE, False, True),
        (Role.DIRECTOR, False, True),
        (Role.ANALYST, False, True),
        (Role.ADMIN, False, True),
    ],
)
def test_needs_two_factor(role, staff, needs):
    assert otp.needs_two_factor(UserFactory(role=role, is_staff=staff)) is needs


def test_inactive_or_anonymous_need_nothing():
    from django.contrib.auth.models import AnonymousUser

    assert not otp.needs_two_factor(AnonymousUser())
    assert not otp.needs_two_factor(UserFactory(role=Role.ADMIN, is_active=False))


# --- viewer: password only ---------------------------------------------------------------------------------


def test_viewer_signs_in_with_password_only(client):
    viewer = UserFactory(role=Role.VIEWER)
    response = sign_in(client, viewer)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert verified(client)
    assert not TOTPDevice.objects.filter(user=viewer).exists()


def test_viewer_with_a_device_is_asked_for_it(client):
    viewer = UserFactory(role=Role.VIEWER)
    device = TOTPDevice.objects.create(user=viewer, name="phone", confirmed=True)
    response = sign_in(client, viewer)
    assert response["Location"].startswith(reverse("two_factor_verify"))
    assert client.get(reverse("home"))["Location"].startswith(reverse("two_factor_verify"))
    client.post(reverse("two_factor_verify"), {"otp_token": code(device)})
    assert verified(client)


# --- enrolment -------------------------------------------------------------------------------------------


def test_manager_without_a_device_must_enrol_before_any_page(client, manager):
    response = sign_in(client, manager)
    assert response.status_code == 302
    assert response["Location"] == reverse("two_factor_setup") + "?next=%2F"
    # Every page leads back to enrolment until it is done.
    for url in (reverse("home"), reverse("admin:index"), reverse("password_change"), "/no-such-page/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("two_factor_setup")), url

    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 200
    body = page.content.decode()
    device = TOTPDevice.objects.get(user=manager)
    assert not device.confirmed
    assert "<svg" in body and "QR code" in body
    assert otp.secret_base32(device) in body
    # The same pending key on a reload, so the code scanned stays valid.
    client.get(reverse("two_factor_setup"))
    assert list(TOTPDevice.objects.filter(user=manager)) == [device]

    # A wrong code is refused and the device stays unconfirmed.
    wrong = f"{(int(code(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("two_factor_setup"), {"otp_token": wrong, "next": "/"})
    assert response.status_code == 200 and "did not match" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert not verified(client)

    device.throttle_reset()
    response = client.post(reverse("two_factor_setup"), {"otp_token": code(device), "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed
    assert verified(client)
    # Enrolled and verified: the setup page now says so instead of issuing another key.
    assert client.get(reverse("two_factor_setup")).status_code == 302
    assert TOTPDevice.objects.filter(user=manager).count() == 1


def test_enrolment_needs_a_login(client):
    response = client.get(reverse("two_factor_setup"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_setup_page_has_no_inline_script_or_style(client, manager):
    sign_in(client, manager)
    body = client.get(reverse("two_factor_setup")).content.decode()
    assert "style=" not in body and "<style" not in body
    assert "<script" not in body


def test_enrolled_user_cannot_enrol_another_device_before_verifying(client, manager, enrolled):
    sign_in(client, manager)
    response = client.get(reverse("two_factor_setup"))
    assert response["Location"].startswith(reverse("two_factor_verify"))
    assert list(TOTPDevice.objects.filter(user=manager)) == [enrolled]


# --- the OTP step ----------------------------------------------------------------------------------------


def test_password_then_code_gives_a_verified_session(client, manager, enrolled):
    response = sign_in(client, manager)
    assert response["Location"] == reverse("two_factor_verify") + "?next=%2F"
    assert not verified(client)
    page = client.get(response["Location"])
    assert page.status_code == 200 and 'name="otp_token"' in page.content.decode()
    key_before = client.session.session_key

    response = client.post(reverse("two_factor_verify"), {"otp_token": code(enrolled), "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert verified(client)
    assert client.session["otp_device_id"] == enrolled.persistent_id
    assert client.session.session_key != key_before  # a new session key once verified


def test_wrong_code_is_refused(client, manager, enrolled):
    sign_in(client, manager)
    wrong = f"{(int(code(enrolled)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("two_factor_verify"), {"otp_token": wrong})
    assert response.status_code == 200
    assert "not accepted" in response.content.decode()
    assert not verified(client)
    # django-otp throttles: straight after a failure even the right code must wait.
    response = client.post(reverse("two_factor_verify"), {"otp_token": code(enrolled)})
    assert "Wait" in response.content.decode()
    assert not verified(client)


def test_malformed_code_is_refused(client, manager, enrolled):
    sign_in(client, manager)
    for token in ("", "12345", "abcdef", "1234567"):
        response = client.post(reverse("two_factor_verify"), {"otp_token": token})
        assert response.status_code == 200
        assert not verified(client)


def test_a_code_is_accepted_once(client, manager, enrolled):
    used = code(enrolled)
    sign_in(client, manager)
    client.post(reverse("two_factor_verify"), {"otp_token": used})
    assert verified(client)
    client.post(reverse("logout"))

    sign_in(client, manager)
    client.post(reverse("two_factor_verify"), {"otp_token": used})
    assert not verified(client)


def test_next_survives_the_otp_step_and_foreign_next_is_dropped(client, manager, enrolled):
    response = sign_in(client, manager, next_url="/accounts/password/change/")
    assert response["Location"] == reverse("two_factor_verify") + "?next=%2Faccounts%2Fpassword%2Fchange%2F"
    response = client.post(
        reverse("two_factor_verify"), {"otp_token": code(enrolled), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


def test_otp_step_without_a_login_goes_to_login(client):
    response = client.get(reverse("two_factor_verify"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- the middleware --------------------------------------------------------------------------------------


def test_unverified_session_is_redirected_everywhere_but_sign_in_pages(client, manager, enrolled):
    client.force_login(manager)  # password step done, no code yet
    for url in (reverse("home"), reverse("admin:index"), "/accounts/password/change/", "/whatever/?x=1"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("two_factor_verify")), url
    # POSTs too (no next carried for them).
    response = client.post(reverse("password_change"), {})
    assert response.status_code == 302 and response["Location"] == reverse("two_factor_verify")
    # The sign-in, OTP and sign-out pages stay open, and so do static files.
    assert client.get(reverse("two_factor_verify")).status_code == 200
    assert client.get(reverse("login")).status_code == 200
    assert client.get("/static/css/portal.css").status_code in (200, 404)  # never a redirect
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_next_carries_the_page_asked_for(client, manager, enrolled):
    client.force_login(manager)
    response = client.get("/accounts/password/change/?a=1")
    assert (
        response["Location"]
        == reverse("two_factor_verify") + "?next=%2Faccounts%2Fpassword%2Fchange%2F%3Fa%3D1"
    )


def test_login_fixture_gives_a_verified_session(client, login, manager):
    login(client, manager)
    assert verified(client)


# --- the Django admin ------------------------------------------------------------------------------------


def test_admin_requires_a_verified_session(client, login):
    admin_user = AdminUserFactory()
    client.force_login(admin_user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_setup"))

    client.logout()
    login(client, admin_user)
    assert client.get(reverse("admin:index")).status_code == 200


def test_admin_site_itself_refuses_unverified_staff(rf):
    """Even without the middleware, the admin site (django-otp's OTPAdminSite) refuses an unverified user."""
    from django.contrib import admin

    request = rf.get("/admin/")
    request.user = AdminUserFactory()
    request.user.is_verified = lambda: False
    assert not admin.site.has_permission(request)
    request.user.is_verified = lambda: True
    assert admin.site.has_permission(request)


def test_admin_login_page_is_the_portals(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "next=/admin/" in response["Location"].replace("%2F", "/")


# --- an administrator's forced reset ---------------------------------------------------------------------


def test_reset_two_factor_deletes_devices_and_forces_enrolment(client, login, manager):
    admin_user = AdminUserFactory(username="boss")
    login(client, manager)
    assert verified(client)
    assert TOTPDevice.objects.filter(user=manager).count() == 1

    assert otp.reset_two_factor(manager, by=admin_user) == 1

    assert not TOTPDevice.objects.filter(user=manager).exists()
    event = AuditEvent.objects.get()
    assert (event.actor, event.object_type, event.object_id) == (admin_user, "accounts.user", str(manager.pk))
    assert event.before == {"two_factor_devices": ["test authenticator"]}
    assert event.after == {"two_factor_devices": []}
    # The session they still hold is no longer verified: next page is enrolment.
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_setup"))
    # And at the next sign-in too.
    client.post(reverse("logout"))
    assert sign_in(client, manager)["Location"].startswith(reverse("two_factor_setup"))


def test_reset_of_a_user_without_devices_is_harmless(manager):
    assert otp.reset_two_factor(manager, by=None) == 0
    assert AuditEvent.objects.get().actor is None
