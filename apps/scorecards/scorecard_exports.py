"""The scorecard as rows of plain values, for its CSV and Excel downloads: the same lines as the page,
numbers as numbers (unrounded, as stored), a withheld figure as "c", no figure as an empty cell."""

from __future__ import annotations

from decimal import Decimal

from apps.core.disclosure import SUPPRESSED_MARK
from apps.kpis.models import BenchmarkKind

from .scorecard import Line, Scorecard

HEADER = [
    "section",
    "plan_ref",
    "kpi",
    "label",
    "unit",
    "basis",
    "dimension",
    "breakdown",
    "org_unit",
    "period",
    "previous_period",
    "previous",
    "latest",
    "numerator",
    "denominator",
    "change",
    "direction",
    "baseline_period",
    "baseline_change",
    "target",
    "rating",
    "england",
    "region",
    "statistical_neighbours",
    "provisional",
    "restated",
    "first_published",
    "page",
]


def _plain(x):
    """int for a whole number, float otherwise (what a spreadsheet reads as a number); None stays empty."""
    if x is None:
        return None
    d = x if isinstance(x, Decimal) else Decimal(repr(x) if isinstance(x, float) else x)
    d = d.normalize()
    return int(d) if d == d.to_integral_value() else float(d)


def _fig(f, part="value"):
    if f is None:
        return None
    if f.suppressed:
        return SUPPRESSED_MARK
    return _plain(getattr(f, part))


def _bench(line: Line, kind):
    b = line.benchmarks.get(kind)
    return _plain(b.value) if b else None


def _line(card: Scorecard, line: Line) -> list:
    if line.is_page:
        return (
            [line.section, line.row.plan_ref, "", line.label] + [None] * (len(HEADER) - 5) + [line.page_url]
        )
    change = SUPPRESSED_MARK if line.withheld_change else _plain(line.change)
    baseline_change = SUPPRESSED_MARK if line.withheld_baseline else _plain(line.baseline_change)
    rating = SUPPRESSED_MARK if line.rating == "withheld" else (line.rating or None)
    return [
        line.section,
        line.row.plan_ref,
        line.code,
        line.label,
        line.unit,
        line.basis,
        line.row.dimension or None,
        line.row.breakdown or None,
        line.unit_row.code if line.unit_row is not None else card.org_unit.code,
        card.period,
        card.previous_period,
        _fig(line.previous),
        _fig(line.latest),
        _fig(line.latest, "numerator"),
        _fig(line.latest, "denominator"),
        change,
        line.direction,
        card.baseline_period or None,
        baseline_change,
        _plain(line.target.value) if line.target is not None else None,
        rating,
        _bench(line, BenchmarkKind.ENGLAND),
        _bench(line, BenchmarkKind.REGION),
        _bench(line, BenchmarkKind.STAT_NEIGHBOURS),
        line.provisional,
        line.restated,
        _plain(line.first_published),
        None,
    ]


def export_values(card: Scorecard) -> list[list]:
    return [_line(card, line) for line in card.lines]
