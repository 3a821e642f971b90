"""Section 3: strategy discussions, section 47 enquiries and initial child protection conferences.

Strategy discussions and conferences carry no team: they are held by the team holding the child's case on
the day they were held. S47 enquiries carry their team, else the case holder on the event date."""

from __future__ import annotations

from functools import reduce
from operator import add

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    Value,
    When,
)

from apps.assessments.models import Conference, S47Enquiry, StrategyDiscussion

from ..engine import Ctx, annotate_age, annotate_team, days_between, parts
from ..population import Dim, Kind, Population, population_measure
from ..registry import Basis, Unit, measure
from .assessments import team_code
from .common import population

S = "3"
M, YTD = Basis.MONTH, Basis.YTD
AGENCIES = ("social_care", "police", "health", "education")
ICPC_WITHIN_WD = 15  # Working Together: the ICPC within 15 working days of the strategy discussion


def discussions_in(ctx: Ctx, basis: str):
    qs = StrategyDiscussion.objects.filter(ctx.in_window("held_date", basis))
    return annotate_team(qs, F("held_date"), team_field=None)


def s47s_started(ctx: Ctx, basis: str):
    return annotate_team(S47Enquiry.objects.filter(ctx.in_window("start_date", basis)), F("start_date"))


def s47s_completed(ctx: Ctx, basis: str):
    qs = S47Enquiry.objects.filter(ctx.in_window("completed_date", basis))
    return annotate_team(qs, F("completed_date"))


def icpcs_in(ctx: Ctx, basis: str):
    """Initial conferences held in the window, one per child: the child's first in the window (ties: the
    lower id), so a child conferenced twice in a month counts once at every org level."""
    start, end = ctx.window(basis)
    in_window = Conference.objects.filter(kind="initial", held_date__gte=start, held_date__lt=end)
    earlier = in_window.filter(child_id=OuterRef("child_id")).filter(
        Q(held_date__lt=OuterRef("held_date")) | Q(held_date=OuterRef("held_date"), pk__lt=OuterRef("pk"))
    )
    return annotate_team(in_window.filter(~Exists(earlier)), F("held_date"), team_field=None)


@population_measure(
    "sd.meetings",
    "Strategy discussions",
    S,
    Unit.COUNT,
    "none",
    [M, YTD],
    definition="Strategy discussions held (held date) in the period; also YTD.",
)
def meetings(ctx: Ctx, basis: str):
    return Population(discussions_in(ctx, basis), columns=("held_date", "completed"))


def _agency_parts(qs, basis: str, num: dict, den: dict):
    """One part per agency (own numerator and denominator) and a whole that is their sum, so the agency
    parts sum to the whole in numerator and denominator alike."""
    yield from parts(qs, basis, num=reduce(add, num.values()), den=reduce(add, den.values()))
    for agency in AGENCIES:
        yield from parts(
            qs, basis, num=num[agency], den=den[agency], dimension="agency", breakdown=Value(agency)
        )


@measure(
    "sd.agency_invited",
    "Agency invited to strategy discussion",
    S,
    Unit.PERCENT,
    "up",
    [M, YTD],
    breakdowns=("agency",),
    definition=(
        "Per agency (social care, police, health, education): strategy discussions held in the period where "
        "the agency was invited / discussions held in the period. The whole is all invitations / "
        "(discussions x 4 agencies), so the agency parts sum to it. Also YTD (the booklet's figures)."
    ),
    not_drillable=(
        "The whole counts invitations and attendances (a discussion counts once per agency), not records; "
        "the list of discussions per agency is not built yet."
    ),
)
def agency_invited(ctx: Ctx):
    for basis in (M, YTD):
        num = {a: Count("pk", filter=Q(**{f"invited_{a}": True})) for a in AGENCIES}
        den = {a: Count("pk") for a in AGENCIES}
        yield from _agency_parts(discussions_in(ctx, basis), basis, num, den)


@measure(
    "sd.agency_attended",
    "Agency attended when invited",
    S,
    Unit.PERCENT,
    "up",
    [M, YTD],
    breakdowns=("agency",),
    definition=(
        "Per agency: strategy discussions held in the period that the agency was invited to and attended / "
        "discussions it was invited to (attendance without an invitation is not counted). The whole is all "
        "attendances / all invitations, so the agency parts sum to it. Also YTD (the booklet's figures)."
    ),
    not_drillable=(
        "The whole counts invitations and attendances (a discussion counts once per agency), not records; "
        "the list of discussions per agency is not built yet."
    ),
)
def agency_attended(ctx: Ctx):
    for basis in (M, YTD):
        num = {a: Count("pk", filter=Q(**{f"invited_{a}": True, f"attended_{a}": True})) for a in AGENCIES}
        den = {a: Count("pk", filter=Q(**{f"invited_{a}": True})) for a in AGENCIES}
        yield from _agency_parts(discussions_in(ctx, basis), basis, num, den)


@population_measure(
    "s47.started",
    "Section 47 enquiries",
    S,
    Unit.COUNT,
    "none",
    [M, YTD],
    definition="Section 47 enquiries started in the period; also YTD. Per 10,000: s47.started_rate.",
)
def started(ctx: Ctx, basis: str):
    return Population(s47s_started(ctx, basis), columns=("start_date", "completed_date", "outcome"))


