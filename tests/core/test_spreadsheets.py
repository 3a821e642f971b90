"""The one spreadsheet guard: which cells are quoted, which pass untouched, and the openpyxl cleaning."""

from datetime import date
from decimal import Decimal

import pytest

from apps.core.spreadsheets import is_formula_like, safe_cell, xlsx_cell

# (cell, what the guard writes). Shared with the export tests of people and manage.
HOSTILE_CELLS = [
    ("=1+1", "'=1+1"),
    (" =1+1", "' =1+1"),
    ("\n=cmd", "'\n=cmd"),
    ("\r\n=cmd", "'\r\n=cmd"),
    ("\t=1", "'\t=1"),
    ("\tplain", "'\tplain"),  # a leading tab or CR is quoted whatever follows
    ("\u3000=1", "'\u3000=1"),  # ideographic (full-width) space
    ("\u00a0@x", "'\u00a0@x"),  # no-break space
    ("＝1+1", "'＝1+1"),  # full-width equals sign
    ("＋1", "'＋1"),
    ("－1", "'－1"),
    ("＠SUM(A1)", "'＠SUM(A1)"),
    ("﹦1", "'﹦1"),  # small equals sign
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("+1", "'+1"),
    ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
]
HARMLESS_CELLS = ["plain text", "O'Brien", "a=b", "1+1", "", " ", "\n", "Smith-Jones", "'=already quoted"]
NUMBERS = [-1, -2.5, Decimal("-3.25"), 0, 7, Decimal("12.5"), True, None, date(2018, 1, 1)]


@pytest.mark.parametrize(("cell", "expected"), HOSTILE_CELLS)
def test_formula_like_text_is_quoted(cell, expected):
    assert is_formula_like(cell)
    assert safe_cell(cell) == expected
    assert xlsx_cell(cell) == expected


@pytest.mark.parametrize("cell", HARMLESS_CELLS)
def test_harmless_text_is_unchanged(cell):
    assert safe_cell(cell) == cell
    assert xlsx_cell(cell) == cell


@pytest.mark.parametrize("value", NUMBERS)
def test_numbers_and_other_values_pass_untouched(value):
    assert safe_cell(value) is value
    assert xlsx_cell(value) is value


def test_xlsx_cell_replaces_the_control_characters_openpyxl_refuses():
    from openpyxl import Workbook

    assert xlsx_cell("A\x01B\x1fC") == "A\ufffdB\ufffdC"
    assert xlsx_cell("line\nbreak\ttab") == "line\nbreak\ttab"  # XML can hold these
    assert xlsx_cell("\x0b=1") == "'\ufffd=1"  # vertical tab is whitespace: quoted, then replaced
    assert safe_cell("A\x01B") == "A\x01B"  # CSV can hold it; only the Excel writer cleans
    Workbook().active.append([xlsx_cell("A\x00\x01\x08\x0b\x0c\x0e\x1f")])  # no IllegalCharacterError
