"""test_drill_counts.py for sections 6, 6a and 7 (children in care, reviews, missing episodes, placement
stability, UASC), on test_children_in_care.py's datasets."""

from __future__ import annotations

import pytest

from apps.core.periods import Period
from apps.kpis.services import snapshot_period_compute
from tests.kpis.test_children_in_care import REVIEWS, cic, missing, reviews, statuses  # noqa: F401

from .drill_checks import drill_mismatches, drillable

pytestmark = pytest.mark.django_db
P = "2018-03"


@pytest.mark.parametrize("dataset", ["cic", "statuses", "missing", "reviews"])
def test_the_records_number_the_stored_figures(request, org, dataset):
    if dataset == "reviews":
        reviews(request.getfixturevalue("cic"), REVIEWS)
    else:
        request.getfixturevalue(dataset)
    codes = drillable(["6", "6a", "7"])
    snapshot_period_compute(period=Period.parse(P), codes=codes)
    assert [p for code in codes for p in drill_mismatches(code, P)] == []
