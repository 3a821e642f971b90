"""Section 4: child and family assessments. Completed means authorised; every measure here is over the
assessments authorised in the period, held by the team recorded on the assessment, else the team holding the
child's case on the authorisation date."""

from __future__ import annotations

from django.db.models import Case, CharField, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Concat

from apps.assessments.models import Assessment
from apps.core.models import OrgUnit

from ..engine import AGE_BANDS, Ctx, annotate_age, annotate_team, band, ethnicity_group, gender
from ..population import Dim, Kind, Population, population_measure
from ..registry import Basis, Unit

S = "4"
M = Basis.MONTH
WITHIN_WD = 45
DURATION_BANDS = [("0-25", 0, 25), ("26-40", 26, 40), ("41-45", 41, 45), ("46+", 46, None)]


def assessments_completed(ctx: Ctx, basis: str):
    qs = Assessment.objects.filter(ctx.in_window("authorised_date", basis))
    return annotate_team(qs, F("authorised_date"))


def team_code(team: str = "_team"):
    """The code of the org unit annotated as `team`; 'no_team' for records held by no team."""
    code = Subquery(OrgUnit.objects.filter(pk=OuterRef(team)).values("code")[:1])
    return Coalesce(code, Value("no_team"), output_field=CharField())


def first_of_referral():
    """True when no other assessment on the same referral started before this one (ties: the lower id).
    An assessment linked to no referral has no earlier one on its referral, so it counts as the first."""
    earlier = Assessment.objects.filter(referral_id=OuterRef("referral_id")).filter(
        Q(start_date__lt=OuterRef("start_date")) | Q(start_date=OuterRef("start_date"), pk__lt=OuterRef("pk"))
    )
    return ~Exists(earlier)


@population_measure(
    "as.completed",
    "Assessments completed",
    S,
    Unit.COUNT,
    "none",
    [M],
    definition="Assessments authorised (completed) in the period; charted as a monthly trend, this FY vs last.",
)
def completed(ctx: Ctx, basis: str):
    return Population(
        assessments_completed(ctx, basis),
        columns=("start_date", "authorised_date", "working_days", "outcome"),
    )


@population_measure(
    "as.child_seen",
    "Children seen during assessment",
    S,
    Unit.PERCENT,
    "up",
    [M],
    definition="Assessments completed in the period where the child was seen (child_seen Y) / completed.",
)
def child_seen(ctx: Ctx, basis: str):
    return Population(
        assessments_completed(ctx, basis),
        Kind.RATIO,
        num=Q(child_seen=True),
        columns=("start_date", "authorised_date", "child_seen", "child_seen_date"),
    )


@population_measure(
    "as.within_45wd",
    "Assessments completed within 45 working days",
    S,
    Unit.PERCENT,
    "up",
    [M],
    definition=(
        "Assessments completed in the period whose duration from assessment start to authorisation is at most "
        "45 working days (DfE) / assessments completed in the period."
    ),
)
def within_45wd(ctx: Ctx, basis: str):
    return Population(
        assessments_completed(ctx, basis),
        Kind.RATIO,
        num=Q(working_days__lte=WITHIN_WD),
        columns=("start_date", "authorised_date", "working_days", "outcome"),
    )


def duration_band():
    whens = []
    for label, lo, hi in DURATION_BANDS:
        q = Q(working_days__gte=lo)
        if hi is not None:
            q &= Q(working_days__lte=hi)
        whens.append(When(q, then=Value(label)))
    return Case(*whens, default=Value(""), output_field=CharField())


@population_measure(
    "as.duration_band",
    "Assessment duration",
    S,
    Unit.PERCENT,
    "none",
    [M],
    breakdowns=("duration_band",),
    definition=(
        "Assessments completed in the period by working days from start to authorisation: 0-25, 26-40, "
        "41-45, 46+ / completed in the period."
    ),
)
def duration(ctx: Ctx, basis: str):
    return Population(
        assessments_completed(ctx, basis),
        Kind.SHARE,
        dims={"duration_band": Dim(duration_band())},
        columns=("start_date", "authorised_date", "working_days", "outcome"),
    )


