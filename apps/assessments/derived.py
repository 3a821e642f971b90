"""Derived columns of assessments and conferences, kept correct by apps.imports.derived whenever records
change: working-day durations counted against the calendar table (apps.core.calendar).

- Assessment.working_days: assessment start -> authorisation (as.within_45wd).
- Conference.working_days_from_strategy: the strategy discussion that initiated the S47 (else the S47 start)
  -> the conference (icpc.within_15wd).
"""

from __future__ import annotations

from django.db.models import OuterRef, Subquery

from apps.core.calendar import ordinal_of, scope

from .models import Assessment, Conference, S47Enquiry


def refresh_assessment_working_days(child_pks: list[int] | None) -> None:
    qs = scope(Assessment.objects.all(), child_pks)
    qs.filter(authorised_date__isnull=True).exclude(working_days=None).update(working_days=None)
    qs.filter(authorised_date__isnull=False).update(
        working_days=ordinal_of(OuterRef("authorised_date")) - ordinal_of(OuterRef("start_date"))
    )


def refresh_conference_working_days(child_pks: list[int] | None) -> None:
    qs = scope(Conference.objects.all(), child_pks)
    qs.filter(s47__isnull=True).exclude(working_days_from_strategy=None).update(
        working_days_from_strategy=None
    )
    # The initiating strategy discussion's date when linked, else the S47 start (which is that date by the
    # bundle's definition).
    s47 = S47Enquiry.objects.filter(pk=OuterRef(OuterRef("s47_id")))
    strategy_date = Subquery(s47.values("discussion__held_date")[:1])
    s47_start = Subquery(s47.values("start_date")[:1])
    qs.filter(s47__isnull=False, s47__discussion__isnull=False).update(
        working_days_from_strategy=ordinal_of(OuterRef("held_date")) - ordinal_of(strategy_date)
    )
    qs.filter(s47__isnull=False, s47__discussion__isnull=True).update(
        working_days_from_strategy=ordinal_of(OuterRef("held_date")) - ordinal_of(s47_start)
    )
