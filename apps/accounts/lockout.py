"""Failed-login lockout (django-axes): who is locked out, and an administrator's unlock.

Settings (portal/settings/base.py): five failures for one username from one address lock that pair out for
AXES_COOLOFF_TIME (30 minutes). Lockout records also show, read-only, in the Django admin (Axes -> Access
attempts): deleting one there would be an unlock with no audit event, so the only unlock is `unlock` below
(/manage/users/)."""

from __future__ import annotations

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .models import AuditEvent


def locked_out_usernames() -> list[str]:
    """Usernames with a lockout still in force."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return sorted(
        set(
            AccessAttempt.objects.filter(
                failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
            ).values_list("username", flat=True)
        )
    )


def is_locked_out(username: str) -> bool:
    return username in locked_out_usernames()


@transaction.atomic
def unlock(username: str, by) -> int:
    """Clear every failed-login record of `username` (any address); recorded in the audit trail. Returns the
    number of records removed."""
    removed = reset(username=username)
    if removed:
        user_pk = get_user_model().objects.filter(username=username).values_list("pk", flat=True).first()
        AuditEvent.objects.create(
            actor=by if getattr(by, "pk", None) else None,
            actor_username=getattr(by, "username", "") or "",
            action=AuditEvent.Action.UPDATE,
            object_type="accounts.user",
            object_id=str(user_pk) if user_pk else username[:100],
            object_repr=f"{username} (login lockout cleared)"[:300],
            before={"locked_out": True},
            after={"locked_out": False},
        )
    return removed
