"""Section 5: children in need and child protection (CIN plans, CP plans, visits, review conferences,
children's participation in conferences and escalations between plans)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import (
    Case,
    Count,
    DurationField,
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
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear, NullIf

from apps.assessments.models import Conference
from apps.care.models import CareEpisode
from apps.core.models import WorkingDay
from apps.plans.models import CINPlan, CPPlan, Visit

from ..engine import Ctx, annotate_team, open_at, parts_and_whole
from ..population import Dim, Kind, Population, population_measure
from ..registry import Basis, Unit, measure
from .common import calendar, population
from .common import parameter as measure_parameter

S = "5"
M, R12, END = Basis.MONTH, Basis.R12, Basis.AT_END
VISIT_STANDARD = "visit_standard_wd"
CIN_VISIT_DEFAULT, CP_VISIT_DEFAULT = 20, 10


def one_per_child(model, d, *, by_end: bool = False):
    """Plans open at D, one per child: when a child has overlapping plans (a recording error) the latest
    started (then highest pk) stands for the child, so children are not counted twice. `by_end`: read
    through the end date (engine.open_at)."""
    later = model.objects.filter(open_at(d), child_id=OuterRef("child_id")).filter(
        Q(start_date__gt=OuterRef("start_date")) | Q(start_date=OuterRef("start_date"), pk__gt=OuterRef("pk"))
    )
    return model.objects.filter(open_at(d, by_end=by_end)).exclude(Exists(later))


def open_plans(model, ctx: Ctx):
    return annotate_team(one_per_child(model, ctx.end), ctx.end)


def earliest_in_time(d, n: int) -> Subquery:
    """The earliest date V with working days (V, D] <= n: the working day whose ordinal is ordinal(D) - n
    (every earlier date has a smaller ordinal; a weekend after it shares its ordinal)."""
    end_ordinal = Subquery(WorkingDay.objects.filter(date=d).values("ordinal")[:1])
    return Subquery(WorkingDay.objects.filter(is_working=True, ordinal=end_ordinal - n).values("date")[:1])


def visited_in_time(kind: str, d, n: int) -> Exists:
    """The child's last visit of this kind on or before D is within n working days of D (no visit: not in
    time). A visit recorded as "child not seen" does not count; a blank "seen" counts as a visit."""
    return Exists(
        Visit.objects.filter(
            child_id=OuterRef("child_id"),
            kind=kind,
            visit_date__lte=d,
            visit_date__gte=earliest_in_time(d, n),
        ).exclude(seen=False)
    )


def last_visit(kind: str, d) -> Subquery:
    """The date of the child's last visit of this kind on or before D (shown by the drill-down)."""
    visits = Visit.objects.filter(child_id=OuterRef("child_id"), kind=kind, visit_date__lte=d).exclude(
        seen=False
    )
    return Subquery(visits.order_by("-visit_date").values("visit_date")[:1])


def visits_population(ctx: Ctx, model, kind: str, code: str, default: int) -> Population:
    n = measure_parameter(code, VISIT_STANDARD, default)
    qs = open_plans(model, ctx).annotate(_in_time=visited_in_time(kind, ctx.end, n))
    qs = qs.annotate(_last_visit=last_visit(kind, ctx.end))
    return Population(qs, Kind.RATIO, num=Q(_in_time=True), columns=("start_date", "_last_visit"))


# --- CIN plans ---------------------------------------------------------------------------------------------


@population_measure(
    "cin.open_plans",
    "Children on a CIN plan",
    S,
    Unit.COUNT,
    "none",
    [END],
    definition="children with a CIN plan open at period end (one per child); the team on the plan, else the "
    "team holding the case at period end. Rate per 10,000: cin.open_plans_rate",
)
def cin_open_plans(ctx, basis):
    return Population(open_plans(CINPlan, ctx), columns=("plan_id", "start_date", "end_date"))


