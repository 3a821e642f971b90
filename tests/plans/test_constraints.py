from datetime import date

import pytest

from tests.constraint_cases import Case, check_case
from tests.factories import CINPlanFactory, CPPlanFactory, VisitFactory

pytestmark = pytest.mark.django_db

D = date

CASES = [
    Case("cin_plan_id_not_blank", lambda: CINPlanFactory(plan_id="")),
    Case(
        "cin_plan_end_after_start",
        lambda: CINPlanFactory(start_date=D(2018, 5, 1), end_date=D(2018, 4, 30)),
        good=lambda: CINPlanFactory(start_date=D(2018, 5, 1), end_date=D(2018, 5, 1)),
    ),
    Case("cp_plan_id_not_blank", lambda: CPPlanFactory(plan_id="")),
    Case(
        "cp_plan_end_after_start",
        lambda: CPPlanFactory(start_date=D(2018, 4, 24), end_date=D(2018, 4, 23)),
        good=lambda: CPPlanFactory(start_date=D(2018, 4, 24), end_date=D(2018, 4, 24)),
    ),
    Case(
        "cp_initial_category_valid",
        lambda: CPPlanFactory(initial_category="XYZ"),
        good=lambda: CPPlanFactory(initial_category="MUL"),
    ),
    Case(
        "cp_latest_category_valid",
        lambda: CPPlanFactory(latest_category="neg"),
        good=lambda: CPPlanFactory(latest_category=""),
        note="codes are upper case",
    ),
    Case("visit_id_not_blank", lambda: VisitFactory(visit_id="")),
    Case(
        "visit_kind_valid", lambda: VisitFactory(kind="social"), good=lambda: VisitFactory(kind="care_leaver")
    ),
    Case("visit_kind_valid", lambda: VisitFactory(kind=""), note="blank"),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_constraint(case):
    check_case(case)


@pytest.mark.parametrize("factory", [CINPlanFactory, CPPlanFactory, VisitFactory])
def test_good_row_saves(factory):
    factory().full_clean()
