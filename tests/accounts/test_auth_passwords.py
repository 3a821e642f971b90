"""Password change and reset run Django's password validators (AUTH_PASSWORD_VALIDATORS: at least 12
characters, not common, not all digits, not like the username)."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from apps.accounts.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OLD = "correct-horse-battery-staple"
STRONG = "plum-tide-orchard-47-lantern"


@pytest.mark.parametrize(
    ("new", "why"),
    [
        ("short-pw1", "too short"),
        ("123456789012345", "entirely numeric"),
        ("password1234", "too common"),
        ("tom-manager-01", "too similar"),
    ],
)
def test_password_change_refuses_weak_passwords(client, login, new, why):
    user = login(client, UserFactory(username="tom-manager", role=Role.TEAM_MANAGER))
    response = client.post(
        reverse("password_change"), {"old_password": OLD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 200
    assert why in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(OLD)


def test_password_change_accepts_a_strong_password_and_keeps_the_session(client, login):
    user = login(client, UserFactory(role=Role.TEAM_MANAGER))
    response = client.post(
        reverse("password_change"), {"old_password": OLD, "new_password1": STRONG, "new_password2": STRONG}
    )
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password(STRONG)
    assert client.get(reverse("home")).status_code == 200


def test_password_change_needs_a_login(client):
    assert client.get(reverse("password_change"))["Location"].startswith(reverse("login"))


def test_password_reset_by_email_validates_the_new_password(client):
    user = UserFactory(username="vic", email="vic@example.org")
    response = client.post(reverse("password_reset"), {"email": "vic@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password/reset/[^\s]+/)", mail.outbox[0].body).group(1)
    set_password_url = client.get(link)["Location"]

    response = client.post(set_password_url, {"new_password1": "short", "new_password2": "short"})
    assert response.status_code == 200 and "too short" in response.content.decode()
    response = client.post(set_password_url, {"new_password1": STRONG, "new_password2": STRONG})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(STRONG)


def test_password_reset_says_nothing_about_unknown_addresses(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []
