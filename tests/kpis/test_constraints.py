from decimal import Decimal

import pytest

from tests.constraint_cases import Case, check_case, twice
from tests.factories import EnteredMeasureFactory

pytestmark = pytest.mark.django_db

CASES = [
    Case(
        "entered_measure_unique",
        lambda: twice(EnteredMeasureFactory, "kpi_code", "period", "org_unit"),
        good=lambda: EnteredMeasureFactory(kpi_code=EnteredMeasureFactory().kpi_code, period="2018-05"),
        note="same measure, period and org unit",
    ),
    Case("entered_measure_code_not_blank", lambda: EnteredMeasureFactory(kpi_code="")),
    Case(
        "entered_measure_period_range",
        lambda: EnteredMeasureFactory(period="1989-12"),
        good=lambda: EnteredMeasureFactory(period="1990-01"),
    ),
    Case(
        "entered_measure_period_range",
        lambda: EnteredMeasureFactory(period="2101-01"),
        good=lambda: EnteredMeasureFactory(period="2100-12"),
    ),
    Case(
        "entered_measure_has_figure",
        lambda: EnteredMeasureFactory(value=None, numerator=None),
        good=lambda: EnteredMeasureFactory(value=None, numerator=Decimal(3), denominator=Decimal(4)),
    ),
    Case(
        "entered_measure_denominator_ok",
        lambda: EnteredMeasureFactory(denominator=Decimal(-1)),
        good=lambda: EnteredMeasureFactory(denominator=Decimal(0)),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_constraint(case):
    check_case(case)


def test_good_row_saves():
    EnteredMeasureFactory().full_clean()
