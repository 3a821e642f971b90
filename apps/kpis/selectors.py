"""Reads of stored snapshots. Pages, charts and exports read these, never the records."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from apps.accounts import access
from apps.core.models import OrgUnit

from .models import PeriodState, Snapshot
from .registry import load
from .suppression import pattern_of


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


# The export contract's keys, in the order of export_snapshots' CSV columns.
CONTRACT = (
    "kpi",
    "period",
    "org_unit",
    "dimension",
    "breakdown",
    "basis",
    "numerator",
    "denominator",
    "value",
    "version",
)
# What a snapshot row is read as (plain values): the pk and the contract's keys by their model fields.
FIELDS = ("pk", *({"kpi": "measure", "org_unit": "org_unit__code"}.get(k, k) for k in CONTRACT))


def _contract(s: dict) -> dict:
    return {
        "kpi": s["measure"],
        "period": s["period"],
        "org_unit": s["org_unit__code"],
        "dimension": s["dimension"] or None,
        "breakdown": s["breakdown"] or None,
        "basis": s["basis"],
        "numerator": _num(s["numerator"]),
        "denominator": _num(s["denominator"]),
        "value": _num(s["value"]),
        "version": s["version"],
    }


def _rows(qs, *, org_units=None, measures=None, ordered=True) -> list[tuple[int, dict]]:
    # Plain values, not model instances: a large council's month is 17,000 rows and a page reads hundreds.
    if org_units is not None:
        qs = qs.filter(org_unit__in=[u.pk for u in org_units])
    if measures is not None:
        qs = qs.filter(measure__in=sorted(measures))
    order = ("measure", "org_unit__level", "org_unit__code", "basis", "dimension", "breakdown")
    qs = qs.order_by(*order) if ordered else qs.order_by()
    return [(s["pk"], _contract(s)) for s in qs.values(*FIELDS)]


def _month_rows(
    *, period: str, org_unit: OrgUnit | None = None, org_units=None, measures=None
) -> list[tuple[int, dict]]:
    return _rows(latest_snapshots(period=period, org_unit=org_unit), org_units=org_units, measures=measures)


def export_rows(*, period: str, org_unit: OrgUnit | None = None) -> list[dict]:
    """The export contract: one row per (measure, org unit, breakdown, basis) with keys kpi, period, org_unit,
    breakdown (None for the whole), basis, numerator, denominator, value (plus dimension and version)."""
    return [row for _, row in _month_rows(period=period, org_unit=org_unit)]


def _org_parents() -> dict[str, str | None]:
    return dict(OrgUnit.objects.values_list("code", "parent__code"))


def withheld_pks(period: str) -> frozenset[int]:
    """The pks of the month's snapshot rows withheld from viewers: the stored pattern, or worked out over
    the whole month (every org unit: apps.kpis.suppression) and stored until the month's snapshots change."""
    stored = PeriodState.objects.filter(period=period).values_list("withheld", flat=True).first()
    if stored is not None:
        return frozenset(stored)
    return _work_out_withheld(period, None)


def _work_out_withheld(period: str, rows: list[tuple[int, dict]] | None) -> frozenset[int]:
    with transaction.atomic():
        # Under a lock on the month's state: a snapshot write clears the pattern through the same row, so it
        # waits for this one to be stored (and then clears it) or has committed before the rows are read.
        state = PeriodState.objects.select_for_update().filter(period=period).first()
        if state is not None and state.withheld is not None:
            return frozenset(state.withheld)
        rows = _month_rows(period=period) if rows is None else rows
        pattern = pattern_of([row for _, row in rows], parent=_org_parents(), measures=load())
        pks = sorted(rows[i][0] for i in pattern.suppressed)
        if state is not None:
            PeriodState.objects.filter(pk=state.pk).update(withheld=pks, withheld_at=timezone.now())
    return frozenset(pks)


