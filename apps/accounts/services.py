"""Writes for the accounts app."""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
from decimal import Decimal

from django.db import models

from .models import AccessAction, AccessLog


def _jsonable(value):
    """A filter value as the log stores it: model instances by code (or pk), dates as ISO strings."""
    if isinstance(value, models.Model):
        return getattr(value, "code", None) or value.pk
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def clean_filters(filters: dict | None) -> dict:
    """The filters that were applied, without the empty ones, in a JSON-safe form."""
    return {
        key: _jsonable(value) for key, value in (filters or {}).items() if value not in (None, "", [], ())
    }


def _client_ip(request) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is whatever the client says unless a trusted proxy rewrites it, and a
    # log that records a forged address is worse than one that records the proxy's.
    raw = request.META.get("REMOTE_ADDR") or ""
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None


def log_access(request, *, action: str, what: str, filters: dict | None = None, rows: int | None = None):
    """Record that `request.user` saw child-level data: one AccessLog row per page, export or API call.

    `filters` are the validated filter values (not the raw query string); `rows` the number of rows returned.
    Works with a Django HttpRequest and a DRF Request alike."""
    if action not in AccessAction.values:
        raise ValueError(f"unknown access action {action!r}")
    user = request.user
    return AccessLog.objects.create(
        user=user if user.is_authenticated else None,
        username=getattr(user, "username", "") or "",
        role=getattr(user, "role", "") or "",
        action=action,
        what=what[:200],
        path=request.get_full_path()[:500],
        filters=clean_filters(filters),
        rows=rows,
        ip=_client_ip(request),
    )


security_log = logging.getLogger("portal.security")


def log_refusal(request, *, status: int, reason: str = "") -> None:
    """A signed-in user was refused child-level data (403: not for their role; 404: a child or record they
    may not see, or none at all). Written to the `portal.security` log, not the access log (which records
    data that was seen), so probing for other teams' children leaves a trace. The path is user input:
    repr() keeps a forged newline from starting a fake log line."""
    user = request.user
    security_log.warning(
        "child-level request refused: status=%s user=%r role=%r path=%r ip=%s reason=%r",
        status,
        getattr(user, "username", ""),
        getattr(user, "role", ""),
        request.get_full_path()[:500],
        _client_ip(request),
        reason[:200],
    )
