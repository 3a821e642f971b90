"""Section 6a: the placement stability dashboard. A placement is a run of a child's consecutive episodes
joined while the reason for new episode is L (CareEpisode.placement_start marks where each run began); the
placements of a child "in R12" are those open at any time in the 12 months to the period end (as cla.ni62).
The time-to-third, age-at-third and second-placement figures are over the children counted by cla.ni62 (looked
after at period end with 3 or more placements in R12), their placements in R12 taken in order of start."""

from __future__ import annotations

from django.db.models import Case, CharField, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from apps.care.models import CareEpisode

from ..engine import Ctx, annotate_age, band_label, parts
from ..population import Dim, Kind, Population, population_measure
from ..registry import Basis, Unit, measure
from .children_in_care import (
    AGENCY,
    CLA_COLUMNS,
    FOSTERING,
    INDEPENDENCE,
    KINSHIP,
    OTHER_CARERS,
    RESIDENTIAL,
    allocated_team,
    months_between,
    nth_placement_start,
    placements_count,
    window_episodes,
    with_r12_placements,
)
from .common import calendar

S = "6a"
THIRD_COLUMNS = (
    *CLA_COLUMNS,
    "_n",
    ("_p1", "First placement start"),
    ("_p2", "Second placement start"),
    ("_p3", "Third placement start"),
)
M, YTD, R12 = Basis.MONTH, Basis.YTD, Basis.R12


def ni62_children(ctx: Ctx):
    """Looked after at period end with 3 or more placements in R12, annotated with the starts of the first
    three (`_p1`, `_p2`, `_p3`)."""
    eps = window_episodes(ctx, R12)
    return (
        with_r12_placements(ctx)
        .filter(_n__gte=3)
        .annotate(
            _p1=nth_placement_start(eps, 1), _p2=nth_placement_start(eps, 2), _p3=nth_placement_start(eps, 3)
        )
    )


@population_measure(
    "ps.placements_in_year",
    "Children by number of placements",
    S,
    Unit.PERCENT,
    "none",
    [R12],
    breakdowns=("placements",),
    definition="children looked after at period end by number of placements open at any time in the 12 months "
    "to the period end (1, 2, 3, 4, 5+) / looked after",
)
def placements_in_year(ctx, basis):
    how_many = Case(
        When(_n__gte=5, then=Value("5+")),
        When(_n=4, then=Value("4")),
        When(_n=3, then=Value("3")),
        When(_n=2, then=Value("2")),
        default=Value("1"),
        output_field=CharField(),
    )
    dims = {"placements": Dim(how_many)}
    return Population(with_r12_placements(ctx), Kind.SHARE, dims=dims, columns=(*CLA_COLUMNS, "_n"))


@measure(
    "ps.third_placements",
    "Third placements by month",
    S,
    Unit.COUNT,
    "down",
    [M, YTD],
    definition="children whose third placement in 12 months began in the period (month) and in the financial "
    "year to date (cumulative): a placement beginning on date P is a third placement when exactly 3 placements "
    "of the child (it included) were open at some time from the same date a year before P to P. Held by the "
    "episode's team, else the allocation at P",
    not_drillable="It counts children (a child with two third placements in the year counts once), not "
    "placements; the list of children is not built yet.",
)
def third_placements(ctx):
    prior = CareEpisode.objects.filter(
        child_id=OuterRef("child_id"), start_date__lte=OuterRef("start_date")
    ).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=calendar("year_ago", OuterRef(OuterRef("start_date"))))
    )
    for basis in (M, YTD):
        qs = (
            CareEpisode.objects.filter(ctx.in_window("start_date", basis), start_date=F("placement_start"))
            .annotate(_n=placements_count(prior))
            .filter(_n=3)
            .annotate(_team=Coalesce(F("team_id"), allocated_team("start_date"), output_field=IntegerField()))
        )
        yield from parts(qs, basis, num=Count("child_id", distinct=True))


MONTH_BANDS = [("<1", 0), ("1-3", 3), ("4-6", 6), ("6-12", 12), ("13-18", 18), ("19-24", 24)]


