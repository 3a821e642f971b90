"""Section 7: unaccompanied asylum-seeking children looked after. A child is UASC at D when the UASC flag is
set and there is no ceased date or it is after D; the population is the children looked after at period end
(as section 6) who are UASC then, held by the episode's team, else the allocation at period end."""

from __future__ import annotations

from django.db.models import (
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Sum,
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
    parts,
    parts_and_whole,
    relabel,
    share_parts,
    share_whole,
)
from ..registry import Basis, Unit, measure
from .children_in_care import (
    FOSTERING,
    INDEPENDENCE,
    RESIDENTIAL,
    day_number,
    jdn,
    legal_status_group,
    looked_after,
)

S = "7"
END = Basis.AT_END
YEARS = [("<1", 0, 0), ("1", 1, 1), ("2", 2, 2), ("3", 3, 3), ("4+", 4, None)]


def uasc(ctx: Ctx):
    ceased_after = Q(child__uasc_ceased_date__isnull=True) | Q(child__uasc_ceased_date__gt=ctx.end)
    return looked_after(ctx).filter(ceased_after, child__uasc=True)


@measure(
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
def uasc_count(ctx):
    qs = uasc(ctx)
    yield from parts_and_whole(
        qs, END, num=Count("pk"), dimension="legal_status", breakdown=legal_status_group()
    )


@measure(
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
def uasc_time_in_care(ctx):
    qs = annotate_age(uasc(ctx), "period_of_care_start", ctx.end)
    yield from share_parts(qs, END, dimension="years", breakdown=band(YEARS, unborn="not_recorded"))


@measure(
    "uasc.time_in_care_mean",
    "UASC mean time in care (years)",
    S,
    Unit.MEAN,
    "none",
    [END],
    definition="mean length in years (calendar days / 365.25) of the current period of care of UASC looked "
    "after at period end",
)
def uasc_time_in_care_mean(ctx):
    qs = uasc(ctx).filter(period_of_care_start__isnull=False)
    qs = qs.annotate(_days=Value(jdn(ctx.end)) - day_number("period_of_care_start"))
    years = ExpressionWrapper(Sum("_days") / Value(365.25), output_field=FloatField())
    yield from parts(qs, END, num=years, den=Count("pk"))


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


@measure(
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
def uasc_placement(ctx):
    yield from share_parts(uasc(ctx), END, dimension="placement_group", breakdown=uasc_placement_group())


@measure(
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
def uasc_by_team(ctx):
    code = Subquery(OrgUnit.objects.filter(pk=OuterRef("_team")).values("code")[:1])
    yield from share_parts(uasc(ctx), END, dimension="team", breakdown=code)


@measure(
    "uasc.ethnicity",
    "UASC by ethnicity",
    S,
    Unit.PERCENT,
    "none",
    [END],
    breakdowns=("ethnicity",),
    definition="UASC looked after at period end by ethnicity group / UASC looked after",
)
def uasc_ethnicity(ctx):
    yield from share_parts(uasc(ctx), END, dimension="ethnicity", breakdown=ethnicity_group())


@measure(
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
def uasc_gender_age(ctx):
    qs = annotate_age(uasc(ctx), "child__date_of_birth", ctx.end)
    age = Case(
        When(Q(_age__isnull=True) | Q(_age__lt=0), then=Value("not_recorded")),
        default=Cast("_age", CharField()),
        output_field=CharField(),
    )
    # One grouping by gender|age; the whole, gender and age parts are sums of its groups.
    by_gender_age = parts(
        qs, END, num=Count("pk"), dimension="gender_age", breakdown=Concat(gender(), Value("|"), age)
    )
    yield from share_whole(by_gender_age)
    yield from relabel(by_gender_age, lambda b: b.partition("|")[0], dimension="gender")
    yield from relabel(by_gender_age, lambda b: b.partition("|")[2], dimension="age")
    yield from by_gender_age
