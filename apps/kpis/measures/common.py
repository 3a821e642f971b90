"""Shared pieces of measure definitions."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery

from apps.core.models import Population, WorkingDay

from ..engine import Ctx
from ..registry import Part


def population(ctx: Ctx) -> int | None:
    """Children aged 0-17 in the financial year of the period (None when not held: the rate has no value)."""
    return (
        Population.objects.filter(year=ctx.period.financial_year).values_list("age_0_17", flat=True).first()
    )


def rate_part(ctx: Ctx, basis: str, count: int) -> Part:
    """A per-10,000 figure for the whole LA (team None): count over the year's population."""
    return Part(basis, None, count, population(ctx) or 0)


def calendar(field: str, date_ref) -> Subquery:
    """A WorkingDay column for a date column of the outer query (e.g. the date a year before a referral)."""
    return Subquery(WorkingDay.objects.filter(date=date_ref).values(field)[:1])


def year_ago_of(column: str) -> Subquery:
    return calendar("year_ago", OuterRef(column))


_NO_DEFAULT = object()


def parameter(code: str, key: str, default=_NO_DEFAULT):
    """An LA standard an admin may change (MeasureSetting.parameters of the measure), else the default (the
    registry's `params` of the measure when none is given). A stored value is coerced to the default's type;
    a blank, non-numeric or negative one falls back to the default rather than failing the month's run."""
    from apps.kpis.models import MeasureSetting

    from ..registry import REGISTRY

    if default is _NO_DEFAULT:
        default = REGISTRY[code].params[key]
    stored = MeasureSetting.objects.filter(measure=code).values_list("parameters", flat=True).first()
    value = stored.get(key) if isinstance(stored, dict) else None
    if value in (None, "") or default is None:
        return default if value in (None, "") else value
    try:
        value = type(default)(value)
    except (TypeError, ValueError):
        return default
    return default if isinstance(value, int | float) and value < 0 else value


def parameters(code: str) -> dict:
    """Every LA-standard parameter of a measure, with the admin's overrides."""
    from ..registry import REGISTRY

    return {key: parameter(code, key) for key in REGISTRY[code].params}
