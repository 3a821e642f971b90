"""Who may see which child-level data (shared/spec/product.md). Every child-level view, export, drill-down
and API call narrows its queryset through `Child.objects.visible_to(user)` (or `visible_records`), which
reads the rules below; no view decides for itself.

| role            | child-level data                         | names |
|-----------------|------------------------------------------|-------|
| administrator   | every child                              | yes   |
| director        | every child                              | yes   |
| head of service | children of the teams in their services  | yes   |
| team manager    | children of their own teams              | yes   |
| analyst         | every child                              | no (IDs only) |
| viewer          | none (aggregates, small numbers withheld: apps.kpis.suppression) | - |

A child belongs to a team when the team has ever held the child's case (an allocation) or recorded one of the
child's events (contact, referral, assessment, S47, plan, care episode), so a manager can follow their team's
figures down to the children behind them, including past months.
"""

from __future__ import annotations

from .models import Role

CHILD_LEVEL_ROLES = frozenset(
    {Role.ADMIN, Role.DIRECTOR, Role.HEAD_OF_SERVICE, Role.TEAM_MANAGER, Role.ANALYST}
)
ALL_CHILDREN_ROLES = frozenset({Role.ADMIN, Role.DIRECTOR, Role.ANALYST})
NAMED_ROLES = frozenset({Role.ADMIN, Role.DIRECTOR, Role.HEAD_OF_SERVICE, Role.TEAM_MANAGER})


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def sees_child_level(user) -> bool:
    return _active(user) and user.role in CHILD_LEVEL_ROLES


def sees_names(user) -> bool:
    return _active(user) and user.role in NAMED_ROLES


def is_admin(user) -> bool:
    return _active(user) and user.role == Role.ADMIN


def suppresses_small_counts(user) -> bool:
    return not _active(user) or user.role == Role.VIEWER


def team_scope(user) -> frozenset[int] | None:
    """The team pks whose children the user may see; None = every team; empty = none."""
    from apps.core.models import OrgLevel, OrgUnit

    if not sees_child_level(user):
        return frozenset()
    if user.role in ALL_CHILDREN_ROLES:
        return None
    units = list(user.org_units.values_list("pk", "level"))
    teams = {pk for pk, level in units if level == OrgLevel.TEAM}
    if user.role == Role.HEAD_OF_SERVICE:
        services = [pk for pk, level in units if level == OrgLevel.SERVICE]
        teams |= set(
            OrgUnit.objects.filter(parent_id__in=services, level=OrgLevel.TEAM).values_list("pk", flat=True)
        )
    return frozenset(teams)


COMMENTING_ROLES = frozenset({Role.ADMIN, Role.DIRECTOR, Role.HEAD_OF_SERVICE, Role.TEAM_MANAGER})


def may_comment_on(user, org_unit) -> bool:
    """Commentary is written by those who answer for the unit (product.md): a director or an admin for any
    unit, the LA included; a head of service for their services and the teams in them; a team manager for
    their own teams. Analysts and viewers read it."""
    from apps.core.models import OrgLevel

    if not _active(user) or user.role not in COMMENTING_ROLES or org_unit is None:
        return False
    if user.role in (Role.ADMIN, Role.DIRECTOR):
        return True
    own = set(user.org_units.values_list("pk", flat=True))
    if org_unit.pk in own:
        return org_unit.level != OrgLevel.LA
    return user.role == Role.HEAD_OF_SERVICE and org_unit.level == OrgLevel.TEAM and org_unit.parent_id in own


def may_import(user) -> bool:
    """Who may load records (a statutory return, a bundle, an API push): analysts and admins. A case system
    pushes through the API as a user of one of these roles, with its own API key."""
    return _active(user) and user.role in (Role.ADMIN, Role.ANALYST)
