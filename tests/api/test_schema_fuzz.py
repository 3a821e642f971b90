"""Schemathesis against the API's own OpenAPI schema: generated requests for every operation (query
parameters, path parameters and bodies the schema allows, and values it does not), sent through the WSGI
application with an analyst's API key; no request may end in a server error."""

import json

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

pytestmark = pytest.mark.django_db


def _schema():
    document = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(document)))
    schema.app = get_wsgi_application()
    return schema


SCHEMA = _schema()


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Django's WSGI handler closes the database connection when a request ends; the test's transaction lives
    on that connection (PostgreSQL would see it closed), so, as Django's own test client does, not here."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def key(world):
    from apps.accounts.models import Role
    from apps.accounts.services_tokens import api_token_create
    from tests.factories import SnapshotFactory, UserFactory

    SnapshotFactory(measure="fd.contacts", period="2018-04", org_unit=world["teams"]["A1"])
    _, key = api_token_create(user=UserFactory(role=Role.ANALYST), name="fuzz", by=None)
    return key


@SCHEMA.parametrize()
# derandomize: the same examples on every run, so CI cannot fail one day and pass the next on the same code.
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_request_the_schema_allows_is_a_server_error(case, key):
    case.call_and_validate(headers={"Authorization": f"Token {key}"}, checks=[not_a_server_error])
