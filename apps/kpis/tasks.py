"""Celery tasks for snapshots. Thin: they take ISO periods, call a service, are idempotent (a recompute that
changes nothing writes nothing), retry with backoff and have time limits. Without REDIS_URL they run
in-process (CELERY_TASK_ALWAYS_EAGER)."""

from __future__ import annotations

import logging

from celery import group, shared_task
from django.utils import timezone

from apps.core.periods import Period

from . import services
from .models import Backfill, RunStatus
from .registry import load

log = logging.getLogger(__name__)

RETRY = {
    "autoretry_for": (services.TransientError,),
    "retry_backoff": 30,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


def sections() -> list[str]:
    return sorted({m.section for m in load().values() if m.compute is not None})


@shared_task(soft_time_limit=20 * 60, time_limit=25 * 60, **RETRY)
def snapshot_section(period: str, section: str, trigger: str = "task") -> int:
    run = services.snapshot_period_compute(period=Period.parse(period), sections=[section], trigger=trigger)
    return run.pk


@shared_task(soft_time_limit=5 * 60, time_limit=6 * 60, **RETRY)
def snapshot_period(period: str, trigger: str = "task") -> None:
    """Fan out one task per catalogue section, so sections run in parallel on a pool of workers; then the
    hand-entered measures."""
    Period.parse(period)  # fail fast on a bad argument, before fanning out
    group(snapshot_section.si(period, s, trigger) for s in sections()).apply_async()
    snapshot_entered.delay(period)


@shared_task(soft_time_limit=5 * 60, time_limit=6 * 60, **RETRY)
def snapshot_entered(period: str) -> int:
    return services.snapshot_entered_compute(period=Period.parse(period))


@shared_task(soft_time_limit=40 * 60, time_limit=45 * 60, **RETRY)
def refresh_open_month() -> list[str]:
    """Nightly: recompute every month that is still open (this month, and last month until it freezes)."""
    today = timezone.localdate()
    current = Period.containing(today)
    done = []
    for p in (current - 1, current):
        if not services.is_frozen(p, today):
            services.snapshot_all(period=p, trigger="refresh_open_month")
            done.append(str(p))
    return done


@shared_task(soft_time_limit=40 * 60, time_limit=45 * 60, **RETRY)
def freeze_previous_month() -> str | None:
    """Daily: on (or after) the first working day after month end, compute last month one final time and mark
    it frozen. Later recomputes of it write new versions (restatements)."""
    previous = Period.containing(timezone.localdate()) - 1
    if services.freeze_period(period=previous):
        return str(previous)
    return None


@shared_task(bind=True, soft_time_limit=6 * 60 * 60, time_limit=6 * 60 * 60 + 300, acks_late=True, **RETRY)
def backfill(self, first: str, last: str, workers: int = 1) -> int:
    """Compute every month from first to last, committing month by month; re-running (or the broker
    redelivering after a killed worker) resumes with the months not done. workers > 1 queues that many
    more backfill_worker tasks on the same job, so a pool of Celery workers shares the months."""
    job = services.backfill_start(first=Period.parse(first), last=Period.parse(last))
    for _ in range(max(workers, 1) - 1):
        backfill_worker.delay(job.pk)
    services.backfill_continue(job=job, worker=self.request.id or "backfill")
    return job.pk


@shared_task(bind=True, soft_time_limit=6 * 60 * 60, time_limit=6 * 60 * 60 + 300, acks_late=True, **RETRY)
def backfill_worker(self, job_id: int) -> int:
    """One more worker on a running backfill: claims months until none is left."""
    job = Backfill.objects.filter(pk=job_id, status=RunStatus.RUNNING).first()
    if job is not None:
        services.backfill_continue(job=job, worker=self.request.id or f"worker-{job_id}")
    return job_id
