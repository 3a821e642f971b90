"""The booklet's answer to the KPI engine's month_published signal (apps.kpis.signals): make the month's
editions. Connected in ScorecardsConfig.ready, so apps.kpis never imports this floor."""

from __future__ import annotations

from django.conf import settings


def month_published(sender, *, period: str, restated=(), **kwargs) -> None:
    if not getattr(settings, "BOOKLET_ON_PUBLISH", True):
        return
    from . import tasks

    # A restatement may come section by section (snapshot_period fans out one task per section), each
    # announcing it: waiting a few minutes lets one edition hold them all, and the later runs find the
    # figures unchanged since that edition and make none.
    delay = getattr(settings, "BOOKLET_RESTATEMENT_DELAY", 300) if restated else 0
    tasks.booklet_month.apply_async((period, "restated" if restated else "published"), countdown=delay)
