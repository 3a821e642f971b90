"""Case tracking: each team's and worker's open work, due soon and overdue against its timescale, as at a date.

Eleven kinds of work (choices.WorkKind), each one query over the records that make it open work on the
`as_at` date, with its due date computed in the database through the working-day calendar (core.WorkingDay):

| kind              | open work on D                                         | runs from                       |
|-------------------|--------------------------------------------------------|---------------------------------|
| assessment        | started on or before D, not authorised on or before D  | its start                       |
| icpc              | S47 started on or before D, ICPC not ruled out (icpc_not_required, or completed by D with an outcome other than icpc), no initial conference held for the child since the strategy discussion (nor linked to the S47) by D | the strategy discussion (else the S47's start) |
| review_conference | CP plan open at D (one per child)                      | the last review conference since the plan's start, else the plan's start (the ICPC) |
| cp_visit / cin_visit | CP / CIN plan open at D (one per child)             | the last visit of the kind (child seen or "seen" not recorded) since the plan's start, else the plan's start |
| cla_visit         | looked after at D (open episode, not V3/V4 short breaks) | the last CiC visit in the period of care, else its start |
| cla_review        | looked after at D                                      | the period of care's start (first step), the first review (second step), the last review (later) |
| iha               | looked after at D, no initial health assessment in the period of care by D | the period of care's start |
| rha               | looked after at D, an initial or review health assessment in the period of care by D | the last one (first step under 5 at that date, second step from 5) |
| pathway_plan      | the care leaver's latest status on or before D is relevant / former relevant, not died, under 21 at D | the pathway plan review date on it, else the status date |
| return_interview  | a missing (not absent) episode ended on or before D whose return interview is not recorded (offered blank) | the episode's end |

A working-day step lands on the n-th working day of the calendar table after the start (the count the
catalogue uses: n working days d with start < d <= due). A calendar step (days, weeks, hours as whole days,
months clamped to a shorter month's end) is date arithmetic in SQL. "Working days overdue" is
ordinal(D) - ordinal(due): overdue when above 0, due soon when the due date is at most `due_soon` working days
ahead. Work is attributed to the team on its record (assessment, S47, plan, care episode) else the team
holding the case at D (the allocation open at D), and to the worker on its record (assessment; a care
leaver's personal adviser) else the allocation's worker.

The kinds are worked out together, across the LA, as one UNION ALL (items_sql), and kept (CaseWorkBuild,
CaseWorkItem, made by `work_out`): every list, count and export of the date, for any team, worker, kind,
state and viewer, reads the kept items by indexed conditions, until the next import or an edited timescale
makes them obsolete. A past date an analyst asks for is worked out the same way the first time it is
asked."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass, field, replace

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import Expression, RawSQL
from django.db.models.functions import Cast, Coalesce
from django.db.models.lookups import Exact
from django.db.models.sql import Query
from django.utils import timezone

from apps.assessments.models import Assessment, Conference, S47Enquiry
from apps.care.models import CareLeaverStatus, CLAReview, HealthAssessment, MissingEpisode
from apps.core.calendar import ordinal_of
from apps.core.models import OrgUnit, WorkingDay
from apps.core.workdays import working_day_ordinal, years_before
from apps.imports.selectors import data_version
from apps.kpis.engine import Unindexed
from apps.kpis.measures.children_in_care import looked_after_at
from apps.kpis.measures.cin_cp import one_per_child
from apps.people.models import Child, held_by_team_exists
from apps.plans.models import CINPlan, CPPlan, Visit
from apps.workforce.models import Allocation, Worker

from .choices import DEFAULTS, TimescaleUnit, WorkKind, WorkState
from .models import CaseWorkBuild, CaseWorkItem, Timescale

# The columns every kind's query selects, in the UNION's order. Names no record model uses for a field of its
# own (MissingEpisode has a `kind`, Assessment a `team_id`), so each can be an annotation on every part.
PART = ("work", "record_id", "child_pk", "team_pk", "worker_pk", "started", "due", "due_ord")
# The columns of a kind's own query (_part), before its due date and its team and worker are
# worked out around it: the team and worker the record itself names (null where it names none), where the
# timescale runs from and which of its steps runs.
INNER = ("work", "record_id", "child_pk", "rec_team", "rec_worker", "started", "step")
# The columns of an item as CaseWork.rows gives it: the part's, less the ordinal, with the child's, team's and
# worker's names and the item's state and working days overdue.
OUTPUT = (
    "work",
    "record_id",
    "child_pk",
    "child_ref",
    "given_name",
    "family_name",
    "team_pk",
    "team_name",
    "worker_pk",
    "worker_ref",
    "worker_name",
    "started",
    "due",
    "days_overdue",
    "state",
)


# --- date arithmetic in SQL (SQLite and PostgreSQL) ----------------------------------------------------


class AddDays(Func):
    """date + n calendar days."""

    output_field = DateField()

    def __init__(self, expression, days: int):
        self.days = int(days)
        super().__init__(expression)

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(CAST({sql} AS date) + CAST(%s AS integer))", [*params, self.days]

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, %s)", [*params, f"{self.days:+d} days"]


class AddMonths(Func):
    """date + n calendar months, clamped to the end of a shorter month (31 Aug + 6 months = 29 Feb), as
    PostgreSQL's interval arithmetic does; SQLite's date() would roll over into March, so it takes the
    earlier of that and the target month's last day."""

    output_field = DateField()

    def __init__(self, expression, months: int):
        self.months = int(months)
        super().__init__(expression)

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"CAST(CAST({sql} AS date) + CAST(%s AS integer) * interval '1 month' AS date)",
            [*params, self.months],
        )

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"min(date({sql}, %s), date({sql}, 'start of month', %s, '-1 day'))",
            [*params, f"{self.months:+d} months", *params, f"{self.months + 1:+d} months"],
        )


