"""Reads of stored snapshots. Pages, charts and exports read these, never the records."""

from __future__ import annotations

from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, F, Max, OuterRef, Subquery

from apps.accounts import access
from apps.core.models import OrgUnit

from .models import PeriodState, Snapshot
from .registry import load
from .suppression import suppress_month


def latest_snapshots(
    *, period: str | None = None, periods: list[str] | None = None, org_unit: OrgUnit | None = None
):
    """Snapshot rows of the newest version of each (measure, period)."""
    qs = Snapshot.objects.all()
    if period:
        qs = qs.filter(period=period)
    if periods:
        qs = qs.filter(period__in=periods)
    if org_unit is not None:
        qs = qs.filter(org_unit=org_unit)
    newest = (
        Snapshot.objects.filter(measure=OuterRef("measure"), period=OuterRef("period"))
        .order_by("-version")
        .values("version")[:1]
    )
    return qs.annotate(_newest=Subquery(newest)).filter(version=F("_newest"))


def _num(x: Decimal | None):
    if x is None:
        return None
    x = x.normalize()
    return int(x) if x == x.to_integral_value() else float(x)


def export_rows(*, period: str, org_unit: OrgUnit | None = None) -> list[dict]:
    """The export contract: one row per (measure, org unit, breakdown, basis) with keys kpi, period, org_unit,
    breakdown (None for the whole), basis, numerator, denominator, value (plus dimension and version)."""
    qs = (
        latest_snapshots(period=period, org_unit=org_unit)
        .select_related("org_unit")
        .order_by("measure", "org_unit__level", "org_unit__code", "basis", "dimension", "breakdown")
    )
    return [
        {
            "kpi": s.measure,
            "period": s.period,
            "org_unit": s.org_unit.code,
            "dimension": s.dimension or None,
            "breakdown": s.breakdown or None,
            "basis": s.basis,
            "numerator": _num(s.numerator),
            "denominator": _num(s.denominator),
            "value": _num(s.value),
            "version": s.version,
        }
        for s in qs
    ]


def _org_parents() -> dict[str, str | None]:
    return dict(OrgUnit.objects.values_list("code", "parent__code"))


def _fingerprint(period: str) -> tuple:
    """Changes whenever a month's snapshot rows do: a row added (a restatement, a new measure), removed, or
    updated in place while the month is open (computed_at moves)."""
    agg = Snapshot.objects.filter(period=period).aggregate(
        n=Count("pk"), last=Max("pk"), at=Max("computed_at")
    )
    return agg["n"], agg["last"], agg["at"].isoformat() if agg["at"] else None


def suppressed_month(period: str) -> list[dict]:
    """The month's figures (every org unit) as viewers see them (apps.kpis.suppression), worked out once
    for each state of the month's snapshot and cached."""
    key = "kpis:suppressed:" + period + ":" + ":".join(str(x) for x in _fingerprint(period))
    rows = cache.get(key)
    if rows is None:
        rows = suppress_month(export_rows(period=period), parent=_org_parents(), measures=load())
        cache.set(key, rows, timeout=24 * 3600)
    return rows


def is_published(period: str) -> bool:
    """Whether a month is published: frozen on its first working day after month end (an open month's
    figures are provisional and change nightly)."""
    return PeriodState.objects.filter(period=period, frozen_at__isnull=False).exists()


def published_rows(*, period: str, org_unit: OrgUnit | None, user) -> tuple[list[dict], bool]:
    """The month's figures for a user, and whether they are suppressed: the one read every viewer-facing
    page, export and API uses. Viewers get published months only (none for an open month). Suppression is decided over the whole month (every org unit) and then
    narrowed, so that every view of the month is a part of the same pattern and no two of them can be
    combined to undo it."""
    if not access.suppresses_small_counts(user):
        rows = export_rows(period=period, org_unit=org_unit)
        return [dict(row, suppressed=False) for row in rows], False
    if not is_published(period):
        return [], True  # viewers see published (frozen) months only
    rows = suppressed_month(period)
    if org_unit is not None:
        rows = [row for row in rows if row["org_unit"] == org_unit.code]
    return rows, True
