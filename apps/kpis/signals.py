"""What the KPI engine tells the floors above it, without importing them (imports run downwards only).

`month_published` is sent once a month's figures are published (frozen on its first working day after month
end) and again whenever a published month is restated (a recompute gave some figures a new version). It is
sent after the transaction that stored the figures commits, with `period` ("YYYY-MM") and `restated` (the
measure codes given a new version; empty for the publication itself). The booklet (apps.scorecards)
connects to it in its AppConfig.ready and makes the month's editions."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

month_published = Signal()


def announce(*, period: str, restated: list[str] | tuple[str, ...] = ()) -> None:
    """Send month_published once the current transaction (if any) commits."""
    codes = sorted(set(restated))
    transaction.on_commit(lambda: month_published.send(sender=None, period=period, restated=codes))
