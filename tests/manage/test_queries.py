"""List pages cost a fixed number of queries, whatever the number of rows on them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import Role
from tests import factories

pytestmark = pytest.mark.django_db

# Session, user, OTP device; then count, page rows, a prefetch and a filter's choices at most.
MAX_QUERIES = 7


def _add_rows(n, world, admin_user):
    teams = list(world["teams"].values())
    for i in range(n):
        factories.UserFactory(role=Role.TEAM_MANAGER, org_units=[teams[i % 3]])
        factories.TeamFactory(parent=world["services"]["A"])
        factories.TargetFactory(org_unit=teams[i % 3])
        factories.BenchmarkFactory()
        factories.EnteredMeasureFactory(org_unit=teams[i % 3])
        factories.AuditEventFactory(actor=admin_user)
        factories.AccessLogFactory()


PAGES = [
    "users",
    "orgunits",
    "targets",
    "benchmarks",
    "entered",
    "audit",
    "accesslog",
    "measures",
    "baseline",
]


def _count(client, name):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(f"manage:{name}"))
    assert response.status_code == 200
    return len(ctx)


@pytest.mark.parametrize("name", PAGES)
def test_list_queries_do_not_grow(admin_client, world, admin_user, name, django_assert_max_num_queries):
    _add_rows(2, world, admin_user)
    _count(admin_client, name)  # warm caches (content types, registry)
    few = _count(admin_client, name)
    _add_rows(12, world, admin_user)
    many = _count(admin_client, name)
    assert many == few
    with django_assert_max_num_queries(MAX_QUERIES):
        admin_client.get(reverse(f"manage:{name}"))


def test_lists_paginate(admin_client, admin_user):
    for _ in range(55):
        factories.AuditEventFactory(actor=admin_user)
    first = admin_client.get(reverse("manage:audit"))
    assert len(first.context["table"].page.object_list) == 50
    second = admin_client.get(reverse("manage:audit"), {"page": 2})
    assert len(second.context["table"].page.object_list) == 5
