"""Section 10: workforce and practice quality.

An open allocated case at a date = an Allocation open at that date (start <= D, no end or end > D) with a
worker named on it; one allocation is one case of the team on the allocation (a child allocated to two teams
is a case of each). Case-holding workers are the rows of workers.csv employed at the date (start blank or
<= D, end blank or > D); a blank FTE counts as 1 (full time).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat

from apps.workforce.choices import Grade
from apps.workforce.models import Allocation, Audit, Post, Supervision, Worker

from ..engine import Ctx, annotate_team, open_at, parts, share_parts
from ..population import Dim, Kind, Population, population_measure
from ..registry import Basis, Part, Unit, measure
from .common import parameter as param

S = "10"
NOT_CHILDREN = "It counts posts, not children's records: there is no child-level list behind it."
ALLOCATION_COLUMNS = ("start_date", "end_date", "worker__worker_id")
END, M, R3M = Basis.AT_END, Basis.MONTH, Basis.R3M


def open_allocated_cases(ctx: Ctx):
    return Allocation.objects.filter(open_at(ctx.end), worker__isnull=False).annotate(_team=F("team_id"))


def workers_employed(ctx: Ctx):
    employed = (Q(start_date__isnull=True) | Q(start_date__lte=ctx.end)) & (
        Q(end_date__isnull=True) | Q(end_date__gt=ctx.end)
    )
    return Worker.objects.filter(employed).annotate(_team=F("team_id"))


@measure(
    "wf.caseload",
    "Average caseload",
    S,
    Unit.RATIO,
    "down",
    [END],
    definition="Open allocated cases at period end (allocations open at the end with a worker, by the team on "
    "the allocation) / FTE of case-holding workers of the team employed at period end (blank FTE = 1). "
    "Numerator and denominator are summed separately up to service and LA. Admins set the target band.",
    # The denominator is staff FTE, not a count of children: a small team's FTE is not suppressed.
    suppress_denominator=False,
    not_drillable="Its denominator is the staff FTE, not records; the cases behind its numerator are wf.open_cases.",
)
def caseload(ctx):
    for p in parts(open_allocated_cases(ctx), END, num=Count("pk")):
        yield replace(p, denominator=0)
    fte = Sum(Coalesce("fte", Value(Decimal(1))), output_field=DecimalField(max_digits=12, decimal_places=2))
    for p in parts(workers_employed(ctx), END, num=fte):
        yield Part(END, p.team_id, 0, p.numerator)


@population_measure(
    "wf.open_cases",
    "Open cases by service",
    S,
    Unit.COUNT,
    "none",
    [END],
    definition="Allocated open cases at period end: allocations open at the end with a worker named, by the "
    "team on the allocation (rolled up by service and LA).",
)
def open_cases(ctx, basis):
    return Population(open_allocated_cases(ctx), columns=ALLOCATION_COLUMNS)


def posts_open(ctx: Ctx):
    return Post.objects.filter(open_at(ctx.end)).annotate(_team=F("team_id"))


@measure(
    "wf.staff_makeup",
    "Social work staff makeup",
    S,
    Unit.PERCENT,
    "up",
    [END],
    breakdowns=("status",),
    definition="Posts open at period end by status (permanent / agency / vacant) / posts open at period end. "
    "Funded posts and filled unfunded posts count; an unfunded vacant post is not a vacancy and is left "
    "out. Polarity: a higher permanent share is better.",
    not_drillable=NOT_CHILDREN,
)
def staff_makeup(ctx):
    qs = posts_open(ctx).exclude(funded=False, status="vacant")
    yield from share_parts(qs, END, dimension="status", breakdown=F("status"))


@measure(
    "wf.unfunded_posts",
    "Posts over establishment",
    S,
    Unit.COUNT,
    "down",
    [END],
    definition="Filled posts (permanent or agency) with no funded establishment (funded N) open at period end.",
    not_drillable=NOT_CHILDREN,
)
def unfunded_posts(ctx):
    qs = posts_open(ctx).filter(funded=False, status__in=["permanent", "agency"])
    yield from parts(qs, END, num=Count("pk"))


def supervision_state(ctx: Ctx, days: int) -> Case:
    cutoff = ctx.end - timedelta(days=days)
    return Case(
        When(start_date__gt=cutoff, then=Value("newly_allocated")),
        When(_last__gt=cutoff, then=Value("in_time")),
        When(_last__isnull=False, then=Value("overdue")),
        default=Value("none_recorded"),
        output_field=CharField(),
    )


@population_measure(
    "wf.supervision",
    "Case supervision within 6 weeks",
    S,
    Unit.PERCENT,
    "up",
    [END],
    breakdowns=("supervision",),
    params={"days": 42},
    definition="Open allocated cases at period end by the child's latest case supervision held on or before "
    "the end, in this order: newly_allocated (allocation started less than 6 weeks = 42 days before the end, "
    "i.e. after end - 42 days), in_time (supervised after end - 42 days), overdue (last supervision on or "
    "before end - 42 days), none_recorded; each / open allocated cases. 42 days is an LA standard "
    "(MeasureSetting parameter days). Polarity: newly allocated + in time higher is better.",
)
def supervision(ctx, basis):
    days = int(param("wf.supervision", "days"))
    last = (
        Supervision.objects.filter(child_id=OuterRef("child_id"), kind="case", held_date__lte=ctx.end)
        .order_by("-held_date")
        .values("held_date")[:1]
    )
    qs = open_allocated_cases(ctx).annotate(_last=Subquery(last))
    dims = {"supervision": Dim(supervision_state(ctx, days))}
    return Population(
        qs, Kind.SHARE, dims=dims, columns=(*ALLOCATION_COLUMNS, ("_last", "Last case supervision"))
    )


@measure(
    "wf.group_supervision",
    "Group supervisions in last 3 months",
    S,
    Unit.COUNT,
    "up",
    [R3M],
    definition="Group supervision sessions held in the 3 months to period end, by the team on the record "
    "(else the team holding the child's case on the day; neither = LA only).",
    not_drillable="Group supervisions are about a team, not a child: there is no child-level list.",
)
def group_supervision(ctx):
    qs = Supervision.objects.filter(ctx.in_window("held_date", R3M), kind="group")
    yield from parts(annotate_team(qs, F("held_date")), R3M, num=Count("pk"))


def audits_in(ctx: Ctx):
    qs = Audit.objects.filter(ctx.in_window("completed_date", M))
    return annotate_team(qs, F("completed_date"))


GRADES = [*Grade.values, "not_recorded"]


def _grade(field: str):
    return Case(When(**{field: ""}, then=Value("not_recorded")), default=F(field), output_field=CharField())


@measure(
    "qa.audits",
    "Audits completed",
    S,
    Unit.PERCENT,
    "up",
    [M],
    breakdowns=("kind", "kind_grade"),
    definition="Case audits completed in period (team on the audit, else the child's case-holding team on "
    "the day). Whole = all audits (100%); kind = audits of the kind (regular, thematic) / all audits; "
    "kind_grade ('regular|good') = audits of the kind with the grade (inadequate, requires_improvement, "
    "good, outstanding, not_recorded) / audits of that kind, so grade shares are within each kind as in the "
    "booklet. Polarity: good and outstanding shares higher is better.",
    not_drillable="Its kind-by-grade parts take the kind's audits as their denominator; that list is not built yet.",
)
def audits(ctx):
    qs = audits_in(ctx)
    yield from parts(qs, M, num=Count("pk"), den=Count("pk"))
    by_kind = parts(qs, M, num=Count("pk"), dimension="kind", breakdown=F("kind"))
    yield from by_kind
    counts = {
        (p.team_id, p.breakdown): p.numerator
        for p in parts(
            qs,
            M,
            num=Count("pk"),
            dimension="kind_grade",
            breakdown=Concat(F("kind"), Value("|"), _grade("grade"), output_field=CharField()),
        )
    }
    # Every grade of every (team, kind) gets a part, zeros included, so that the kind's total is summed into
    # the denominator at each org unit as the parts roll up.
    for p in by_kind:
        for grade in GRADES:
            label = f"{p.breakdown}|{grade}"
            yield Part(M, p.team_id, counts.get((p.team_id, label), 0), p.numerator, "kind_grade", label)


@population_measure(
    "qa.management_oversight",
    "Management oversight grading",
    S,
    Unit.PERCENT,
    "up",
    [M],
    breakdowns=("oversight_grade",),
    definition="Regular audits completed in period by management-oversight grade (inadequate, "
    "requires_improvement, good, outstanding, not_recorded) / regular audits completed in period. Polarity: "
    "good and outstanding shares higher is better.",
)
def management_oversight(ctx, basis):
    qs = audits_in(ctx).filter(kind="regular")
    columns = ("completed_date", "kind", "grade", "oversight_grade")
    return Population(qs, Kind.SHARE, dims={"oversight_grade": Dim(F("oversight_grade"))}, columns=columns)
