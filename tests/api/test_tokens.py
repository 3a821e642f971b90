"""API keys for systems: a key reads what its user may read (the same visible_to as the browser), its calls
are in the access log under its user, only the key's hash is kept, and a revoked or expired key, a wrong one,
or one whose user is deactivated is refused with 401."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.accounts.models import AccessLog, ApiToken, AuditEvent
from apps.accounts.services_tokens import api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db

LIST = "/api/children/"


def ids(response) -> set[str]:
    return {row["child_id"] for row in response.json()["results"]}


def call(client, key, url=LIST, **params):
    return client.get(url, params, HTTP_AUTHORIZATION=f"Token {key}")


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("manager_a1", {"CH-A", "CH-C"}),
        ("manager_b1", {"CH-B"}),
        ("head_a", {"CH-A", "CH-A2", "CH-C"}),
        ("analyst", {"CH-A", "CH-A2", "CH-B", "CH-C"}),
    ],
)
def test_a_key_reads_what_its_user_may_and_is_logged_as_them(client, personas, persona, expected):
    user = personas[persona]
    _, key = api_token_create(user=user, name="case system", by=personas["admin"])
    response = call(client, key)
    assert response.status_code == 200
    assert ids(response) == expected
    log = AccessLog.objects.get()
    assert (log.username, log.action, log.rows) == (user.username, "api", len(expected))
    # Names only for the roles that see them, as in the browser.
    assert ("given_name" in response.json()["results"][0]) == (persona != "analyst")


def test_a_viewers_key_gets_aggregates_only(client, personas):
    _, key = api_token_create(user=personas["viewer"], name="members' dashboard", by=personas["admin"])
    assert call(client, key).status_code == 403
    assert call(client, key, "/api/snapshots/", period="2018-04").status_code == 200


def test_only_the_hash_is_kept_and_making_and_revoking_are_audited(client, personas):
    token, key = api_token_create(user=personas["analyst"], name="nightly", by=personas["admin"], days=30)
    assert key.startswith("pp_") and len(key) > 50
    stored = ApiToken.objects.get()
    assert key not in {stored.key_hash, stored.prefix} and key.startswith(stored.prefix)
    assert stored.expires_at > timezone.now() + dt.timedelta(days=29)
    api_token_revoke(token=token, by=personas["admin"])
    api_token_revoke(token=token, by=personas["admin"])  # twice: one change
    events = list(AuditEvent.objects.filter(object_type="accounts.apitoken").order_by("at"))
    assert [e.action for e in events] == ["create", "update"]
    assert all("key_hash" not in (e.after or {}) for e in events)


@pytest.mark.parametrize("how", ["revoked", "expired", "deactivated", "wrong", "malformed"])
def test_refused_keys(client, personas, how):
    user = personas["manager_a1"]
    token, key = api_token_create(user=user, name="case system", by=None)
    header = f"Token {key}"
    if how == "revoked":
        api_token_revoke(token=token, by=None)
    elif how == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    elif how == "deactivated":
        user.is_active = False
        user.save(update_fields=["is_active"])
    elif how == "wrong":
        header = f"Token {key[:-1]}x"
    else:
        header = f"Token {key} extra"
    response = client.get(LIST, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "CH-A" not in response.content.decode()
    assert not AccessLog.objects.exists()


def test_the_last_use_is_recorded(client, personas):
    token, key = api_token_create(user=personas["analyst"], name="nightly", by=None)
    assert token.last_used_at is None
    call(client, key)
    assert ApiToken.objects.get().last_used_at is not None


def test_the_command_makes_lists_and_revokes_keys(personas):
    out = StringIO()
    call_command(
        "api_token",
        "create",
        personas["analyst"].username,
        "--name",
        "nightly",
        stdout=out,
        stderr=StringIO(),
    )
    key = out.getvalue().strip().split()[-1]
    token = ApiToken.objects.get()
    assert key.startswith(token.prefix)
    listing = StringIO()
    call_command("api_token", "list", stdout=listing)
    assert token.prefix in listing.getvalue() and key not in listing.getvalue()
    call_command("api_token", "revoke", str(token.pk), stdout=StringIO())
    assert ApiToken.objects.get().revoked_at is not None
