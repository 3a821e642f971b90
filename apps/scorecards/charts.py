"""The section pages' charts: their data as Chart.js 4 reads it, `{labels, datasets}`, from stored snapshots
only (through apps.scorecards.page_data, i.e. the selectors), served by django-chartjs's class-based JSON
view at /pages/<section>/charts/<chart>/. The page draws the same series as a table beside each chart
(the table alternative, which is also what a print shows), built by `chart_data` from the same figures.

Viewers get withheld figures as null: a gap in the line, never the figure."""

from __future__ import annotations

import csv
import json

from chartjs.views.lines import BaseLineChartView
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse, JsonResponse

from apps.core.periods import Period
from apps.kpis.registry import Unit

from . import sections
from .page_data import BLANK, Cell, PageData, csv_value, fy_label, month_label, resolve
from .sections import LABELS, UNIT_DIMENSIONS, Breakdown, Run, Trend, UnitsTrend

FY_MONTHS = ("Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar")

# Series are told apart by more than colour: each has its own colour, point style and dash pattern, and
# the legend names it. Colours are dark enough for 3:1 against white (WCAG 1.4.11, non-text contrast).
STYLES = (
    {"color": "#1f4e79", "pointStyle": "circle", "borderDash": []},
    {"color": "#a45a00", "pointStyle": "rect", "borderDash": [6, 4]},
    {"color": "#1e6b3a", "pointStyle": "triangle", "borderDash": [2, 3]},
    {"color": "#7a2e8c", "pointStyle": "rectRot", "borderDash": [10, 3, 2, 3]},
    {"color": "#b3261e", "pointStyle": "crossRot", "borderDash": [1, 2]},
    {"color": "#3d4a57", "pointStyle": "star", "borderDash": [12, 6]},
    {"color": "#0b6e77", "pointStyle": "rectRounded", "borderDash": [4, 2, 4, 8]},
)
# Last year's bars are drawn hatched-light (the lighter fill) so this year's stand out, in print too.
ALPHA = {"bar": "cc", "bar_last": "55", "line": "33"}


def part_label(dimension: str, code: str, page: PageData) -> str:
    if dimension in UNIT_DIMENSIONS:
        return page.unit_label(code)
    return LABELS.get(dimension, {}).get(code, code.replace("_", " "))


def _ordered(found: set[str], fixed: tuple[str, ...], dimension: str) -> list[str]:
    if fixed:
        return list(fixed) + sorted(found - set(fixed))
    order = list(LABELS.get(dimension, {}))
    return sorted(found, key=lambda c: (order.index(c) if c in order else len(order), c))


def _dataset(
    label: str,
    cells: list[Cell],
    unit: str,
    index: int,
    kind: str = "bar",
    axis: str = "y",
    last_year: bool = False,
    measure: str = "",
) -> dict:
    style = STYLES[index % len(STYLES)]
    alpha = ALPHA["bar_last" if last_year else kind] if kind == "bar" else ALPHA["line"]
    return {
        "label": label,
        "data": [c.number for c in cells],
        "type": kind,
        "yAxisID": axis,
        "unit": unit,
        "backgroundColor": style["color"] + alpha,
        "borderColor": style["color"],
        "borderWidth": 2,
        "borderDash": style["borderDash"] if kind == "line" else [],
        "pointStyle": style["pointStyle"],
        "pointRadius": 4,
        "spanGaps": False,
        "cells": cells,  # the table alternative's cells; never sent (see ChartView)
        "_measure": measure,  # what a mean or ratio axis is titled by; never sent
    }


def _series_label(s: sections.Series, page: PageData) -> str:
    return s.label or page.registry[s.kpi].label


def _trend(chart: Trend, page: PageData) -> dict:
    fy = page.fy
    datasets, index = [], 0
    for s in chart.series:
        m = page.registry[s.kpi]
        basis = s.basis or m.headline
        for year, last in ((fy - 1, True), (fy, False)):
            cells = []
            for i in range(12):
                period = str(Period(year, 4) + i)
                if period > page.period:
                    cells.append(Cell())  # not yet
                else:
                    cells.append(page.cell(s.kpi, period, basis, s.dimension, s.breakdown, show="value"))
            label = f"{_series_label(s, page)} {fy_label(year)}"
            datasets.append(
                _dataset(label, cells, m.unit, index, s.kind, s.axis, last_year=last, measure=m.label)
            )
            index += 1
    return {"labels": list(FY_MONTHS), "datasets": datasets}


def _run(chart: Run, page: PageData) -> dict:
    p = Period.parse(page.period)
    first = Period(p.financial_year - (chart.years_back - 1), 4)
    periods = []
    q = first
    while q <= p:
        periods.append(str(q))
        q = q + 1
    datasets = []
    for index, s in enumerate(chart.series):
        m = page.registry[s.kpi]
        basis = s.basis or m.headline
        cells = [
            page.cell(s.kpi, period, basis, s.dimension, s.breakdown, show="value") for period in periods
        ]
        datasets.append(
            _dataset(_series_label(s, page), cells, m.unit, index, "line", s.axis, measure=m.label)
        )
    return {"labels": [month_label(x) for x in periods], "datasets": datasets}