def suppressed_month(
    period: str, org_unit: OrgUnit | None = None, *, withheld=None, org_units=None, measures=None
) -> list[dict]:
    """The month's figures (of one org unit, of `org_units`, or all; of `measures`, or all) as viewers see
    them: each row with `suppressed`, a suppressed row without its numbers. The pattern is the whole month's,
    whichever part is read; pass the stored pattern as `withheld` when it has been read already."""
    if withheld is None:
        # Not worked out since the last write: over the whole month, then narrowed.
        every = _month_rows(period=period)
        withheld = _work_out_withheld(period, every)
        codes = {org_unit.code} if org_unit is not None else None
        if org_units is not None:
            codes = {u.code for u in org_units}
        rows = [
            (pk, r)
            for pk, r in every
            if (codes is None or r["org_unit"] in codes) and (measures is None or r["kpi"] in measures)
        ]
    else:
        rows = _month_rows(period=period, org_unit=org_unit, org_units=org_units, measures=measures)
    out = []
    for pk, row in rows:
        if pk in withheld:
            row = dict(row, numerator=None, denominator=None, value=None, suppressed=True)
        else:
            row = dict(row, suppressed=False)
        out.append(row)
    return out


def is_published(period: str) -> bool:
    """Whether a month is published: frozen on its first working day after month end (an open month's
    figures are provisional and change nightly)."""
    return PeriodState.objects.filter(period=period, frozen_at__isnull=False).exists()


def published_rows(
    *, period: str, org_unit: OrgUnit | None, user, org_units=None, measures=None
) -> tuple[list[dict], bool]:
    """The month's figures for a user, and whether they are suppressed: the one read every viewer-facing
    page, export and API uses. Viewers get published months only (none for an open month). `org_units` and
    `measures` narrow what is read. Suppression is decided over the whole month (every org unit) and then
    narrowed, so that every view of the month is a part of the same pattern and no two of them can be
    combined to undo it."""
    if not access.suppresses_small_counts(user):
        rows = _month_rows(period=period, org_unit=org_unit, org_units=org_units, measures=measures)
        return [dict(row, suppressed=False) for _, row in rows], False
    # One read for whether the month is published and its stored suppression pattern.
    state = PeriodState.objects.filter(period=period).values_list("frozen_at", "withheld").first()
    if state is None or state[0] is None:
        return [], True  # viewers see published (frozen) months only
    withheld = frozenset(state[1]) if state[1] is not None else None
    return suppressed_month(period, org_unit, withheld=withheld, org_units=org_units, measures=measures), True


def published_range(
    *, periods: list[str], user, org_units=None, measures=None, parts_periods=None, parts=()
) -> tuple[dict[str, list[dict]], bool]:
    """As `published_rows` for several months at once ({period: rows}, whether suppressed), in a number of
    queries that does not grow with the months: one for the months' states (viewers), one for the rows.
    Viewers get the published months only (an unpublished month maps to no rows), each row suppressed by
    its month's whole pattern, exactly as `published_rows` gives it.

    `parts_periods` (optional) narrows breakdown rows to those months, but for `parts`, the (kpi,
    dimension) breakdowns wanted in every month: a page showing two years of trends and this
    month's breakdowns reads a third of the rows it otherwise would."""
    out: dict[str, list[dict]] = {p: [] for p in periods}
    viewer = access.suppresses_small_counts(user)
    withheld: dict[str, frozenset[int]] = {}
    wanted = list(periods)
    if viewer:
        states = PeriodState.objects.filter(period__in=periods, frozen_at__isnull=False)
        wanted = []
        for period, pattern in states.values_list("period", "withheld"):
            wanted.append(period)
            # A pattern not stored since the month's last write is worked out (and stored) first.
            withheld[period] = frozenset(pattern) if pattern is not None else withheld_pks(period)
    if not wanted:
        return out, viewer
    qs = latest_snapshots(periods=wanted)
    if parts_periods is not None:
        keep = Q(dimension="") | Q(period__in=list(parts_periods))
        for kpi, dimension in sorted(parts):
            keep |= Q(measure=kpi, dimension=dimension)
        qs = qs.filter(keep)
    for pk, row in _rows(qs, org_units=org_units, measures=measures, ordered=False):
        if viewer and pk in withheld[row["period"]]:
            row = dict(row, numerator=None, denominator=None, value=None, suppressed=True)
        else:
            row["suppressed"] = False
        out[row["period"]].append(row)
    return out, viewer
