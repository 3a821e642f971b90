"""Stored values that could break a page or an export: formula-like text in the CSV and Excel files (the one
spreadsheet guard, apps.core.spreadsheets) and child IDs and names stored before the import refused them
("/", control characters, spaces around an ID) on the child list and in both exports."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from apps.core import exports
from tests.core.test_spreadsheets import HOSTILE_CELLS
from tests.factories import AllocationFactory, ChildFactory
from tests.people.helpers import login

pytestmark = pytest.mark.django_db

LIST = reverse("people:child_list")
CSV = reverse("people:child_export_csv")
XLSX = reverse("people:child_export_xlsx")


def read_csv(response):
    return list(csv.reader(io.StringIO(response.getvalue().decode())))


def read_xlsx(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def held_by(team, **fields):
    child = ChildFactory(**fields)
    AllocationFactory(child=child, team=team)
    return child


# --- formula-like cells ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "reader"), [(CSV, read_csv), (XLSX, read_xlsx)])
def test_every_hostile_cell_is_neutralised_in_the_child_exports(client, personas, world, url, reader):
    team = world["teams"]["A1"]
    for i, (cell, _) in enumerate(HOSTILE_CELLS):
        held_by(team, child_id=f"HX{i:02d}", given_name=cell, family_name=cell)
    login(client, personas["manager_a1"])
    rows = reader(client.get(url))
    by_id = {r[0]: r for r in rows[1:]}
    for i, (cell, expected) in enumerate(HOSTILE_CELLS):
        assert by_id[f"HX{i:02d}"][1:3] == [expected, expected], repr(cell)


def test_numbers_stay_numbers_and_text_is_guarded_in_both_formats():
    rows = [
        ["text", "minus", "decimal", "float", "zero", "formula", "full-width"],
        ["plain", -1, Decimal("-3.25"), -2.5, 0, "-2+3", "＝1+1"],
    ]
    response = exports.csv_response(iter(rows), "x.csv")
    assert len(read_csv(response)) == 2
    assert read_csv(exports.csv_response(iter(rows), "x.csv"))[1] == [
        "plain",
        "-1",
        "-3.25",
        "-2.5",
        "0",
        "'-2+3",
        "'＝1+1",
    ]
    response = exports.xlsx_response(iter(rows), "x.xlsx", title="x")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = list(sheet.iter_rows(min_row=2))[0]
    assert [c.value for c in cells] == ["plain", -1, -3.25, -2.5, 0, "'-2+3", "'＝1+1"]
    assert [c.data_type for c in cells] == ["s", "n", "n", "n", "n", "s", "s"]


# --- child IDs and names stored before the import refused them -------------------------------------------

HOSTILE_IDS = ["A/B", "C\x01D", "E\x7fF", " CH1", "G\u0085H", "..", "-1"]


@pytest.fixture
def hostile(world):
    team = world["teams"]["A1"]
    for child_id in HOSTILE_IDS:
        held_by(team, child_id=child_id, given_name="Zed\x01\x0b", family_name="Line\nBreak\x1f")
    return world


@pytest.mark.parametrize("persona", ["manager_a1", "head_a", "analyst", "admin"])
def test_child_list_shows_stored_hostile_ids_without_a_500(client, personas, hostile, persona):
    login(client, personas[persona])
    response = client.get(LIST, {"per_page": 100})
    assert response.status_code == 200
    body = response.content.decode()
    # IDs a URL can carry are linked; the others are shown as plain text.
    assert f'href="{reverse("people:child_detail", args=[" CH1"])}"' in body
    assert ">..<" in body and 'href="/children/../"' not in body  # a browser would resolve it elsewhere
    assert ">A/B<" in body and "/children/A/B/" not in body
    assert ">C\x01D<" in body
    assert client.get(reverse("people:child_detail", args=[" CH1"])).status_code == 200


@pytest.mark.parametrize(("url", "reader"), [(CSV, read_csv), (XLSX, read_xlsx)])
def test_exports_of_stored_hostile_values_do_not_500(client, personas, hostile, url, reader):
    login(client, personas["manager_a1"])
    response = client.get(url)
    assert response.status_code == 200
    rows = reader(response)
    by_id = {r[0]: r for r in rows[1:]}
    if reader is read_csv:
        # CSV carries any character; only formula-like text is quoted.
        assert {"A/B", "C\x01D", "E\x7fF", " CH1", "G\u0085H", "..", "'-1"} <= set(by_id)
        assert by_id["A/B"][1:3] == ["Zed\x01\x0b", "Line\nBreak\x1f"]
    else:
        # Excel cannot hold C0 controls (other than tab, LF, CR): each is shown as U+FFFD.
        assert {"A/B", "C\ufffdD", "E\x7fF", " CH1", "G\u0085H", "..", "'-1"} <= set(by_id)
        assert by_id["A/B"][1:3] == ["Zed\ufffd\ufffd", "Line\nBreak\ufffd"]
