"""Small helpers for model declarations shared by every record app."""

from django.db.models import F, Q


def code_in(field: str, choices, *, blank_ok: bool = True) -> Q:
    """A check that a code column holds one of its DfE codes (or is blank, meaning not recorded)."""
    q = Q(**{f"{field}__in": list(choices.values)})
    return q | Q(**{field: ""}) if blank_ok else q


def ends_after_starts(end: str, start: str) -> Q:
    """end >= start, or no end yet."""
    return Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": F(start)})
