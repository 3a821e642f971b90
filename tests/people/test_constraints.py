from datetime import date

import pytest

from tests.constraint_cases import Case, check_case
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db

CASES = [
    Case("child_id_not_blank", lambda: ChildFactory(child_id="")),
    Case(
        "child_sex_valid", lambda: ChildFactory(sex="X"), good=lambda: ChildFactory(sex="I"), note="unknown"
    ),
    Case("child_sex_valid", lambda: ChildFactory(sex=""), good=lambda: ChildFactory(sex="U"), note="blank"),
    Case(
        "child_ethnicity_valid",
        lambda: ChildFactory(ethnicity="ZZZZ"),
        good=lambda: ChildFactory(ethnicity=""),
    ),
    Case(
        "child_uasc_ceased_after_birth",
        lambda: ChildFactory(date_of_birth=date(2010, 6, 15), uasc=True, uasc_ceased_date=date(2010, 6, 14)),
        good=lambda: ChildFactory(
            date_of_birth=date(2010, 6, 15), uasc=True, uasc_ceased_date=date(2010, 6, 15)
        ),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_constraint(case):
    check_case(case)


def test_good_row_saves():
    ChildFactory().full_clean()
    # An unborn child: no date of birth yet, an expected one.
    ChildFactory(date_of_birth=None, expected_date_of_birth=date(2018, 9, 1), sex="U").full_clean()
