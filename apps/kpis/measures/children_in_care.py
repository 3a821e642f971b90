"""Section 6: children in care (SSDA903 episodes), CiC reviews, health assessments, visits and missing episodes.

"Looked after at D" is a care episode open at D (start <= D < end), one per child (the latest-starting one if
a history overlaps), leaving out children looked after only under an agreed series of short breaks (V3, V4),
as the DfE does for its children-looked-after figures. An episode whose legal status is not recorded (blank)
is looked after like any other and is cla.legal_status's not_recorded part. A looked-after child is held by
the team recorded on the open episode, else the team holding the child's case (allocation) at the same date.

Calendar-month arithmetic ("within 3 months", "30 months") is done in SQL on a month key
(year * 12 + month) * 100 + day, so a date plus k months compares as key + 100 k (a day past the end of the
shorter month clamps, as relativedelta does); calendar-day differences use the Julian day number built from
year, month and day, which SQLite and PostgreSQL compute alike.
"""

from __future__ import annotations

import calendar as _calendar
from datetime import date, timedelta

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, ExtractDay, ExtractMonth, ExtractYear
from django.db.models.lookups import GreaterThan

from apps.care.choices import ADOPTION_PLACEMENTS
from apps.care.models import CareEpisode, CLAReview, HealthAssessment, MissingEpisode
from apps.core.workdays import working_day_ordinal, years_before
from apps.plans.models import Visit
from apps.workforce.models import Allocation

from ..engine import (
    AGE_BANDS,
    Ctx,
    annotate_age,
    annotate_team,
    band,
    ethnicity_group,
    gender,
    open_at,
)
from ..population import Dim, Kind, Population, population_measure
from ..registry import Basis, Unit
from .common import calendar, population
from .common import parameters as settings_of

S = "6"
M, YTD, R12, END = Basis.MONTH, Basis.YTD, Basis.R12, Basis.AT_END

SHORT_BREAKS = ("V3", "V4")
CLA_COLUMNS = ("period_of_care_start", "start_date", "placement_start", "legal_status", "placement_type")
CEASED_COLUMNS = ("period_of_care_start", "end_date", "reason_ceased")
FOSTERING = ["U1", "U2", "U3", "U4", "U5", "U6"]
KINSHIP = ["U1", "U2", "U3"]
OTHER_CARERS = ["U4", "U5", "U6"]
LONG_TERM_FOSTERING = ["U1", "U4"]
AGENCY = ["PR4", "PR5"]
RESIDENTIAL = ["K1", "K2", "K3", "R1", "S1"]
INDEPENDENCE = ["H5", "P2", "Z11", "Z12", "Z13", "Z14"]
REMAND_YOUTH = ["J1", "J2", "J3", "L2", "L3"]
ADOPTED = ["E11", "E12"]
SGO = ["E43", "E44", "E45", "E46", "E47", "E48"]
PARTICIPATED = ["PN1", "PN2", "PN3", "PN4", "PN5", "PN6"]


# --- parameters ------------------------------------------------------------------------------------------


# --- date arithmetic ---------------------------------------------------------------------------------------


def months_before(d: date, months: int) -> date:
    """The same day `months` calendar months earlier, clamped to the end of a shorter month."""
    index = d.year * 12 + d.month - 1 - months
    y, m = divmod(index, 12)
    return date(y, m + 1, min(d.day, _calendar.monthrange(y, m + 1)[1]))


def _ymd(expr):
    return (
        Cast(ExtractYear(expr), IntegerField()),
        Cast(ExtractMonth(expr), IntegerField()),
        Cast(ExtractDay(expr), IntegerField()),
    )


def month_key(expr) -> ExpressionWrapper:
    """(year * 12 + month) * 100 + day: a date plus k calendar months compares as key + 100 k."""
    y, m, d = _ymd(expr)
    return ExpressionWrapper((y * 12 + m) * 100 + d, output_field=IntegerField())


def months_between(a, b) -> ExpressionWrapper:
    """Whole calendar months from date a to date b."""
    y1, m1, d1 = _ymd(a)
    y2, m2, d2 = _ymd(b)
    short = Case(When(GreaterThan(d1, d2), then=Value(1)), default=Value(0), output_field=IntegerField())
    return ExpressionWrapper((y2 * 12 + m2) - (y1 * 12 + m1) - short, output_field=IntegerField())


