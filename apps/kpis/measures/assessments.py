"""Section 4: child and family assessments. Completed means authorised; every measure here is over the
assessments authorised in the period, held by the team recorded on the assessment, else the team holding the
child's case on the authorisation date."""

from __future__ import annotations

from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Concat

from apps.assessments.models import Assessment
from apps.core.models import OrgUnit

from ..engine import (
    AGE_BANDS,
    Ctx,
    annotate_age,
    annotate_team,
    band,
    ethnicity_group,
    gender,
    parts,
    share_parts,
)
from ..registry import Basis, Unit, measure

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


@measure(
    "as.completed",
    "Assessments completed",
    S,
    Unit.COUNT,
    "none",
    [M],
    definition="Assessments authorised (completed) in the period; charted as a monthly trend, this FY vs last.",
)
def completed(ctx: Ctx):
    yield from parts(assessments_completed(ctx, M), M, num=Count("pk"))


@measure(
    "as.child_seen",
    "Children seen during assessment",
    S,
    Unit.PERCENT,
    "up",
    [M],
    definition="Assessments completed in the period where the child was seen (child_seen Y) / completed.",
)
def child_seen(ctx: Ctx):
    yield from parts(
        assessments_completed(ctx, M), M, num=Count("pk", filter=Q(child_seen=True)), den=Count("pk")
    )


@measure(
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
def within_45wd(ctx: Ctx):
    yield from parts(
        assessments_completed(ctx, M),
        M,
        num=Count("pk", filter=Q(working_days__lte=WITHIN_WD)),
        den=Count("pk"),
    )


def duration_band():
    whens = []
    for label, lo, hi in DURATION_BANDS:
        q = Q(working_days__gte=lo)
        if hi is not None:
            q &= Q(working_days__lte=hi)
        whens.append(When(q, then=Value(label)))
    return Case(*whens, default=Value(""), output_field=CharField())


@measure(
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
def duration(ctx: Ctx):
    yield from share_parts(
        assessments_completed(ctx, M), M, dimension="duration_band", breakdown=duration_band()
    )


@measure(
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
def outcome(ctx: Ctx):
    yield from share_parts(assessments_completed(ctx, M), M, dimension="outcome", breakdown=F("outcome"))


@measure(
    "as.nfa",
    "Assessments leading to no further action",
    S,
    Unit.PERCENT,
    "down",
    [M],
    definition="Assessments completed in the period with outcome NFA / completed (the nfa part of as.outcome).",
)
def nfa(ctx: Ctx):
    yield from parts(
        assessments_completed(ctx, M), M, num=Count("pk", filter=Q(outcome="nfa")), den=Count("pk")
    )


@measure(
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
def first_of_ref(ctx: Ctx):
    qs = assessments_completed(ctx, M).annotate(_first=first_of_referral())
    yield from parts(qs, M, num=Count("pk", filter=Q(_first=True)), den=Count("pk"))


@measure(
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
def by_team(ctx: Ctx):
    qs = assessments_completed(ctx, M).annotate(_first=first_of_referral())
    kind = Case(When(_first=True, then=Value("initial")), default=Value("other"), output_field=CharField())
    yield from share_parts(qs, M, dimension="team", breakdown=team_code())
    yield from parts(
        qs, M, num=Count("pk"), dimension="team_kind", breakdown=Concat(team_code(), Value("|"), kind)
    )


@measure(
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
def by_age(ctx: Ctx):
    qs = annotate_age(assessments_completed(ctx, M), "child__date_of_birth", F("authorised_date"))
    yield from share_parts(qs, M, dimension="age_band", breakdown=band(AGE_BANDS))


@measure(
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
def by_gender(ctx: Ctx):
    yield from share_parts(assessments_completed(ctx, M), M, dimension="gender", breakdown=gender())


@measure(
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
def by_ethnicity(ctx: Ctx):
    yield from share_parts(
        assessments_completed(ctx, M), M, dimension="ethnicity_group", breakdown=ethnicity_group()
    )
