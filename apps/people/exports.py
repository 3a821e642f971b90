"""CSV and Excel files of a list. Every cell goes through the portal's one spreadsheet guard
(apps.core.spreadsheets): text a spreadsheet would read as a formula is written with a leading apostrophe, and
the Excel file replaces the control characters openpyxl cannot write, so a stored value never breaks it."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse

from apps.core.spreadsheets import safe_cell, xlsx_cell

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
                cell = WriteOnlyCell(sheet, value=xlsx_cell(value))
                cell.font = bold
                cells.append(cell)
            sheet.append(cells)
        else:
            # After the guard no text starts with "=", so openpyxl stores every text as a string, not a formula.
            sheet.append([xlsx_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response, max(count, 0)