@population_measure(
    "cin.open_plans_rate",
    "Children on a CIN plan per 10,000 children",
    S,
    Unit.RATE,
    "none",
    [END],
    la_only=True,
    definition="children on a CIN plan at period end / population aged 0-17 x 10,000",
)
def cin_open_plans_rate(ctx, basis):
    return Population(
        open_plans(CINPlan, ctx),
        Kind.RATE,
        rate_denominator=lambda: population(ctx),
        columns=("plan_id", "start_date", "end_date"),
    )


@population_measure(
    "cin.visits_in_time",
    "CIN visits in timescale",
    S,
    Unit.PERCENT,
    "up",
    [END],
    params={VISIT_STANDARD: CIN_VISIT_DEFAULT},
    definition="children on a CIN plan at period end whose last CIN visit on or before period end is within the "
    "LA standard (default 20 working days, MeasureSetting parameter visit_standard_wd) of period end / "
    "children on a CIN plan; no visit = not in time; a visit recorded as child not seen does not count",
)
def cin_visits_in_time(ctx, basis):
    return visits_population(ctx, CINPlan, "cin", "cin.visits_in_time", CIN_VISIT_DEFAULT)


# --- CP plans ----------------------------------------------------------------------------------------------


@population_measure(
    "cp.open_plans",
    "Children subject to a CP plan",
    S,
    Unit.COUNT,
    "none",
    [END],
    definition="children with a CP plan open at period end (one per child); the team on the plan, else the "
    "team holding the case at period end. Rate per 10,000: cp.open_plans_rate",
)
def cp_open_plans(ctx, basis):
    return Population(open_plans(CPPlan, ctx), columns=("plan_id", "start_date", "end_date"))


@population_measure(
    "cp.open_plans_rate",
    "Children subject to a CP plan per 10,000 children",
    S,
    Unit.RATE,
    "none",
    [END],
    la_only=True,
    definition="children on a CP plan at period end / population aged 0-17 x 10,000",
)
def cp_open_plans_rate(ctx, basis):
    return Population(
        open_plans(CPPlan, ctx),
        Kind.RATE,
        rate_denominator=lambda: population(ctx),
        columns=("plan_id", "start_date", "end_date"),
    )


def latest_category():
    """The latest category of abuse; when it is blank, the initial one (the latest known)."""
    return Coalesce(NullIf(F("latest_category"), Value("")), NullIf(F("initial_category"), Value("")))


@population_measure(
    "cp.category",
    "CP plans by category of abuse",
    S,
    Unit.PERCENT,
    "none",
    [END],
    breakdowns=("category",),
    definition="children on a CP plan at period end by latest category of abuse (NEG neglect, EMO emotional, "
    "PHY physical, SAB sexual, MUL multiple; the initial category when no latest is recorded; else "
    "not_recorded) / children on a CP plan",
)
def cp_category(ctx, basis):
    return Population(
        open_plans(CPPlan, ctx),
        Kind.SHARE,
        dims={"category": Dim(latest_category())},
        columns=("start_date", "initial_category", "latest_category"),
    )


def plans_starting(ctx: Ctx, basis: str):
    return annotate_team(CPPlan.objects.filter(ctx.in_window("start_date", basis)), F("start_date"))


@population_measure(
    "cp.new_plans",
    "New CP plans",
    S,
    Unit.COUNT,
    "none",
    [M],
    definition="CP plans starting in period",
)
def cp_new_plans(ctx, basis):
    return Population(plans_starting(ctx, basis), columns=("plan_id", "start_date", "end_date"))


def previous_plan(*, within_two_years: bool) -> Exists:
    """A plan of the same child that started before this one; for the 2-year measure it must have ended on or
    before this start and no more than 2 calendar years before it (exactly 2 years counts)."""
    earlier = CPPlan.objects.filter(child_id=OuterRef("child_id"), start_date__lt=OuterRef("start_date"))
    if within_two_years:
        earlier = earlier.filter(
            end_date__lte=OuterRef("start_date"),
            end_date__gte=calendar("two_years_ago", OuterRef(OuterRef("start_date"))),
        )
    return Exists(earlier)