@population_measure(
    "s47.started_rate",
    "Section 47 enquiries per 10,000 children (YTD)",
    S,
    Unit.RATE,
    "none",
    [YTD],
    la_only=True,
    definition="Section 47 enquiries started in the financial year to date / population aged 0-17 x 10,000.",
)
def started_rate(ctx: Ctx, basis: str):
    return Population(
        s47s_started(ctx, basis),
        Kind.RATE,
        rate_denominator=lambda: population(ctx),
        columns=("start_date", "completed_date", "outcome"),
    )


@population_measure(
    "s47.outcome",
    "Outcome of section 47",
    S,
    Unit.PERCENT,
    "none",
    [M],
    breakdowns=("outcome",),
    definition=(
        "Section 47 enquiries completed in the period by outcome (continue with C&F assessment, progress to "
        "ICPC, legal action, continue with CIN/CP/CLA, NFA; blank: not_recorded) / completed in the period."
    ),
)
def outcome(ctx: Ctx, basis: str):
    return Population(
        s47s_completed(ctx, basis),
        Kind.SHARE,
        dims={"outcome": Dim(F("outcome"))},
        columns=("start_date", "completed_date", "outcome"),
    )


@population_measure(
    "s47.by_team",
    "Section 47s by team",
    S,
    Unit.PERCENT,
    "none",
    [M],
    breakdowns=("team",),
    definition=(
        "Section 47 enquiries started in the period by team (team code; no_team when held by none) / "
        "started in the period."
    ),
)
def by_team(ctx: Ctx, basis: str):
    return Population(
        s47s_started(ctx, basis),
        Kind.SHARE,
        dims={"team": Dim(team_code())},
        columns=("start_date", "completed_date", "outcome"),
    )


@population_measure(
    "s47.days_open",
    "Section 47: length of time open",
    S,
    Unit.MEAN,
    "down",
    [M],
    definition=(
        "Mean calendar days from start to completion of section 47 enquiries completed in the period "
        "(numerator: total days; denominator: enquiries)."
    ),
)
def days_open(ctx: Ctx, basis: str):
    duration = days_between("start_date", "completed_date")
    qs = s47s_completed(ctx, basis)
    return Population(qs, Kind.MEAN, duration=duration, columns=("start_date", "completed_date", "_days"))


@population_measure(
    "icpc.held",
    "Children subject to ICPC",
    S,
    Unit.COUNT,
    "none",
    [M],
    definition=(
        "Initial child protection conferences held in the period, one per child (a child's first in the "
        "period)."
    ),
)
def held(ctx: Ctx, basis: str):
    return Population(icpcs_in(ctx, basis), columns=("held_date", "plan_made", "working_days_from_strategy"))


@population_measure(
    "icpc.within_15wd",
    "ICPC within 15 working days",
    S,
    Unit.PERCENT,
    "up",
    [M],
    definition=(
        "ICPCs held in the period (one per child) at most 15 working days after the strategy discussion that "
        "initiated the S47 (else the S47 start) / ICPCs held in the period. An ICPC linked to no S47 has no "
        "duration and counts in the denominator only."
    ),
)
def within_15wd(ctx: Ctx, basis: str):
    in_time = Q(working_days_from_strategy__lte=ICPC_WITHIN_WD)
    return Population(
        icpcs_in(ctx, basis),
        Kind.RATIO,
        num=in_time,
        columns=("held_date", "plan_made", "working_days_from_strategy"),
    )


def gender_or_unborn():
    return Case(
        When(Q(_age__isnull=True) | Q(_age__lt=0), then=Value("unborn")),
        When(child__sex="F", then=Value("female")),
        When(child__sex="M", then=Value("male")),
        When(child__sex="I", then=Value("indeterminate")),
        default=Value("unknown"),
        output_field=CharField(),
    )


@population_measure(
    "icpc.by_gender",
    "ICPCs by gender",
    S,
    Unit.PERCENT,
    "none",
    [M],
    breakdowns=("gender",),
    definition=(
        "ICPCs held in the period (one per child) by the child's gender on the conference date: unborn (no "
        "date of birth, or born after the conference), else female, male, indeterminate, unknown / ICPCs."
    ),
)
def by_gender(ctx: Ctx, basis: str):
    qs = annotate_age(icpcs_in(ctx, basis), "child__date_of_birth", F("held_date"))
    return Population(qs, Kind.SHARE, dims={"gender": Dim(gender_or_unborn())}, columns=("held_date", "_age"))


@population_measure(
    "icpc.to_plan",
    "ICPC resulting in a CP plan",
    S,
    Unit.PERCENT,
    "none",
    [M],
    definition="ICPCs held in the period (one per child) with a plan made / ICPCs held in the period.",
)
def to_plan(ctx: Ctx, basis: str):
    return Population(
        icpcs_in(ctx, basis),
        Kind.RATIO,
        num=Q(plan_made=True),
        columns=("held_date", "plan_made", "working_days_from_strategy"),
    )
