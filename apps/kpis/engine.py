"""Building blocks for compute functions. A compute function receives a Ctx and returns Parts: numerator and
denominator per team and breakdown value, as one grouped database aggregation per figure
(`values(...).annotate(...)`); the snapshot service rolls teams up to services and the LA.

Periods are half-open: [first day, first day of next month). "Open at D" means start <= D and (no end or end
> D). Ages are whole years at the reference date; unborn = no date of birth or the date precedes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, ExtractDay, ExtractMonth, ExtractYear, Floor
from django.db.models.lookups import LessThanOrEqual

from apps.core.choices import ETHNICITY_GROUPS
from apps.core.periods import LONDON, Period

from .registry import Basis, Part

MONTHS_BACK = {Basis.MONTH: 1, Basis.R3M: 3, Basis.R12: 12, Basis.R36: 36}


class InList(Func):
    """`column IN (the values)`, bound on PostgreSQL as one array parameter (`= ANY(%s)`): a list of
    thousands of keys as separate parameters cost more in the driver's query splitting than in the database."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, expression, values):
        super().__init__(expression)
        self.values = list(values)

    def as_sql(self, compiler, connection, **extra):
        lhs, params = compiler.compile(self.source_expressions[0])
        if not self.values:
            return "1 = 0", params
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", (*params, self.values)
        return f"{lhs} IN ({', '.join(['%s'] * len(self.values))})", (*params, *self.values)


# Above this many remembered keys a population is selected again by each measure instead (SQLite binds at
# most 32,766 parameters in a statement).
MAX_REMEMBERED = 20_000


@dataclass(frozen=True)
class Ctx:
    period: Period
    # Values worked out once per run of a month and shared by the measures that need them (see remembered).
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    def remembered(self, key: str, qs):
        """`qs` narrowed to the primary keys it selects, worked out once for this month's run: when several
        measures count the same population (care leavers at the period end, say) and selecting it is the
        dear part, the measures stay separate grouped aggregations but stop repeating the selection."""
        if key not in self.memo:
            self.memo[key] = list(qs.values_list("pk", flat=True)[: MAX_REMEMBERED + 1])
        pks = self.memo[key]
        if len(pks) > MAX_REMEMBERED:
            return qs.model.objects.filter(pk__in=qs.values("pk"))
        return qs.model.objects.filter(InList(F("pk"), pks))

    @property
    def end(self) -> date:
        """The period's last day: stock measures are as at this day."""
        return self.period.end

    def window(self, basis: str) -> tuple[date, date]:
        """[start, end) dates of a flow basis."""
        if basis == Basis.YTD:
            return self.period.fy_start, self.period.next_start
        return (self.period - (MONTHS_BACK[basis] - 1)).start, self.period.next_start

    def dt_window(self, basis: str) -> tuple[datetime, datetime]:
        """[start, end) as Europe/London-aware datetimes, for date-time columns."""
        start, end = self.window(basis)
        return datetime.combine(start, time.min, tzinfo=LONDON), datetime.combine(
            end, time.min, tzinfo=LONDON
        )

    def in_window(self, field: str, basis: str, *, is_datetime: bool = False) -> Q:
        start, end = self.dt_window(basis) if is_datetime else self.window(basis)
        return Q(**{f"{field}__gte": start, f"{field}__lt": end})


class Unindexed(Func):
    """A column's value, kept from driving the query in SQLite (a unary plus: SQLite's documented way to
    disqualify an index). For reads of what is open at one date (today's case tracking), the few records
    not yet ended are found through the end date's index, not by walking every record started on or before
    the date, which SQLite's planner otherwise prefers. PostgreSQL's planner has the statistics to choose."""

    template = "%(expressions)s"

    def __init__(self, expression, output_field=None):
        super().__init__(expression, output_field=output_field or DateField())

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"+{sql}", params


def open_at(d, start: str = "start_date", end: str = "end_date", *, by_end: bool = False) -> Q:
    """Open at D: started on or before D and not ended on or before D. `by_end`: read through the end date
    (Unindexed start), for a recent D where few records are still open."""
    started = Q(**{f"{start}__lte": d})
    if by_end:
        started = Q(LessThanOrEqual(Unindexed(F(start)), d))
    return started & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": d}))


