"""The scorecard as a django-tables2 Table of scorecard.Line records. Cells are built with format_html only
(every text is escaped), numbers through templatetags.figures; the section headings are drawn by the
template (templates/scorecards/scorecard_table.html) as the rows change section."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from apps.core.disclosure import SUPPRESSED_MARK
from apps.kpis import ratings
from apps.kpis.models import BenchmarkKind
from apps.kpis.registry import Unit

from .scorecard import Line
from .sparkline import month_name, sparkline
from .templatetags.figures import NO_VALUE, WITHHELD_TITLE, format_number

UNIT_TEXT = {
    Unit.COUNT: "count",
    Unit.PERCENT: "%",
    Unit.RATE: "per 10,000 children",
    Unit.MEAN: "average",
    Unit.RATIO: "ratio",
}
ARROW_GLYPH = {
    ratings.POSITIVE_UP: "▲",
    ratings.NEGATIVE_UP: "△",
    ratings.POSITIVE_DOWN: "▼",
    ratings.NEGATIVE_DOWN: "▽",
    ratings.UP: "↑",
    ratings.DOWN: "↓",
    ratings.NO_CHANGE: "↔",
}
RATING_TEXT = {ratings.RED: "Red", ratings.AMBER: "Amber", ratings.GREEN: "Green"}


def withheld():
    return format_html('<abbr class="withheld" title="{}">{}</abbr>', WITHHELD_TITLE, SUPPRESSED_MARK)


def figure_html(figure, unit):
    if figure is None:
        return format_html('<span class="no-value" title="no figure">{}</span>', NO_VALUE)
    if figure.suppressed:
        return withheld()
    return format_html("{}", format_number(figure.value, unit))


def signed(change, unit) -> str:
    text = format_number(change, unit)
    if change is not None and change > 0:
        return "+" + text
    return text


def arrow_html(direction, text):
    if not direction:
        return ""
    kind = direction.split("_")[0] if "_" in direction and direction != ratings.NO_CHANGE else "neutral"
    return format_html(
        '<span class="arrow arrow--{} arrow--{}" role="img" aria-label="{}" title="{}">{}</span>',
        kind,
        direction.replace("_", "-"),
        text,
        text,
        ARROW_GLYPH[direction],
    )


def change_html(change, withheld_flag, direction, text, unit):
    if withheld_flag:
        return withheld()
    if change is None:
        return format_html('<span class="no-value">{}</span>', NO_VALUE)
    # A percentage changes by percentage points, not by a percentage of itself.
    shown = signed(change, unit if unit != Unit.PERCENT else Unit.RATE) + (
        " pts" if unit == Unit.PERCENT else ""
    )
    return format_html('{} <span class="change__value">{}</span>', arrow_html(direction, text), shown)


class LineColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault("attrs", {"th": {"scope": "col"}})
        super().__init__(*args, **kwargs)


class ScorecardTable(tables.Table):
    plan_ref = LineColumn(verbose_name="Plan ID", attrs={"th": {"scope": "col"}, "td": {"class": "plan-ref"}})
    measure = LineColumn(verbose_name="Measure")
    previous = LineColumn(verbose_name="Previous", attrs={"th": {"scope": "col"}, "td": {"class": "num"}})
    latest = LineColumn(verbose_name="Latest", attrs={"th": {"scope": "col"}, "td": {"class": "num latest"}})
    change = LineColumn(verbose_name="Change", attrs={"th": {"scope": "col"}, "td": {"class": "num change"}})
    baseline = LineColumn(
        verbose_name="Since baseline", attrs={"th": {"scope": "col"}, "td": {"class": "num"}}
    )
    target = LineColumn(verbose_name="Target", attrs={"th": {"scope": "col"}, "td": {"class": "num"}})
    rating = LineColumn(verbose_name="Rating", attrs={"th": {"scope": "col"}, "td": {"class": "rating-cell"}})
    england = LineColumn(verbose_name="England", attrs={"th": {"scope": "col"}, "td": {"class": "num bench"}})
    region = LineColumn(verbose_name="Region", attrs={"th": {"scope": "col"}, "td": {"class": "num bench"}})
    stat_neighbours = LineColumn(
        verbose_name="Statistical neighbours", attrs={"th": {"scope": "col"}, "td": {"class": "num bench"}}
    )
    trend = LineColumn(
        verbose_name="12-month trend", attrs={"th": {"scope": "col"}, "td": {"class": "trend"}}
    )

    class Meta:
        template_name = "scorecards/scorecard_table.html"
        orderable = False
        attrs = {"class": "scorecard-table"}

    def __init__(self, data, *, scorecard, **kwargs):
        super().__init__(data, **kwargs)
        self.scorecard = scorecard
        cols = self.columns
        cols["previous"].column.verbose_name = f"Previous ({month_name(scorecard.previous_period)})"
        cols["latest"].column.verbose_name = f"Latest ({month_name(scorecard.period)})"
        if scorecard.baseline_period:
            cols[
                "baseline"
            ].column.verbose_name = (
                f"Change since {scorecard.baseline_label} ({month_name(scorecard.baseline_period)})"
            )

    def body_html(self):
        """The table's body, built here rather than cell by cell in the template: about 60 lines of 12 cells
        each, which django-tables2's per-cell rendering (a signature inspection per cell) and the template
        loop made the slowest part of the page. The cells are the render_* methods below, each escaped
        through format_html; a section heading row goes in where the section changes, and a page row (a
        link instead of figures) spans every column after its plan reference."""
        columns = list(self.columns)
        width = len(columns)
        td = {c.name: c.attrs["td"].as_html() for c in columns}
        render = {c.name: getattr(self, f"render_{c.name}") for c in columns}
        out, section = [], None
        for line in self.data.data:
            if line.section != section:
                section = line.section
                out.append(
                    format_html(
                        '<tr class="section-row"><th scope="colgroup" colspan="{}">{}</th></tr>',
                        width,
                        section,
                    )
                )
            cells = []
            for c in columns:
                name = c.name
                if name == "measure":
                    cls = "measure measure--sub" if line.is_sub_row else "measure"
                    span = format_html(' colspan="{}"', width - 1) if line.is_page else ""
                    cells.append(
                        format_html(
                            '<th scope="row" class="{}"{}>{}</th>', cls, span, render[name](record=line)
                        )
                    )
                elif not line.is_page or name == "plan_ref":
                    cells.append(format_html("<td {}>{}</td>", td[name], render[name](record=line)))
            row_class = "sub-row" if line.is_sub_row else "main-row"
            out.append(
                format_html('<tr class="{}">{}</tr>', row_class, mark_safe("".join(cells)))  # noqa: S308
            )
        if not out:
            out.append(format_html('<tr><td colspan="{}">No rows match these filters.</td></tr>', width))
        return mark_safe("\n".join(out))  # noqa: S308 -- every part was built by format_html

    # Page rows (a link instead of a figure) fill only the measure cell; body_html spans it.

    def render_plan_ref(self, record: Line):
        return record.row.plan_ref

    def render_measure(self, record: Line):
        if record.unit_row is not None:
            return format_html('<span class="measure__label">{}</span>', record.label)
        if record.is_page:
            if record.page_available:
                return format_html('<a href="{}">{}</a>', record.page_url, record.label)
            return format_html('{} <span class="muted">(page to come)</span>', record.label)
        unit = UNIT_TEXT.get(record.unit, record.unit)
        basis = "" if record.basis == record.measure.headline else f", {record.basis}"
        return format_html(
            '<span class="measure__label">{}</span> <span class="measure__unit">({}{})</span>',
            record.label,
            unit,
            basis,
        )

    def render_previous(self, record: Line):
        if record.is_page:
            return ""
        return figure_html(record.previous, record.unit)

    def render_latest(self, record: Line):
        if record.is_page:
            return ""
        f = record.latest
        html = figure_html(f, record.unit)
        if f is not None and not f.suppressed and record.numerator_url and record.unit == Unit.COUNT:
            html = format_html(
                '<a href="{}" title="the records behind this figure">{}</a>', record.numerator_url, html
            )
        parts = [html]
        if record.shows_fraction and record.unit == Unit.MEAN:
            # A mean's numerator is a sum (of days, weeks): what counts is how many it is the mean of.
            den = format_number(f.denominator, Unit.COUNT)
            if record.denominator_url:
                den = format_html(
                    '<a href="{}" title="the records counted">{}</a>', record.denominator_url, den
                )
            parts.append(format_html('<span class="fraction">n = {}</span>', den))
        elif record.shows_fraction:
            num = format_number(f.numerator, Unit.COUNT)
            den = format_number(f.denominator, Unit.COUNT)
            if record.numerator_url:
                num = format_html(
                    '<a href="{}" title="the records counted">{}</a>', record.numerator_url, num
                )
            if record.denominator_url:
                den = format_html(
                    '<a href="{}" title="the records counted from">{}</a>', record.denominator_url, den
                )
            parts.append(format_html('<span class="fraction">{} / {}</span>', num, den))
        if record.provisional:
            parts.append(
                mark_safe(
                    '<abbr class="mark mark--provisional" title="provisional: the month is still open">p</abbr>'
                )
            )
        if record.restated:
            first = (
                format_number(record.first_published, record.unit)
                if record.first_published is not None
                else "not shown"
            )
            parts.append(
                format_html(
                    '<span class="mark mark--restated">restated; first published {}</span>',
                    first,
                )
            )
        return format_html_join(" ", "{}", ((p,) for p in parts))

    def render_change(self, record: Line):
        if record.is_page:
            return ""
        return change_html(
            record.change, record.withheld_change, record.direction, record.arrow_text, record.unit
        )

    def render_baseline(self, record: Line):
        if record.is_page or not self.scorecard.baseline_period:
            return ""
        return change_html(
            record.baseline_change,
            record.withheld_baseline,
            record.baseline_direction,
            record.baseline_arrow_text,
            record.unit,
        )

    def render_target(self, record: Line):
        if record.target is None:
            return ""
        return format_number(record.target.value, record.unit)

    def render_rating(self, record: Line):
        if record.rating == "withheld":
            return withheld()
        if not record.rating:
            return ""
        return format_html(
            '<span class="rag rag--{}">{}</span>',
            record.rating,
            RATING_TEXT.get(record.rating, record.rating),
        )

    def _bench(self, record: Line, kind):
        b = record.benchmarks.get(kind)
        if b is None:
            return ""
        title = f"{BenchmarkKind(kind).label} {b.year}" + (f", {b.label}" if b.label else "")
        return format_html(
            '<span title="{}">{}</span> <span class="bench__year">{}</span>',
            title,
            format_number(b.value, record.unit),
            b.year,
        )

    def render_england(self, record: Line):
        return self._bench(record, BenchmarkKind.ENGLAND)

    def render_region(self, record: Line):
        return self._bench(record, BenchmarkKind.REGION)

    def render_stat_neighbours(self, record: Line):
        return self._bench(record, BenchmarkKind.STAT_NEIGHBOURS)

    def render_trend(self, record: Line):
        if record.is_page or record.unit_row is not None:
            return ""
        return sparkline(record.trend, record.unit, record.label)
