import pytest

from tests.constraint_cases import Case, check_case
from tests.factories import ImportRunFactory

pytestmark = pytest.mark.django_db

CASES = [
    Case(
        "import_run_kind_valid",
        lambda: ImportRunFactory(kind="fax"),
        good=lambda: ImportRunFactory(kind="annex_a"),
    ),
    Case(
        "import_run_status_valid",
        lambda: ImportRunFactory(status="lost"),
        good=lambda: ImportRunFactory(status="failed"),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_constraint(case):
    check_case(case)


def test_good_row_saves():
    ImportRunFactory().full_clean()