def day_number(expr) -> ExpressionWrapper:
    """The Julian day number of a date column or expression (integer arithmetic only)."""
    y, m, d = _ymd(expr)
    a = (Value(14) - m) / Value(12)
    yy = y + Value(4800) - a
    mm = m + Value(12) * a - Value(3)
    jdn = d + (Value(153) * mm + Value(2)) / Value(5) + Value(365) * yy + yy / Value(4)
    jdn = jdn - yy / Value(100) + yy / Value(400) - Value(32045)
    return ExpressionWrapper(jdn, output_field=IntegerField())


def jdn(d: date) -> int:
    return d.toordinal() + 1721425


# --- populations ---------------------------------------------------------------------------------------


def looked_after_at(d: date, *, by_end: bool = False):
    """Care episodes open at D, one per child, short-break-only children left out. `by_end`: read through
    the end date (engine.open_at)."""
    later_open = CareEpisode.objects.filter(
        open_at(d), child_id=OuterRef("child_id"), start_date__gt=OuterRef("start_date")
    )
    return (
        CareEpisode.objects.filter(open_at(d, by_end=by_end))
        .exclude(legal_status__in=SHORT_BREAKS)
        .filter(~Exists(later_open))
    )


def looked_after(ctx: Ctx):
    """Children looked after at the period end, each with its team (`_team`). About twenty measures count
    this population, so its selection is made once for the month and shared (Ctx.remembered)."""
    return annotate_team(ctx.remembered("cla.looked_after", looked_after_at(ctx.end)), ctx.end)


def allocated_team(on: str, *, last_day: bool = False) -> Subquery:
    """The team holding the child's case on the outer row's date column `on` (the day before it when
    last_day: a child's last day in care is the day before the episode's end date)."""
    qs = Allocation.objects.filter(child_id=OuterRef("child_id"))
    if last_day:
        qs = qs.filter(start_date__lt=OuterRef(on)).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=OuterRef(on))
        )
    else:
        qs = qs.filter(start_date__lte=OuterRef(on)).filter(
            Q(end_date__isnull=True) | Q(end_date__gt=OuterRef(on))
        )
    return Subquery(qs.order_by("-start_date", "-pk").values("team_id")[:1])


def care_team_on(qs, on: str):
    """Annotate `_team` on a child-level event: the team on the care episode open at the event's date, else
    the allocation at that date."""
    episode_team = Subquery(
        CareEpisode.objects.filter(child_id=OuterRef("child_id"), start_date__lte=OuterRef(on))
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=OuterRef(on)))
        .exclude(team=None)
        .order_by("-start_date")
        .values("team_id")[:1]
    )
    return qs.annotate(_team=Coalesce(episode_team, allocated_team(on), output_field=IntegerField()))


def window_episodes(ctx: Ctx, basis: str = R12):
    """The outer row's child's episodes open at any time in the basis window."""
    start, end = ctx.window(basis)
    return CareEpisode.objects.filter(child_id=OuterRef("child_id"), start_date__lt=end).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=start)
    )


