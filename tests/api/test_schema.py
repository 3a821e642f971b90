"""The API's OpenAPI schema at a stable URL and its docs page: generated from the views without a warning,
for signed-in users only, and the docs page keeps the portal's strict CSP (no inline script or style)."""

import re
from io import StringIO

import pytest
import yaml
from django.core.management import call_command

from tests.people.helpers import login

pytestmark = pytest.mark.django_db

SCHEMA, DOCS = "/api/schema/", "/api/docs/"


def test_the_schema_is_generated_without_a_warning(tmp_path):
    out = tmp_path / "schema.yml"
    # --fail-on-warn: a view the generator cannot describe (a missing serializer, an unknown parameter) fails.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out), stderr=StringIO())
    schema = yaml.safe_load(out.read_text())
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    assert {"/api/snapshots/", "/api/children/", "/api/children/{child_id}/"} <= set(paths)
    snapshot = paths["/api/snapshots/"]["get"]
    assert {p["name"]: p.get("required", False) for p in snapshot["parameters"]} == {
        "period": True,
        "org_unit": False,
    }
    # The child list's parameters are the child list page's filters.
    listed = {p["name"] for p in paths["/api/children/"]["get"]["parameters"]}
    assert {"q", "team", "sex", "age_band", "in_care", "on_cp_plan", "page"} <= listed


@pytest.mark.parametrize("persona", ["viewer", "analyst", "manager_a1", "admin"])
def test_signed_in_users_read_the_schema_and_its_docs(client, personas, persona):
    login(client, personas[persona])
    response = client.get(SCHEMA, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json()["info"]["title"].endswith("API")
    docs = client.get(DOCS)
    assert docs.status_code == 200
    body = docs.content.decode()
    # Every script is a file (the page's own one included); no inline style.
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", body, re.S)
    assert scripts and all('src="' in attrs and not inner.strip() for attrs, inner in scripts)
    assert "<style" not in body and " style=" not in body
    policy = docs["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    own = re.search(r'<script src="([^"]*\?script=?)"', body)
    assert own and client.get(own.group(1)).status_code == 200


def test_anonymous_users_get_neither(client):
    assert client.get(SCHEMA).status_code in (401, 403)
    assert client.get(DOCS).status_code in (401, 403)
