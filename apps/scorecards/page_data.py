"""What a section page or one of its charts reads, once per request: the month and org unit asked for (or
their defaults), the months around it, and every figure of the section's measures for them, in a fixed
number of queries whatever the number of measures, teams or months held (apps.scorecards.selectors.monthly).

A figure becomes a `Cell`: its text as the booklet prints it, its plain value for CSV, whether it is
withheld ("c", viewers only) and its drill-down link (never for viewers)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.utils.html import conditional_escape, format_html

from apps.accounts import access
from apps.accounts.models import Role
from apps.core.disclosure import SUPPRESSED_MARK
from apps.core.models import OrgLevel, OrgUnit
from apps.core.periods import Period
from apps.core.spreadsheets import safe_cell
from apps.kpis.models import PeriodState
from apps.kpis.registry import Measure, Unit, load

from . import selectors
from .links import drill_url
from .sections import Run, Section, Units, UnitsTrend
from .selectors import Figure, Key, default_month
from .templatetags.figures import NO_VALUE, WITHHELD_TITLE, format_number

LEVEL_ORDER = {OrgLevel.LA: 0, OrgLevel.SERVICE: 1, OrgLevel.TEAM: 2}


def month_label(period: str) -> str:
    p = Period.parse(period)
    return p.start.strftime("%b %Y")


def fy_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


# --- cells ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    text: str = NO_VALUE
    plain: str = ""  # CSV: a plain number, "c" when withheld, "" when there is no value
    withheld: bool = False
    href: str = ""
    number: int | float | None = None  # what a chart draws (None: a gap)
    # (org unit, period, kpi, basis, dimension, breakdown, numerator|value): where the figure comes from
    source: tuple = ()
    provisional: bool = False  # the month is open (marked in the charts' tables; tables mark the column)

    @property
    def title(self) -> str:
        return WITHHELD_TITLE if self.withheld else ""

    @property
    def html(self):
        """The cell's content, escaped: a withheld mark with its explanation, a link to the records, or
        the figure (built here, not by an include per cell: a page has hundreds)."""
        if self.withheld:
            return format_html('<abbr class="withheld" title="{}">{}</abbr>', self.title, self.text)
        if self.href:
            return format_html('<a href="{}">{}</a>', self.href, self.text)
        return conditional_escape(self.text)


BLANK = Cell(text="", plain="")


def plain_number(x, unit: str) -> str:
    """A number for CSV: counts whole, everything else to the one decimal place the page shows."""
    if x is None:
        return ""
    d = x if isinstance(x, Decimal) else Decimal(repr(x) if isinstance(x, float) else x)
    if unit == Unit.COUNT and d == d.to_integral_value():
        return str(int(d))
    return str(d.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def csv_value(text: str) -> str:
    """A CSV cell: plain numbers as they are, any text (labels, notes, names) safe from formula injection."""
    try:
        Decimal(text)
        return text
    except (ArithmeticError, ValueError):
        return safe_cell(text)


def chart_number(x, unit: str):
    if x is None:
        return None
    return int(x) if unit == Unit.COUNT and float(x).is_integer() else round(float(x), 1)


# --- the request ---------------------------------------------------------------------------------------


class PageForm(forms.Form):
    """?period=YYYY-MM&org_unit=CODE: a month held (for viewers: published) and any org unit."""

    period = forms.ChoiceField(required=False, label="Month")
    org_unit = forms.ChoiceField(required=False, label="Team, service or LA")

    def __init__(self, data, *, months: list[str], units: list[OrgUnit]):
        super().__init__(data)
        self.fields["period"].choices = [(p, month_label(p)) for p in months]
        indent = {OrgLevel.LA: "", OrgLevel.SERVICE: "– ", OrgLevel.TEAM: "– – "}
        self.fields["org_unit"].choices = [(u.code, indent.get(u.level, "") + u.name) for u in units]


def _tree_order(units: list[OrgUnit]) -> list[OrgUnit]:
    """LA, then each service followed by its teams (by name)."""
    kids: dict[int | None, list[OrgUnit]] = {}
    for u in units:
        kids.setdefault(u.parent_id, []).append(u)
    out: list[OrgUnit] = []

    def walk(parent):
        for u in sorted(kids.get(parent, []), key=lambda u: (LEVEL_ORDER.get(u.level, 9), u.name)):
            out.append(u)
            walk(u.pk)

    walk(None)
    seen = {u.pk for u in out}
    return out + [u for u in units if u.pk not in seen]


def default_unit(user, units: list[OrgUnit]) -> OrgUnit | None:
    """A team manager's own team, a head of service's service, everyone else the LA."""
    la = next((u for u in units if u.level == OrgLevel.LA), units[0] if units else None)
    wanted = {Role.TEAM_MANAGER: OrgLevel.TEAM, Role.HEAD_OF_SERVICE: OrgLevel.SERVICE}.get(
        getattr(user, "role", None)
    )
    if wanted:
        own = sorted(user.org_units.filter(level=wanted).values_list("code", flat=True))
        if own:
            return next((u for u in units if u.code == own[0]), la)
    return la


@dataclass
class PageData:
    section: Section
    period: str
    org_unit: OrgUnit
    user: object
    viewer: bool
    units: dict[str, OrgUnit]  # every org unit by code (labels for team and service parts)
    children: list[OrgUnit]  # the units under org_unit (Units tables and charts)
    provisional: dict[str, bool | None]  # {period: open?} over the window
    months: selectors.Months = field(default_factory=dict)
    registry: dict[str, Measure] = field(default_factory=dict)
    links: bool = True  # figures link to their drill-down (never for viewers)
    _dimensions: dict = field(default_factory=dict, repr=False)

    @property
    def fy(self) -> int:
        return Period.parse(self.period).financial_year

    @property
    def table_months(self) -> list[str]:
        """This month and the two before, newest first (the booklet's Mar Feb Jan)."""
        p = Period.parse(self.period)
        return [str(p), str(p - 1), str(p - 2)]

    def figures(self, period: str, code: str | None = None) -> dict[Key, Figure]:
        return self.months.get(code or self.org_unit.code, {}).get(period, {})

    def figure(self, period: str, key: Key, code: str | None = None) -> Figure | None:
        return self.figures(period, code).get(key)

    def unit_label(self, code: str) -> str:
        unit = self.units.get(code)
        return unit.name if unit else code

    def cell(
        self,
        kpi: str,
        period: str,
        basis: str,
        dimension: str = "",
        breakdown: str = "",
        *,
        show: str = "auto",
        code: str | None = None,
    ) -> Cell:
        """The figure as a cell. show: "numerator", "value", or "auto" (a percentage's count in the month
        columns is its numerator; other units show their value)."""
        m = self.registry[kpi]
        fig = self.figure(period, (kpi, basis, dimension, breakdown), code)
        if show == "auto":
            show = "numerator" if m.unit == Unit.PERCENT else "value"
        unit = Unit.COUNT if show == "numerator" else m.unit
        source = (code or self.org_unit.code, period, kpi, basis, dimension, breakdown, show)
        if fig is None:
            if dimension and self._part_is_zero(period, code, kpi, basis, dimension):
                if unit == Unit.COUNT:
                    return Cell(text=format_number(0, unit), plain="0", number=0, source=source)
                whole = self.figure(period, (kpi, basis, "", ""), code)
                if m.unit == Unit.PERCENT and whole.denominator:
                    return Cell(text=format_number(0, unit), plain="0.0", number=0, source=source)
            return Cell(source=source)
        if fig.suppressed:
            return Cell(text=SUPPRESSED_MARK, plain=SUPPRESSED_MARK, withheld=True, source=source)
        x = fig.numerator if show == "numerator" else fig.value
        href = ""
        # Viewers follow no figure to records; a measure entered by hand has no records to follow.
        if self.links and not self.viewer and not m.entered:
            href = drill_url(
                kpi,
                period=period,
                org_unit=code or self.org_unit.code,
                basis=basis,
                dimension=dimension,
                breakdown=breakdown,
            )
        return Cell(
            text=format_number(x, unit),
            plain=plain_number(x, unit),
            href=href if x is not None else "",
            number=chart_number(x, unit),
            source=source,
            provisional=bool(self.provisional.get(period)),
        )

    def _part_is_zero(self, period, code, kpi, basis, dimension) -> bool:
        """Parts are stored when they occur: one absent from a month whose whole is 0, or whose dimension
        has other parts held, is 0. With neither, the breakdown was not computed: no value."""
        whole = self.figure(period, (kpi, basis, "", ""), code)
        if whole is None or whole.suppressed:
            return False
        if whole.numerator == 0:
            return True
        dims = self._dimensions.get((code, period))
        if dims is None:
            dims = self._dimensions[(code, period)] = {k[:3] for k in self.figures(period, code) if k[2]}
        return (kpi, basis, dimension) in dims


def window(section: Section, period: str) -> list[str]:
    """The months a section reads: April of last financial year (or further back for a Run chart) up to
    the month."""
    p = Period.parse(period)
    back = max([1] + [c.years_back - 1 for c in section.charts if isinstance(c, Run)])
    first = Period(p.financial_year - back, 4)
    out, q = [], first
    while q <= p:
        out.append(str(q))
        q = q + 1
    return out


def resolve(request, section: Section) -> tuple[PageForm, PageData | None]:
    """Read ?period= and ?org_unit= (defaults: the latest month held, for viewers the latest published;
    the user's own unit) and load the section's figures. An invalid value gives a bound form with errors
    and no data."""
    user = request.user
    viewer = access.suppresses_small_counts(user)
    held = held_months()
    months = [p for p, frozen in held if frozen is not None or not viewer]
    units = _tree_order(list(OrgUnit.objects.all()))
    data = {k: request.GET.get(k, "") for k in ("period", "org_unit")}
    form = PageForm(data, months=months, units=units)
    if not form.is_valid():
        return form, None
    period = form.cleaned_data["period"] or default_month(months)
    code = form.cleaned_data["org_unit"]
    by_code = {u.code: u for u in units}
    org_unit = by_code[code] if code else default_unit(user, units)
    if not period or org_unit is None:
        return form, None  # nothing held yet: the page says so
    page = load_page(section, period=period, org_unit=org_unit, user=user, units=units, held=held)
    # The form shows what the page shows, defaults included.
    form = PageForm({"period": period, "org_unit": org_unit.code}, months=months, units=units)
    form.is_valid()
    return form, page


def held_months() -> list[tuple[str, object]]:
    """(period, frozen_at) of every month with figures, newest first."""
    return list(
        PeriodState.objects.filter(last_computed_at__isnull=False)
        .order_by("-period")
        .values_list("period", "frozen_at")
    )


def load_page(
    section: Section,
    *,
    period: str,
    org_unit: OrgUnit,
    user,
    units: list[OrgUnit] | None = None,
    held: list[tuple[str, object]] | None = None,
    links: bool = True,
) -> PageData:
    """A section's figures for a month and org unit as `user` may see them (the page, its charts and the
    booklet read them so). `units` (every org unit, in tree order) and `held` (held_months()) may be passed
    when already read; `links=False` leaves every figure without its drill-down link (the booklet's files)."""
    units = _tree_order(list(OrgUnit.objects.all())) if units is None else units
    held = held_months() if held is None else held
    by_code = {u.code: u for u in units}
    periods = window(section, period)
    children = []
    if any(isinstance(t, Units) for t in section.tables) or any(
        isinstance(c, UnitsTrend) for c in section.charts
    ):
        children = sorted((u for u in units if u.parent_id == org_unit.pk), key=lambda u: u.name)
    states = {p: (f is None) for p, f in held}
    page = PageData(
        section=section,
        period=period,
        org_unit=org_unit,
        user=user,
        viewer=access.suppresses_small_counts(user),
        units=by_code,
        children=children,
        provisional={p: states.get(p) for p in periods},
        registry=load(),
        links=links,
    )
    page.months, _ = selectors.monthly(
        periods=periods,
        units=[org_unit, *children],
        user=user,
        measures=section.kpis,
        # Breakdowns are shown for the table months only, but for the parts a chart draws month by month.
        parts_periods=page.table_months,
        parts=section.series_parts,
    )
    return page