def _due_sql(started, step: Step):
    """The due date one step after `started` (an expression): for a working-day step the n-th working day
    of the calendar after it (n working days d with started < d <= due, the calendar's primary key walked
    forward n rows), else date arithmetic."""
    amount, unit = int(step.amount), step.unit
    if unit == TimescaleUnit.WORKING_DAYS:
        return Subquery(
            WorkingDay.objects.filter(date__gt=started, is_working=True)
            .order_by("date")
            .values("date")[amount - 1 : amount],
            output_field=DateField(),
        )
    return _calendar_step(started, amount, unit)


def _calendar_step(expression, amount: int, unit: str):
    if unit == TimescaleUnit.MONTHS:
        return AddMonths(expression, amount)
    if unit == TimescaleUnit.HOURS:  # records carry dates: 72 hours after a date is 3 days after it
        return AddDays(expression, -(-amount // 24))
    return AddDays(expression, amount * (7 if unit == TimescaleUnit.WEEKS else 1))


def _due_ord_sql(started, step: Step):
    """The calendar ordinal of _due_sql's date, which the state and the working days overdue compare: for a
    working-day step the start's ordinal plus n (one key lookup, not the walk again), else the ordinal of
    the calendar date the step lands on."""
    amount, unit = int(step.amount), step.unit
    if unit == TimescaleUnit.WORKING_DAYS:
        return ordinal_of(started) + Value(amount)
    return ordinal_of(_calendar_step(started, amount, unit))


def with_steps(qs, *branches):
    """`qs` with `_step`, the index of the step that runs from its `_from`, and the steps: branches are
    (condition, step) pairs, the first whose condition holds, the last one's (condition None) otherwise.
    The due date itself is worked out from `_from` and `_step` outside the part (_part_sql), so
    that `_from`, often a correlated subquery, is evaluated once per row rather than once in every place
    a due date, its ordinal and the state filter would repeat it."""
    *whens, _ = branches
    steps = tuple(step for _, step in branches)
    if not whens:
        return qs.annotate(_step=Value(0, output_field=IntegerField())), steps
    step = Case(
        *[When(c, then=Value(i)) for i, (c, _) in enumerate(whens)],
        default=Value(len(whens)),
        output_field=IntegerField(),
    )
    return qs.annotate(_step=step), steps


def _by_step(column, steps, make):
    """make(step) for the one step, else a CASE on the step column (an expression) choosing among them."""
    if len(steps) == 1:
        return make(steps[0])
    return Case(
        *[When(Exact(column, i), then=make(st)) for i, st in enumerate(steps[:-1])],
        default=make(steps[-1]),
    )


def compile_sql(expression) -> tuple[str, list]:
    """An expression over raw column references (RawSQL) compiled to SQL for the connection in use."""
    query = Query(WorkingDay)
    compiler = query.get_compiler(connection=connection)
    sql, params = compiler.compile(expression.resolve_expression(query))
    return sql, list(params)


# A column of the subquery a part's due date is worked out around (_part_sql): `alias` is one of
# that statement's own literals, never a value.
def _started(alias: str):
    return RawSQL(f"{alias}.started", (), output_field=DateField())  # noqa: S611


def _step(alias: str):
    return RawSQL(f"{alias}.step", (), output_field=IntegerField())  # noqa: S611


def fence() -> str:
    """The clause that keeps a subquery from being merged into the query around it (an OFFSET, on both
    SQLite and PostgreSQL): what it selects is computed once per row, not copied into every place the
    outer query names it."""
    return " LIMIT -1 OFFSET 0" if connection.vendor == "sqlite" else " OFFSET 0"


# --- timescales ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    amount: int
    unit: str

    def __str__(self):
        return f"{self.amount} {TimescaleUnit(self.unit).label}"


@dataclass(frozen=True)
class Scale:
    kind: str
    first: Step
    then: Step | None = None
    later: Step | None = None
    due_soon: int = 5


def default_scales() -> dict[str, Scale]:
    out = {}
    for kind, d in DEFAULTS.items():
        steps = {k: Step(*d[k]) if k in d else None for k in ("first", "then", "later")}
        out[str(kind)] = Scale(str(kind), steps["first"], steps["then"], steps["later"], d["due_soon"])
    return out


def timescales() -> dict[str, Scale]:
    """Every kind's timescale: the admins' settings (Timescale rows), the statutory default for a kind with
    no row. One query."""
    scales = default_scales()
    for t in Timescale.objects.all():
        scales[t.kind] = Scale(
            t.kind,
            Step(t.first_amount, t.first_unit),
            Step(t.then_amount, t.then_unit) if t.then_amount else None,
            Step(t.later_amount, t.later_unit) if t.later_amount else None,
            t.due_soon,
        )
    return scales


# --- the parts -----------------------------------------------------------------------------------------


def _allocation(d: dt.date, value: str, child=None):
    """The team or worker of the allocation open at D for a child (latest started): the outer row's child,
    or the child whose pk the SQL `child` names."""
    return Subquery(
        Allocation.objects.filter(child_id=child if child is not None else OuterRef("child_id"))
        .filter(start_date__lte=d)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=d))
        .order_by("-start_date", "-pk")
        .values(value)[:1],
        output_field=IntegerField(),
    )


