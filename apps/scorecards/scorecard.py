"""The scorecard: one line per row of a layout, for one month and one org unit, as the user may see it.

Every figure comes from apps.scorecards.selectors (so viewers get published months and suppressed figures
only); ratings, arrows and targets from apps.kpis.ratings. The number of queries does not depend on the
number of rows, teams or months: the month's figures once, the 12 months of the trend in one read (month by
month, from cache, for viewers), the baseline month once, and one query each for targets, benchmarks,
polarities, the month's state and restated figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.urls import Resolver404, resolve

from apps.accounts import access
from apps.core.models import OrgUnit
from apps.core.periods import Period
from apps.kpis import ratings
from apps.kpis.models import Benchmark, BenchmarkKind
from apps.kpis.registry import Measure, Unit, load

from . import selectors
from .links import DENOMINATOR, NUMERATOR, drill_url
from .models import LayoutRow, ScorecardLayout
from .selectors import Figure

TREND_MONTHS = 12
BENCHMARK_KINDS = (BenchmarkKind.ENGLAND, BenchmarkKind.REGION, BenchmarkKind.STAT_NEIGHBOURS)
NO_RATING = "none"
ROW_ORDER = ("section__order", "section_id", "order", "pk")

ARROW_TEXT = {
    ratings.POSITIVE_UP: "Positive upward change",
    ratings.POSITIVE_DOWN: "Positive downward change",
    ratings.NEGATIVE_UP: "Negative upward change",
    ratings.NEGATIVE_DOWN: "Negative downward change",
    ratings.NO_CHANGE: "No change",
    ratings.UP: "Upward change (no better direction)",
    ratings.DOWN: "Downward change (no better direction)",
}


@dataclass(frozen=True)
class BenchmarkValue:
    kind: str
    year: int
    label: str
    value: Decimal


@dataclass
class Line:
    row: LayoutRow
    section: str
    measure: Measure | None
    label: str
    unit: str
    basis: str
    polarity: str
    previous: Figure | None = None
    latest: Figure | None = None
    change: Decimal | None = None
    direction: str | None = None
    withheld_change: bool = False
    baseline: Figure | None = None
    baseline_change: Decimal | None = None
    baseline_direction: str | None = None
    withheld_baseline: bool = False
    target: object | None = None
    rating: str | None = None
    benchmarks: dict[str, BenchmarkValue] = field(default_factory=dict)
    trend: list[tuple[str, Figure | None]] = field(default_factory=list)
    restated: bool = False
    first_published: Decimal | None = None
    provisional: bool = False
    numerator_url: str = ""
    denominator_url: str = ""
    page_url: str = ""
    page_available: bool = False
    unit_row: OrgUnit | None = None  # a sub-row of a row by service or team: that service or team

    @property
    def code(self) -> str:
        return self.row.measure

    @property
    def is_sub_row(self) -> bool:
        return self.row.is_sub_row or self.unit_row is not None

    @property
    def is_page(self) -> bool:
        return not self.row.measure

    @property
    def arrow_text(self) -> str:
        return ARROW_TEXT.get(self.direction or "", "")

    @property
    def baseline_arrow_text(self) -> str:
        return ARROW_TEXT.get(self.baseline_direction or "", "")

    @property
    def shows_fraction(self) -> bool:
        """Percentages, means, rates and ratios show their numerator and denominator beside the value."""
        f = self.latest
        return (
            self.unit != Unit.COUNT
            and f is not None
            and not f.suppressed
            and f.value is not None
            and f.denominator not in (None, 0)
        )


@dataclass
class Scorecard:
    layout: ScorecardLayout
    period: str
    previous_period: str
    org_unit: OrgUnit
    lines: list[Line]
    provisional: bool
    baseline_label: str = ""
    baseline_period: str = ""
    trend_periods: list[str] = field(default_factory=list)
    suppressed: bool = False

    @property
    def period_name(self) -> str:
        from .sparkline import month_name

        return month_name(self.period)

    def sections(self) -> list[tuple[str, list[Line]]]:
        out: list[tuple[str, list[Line]]] = []
        for line in self.lines:
            if not out or out[-1][0] != line.section:
                out.append((line.section, []))
            out[-1][1].append(line)
        return out


def _d(x) -> Decimal | None:
    if x is None:
        return None
    return x if isinstance(x, Decimal) else Decimal(repr(x) if isinstance(x, float) else x)


SHOWN = Decimal("0.1")


def _diff(a: Figure | None, b: Figure | None) -> tuple[Decimal | None, bool]:
    """latest - previous as the page shows them (to one decimal place, as the booklet works its changes out
    from its printed figures, so 1.1 -> 1.1 is no change), and whether it is withheld (either side
    suppressed)."""
    if a is None or b is None:
        return None, False
    if a.suppressed or b.suppressed:
        return None, True
    x, y = _d(a.value), _d(b.value)
    if x is None or y is None:
        return None, False
    return y.quantize(SHOWN, rounding=ROUND_HALF_UP) - x.quantize(SHOWN, rounding=ROUND_HALF_UP), False


def _part(month: dict, key, m: Measure, figure: str = "") -> Figure | None:
    """The figure of `key` in a month. The engine stores the parts of a breakdown that occur; for a count (or
    a row showing a part's numerator), a part not stored while its whole is stored (and shown) is a zero,
    not a missing figure."""
    found = month.get(key)
    if found is not None or not key[2] or (m.unit != Unit.COUNT and figure != "numerator"):
        return found
    whole = month.get((key[0], key[1], "", ""))
    if whole is None or whole.suppressed:
        return None
    return Figure(0, None, 0, whole.version, False)


def _shown(figure: Figure | None, part: str) -> Figure | None:
    """The figure a row shows: the value, or its numerator or denominator as a count."""
    if figure is None or not part:
        return figure
    if figure.suppressed:
        return figure
    count = getattr(figure, part)
    return Figure(count, None, count, figure.version, False)


def _link(line: Line, *, period: str, org_unit: OrgUnit) -> None:
    """Drill-down links of a line's latest figure: its numerator (or, for a row showing a total, its
    denominator) and, beside a percentage or other ratio, its denominator."""
    m, row = line.measure, line.row
    if m.entered or line.latest is None or line.latest.suppressed:
        return
    args = dict(
        period=period,
        org_unit=org_unit.code,
        basis=line.basis,
        dimension=row.dimension,
        breakdown=row.breakdown,
    )
    line.numerator_url = drill_url(
        m.code, part=DENOMINATOR if row.figure == DENOMINATOR else NUMERATOR, **args
    )
    if line.unit != Unit.COUNT and line.latest.denominator is not None:
        line.denominator_url = drill_url(m.code, part=DENOMINATOR, **args)


def _page(url: str) -> bool:
    try:
        resolve(url.split("?")[0])
    except Resolver404:
        return False
    return True


def _benchmarks(codes, year: int) -> dict[str, dict[str, BenchmarkValue]]:
    """{measure: {kind: the newest benchmark of that kind for `year` or before}}; one query."""
    out: dict[str, dict[str, BenchmarkValue]] = {}
    rows = Benchmark.objects.filter(measure__in=list(codes), year__lte=year, kind__in=BENCHMARK_KINDS)
    for b in rows.order_by("measure", "kind", "-year", "label"):
        out.setdefault(b.measure, {}).setdefault(b.kind, BenchmarkValue(b.kind, b.year, b.label, b.value))
    return out


def rows_of(layout: ScorecardLayout):
    return LayoutRow.objects.filter(section__layout=layout).select_related("section").order_by(*ROW_ORDER)


def build(
    *,
    layout: ScorecardLayout,
    period: str,
    org_unit: OrgUnit,
    user,
    rows=None,
    rating: str = "",
    links: bool = True,
) -> Scorecard:
    """The scorecard of `layout` (or of `rows`, a narrowed queryset of its rows) for a month and org unit;
    `rating` keeps the lines with that rating ("none" = lines with no rating); `links=False` leaves the
    figures without drill-down links (the booklet's files)."""
    registry = load()
    rows = rows_of(layout) if rows is None else list(rows)
    codes = sorted({r.measure for r in rows if r.measure})
    this = Period.parse(period)
    previous_period = str(this - 1)
    viewer = access.suppresses_small_counts(user)
    links = links and access.sees_child_level(user)

    # The 12 months to `period` (the previous month among them) and the baseline's month in one read.
    months = selectors.months_back(period, TREND_MONTHS)
    base = ratings.active_baseline()
    wanted = months + ([base.period] if base is not None and base.period not in months else [])
    figures, suppressed = selectors.monthly(periods=wanted, units=[org_unit], user=user, measures=codes)
    history = figures[org_unit.code]
    current = history[period]
    base_figures = history.get(base.period, {}) if base is not None else {}
    state = selectors.month_state(period)
    first = {} if viewer else selectors.first_published(period=period, org_unit=org_unit)

    # Rows by service or team: the figures of the org units below this one, in one read (two months).
    children, by_unit = [], {}
    unit_codes = sorted({r.measure for r in rows if r.measure and r.by_org_unit})
    if unit_codes:
        children = list(OrgUnit.objects.filter(parent=org_unit).order_by("name"))
        by_unit, _ = selectors.monthly(
            periods=[previous_period, period], units=children, user=user, measures=unit_codes
        )

    polarities = ratings.effective_polarities(codes)
    targets = ratings.targets_for(this.financial_year, org_unit)
    benchmarks = _benchmarks(codes, this.financial_year)

    lines = []
    for row in rows:
        m = registry.get(row.measure) if row.measure else None
        label = row.label or (m.label if m else row.measure)
        if m is None:
            line = Line(row, row.section.title, None, label, "", "", "none")
            if row.page_url:
                line.page_url, line.page_available = row.page_url, _page(row.page_url)
            lines.append(line)
            continue
        basis = row.basis or m.headline
        key = (m.code, basis, row.dimension, row.breakdown)
        # A count or total shown for a percentage's row has no better direction unless the row says so.
        polarity = row.polarity or ("none" if row.figure else polarities.get(m.code, m.polarity))
        unit = Unit.COUNT if row.figure else m.unit
        line = Line(row, row.section.title, m, label, unit, basis, polarity)

        def pick(month, key=key, m=m, row=row):
            return _shown(_part(month, key, m, row.figure), row.figure)

        line.latest = pick(current)
        line.previous = pick(history.get(previous_period, {}))
        line.change, line.withheld_change = _diff(line.previous, line.latest)
        if line.change is not None:
            line.direction = ratings.direction(0, line.change, polarity)
        line.baseline = pick(base_figures)
        line.baseline_change, line.withheld_baseline = _diff(line.baseline, line.latest)
        if line.baseline_change is not None:
            line.baseline_direction = ratings.direction(0, line.baseline_change, polarity)
        line.trend = [(p, pick(history.get(p, {}))) for p in months]
        line.provisional = state.provisional and line.latest is not None and line.latest.value is not None
        if line.latest is not None and line.latest.version > 1:
            line.restated = True
            line.first_published = None if row.figure else first.get(key)
        if not row.dimension and not row.figure:
            # Targets and comparators are set for a measure's whole, not for one part of a breakdown.
            target = targets.get((m.code, "" if basis == m.headline else basis))
            line.target = target
            if target is not None and line.latest is not None:
                if line.latest.suppressed:
                    line.rating = "withheld"
                else:
                    line.rating = ratings.rag(
                        line.latest.value,
                        target.value,
                        target.amber_tolerance,
                        target.tolerance_kind,
                        polarity,
                        places=1,
                    )
            line.benchmarks = benchmarks.get(m.code, {})
        if links:
            _link(line, period=period, org_unit=org_unit)
        lines.append(line)
        for child in children if row.by_org_unit else ():
            # The row's figure for each service (or team) below the scorecard's org unit.
            sub = Line(row, row.section.title, m, child.name, unit, basis, polarity, unit_row=child)
            mine = by_unit[child.code][period]
            before = by_unit[child.code][previous_period]
            sub.latest, sub.previous = pick(mine), pick(before)
            sub.change, sub.withheld_change = _diff(sub.previous, sub.latest)
            if sub.change is not None:
                sub.direction = ratings.direction(0, sub.change, polarity)
            sub.provisional = state.provisional and sub.latest is not None and sub.latest.value is not None
            sub.restated = sub.latest is not None and sub.latest.version > 1
            if links:
                _link(sub, period=period, org_unit=child)
            lines.append(sub)

    if rating:
        lines = [ln for ln in lines if (ln.rating or NO_RATING) == rating and not ln.is_page]
    return Scorecard(
        layout=layout,
        period=period,
        previous_period=previous_period,
        org_unit=org_unit,
        lines=lines,
        provisional=state.provisional,
        baseline_label=base.label if base else "",
        baseline_period=base.period if base else "",
        trend_periods=months,
        suppressed=suppressed,
    )


def months_for(user) -> list[str]:
    """The months a user may open, newest first: every month held, or for viewers the published ones."""
    from apps.kpis.models import PeriodState

    qs = PeriodState.objects.filter(last_computed_at__isnull=False)
    if access.suppresses_small_counts(user):
        qs = qs.filter(frozen_at__isnull=False)
    return list(qs.order_by("-period").values_list("period", flat=True))


def home_unit_code(user, la: OrgUnit | None) -> str:
    """Where a user's scorecard opens: a team manager's team, a head of service's service, else the LA."""
    from apps.accounts.models import Role
    from apps.core.models import OrgLevel

    wanted = {Role.TEAM_MANAGER: OrgLevel.TEAM, Role.HEAD_OF_SERVICE: OrgLevel.SERVICE}.get(user.role)
    if wanted:
        code = user.org_units.filter(level=wanted).order_by("name").values_list("code", flat=True).first()
        if code:
            return code
    return la.code if la else ""