def placements_count(episodes) -> Coalesce:
    """Distinct placements (placement_start values) among a correlated episode queryset."""
    counted = (
        episodes.order_by()
        .values("child_id")
        .annotate(_c=Count("placement_start", distinct=True))
        .values("_c")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def nth_placement_start(episodes, n: int) -> Subquery:
    """The start of the n-th (1-based) distinct placement among a correlated episode queryset."""
    starts = episodes.order_by("placement_start").values("placement_start").distinct()
    return Subquery(starts[n - 1 : n])


def with_r12_placements(ctx: Ctx):
    """Looked after at period end, annotated `_n`: placements open at any time in the 12 months to the end."""
    return looked_after(ctx).annotate(_n=placements_count(window_episodes(ctx, R12)))


# --- groupings -------------------------------------------------------------------------------------------


def legal_status_group() -> Case:
    return Case(
        When(legal_status="E1", placement_type__in=ADOPTION_PLACEMENTS, then=Value("E1_adoptive")),
        When(legal_status="E1", then=Value("E1_other")),
        When(legal_status__in=["C1", "C2", "V2", "L1"], then=F("legal_status")),
        When(legal_status__in=REMAND_YOUTH, then=Value("remand_youth")),
        When(legal_status="", then=Value("not_recorded")),
        default=Value("other"),
        output_field=CharField(),
    )


def placement_type_group(prefix: str = "") -> Case:
    """The catalogue's placement groups. Fostering: kinship/connected = U1-U3 with the LA's own or another
    public provider; in-house = U4-U6 provided by the LA (PR1); IFA = U1-U6 with a private or voluntary
    provider (PR4, PR5); U4-U6 with another LA or public provider fall in "other"."""
    t, p = f"{prefix}placement_type", f"{prefix}placement_provider"
    return Case(
        When(**{f"{t}__in": FOSTERING, f"{p}__in": AGENCY}, then=Value("ifa_fostering")),
        When(**{f"{t}__in": KINSHIP}, then=Value("kinship_fostering")),
        When(**{f"{t}__in": OTHER_CARERS, p: "PR1"}, then=Value("in_house_fostering")),
        When(**{f"{t}__in": RESIDENTIAL}, then=Value("residential")),
        When(**{f"{t}__in": ADOPTION_PLACEMENTS}, then=Value("placed_for_adoption")),
        When(**{t: "P1"}, then=Value("placed_with_parents")),
        When(**{f"{t}__in": INDEPENDENCE}, then=Value("independence")),
        When(**{t: ""}, then=Value("not_recorded")),
        default=Value("other"),
        output_field=CharField(),
    )


# --- the stock at period end -----------------------------------------------------------------------------


@population_measure(
    "cla.count",
    "Children in care",
    S,
    Unit.COUNT,
    "none",
    [END],
    definition="children looked after at period end (a care episode open at the period end; children looked "
    "after only under a series of short breaks, V3/V4, are left out as in the DfE figures, for every "
    "children-in-care measure; an episode whose legal status is not recorded (blank) counts)",
)
def cla_count(ctx, basis):
    return Population(looked_after(ctx), columns=CLA_COLUMNS)


@population_measure(
    "cla.count_rate",
    "Children in care per 10,000 children",
    S,
    Unit.RATE,
    "none",
    [END],
    la_only=True,
    definition="children looked after at period end / population aged 0-17 of the financial year x 10,000",
)
def cla_count_rate(ctx, basis):
    qs = annotate_team(looked_after_at(ctx.end), ctx.end)
    return Population(qs, Kind.RATE, rate_denominator=lambda: population(ctx), columns=CLA_COLUMNS)


@population_measure(
    "cla.legal_status",
    "Legal status",
    S,
    Unit.PERCENT,
    "none",
    [END],
    breakdowns=("legal_status",),
    definition="looked after at period end (as cla.count) by the legal status of the open episode / looked "
    "after: C1 interim care order, C2 full care order, V2 section 20, E1_adoptive placement order in an "
    "adoptive placement (A3-A6), E1_other placement order awaiting placement, L1 police protection, "
    "remand_youth (J1-J3, L2, L3), not_recorded (legal status blank: the booklet's 'legal status has not "
    "been recorded'), other (D1 freeing order); the parts sum to the children looked after",
)
def cla_legal_status(ctx, basis):
    dims = {"legal_status": Dim(legal_status_group())}
    return Population(looked_after(ctx), Kind.SHARE, dims=dims, columns=CLA_COLUMNS)


@population_measure(
    "cla.ni62",
    "Three or more placements in 12 months (former NI62)",
    S,
    Unit.PERCENT,
    "down",
    [R12],
    definition="children looked after at period end with 3 or more placements open at any time in the 12 months "
    "to the period end / children looked after at period end. A placement is a run of consecutive episodes "
    "joined while the reason for new episode is L (legal status change only); S, P, T, B, U start a new one",
)
def cla_ni62(ctx, basis):
    qs = with_r12_placements(ctx)
    return Population(qs, Kind.RATIO, num=Q(_n__gte=3), columns=(*CLA_COLUMNS, "_n"))


@population_measure(
    "cla.ni63",
    "Long-term placement stability (former NI63)",
    S,
    Unit.PERCENT,
    "up",
    [END],
    definition="children looked after at period end, aged under 16, whose period of care began at least 30 "
    "calendar months before the period end; numerator: in the current placement for at least 2 years (it began "
    "on or before the same date 2 years earlier), or placed for adoption (A3-A6) with the placement before "
    "(in the same period of care) beginning on or before that date. No date of birth: not counted",
)
def cla_ni63(ctx, basis):
    two_years = years_before(ctx.end, 2)
    previous_start = Subquery(
        CareEpisode.objects.filter(
            child_id=OuterRef("child_id"),
            start_date__lt=OuterRef("placement_start"),
            period_of_care_start=OuterRef("period_of_care_start"),
        )
        .order_by("-start_date")
        .values("placement_start")[:1]
    )
    qs = annotate_age(looked_after(ctx), "child__date_of_birth", ctx.end).filter(
        _age__gte=0, _age__lt=16, period_of_care_start__lte=months_before(ctx.end, 30)
    )
    qs = qs.annotate(_prev=previous_start)
    stable = Q(placement_start__lte=two_years) | Q(
        placement_type__in=ADOPTION_PLACEMENTS, _prev__lte=two_years
    )
    return Population(
        qs, Kind.RATIO, num=stable, columns=(*CLA_COLUMNS, "_age", ("_prev", "Previous placement start"))
    )


@population_measure(
    "cla.iha_20wd",
    "Initial health assessment within 20 working days",
    S,
    Unit.PERCENT,
    "up",
    [END],
    params={"iha_working_days": 20},
    definition="children looked after at period end whose initial health assessment (in the current period of "
    "care, completed by the period end) was within 20 working days of the start of the period of care / "
    "children looked after at period end whose period of care began more than 20 working days before the "
    "period end (the 20 is a setting)",
)
def cla_iha_20wd(ctx, basis):
    limit = settings_of("cla.iha_20wd")["iha_working_days"]
    qs = looked_after(ctx).annotate(_poc_ord=calendar("ordinal", OuterRef("period_of_care_start")))
    qs = qs.filter(_poc_ord__lt=working_day_ordinal(ctx.end) - limit)
    done = HealthAssessment.objects.filter(
        child_id=OuterRef("child_id"),
        kind="initial",
        completed_date__gte=OuterRef("period_of_care_start"),
        completed_date__lte=ctx.end,
        working_days_from_care_start__lte=limit,
    )
    qs = qs.annotate(_iha=Exists(done))
    return Population(qs, Kind.RATIO, num=Q(_iha=True), columns=CLA_COLUMNS)


@population_measure(
    "cla.visits_in_time",
    "Social work visits in time",
    S,
    Unit.PERCENT,
    "up",
    [END],
    params={"first_visit_days": 7, "visit_interval_days": 42, "long_term_interval_months": 3},
    definition="children looked after at period end with no statutory visit overdue / looked after at period "
    "end. In time: the current placement began no more than 7 days before the period end (first visit not "
    "yet due), or a CLA visit (child not recorded as unseen) since the placement began and within 42 days "
    "before the period end, or - long-term fostering (U1, U4) in place for a year or more - within 3 "
    "calendar months. The intervals are settings",
)
def cla_visits_in_time(ctx, basis):
    p = settings_of("cla.visits_in_time")
    first, interval, long_term = (
        p["first_visit_days"],
        p["visit_interval_days"],
        p["long_term_interval_months"],
    )
    last_visit = Subquery(
        Visit.objects.filter(
            child_id=OuterRef("child_id"),
            kind="cla",
            visit_date__lte=ctx.end,
            visit_date__gte=OuterRef("placement_start"),
        )
        .exclude(seen=False)
        .order_by("-visit_date")
        .values("visit_date")[:1]
    )
    qs = looked_after(ctx).annotate(_lv=last_visit)
    in_time = (
        Q(placement_start__gte=ctx.end - timedelta(days=first))
        | Q(_lv__gte=ctx.end - timedelta(days=interval))
        | Q(
            placement_type__in=LONG_TERM_FOSTERING,
            placement_start__lte=years_before(ctx.end, 1),
            _lv__gte=months_before(ctx.end, long_term),
        )
    )
    return Population(qs, Kind.RATIO, num=in_time, columns=(*CLA_COLUMNS, "_lv"))


@population_measure(
    "cla.gender",
    "Children in care by gender",
    S,
    Unit.PERCENT,
    "none",
    [END],
    breakdowns=("gender",),
    definition="looked after at period end by gender / looked after",
)
def cla_gender(ctx, basis):
    return Population(looked_after(ctx), Kind.SHARE, dims={"gender": Dim(gender())}, columns=CLA_COLUMNS)


@population_measure(
    "cla.gender_ratio",
    "Children in care: ratio of boys to girls",
    S,
    Unit.RATIO,
    "none",
    [END],
    definition="looked after at period end: male / female (the M:F ratio, e.g. 1.56 means 1.56:1)",
)
def cla_gender_ratio(ctx, basis):
    boys, girls = Q(child__sex="M"), Q(child__sex="F")
    return Population(
        looked_after(ctx), Kind.RATIO, num=boys, den=girls, columns=(*CLA_COLUMNS, "child__sex")
    )


@population_measure(
    "cla.ethnicity",
    "Children in care by ethnicity",
    S,
    Unit.PERCENT,
    "none",
    [END],
    breakdowns=("ethnicity",),
    definition="looked after at period end by ethnicity group / looked after",
)
def cla_ethnicity(ctx, basis):
    dims = {"ethnicity": Dim(ethnicity_group())}
    return Population(looked_after(ctx), Kind.SHARE, dims=dims, columns=(*CLA_COLUMNS, "child__ethnicity"))


@population_measure(
    "cla.age",
    "Children in care by age",
    S,
    Unit.PERCENT,
    "none",
    [END],
    breakdowns=("age_band",),
    definition="looked after at period end by age band at the period end (unborn/no date of birth, 0-4, 5-9, "
    "10-15, 16+) / looked after",
)
def cla_age(ctx, basis):
    qs = annotate_age(looked_after(ctx), "child__date_of_birth", ctx.end)
    return Population(qs, Kind.SHARE, dims={"age_band": Dim(band(AGE_BANDS))}, columns=(*CLA_COLUMNS, "_age"))


@population_measure(
    "cla.time_in_care",
    "Time in care",
    S,
    Unit.PERCENT,
    "none",
    [END],
    breakdowns=("months",),
    definition="looked after at period end by length of the current period of care in calendar months: 0-6 "
    "(under 6), 6-12, 12-18, 18-24, 24+ (a band's lower bound inclusive: exactly 6 months is 6-12) / looked "
    "after",
)
def cla_time_in_care(ctx, basis):
    e = ctx.end
    poc = "period_of_care_start"
    bands = Case(
        When(**{f"{poc}__isnull": True}, then=Value("not_recorded")),
        When(**{f"{poc}__gt": months_before(e, 6)}, then=Value("0-6")),
        When(**{f"{poc}__gt": months_before(e, 12)}, then=Value("6-12")),
        When(**{f"{poc}__gt": months_before(e, 18)}, then=Value("12-18")),
        When(**{f"{poc}__gt": months_before(e, 24)}, then=Value("18-24")),
        default=Value("24+"),
        output_field=CharField(),
    )
    return Population(looked_after(ctx), Kind.SHARE, dims={"months": Dim(bands)}, columns=CLA_COLUMNS)


@population_measure(
    "cla.caseholding",
    "Caseholding service",
    S,
    Unit.PERCENT,
    "none",
    [END],
    breakdowns=("service",),
    definition="looked after at period end by the service (code) of the team the case is allocated to at the "
    "period end / looked after; held by the allocated team (not_recorded: not allocated)",
)
def cla_caseholding(ctx, basis):
    from apps.core.models import OrgUnit

    qs = annotate_team(looked_after_at(ctx.end), ctx.end, team_field=None)
    service = Subquery(OrgUnit.objects.filter(pk=OuterRef("_team")).values("parent__code")[:1])
    return Population(qs, Kind.SHARE, dims={"service": Dim(service)}, columns=CLA_COLUMNS)


@population_measure(
    "cla.placement_location",
    "Placement location",
    S,
    Unit.PERCENT,
    "none",
    [END],
    breakdowns=("location",),
    definition="looked after at period end placed inside / outside the LA boundary (not_recorded: blank) / "
    "looked after",
)
def cla_placement_location(ctx, basis):
    where = Case(
        When(placement_inside_la=True, then=Value("inside")),
        When(placement_inside_la=False, then=Value("outside")),
        default=Value("not_recorded"),
        output_field=CharField(),
    )
    dims = {"location": Dim(where)}
    return Population(looked_after(ctx), Kind.SHARE, dims=dims, columns=(*CLA_COLUMNS, "placement_inside_la"))


@population_measure(
    "cla.placement_type",
    "Placement type",
    S,
    Unit.PERCENT,
    "none",
    [END],
    breakdowns=("placement_group",),
    definition="looked after at period end by placement group / looked after: in_house_fostering (U4-U6, PR1), "
    "kinship_fostering (U1-U3, not PR4/PR5), ifa_fostering (U1-U6 with PR4/PR5), residential (K1, K2, K3, R1, "
    "S1), placed_for_adoption (A3-A6), placed_with_parents (P1), independence (H5, P2, Z11-Z14), other, "
    "not_recorded",
)
def cla_placement_type(ctx, basis):
    dims = {"placement_group": Dim(placement_type_group())}
    return Population(looked_after(ctx), Kind.SHARE, dims=dims, columns=(*CLA_COLUMNS, "placement_provider"))


# --- leaving care in the year ----------------------------------------------------------------------------


def _ceasing(qs):
    """Episodes that end a period of care: reason ceased not X1 and no episode of the child starting the day
    it ended."""
    continued = CareEpisode.objects.filter(child_id=OuterRef("child_id"), start_date=OuterRef("end_date"))
    return qs.filter(end_date__isnull=False).exclude(reason_ceased="X1").filter(~Exists(continued))


def ceased_care(ctx: Ctx, basis: str):
    """Children ceasing care in the window, once each (their last ceasing episode in it), with `_team`: the
    episode's team, else the allocation on the child's last day in care."""
    start, end = ctx.window(basis)
    later = _ceasing(
        CareEpisode.objects.filter(
            child_id=OuterRef("child_id"), end_date__gt=OuterRef("end_date"), end_date__lt=end
        )
    )
    qs = _ceasing(CareEpisode.objects.filter(end_date__gte=start, end_date__lt=end)).filter(~Exists(later))
    return qs.annotate(
        _team=Coalesce(F("team_id"), allocated_team("end_date", last_day=True), output_field=IntegerField())
    )


@population_measure(
    "cla.adopted_ytd",
    "Adopted from care in the year",
    S,
    Unit.PERCENT,
    "up",
    [YTD],
    definition="children ceasing care in the financial year to date by adoption (reason ceased E11, E12) / "
    "children ceasing care in the year (an episode ending with a reason other than X1 and no episode "
    "following on the same day; a child counted once, by their last such episode)",
)
def cla_adopted_ytd(ctx, basis):
    qs = ceased_care(ctx, basis)
    return Population(qs, Kind.RATIO, num=Q(reason_ceased__in=ADOPTED), columns=CEASED_COLUMNS)


@population_measure(
    "cla.sgo_ytd",
    "Special guardianship orders in the year",
    S,
    Unit.PERCENT,
    "up",
    [YTD],
    definition="children ceasing care in the financial year to date by special guardianship order (reason "
    "ceased E43, E44, E45, E46, E47, E48 - every SGO code of the code years read; E41 is a residence / child "
    "arrangements order, not an SGO) / children ceasing care in the year (as cla.adopted_ytd)",
)
def cla_sgo_ytd(ctx, basis):
    qs = ceased_care(ctx, basis)
    return Population(qs, Kind.RATIO, num=Q(reason_ceased__in=SGO), columns=CEASED_COLUMNS)


# --- reviews ---------------------------------------------------------------------------------------------


@population_measure(
    "cla.review_participation",
    "Participation in CiC reviews",
    S,
    Unit.PERCENT,
    "up",
    [R12],
    definition="CiC reviews in the 12 months to the period end of children aged 4 or over at the review date "
    "with participation PN1-PN6 / those with participation PN1-PN7",
)
def cla_review_participation(ctx, basis):
    qs = CLAReview.objects.filter(ctx.in_window("review_date", R12))
    qs = annotate_age(care_team_on(qs, "review_date"), "child__date_of_birth", F("review_date")).filter(
        _age__gte=4
    )
    took_part, recorded = Q(participation__in=PARTICIPATED), Q(participation__in=[*PARTICIPATED, "PN7"])
    return Population(
        qs, Kind.RATIO, num=took_part, den=recorded, columns=("review_date", "participation", "_age")
    )


@population_measure(
    "cla.reviews_in_time",
    "CiC reviews in time",
    S,
    Unit.PERCENT,
    "up",
    [M],
    params={"first_review_working_days": 20, "second_review_months": 3, "later_review_months": 6},
    definition="CiC reviews in the period held in time / reviews in the period of a child with a care episode "
    "starting on or before the review. The first review of the period of care within 20 working days of its "
    "start; the second within 3 calendar months of the first; later ones within 6 calendar months of the "
    "previous (a date k months on, clamped to a shorter month's end). The limits are settings",
)
def cla_reviews_in_time(ctx, basis):
    p = settings_of("cla.reviews_in_time")
    first_wd, second, later = (
        p["first_review_working_days"],
        p["second_review_months"],
        p["later_review_months"],
    )
    poc = Subquery(
        CareEpisode.objects.filter(child_id=OuterRef("child_id"), start_date__lte=OuterRef("review_date"))
        .order_by("-start_date")
        .values("period_of_care_start")[:1]
    )
    qs = (
        CLAReview.objects.filter(ctx.in_window("review_date", M))
        .annotate(_poc=poc)
        .filter(_poc__isnull=False)
    )
    earlier = CLAReview.objects.filter(
        child_id=OuterRef("child_id"),
        review_date__lt=OuterRef("review_date"),
        review_date__gte=OuterRef("_poc"),
    )
    qs = qs.annotate(
        _k=Coalesce(
            Subquery(
                earlier.order_by().values("child_id").annotate(c=Count("pk")).values("c"),
                output_field=IntegerField(),
            ),
            Value(0),
        ),
        _prev=Subquery(earlier.order_by("-review_date").values("review_date")[:1]),
        _wd=ExpressionWrapper(
            calendar("ordinal", OuterRef("review_date")) - calendar("ordinal", OuterRef("_poc")),
            output_field=IntegerField(),
        ),
        _rk=month_key(F("review_date")),
        _pk=month_key(F("_prev")),
    )
    in_time = (
        Q(_k=0, _wd__lte=first_wd)
        | Q(_k=1, _rk__lte=F("_pk") + second * 100)
        | Q(_k__gte=2, _rk__lte=F("_pk") + later * 100)
    )
    qs = care_team_on(qs, "review_date")
    return Population(
        qs,
        Kind.RATIO,
        num=in_time,
        columns=("review_date", "participation", "_poc", ("_prev", "Previous review"), "_k"),
    )


# --- missing from home and care --------------------------------------------------------------------------

MISSING_DIMENSIONS = ("source", "kind", "kind_source")
FROM_RULE = (
    "from care / from home: the episode's recorded from_care flag, else whether the child was looked after "
    "(an open care episode other than V3/V4 short breaks, as for every children-in-care measure) on the day "
    "it started; team at the episode's start"
)


def missing(ctx: Ctx, field: str, basis: str):
    """Missing and absent episodes with `field` in the window (both kinds count, as the booklet's do),
    annotated `_from` (from_care / from_home: the recorded flag, else whether the child was looked after when
    the episode started) and `_team` (at the episode's start)."""
    in_care = (
        CareEpisode.objects.filter(child_id=OuterRef("child_id"), start_date__lte=OuterRef("start_date"))
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=OuterRef("start_date")))
        .exclude(legal_status__in=SHORT_BREAKS)
    )
    source = Case(
        When(from_care=True, then=Value("from_care")),
        When(from_care=False, then=Value("from_home")),
        When(Exists(in_care), then=Value("from_care")),
        default=Value("from_home"),
        output_field=CharField(),
    )
    qs = MissingEpisode.objects.filter(ctx.in_window(field, basis)).annotate(_from=source)
    return care_team_on(qs, "start_date")


