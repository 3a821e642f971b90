"""Section 9: adoption (A1/A2 timeliness, orders granted), fostering, court proceedings and life story work.
None of these records carries a team: a child's figure goes to the team holding the case (Allocation) at the
reference date (the event's date for flows, the period end for stocks)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Case, Count, DurationField, F, Q, Value, When

from apps.care.models import Adoption, CareEpisode, LifeStoryWork, Proceeding

from ..engine import Ctx, annotate_team, days_between, open_at, parts
from ..population import Dim, Kind, Population, population_measure
from ..registry import Basis, Measure, Unit, measure, register

S = "9"
M, YTD, R36, END = Basis.MONTH, Basis.YTD, Basis.R36, Basis.AT_END
ADOPTION_COLUMNS = (
    "entered_care_date",
    "decision_date",
    "placement_order_date",
    "matched_date",
    "placed_date",
    "adoption_order_date",
)
COURT_COLUMNS = ("kind", "start_date", "end_date", "outcome")
FOSTER_PLACEMENTS = ["U1", "U2", "U3", "U4", "U5", "U6"]


# --- Adoption ----------------------------------------------------------------------------------------------


@population_measure(
    "ad.a1_days",
    "Entering care to moving in with adoptive family (A1)",
    S,
    Unit.MEAN,
    "down",
    [R36],
    definition="mean days from entering care to moving in with the adoptive family (placed for adoption), "
    "over children adopted (adoption order) in the 36 months to period end (adoptions.csv dates; children "
    "without an entered-care or placed date are left out)",
)
def a1_days(ctx, basis):
    qs = Adoption.objects.filter(
        ctx.in_window("adoption_order_date", basis),
        entered_care_date__isnull=False,
        placed_date__isnull=False,
    )
    qs = annotate_team(qs, F("adoption_order_date"), team_field=None)
    duration = days_between("entered_care_date", "placed_date")
    return Population(qs, Kind.MEAN, duration=duration, columns=(*ADOPTION_COLUMNS, "_days"))


@population_measure(
    "ad.a2_days",
    "Placement order to match (A2)",
    S,
    Unit.MEAN,
    "down",
    [R36],
    definition="mean days from placement order to match with the adopters, over children matched in the 36 "
    "months to period end (0 when matched before the order; children without a placement order date are "
    "left out)",
)
def a2_days(ctx, basis):
    qs = Adoption.objects.filter(ctx.in_window("matched_date", basis), placement_order_date__isnull=False)
    qs = annotate_team(qs, F("matched_date"), team_field=None)
    wait = Case(
        When(matched_date__lt=F("placement_order_date"), then=Value(timedelta(0))),
        default=days_between("placement_order_date", "matched_date"),
        output_field=DurationField(),
    )
    return Population(qs, Kind.MEAN, duration=wait, columns=(*ADOPTION_COLUMNS, "_days"))


def orders(ctx: Ctx, column: str, basis: str):
    qs = Adoption.objects.filter(ctx.in_window(column, basis))
    return annotate_team(qs, F(column), team_field=None)


@population_measure(
    "ad.placement_orders",
    "Placement orders granted",
    S,
    Unit.COUNT,
    "none",
    [M, YTD],
    definition="children with a placement order granted in period; also YTD",
)
def placement_orders(ctx, basis):
    return Population(orders(ctx, "placement_order_date", basis), columns=ADOPTION_COLUMNS)


@population_measure(
    "ad.adoption_orders",
    "Adoption orders granted",
    S,
    Unit.COUNT,
    "none",
    [M, YTD],
    definition="children with an adoption order granted in period; also YTD",
)
def adoption_orders(ctx, basis):
    return Population(orders(ctx, "adoption_order_date", basis), columns=ADOPTION_COLUMNS)


# --- Fostering ---------------------------------------------------------------------------------------------

register(
    Measure(
        "fo.carers_approved",
        "Foster carers approved",
        S,
        Unit.COUNT,
        "up",
        (M,),
        entered=True,
        definition="in-house foster carers approved in period: the record format holds no foster carer "
        "records, so an admin enters the figure. The in-house vs IFA split of placements at period end is "
        "computed as fo.placements_inhouse_ifa",
    )
)


def provider_group() -> Case:
    return Case(
        When(placement_provider="PR1", then=Value("in_house")),
        When(placement_provider__in=["PR4", "PR5"], then=Value("ifa")),
        When(placement_provider="", then=Value("not_recorded")),
        default=Value("other"),
    )


@population_measure(
    "fo.placements_inhouse_ifa",
    "Foster placements: in-house vs IFA",
    S,
    Unit.PERCENT,
    "none",
    [END],
    breakdowns=("provider",),
    definition="children looked after at period end in a foster placement (U1-U6) by provider: in_house "
    "(PR1 own provision), ifa (PR4 private, PR5 voluntary: independent fostering agencies), other (PR0, "
    "PR2, PR3), not_recorded / children in foster placements",
)
def placements_inhouse_ifa(ctx, basis):
    qs = CareEpisode.objects.filter(open_at(ctx.end), placement_type__in=FOSTER_PLACEMENTS)
    qs = annotate_team(qs, ctx.end)
    columns = ("start_date", "placement_type", "placement_provider")
    return Population(qs, Kind.SHARE, dims={"provider": Dim(provider_group())}, columns=columns)


# --- Courts ------------------------------------------------------------------------------------------------


def proceedings_ended(ctx: Ctx, kind: str, basis: str = M):
    qs = Proceeding.objects.filter(ctx.in_window("end_date", basis), kind=kind)
    return annotate_team(qs, F("end_date"), team_field=None)


@population_measure(
    "ct.preproceedings_weeks",
    "Timeliness of pre-proceedings",
    S,
    Unit.MEAN,
    "down",
    [M],
    definition="mean weeks (days / 7) from pre-proceedings start to end, over pre-proceedings ending in period",
)
def preproceedings_weeks(ctx, basis):
    qs = proceedings_ended(ctx, "pre_proceedings", basis)
    duration = days_between("start_date", "end_date")
    return Population(qs, Kind.MEAN, duration=duration, per=7, columns=(*COURT_COLUMNS, "_days"))


@population_measure(
    "ct.preproceedings_to_care",
    "Pre-proceedings progressing to care proceedings",
    S,
    Unit.PERCENT,
    "none",
    [M],
    definition="pre-proceedings ending in period with outcome issued (care proceedings issued) / "
    "pre-proceedings ending in period",
)
def preproceedings_to_care(ctx, basis):
    qs = proceedings_ended(ctx, "pre_proceedings", basis)
    return Population(qs, Kind.RATIO, num=Q(outcome="issued"), columns=COURT_COLUMNS)


@population_measure(
    "ct.care_proceedings_weeks",
    "Timeliness of care proceedings",
    S,
    Unit.MEAN,
    "down",
    [M],
    definition="mean weeks (days / 7) from issue to final order, over care proceedings concluded in period "
    "(26-week standard)",
)
def care_proceedings_weeks(ctx, basis):
    qs = proceedings_ended(ctx, "care_proceedings", basis)
    duration = days_between("start_date", "end_date")
    return Population(qs, Kind.MEAN, duration=duration, per=7, columns=(*COURT_COLUMNS, "_days"))


@population_measure(
    "ct.outcome",
    "Outcomes of care proceedings",
    S,
    Unit.PERCENT,
    "none",
    [M],
    breakdowns=("outcome",),
    definition="care proceedings concluded in period by order: placement_order, care_order, sgo, "
    "supervision_order, child_arrangements_order, no_order (blank: not_recorded) / concluded in period",
)
def ct_outcome(ctx, basis):
    qs = proceedings_ended(ctx, "care_proceedings", basis)
    return Population(qs, Kind.SHARE, dims={"outcome": Dim(F("outcome"))}, columns=COURT_COLUMNS)


# --- Life story work ---------------------------------------------------------------------------------------


@measure(
    "ls.life_story",
    "Children participating in life story work",
    S,
    Unit.COUNT,
    "up",
    [END],
    definition="children with life story work open at period end (started on or before it and not ended on "
    "or before it), counted once per child",
    not_drillable="It counts children (a child with two pieces of life story work counts once), not "
    "records; the list of children is not built yet.",
)
def life_story(ctx):
    qs = annotate_team(LifeStoryWork.objects.filter(open_at(ctx.end)), ctx.end, team_field=None)
    # Every row of a child gets the same team (the child's allocation at period end), so counting distinct
    # children per team adds up exactly to the LA.
    yield from parts(qs, END, num=Count("child_id", distinct=True))