def annotate_team(qs, on, *, team_field: str | None = "team", child_field: str = "child"):
    """Annotate `_team`: the team recorded on the event when there is one, else the team holding the child's
    case (allocation open at `on`, a date or an expression such as F("referral_date"))."""
    from apps.workforce.models import Allocation

    on_expr = on if hasattr(on, "resolve_expression") else Value(on, output_field=DateField())
    qs = qs.annotate(_on=on_expr)
    allocated = Subquery(
        Allocation.objects.filter(child_id=OuterRef(f"{child_field}_id"), start_date__lte=OuterRef("_on"))
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=OuterRef("_on")))
        .order_by("-start_date", "-pk")
        .values("team_id")[:1]
    )
    expr = (
        Coalesce(F(f"{team_field}_id"), allocated, output_field=IntegerField()) if team_field else allocated
    )
    return qs.annotate(_team=expr)


def parts(
    qs,
    basis: str,
    *,
    num,
    den=None,
    dimension: str = "",
    breakdown=None,
    team: str = "_team",
) -> list[Part]:
    """Group `qs` by team (and breakdown) and return one Part per group. `num`/`den` are aggregates such as
    Count("pk", filter=Q(...)); den None means a plain count (no denominator)."""
    group = {"_t": F(team)}
    if breakdown is not None:
        group["_b"] = breakdown if hasattr(breakdown, "resolve_expression") else F(breakdown)
    aggregates = {"_n": num}
    if den is not None:
        aggregates["_d"] = den
    rows = qs.annotate(**group).values(*group).annotate(**aggregates).order_by()
    out = []
    for row in rows:
        out.append(
            Part(
                basis=basis,
                team_id=row["_t"],
                numerator=row["_n"] or 0,
                denominator=(row["_d"] or 0) if den is not None else None,
                dimension=dimension,
                breakdown="" if breakdown is None else _label(row["_b"]),
            )
        )
    return out


def _label(value) -> str:
    if value is None or value == "":
        return "not_recorded"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def days_between(start: str, end: str) -> ExpressionWrapper:
    """end - start of two date columns, as a duration the database can sum."""
    return ExpressionWrapper(F(end) - F(start), output_field=DurationField())


def _as_days(value) -> Decimal:
    """A summed duration (SQLite and PostgreSQL both hand back a timedelta; None for nothing) in days."""
    if isinstance(value, timedelta):
        return Decimal(value.days) + Decimal(value.seconds) / Decimal(86400)
    return Decimal(value or 0)


def mean_days_parts(qs, basis: str, duration, *, per: int = 1, team: str = "_team") -> list[Part]:
    """A mean length (Unit.MEAN): numerator = the summed duration in days (weeks with per=7), denominator =
    how many, so the mean rolls up from teams to services and the LA."""
    found = parts(qs, basis, num=Sum(duration), den=Count("pk"), team=team)
    return [replace(p, numerator=_as_days(p.numerator) / per) for p in found]


def whole_of(found: list[Part]) -> list[Part]:
    """The whole (dimension "") of one breakdown's parts, summed per basis and team. Exact because a
    breakdown puts every row in exactly one category (a NULL category is a group of its own, labelled
    not_recorded); it saves the database reading the same rows a second time for the whole."""
    return relabel(found, lambda _breakdown: "", dimension="")


def parts_and_whole(
    qs, basis: str, *, num, den=None, dimension: str, breakdown, team: str = "_team"
) -> list[Part]:
    """One grouped query by team and breakdown, returning the breakdown's parts and the whole from them."""
    by = parts(qs, basis, num=num, den=den, dimension=dimension, breakdown=breakdown, team=team)
    return whole_of(by) + by


def share_parts(qs, basis: str, *, dimension: str, breakdown, team: str = "_team") -> list[Part]:
    """A '% by category' measure: the whole (numerator = denominator = all rows) and one part per category
    whose denominator is left None: the snapshot service fills it with the whole's denominator at each org
    unit after rolling up, so every level's parts share its own total and their numerators sum to it."""
    by_cat = parts(qs, basis, num=Count("pk"), dimension=dimension, breakdown=breakdown, team=team)
    return share_whole(by_cat) + by_cat


def share_whole(found: list[Part]) -> list[Part]:
    """The whole of a share breakdown's counts: all rows, as numerator and denominator (100%)."""
    return [replace(p, denominator=p.numerator) for p in whole_of(found)]


def _yyyymmdd(expr):
    return ExtractYear(expr) * 10000 + ExtractMonth(expr) * 100 + ExtractDay(expr)


