"""Writes for the core app."""

from django.conf import settings
from django.db import transaction

from .models import OrgLevel, OrgUnit


@transaction.atomic
def ensure_la() -> OrgUnit:
    """The LA node from settings, created on first use and renamed if the settings changed."""
    la = OrgUnit.objects.filter(level=OrgLevel.LA).first()
    if la is None:
        return OrgUnit.objects.create(
            code=settings.COUNCIL_CODE, name=settings.COUNCIL_NAME, level=OrgLevel.LA
        )
    if (la.code, la.name) != (settings.COUNCIL_CODE, settings.COUNCIL_NAME):
        la.code, la.name = settings.COUNCIL_CODE, settings.COUNCIL_NAME
        la.save(update_fields=["code", "name"])
    return la
