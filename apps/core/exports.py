"""CSV and Excel files of a list. Every cell goes through the portal's one spreadsheet guard
(apps.core.spreadsheets): text a spreadsheet would read as a formula is written with a leading apostrophe, and
the Excel file replaces the control characters openpyxl cannot write, so a stored value never breaks it.

CSV streams: a year of visits is 100,000 rows, and a response built in memory would hold all of them at
once. Excel is written by openpyxl's write-only mode, row by row, into one file."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.http import HttpResponse, StreamingHttpResponse

from .spreadsheets import safe_cell, xlsx_cell

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Echo:
    """A file-like object whose write returns what it was given, so csv.writer yields lines one at a time."""

    def write(self, value):
        return value


def csv_lines(rows: Iterable[Iterable]) -> Iterable[str]:
    writer = csv.writer(_Echo())
    for row in rows:
        yield writer.writerow([safe_cell(v) for v in row])


def csv_response(rows: Iterable[Iterable], filename: str) -> StreamingHttpResponse:
    """The rows (a header first) as a streamed CSV download."""
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(rows: Iterable[Iterable], filename: str, *, title: str) -> HttpResponse:
    """The rows (a header first, in bold) as an Excel download."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    bold = Font(bold=True)
    for number, row in enumerate(rows):
        if number == 0:
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
    return response