def _latest(qs, field_name: str):
    return Subquery(qs.order_by(f"-{field_name}").values(field_name)[:1], output_field=DateField())


# Each part gives the query of its kind's open work (with `_from`, where its timescale runs from, and
# `_step`, with_steps), the steps, and its columns: the record's ID, and the team and worker the record
# itself names (None: the allocation's, worked out around the union by items_sql).


def _assessments(d, s: Scale):
    qs = (
        Assessment.objects.alias(_start=Unindexed("start_date"))
        .filter(_start__lte=d)
        .filter(Q(authorised_date__isnull=True) | Q(authorised_date__gt=d))
    )
    qs = qs.annotate(_from=F("start_date"))
    return *with_steps(qs, (None, s.first)), {
        "record": F("assessment_id"),
        "team": F("team_id"),
        "worker": F("worker_id"),
    }


def _icpcs(d, s: Scale):
    # Walked in table order (Unindexed start): nearly every enquiry started on or before a recent date, and
    # the start index's random reads of all of them cost twice the plain scan.
    qs = (
        S47Enquiry.objects.alias(_start=Unindexed("start_date"))
        .filter(_start__lte=d)
        .exclude(icpc_not_required=True)
        .filter(Q(completed_date__isnull=True) | Q(completed_date__gt=d) | Q(outcome="icpc"))
        .annotate(_from=Coalesce(F("discussion__held_date"), F("start_date")))
    )
    initial = Conference.objects.filter(child_id=OuterRef("child_id"), kind="initial", held_date__lte=d)
    qs = qs.exclude(Exists(initial.filter(s47_id=OuterRef("pk")))).exclude(
        Exists(initial.filter(held_date__gte=OuterRef("_from")))
    )
    return *with_steps(qs, (None, s.first)), {
        "record": F("s47_id"),
        "team": F("team_id"),
        "worker": None,
    }


