"""Celery tasks for the booklet. Thin, as apps.kpis.tasks: JSON arguments (ISO periods, org unit codes, ids),
a service call each, idempotent (an edition is made only when the month's figures differ from the newest
edition's, unless asked for on demand), retried with backoff, time-limited. Without REDIS_URL they run
in-process."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction

from apps.core.models import OrgUnit
from apps.core.periods import Period
from apps.kpis.services import TransientError

from . import booklet_services
from .booklet import booklet_units

RETRY = {
    "autoretry_for": (TransientError,),
    "retry_backoff": 30,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(soft_time_limit=5 * 60, time_limit=6 * 60, **RETRY)
def booklet_month(period: str, trigger: str = "published") -> list[str]:
    """A month was published or restated: one task per booklet (the LA's, each service's)."""
    Period.parse(period)
    codes = [u.code for u in booklet_units()]
    for code in codes:
        booklet_edition.delay(period, code, trigger)
    return codes


@shared_task(soft_time_limit=15 * 60, time_limit=16 * 60, **RETRY)
def booklet_edition(
    period: str, org_unit: str, trigger: str = "published", user_id: int | None = None, force: bool = False
) -> int | None:
    from apps.accounts.models import User

    Period.parse(period)
    unit = OrgUnit.objects.get(code=org_unit)
    user = User.objects.filter(pk=user_id).first() if user_id else None
    edition = booklet_services.edition_make(
        period=period, org_unit=unit, trigger=trigger, user=user, force=force
    )
    if edition is not None and not edition.provisional:
        # A published edition's recipients are told once it is stored (the service stays free of tasks).
        edition_id = edition.pk
        transaction.on_commit(lambda: booklet_announce.delay(edition_id))
    return edition.pk if edition else None


@shared_task(soft_time_limit=2 * 60, time_limit=3 * 60, **RETRY)
def booklet_announce(edition_id: int) -> int:
    from .models import BookletEdition

    edition = BookletEdition.objects.select_related("org_unit").filter(pk=edition_id).first()
    return booklet_services.edition_announce(edition=edition) if edition else 0


@shared_task(soft_time_limit=10 * 60, time_limit=11 * 60, **RETRY)
def casework_today() -> int:
    """Early each morning (the beat schedule): work out today's case tracking for the records of the night's
    import, so that no team manager's first list of the day waits for it. Does nothing when today's is
    already kept; the number of items."""
    from django.utils import timezone

    from . import casework

    return casework.kept_or_work_out(timezone.localdate(), casework.timescales()).items
