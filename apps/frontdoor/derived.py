"""Derived columns of contacts, kept correct by apps.imports.derived: the Europe/London calendar dates of
receipt and decision, so monthly contact measures stop converting time zones row by row."""

from __future__ import annotations

from django.db.models.functions import TruncDate

from apps.core.calendar import scope

from .models import Contact


def refresh_contact_dates(child_pks: list[int] | None) -> None:
    # TruncDate converts to the current time zone (Europe/London), as the catalogue's dates are local.
    scope(Contact.objects.all(), child_pks).update(
        received_date=TruncDate("received_at"), decided_date=TruncDate("decided_at")
    )
