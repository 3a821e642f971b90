"""Writes behind /manage/org-units/: services and teams, audited (apps.accounts.audit). The org units are
core's, the ground floor every app stands on; their audited writes live here, beside the users who belong to
them, because the audit trail is the accounts app's. The LA node comes from settings
(apps.core.services.ensure_la) and is never edited here."""

from __future__ import annotations

from apps.core.models import OrgLevel, OrgUnit

from . import audit


class OrgUnitError(ValueError):
    pass


def _check(level: str, parent: OrgUnit | None) -> None:
    if level == OrgLevel.SERVICE and (parent is None or parent.level != OrgLevel.LA):
        raise OrgUnitError("A service sits directly under the local authority.")
    if level == OrgLevel.TEAM and (parent is None or parent.level != OrgLevel.SERVICE):
        raise OrgUnitError("A team sits under a service.")
    if level not in (OrgLevel.SERVICE, OrgLevel.TEAM):
        raise OrgUnitError("Only services and teams are managed here.")


def org_unit_create(*, actor, level: str, code: str, name: str, parent: OrgUnit) -> OrgUnit:
    _check(level, parent)
    return audit.create(
        actor=actor, model=OrgUnit, data={"level": level, "code": code, "name": name, "parent": parent}
    )


def org_unit_update(*, actor, unit: OrgUnit, code: str, name: str, parent: OrgUnit) -> bool:
    """Rename, recode, or move a team to another service (its records and figures move with it from the
    next computation; frozen months keep their published figures)."""
    _check(unit.level, parent)
    _, changed = audit.update(actor=actor, obj=unit, data={"code": code, "name": name, "parent": parent})
    return changed