def by_kind_and_source() -> dict[str, Dim]:
    """One grouping by kind x source, giving the whole, the source split (from_home / from_care), the kind
    split (missing / absent) and the kind x source cells ("missing|from_care"): each sums to the whole."""
    cells = Concat(F("kind"), Value("|"), F("_from"), output_field=CharField())
    return {
        "kind_source": Dim(cells),
        "source": Dim(of="kind_source", label=lambda b: b.partition("|")[2]),
        "kind": Dim(of="kind_source", label=lambda b: b.partition("|")[0]),
    }


MISSING_COLUMNS = ("start_date", "end_date", "kind", "_from")


@population_measure(
    "mis.episodes",
    "Missing episodes",
    S,
    Unit.COUNT,
    "down",
    [M],
    breakdowns=MISSING_DIMENSIONS,
    definition="missing and absent episodes (both kinds, as the booklet's figures count them) starting in the "
    "period; split from home / from care, by kind (missing / absent) and by kind x source. " + FROM_RULE,
)
def mis_episodes(ctx, basis):
    return Population(missing(ctx, "start_date", basis), dims=by_kind_and_source(), columns=MISSING_COLUMNS)


@population_measure(
    "mis.mean_length",
    "Average length of missing episode",
    S,
    Unit.MEAN,
    "down",
    [M],
    breakdowns=MISSING_DIMENSIONS,
    definition="mean calendar days (end date - start date) of missing and absent episodes (both kinds, as "
    "mis.episodes) ending in the period, overall, from home / from care, by kind and by kind x source. "
    + FROM_RULE,
)
def mis_mean_length(ctx, basis):
    days = ExpressionWrapper(
        day_number(F("end_date")) - day_number(F("start_date")), output_field=IntegerField()
    )
    return Population(
        missing(ctx, "end_date", basis),
        Kind.MEAN,
        duration=days,
        dims=by_kind_and_source(),
        columns=(*MISSING_COLUMNS, "_days"),
    )


