"""Content-Security-Policy on every response (no inline script or style), CSRF on every form, POST-only
logout, and no csrf_exempt anywhere in the code."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from apps.accounts.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    out = {}
    for part in header.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


@pytest.mark.parametrize("url_name", ["login", "password_reset"])
def test_csp_on_anonymous_pages(client, url_name):
    response = client.get(reverse(url_name))
    csp = directives(response)
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    assert csp["default-src"] == ["'self'"] and csp["base-uri"] == ["'none'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


def test_csp_on_signed_in_pages_redirects_and_admin(client, login):
    login(client, UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True))
    for url in (reverse("home"), reverse("admin:index"), reverse("two_factor_verify")):
        response = client.get(url)
        assert "'unsafe-inline'" not in directives(response).get("script-src", ["missing"]), url


@pytest.mark.parametrize("url_name", ["login", "password_reset"])
def test_pages_have_no_inline_script_or_style(client, url_name):
    body = client.get(reverse(url_name)).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)", body)
    assert "style=" not in body and "<style" not in body


def test_templates_have_no_inline_script_or_style():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\sstyle=|<style", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_no_csrf_exempt_in_the_code():
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("apps", "portal")
        for path in (ROOT / folder).rglob("*.py")
        if "csrf_exempt" in path.read_text()
    ]
    assert offenders == []


def test_login_refuses_a_post_without_csrf_token():
    from django.test import Client

    UserFactory(username="vic")
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "vic", "password": "correct-horse-battery-staple"})
    assert response.status_code == 403


def test_otp_step_refuses_a_post_without_csrf_token():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(role=Role.TEAM_MANAGER))
    assert client.post(reverse("two_factor_verify"), {"otp_token": "123456"}).status_code == 403


def test_logout_is_post_only(client, login):
    login(client, UserFactory())
    assert client.get(reverse("logout")).status_code == 405
    assert client.get(reverse("home")).status_code == 200


def test_csrf_token_on_every_auth_form(client, login):
    for url_name in ("login", "password_reset"):
        assert 'name="csrfmiddlewaretoken"' in client.get(reverse(url_name)).content.decode()
    login(client, UserFactory(role=Role.TEAM_MANAGER))
    for url_name in ("password_change", "two_factor_verify"):
        assert client.get(reverse(url_name)).status_code in (200, 302)
    assert 'name="csrfmiddlewaretoken"' in client.get(reverse("password_change")).content.decode()
