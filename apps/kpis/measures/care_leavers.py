"""Section 8: care leavers.

A young person's status at the period end is their latest CareLeaverStatus row dated on or before it (a
Subquery picks the newest row per child, so history is kept and a later row never leaks backwards).

Who is a care leaver (the population of every measure but cl.neet): a former relevant young person receiving
a leaving-care service at the period end, i.e. on the latest status row
- eligibility `former_relevant`, or blank: a blank is read as former relevant because the age test below
  already rules out relevant children (16-17) and councils that do not record eligibility would otherwise
  report no care leavers at all; `relevant` and `qualifying` rows are not care leavers here;
- aged 18-25 at the period end (whole years; no date of birth = excluded): former relevant means 18+, and the
  leaving-care entitlement ends at 25, which also retires status rows left behind by young people who have
  aged out;
- not `DIED` or `NREQ` (no longer requires services) in the OC3 in-touch column: neither receives a service.
  `REFU` (refuses contact), `NO` and `RHOM` (returned home) stay care leavers: the duty remains.

Team: the team holding the young person's case (allocation) at the period end; none = LA only.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Case, CharField, Exists, F, OuterRef, Q, Value, When

from apps.care.choices import (
    EET_ACTIVITIES,
    HIGHER_EDUCATION,
    NEET_ACTIVITIES,
    OTHER_EDUCATION,
    TRAINING_EMPLOYMENT,
)
from apps.care.models import CareLeaverStatus
from apps.core.workdays import years_before

from ..engine import Ctx, annotate_age, annotate_team, band
from ..population import Dim, Kind, Population, population_measure
from ..registry import Basis, Unit
from .common import parameter as param

S = "8"
END = Basis.AT_END

NOT_SERVED = ["DIED", "NREQ"]
CL_AGES = [("18", 18, 18), ("19", 19, 19), ("20", 20, 20), ("21", 21, 21), ("22+", 22, None)]
UNIVERSITY = HIGHER_EDUCATION


def latest_statuses(ctx: Ctx):
    """Each young person's latest status on or before the period end, with `_age` and `_team` at the end.
    Written as "no newer status exists" (an anti-join the database can hash) rather than "is the newest"
    (a subquery run for every row)."""
    newer = CareLeaverStatus.objects.filter(child_id=OuterRef("child_id"), status_date__lte=ctx.end).filter(
        Q(status_date__gt=OuterRef("status_date"))
        | Q(status_date=OuterRef("status_date"), pk__gt=OuterRef("pk"))
    )
    # A coarse date-of-birth window (a week wider than ages 16-25) lets the database skip most rows before
    # the anti-join; the exact whole-years age test below decides.
    born = (years_before(ctx.end, 27), years_before(ctx.end, 16) + timedelta(days=7))
    latest = CareLeaverStatus.objects.filter(
        status_date__lte=ctx.end, child__date_of_birth__range=born
    ).exclude(Exists(newer))
    # Every measure of the section counts young people aged 16-25 on their latest status: that selection is
    # the dear part, so it is made once for the month and shared.
    latest = annotate_age(latest, "child__date_of_birth", ctx.end).filter(_age__gte=16, _age__lte=25)
    qs = annotate_age(ctx.remembered("cl.latest_statuses_16_25", latest), "child__date_of_birth", ctx.end)
    return annotate_team(qs, ctx.end, team_field=None)


def care_leavers(ctx: Ctx):
    """Former relevant young people aged 18-25 receiving a leaving-care service at the period end."""
    return (
        latest_statuses(ctx)
        .filter(Q(eligibility="former_relevant") | Q(eligibility=""), _age__gte=18, _age__lte=25)
        .exclude(in_touch__in=NOT_SERVED)
    )


CL_COLUMNS = (
    "status_date",
    "_age",
    "eligibility",
    "in_touch",
    "last_contact_date",
    "activity",
    "accommodation",
    "accommodation_suitable",
    "pathway_plan_review_date",
)

POPULATION = (
    "Care leaver = latest status on or before the period end with eligibility former relevant (or blank), "
    "aged 18-25 at the period end, in-touch not DIED/NREQ; team = the case-holding team at the period end."
)


@population_measure(
    "cl.count",
    "Care leavers",
    S,
    Unit.COUNT,
    "none",
    [END],
    breakdowns=("age",),
    definition="Care leavers (former relevant, receiving a leaving-care service) at period end, by age 18, "
    "19, 20, 21, 22+ (whole years at the period end). " + POPULATION,
)
def cl_count(ctx, basis):
    return Population(care_leavers(ctx), dims={"age": Dim(band(CL_AGES, unborn=None))}, columns=CL_COLUMNS)


def eet_type():
    return Case(
        When(activity__in=HIGHER_EDUCATION, then=Value("higher_education")),
        When(activity__in=OTHER_EDUCATION, then=Value("other_education")),
        When(activity__in=TRAINING_EMPLOYMENT, then=Value("training_employment")),
        output_field=CharField(),
    )


@population_measure(
    "cl.eet",
    "Care leavers in education, employment or training",
    S,
    Unit.PERCENT,
    "up",
    [END],
    breakdowns=("eet_type",),
    definition="Care leavers 18-25 at period end whose latest activity is EET (OC3 F1-F5, P1-P5) / care "
    "leavers 18-25; split higher education (F1/P1), other education (F2/P2), training or employment "
    "(F3-F5/P3-P5: F3/P3 of the earlier code years, F4/P4 and F5/P5 of the later), each a share of all "
    "care leavers 18-25, the three parts summing to the EET numerator. Activity 0 (not known) and blank "
    "are neither EET nor NEET: not in the numerator, still in the denominator. " + POPULATION,
)
def cl_eet(ctx, basis):
    eet = Q(activity__in=EET_ACTIVITIES)
    return Population(
        care_leavers(ctx),
        Kind.RATIO,
        num=eet,
        dims={"eet_type": Dim(eet_type(), within=eet)},
        columns=CL_COLUMNS,
    )


@population_measure(
    "cl.in_touch",
    "Care leavers in touch",
    S,
    Unit.PERCENT,
    "up",
    [END],
    definition="Care leavers with contact in the previous 12 months / care leavers (target 90%). In touch = "
    "last contact date after the same date a year before the period end and not after the period end; when "
    "no last contact date is recorded, an OC3 in-touch YES on a status dated within those 12 months counts. "
    "REFU / NO / RHOM without a recent contact are not in touch. " + POPULATION,
)
def cl_in_touch(ctx, basis):
    year_ago = years_before(ctx.end, 1)
    recent = Q(last_contact_date__gt=year_ago, last_contact_date__lte=ctx.end)
    said_yes = Q(last_contact_date__isnull=True, in_touch="YES", status_date__gt=year_ago)
    return Population(care_leavers(ctx), Kind.RATIO, num=recent | said_yes, columns=CL_COLUMNS)


@population_measure(
    "cl.suitable_accommodation",
    "Care leavers in suitable accommodation",
    S,
    Unit.PERCENT,
    "up",
    [END],
    breakdowns=("accommodation",),
    definition="Care leavers 18-25 whose accommodation is judged suitable (accommodation_suitable Y) / care "
    "leavers 18-25; unknown suitability counts as not suitable. Split: the suitable ones by OC3 "
    "accommodation letter (B, C, D, E, T, U, V, X, Y, Z...; blank = not_recorded), each a share of all care "
    "leavers 18-25. " + POPULATION,
)
def cl_suitable_accommodation(ctx, basis):
    suitable = Q(accommodation_suitable=True)
    return Population(
        care_leavers(ctx),
        Kind.RATIO,
        num=suitable,
        dims={"accommodation": Dim(F("accommodation"), within=suitable)},
        columns=CL_COLUMNS,
    )


@population_measure(
    "cl.university",
    "Care leavers at university",
    S,
    Unit.COUNT,
    "up",
    [END],
    definition="Care leavers at period end whose latest activity is higher education (OC3 F1 full time, P1 "
    "part time). " + POPULATION,
)
def cl_university(ctx, basis):
    return Population(care_leavers(ctx).filter(activity__in=UNIVERSITY), columns=CL_COLUMNS)


@population_measure(
    "cl.neet",
    "NEET young people",
    S,
    Unit.COUNT,
    "down",
    [END],
    breakdowns=("activity",),
    definition="Young people aged 16-25 at period end not in education, employment or training: latest "
    "care-leaver status activity G4, G5 or G6 (F5/P5 are employment, 0 is not known: neither is NEET), "
    "any eligibility (relevant, former relevant, "
    "qualifying, blank), in-touch not DIED/NREQ. Children in care are counted only through a care-leaver "
    "status row: the record format holds no activity for other children in care. By activity code.",
)
def cl_neet(ctx, basis):
    qs = (
        latest_statuses(ctx)
        .filter(_age__gte=16, _age__lte=25, activity__in=NEET_ACTIVITIES)
        .exclude(in_touch__in=NOT_SERVED)
    )
    return Population(qs, dims={"activity": Dim(F("activity"))}, columns=CL_COLUMNS)


@population_measure(
    "cl.pathway_plan",
    "Pathway plan reviewed in time",
    S,
    Unit.PERCENT,
    "up",
    [END],
    params={"review_months": 6},
    definition="Care leavers whose latest pathway plan review date is within the 6 months to the period end "
    "(after the same day 6 months before the period end, not after it) / care leavers. The 6 months are an "
    "LA standard (MeasureSetting parameter review_months). " + POPULATION,
)
def cl_pathway_plan(ctx, basis):
    months = int(param("cl.pathway_plan", "review_months"))
    since = (ctx.period - months).end  # the period end is a month end: N months before it is a month end
    reviewed = Q(pathway_plan_review_date__gt=since, pathway_plan_review_date__lte=ctx.end)
    return Population(care_leavers(ctx), Kind.RATIO, num=reviewed, columns=CL_COLUMNS)


@population_measure(
    "cl.pa_allocated",
    "Personal adviser allocated",
    S,
    Unit.PERCENT,
    "up",
    [END],
    definition="Care leavers whose latest status names a personal adviser who has not left by the period "
    "end (worker end date blank or after the period end) / care leavers. " + POPULATION,
)
def cl_pa_allocated(ctx, basis):
    has_pa = Q(pa_worker__isnull=False) & (
        Q(pa_worker__end_date__isnull=True) | Q(pa_worker__end_date__gt=ctx.end)
    )
    return Population(
        care_leavers(ctx), Kind.RATIO, num=has_pa, columns=CL_COLUMNS + ("pa_worker__end_date",)
    )
