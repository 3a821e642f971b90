"""The booklet's answer to the KPI engine's month_published signal (apps.kpis.signals): make the month's
editions. Connected in ScorecardsConfig.ready, so apps.kpis never imports this floor."""

from __future__ import annotations

from django.conf import settings


def month_published(sender, *, period: str, restated=(), **kwargs) -> None:
    if not getattr(settings, "BOOKLET_ON_PUBLISH", True):
        return
    from . import tasks

    tasks.booklet_month.delay(period, "restated" if restated else "published")
