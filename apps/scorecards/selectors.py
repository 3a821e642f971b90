"""Reads of the figures the scorecard, the section pages and the charts show. Everything comes from stored
snapshots through apps.kpis.selectors.published_rows, so a viewer's figures are always the suppressed ones
(apps.kpis.suppression) of published months only, whichever page shows them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from apps.core.models import OrgUnit
from apps.core.periods import Period
from apps.kpis.models import PeriodState, Snapshot
from apps.kpis.selectors import published_rows

# (kpi, basis, dimension, breakdown); dimension and breakdown are "" for a measure's whole.
Key = tuple[str, str, str, str]


@dataclass(frozen=True)
class Figure:
    numerator: Decimal | int | float | None
    denominator: Decimal | int | float | None
    value: Decimal | int | float | None
    version: int
    suppressed: bool = False


@dataclass(frozen=True)
class MonthState:
    period: str
    computed: bool  # some snapshot of the month is held
    frozen_at: datetime | None

    @property
    def provisional(self) -> bool:
        """An open month: refreshed nightly until it is published on its first working day after month end."""
        return self.frozen_at is None


def month_state(period: str) -> MonthState:
    state = PeriodState.objects.filter(period=period).values("frozen_at", "last_computed_at").first()
    return MonthState(
        period=period,
        computed=bool(state and state["last_computed_at"]),
        frozen_at=state["frozen_at"] if state else None,
    )


def key_of(row: dict) -> Key:
    return (row["kpi"], row["basis"], row["dimension"] or "", row["breakdown"] or "")


def figures(*, period: str, org_unit: OrgUnit, user) -> tuple[dict[Key, Figure], bool]:
    """The month's figures for one org unit as `user` may see them, and whether they are suppressed."""
    rows, suppressed = published_rows(period=period, org_unit=org_unit, user=user)
    return {
        key_of(r): Figure(r["numerator"], r["denominator"], r["value"], r["version"], r["suppressed"])
        for r in rows
    }, suppressed


def trend(*, periods: list[str], org_unit: OrgUnit, user) -> dict[str, dict[Key, Figure]]:
    """Several months' figures for one org unit (a sparkline, a chart of this year against last)."""
    return {period: figures(period=period, org_unit=org_unit, user=user)[0] for period in periods}


def months_held() -> list[str]:
    """Every month with a stored snapshot, newest first."""
    return list(
        PeriodState.objects.filter(last_computed_at__isnull=False)
        .order_by("-period")
        .values_list("period", flat=True)
    )


def first_published(*, period: str, org_unit: OrgUnit) -> dict[Key, Decimal | None]:
    """For the figures restated since the month was published: the value first published (version 1)."""
    restated = Snapshot.objects.filter(period=period, org_unit=org_unit, version__gt=1).values_list(
        "measure", flat=True
    )
    rows = Snapshot.objects.filter(period=period, org_unit=org_unit, version=1, measure__in=restated)
    return {
        (s.measure, s.basis, s.dimension, s.breakdown): s.value
        for s in rows.only("measure", "basis", "dimension", "breakdown", "value")
    }


def default_month(months: list[str], today=None) -> str:
    """The month a page opens on, of `months` (newest first): the newest that has ended, since the month
    under way holds only the days so far; the newest held when none has."""
    from django.utils import timezone

    today = today or timezone.localdate()
    for period in months:
        if Period.parse(period).end < today:
            return period
    return months[0] if months else ""


def months_back(period: str, count: int) -> list[str]:
    """`count` months ending at `period`, oldest first."""
    last = Period.parse(period)
    return [str(last - i) for i in range(count - 1, -1, -1)]


def commentary(*, period: str, org_unit: OrgUnit, user) -> dict[str, dict]:
    """The current commentary of each section ("" = the month as a whole) for a unit's month, with how many
    versions there are: {section: {"current": Commentary, "versions": n}}. One query. Viewers read it for
    published months only, as they do the figures."""
    from apps.accounts import access
    from apps.kpis.selectors import is_published

    from .models import Commentary

    if access.suppresses_small_counts(user) and not is_published(period):
        return {}
    out: dict[str, dict] = {}
    # Every version of the month's few commentaries, newest first: the first seen per section is current.
    for c in (
        Commentary.objects.filter(period=period, org_unit=org_unit)
        .select_related("author")
        .order_by("section", "-version")
    ):
        if c.section in out:
            out[c.section]["versions"] += 1
        else:
            out[c.section] = {"current": c, "versions": 1}
    return out


def commentary_history(*, period: str, org_unit: OrgUnit, section: str):
    from .models import Commentary

    return Commentary.objects.filter(period=period, org_unit=org_unit, section=section).order_by("-version")


def trend_for(*, periods: list[str], org_unit: OrgUnit, user, measures=None) -> dict[str, dict[Key, Figure]]:
    """As `trend`, at a cost that does not grow with the months: one query for the whole range for users who
    see unsuppressed figures (optionally narrowed to `measures`); for viewers the month-by-month read, since
    their figures are the month's cached suppression (apps.kpis.selectors.suppressed_month) and they see
    published months only."""
    from apps.accounts import access
    from apps.kpis.selectors import _num, latest_snapshots

    if access.suppresses_small_counts(user):
        return trend(periods=periods, org_unit=org_unit, user=user)
    qs = latest_snapshots(periods=periods, org_unit=org_unit)
    if measures is not None:
        qs = qs.filter(measure__in=list(measures))
    out: dict[str, dict[Key, Figure]] = {p: {} for p in periods}
    for s in qs.order_by().values(
        "measure", "period", "basis", "dimension", "breakdown", "numerator", "denominator", "value", "version"
    ):
        key = (s["measure"], s["basis"], s["dimension"] or "", s["breakdown"] or "")
        out[s["period"]][key] = Figure(
            _num(s["numerator"]), _num(s["denominator"]), _num(s["value"]), s["version"], False
        )
    return out


def figures_by_unit(
    *, periods: list[str], org_units: list[OrgUnit], user, measures=None
) -> dict[str, dict[str, dict[Key, Figure]]]:
    """{period: {org unit code: figures}} for several org units (the services of the council, the teams of a
    service) in one read for users who see unsuppressed figures; for viewers, each month's cached
    suppression (published months only), narrowed to those org units."""
    from apps.accounts import access
    from apps.kpis.selectors import _num, latest_snapshots

    codes = {u.code for u in org_units}
    out: dict[str, dict[str, dict[Key, Figure]]] = {p: {c: {} for c in codes} for p in periods}
    if not org_units:
        return out
    if access.suppresses_small_counts(user):
        for period in periods:
            rows, _ = published_rows(
                period=period, org_unit=None, user=user, org_units=org_units, measures=measures
            )
            for r in rows:
                if r["org_unit"] in codes and (measures is None or r["kpi"] in measures):
                    out[period][r["org_unit"]][key_of(r)] = Figure(
                        r["numerator"], r["denominator"], r["value"], r["version"], r["suppressed"]
                    )
        return out
    qs = latest_snapshots(periods=periods).filter(org_unit__in=org_units)
    if measures is not None:
        qs = qs.filter(measure__in=list(measures))
    for s in qs.order_by().values(
        "measure",
        "period",
        "org_unit__code",
        "basis",
        "dimension",
        "breakdown",
        "numerator",
        "denominator",
        "value",
        "version",
    ):
        key = (s["measure"], s["basis"], s["dimension"] or "", s["breakdown"] or "")
        out[s["period"]][s["org_unit__code"]][key] = Figure(
            _num(s["numerator"]), _num(s["denominator"]), _num(s["value"]), s["version"], False
        )
    return out