@population_measure(
    "as.outcome",
    "Outcome of assessments",
    S,
    Unit.PERCENT,
    "none",
    [M],
    breakdowns=("outcome",),
    definition=(
        "Assessments completed in the period by outcome (CIN plan, legal action, NFA, continue with CIN/CP/"
        "CLA, referral to other agency, step down to early help, strategy discussion; blank: not_recorded) "
        "/ completed in the period."
    ),
)
def outcome(ctx: Ctx, basis: str):
    return Population(
        assessments_completed(ctx, basis),
        Kind.SHARE,
        dims={"outcome": Dim(F("outcome"))},
        columns=("start_date", "authorised_date", "working_days", "outcome"),
    )


@population_measure(
    "as.nfa",
    "Assessments leading to no further action",
    S,
    Unit.PERCENT,
    "down",
    [M],
    definition="Assessments completed in the period with outcome NFA / completed (the nfa part of as.outcome).",
)
def nfa(ctx: Ctx, basis: str):
    return Population(
        assessments_completed(ctx, basis),
        Kind.RATIO,
        num=Q(outcome="nfa"),
        columns=("start_date", "authorised_date", "working_days", "outcome"),
    )


@population_measure(
    "as.first_of_referral",
    "First assessment of referral",
    S,
    Unit.PERCENT,
    "none",
    [M],
    definition=(
        "Assessments completed in the period that were the first assessment on their referral (no assessment "
        "on the same referral started earlier; an assessment linked to no referral counts as a first) / "
        "completed in the period."
    ),
)
def first_of_ref(ctx: Ctx, basis: str):
    qs = assessments_completed(ctx, basis).annotate(_first=first_of_referral())
    return Population(
        qs,
        Kind.RATIO,
        num=Q(_first=True),
        columns=("referral__referral_id", "start_date", "authorised_date", "outcome"),
    )


@population_measure(
    "as.by_team",
    "Assessments by team",
    S,
    Unit.PERCENT,
    "none",
    [M],
    breakdowns=("team", "team_kind"),
    definition=(
        "Assessments completed in the period by team (team code; no_team when held by none) / completed, "
        "and by team split initial (first of its referral, as as.first_of_referral) / other, labelled "
        "'<team>|initial' and '<team>|other'. Numerators are the counts."
    ),
)
def by_team(ctx: Ctx, basis: str):
    qs = assessments_completed(ctx, basis).annotate(_first=first_of_referral())
    kind = Case(When(_first=True, then=Value("initial")), default=Value("other"), output_field=CharField())
    return Population(
        qs,
        Kind.SHARE,
        dims={"team": Dim(team_code()), "team_kind": Dim(Concat(team_code(), Value("|"), kind))},
        columns=("referral__referral_id", "start_date", "authorised_date", "outcome"),
    )


@population_measure(
    "as.by_age",
    "Assessed children by age band",
    S,
    Unit.PERCENT,
    "none",
    [M],
    breakdowns=("age_band",),
    definition=(
        "Assessments completed in the period by the child's age band on the authorisation date (unborn, "
        "0-4, 5-9, 10-15, 16+) / completed in the period."
    ),
)
def by_age(ctx: Ctx, basis: str):
    qs = annotate_age(assessments_completed(ctx, basis), "child__date_of_birth", F("authorised_date"))
    return Population(
        qs,
        Kind.SHARE,
        dims={"age_band": Dim(band(AGE_BANDS))},
        columns=("start_date", "authorised_date", "_age"),
    )


@population_measure(
    "as.by_gender",
    "Assessed children by gender",
    S,
    Unit.PERCENT,
    "none",
    [M],
    breakdowns=("gender",),
    definition=(
        "Assessments completed in the period by the child's gender (female, male, indeterminate, unknown) / "
        "completed in the period."
    ),
)
def by_gender(ctx: Ctx, basis: str):
    return Population(
        assessments_completed(ctx, basis),
        Kind.SHARE,
        dims={"gender": Dim(gender())},
        columns=("start_date", "authorised_date"),
    )


@population_measure(
    "as.by_ethnicity",
    "Assessed children by ethnicity group",
    S,
    Unit.PERCENT,
    "none",
    [M],
    breakdowns=("ethnicity_group",),
    definition=(
        "Assessments completed in the period by the child's ethnicity group (White, Mixed, Asian, Black, "
        "Other, Not stated, Missing) / completed in the period."
    ),
)
def by_ethnicity(ctx: Ctx, basis: str):
    return Population(
        assessments_completed(ctx, basis),
        Kind.SHARE,
        dims={"ethnicity_group": Dim(ethnicity_group())},
        columns=("start_date", "authorised_date"),
    )
