"""Reads of stored snapshots. Pages, charts and exports read these, never the records."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import F, OuterRef, Subquery

from apps.core.models import OrgUnit

from .models import Snapshot


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