@population_measure(
    "cp.repeat_2y",
    "Second or subsequent plan within 2 years",
    S,
    Unit.PERCENT,
    "down",
    [M, R12],
    definition="CP plans starting in period (and R12) where the child had a previous plan that ended within "
    "the 2 years before this start (ended on or after the same date 2 years earlier, and on or before this "
    "start) / CP plans starting",
)
def cp_repeat_2y(ctx, basis):
    qs = plans_starting(ctx, basis).annotate(_re=previous_plan(within_two_years=True))
    return Population(qs, Kind.RATIO, num=Q(_re=True), columns=("plan_id", "start_date", "end_date"))


@population_measure(
    "cp.repeat_ever",
    "Second or subsequent plan (ever)",
    S,
    Unit.PERCENT,
    "down",
    [M, R12],
    definition="CP plans starting in period (and R12) where the child had any previous CP plan (started "
    "before this one; former NI65) / CP plans starting",
)
def cp_repeat_ever(ctx, basis):
    qs = plans_starting(ctx, basis).annotate(_re=previous_plan(within_two_years=False))
    return Population(qs, Kind.RATIO, num=Q(_re=True), columns=("plan_id", "start_date", "end_date"))


@population_measure(
    "cp.lasting_2y",
    "Plans lasting 2 years or more",
    S,
    Unit.PERCENT,
    "down",
    [M, R12],
    definition="CP plans ending in period (and R12) that lasted 730 days or more (end date - start date) / "
    "CP plans ending",
)
def cp_lasting_2y(ctx, basis):
    length = ExpressionWrapper(F("end_date") - F("start_date"), output_field=DurationField())
    qs = annotate_team(CPPlan.objects.filter(ctx.in_window("end_date", basis)), F("end_date"))
    qs = qs.annotate(_len=length, _days=length)
    return Population(
        qs,
        Kind.RATIO,
        num=Q(_len__gte=timedelta(days=730)),
        columns=("plan_id", "start_date", "end_date", "_days"),
    )


@population_measure(
    "cp.visits_in_time",
    "CP visits in timescale",
    S,
    Unit.PERCENT,
    "up",
    [END],
    params={VISIT_STANDARD: CP_VISIT_DEFAULT},
    definition="children on a CP plan at period end seen on a CP visit within the LA standard (default 10 "
    "working days, MeasureSetting parameter visit_standard_wd) before period end (last visit on or before "
    "period end) / children on a CP plan; no visit = not in time; visits recorded as child not seen do "
    "not count",
)
def cp_visits_in_time(ctx, basis):
    return visits_population(ctx, CPPlan, "cp", "cp.visits_in_time", CP_VISIT_DEFAULT)


# --- Conferences -------------------------------------------------------------------------------------------


CONF_COLUMNS = ("held_date", "kind", "participation")


def conferences_in(ctx: Ctx, basis: str, **filters):
    qs = Conference.objects.filter(ctx.in_window("held_date", basis), **filters)
    return annotate_team(qs, F("held_date"), team_field=None)


def month_key(prefix: str, column: str) -> dict:
    """(year x 12 + month) x 100 + day: adding 300 gives the same day 3 calendar months later, and comparing
    keys makes a due day that does not exist (30 Nov + 3 months) fall on the month's last day."""
    return {
        f"{prefix}_y": ExtractYear(column),
        f"{prefix}_m": ExtractMonth(column),
        f"{prefix}_d": ExtractDay(column),
        f"{prefix}_key": ExpressionWrapper(
            (F(f"{prefix}_y") * 12 + F(f"{prefix}_m")) * 100 + F(f"{prefix}_d"), output_field=IntegerField()
        ),
    }


