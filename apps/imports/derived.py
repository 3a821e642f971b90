"""Stored values derived from records, kept correct whenever records change: every writer (bundle import,
statutory importers, the API, the demo generator) calls `refresh_derived_fields` for the children it touched.
Each record app owns its derived columns (apps.assessments.derived, apps.frontdoor.derived,
apps.care.derived); this is the one place that refreshes them all, in the order they depend on each other
(a health assessment's duration reads the period of care its care episodes were given)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from apps.assessments.derived import refresh_assessment_working_days, refresh_conference_working_days
from apps.care.derived import refresh_care_episode_spans, refresh_health_assessment_working_days
from apps.core.calendar import chunks, ensure_calendar
from apps.frontdoor.derived import refresh_contact_dates


@transaction.atomic
def refresh_derived_fields(child_pks: Iterable[int] | None = None) -> None:
    """Recompute every derived column for these children (None = everyone)."""
    ensure_calendar()
    pks = None if child_pks is None else sorted(set(child_pks))
    for chunk in chunks(pks):
        refresh_assessment_working_days(chunk)
        refresh_contact_dates(chunk)
        refresh_conference_working_days(chunk)
        refresh_care_episode_spans(chunk)
        refresh_health_assessment_working_days(chunk)
