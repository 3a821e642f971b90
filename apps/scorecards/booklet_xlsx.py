"""The booklet as an Excel workbook (XlsxWriter): the scorecard first (the rows of its own CSV and Excel
downloads, scorecard_exports.export_values, unrounded as stored), the month's commentary, then a sheet per
section holding its tables and its charts' figures, each chart drawn as a native Excel chart from those
cells.

Numbers are written as numbers, a withheld figure as the text "c", no figure as an empty cell. Every text
cell goes through the project's one spreadsheet guard (apps.core.spreadsheets.xlsx_cell) and is written
with write_string, never write() (which would take a leading "=" for a formula), and the workbook is
opened with strings_to_formulas off as well."""

from __future__ import annotations

import io
import re
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from apps.core.disclosure import SUPPRESSED_MARK
from apps.core.spreadsheets import xlsx_cell

from .booklet import Booklet
from .page_data import Cell
from .scorecard_exports import HEADER, export_values

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
CHART_KINDS = {"bar": "column", "line": "line"}


def _number(text: str):
    try:
        d = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    if not d.is_finite():
        return None
    return int(d) if d == d.to_integral_value() else float(d)


def cell_value(cell: Cell):
    """What a page's cell holds, for a spreadsheet: a number, "c", text (a rating, a note) or None."""
    if cell.withheld:
        return SUPPRESSED_MARK
    if cell.number is not None:
        return cell.number
    if not cell.plain:
        return None
    number = _number(cell.plain)
    return number if number is not None else cell.plain


class _Writer:
    def __init__(self, workbook):
        self.wb = workbook
        self.bold = workbook.add_format({"bold": True})
        self.title = workbook.add_format({"bold": True, "font_size": 13})
        self.head = workbook.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"})
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        self.indent = workbook.add_format({"indent": 1})
        self.date = workbook.add_format({"num_format": "d mmm yyyy"})

    def put(self, ws, row: int, col: int, value, fmt=None):
        """One cell, by type: never a formula."""
        if value is None:
            return
        if isinstance(value, bool):
            ws.write_boolean(row, col, value, fmt)
        elif isinstance(value, int | float | Decimal):
            ws.write_number(row, col, float(value) if isinstance(value, Decimal) else value, fmt)
        elif isinstance(value, datetime):
            ws.write_datetime(row, col, timezone.localtime(value).replace(tzinfo=None), fmt or self.date)
        else:
            ws.write_string(row, col, xlsx_cell(str(value)), fmt)


def sheet_name(code: str, title: str, taken: set[str]) -> str:
    base = _SHEET_BAD.sub(" ", f"{code} {title}")[:31].strip()
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _heading(w: _Writer, ws, booklet: Booklet, what: str) -> int:
    w.put(ws, 0, 0, f"{booklet.council}: {what}", w.title)
    w.put(ws, 1, 0, f"{booklet.org_unit.name} ({booklet.org_unit.code}), {booklet.month_label}")
    notes = []
    if booklet.provisional:
        notes.append("Provisional: the month is still open.")
    if booklet.viewer:
        notes.append('Published figures; "c" marks a figure withheld (fewer than 5, or it would reveal one).')
    if notes:
        w.put(ws, 2, 0, " ".join(notes))
    return 4


def _scorecard(w: _Writer, booklet: Booklet, taken: set[str]) -> None:
    ws = w.wb.add_worksheet(sheet_name("", "Scorecard", taken))
    top = _heading(w, ws, booklet, "scorecard")
    for col, name in enumerate(HEADER):
        w.put(ws, top, col, name, w.head)
    rows = export_values(booklet.card) if booklet.card is not None else []
    for r, values in enumerate(rows, start=top + 1):
        for col, value in enumerate(values):
            w.put(ws, r, col, value)
    ws.freeze_panes(top + 1, 4)
    ws.autofilter(top, 0, top + max(len(rows), 1), len(HEADER) - 1)
    ws.set_column(0, 0, 28)
    ws.set_column(3, 3, 48)


def _commentary(w: _Writer, booklet: Booklet, taken: set[str]) -> None:
    ws = w.wb.add_worksheet(sheet_name("", "Commentary", taken))
    top = _heading(w, ws, booklet, "commentary")
    for col, name in enumerate(("org_unit", "section", "text", "author", "written")):
        w.put(ws, top, col, name, w.head)
    entries = [(c["unit"].name, c["title"], c["entry"]) for c in booklet.commentary]
    entries += [(booklet.org_unit.name, f"{s.code}. {s.title}", s.commentary) for s in booklet.sections]
    r = top + 1
    for unit, section, entry in entries:
        if not entry:
            continue
        current = entry["current"]
        for col, value in enumerate((unit, section, current.text, current.author_name, current.written_at)):
            w.put(ws, r, col, value, w.wrap if col == 2 else None)
        r += 1
    ws.set_column(0, 1, 30)
    ws.set_column(2, 2, 100)
    ws.set_column(3, 4, 18)


