"""test_drill_counts.py for sections 2, 9 and 10 (early help, adoption and courts, workforce), on their
hand-worked datasets."""

from __future__ import annotations

import pytest

from apps.core.periods import Period
from apps.kpis.services import snapshot_period_compute
from tests.kpis.test_adoption_courts import adoptions, placements, proceedings  # noqa: F401
from tests.kpis.test_early_help import episodes  # noqa: F401
from tests.kpis.test_workforce import audits, cases  # noqa: F401

from .drill_checks import drill_mismatches, drillable

pytestmark = pytest.mark.django_db
P = "2018-03"


@pytest.mark.parametrize(
    ("dataset", "sections"),
    [
        ("episodes", ["2"]),
        ("adoptions", ["9"]),
        ("placements", ["9"]),
        ("proceedings", ["9"]),
        ("cases", ["10"]),
        ("audits", ["10"]),
    ],
)
def test_the_records_number_the_stored_figures(request, org, dataset, sections):
    request.getfixturevalue(dataset)
    codes = drillable(sections)
    assert codes
    snapshot_period_compute(period=Period.parse(P), codes=codes)
    assert [p for code in codes for p in drill_mismatches(code, P)] == []
