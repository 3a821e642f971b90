"""test_drill_counts.py for section 5 (CIN and CP plans, visits, conferences), on test_cin_cp.py's datasets
(kept apart: its `conferences` fixture is not test_s47.py's)."""

from __future__ import annotations

import pytest

from apps.core.periods import Period
from apps.kpis.services import snapshot_period_compute
from tests.kpis.test_cin_cp import cin, conferences, cp, endings, escalations, starts  # noqa: F401

from .drill_checks import drill_mismatches, drillable

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("dataset", ["cin", "cp", "starts", "endings", "conferences", "escalations"])
def test_the_records_number_the_stored_figures(request, org, dataset):
    request.getfixturevalue(dataset)
    codes = drillable(["5"])
    snapshot_period_compute(period=Period.parse("2018-03"), codes=codes)
    assert [p for code in codes for p in drill_mismatches(code, "2018-03")] == []
