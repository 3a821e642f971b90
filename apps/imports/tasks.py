"""Celery tasks for imports uploaded in the browser. Thin: they take a run's ID, call a service of
apps/imports/uploads.py and are idempotent (a run not in the state a task expects is left alone, so a task
delivered twice does nothing the second time). Without REDIS_URL they run in-process
(CELERY_TASK_ALWAYS_EAGER), the upload's request waiting for its dry run."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from . import uploads

# A database that went away or stayed locked past its timeout: worth trying again shortly. Anything the
# import itself finds wrong is in its report, not an exception.
RETRY = {
    "autoretry_for": (OperationalError,),
    "retry_backoff": 30,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 3,
}


@shared_task(soft_time_limit=2 * 60 * 60, time_limit=2 * 60 * 60 + 300, acks_late=True, **RETRY)
def upload_validate(run_id: int) -> str | None:
    run = uploads.upload_validate(run_id=run_id)
    return run.status if run else None


@shared_task(soft_time_limit=4 * 60 * 60, time_limit=4 * 60 * 60 + 300, acks_late=True, **RETRY)
def upload_apply(run_id: int) -> str | None:
    run = uploads.upload_apply(run_id=run_id)
    return run.status if run else None


@shared_task(soft_time_limit=10 * 60, time_limit=11 * 60, **RETRY)
def uploads_purge(days: int | None = None) -> dict[str, int]:
    """Daily (the beat schedule): uploads left unconfirmed too long are discarded and their files deleted."""
    return uploads.uploads_purge(days=days)
