"""Section 7: unaccompanied asylum-seeking children looked after. A child is UASC at D when the UASC flag is
set and there is no ceased date or it is after D; the population is the children looked after at period end
(as section 6) who are UASC then, held by the episode's team, else the allocation at period end."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat

from apps.core.models import OrgUnit

from ..engine import (
    Ctx,
    annotate_age,
    band,
    ethnicity_group,
    gender,
)
from ..population import Dim, Kind, Population, population_measure
from ..registry import Basis, Unit
from .children_in_care import (
    CLA_COLUMNS,
    FOSTERING,
    INDEPENDENCE,
    RESIDENTIAL,
    day_number,
    jdn,
    legal_status_group,
    looked_after,
)

S = "7"
UASC_COLUMNS = (*CLA_COLUMNS, "child__uasc_ceased_date")
END = Basis.AT_END
YEARS = [("<1", 0, 0), ("1", 1, 1), ("2", 2, 2), ("3", 3, 3), ("4+", 4, None)]


def uasc(ctx: Ctx):
    ceased_after = Q(child__uasc_ceased_date__isnull=True) | Q(child__uasc_ceased_date__gt=ctx.end)
    return looked_after(ctx).filter(ceased_after, child__uasc=True)


@population_measure(
    "uasc.count",
    "UASC looked after",
    S,
    Unit.COUNT,
    "none",
    [END],
    breakdowns=("legal_status",),
    definition="children looked after at period end who are UASC at that date (flag set, not ceased on or "
    "before it), by legal status as cla.legal_status (blank = not_recorded, its own part)",
)
def uasc_count(ctx, basis):
    return Population(uasc(ctx), dims={"legal_status": Dim(legal_status_group())}, columns=UASC_COLUMNS)


@population_measure(
    "uasc.time_in_care",
    "UASC time in care",
    S,
    Unit.PERCENT,
    "none",
    [END],
    breakdowns=("years",),
    definition="UASC looked after at period end by whole years of the current period of care at the period "
    "end (<1, 1, 2, 3, 4+) / UASC looked after",
)
def uasc_time_in_care(ctx, basis):
    qs = annotate_age(uasc(ctx), "period_of_care_start", ctx.end)
    dims = {"years": Dim(band(YEARS, unborn="not_recorded"))}
    return Population(qs, Kind.SHARE, dims=dims, columns=(*UASC_COLUMNS, ("_age", "Years in care")))


@population_measure(
    "uasc.time_in_care_mean",
    "UASC mean time in care (years)",
    S,
    Unit.MEAN,
    "none",
    [END],
    definition="mean length in years (calendar days / 365.25) of the current period of care of UASC looked "
    "after at period end",
)
def uasc_time_in_care_mean(ctx, basis):
    qs = uasc(ctx).filter(period_of_care_start__isnull=False)
    days = ExpressionWrapper(
        Value(jdn(ctx.end)) - day_number("period_of_care_start"), output_field=IntegerField()
    )
    # The numerator is the summed days in years (per = 365.25 days).
    return Population(qs, Kind.MEAN, duration=days, per=Decimal("365.25"), columns=(*UASC_COLUMNS, "_days"))


def uasc_placement_group() -> Case:
    return Case(
        When(placement_type__in=FOSTERING, then=Value("fostering")),
        When(placement_type__in=INDEPENDENCE, then=Value("independence")),
        When(placement_type__in=RESIDENTIAL, then=Value("residential")),
        When(placement_type="R2", then=Value("nhs_health_trust")),
        When(placement_type="", then=Value("not_recorded")),
        default=Value("other"),
        output_field=CharField(),
    )


@population_measure(
    "uasc.placement",
    "UASC current placement",
    S,
    Unit.PERCENT,
    "none",
    [END],
    breakdowns=("placement_group",),
    definition="UASC looked after at period end by current placement: fostering (U1-U6), independence (H5, P2, "
    "Z11-Z14), residential (K1, K2, K3, R1, S1), nhs_health_trust (R2), other, not_recorded / UASC looked after",
)
def uasc_placement(ctx, basis):
    dims = {"placement_group": Dim(uasc_placement_group())}
    return Population(uasc(ctx), Kind.SHARE, dims=dims, columns=UASC_COLUMNS)


@population_measure(
    "uasc.by_team",
    "UASC by team",
    S,
    Unit.PERCENT,
    "none",
    [END],
    breakdowns=("team",),
    definition="UASC looked after at period end by the code of the team holding them / UASC looked after "
    "(not_recorded: no team)",
)
def uasc_by_team(ctx, basis):
    code = Subquery(OrgUnit.objects.filter(pk=OuterRef("_team")).values("code")[:1])
    return Population(uasc(ctx), Kind.SHARE, dims={"team": Dim(code)}, columns=UASC_COLUMNS)


@population_measure(
    "uasc.ethnicity",
    "UASC by ethnicity",
    S,
    Unit.PERCENT,
    "none",
    [END],
    breakdowns=("ethnicity",),
    definition="UASC looked after at period end by ethnicity group / UASC looked after",
)
def uasc_ethnicity(ctx, basis):
    dims = {"ethnicity": Dim(ethnicity_group())}
    return Population(uasc(ctx), Kind.SHARE, dims=dims, columns=(*UASC_COLUMNS, "child__ethnicity"))


@population_measure(
    "uasc.gender_age",
    "UASC by gender and age",
    S,
    Unit.PERCENT,
    "none",
    [END],
    breakdowns=("gender", "age", "gender_age"),
    definition="UASC looked after at period end by gender, by exact age at the period end, and by gender|age "
    "(% male = gender male; % male aged 16-17 = gender_age male|16 + male|17) / UASC looked after",
)
def uasc_gender_age(ctx, basis):
    qs = annotate_age(uasc(ctx), "child__date_of_birth", ctx.end)
    age = Case(
        When(Q(_age__isnull=True) | Q(_age__lt=0), then=Value("not_recorded")),
        default=Cast("_age", CharField()),
        output_field=CharField(),
    )
    # One grouping by gender|age; the whole, gender and age parts are sums of its groups.
    dims = {
        "gender_age": Dim(Concat(gender(), Value("|"), age)),
        "gender": Dim(of="gender_age", label=lambda b: b.partition("|")[0]),
        "age": Dim(of="gender_age", label=lambda b: b.partition("|")[2]),
    }
    return Population(qs, Kind.SHARE, dims=dims, columns=(*UASC_COLUMNS, "child__sex", "_age"))
