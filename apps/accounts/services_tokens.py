"""Writes for API keys (apps.accounts.models.ApiToken): made by an admin for a user, shown once, revoked
rather than deleted; each change an audit event in its own transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from . import audit
from .models import ApiToken, AuditEvent, User

# "pp_" marks the portal's keys (secret scanners can be taught it); 40 random bytes, URL-safe.
KEY_PREFIX = "pp_"
SHOWN_PREFIX = 12


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, user: User, name: str, by: User | None, days: int | None = None
) -> tuple[ApiToken, str]:
    """A new key for `user`, valid for `days` (or until revoked). Returns the token and the key, which is
    never stored and cannot be shown again."""
    name = (name or "").strip()
    if not name:
        raise ValueError("say what the key is for (its name)")
    if not user.is_active:
        raise ValueError(f"{user.username} is deactivated: a key for them would not work")
    if days is not None and days < 1:
        raise ValueError("days must be 1 or more")
    key = KEY_PREFIX + secrets.token_urlsafe(40)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=key[:SHOWN_PREFIX],
        key_hash=key_hash(key),
        created_by=by,
        expires_at=timezone.now() + dt.timedelta(days=days) if days else None,
    )
    audit.record(actor=by, action=AuditEvent.Action.CREATE, obj=token, before=None, after=_fields(token))
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User | None) -> ApiToken:
    """Stop a key working at once. Revoking a revoked key changes nothing."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        before = _fields(token)
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            actor=by, action=AuditEvent.Action.UPDATE, obj=token, before=before, after=_fields(token)
        )
    return token


def _fields(token: ApiToken) -> dict:
    # The hash is as good as the key to an attacker who can query by it: it stays out of the audit trail.
    fields = audit.fields_of(token)
    fields.pop("key_hash", None)
    return fields