def _table(w: _Writer, ws, row: int, table: dict) -> int:
    w.put(ws, row, 0, table["title"], w.bold)
    row += 1
    w.put(ws, row, 0, "", w.head)
    for col, c in enumerate(table["columns"], start=1):
        w.put(ws, row, col, c.get("period") or c["label"], w.head)
    row += 1
    if table.get("empty"):
        w.put(ws, row, 0, table["empty"])
        row += 1
    for r in table["rows"]:
        w.put(ws, row, 0, r["label"], w.bold if r.get("heading") else (w.indent if r.get("level") else None))
        for col, cell in enumerate(r["cells"], start=1):
            w.put(ws, row, col, cell_value(cell))
        row += 1
    return row + 1


def _chart(w: _Writer, ws, row: int, chart: dict) -> int:
    """The chart's figures as a table (label down the side, a column per series), and a native chart of
    them beside it."""
    table, data = chart["table"], chart["data"]
    w.put(ws, row, 0, chart["title"], w.bold)
    row += 1
    first = row
    w.put(ws, row, 0, "", w.head)
    for col, name in enumerate(table["columns"], start=1):
        w.put(ws, row, col, name, w.head)
    for i, r in enumerate(table["rows"], start=1):
        w.put(ws, row + i, 0, r["label"])
        for col, cell in enumerate(r["cells"], start=1):
            w.put(ws, row + i, col, cell_value(cell))
    last = row + len(table["rows"])
    datasets = data.get("datasets", [])
    if table["rows"] and datasets:
        _native_chart(w, ws, ws.get_name(), first, last, data, anchor=(first, len(table["columns"]) + 2))
    height = max(last - first + 2, 17)  # leave room for the chart (about 15 rows tall)
    return first + height


def _native_chart(w: _Writer, ws, name: str, first: int, last: int, data: dict, anchor) -> None:
    datasets = data["datasets"]
    stacked = bool(data.get("stacked"))
    if data.get("horizontal"):
        main = w.wb.add_chart({"type": "bar"})
    else:
        kind = CHART_KINDS.get(datasets[0].get("type", "bar"), "column")
        main = w.wb.add_chart({"type": kind, **({"subtype": "stacked"} if stacked else {})})
    extra = {}
    for index, d in enumerate(datasets, start=1):
        kind = CHART_KINDS.get(d.get("type", "bar"), "column")
        target = main
        if not data.get("horizontal") and kind != CHART_KINDS.get(datasets[0].get("type", "bar"), "column"):
            target = extra.get(kind) or extra.setdefault(kind, w.wb.add_chart({"type": kind}))
        series = {
            "name": [name, first, index],
            "categories": [name, first + 1, 0, last, 0],
            "values": [name, first + 1, index, last, index],
            "fill": {"color": d.get("borderColor", "#1f4e79")},
            "line": {"color": d.get("borderColor", "#1f4e79")},
        }
        if kind == "line" and d.get("yAxisID", "y") != "y":
            series["y2_axis"] = True
        target.add_series(series)
    for other in extra.values():
        main.combine(other)
    main.set_title({"name": data.get("title", ""), "name_font": {"size": 10}})
    main.set_legend({"position": "bottom"})
    main.set_size({"width": 620, "height": 300})
    ws.insert_chart(anchor[0], anchor[1], main)


def _section(w: _Writer, booklet: Booklet, section, taken: set[str]) -> None:
    ws = w.wb.add_worksheet(sheet_name(section.code, section.title, taken))
    row = _heading(w, ws, booklet, f"{section.code}. {section.title}")
    for table in section.tables:
        row = _table(w, ws, row, table)
    for chart in section.charts:
        row = _chart(w, ws, row, chart)
    ws.set_column(0, 0, 46)
    ws.set_column(1, 12, 12)


def workbook(booklet: Booklet) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    wb.set_properties(
        {"title": f"Booklet: {booklet.org_unit.name}, {booklet.month_label}", "company": booklet.council}
    )
    w = _Writer(wb)
    taken: set[str] = set()
    _scorecard(w, booklet, taken)
    _commentary(w, booklet, taken)
    for section in booklet.sections:
        _section(w, booklet, section, taken)
    wb.close()
    return buffer.getvalue()
