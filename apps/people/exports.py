"""CSV and Excel files of a list. Cells are made safe against formula injection: a text value that a
spreadsheet would read as a formula (starting =, +, -, @, or a tab/carriage return that hides one) is written
with a leading apostrophe, so it is shown as text and never evaluated."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_response(rows, filename: str) -> tuple[HttpResponse, int]:
    """The rows (a header first) as a CSV download; returns the response and the number of data rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    count = -1
    for count, row in enumerate(rows):  # noqa: B007 - count is the result
        writer.writerow([safe_cell(v) for v in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response, max(count, 0)


def xlsx_response(rows, filename: str, *, title: str) -> tuple[HttpResponse, int]:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    count = -1
    bold = Font(bold=True)
    for count, row in enumerate(rows):
        if count == 0:
            cells = []
            for value in row:
                cell = WriteOnlyCell(sheet, value=safe_cell(value))
                cell.font = bold
                cells.append(cell)
            sheet.append(cells)
        else:
            # After safe_cell no text starts with "=", so openpyxl stores every text as a string, not a formula.
            sheet.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response, max(count, 0)
