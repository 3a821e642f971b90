"""The people selectors: the team filter means what "may see" means; ages and bands at the edges."""

from datetime import date

import pytest
from django.apps import apps

from apps.accounts.models import Role
from apps.people import selectors
from apps.people.models import TEAM_RECORD_MODELS, Child, held_by_team_q
from tests.factories import FACTORIES, ChildFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def _models_with_child_and_team():
    for model in apps.get_models():
        names = {f.name for f in model._meta.get_fields()}
        if {"child", "team"} <= names and model in FACTORIES:
            yield model


@pytest.mark.parametrize("model", list(_models_with_child_and_team()), ids=lambda m: m._meta.label)
def test_team_filter_agrees_with_visible_to_for_every_record_type(model):
    """For each record type that names a child and a team: a child whose only record is that one is in the
    team filter exactly when the team's manager may see the child."""
    team, other = TeamFactory(code="T1"), TeamFactory(code="T2")
    child = ChildFactory(child_id="ONLY")
    FACTORIES[model](child=child, team=team)
    manager = UserFactory(username="m", role=Role.TEAM_MANAGER, org_units=[team])
    visible = Child.objects.visible_to(manager).filter(pk=child.pk).exists()
    in_team = Child.objects.filter(held_by_team_q([team.pk]), pk=child.pk).exists()
    assert visible == in_team
    assert not Child.objects.filter(held_by_team_q([other.pk])).exists()
    assert (model._meta.label in TEAM_RECORD_MODELS) == visible


@pytest.mark.parametrize(
    ("dob", "on", "age"),
    [
        (date(2010, 3, 15), date(2019, 3, 15), 9),
        (date(2010, 3, 16), date(2019, 3, 15), 8),
        (date(2008, 2, 29), date(2019, 2, 28), 10),
        (date(2008, 2, 29), date(2019, 3, 1), 11),
        (date(2019, 3, 16), date(2019, 3, 15), None),
        (None, date(2019, 3, 15), None),
    ],
)
def test_age_on(dob, on, age):
    assert selectors.age_on(dob, on) == age


def test_age_bands_agree_with_ages():
    on = date(2019, 3, 15)
    for n, dob in enumerate([date(2019, 3, 15), date(2014, 3, 16), date(2014, 3, 15), date(2009, 3, 15)]):
        ChildFactory(child_id=f"K{n}", date_of_birth=dob)
    ChildFactory(child_id="K4", date_of_birth=date(2003, 3, 15))
    ChildFactory(child_id="U", date_of_birth=None, expected_date_of_birth=date(2019, 5, 1))
    got = {
        code: sorted(Child.objects.filter(selectors.age_band_q(code, on)).values_list("child_id", flat=True))
        for code, *_ in selectors.AGE_BANDS
    }
    assert got == {
        "unborn": ["U"],
        "0-4": ["K0", "K1"],
        "5-9": ["K2"],
        "10-15": ["K3"],
        "16+": ["K4"],
    }
