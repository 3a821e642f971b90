"""The working-day calendar table (core.WorkingDay) and the helpers every app's derived columns use to count
working days in SQL against it, so a refresh of the whole council is a handful of UPDATE statements rather
than a loop over records. The derived columns themselves belong to the apps whose records carry them
(apps.assessments.derived, apps.frontdoor.derived, apps.care.derived); apps.imports.derived refreshes them
all for the children an import touched."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Subquery

from . import workdays
from .models import WorkingDay

CALENDAR_START = date(1990, 1, 1)
CALENDAR_END = date(2060, 12, 31)


def _calendar_row(d: date) -> tuple:
    return (
        workdays.working_day_ordinal(d),
        workdays.is_working_day(d),
        workdays.years_before(d, 1),
        workdays.years_before(d, 2),
    )


CALENDAR_FIELDS = ["ordinal", "is_working", "year_ago", "two_years_ago"]


CALENDAR_FIELDS = ["ordinal", "is_working", "year_ago", "two_years_ago"]


def ensure_calendar(start: date = CALENDAR_START, end: date = CALENDAR_END, *, model=WorkingDay) -> int:
    """Make the WorkingDay table match the holidays package for [start, end]; returns rows written."""
    expected = {}
    d = start
    while d <= end:
        expected[d] = _calendar_row(d)
        d += timedelta(days=1)
    existing = {
        row[0]: tuple(row[1:])
        for row in model.objects.filter(date__gte=start, date__lte=end).values_list("date", *CALENDAR_FIELDS)
    }
    if existing == expected:
        return 0
    missing = [
        model(date=k, **dict(zip(CALENDAR_FIELDS, v, strict=True)))
        for k, v in expected.items()
        if k not in existing
    ]
    changed = [
        model(date=k, **dict(zip(CALENDAR_FIELDS, v, strict=True)))
        for k, v in expected.items()
        if k in existing and existing[k] != v
    ]
    model.objects.bulk_create(missing, batch_size=5000)
    model.objects.bulk_update(changed, CALENDAR_FIELDS, batch_size=2000)
    return len(missing) + len(changed)


def ordinal_of(date_ref):
    """The working-day ordinal of a date (an expression): B - A is the working days from A to B."""
    return Subquery(WorkingDay.objects.filter(date=date_ref).values("ordinal")[:1])


def scope(qs, child_pks, field="child_id"):
    """`qs` narrowed to these children (None = everyone)."""
    return qs if child_pks is None else qs.filter(**{f"{field}__in": child_pks})


def chunks(child_pks: list[int] | None, size: int = 900):
    """SQLite caps bound parameters per statement; refresh large child sets in slices."""
    if child_pks is None:
        yield None
        return
    for i in range(0, len(child_pks), size):
        yield child_pks[i : i + size]
