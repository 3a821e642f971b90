"""Reads of the figures the scorecard, the section pages and the charts show. Everything comes from stored
snapshots through apps.kpis.selectors.published_rows, so a viewer's figures are always the suppressed ones
(apps.kpis.suppression) of published months only, whichever page shows them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from apps.accounts import access
from apps.core.models import OrgUnit
from apps.core.periods import Period
from apps.kpis.models import PeriodState, Snapshot
from apps.kpis.selectors import published_range

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


# {org unit code: {period: {key: Figure}}}
Months = dict[str, dict[str, dict[Key, Figure]]]


def monthly(
    *, periods: list[str], units: list[OrgUnit], user, measures=None, parts_periods=None, parts=()
) -> tuple[Months, bool]:
    """The figures of `periods` for each of `units` (`measures` of them, or all) as `user` may see them, and
    whether they are suppressed; a fixed number of queries whatever the months, units or measures. Viewers
    get published months only and each month's suppressed rows, the pattern every other viewer-facing page
    and export shows (apps.kpis.selectors.published_range, which says what `parts_periods` and `parts`
    narrow)."""
    out: Months = {u.code: {p: {} for p in periods} for u in units}
    if not units:
        return out, access.suppresses_small_counts(user)
    rows, suppressed = published_range(
        periods=periods,
        user=user,
        org_units=units,
        measures=measures,
        parts_periods=parts_periods,
        parts=parts,
    )
    for period, month in rows.items():
        for r in month:
            out[r["org_unit"]][period][key_of(r)] = Figure(
                r["numerator"], r["denominator"], r["value"], r["version"], r["suppressed"]
            )
    return out, suppressed


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
