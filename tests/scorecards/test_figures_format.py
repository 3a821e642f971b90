from decimal import Decimal

import pytest

from apps.kpis.registry import Unit
from apps.scorecards.templatetags.figures import format_number, number


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (1411, Unit.COUNT, "1,411"),
        (Decimal("1411.000000"), Unit.COUNT, "1,411"),
        (0, Unit.COUNT, "0"),
        (Decimal("24.0992"), Unit.PERCENT, "24.1%"),
        (Decimal("24.05"), Unit.PERCENT, "24.1%"),  # half up, as Excel rounds
        (100, Unit.PERCENT, "100.0%"),
        (Decimal("34.68"), Unit.RATE, "34.7"),
        (Decimal("1234.56"), Unit.RATE, "1,234.6"),
        (Decimal("2.14"), Unit.MEAN, "2.1"),
        (Decimal("-0.04"), Unit.PERCENT, "0.0%"),
        (Decimal("-3.25"), Unit.MEAN, "-3.3"),
        (None, Unit.PERCENT, "–"),
        (None, Unit.COUNT, "–"),
    ],
)
def test_numbers_as_the_booklet_prints_them(value, unit, shown):
    assert format_number(value, unit) == shown


def test_a_withheld_figure_is_an_explained_c():
    html = number(12, Unit.COUNT, True)
    assert ">c</abbr>" in html and "fewer than 5" in html and "12" not in html