def months_band(months: str) -> str:
    if months == "not_recorded":
        return months
    return next((label for label, top in MONTH_BANDS if int(months) <= top), "24+")


@population_measure(
    "ps.time_to_third",
    "Time between 1st and 3rd placement",
    S,
    Unit.PERCENT,
    "none",
    [R12],
    breakdowns=("months",),
    definition="children at NI62 at period end by whole calendar months from the start of the first to the "
    "start of the third of their placements in R12: <1 (0), 1-3, 4-6, 6-12 (7-12), 13-18, 19-24, 24+ (25 or "
    "more) / children at NI62",
)
def time_to_third(ctx, basis):
    # Grouped by the exact number of months and banded afterwards: a CASE over the expression would make
    # the database evaluate the placement-start subqueries once per branch.
    qs = ni62_children(ctx).annotate(_m=months_between(F("_p1"), F("_p3")))
    dims = {"months": Dim(F("_m"), label=months_band)}
    return Population(qs, Kind.SHARE, dims=dims, columns=THIRD_COLUMNS + (("_m", "Months, first to third"),))


AGE_AT_THIRD = [("under_1", 0, 0), ("1-5", 1, 5), ("6-10", 6, 10), ("11-15", 11, 15), ("16+", 16, None)]


@population_measure(
    "ps.age_at_third",
    "Age at 3rd placement",
    S,
    Unit.PERCENT,
    "none",
    [R12],
    breakdowns=("age_band",),
    definition="children at NI62 at period end by age at the start of the third of their placements in R12: "
    "under 1, 1-5, 6-10, 11-15, 16+ (not_recorded: no date of birth) / children at NI62",
)
def age_at_third(ctx, basis):
    qs = annotate_age(ni62_children(ctx), "child__date_of_birth", F("_p3"))
    dims = {"age_band": Dim(F("_age"), label=age_at_third_band)}
    return Population(qs, Kind.SHARE, dims=dims, columns=THIRD_COLUMNS + (("_age", "Age at third"),))


def age_at_third_band(age: str) -> str:
    return band_label(age, AGE_AT_THIRD, unborn="not_recorded")


def stability_group() -> Case:
    """The dashboard's groups: fostering as cla.placement_type; external residential = a residential placement
    not provided by the LA (provider other than PR1)."""
    return Case(
        When(placement_type__in=FOSTERING, placement_provider__in=AGENCY, then=Value("ifa_fostering")),
        When(placement_type__in=KINSHIP, then=Value("kinship_fostering")),
        When(placement_type__in=OTHER_CARERS, placement_provider="PR1", then=Value("in_house_fostering")),
        When(
            Q(placement_type__in=RESIDENTIAL) & ~Q(placement_provider="PR1"),
            then=Value("external_residential"),
        ),
        When(placement_type__in=INDEPENDENCE, then=Value("independence")),
        When(placement_type="", then=Value("not_recorded")),
        default=Value("other"),
        output_field=CharField(),
    )


@population_measure(
    "ps.second_placement_type",
    "Type of the 2nd placement",
    S,
    Unit.PERCENT,
    "none",
    [R12],
    breakdowns=("placement_group",),
    definition="children at NI62 at period end by the type of the second of their placements in R12 (its first "
    "episode): in_house_fostering, kinship_fostering, ifa_fostering, external_residential (K1, K2, K3, R1, S1 "
    "not provided by the LA), independence (H5, P2, Z11-Z14), other, not_recorded / children at NI62",
)
def second_placement_type(ctx, basis):
    group = Subquery(
        CareEpisode.objects.filter(child_id=OuterRef("child_id"), placement_start=OuterRef("_p2"))
        .order_by("start_date")
        .annotate(_g=stability_group())
        .values("_g")[:1],
        output_field=CharField(),
    )
    dims = {"placement_group": Dim(group)}
    return Population(ni62_children(ctx), Kind.SHARE, dims=dims, columns=THIRD_COLUMNS)