def _plan_columns():
    return {"record": F("plan_id"), "team": F("team_id"), "worker": None}


def _review_conferences(d, s: Scale):
    reviews = Conference.objects.filter(
        child_id=OuterRef("child_id"), kind="review", held_date__gt=OuterRef("start_date"), held_date__lte=d
    )
    qs = one_per_child(CPPlan, d, by_end=True).annotate(_last=_latest(reviews, "held_date"))
    qs = qs.annotate(_from=Coalesce(F("_last"), F("start_date")))
    return *with_steps(qs, (Q(_last__isnull=True), s.first), (None, s.then or s.first)), _plan_columns()


def _plan_visits(model, visit_kind: str):
    def part(d, s: Scale):
        visits = Visit.objects.filter(
            child_id=OuterRef("child_id"),
            kind=visit_kind,
            visit_date__gte=OuterRef("start_date"),
            visit_date__lte=d,
        ).exclude(seen=False)
        qs = one_per_child(model, d, by_end=True).annotate(
            _from=Coalesce(_latest(visits, "visit_date"), F("start_date"))
        )
        return *with_steps(qs, (None, s.first)), _plan_columns()

    return part


def _in_care(d):
    return looked_after_at(d, by_end=True).annotate(_poc=Coalesce(F("period_of_care_start"), F("start_date")))


def _care_columns():
    return {"record": F("episode_id"), "team": F("team_id"), "worker": None}


def _cla_visits(d, s: Scale):
    visits = Visit.objects.filter(
        child_id=OuterRef("child_id"), kind="cla", visit_date__gte=OuterRef("_poc"), visit_date__lte=d
    ).exclude(seen=False)
    qs = _in_care(d).annotate(_from=Coalesce(_latest(visits, "visit_date"), F("_poc")))
    return *with_steps(qs, (None, s.first)), _care_columns()


def _cla_reviews(d, s: Scale):
    reviews = CLAReview.objects.filter(
        child_id=OuterRef("child_id"), review_date__gte=OuterRef("_poc"), review_date__lte=d
    )
    held = Subquery(
        reviews.order_by().values("child_id").annotate(c=Count("pk")).values("c"), output_field=IntegerField()
    )
    qs = _in_care(d).annotate(_k=Coalesce(held, Value(0)), _last=_latest(reviews, "review_date"))
    qs = qs.annotate(_from=Coalesce(F("_last"), F("_poc")))
    then = s.then or s.first
    return *with_steps(qs, (Q(_k=0), s.first), (Q(_k=1), then), (None, s.later or then)), _care_columns()


def _ihas(d, s: Scale):
    done = HealthAssessment.objects.filter(
        child_id=OuterRef("child_id"),
        kind="initial",
        completed_date__gte=OuterRef("_poc"),
        completed_date__lte=d,
    )
    qs = _in_care(d).exclude(Exists(done)).annotate(_from=F("_poc"))
    return *with_steps(qs, (None, s.first)), _care_columns()


def _rhas(d, s: Scale):
    done = HealthAssessment.objects.filter(
        child_id=OuterRef("child_id"),
        kind__in=("initial", "review"),
        completed_date__gte=OuterRef("_poc"),
        completed_date__lte=d,
    )
    qs = _in_care(d).annotate(_from=_latest(done, "completed_date")).filter(_from__isnull=False)
    # Under 5 on the date of the last assessment: the fifth birthday (60 months on) is after it.
    qs = qs.annotate(_fifth=AddMonths(F("child__date_of_birth"), 60))
    return *with_steps(qs, (Q(_fifth__gt=F("_from")), s.first), (None, s.then or s.first)), _care_columns()


