"""A generated small council: the scorecard of every month computed, for the LA and every service and team,
shows exactly the figures of the export contract (apps.kpis.selectors.export_rows) for that month and org
unit, on the page and in the CSV."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

MONTHS = ["2025-12", "2026-01", "2026-02"]


def _plain(x):
    return "" if x is None else str(x)


def test_scorecard_equals_export_rows_for_every_month(tmp_path, client, login):
    from apps.accounts.models import Role
    from apps.core.models import OrgUnit
    from apps.core.periods import Period
    from apps.imports.demo import generate_bundle
    from apps.imports.services import bundle_import
    from apps.kpis.registry import load
    from apps.kpis.selectors import export_rows
    from apps.kpis.services import snapshot_period_compute
    from tests.factories import UserFactory

    folder = tmp_path / "demo"
    generate_bundle(folder, size="small", seed=7, today=date(2026, 3, 18), end=date(2026, 3, 1))
    assert bundle_import(path=folder, command="test").error_count == 0
    for period in ["2025-11", *MONTHS]:
        snapshot_period_compute(period=Period.parse(period))
    registry = load()
    login(client, UserFactory(role=Role.ANALYST))
    held = {}

    def contract(period, unit):
        if (period, unit.pk) not in held:
            held[period, unit.pk] = {
                (r["kpi"], r["basis"], r["dimension"] or "", r["breakdown"] or ""): r
                for r in export_rows(period=period, org_unit=unit)
            }
        return held[period, unit.pk]

    checked = 0
    for period in MONTHS:
        for unit in OrgUnit.objects.all():
            expected, previous = contract(period, unit), contract(str(Period.parse(period) - 1), unit)
            params = {"period": period, "org_unit": unit.code}
            response = client.get(reverse("scorecards:scorecard"), params)
            assert response.status_code == 200
            for line in response.context["card"].lines:
                if line.is_page:
                    continue
                key = (line.code, line.basis, line.row.dimension, line.row.breakdown)
                pair = (expected, previous)
                if line.unit_row is not None:  # a row by service or team: that unit's figures
                    pair = (
                        contract(period, line.unit_row),
                        contract(str(Period.parse(period) - 1), line.unit_row),
                    )
                for figure, rows in ((line.latest, pair[0]), (line.previous, pair[1])):
                    row = rows.get(key)
                    part = line.row.figure  # a row may show the numerator or denominator as a count
                    if row is None:
                        # Not stored: no figure, or a zero part of a stored count.
                        assert figure is None or (
                            figure.value == 0 and (registry[line.code].unit == "count" or part == "numerator")
                        )
                    elif part:
                        assert figure.value == row[part], (period, unit.code, key)
                        checked += 1
                    else:
                        assert (figure.numerator, figure.denominator, figure.value) == (
                            row["numerator"],
                            row["denominator"],
                            row["value"],
                        ), (period, unit.code, key)
                        checked += 1
            exported = csv.DictReader(
                io.StringIO(
                    client.get(reverse("scorecards:scorecard"), {**params, "format": "csv"}).content.decode()
                )
            )
            shows = {
                (ln.row.plan_ref, ln.label): ln.row.figure or "value" for ln in response.context["card"].lines
            }
            for row in exported:
                if not row["kpi"] or row["org_unit"] != unit.code:
                    continue
                key = (row["kpi"], row["basis"], row["dimension"], row["breakdown"])
                if key in expected:
                    part = shows[(row["plan_ref"], row["label"])]
                    assert row["latest"] == _plain(expected[key][part]), (period, unit.code, key)
    assert checked > 500
