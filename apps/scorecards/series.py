"""Several months of figures in one read, for the section pages and their charts.

`selectors.trend()` reads a month at a time (one query, or more, per month). A section page shows a
financial year against the last, so it would cost two dozen reads; here the non-viewer's months come from
one query over the section's measures. Viewers still read each month through
`apps.kpis.selectors.published_rows` (cached per month, suppressed as a whole month, published months only),
so the suppression pattern is exactly the one every other viewer-facing page and export shows."""

from __future__ import annotations

from apps.accounts import access
from apps.core.models import OrgUnit
from apps.kpis.selectors import _num, latest_snapshots, published_rows

from .selectors import Figure, Key, key_of

# {org unit code: {period: {key: Figure}}}
Months = dict[str, dict[str, dict[Key, Figure]]]


def monthly(*, periods: list[str], units: list[OrgUnit], user, measures: set[str] | None = None) -> Months:
    """The figures of `periods` for each of `units` (newest version of each measure), as `user` may see
    them. Non-viewers: one query whatever the number of months, units or measures. Viewers: the month's
    suppressed rows through published_rows, a month at a time (each cached), nothing for a month not
    published."""
    codes = {u.code for u in units}
    out: Months = {code: {p: {} for p in periods} for code in codes}
    if access.suppresses_small_counts(user):
        for period in periods:
            rows, _ = published_rows(
                period=period, org_unit=None, user=user, org_units=units, measures=measures
            )
            for r in rows:
                if r["org_unit"] in codes and (measures is None or r["kpi"] in measures):
                    out[r["org_unit"]][period][key_of(r)] = Figure(
                        r["numerator"], r["denominator"], r["value"], r["version"], r["suppressed"]
                    )
        return out
    qs = latest_snapshots(periods=periods).filter(org_unit__in=[u.pk for u in units])
    if measures is not None:
        qs = qs.filter(measure__in=sorted(measures))
    fields = ("measure", "period", "basis", "org_unit__code", "dimension", "breakdown")
    for row in qs.order_by().values(*fields, "numerator", "denominator", "value", "version"):
        key = (row["measure"], row["basis"], row["dimension"] or "", row["breakdown"] or "")
        out[row["org_unit__code"]][row["period"]][key] = Figure(
            _num(row["numerator"]), _num(row["denominator"]), _num(row["value"]), row["version"]
        )
    return out
