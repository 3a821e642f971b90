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

The kinds are read as one UNION ALL (every part filtered, by team, worker, state and the viewer's access,
before it is joined), so a page is one COUNT and one page query whatever the kinds."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field, replace

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce

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

# The columns every kind's query selects, in the UNION's order. Names no record model uses for a field of its
# own (MissingEpisode has a `kind`, Assessment a `team_id`), so each can be an annotation on every part.
PART = ("work", "record_id", "child_pk", "team_pk", "worker_pk", "started", "due", "due_ord")
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


def step_due(start: str, step: Step):
    """The due date, as an expression, one step after the date column or annotation `start`."""
    amount, unit = int(step.amount), step.unit
    if unit == TimescaleUnit.WORKING_DAYS:
        # The n-th working day after the start (n working days d with start < d <= due): the calendar's
        # primary key walked forward from the start, n rows of it.
        return Subquery(
            WorkingDay.objects.filter(date__gt=OuterRef(start), is_working=True)
            .order_by("date")
            .values("date")[amount - 1 : amount],
            output_field=DateField(),
        )
    return _calendar_step(F(start), amount, unit)


def _calendar_step(expression, amount: int, unit: str):
    if unit == TimescaleUnit.MONTHS:
        return AddMonths(expression, amount)
    if unit == TimescaleUnit.HOURS:  # records carry dates: 72 hours after a date is 3 days after it
        return AddDays(expression, -(-amount // 24))
    return AddDays(expression, amount * (7 if unit == TimescaleUnit.WEEKS else 1))


def step_due_ord(start: str, step: Step):
    """The calendar ordinal of step_due's date, which the state and the working days overdue compare: for a
    working-day step the start's ordinal plus n (one key lookup, not the walk again), else the ordinal of
    the calendar date the step lands on."""
    amount, unit = int(step.amount), step.unit
    if unit == TimescaleUnit.WORKING_DAYS:
        return ordinal_of(OuterRef(start)) + Value(amount)
    return ordinal_of(_calendar_step(OuterRef(start), amount, unit))


def with_due(qs, *branches):
    """`qs` with `_due` and `_due_ord` one step after its `_from`: branches are (condition, step) pairs, the
    step of the first whose condition holds, the last one's (condition None) otherwise."""
    *whens, (_, last) = branches
    if not whens:
        return qs.annotate(_due=step_due("_from", last), _due_ord=step_due_ord("_from", last))
    return qs.annotate(
        _due=Case(
            *[When(c, then=step_due("_from", st)) for c, st in whens],
            default=step_due("_from", last),
            output_field=DateField(),
        ),
        _due_ord=Case(
            *[When(c, then=step_due_ord("_from", st)) for c, st in whens],
            default=step_due_ord("_from", last),
            output_field=IntegerField(),
        ),
    )


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
    from .models import Timescale

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


def _allocation(d: dt.date, value: str):
    """The team or worker of the allocation open at D for the outer row's child (latest started)."""
    return Subquery(
        Allocation.objects.filter(child_id=OuterRef("child_id"), start_date__lte=d)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=d))
        .order_by("-start_date", "-pk")
        .values(value)[:1],
        output_field=IntegerField(),
    )


def _either(*expressions):
    """The first of these team or worker pks that is not null."""
    return Coalesce(*expressions, output_field=IntegerField())


def _latest(qs, field_name: str):
    return Subquery(qs.order_by(f"-{field_name}").values(field_name)[:1], output_field=DateField())


def _assessments(d, s: Scale):
    qs = (
        Assessment.objects.alias(_start=Unindexed("start_date"))
        .filter(_start__lte=d)
        .filter(Q(authorised_date__isnull=True) | Q(authorised_date__gt=d))
    )
    qs = qs.annotate(_from=F("start_date"))
    return with_due(qs, (None, s.first)), {
        "record": F("assessment_id"),
        "team_field": "team_id",
        "team": _either(F("team_id"), _allocation(d, "team_id")),
        "worker": _either(F("worker_id"), _allocation(d, "worker_id")),
    }