@population_measure(
    "mis.return_interview",
    "Return interviews offered",
    S,
    Unit.PERCENT,
    "up",
    [M],
    breakdowns=MISSING_DIMENSIONS,
    definition="missing and absent episodes (both kinds, as mis.episodes) ending in the period where a return "
    "interview was offered / those episodes ending in the period; from home / from care, by kind and by kind "
    "x source (acceptance: mis.return_interview_accepted). " + FROM_RULE,
)
def mis_return_interview(ctx, basis):
    qs = missing(ctx, "end_date", basis)
    offered = Q(return_interview_offered=True)
    columns = (*MISSING_COLUMNS, "return_interview_offered")
    return Population(qs, Kind.RATIO, num=offered, dims=by_kind_and_source(), columns=columns)


@population_measure(
    "mis.return_interview_accepted",
    "Return interviews accepted",
    S,
    Unit.PERCENT,
    "up",
    [M],
    breakdowns=MISSING_DIMENSIONS,
    definition="missing and absent episodes (both kinds) ending in the period where the offered return "
    "interview was accepted / those ending in the period where one was offered; from home / from care, by "
    "kind and by kind x source. " + FROM_RULE,
)
def mis_return_interview_accepted(ctx, basis):
    qs = missing(ctx, "end_date", basis).filter(return_interview_offered=True)
    accepted = Q(return_interview_accepted=True)
    columns = (*MISSING_COLUMNS, "return_interview_accepted")
    return Population(qs, Kind.RATIO, num=accepted, dims=by_kind_and_source(), columns=columns)


__all__ = [
    "care_team_on",
    "day_number",
    "jdn",
    "legal_status_group",
    "looked_after",
    "looked_after_at",
    "months_between",
    "months_before",
    "nth_placement_start",
    "placement_type_group",
    "placements_count",
    "window_episodes",
    "with_r12_placements",
]
