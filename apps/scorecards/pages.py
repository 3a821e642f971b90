"""Performance on a page: /pages/ lists the sections, /pages/<section>/ shows one for a month and org unit
(the booklet's tables and charts, shared/spec/pages.md), as declared in apps.scorecards.sections; one view
serves every section. ?format=csv[&table=<id>] gives the tables as CSV with plain numbers."""

from __future__ import annotations

import csv

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.views.generic import TemplateView

from apps.accounts import access
from apps.core.periods import Period
from apps.kpis import ratings
from apps.kpis.models import EnteredMeasure
from apps.kpis.registry import SECTIONS, Basis, Unit

from . import charts, sections, selectors
from .commentary import commentary_url
from .page_data import BLANK, Cell, PageData, csv_value, month_label, plain_number, resolve
from .sections import Cross, Entered, Table, Units, Whole
from .templatetags.figures import format_number

BASIS_NOTE = {
    Basis.YTD: "year to date",
    Basis.R12: "12 months to date",
    Basis.R3M: "3 months to date",
    Basis.R36: "36 months to date",
}


def _months_columns(page: PageData) -> list[dict]:
    return [
        {"key": p, "label": month_label(p), "provisional": bool(page.provisional.get(p)), "period": p}
        for p in page.table_months
    ]


def _line_rows(line, page: PageData, cols: dict, many: bool = True) -> list[dict]:
    m = page.registry[line.kpi]
    basis = line.basis or m.headline
    label = line.label or m.label
    said = ("year", "12 months", "3 months", "36 months")
    if basis in BASIS_NOTE and not (line.label or any(w in label.lower() for w in said)):
        # The months' columns of a year-to-date or rolling figure hold that figure at each month's end.
        label = f"{label} ({BASIS_NOTE[basis]})"
    has_ytd = Basis.YTD in m.bases and basis != Basis.YTD

    def cells(dimension="", breakdown=""):
        out = [page.cell(line.kpi, p, basis, dimension, breakdown) for p in page.table_months]
        if cols["pct"]:
            out.append(
                page.cell(line.kpi, page.period, basis, dimension, breakdown, show="value")
                if m.unit == Unit.PERCENT
                else BLANK
            )
        if cols["ytd"]:
            out.append(
                page.cell(line.kpi, page.period, Basis.YTD, dimension, breakdown) if has_ytd else BLANK
            )
        if cols["ytd_pct"]:
            ok = has_ytd and m.unit == Unit.PERCENT
            out.append(
                page.cell(line.kpi, page.period, Basis.YTD, dimension, breakdown, show="value")
                if ok
                else BLANK
            )
        return out

    def row(text, dimension="", breakdown="", level=0):
        return {
            "label": text,
            "cells": cells(dimension, breakdown),
            "level": level,
            "kpi": line.kpi,
            "basis": basis,
            "dimension": dimension,
            "breakdown": breakdown,
        }

    if isinstance(line, Whole):
        return [row(label)]
    found = set()
    for p in page.table_months:
        found |= {
            k[3] for k in page.figures(p) if k[0] == line.kpi and k[1] == basis and k[2] == line.dimension
        }
    parts = charts._ordered(found, line.parts, line.dimension)
    out = [{"label": label, "heading": True, "cells": [], "level": 0}] if (line.label or many) else []
    out += [row(charts.part_label(line.dimension, b, page), line.dimension, b, level=1) for b in parts]
    if line.total:
        whole = page.figure(page.period, (line.kpi, basis, "", ""))
        share = m.unit == Unit.COUNT or (whole is not None and whole.value == 100)
        out.append(row("Total" if share else "All", level=1) | {"total": True})
    return out


def _table(table: Table, page: PageData) -> dict:
    ms = [page.registry[line.kpi] for line in table.lines]
    cols = {
        "pct": any(m.unit == Unit.PERCENT for m in ms),
        "ytd": any(
            Basis.YTD in m.bases and (line.basis or m.headline) != Basis.YTD
            for m, line in zip(ms, table.lines, strict=True)
        ),
    }
    cols["ytd_pct"] = cols["ytd"] and any(Basis.YTD in m.bases and m.unit == Unit.PERCENT for m in ms)
    columns = _months_columns(page)
    if cols["pct"]:
        columns.append({"key": "pct", "label": "%", "title": f"% in {month_label(page.period)}"})
    if cols["ytd"]:
        columns.append({"key": "ytd", "label": "YTD", "title": "financial year to date"})
    if cols["ytd_pct"]:
        columns.append({"key": "ytd_pct", "label": "YTD %", "title": "% over the financial year to date"})
    many = len(table.lines) > 1
    rows = [r for line in table.lines for r in _line_rows(line, page, cols, many)]
    return {"id": table.id, "title": table.title, "columns": columns, "rows": rows}