class LatestPerChild(Expression):
    """True for the rows that are their child's latest on or before D by a date field: (child, date) IN
    (each child's greatest date on or before D). One ordered pass over the (child, date) index rather than
    a NOT EXISTS for every row: a third of the time on the large council's 49,000 care leaver statuses.
    Made for a part's own query (compiled at the top level, never relabelled into another)."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, model, field_name: str, d: dt.date, latest=None, alias: str | None = None):
        super().__init__()
        self.model, self.field_name, self.d, self.alias = model, field_name, d, alias
        self.latest = latest or Subquery(
            model.objects.filter(**{f"{field_name}__lte": d})
            .order_by()
            .values("child_id")
            .annotate(_latest=Max(field_name))
            .values("child_id", "_latest")
        )

    def get_source_expressions(self):
        return [self.latest]

    def set_source_expressions(self, exprs):
        (self.latest,) = exprs

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        latest = self.latest.resolve_expression(query, allow_joins, reuse, summarize, for_save)
        return LatestPerChild(self.model, self.field_name, self.d, latest, query.get_initial_alias())

    def as_sql(self, compiler, connection):
        sub, params = compiler.compile(self.latest)
        q = connection.ops.quote_name
        alias = compiler.quote_name_unless_alias(self.alias)
        child = q(self.model._meta.get_field("child").column)
        when = q(self.model._meta.get_field(self.field_name).column)
        return f"({alias}.{child}, {alias}.{when}) IN {sub}", params


def _pathway_plans(d, s: Scale):
    # The child's latest status on or before D, relevant or former relevant.
    qs = (
        CareLeaverStatus.objects.filter(LatestPerChild(CareLeaverStatus, "status_date", d))
        .filter(eligibility__in=("relevant", "former_relevant"))
        .exclude(in_touch="DIED")
        .filter(child__date_of_birth__gt=years_before(d, 21))
        .annotate(_from=Coalesce(F("pathway_plan_review_date"), F("status_date")))
    )
    return *with_steps(qs, (None, s.first)), {
        "record": Value(""),
        "team": F("pa_worker__team_id"),
        "worker": F("pa_worker_id"),
    }


def _return_interviews(d, s: Scale):
    qs = MissingEpisode.objects.filter(
        kind="missing", end_date__isnull=False, end_date__lte=d, return_interview_offered__isnull=True
    ).annotate(_from=F("end_date"))
    return *with_steps(qs, (None, s.first)), {"record": F("episode_id"), "team": None, "worker": None}


PARTS = {
    WorkKind.ASSESSMENT: _assessments,
    WorkKind.ICPC: _icpcs,
    WorkKind.REVIEW_CONFERENCE: _review_conferences,
    WorkKind.CP_VISIT: _plan_visits(CPPlan, "cp"),
    WorkKind.CIN_VISIT: _plan_visits(CINPlan, "cin"),
    WorkKind.CLA_VISIT: _cla_visits,
    WorkKind.CLA_REVIEW: _cla_reviews,
    WorkKind.IHA: _ihas,
    WorkKind.RHA: _rhas,
    WorkKind.PATHWAY_PLAN: _pathway_plans,
    WorkKind.RETURN_INTERVIEW: _return_interviews,
}


# --- working the items out -----------------------------------------------------------------------------

# The kinds whose team shows that the child is in the team's reach: the team on a record of a type that
# ties a child to a team, or the team of the child's allocation. A care leaver's is their personal
# adviser's team, which does not.
TEAM_IMPLIES_ACCESS = frozenset(str(k) for k in PARTS if k != WorkKind.PATHWAY_PLAN)
# Builds of an older import, or of another date, outlive their last reader by this long before they go.
BUILD_KEPT_MINUTES = 10
BUILDS_KEPT = 60


def scales_key(scales: dict) -> str:
    return hashlib.sha256(repr(sorted(scales.items())).encode()).hexdigest()


def _part(as_at: dt.date, kind, scale: Scale):
    """A kind's open work as at the date across the LA (queryset projected to INNER) and its steps."""
    qs, steps, columns = PARTS[kind](as_at, scale)
    # Every part's column is an annotation, added in INNER's order in one call, so each part's SELECT lists
    # them in the same order for the UNION.
    none = Cast(Value(None), output_field=IntegerField())
    qs = qs.order_by().annotate(
        work=Value(str(kind), output_field=CharField()),
        record_id=_text(columns["record"]),
        child_pk=F("child_id"),
        rec_team=columns["team"] if columns["team"] is not None else none,
        rec_worker=columns["worker"] if columns["worker"] is not None else none,
        started=F("_from"),
        step=F("_step"),
    )
    return qs.values(*INNER), steps


