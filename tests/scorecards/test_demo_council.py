"""A generated small council: the scorecard of every month computed, for the LA and every service and team,
shows exactly the figures of the export contract (export_snapshots) for that month and org unit, on the
page and in the CSV."""

from datetime import date

import pytest

from tests.scorecards.agreement import Contract, check_scorecard

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

MONTHS = ["2025-12", "2026-01", "2026-02"]


def test_scorecard_equals_export_rows_for_every_month(tmp_path, client, login):
    from apps.accounts.models import Role
    from apps.core.models import OrgUnit
    from apps.core.periods import Period
    from apps.imports.demo import generate_bundle
    from apps.imports.services import bundle_import
    from apps.kpis.registry import load
    from apps.kpis.services import snapshot_period_compute
    from tests.factories import UserFactory

    folder = tmp_path / "demo"
    generate_bundle(folder, size="small", seed=7, today=date(2026, 3, 18), end=date(2026, 3, 1))
    assert bundle_import(path=folder, command="test").error_count == 0
    for period in ["2025-11", *MONTHS]:
        snapshot_period_compute(period=Period.parse(period))
    registry = load()
    login(client, UserFactory(role=Role.ANALYST))
    contract = Contract()
    checked = 0
    for period in MONTHS:
        for unit in OrgUnit.objects.all():
            checked += check_scorecard(client, period, unit, contract, registry)
    assert checked > 500
