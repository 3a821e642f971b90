"""Checks that what a page shows is the stored figure: the scorecard's lines and CSV, the section pages'
tables and their charts' tables, each against the rows `export_snapshots` gives for the same month and org
unit. Used on generated councils (test_demo_council, test_pages, test_medium_demo)."""

from __future__ import annotations

import csv
import io
import json

from django.core.management import call_command
from django.urls import reverse

from apps.core.periods import Period
from apps.kpis.registry import Unit
from apps.scorecards.page_data import plain_number


def _plain(x):
    return "" if x is None else str(x)


class Contract:
    """`export_snapshots --format json` for a month and org unit, by (kpi, basis, dimension, breakdown);
    each month and unit read once."""

    def __init__(self):
        self._held: dict[tuple[str, str], dict] = {}

    def __call__(self, period: str, code: str) -> dict:
        if (period, code) not in self._held:
            out = io.StringIO()
            call_command("export_snapshots", period=period, org_unit=code, format="json", stdout=out)
            self._held[period, code] = {
                (r["kpi"], r["basis"], r["dimension"] or "", r["breakdown"] or ""): r
                for r in json.loads(out.getvalue())
            }
        return self._held[period, code]


def check_scorecard(client, period: str, unit, contract: Contract, registry) -> int:
    """The scorecard of a month and org unit renders, every line's latest and previous figure is the stored
    one (a row by service or team: that unit's), and so is the CSV's `latest`. Returns the figures checked."""
    before = str(Period.parse(period) - 1)
    params = {"period": period, "org_unit": unit.code}
    response = client.get(reverse("scorecards:scorecard"), params)
    assert response.status_code == 200, (period, unit.code)
    card = response.context["card"]
    checked = 0
    for line in card.lines:
        if line.is_page:
            continue
        key = (line.code, line.basis, line.row.dimension, line.row.breakdown)
        code = line.unit_row.code if line.unit_row is not None else unit.code
        for figure, rows in ((line.latest, contract(period, code)), (line.previous, contract(before, code))):
            row = rows.get(key)
            part = line.row.figure  # a row may show the numerator or denominator as a count
            if row is None:
                # Not stored: no figure, or a zero part of a stored count.
                assert figure is None or (
                    figure.value == 0 and (registry[line.code].unit == Unit.COUNT or part == "numerator")
                ), (period, unit.code, key)
            elif part:
                assert figure.value == row[part], (period, unit.code, key)
                checked += 1
            else:
                got = (figure.numerator, figure.denominator, figure.value)
                assert got == (row["numerator"], row["denominator"], row["value"]), (period, unit.code, key)
                checked += 1
    exported = csv.DictReader(
        io.StringIO(client.get(reverse("scorecards:scorecard"), {**params, "format": "csv"}).content.decode())
    )
    shows = {(ln.row.plan_ref, ln.label): ln.row.figure or "value" for ln in card.lines}
    expected = contract(period, unit.code)
    for row in exported:
        if not row["kpi"] or row["org_unit"] != unit.code:
            continue
        key = (row["kpi"], row["basis"], row["dimension"], row["breakdown"])
        if key in expected:
            part = shows[(row["plan_ref"], row["label"])]
            assert row["latest"] == _plain(expected[key][part]), (period, unit.code, key)
            checked += 1
    return checked


def _check_cell(cell, contract: Contract, registry, where) -> int:
    org, period, kpi, basis, dim, part, show = cell.source
    row = contract(period, org).get((kpi, basis, dim, part))
    if row is None:
        # A part not stored is 0 only when its breakdown was computed that month; else no value.
        assert cell.plain in ("", "0", "0.0"), (*where, cell)
        return 0
    unit = Unit.COUNT if show == "numerator" else registry[kpi].unit
    expected = plain_number(row["numerator"] if show == "numerator" else row["value"], unit)
    assert cell.plain == expected, (*where, cell, row)
    return 1


def check_page(client, section: str, period: str, unit, contract: Contract, registry) -> int:
    """A section page of a month and org unit renders, and every figure of its tables and of its charts'
    tables (the figures the charts draw) is the stored one. Returns the figures checked."""
    response = client.get(f"/pages/{section}/", {"period": period, "org_unit": unit.code})
    assert response.status_code == 200, (section, period, unit.code)
    checked = 0
    for t in response.context["tables"]:
        for r in t["rows"]:
            for cell in r["cells"]:
                if cell.source:
                    checked += _check_cell(
                        cell, contract, registry, (section, unit.code, t["id"], r["label"])
                    )
    for chart in response.context["charts"]:
        for r in chart["table"]["rows"]:
            for cell in r["cells"]:
                if cell.source:
                    where = (section, unit.code, chart["id"], r["label"])
                    checked += _check_cell(cell, contract, registry, where)
    return checked