def _cross(table: Cross, page: PageData) -> dict:
    m = page.registry[table.kpi]
    basis = table.basis or m.headline
    keys = {
        k[3]
        for k in page.figures(page.period)
        if k[0] == table.kpi and k[1] == basis and k[2] == table.dimension
    }
    row_dim = table.rows_dimension or table.dimension
    col_dim = {"gender_age": "age_band", "team_kind": "team_kind", "kind_grade": "grade"}.get(
        table.dimension, ""
    )
    firsts = charts._ordered({k.partition("|")[0] for k in keys}, table.rows, row_dim)
    seconds = charts._ordered({k.partition("|")[2] for k in keys}, table.columns, col_dim)
    columns = [{"key": b, "label": charts.part_label(col_dim, b, page)} for b in seconds]
    rows = [
        {
            "label": charts.part_label(row_dim, a, page),
            "level": 0,
            "cells": [
                page.cell(
                    table.kpi,
                    page.period,
                    basis,
                    table.dimension,
                    f"{a}|{b}",
                    show="numerator" if m.unit == Unit.PERCENT else "value",
                )
                for b in seconds
            ],
            "kpi": table.kpi,
            "basis": basis,
            "dimension": table.dimension,
            "breakdown": a,
        }
        for a in firsts
    ]
    title = f"{table.title}, {month_label(page.period)}"
    return {"id": table.id, "title": title, "columns": columns, "rows": rows}


def _units(table: Units, page: PageData) -> dict:
    m = page.registry[table.kpi]
    basis = table.basis or m.headline
    if table.dimension:
        columns = [{"key": b, "label": charts.part_label(table.dimension, b, page)} for b in table.parts]
        title = f"{table.title}, {month_label(page.period)}"
    else:
        columns = _months_columns(page)
        title = table.title
    rows = []
    for unit in [*page.children, page.org_unit]:
        if table.dimension:
            cells = [
                page.cell(table.kpi, page.period, basis, table.dimension, b, show="value", code=unit.code)
                for b in table.parts
            ]
        else:
            cells = [page.cell(table.kpi, p, basis, show="value", code=unit.code) for p in page.table_months]
        rows.append(
            {
                "label": unit.name,
                "level": 0,
                "cells": cells,
                "kpi": table.kpi,
                "basis": basis,
                "total": unit == page.org_unit,
            }
        )
    return {
        "id": table.id,
        "title": title,
        "columns": columns,
        "rows": rows,
        "empty": not page.children and "No units under this one.",
    }


def _entered(table: Entered, page: PageData) -> dict:
    notes = {
        e["kpi_code"]: e["note"]
        for e in EnteredMeasure.objects.filter(
            kpi_code__in=table.kpis, period=page.period, org_unit=page.org_unit
        ).values("kpi_code", "note")
    }
    targets = ratings.targets_for(page.fy, page.org_unit)
    polarities = ratings.effective_polarities(table.kpis)
    columns = _months_columns(page) + [
        {"key": "target", "label": "Target"},
        {"key": "rating", "label": "Rating"},
        {
            "key": "note",
            "label": "Source note",
            "title": f"the note entered with the {month_label(page.period)} figure",
        },
    ]
    rows = []
    for kpi in table.kpis:
        m = page.registry[kpi]
        cells = [page.cell(kpi, p, m.headline, show="value") for p in page.table_months]
        fig = page.figure(page.period, (kpi, m.headline, "", ""))
        target = targets.get((kpi, ""))
        rating = None
        if target and fig and not fig.suppressed:
            rating = ratings.rag(
                fig.value,
                target.value,
                target.amber_tolerance,
                target.tolerance_kind,
                polarities.get(kpi, m.polarity),
                places=1,
            )
        note = notes.get(kpi, "")
        if page.viewer and (fig is None or fig.suppressed):
            note = ""  # a note beside a withheld figure could tell what it withholds
        cells += [
            Cell(text=format_number(target.value, m.unit), plain=plain_number(target.value, m.unit))
            if target
            else BLANK,
            Cell(text=(rating or "").capitalize(), plain=rating or "") if rating else BLANK,
            Cell(text=note, plain=note),
        ]
        rows.append(
            {"label": m.label, "level": 0, "cells": cells, "kpi": kpi, "basis": m.headline, "rating": rating}
        )
    return {"id": table.id, "title": table.title, "columns": columns, "rows": rows, "entered": True}


