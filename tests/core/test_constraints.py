import pytest

from apps.core.models import OrgUnit
from tests.constraint_cases import Case, check_case
from tests.factories import LAFactory, PopulationFactory, ServiceFactory, TeamFactory, WorkingDayFactory

pytestmark = pytest.mark.django_db

CASES = [
    Case("orgunit_level_valid", lambda: TeamFactory(level="region"), note="unknown level"),
    Case(
        "orgunit_parent_by_level",
        lambda: OrgUnit.objects.create(code="T1", name="Orphan team", level="team", parent=None),
        good=lambda: TeamFactory(),
        note="team without a parent",
    ),
    Case(
        "orgunit_parent_by_level",
        lambda: OrgUnit.objects.create(code="LA2", name="Nested LA", level="la", parent=ServiceFactory()),
        note="LA with a parent",
    ),
    Case(
        "orgunit_single_la",
        lambda: (LAFactory(), OrgUnit.objects.create(code="998", name="Second LA", level="la")),
        good=lambda: LAFactory(),
        note="second LA",
    ),
    Case("orgunit_code_not_blank", lambda: TeamFactory(code=""), note="blank code"),
    Case(
        "population_year_range",
        lambda: PopulationFactory(year=1989),
        good=lambda: PopulationFactory(year=1990),
    ),
    Case(
        "population_year_range",
        lambda: PopulationFactory(year=2101),
        good=lambda: PopulationFactory(year=2100),
    ),
    Case(
        "population_positive",
        lambda: PopulationFactory(age_0_17=0),
        good=lambda: PopulationFactory(age_0_17=1),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_constraint(case):
    check_case(case)


@pytest.mark.parametrize(
    "factory", [LAFactory, ServiceFactory, TeamFactory, PopulationFactory, WorkingDayFactory]
)
def test_good_row_saves(factory):
    factory().full_clean()
