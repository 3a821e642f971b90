"""Child.objects.visible_to: the one rule every child-level surface applies."""

import pytest

from apps.accounts import access
from apps.frontdoor.models import Contact
from apps.people.models import Child, visible_records

pytestmark = pytest.mark.django_db

EXPECTED = {
    "viewer": set(),
    "manager_a1": {"CH-A", "CH-C"},  # own team's allocation, and a contact the team recorded
    "manager_b1": {"CH-B"},
    "head_a": {"CH-A", "CH-A2", "CH-C"},  # every team of service A
    "director": {"CH-A", "CH-A2", "CH-B", "CH-C"},
    "analyst": {"CH-A", "CH-A2", "CH-B", "CH-C"},
    "admin": {"CH-A", "CH-A2", "CH-B", "CH-C"},
}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_visible_children_by_persona(personas, persona):
    user = personas[persona]
    assert set(Child.objects.visible_to(user).values_list("child_id", flat=True)) == EXPECTED[persona]


def test_anonymous_and_inactive_see_nothing(personas):
    from django.contrib.auth.models import AnonymousUser

    assert not Child.objects.visible_to(AnonymousUser()).exists()
    director = personas["director"]
    director.is_active = False
    assert not Child.objects.visible_to(director).exists()


def test_manager_without_teams_sees_nothing(personas):
    from apps.accounts.models import Role
    from tests.factories import UserFactory

    assert not Child.objects.visible_to(UserFactory(username="lonely", role=Role.TEAM_MANAGER)).exists()


def test_visible_records_follow_children(personas, world):
    assert list(
        visible_records(Contact.objects.all(), personas["manager_a1"]).values_list("contact_id", flat=True)
    ) == ["CO-C"]
    assert not visible_records(Contact.objects.all(), personas["manager_b1"]).exists()
    assert not visible_records(Contact.objects.all(), personas["viewer"]).exists()


def test_names_and_small_counts(personas):
    assert access.sees_names(personas["manager_a1"]) and access.sees_names(personas["director"])
    assert not access.sees_names(personas["analyst"]) and not access.sees_names(personas["viewer"])
    assert access.suppresses_small_counts(personas["viewer"]) and not access.suppresses_small_counts(
        personas["analyst"]
    )