@population_measure(
    "cp.reviews_in_time",
    "CP reviews on time",
    S,
    Unit.PERCENT,
    "up",
    [M],
    definition="review conferences held in period on time / review conferences held in period. On time: "
    "no later than 3 calendar months (same day of the month, or the month's last day when it has no such "
    "day) after the child's previous conference when that was the initial (or transfer-in) conference, "
    "else no later than 6 calendar months after the previous review. A review with no earlier conference "
    "recorded is not on time",
)
def cp_reviews_in_time(ctx, basis):
    previous = Conference.objects.filter(
        child_id=OuterRef("child_id"), held_date__lt=OuterRef("held_date")
    ).order_by("-held_date", "-pk")
    qs = conferences_in(ctx, basis, kind="review").annotate(
        _prev=Subquery(previous.values("held_date")[:1]), _prev_kind=Subquery(previous.values("kind")[:1])
    )
    for name, expr in {**month_key("_r", "held_date"), **month_key("_p", "_prev")}.items():
        qs = qs.annotate(**{name: expr})
    due = Case(
        When(_prev_kind="review", then=F("_p_key") + 600),
        default=F("_p_key") + 300,
        output_field=IntegerField(),
    )
    on_time = Q(_prev__isnull=False, _r_key__lte=due)
    return Population(
        qs,
        Kind.RATIO,
        num=on_time,
        columns=("held_date", ("_prev", "Previous conference"), ("_prev_kind", "Its kind")),
    )


@population_measure(
    "conf.child_attended",
    "Children's input into conferences: attended",
    S,
    Unit.PERCENT,
    "up",
    [M],
    definition="conferences held in period (initial, review, transfer-in) where the child attended "
    "(participation PN1 or PN3) / conferences held in period",
)
def conf_child_attended(ctx, basis):
    attended = Q(participation__in=["PN1", "PN3"])
    return Population(conferences_in(ctx, basis), Kind.RATIO, num=attended, columns=CONF_COLUMNS)


@population_measure(
    "conf.views_sent",
    "Children's input into conferences: views conveyed",
    S,
    Unit.PERCENT,
    "up",
    [M],
    definition="conferences held in period with participation PN0-PN6 / conferences held in period "
    "(PN7 or blank: not conveyed)",
)
def conf_views_sent(ctx, basis):
    conveyed = Q(participation__in=["PN0", "PN1", "PN2", "PN3", "PN4", "PN5", "PN6"])
    return Population(conferences_in(ctx, basis), Kind.RATIO, num=conveyed, columns=CONF_COLUMNS)


# --- Escalations -------------------------------------------------------------------------------------------


def open_day_before(model) -> Exists:
    """A record of the same child open on the day before the outer row's start: started before it and not
    ended before it (ending on the start day itself is the usual hand-over)."""
    return Exists(
        model.objects.filter(child_id=OuterRef("child_id"), start_date__lt=OuterRef("start_date")).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=OuterRef("start_date"))
        )
    )


@measure(
    "plan.escalations",
    "Escalations of plans",
    S,
    Unit.COUNT,
    "none",
    [M],
    breakdowns=("type",),
    not_drillable="Its two parts count different kinds of record (CP plans and care episodes); a list of "
    "either is not built yet.",
    definition="escalations starting in period, by type: cin_to_cp = CP plans starting in period for a child "
    "with a CIN plan open the day before; cp_to_cic = periods of care starting in period (care episode with "
    "reason for new episode S) for a child with a CP plan open the day before",
)
def plan_escalations(ctx):
    cin_to_cp = plans_starting(ctx, M).filter(open_day_before(CINPlan))
    cp_to_cic = annotate_team(
        CareEpisode.objects.filter(ctx.in_window("start_date", M), rne="S").filter(open_day_before(CPPlan)),
        F("start_date"),
    )
    for label, qs in (("cin_to_cp", cin_to_cp), ("cp_to_cic", cp_to_cic)):
        yield from parts_and_whole(qs, M, num=Count("pk"), dimension="type", breakdown=Value(label))