def _part_sql(qs, steps, scale: Scale, today_ord: int) -> tuple[str, list]:
    """A part's items with their due date and its ordinal, worked out once per row from the start and the
    step (both fenced, see fence()), and only those due soon or overdue."""
    sql, params = qs.query.get_compiler(using=qs.db).as_sql()
    due, due_params = compile_sql(_by_step(_step("q"), steps, lambda st: _due_sql(_started("q"), st)))
    due_ord, ord_params = compile_sql(_by_step(_step("p"), steps, lambda st: _due_ord_sql(_started("p"), st)))
    # The due date is worked out in the outer SELECT, for the items the state keeps: a working-day step
    # walks the calendar, which the ordinal (one key lookup) spares the rest.
    cols = ", ".join(f"q.{c}" for c in INNER if c != "step")
    # Parameters in the order their placeholders appear.
    return (
        f"SELECT {cols}, {due} AS due, q.due_ord FROM (SELECT p.*, {due_ord} AS due_ord "  # noqa: S608
        f"FROM ({sql}{fence()}) p{fence()}) q WHERE q.due_ord <= %s",
        [*due_params, *ord_params, *params, today_ord + scale.due_soon],
    )


def items_sql(as_at: dt.date, scales: dict) -> tuple[str, list]:
    """Every kind's items as at the date, due soon or overdue, across the LA: one UNION ALL of the kinds'
    queries, then the team and worker each is for (the record's, else the allocation open at the date's),
    worked out once per item. The PART columns."""
    today_ord = as_at_ordinal(as_at)
    parts = []
    for kind in PARTS:
        qs, steps = _part(as_at, kind, scales[str(kind)])
        parts.append(_part_sql(qs, steps, scales[str(kind)], today_ord))
    # Every piece is compiled by Django or written here; no value reaches the SQL but as a parameter.
    union = " UNION ALL ".join(f"SELECT * FROM ({sql}) x{i}" for i, (sql, _) in enumerate(parts))  # noqa: S608
    params = [p for _, ps in parts for p in ps]
    child = RawSQL("u.child_pk", (), output_field=IntegerField())
    team, team_params = compile_sql(_allocation(as_at, "team_id", child))
    worker, worker_params = compile_sql(_allocation(as_at, "worker_id", child))
    sql = (
        f"SELECT u.work, u.record_id, u.child_pk, COALESCE(u.rec_team, {team}) AS team_pk, "  # noqa: S608
        f"COALESCE(u.rec_worker, {worker}) AS worker_pk, u.started, u.due, u.due_ord FROM ({union}) u"
    )
    return sql, [*team_params, *worker_params, *params]


def kept_build(as_at: dt.date, scales: dict, version: int | None) -> CaseWorkBuild | None:
    """The kept working-out for this date, these timescales and the records of the import `version`
    (imports.selectors.data_version)."""
    return (
        CaseWorkBuild.objects.filter(as_at=as_at, data_version=version or 0, scales_key=scales_key(scales))
        .order_by("-pk")
        .first()
    )


def work_out(as_at: dt.date, scales: dict | None = None, version: int | None = None) -> CaseWorkBuild:
    """Work out and keep every item of open work as at the date (items_sql, written by one INSERT ...
    SELECT in the database), then let builds no reader can want any more go. In one transaction: a list
    never sees a build half made. Two first views at once may each make one; the later is read."""
    scales = scales or timescales()
    version = (data_version() if version is None else version) or 0
    started = time.perf_counter()
    with transaction.atomic():
        made = CaseWorkBuild.objects.create(as_at=as_at, data_version=version, scales_key=scales_key(scales))
        sql, params = items_sql(as_at, scales)
        meta, q = CaseWorkItem._meta, connection.ops.quote_name
        columns = ", ".join(
            q(meta.get_field(name).column)
            for name in ("build", "work", "record_id", "child", "team_pk", "worker_pk", "started", "due")
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {q(meta.db_table)} ({columns}, {q('due_ord')}) "  # noqa: S608
                f"SELECT %s, v.work, v.record_id, v.child_pk, v.team_pk, v.worker_pk, v.started, v.due, "
                f"v.due_ord FROM ({sql}) v",
                [made.pk, *params],
            )
            made.items = cursor.rowcount
        made.seconds = round(time.perf_counter() - started, 3)
        made.save(update_fields=["items", "seconds"])
        _prune(made)
    return made


def kept_or_work_out(as_at: dt.date, scales: dict) -> CaseWorkBuild:
    """The date's kept items for the records of the latest import, worked out now if there are none."""
    version = data_version()
    return kept_build(as_at, scales, version) or work_out(as_at, scales, version)


