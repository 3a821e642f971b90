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
    Case(
        "import_run_awaiting_has_upload",
        lambda: ImportRunFactory(status="awaiting", upload_dir=""),
        good=lambda: ImportRunFactory(status="awaiting", upload_dir="/var/uploads/run-1"),
    ),
    Case(
        "import_run_progress_unit_valid",
        lambda: ImportRunFactory(progress_unit="pages"),
        good=lambda: ImportRunFactory(progress_unit="bytes"),
    ),
    Case(
        "import_run_progress_within_total",
        lambda: ImportRunFactory(progress_done=11, progress_total=10),
        good=lambda: ImportRunFactory(progress_done=10, progress_total=10),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_constraint(case):
    check_case(case)


def test_good_row_saves():
    ImportRunFactory().full_clean()
