"""Idle session timeout: a session left alone longer than SESSION_IDLE_TIMEOUT_SECONDS is signed out and sent
to the login page with a message; activity keeps it alive; the cookie ends with the browser."""

import time
from unittest import mock

import pytest
from django.conf import settings
from django.urls import reverse

from apps.accounts import middleware, otp
from apps.accounts.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def set_last_activity(client, seconds_ago):
    session = client.session
    session[otp.SESSION_LAST_ACTIVITY] = int(time.time()) - seconds_ago
    session.save()


def test_default_is_thirty_minutes():
    assert settings.SESSION_IDLE_TIMEOUT_SECONDS == 1800
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


@pytest.mark.parametrize("role", [Role.VIEWER, Role.TEAM_MANAGER])
def test_idle_session_is_signed_out(client, login, role):
    login(client, UserFactory(role=role))
    assert client.get(reverse("home")).status_code == 200

    set_last_activity(client, 1801)
    response = client.get(reverse("home") + "?tab=1")
    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=/%3Ftab%3D1"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert "signed out after 30 minutes without activity" in page.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_activity_within_the_limit_keeps_the_session(client, login):
    login(client, UserFactory(role=Role.TEAM_MANAGER))
    set_last_activity(client, 1790)
    assert client.get(reverse("home")).status_code == 200
    # That request counted as activity: the stamp moved to now.
    assert int(time.time()) - client.session[otp.SESSION_LAST_ACTIVITY] < 5


def test_time_travel_through_the_clock(client, login):
    """The same with the clock moved on rather than the stamp moved back."""
    login(client, UserFactory())
    assert client.get(reverse("home")).status_code == 200
    now = time.time()
    with mock.patch.object(middleware.time, "time", return_value=now + 29 * 60):
        assert client.get(reverse("home")).status_code == 200
    with mock.patch.object(middleware.time, "time", return_value=now + 29 * 60 + 31 * 60):
        assert client.get(reverse("home")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_setting_is_honoured(client, login, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 120
    login(client, UserFactory())
    set_last_activity(client, 121)
    assert client.get(reverse("home")).status_code == 302


def test_session_without_a_stamp_gets_one(client):
    client.force_login(UserFactory())
    assert otp.SESSION_LAST_ACTIVITY not in client.session
    assert client.get(reverse("home")).status_code == 200
    assert otp.SESSION_LAST_ACTIVITY in client.session


def test_stamp_is_not_rewritten_on_every_request(client, login):
    login(client, UserFactory())
    set_last_activity(client, 10)
    stamp = client.session[otp.SESSION_LAST_ACTIVITY]
    client.get(reverse("home"))
    assert client.session[otp.SESSION_LAST_ACTIVITY] == stamp


def test_sign_in_sets_the_stamp_and_a_browser_session_cookie(client):
    UserFactory(username="vic")
    response = client.post(reverse("login"), {"username": "vic", "password": "correct-horse-battery-staple"})
    assert response.status_code == 302
    assert abs(client.session[otp.SESSION_LAST_ACTIVITY] - time.time()) < 5
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""  # dies with the browser


def test_anonymous_requests_are_left_alone(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert otp.SESSION_LAST_ACTIVITY not in client.session