BUILDERS = {Table: _table, Cross: _cross, Units: _units, Entered: _entered}


def build_tables(page: PageData) -> list[dict]:
    return [BUILDERS[type(t)](t, page) for t in page.section.tables]


def _query(page: PageData, **extra) -> str:
    return urlencode({"period": page.period, "org_unit": page.org_unit.code, **extra})


class IndexView(LoginRequiredMixin, TemplateView):
    template_name = "scorecards/pages/index.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["sections"] = [
            {"code": code, "title": title, "url": reverse("scorecards:page", args=[code])}
            for code, title in SECTIONS.items()
        ]
        return ctx


class SectionView(LoginRequiredMixin, TemplateView):
    """One section's page for ?period=&org_unit= (defaults in page_data.resolve)."""

    template_name = "scorecards/pages/section.html"

    def get(self, request, *args, **kwargs):
        section = sections.get(kwargs["section"])
        if section is None:
            raise Http404("no such section")
        form, page = resolve(request, section)
        if form.errors:
            context = self.get_context_data(section=section, form=form, page=None, errors=True)
            return self.render_to_response(context, status=400)
        tables = build_tables(page) if page else []
        if request.GET.get("format") == "csv":
            return self.csv(page, tables, request.GET.get("table", ""))
        chart_list = []
        if page:
            for chart in section.charts:
                data = charts.chart_data(chart, page)
                chart_list.append(
                    {
                        "id": chart.id,
                        "title": chart.title,
                        "url": reverse("scorecards:chart", args=[section.code, chart.id])
                        + "?"
                        + _query(page),
                        "csv": reverse("scorecards:chart", args=[section.code, chart.id])
                        + "?"
                        + _query(page, format="csv"),
                        "table": charts.table_of(data),
                    }
                )
        for t in tables:
            if page:
                t["csv"] = "?" + _query(page, format="csv", table=t["id"])
        commentary = {}
        if page:
            entry = selectors.commentary(period=page.period, org_unit=page.org_unit, user=request.user)
            commentary = {
                "entry": entry.get(section.code),
                "may_comment": access.may_comment_on(request.user, page.org_unit),
                "edit_url": commentary_url(
                    period=page.period,
                    org_unit=page.org_unit.code,
                    section=section.code,
                    next_url=request.get_full_path(),
                ),
            }
        context = self.get_context_data(
            section=section,
            form=form,
            page=page,
            commentary=commentary,
            tables=tables,
            charts=chart_list,
            provisional=bool(page and page.provisional.get(page.period)),
            month_label=section_period_label(page.period) if page else "",
            csv_all=_query(page, format="csv") if page else "",
            sections=[
                {
                    "code": c,
                    "title": t,
                    "url": reverse("scorecards:page", args=[c]) + ("?" + _query(page) if page else ""),
                }
                for c, t in SECTIONS.items()
            ],
        )
        return self.render_to_response(context)

    def csv(self, page, tables, table_id):
        if table_id and not any(t["id"] == table_id for t in tables):
            raise Http404("no such table")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        name = "section"
        if page:
            name = f"section-{page.section.code}{'-' + table_id if table_id else ''}-{page.period}-{page.org_unit.code}"
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        writer = csv.writer(response)
        for t in tables:
            if table_id and t["id"] != table_id:
                continue
            writer.writerow(
                [
                    "table",
                    "row",
                    "kpi",
                    "basis",
                    "dimension",
                    "breakdown",
                    *(csv_value(c.get("period") or c["label"]) for c in t["columns"]),
                ]
            )
            for r in t["rows"]:
                if r.get("heading"):
                    continue
                writer.writerow(
                    [
                        t["id"],
                        csv_value(r["label"]),
                        r.get("kpi", ""),
                        r.get("basis", ""),
                        r.get("dimension", ""),
                        csv_value(r.get("breakdown", "")),
                        *(csv_value(c.plain) for c in r["cells"]),
                    ]
                )
        return response


def section_period_label(period: str) -> str:
    return Period.parse(period).start.strftime("%B %Y")
