"""The audit trail of the portal's admin pages: every create, change and delete made through them writes one
AuditEvent with the object's fields before and after, in the same transaction as the change (so a change
that rolls back leaves no event, and an event is never written for a change that did not happen).

Field dicts are model_to_dict-like and JSON-safe: foreign keys as their pk, many-to-many as a sorted list of
pks, decimals and dates as strings. Secrets (password hashes) never enter them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models, transaction

from .models import AuditEvent

# Never stored in an audit event, whatever the model.
SECRET_FIELDS = frozenset({"password"})
# Bookkeeping that changes on its own (every login) and says nothing about what an admin did.
NOISE_FIELDS = frozenset({"last_login"})


def _json_safe(value):
    if isinstance(value, Decimal):
        # Plain notation without trailing zeros: 90.0000 -> "90", 81.5000 -> "81.5" (never "9E+1").
        return format(value.normalize(), "f") if value.is_finite() else str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    return value


def fields_of(obj: models.Model | None) -> dict | None:
    """The object's concrete and many-to-many fields as a JSON-safe dict (None for no object)."""
    if obj is None:
        return None
    opts = obj._meta
    out = {}
    for field in opts.concrete_fields:
        if field.name in SECRET_FIELDS or field.name in NOISE_FIELDS:
            continue
        out[field.name] = _json_safe(field.value_from_object(obj))
    if obj.pk is not None:
        for field in opts.many_to_many:
            out[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    return out


def changed_fields(before: dict | None, after: dict | None) -> list[str]:
    before, after = before or {}, after or {}
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


def record(*, actor, action: str, obj: models.Model, before: dict | None, after: dict | None) -> AuditEvent:
    """Write one audit event. Must run inside the transaction that made the change."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit events are written inside the change's transaction")
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_username=getattr(actor, "username", "") or "",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        before=before,
        after=after,
    )


def _apply(obj: models.Model, data: dict) -> dict:
    """Set plain fields on obj; return the many-to-many values to set after saving."""
    m2m = {f.name for f in obj._meta.many_to_many}
    later = {}
    for name, value in data.items():
        if name in m2m:
            later[name] = value
        else:
            setattr(obj, name, value)
    return later


@transaction.atomic
def create(*, actor, model: type[models.Model], data: dict) -> models.Model:
    obj = model()
    later = _apply(obj, data)
    obj.full_clean()
    obj.save()
    for name, value in later.items():
        getattr(obj, name).set(value)
    record(actor=actor, action=AuditEvent.Action.CREATE, obj=obj, before=None, after=fields_of(obj))
    return obj


@transaction.atomic
def update(*, actor, obj: models.Model, data: dict) -> tuple[models.Model, bool]:
    """Change obj's fields; (obj, changed). An edit that changes nothing writes no event."""
    # Lock and re-read the row so "before" is what the database held, not what the form was built from.
    current = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    before = fields_of(current)
    later = _apply(obj, data)
    obj.full_clean()
    obj.save()
    for name, value in later.items():
        getattr(obj, name).set(value)
    after = fields_of(obj)
    if before == after:
        return obj, False
    record(actor=actor, action=AuditEvent.Action.UPDATE, obj=obj, before=before, after=after)
    return obj, True


@transaction.atomic
def delete(*, actor, obj: models.Model) -> None:
    before = fields_of(obj)
    pk = obj.pk
    record(actor=actor, action=AuditEvent.Action.DELETE, obj=obj, before=before, after=None)
    obj.delete()
    obj.pk = pk