def _icpcs(d, s: Scale):
    qs = (
        S47Enquiry.objects.filter(start_date__lte=d)
        .exclude(icpc_not_required=True)
        .filter(Q(completed_date__isnull=True) | Q(completed_date__gt=d) | Q(outcome="icpc"))
        .annotate(_from=Coalesce(F("discussion__held_date"), F("start_date")))
    )
    initial = Conference.objects.filter(child_id=OuterRef("child_id"), kind="initial", held_date__lte=d)
    qs = qs.exclude(Exists(initial.filter(held_date__gte=OuterRef("_from")))).exclude(
        Exists(initial.filter(s47_id=OuterRef("pk")))
    )
    return with_due(qs, (None, s.first)), {
        "record": F("s47_id"),
        "team_field": "team_id",
        "team": _either(F("team_id"), _allocation(d, "team_id")),
        "worker": _allocation(d, "worker_id"),
    }


def _review_conferences(d, s: Scale):
    reviews = Conference.objects.filter(
        child_id=OuterRef("child_id"), kind="review", held_date__gt=OuterRef("start_date"), held_date__lte=d
    )
    qs = one_per_child(CPPlan, d, by_end=True).annotate(_last=_latest(reviews, "held_date"))
    qs = qs.annotate(_from=Coalesce(F("_last"), F("start_date")))
    qs = with_due(qs, (Q(_last__isnull=True), s.first), (None, s.then or s.first))
    return qs, {
        "record": F("plan_id"),
        "team_field": "team_id",
        "team": _either(F("team_id"), _allocation(d, "team_id")),
        "worker": _allocation(d, "worker_id"),
    }


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
        return with_due(qs, (None, s.first)), {
            "record": F("plan_id"),
            "team_field": "team_id",
            "team": _either(F("team_id"), _allocation(d, "team_id")),
            "worker": _allocation(d, "worker_id"),
        }

    return part


def _in_care(d):
    return looked_after_at(d, by_end=True).annotate(_poc=Coalesce(F("period_of_care_start"), F("start_date")))


def _care_columns(d):
    return {
        "record": F("episode_id"),
        "team_field": "team_id",
        "team": _either(F("team_id"), _allocation(d, "team_id")),
        "worker": _allocation(d, "worker_id"),
    }


def _cla_visits(d, s: Scale):
    visits = Visit.objects.filter(
        child_id=OuterRef("child_id"), kind="cla", visit_date__gte=OuterRef("_poc"), visit_date__lte=d
    ).exclude(seen=False)
    qs = _in_care(d).annotate(_from=Coalesce(_latest(visits, "visit_date"), F("_poc")))
    return with_due(qs, (None, s.first)), _care_columns(d)


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
    qs = with_due(qs, (Q(_k=0), s.first), (Q(_k=1), then), (None, s.later or then))
    return qs, _care_columns(d)


def _ihas(d, s: Scale):
    done = HealthAssessment.objects.filter(
        child_id=OuterRef("child_id"),
        kind="initial",
        completed_date__gte=OuterRef("_poc"),
        completed_date__lte=d,
    )
    qs = _in_care(d).exclude(Exists(done)).annotate(_from=F("_poc"))
    return with_due(qs, (None, s.first)), _care_columns(d)


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
    qs = with_due(qs, (Q(_fifth__gt=F("_from")), s.first), (None, s.then or s.first))
    return qs, _care_columns(d)


def _pathway_plans(d, s: Scale):
    later = CareLeaverStatus.objects.filter(
        child_id=OuterRef("child_id"), status_date__gt=OuterRef("status_date"), status_date__lte=d
    )
    qs = (
        CareLeaverStatus.objects.filter(status_date__lte=d, eligibility__in=("relevant", "former_relevant"))
        .exclude(Exists(later))
        .exclude(in_touch="DIED")
        .filter(child__date_of_birth__gt=years_before(d, 21))
        .annotate(_from=Coalesce(F("pathway_plan_review_date"), F("status_date")))
    )
    return with_due(qs, (None, s.first)), {
        "record": Value(""),
        "team_field": "pa_worker__team_id",
        "team": _either(F("pa_worker__team_id"), _allocation(d, "team_id")),
        "worker": _either(F("pa_worker_id"), _allocation(d, "worker_id")),
    }


def _return_interviews(d, s: Scale):
    qs = MissingEpisode.objects.filter(
        kind="missing", end_date__isnull=False, end_date__lte=d, return_interview_offered__isnull=True
    ).annotate(_from=F("end_date"))
    return with_due(qs, (None, s.first)), {
        "record": F("episode_id"),
        "team": _allocation(d, "team_id"),
        "worker": _allocation(d, "worker_id"),
    }


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