def _prune(made: CaseWorkBuild) -> None:
    """Builds of an older import or of other timescales, and any beyond the newest BUILDS_KEPT, once no
    list still reading them can be (a few minutes old). Their items go with them (one cascaded DELETE)."""
    settled = timezone.now() - dt.timedelta(minutes=BUILD_KEPT_MINUTES)
    current = (made.data_version, made.scales_key)
    builds = CaseWorkBuild.objects.order_by("-pk").values_list("pk", "data_version", "scales_key", "built_at")
    gone = [
        pk
        for i, (pk, version, key, built_at) in enumerate(builds)
        if pk != made.pk and built_at < settled and ((version, key) != current or i >= BUILDS_KEPT)
    ]
    if gone:
        CaseWorkBuild.objects.filter(pk__in=gone).delete()


def as_at_ordinal(d: dt.date) -> int | None:
    """The as-at date's working-day ordinal: the calendar table's own definition (core.workdays), computed
    once per list rather than read back from the table; None outside the calendar."""
    try:
        return working_day_ordinal(d)
    except ValueError:
        return None


# --- the list ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseWork:
    """The open work as at a date, as a lazy, filterable description: `filter()` (the viewer's access,
    applied by ChildLevelMixin.restrict) and `narrow()` (the list's filters) narrow the date's kept items
    (CaseWorkBuild, made by the first list of the date that needs it); `rows()` are the items with their
    children's, teams' and workers' names, `counts()` the number of items by kind and state. Immutable:
    every call returns a new one."""

    as_at: dt.date
    scales: dict = field(default_factory=timescales, compare=False)
    teams: tuple | None = None  # team pks of the org unit; None = the LA (work of no team included)
    team: int | None = None
    worker: int | None = None
    kinds: tuple = tuple(PARTS)
    state: str = ""
    child_filters: tuple = ()
    # The teams whose children the viewer may see (access.team_scope), when that is some teams: when the
    # list is narrowed to teams all within it, an item's own team shows its child is in reach
    # (TEAM_IMPLIES_ACCESS) and the access rule is checked only for the others.
    scope: frozenset | None = None
    empty: bool = False
    _cache: dict = field(default_factory=dict, init=False, compare=False, repr=False)
    model = None  # not a model queryset (ChildLevelMixin.restrict reads this)

    # The interface django-filter and ChildLevelMixin use.
    def all(self) -> CaseWork:
        return self

    def none(self) -> CaseWork:
        return replace(self, empty=True)

    def filter(self, *args, **kwargs) -> CaseWork:
        return replace(self, child_filters=(*self.child_filters, (args, kwargs)))

    def narrow(self, **changes) -> CaseWork:
        return replace(self, **changes)

    def _teams(self):
        return (self.team,) if self.team is not None else self.teams

    def _lists_nothing(self) -> bool:
        return self.empty or not self.kinds or as_at_ordinal(self.as_at) is None

    def build(self) -> CaseWorkBuild:
        """The date's kept items, made now if there are none for the latest import and these timescales."""
        if "build" not in self._cache:
            self._cache["build"] = kept_or_work_out(self.as_at, self.scales)
        return self._cache["build"]

    def items(self):
        """The kept items this list holds (a CaseWorkItem queryset): the viewer's access, then the list's
        filters, each an indexed condition on the build's rows."""
        qs = CaseWorkItem.objects.filter(build=self.build())
        teams = self._teams()
        if teams is not None:
            qs = qs.filter(team_pk__in=teams)
        if self.worker is not None:
            qs = qs.filter(worker_pk=self.worker)
        if set(self.kinds) != set(PARTS):
            qs = qs.filter(work__in=[str(k) for k in self.kinds])
        today_ord = as_at_ordinal(self.as_at)
        if self.state == WorkState.OVERDUE:
            qs = qs.filter(due_ord__lt=today_ord)
        elif self.state == WorkState.DUE_SOON:
            qs = qs.filter(due_ord__gte=today_ord)
        if self.child_filters and self.scope is not None:
            # The viewer's access (the child filter restrict() added: children held by the scope's teams)
            # in its correlated form, checked on the list's few items rather than by building the list of
            # every child the scope's teams ever held; not at all where the item's team shows it.
            rule = held_by_team_exists(self.scope)
            if teams is not None and set(teams) <= self.scope:
                rule = Q(work__in=sorted(TEAM_IMPLIES_ACCESS)) | rule
            qs = qs.filter(rule)
        else:
            for args, kwargs in self.child_filters:
                qs = qs.filter(*args, **kwargs)
        return qs

    def rows(self) -> list[dict]:
        """Every item (OUTPUT), most overdue first: one query, the items with the child's, team's and worker's
        names joined by key. The list's count, its pages and its export all read this; read once per
        CaseWork."""
        if "rows" not in self._cache:
            if self._lists_nothing():
                self._cache["rows"] = []
                return []
            today_ord = as_at_ordinal(self.as_at)
            items = self.items().values(
                "work",
                "record_id",
                "team_pk",
                "worker_pk",
                "started",
                "due",
                "due_ord",
                child_pk=F("child_id"),
            )
            sql, params = items.query.get_compiler(using=items.db).as_sql()
            q = connection.ops.quote_name
            child, unit, worker = Child._meta, OrgUnit._meta, Worker._meta

            def col(alias, meta, name):
                return f"{alias}.{q(meta.get_field(name).column)}"

            outer = (
                f"SELECT u.work, u.record_id, u.child_pk, {col('c', child, 'child_id')}, "  # noqa: S608
                f"{col('c', child, 'given_name')}, {col('c', child, 'family_name')}, u.team_pk, "
                f"{col('t', unit, 'name')}, u.worker_pk, {col('w', worker, 'worker_id')}, "
                f"{col('w', worker, 'name')}, u.started, u.due, %s - u.due_ord, "
                f"CASE WHEN u.due_ord < %s THEN %s ELSE %s END "
                f"FROM ({sql}) u {_child_join(child, col)} "
                f"LEFT OUTER JOIN {q(unit.db_table)} t ON {col('t', unit, 'id')} = u.team_pk "
                f"LEFT OUTER JOIN {q(worker.db_table)} w ON {col('w', worker, 'id')} = u.worker_pk"
            )
            states = [WorkState.OVERDUE.value, WorkState.DUE_SOON.value]
            with connection.cursor() as cursor:
                cursor.execute(outer, [today_ord, today_ord, *states, *params])
                rows = [dict(zip(OUTPUT, r, strict=True)) for r in cursor.fetchall()]
            for r in rows:
                # A raw query's dates come back as SQLite's ISO text (PostgreSQL's as dates).
                for name in ("started", "due"):
                    if isinstance(r[name], str):
                        r[name] = dt.date.fromisoformat(r[name])
            rows.sort(key=lambda r: (-r["days_overdue"], r["due"], r["child_ref"] or "", r["work"]))
            self._cache["rows"] = rows
        return self._cache["rows"]

    def count(self) -> int:
        return len(self.rows())

    def counts(self) -> dict[str, dict[str, int]]:
        """{kind: {"due_soon": n, "overdue": n}} for every kind asked for (zeros included): one query."""
        out = {str(k): {WorkState.DUE_SOON.value: 0, WorkState.OVERDUE.value: 0} for k in self.kinds}
        if self._lists_nothing():
            return out
        today_ord = as_at_ordinal(self.as_at)
        overdue = Case(When(due_ord__lt=today_ord, then=Value(True)), default=Value(False))
        grouped = (
            self.items()
            .annotate(overdue=overdue)
            .order_by()
            .values("work", "overdue")
            .annotate(n=Count("pk"))
            .values_list("work", "overdue", "n")
        )
        for kind, is_overdue, n in grouped:
            out[kind][WorkState.OVERDUE.value if is_overdue else WorkState.DUE_SOON.value] = n
        return out


def _child_join(child, col) -> str:
    """The join of each item's child by key. PostgreSQL, which expects several times the items there are,
    would hash the whole children's table for it (a scan of 421,000 rows, half the LA's list on the large
    council): there it is a LATERAL lookup per item, kept from being merged back into a plain join by its
    OFFSET. SQLite looks each one up by key as it is."""
    table = connection.ops.quote_name(child.db_table)
    if connection.vendor == "postgresql":
        return (
            f"INNER JOIN LATERAL (SELECT * FROM {table} c0 WHERE {col('c0', child, 'id')} = u.child_pk "  # noqa: S608
            f"OFFSET 0) c ON TRUE"
        )
    return f"INNER JOIN {table} c ON {col('c', child, 'id')} = u.child_pk"


def _text(expression):
    return Cast(expression, output_field=CharField())