def age_at(dob: str, at):
    """Whole years between a date-of-birth column and a reference (a date or a column), in SQL that SQLite
    and PostgreSQL both run: (yyyymmdd(at) - yyyymmdd(dob)) div 10000 (birthdays fall out of the digit
    arithmetic). -1 when the reference precedes birth; null when there is no date of birth."""
    at_expr = at if hasattr(at, "resolve_expression") else Value(at, output_field=DateField())
    # Floor, then an integer cast: PostgreSQL's EXTRACT gives numeric (so "/" is not integer division) and
    # its numeric-to-integer cast rounds; the difference is never negative here (the Case handles that).
    years = Cast(Floor((_yyyymmdd(at_expr) - _yyyymmdd(F(dob))) / 10000), output_field=IntegerField())
    return Case(
        When(**{f"{dob}__isnull": True}, then=Value(None)),
        When(**{f"{dob}__gt": at_expr}, then=Value(-1)),
        default=years,
        output_field=IntegerField(),
    )


def annotate_age(qs, dob: str, at):
    """Annotate `_age` (whole years at `at`; -1 when `at` precedes birth; null without a date of birth)."""
    return qs.annotate(_age=age_at(dob, at))


def band(bands: list[tuple[str, int | None, int | None]], *, unborn: str | None = "unborn") -> Case:
    """A Case over the annotated `_age`: bands are (label, min age inclusive, max age inclusive or None).
    Unborn (no DOB, or the reference date precedes birth) gets its own label."""
    whens = []
    if unborn:
        whens.append(When(Q(_age__isnull=True) | Q(_age__lt=0), then=Value(unborn)))
    for label, lo, hi in bands:
        q = Q()
        if lo is not None:
            q &= Q(_age__gte=lo)
        if hi is not None:
            q &= Q(_age__lte=hi)
        whens.append(When(q, then=Value(label)))
    return Case(*whens, default=Value("other"), output_field=CharField())


def band_label(age, bands, unborn: str = "unborn") -> str:
    """The band of a whole-years age as band() would label it in SQL (None or negative = unborn)."""
    if age is None or age == "not_recorded" or int(age) < 0:
        return unborn
    age = int(age)
    for label, lo, hi in bands:
        if (lo is None or age >= lo) and (hi is None or age <= hi):
            return label
    return "other"


def relabel(found: list[Part], label, *, dimension: str | None = None) -> list[Part]:
    """Merge already-aggregated parts under new breakdown labels (e.g. exact ages -> age bands), optionally
    as another dimension (e.g. gender|age -> gender). This works on a handful of grouped rows, not on
    records: grouping by the raw age in SQL and banding afterwards keeps the age expression out of a
    many-branch CASE that SQL would evaluate once per branch per row, and one grouping by the finest
    breakdown serves the coarser ones without reading the rows again."""
    merged: dict[tuple, list] = {}
    for p in found:
        dim = p.dimension if dimension is None or not p.dimension else dimension
        key = (p.basis, p.team_id, dim, label(p.breakdown) if p.dimension else "")
        cell = merged.setdefault(key, [0, None if p.denominator is None else 0])
        cell[0] += p.numerator
        if p.denominator is not None:
            cell[1] += p.denominator
    return [Part(b, t, n, d, dim, bd) for (b, t, dim, bd), (n, d) in merged.items()]


AGE_BANDS_CONTACT = [("0-4", 0, 4), ("5-11", 5, 11), ("12-15", 12, 15), ("16-18", 16, 18), ("19-25", 19, 25)]
AGE_BANDS = [("0-4", 0, 4), ("5-9", 5, 9), ("10-15", 10, 15), ("16+", 16, None)]


def ethnicity_group(field: str = "child__ethnicity") -> Case:
    whens = [When(**{f"{field}__in": codes}, then=Value(group)) for group, codes in ETHNICITY_GROUPS.items()]
    return Case(*whens, default=Value("Missing"), output_field=CharField())


def gender(field: str = "child__sex") -> Case:
    return Case(
        When(**{field: "F"}, then=Value("female")),
        When(**{field: "M"}, then=Value("male")),
        When(**{field: "I"}, then=Value("indeterminate")),
        default=Value("unknown"),
        output_field=CharField(),
    )


__all__ = [
    "Ctx",
    "Exists",
    "age_at",
    "annotate_age",
    "annotate_team",
    "band",
    "ethnicity_group",
    "gender",
    "open_at",
    "parts",
    "parts_and_whole",
    "share_parts",
    "share_whole",
    "whole_of",
]
