"""/manage/api-keys/: an admin makes a key for a user (shown once, not cached), lists keys without their
secret, and revokes one; each step is audited and the key works, then stops."""

import pytest
from django.urls import reverse

from apps.accounts.models import ApiToken, AuditEvent

pytestmark = pytest.mark.django_db


def test_make_list_and_revoke_a_key(client, login, personas):
    admin, analyst = personas["admin"], personas["analyst"]
    login(client, admin)
    response = client.post(
        reverse("manage:apikey_new"), {"user": analyst.pk, "name": "case system", "days": 90}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    token = ApiToken.objects.get()
    key = body.split('<code class="wrap">')[1].split("</code>")[0]
    assert key.startswith(token.prefix) and token.user == analyst and token.created_by == admin
    # The key works for the API, as the analyst.
    api = client.get("/api/children/", HTTP_AUTHORIZATION=f"Token {key}")
    assert api.status_code == 200
    listing = client.get(reverse("manage:apikeys")).content.decode()
    assert token.prefix in listing and key not in listing and "case system" in listing
    assert client.get(reverse("manage:apikey_revoke", args=[token.pk])).status_code == 200
    assert client.post(reverse("manage:apikey_revoke", args=[token.pk])).status_code == 302
    assert ApiToken.objects.get().revoked_at is not None
    client.logout()
    assert client.get("/api/children/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
    assert [e.action for e in AuditEvent.objects.filter(object_type="accounts.apitoken").order_by("at")] == [
        "create",
        "update",
    ]


def test_a_key_needs_a_name_and_an_active_user(client, login, personas):
    login(client, personas["admin"])
    response = client.post(reverse("manage:apikey_new"), {"user": personas["analyst"].pk, "name": ""})
    assert response.status_code == 200 and not ApiToken.objects.exists()
    assert "This field is required" in response.content.decode()
