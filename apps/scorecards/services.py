"""Writes of the scorecards app."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from apps.accounts import access, audit
from apps.core.models import OrgUnit

from .models import Commentary

# Tabs and line breaks are part of writing; other control characters are not (they break exports and pages).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


@transaction.atomic
def commentary_write(*, actor, period: str, org_unit: OrgUnit, section: str, text: str) -> Commentary | None:
    """Save a new version of the commentary for (period, org unit, section), audited, and return it; None when
    the text is what the current version already says. Refuses anyone who may not comment on the unit."""
    if not access.may_comment_on(actor, org_unit):
        raise PermissionDenied("you may not write commentary for this unit")
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError({"text": "Write something, or leave the commentary as it is."})
    if CONTROL.search(text):
        raise ValidationError({"text": "The text holds a control character; paste it as plain text."})
    # Lock the unit's row so two people saving at once get versions n+1 and n+2, not two n+1s.
    OrgUnit.objects.select_for_update().filter(pk=org_unit.pk).first()
    current = (
        Commentary.objects.filter(period=period, org_unit=org_unit, section=section)
        .order_by("-version")
        .first()
    )
    if current is not None and current.text == text:
        return None
    return audit.create(
        actor=actor,
        model=Commentary,
        data={
            "period": period,
            "org_unit": org_unit,
            "section": section,
            "version": (current.version + 1) if current else 1,
            "text": text,
            "author": actor,
            "author_name": actor.get_full_name() or actor.username,
            "written_at": timezone.now(),
        },
    )
