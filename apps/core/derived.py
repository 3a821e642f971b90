"""Stored values derived from records, kept correct whenever records change: every writer (bundle import,
statutory importers, the API, the demo generator) calls `refresh_derived_fields` for the children it touched.

- Assessment.working_days: assessment start -> authorisation (as.within_45wd).
- Conference.working_days_from_strategy: the strategy discussion that initiated the S47 (else the S47 start)
  -> the conference (icpc.within_15wd).
- CareEpisode.period_of_care_start / placement_start: where the episode's period of care and placement began
  (NI62, NI63, time in care).
- HealthAssessment.working_days_from_care_start: start of the period of care -> initial health assessment
  (cla.iha_20wd).

Working-day differences are computed in SQL against the WorkingDay calendar table, so a refresh of the whole
council is a handful of UPDATE statements rather than a loop over records.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.db import transaction
from django.db.models import OuterRef, Subquery

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


def _ordinal_of(date_ref):
    return Subquery(WorkingDay.objects.filter(date=date_ref).values("ordinal")[:1])


def _scope(qs, child_pks, field="child_id"):
    return qs if child_pks is None else qs.filter(**{f"{field}__in": child_pks})


def _chunks(child_pks: list[int] | None, size: int = 900):
    """SQLite caps bound parameters per statement; refresh large child sets in slices."""
    if child_pks is None:
        yield None
        return
    for i in range(0, len(child_pks), size):
        yield child_pks[i : i + size]


def refresh_assessment_working_days(child_pks: list[int] | None) -> None:
    from apps.assessments.models import Assessment

    qs = _scope(Assessment.objects.all(), child_pks)
    qs.filter(authorised_date__isnull=True).exclude(working_days=None).update(working_days=None)
    qs.filter(authorised_date__isnull=False).update(
        working_days=_ordinal_of(OuterRef("authorised_date")) - _ordinal_of(OuterRef("start_date"))
    )


def refresh_conference_working_days(child_pks: list[int] | None) -> None:
    from apps.assessments.models import Conference, S47Enquiry

    qs = _scope(Conference.objects.all(), child_pks)
    qs.filter(s47__isnull=True).exclude(working_days_from_strategy=None).update(
        working_days_from_strategy=None
    )
    # The initiating strategy discussion's date when linked, else the S47 start (which is that date by the
    # bundle's definition).
    s47 = S47Enquiry.objects.filter(pk=OuterRef(OuterRef("s47_id")))
    strategy_date = Subquery(s47.values("discussion__held_date")[:1])
    s47_start = Subquery(s47.values("start_date")[:1])
    qs.filter(s47__isnull=False, s47__discussion__isnull=False).update(
        working_days_from_strategy=_ordinal_of(OuterRef("held_date")) - _ordinal_of(strategy_date)
    )
    qs.filter(s47__isnull=False, s47__discussion__isnull=True).update(
        working_days_from_strategy=_ordinal_of(OuterRef("held_date")) - _ordinal_of(s47_start)
    )


def refresh_contact_dates(child_pks: list[int] | None) -> None:
    from django.db.models.functions import TruncDate

    from apps.frontdoor.models import Contact

    # TruncDate converts to the current time zone (Europe/London), as the catalogue's dates are local.
    _scope(Contact.objects.all(), child_pks).update(
        received_date=TruncDate("received_at"), decided_date=TruncDate("decided_at")
    )


def refresh_care_episode_spans(child_pks: list[int] | None) -> None:
    """Period of care: consecutive episodes, each starting the day the previous one ended. Placement: a run of
    episodes of one period in which every later episode has RNE L (legal status change only)."""
    from apps.care.models import CareEpisode

    rows = (
        _scope(CareEpisode.objects.all(), child_pks)
        .order_by("child_id", "start_date")
        .values_list(
            "pk", "child_id", "start_date", "end_date", "rne", "period_of_care_start", "placement_start"
        )
    )
    changed = []
    prev_child = prev_end = poc = placement = None
    for pk, child_id, start, end, rne, old_poc, old_placement in rows.iterator(chunk_size=5000):
        continues = child_id == prev_child and prev_end is not None and prev_end == start
        poc = poc if continues else start
        placement = placement if continues and rne == "L" else start
        if (old_poc, old_placement) != (poc, placement):
            changed.append(CareEpisode(pk=pk, period_of_care_start=poc, placement_start=placement))
        prev_child, prev_end = child_id, end
    CareEpisode.objects.bulk_update(changed, ["period_of_care_start", "placement_start"], batch_size=1000)


def refresh_health_assessment_working_days(child_pks: list[int] | None) -> None:
    from apps.care.models import CareEpisode, HealthAssessment

    qs = _scope(HealthAssessment.objects.all(), child_pks)
    qs.exclude(kind="initial").exclude(working_days_from_care_start=None).update(
        working_days_from_care_start=None
    )
    poc_start = Subquery(
        CareEpisode.objects.filter(
            child_id=OuterRef(OuterRef("child_id")), start_date__lte=OuterRef(OuterRef("completed_date"))
        )
        .order_by("-start_date")
        .values("period_of_care_start")[:1]
    )
    qs.filter(kind="initial").update(
        working_days_from_care_start=_ordinal_of(OuterRef("completed_date"))
        - Subquery(WorkingDay.objects.filter(date=poc_start).values("ordinal")[:1])
    )


@transaction.atomic
def refresh_derived_fields(child_pks: Iterable[int] | None = None) -> None:
    """Recompute every derived column for these children (None = everyone)."""
    ensure_calendar()
    pks = None if child_pks is None else sorted(set(child_pks))
    for chunk in _chunks(pks):
        refresh_assessment_working_days(chunk)
        refresh_contact_dates(chunk)
        refresh_conference_working_days(chunk)
        refresh_care_episode_spans(chunk)
        refresh_health_assessment_working_days(chunk)


__all__ = ["ensure_calendar", "refresh_derived_fields"]