def _breakdown(chart: Breakdown, page: PageData) -> dict:
    m = page.registry[chart.kpi]
    basis = chart.basis or m.headline
    show = "numerator" if m.unit == Unit.PERCENT else "value"
    unit = Unit.COUNT if show == "numerator" else m.unit
    figs = page.figures(page.period)
    if chart.stacked:
        (dimension,) = chart.dimensions
        keys = [k[3] for k in figs if k[0] == chart.kpi and k[1] == basis and k[2] == dimension]
        firsts = _ordered({k.partition("|")[0] for k in keys}, (), "gender")
        seconds = _ordered({k.partition("|")[2] for k in keys}, chart.parts, "age_band")
        datasets = []
        for index, a in enumerate(firsts):
            cells = [
                page.cell(chart.kpi, page.period, basis, dimension, f"{a}|{b}", show=show) for b in seconds
            ]
            datasets.append(_dataset(part_label("gender", a, page), cells, unit, index))
        return {
            "labels": [part_label("age_band", b, page) for b in seconds],
            "datasets": datasets,
            "stacked": True,
        }
    found = {k[3] for k in figs if k[0] == chart.kpi and k[1] == basis and k[2] in chart.dimensions}
    dimension0 = chart.dimensions[0]
    parts = _ordered(found, chart.parts, dimension0)
    datasets = []
    for index, dimension in enumerate(chart.dimensions):
        cells = [page.cell(chart.kpi, page.period, basis, dimension, b, show=show) for b in parts]
        label = {"initial_rag": "Initial rating", "final_rag": "Final rating"}.get(dimension, m.label)
        datasets.append(_dataset(f"{label}, {month_label(page.period)}", cells, unit, index, measure=m.label))
    labels = [part_label(dimension0, b, page) for b in parts]
    # Long part names read better down the side than slanted under the bars.
    return {"labels": labels, "datasets": datasets, "horizontal": any(len(x) > 14 for x in labels)}


def _units_trend(chart: UnitsTrend, page: PageData) -> dict:
    m = page.registry[chart.kpi]
    basis = chart.basis or m.headline
    fy = page.fy
    periods = [str(Period(fy, 4) + i) for i in range(12)]
    datasets = []
    for index, unit in enumerate(page.children):
        cells = [
            page.cell(chart.kpi, p, basis, show="value", code=unit.code) if p <= page.period else Cell()
            for p in periods
        ]
        datasets.append(_dataset(unit.name, cells, m.unit, index, "line", measure=m.label))
    return {"labels": list(FY_MONTHS), "datasets": datasets}


BUILDERS = {Trend: _trend, Run: _run, Breakdown: _breakdown, UnitsTrend: _units_trend}


def chart_data(chart, page: PageData) -> dict:
    """{labels, datasets[, stacked]} with each dataset's cells (for the table alternative) kept in it."""
    data = BUILDERS[type(chart)](chart, page)
    data["title"] = chart.title
    data["axes"] = _axes(data["datasets"])
    return data


AXIS_TITLES = {Unit.COUNT: "Number", Unit.PERCENT: "%", Unit.RATE: "Per 10,000 children"}


def _axes(datasets) -> dict:
    """Each value axis with its unit and title (a mean or ratio is titled by what it measures)."""
    out, measures = {}, {}
    for d in datasets:
        out.setdefault(d["yAxisID"], {"unit": d["unit"]})
        measures.setdefault(d["yAxisID"], []).append(d["_measure"])
    for axis, found in measures.items():
        several = len(set(found)) > 1
        out[axis]["title"] = AXIS_TITLES.get(out[axis]["unit"], "Average" if several else found[0])
    return out


def public(data: dict) -> dict:
    """The JSON a browser gets: the cells (links, withheld marks) stay on the server."""
    hidden = ("cells", "_measure")
    return {**data, "datasets": [{k: v for k, v in d.items() if k not in hidden} for d in data["datasets"]]}


def table_of(data: dict) -> dict:
    """The chart's table alternative: a row per label, a column per series."""
    return {
        "columns": [d["label"] for d in data["datasets"]],
        "rows": [
            {
                "label": label,
                "cells": [d["cells"][i] if i < len(d["cells"]) else BLANK for d in data["datasets"]],
            }
            for i, label in enumerate(data["labels"])
        ],
    }


class ChartView(LoginRequiredMixin, BaseLineChartView):
    """/pages/<section>/charts/<chart>/?period=&org_unit=[&format=csv]: one chart's {labels, datasets}."""

    raise_exception = False

    def get(self, request, *args, **kwargs):
        section = sections.get(kwargs["section"])
        chart = section.chart(kwargs["chart"]) if section else None
        if chart is None:
            raise Http404("no such chart")
        form, page = resolve(request, section)
        if form.errors:
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        if page is None:
            self.data = {"labels": [], "datasets": [], "title": chart.title, "axes": {}}
        else:
            self.data = chart_data(chart, page)
        if request.GET.get("format") == "csv":
            return self.csv(chart, page)
        return self.render_to_response(self.get_context_data())

    # django-chartjs's hooks: labels and datasets as Chart.js 4 reads them.
    def get_labels(self):
        return self.data["labels"]

    def get_datasets(self):
        return public(self.data)["datasets"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        out = {k: v for k, v in public(self.data).items() if k not in ("labels", "datasets")}
        out.update({"labels": context["labels"], "datasets": context["datasets"]})
        return out

    def convert_context_to_json(self, context):
        return json.dumps(context)

    def csv(self, chart, page):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        name = f"chart-{chart.id}"
        if page is not None:
            name = f"section-{page.section.code}-{chart.id}-{page.period}-{page.org_unit.code}"
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        table = table_of(self.data)
        writer = csv.writer(response)
        writer.writerow(["", *(csv_value(c) for c in table["columns"])])
        for row in table["rows"]:
            writer.writerow([csv_value(row["label"]), *(csv_value(c.plain) for c in row["cells"])])
        return response