def as_at_ordinal(d: dt.date) -> int | None:
    """The as-at date's working-day ordinal: the calendar table's own definition (core.workdays), computed
    once per list rather than read back from the table; None outside the calendar."""
    try:
        return working_day_ordinal(d)
    except ValueError:
        return None


# Compiled statements by what they are made of (CaseWork._union_sql), oldest dropped first.
STATEMENT_CACHE_SIZE = 256
COUNTS_CACHE_SECONDS = 60
_STATEMENTS: dict = {}


# --- the list ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseWork:
    """The open work as at a date, as a lazy, filterable description: `filter()` (the viewer's access,
    applied by ChildLevelMixin.restrict) and `narrow()` (the list's filters) apply to every kind's query;
    `queryset()` is their UNION ALL with the OUTPUT columns, `counts()` the number of items by kind and
    state. Immutable: every call returns a new one."""

    as_at: dt.date
    scales: dict = field(default_factory=timescales, compare=False)
    teams: tuple | None = None  # team pks of the org unit; None = the LA (work of no team included)
    team: int | None = None
    worker: int | None = None
    kinds: tuple = tuple(PARTS)
    state: str = ""
    child_filters: tuple = ()
    # The teams whose children the viewer may see (access.team_scope), when the list is narrowed to teams
    # all within it: then an item's own team shows its child is in reach (the team on its record, of a
    # record type that ties a child to a team, or of the child's allocation) and the access filter is
    # needed only where that does not hold (a care leaver's personal adviser's team).
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

    def parts(self):
        """One queryset per kind, filtered and projected to OUTPUT (nothing to read: one empty one)."""
        today_ord = as_at_ordinal(self.as_at)
        if today_ord is None or self.empty or not self.kinds:
            return [self._part(WorkKind.ASSESSMENT, 0).none()]
        return [self._part(kind, today_ord) for kind in self.kinds]

    def _part(self, kind, today_ord: int):
        scale = self.scales[str(kind)]
        qs, columns = PARTS[kind](self.as_at, scale)
        teams = (self.team,) if self.team is not None else self.teams
        implied = (
            self.scope is not None
            and teams is not None
            and set(teams) <= self.scope
            and columns.get("team_field") in ("team_id", None)
        )
        if not implied and self.scope is not None and self.child_filters:
            # The viewer's access (the child filter restrict() added: children held by the scope's teams)
            # in its correlated form, checked on this part's few candidate rows rather than by building
            # the list of every child the scope's teams ever held.
            qs = qs.filter(held_by_team_exists(self.scope))
        elif not implied:
            for args, kwargs in self.child_filters:
                qs = qs.filter(*args, **kwargs)
        if teams is not None and len(teams) == 1:
            # Narrow by an indexed condition first: an item counts for the team on its record, else for the
            # team of the child's open allocation, so it is one of these or the exact test below drops it.
            allocated = (
                Allocation.objects.filter(team_id__in=teams, start_date__lte=self.as_at)
                .filter(Q(end_date__isnull=True) | Q(end_date__gt=self.as_at))
                .values("child_id")
            )
            # A superset of the exact test (record's team, else the allocation's), written as an OR of two
            # indexed IN lists so that either index can drive the part.
            near = Q(child_id__in=allocated)
            if columns.get("team_field") == "pa_worker__team_id":
                near |= Q(pa_worker_id__in=Worker.objects.filter(team_id__in=teams).values("pk"))
            elif columns.get("team_field"):
                near |= Q(**{f"{columns['team_field']}__in": teams})
            qs = qs.filter(near)
        qs = qs.annotate(_team=columns["team"], _worker=columns["worker"])
        if teams is not None:
            qs = qs.filter(_team__in=teams)
        if self.worker is not None:
            qs = qs.filter(_worker=self.worker)
        if self.state == WorkState.OVERDUE:
            qs = qs.filter(_due_ord__lt=today_ord)
        elif self.state == WorkState.DUE_SOON:
            qs = qs.filter(_due_ord__gte=today_ord, _due_ord__lte=today_ord + scale.due_soon)
        else:
            qs = qs.filter(_due_ord__lte=today_ord + scale.due_soon)
        # Every part's column is an annotation, added in PART's order in one call, so each part's SELECT
        # lists them in the same order for the UNION. The child's, team's and worker's names are joined
        # once, outside the union (CaseWork.rows), as are the state and the working days overdue, which
        # are read off the one due ordinal rather than recomputed in every part.
        qs = qs.order_by().annotate(
            work=Value(str(kind), output_field=CharField()),
            record_id=_text(columns["record"]),
            child_pk=F("child_id"),
            team_pk=F("_team"),
            worker_pk=F("_worker"),
            started=F("_from"),
            due=F("_due"),
            due_ord=F("_due_ord"),
        )
        return qs.values(*PART)

    def queryset(self):
        """Every kind's query as one UNION ALL of dicts (PART): the items before their names are joined."""
        first, *rest = self.parts()
        return first.union(*rest, all=True) if rest else first

    def _union_sql(self) -> tuple[str, list]:
        """The union's SQL and parameters, compiled once per process for the same list: building eleven
        parts' expressions costs about as much as running them on a team's list, and a manager's sorting,
        paging and export of one list ask for the same statement again. The key is everything the statement
        is made from; the records are read afresh every time."""
        key = self._statement_key()
        cached = _STATEMENTS.get(key) if key is not None else None
        if cached is None:
            union = self.queryset()
            sql, params = union.query.get_compiler(using=union.db).as_sql()
            cached = (sql, tuple(params))
            if key is not None:
                if len(_STATEMENTS) >= STATEMENT_CACHE_SIZE:
                    _STATEMENTS.pop(next(iter(_STATEMENTS)))
                _STATEMENTS[key] = cached
        return cached[0], list(cached[1])

    def _statement_key(self):
        # The child filters restrict() adds are the scope's rule (see _part); any other filter is not
        # part of the key, so such a list is compiled every time.
        if self.child_filters and self.scope is None:
            return None
        return (
            connection.vendor,
            self.as_at,
            self.teams,
            self.team,
            self.worker,
            self.kinds,
            self.state,
            tuple(sorted(self.scales.items())),
            tuple(sorted(self.scope)) if self.scope is not None else None,
            bool(self.child_filters),
        )

    def rows(self) -> list[dict]:
        """Every item (OUTPUT), most overdue first: one query, the union with the child's, team's and worker's
        names joined by key once it is made. The list's count, its pages and its export all read this;
        read once per CaseWork."""
        if "rows" not in self._cache:
            today_ord = as_at_ordinal(self.as_at)
            if today_ord is None or self.empty or not self.kinds:
                self._cache["rows"] = []
                return []
            sql, params = self._union_sql()
            q = connection.ops.quote_name
            child, unit, worker = Child._meta, OrgUnit._meta, Worker._meta

            def col(alias, meta, name):
                return f"{alias}.{q(meta.get_field(name).column)}"

            # The child's, team's and worker's names by primary key: joining them inside each part lets
            # SQLite's planner drive a part from the children's table; out here they are lookups.
            outer = (
                f"SELECT u.work, u.record_id, u.child_pk, {col('c', child, 'child_id')}, "  # noqa: S608
                f"{col('c', child, 'given_name')}, {col('c', child, 'family_name')}, u.team_pk, "
                f"{col('t', unit, 'name')}, u.worker_pk, {col('w', worker, 'worker_id')}, "
                f"{col('w', worker, 'name')}, u.started, u.due, %s - u.due_ord, "
                f"CASE WHEN u.due_ord < %s THEN %s ELSE %s END "
                f"FROM ({sql}) u "
                f"INNER JOIN {q(child.db_table)} c ON {col('c', child, 'id')} = u.child_pk "
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
        today_ord = as_at_ordinal(self.as_at)
        if self.empty or not self.kinds or today_ord is None:
            return out
        # The home page and a team's scorecard ask for these on every view: kept until the records change
        # (the next import) or the day does (as_at is in the key), a minute at most.
        key = self._statement_key()
        cache_key = None
        if key is not None:
            digest = hashlib.sha256(repr((key, data_version())).encode()).hexdigest()
            cache_key = f"casework:counts:{digest}"
            kept = cache.get(cache_key)
            if kept is not None:
                return kept
        sql, params = self._union_sql()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT u.work, u.due_ord < %s, COUNT(*) FROM ({sql}) u GROUP BY 1, 2",  # noqa: S608
                [today_ord, *params],
            )
            for kind, overdue, n in cursor.fetchall():
                out[kind][WorkState.OVERDUE.value if overdue else WorkState.DUE_SOON.value] = n
        if cache_key is not None:
            cache.set(cache_key, out, COUNTS_CACHE_SECONDS)
        return out


def _text(expression):
    return Cast(expression, output_field=CharField())
