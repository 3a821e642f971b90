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


SUPPRESSED = "<5"


def _small(x) -> bool:
    return isinstance(x, int | float) and 0 < x < 5


def suppress_small(rows: list[dict]) -> list[dict]:
    """Export-contract rows as viewers see them (product.md): a numerator or denominator of 1-4 is shown as
    "<5", and a value derived from a suppressed count is withheld (None) - or, for a plain count (no
    denominator, value = numerator), shown as "<5" too. Zero is not suppressed. Returns new dicts."""
    out = []
    for row in rows:
        row = dict(row)
        num, den, value = row.get("numerator"), row.get("denominator"), row.get("value")
        hidden = _small(num) or _small(den)
        if hidden:
            is_count = den is None and value == num
            row["value"] = SUPPRESSED if is_count else None
        if _small(num):
            row["numerator"] = SUPPRESSED
        if _small(den):
            row["denominator"] = SUPPRESSED
        out.append(row)
    return out
