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
