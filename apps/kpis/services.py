"""Writes for the KPI engine: computing and storing a month's snapshot."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db import OperationalError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from apps.core.models import OrgLevel, OrgUnit
from apps.core.periods import Period
from apps.core.services import ensure_la
from apps.core.workdays import first_working_day_after

from .engine import Ctx
from .models import Backfill, PeriodState, RunStatus, Snapshot, SnapshotRun
from .registry import Measure, Part, Unit, load

log = logging.getLogger(__name__)
Q6 = Decimal("0.000001")

# Errors worth retrying a task for (a locked SQLite file, a dropped database connection).
TransientError = OperationalError


def is_frozen(period: Period, today: date | None = None) -> bool:
    """A month is open until its first working day after month end, then frozen."""
    today = today or timezone.localdate()
    return today >= first_working_day_after(period.end)


def _dec(x) -> Decimal | None:
    if x is None:
        return None
    return Decimal(x).quantize(Q6)


class _QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def measures_for(sections: list[str] | None = None, codes: list[str] | None = None) -> list[Measure]:
    registry = load()
    chosen = [m for m in registry.values() if m.compute is not None]
    if sections:
        chosen = [m for m in chosen if m.section in sections]
    if codes:
        chosen = [m for m in chosen if m.code in codes]
    return sorted(chosen, key=lambda m: m.code)


def rollup(
    measure: Measure, parts: list[Part], *, la: OrgUnit, team_service: dict[int, int], org_ids: list[int]
):
    """Team parts summed into their team, service and the LA. A part held by no team counts for the LA only.
    Every org unit gets a whole row for each basis (0, or no value for an empty denominator)."""
    has_den = measure.unit != Unit.COUNT
    acc: dict[tuple, list] = defaultdict(lambda: [Decimal(0), Decimal(0) if has_den else None])
    for basis in measure.bases:
        for org in [la.pk] if measure.la_only else org_ids:
            acc[(basis, org, "", "")]
    shares = set()
    for p in parts:
        if measure.la_only or p.team_id is None or p.team_id not in team_service:
            targets = [la.pk]
        else:
            targets = [p.team_id, team_service[p.team_id], la.pk]
        for org in targets:
            key = (p.basis, org, p.dimension, p.breakdown)
            cell = acc[key]
            cell[0] += Decimal(p.numerator)
            if has_den and p.dimension and p.denominator is None:
                shares.add(key)  # a share of the whole: denominator filled below
            elif has_den:
                cell[1] += Decimal(p.denominator or 0)
    for key in shares:
        basis, org, _, _ = key
        acc[key][1] = acc[(basis, org, "", "")][1]
    return acc


def _org_tree() -> tuple[OrgUnit, dict[int, int], list[int]]:
    la = ensure_la()
    team_service = dict(OrgUnit.objects.filter(level=OrgLevel.TEAM).values_list("pk", "parent_id"))
    org_ids = list(OrgUnit.objects.values_list("pk", flat=True))
    return la, team_service, org_ids


def compute_rows(measure: Measure, ctx: Ctx, tree) -> dict[tuple, tuple]:
    """{(basis, org_unit_id, dimension, breakdown): (numerator, denominator, value)} for one measure."""
    la, team_service, org_ids = tree
    parts = list(measure.compute(ctx))
    for p in parts:
        if p.basis not in measure.bases:
            raise ValueError(f"{measure.code} returned basis {p.basis!r}, not one of {measure.bases}")
    acc = rollup(measure, parts, la=la, team_service=team_service, org_ids=org_ids)
    return {key: (_dec(num), _dec(den), _dec(measure.value_of(num, den))) for key, (num, den) in acc.items()}


def _existing(measure: str, period: str) -> tuple[int, dict[tuple, tuple]]:
    latest = Snapshot.objects.filter(measure=measure, period=period).aggregate(v=Max("version"))["v"] or 0
    rows = Snapshot.objects.filter(measure=measure, period=period, version=latest).values_list(
        "basis", "org_unit_id", "dimension", "breakdown", "numerator", "denominator", "value", "pk"
    )
    return latest, {(b, o, d, k): (_dec(n), _dec(dn), _dec(v), pk) for b, o, d, k, n, dn, v, pk in rows}


@transaction.atomic
def _store(
    measure: Measure, period: str, rows: dict, *, frozen: bool, run: SnapshotRun, now
) -> tuple[int, int, bool]:
    """Returns (rows written, rows unchanged, restated?)."""
    latest, old = _existing(measure.code, period)
    old_values = {k: v[:3] for k, v in old.items()}
    if latest and old_values == rows:
        return 0, len(rows), False

    def build(key, vals, version):
        basis, org, dim, bd = key
        num, den, value = vals
        return Snapshot(
            measure=measure.code,
            period=period,
            basis=basis,
            org_unit_id=org,
            dimension=dim,
            breakdown=bd,
            version=version,
            numerator=num,
            denominator=den,
            value=value,
            computed_at=now,
            run=run,
        )

    if frozen and latest:
        # A published month is never overwritten: the new figures become the next version.
        Snapshot.objects.bulk_create([build(k, v, latest + 1) for k, v in rows.items()], batch_size=2000)
        return len(rows), 0, True

    # Open month (or first computation): replace version 1 in place, touching only what changed.
    version = latest or 1
    stale = [old[k][3] for k in old.keys() - rows.keys()]
    if stale:
        Snapshot.objects.filter(pk__in=stale).delete()
    new = [build(k, v, version) for k, v in rows.items() if k not in old]
    changed = []
    for k, v in rows.items():
        if k in old and old_values[k] != v:
            obj = build(k, v, version)
            obj.pk = old[k][3]
            changed.append(obj)
    Snapshot.objects.bulk_create(new, batch_size=2000)
    Snapshot.objects.bulk_update(
        changed, ["numerator", "denominator", "value", "computed_at", "run"], batch_size=1000
    )
    written = len(new) + len(changed) + len(stale)
    return written, len(rows) - len(new) - len(changed), False


def snapshot_period_compute(
    *,
    period: Period,
    sections: list[str] | None = None,
    codes: list[str] | None = None,
    trigger: str = "command",
    user=None,
    today: date | None = None,
) -> SnapshotRun:
    """Compute every selected measure for every org unit for one month and store it (see Snapshot)."""
    run = SnapshotRun.objects.create(
        period=str(period), trigger=trigger, sections=",".join(sections or []), started_by=user
    )
    counter = _QueryCounter()
    state, _ = PeriodState.objects.get_or_create(period=str(period))
    # Published (frozen) months are never overwritten; the first computation on or after the freeze day is
    # the publication itself, so it still replaces the open month's figures in place.
    frozen = state.frozen_at is not None
    try:
        with connection.execute_wrapper(counter):
            tree = _org_tree()
            ctx = Ctx(period)
            now = timezone.now()
            chosen = measures_for(sections, codes)
            for m in chosen:
                rows = compute_rows(m, ctx, tree)
                written, unchanged, restated = _store(m, str(period), rows, frozen=frozen, run=run, now=now)
                run.rows_written += written
                run.rows_unchanged += unchanged
                if restated:
                    run.restated.append(m.code)
            run.measures = len(chosen)
    except Exception as exc:
        log.exception("snapshot of %s failed", period)
        run.status, run.error = RunStatus.FAILED, f"{type(exc).__name__}: {exc}"
        run.finished_at = timezone.now()
        run.queries = counter.count
        run.save()
        raise
    run.status, run.finished_at, run.queries = RunStatus.SUCCEEDED, timezone.now(), counter.count
    run.save()
    state.last_computed_at, state.last_run = run.finished_at, run
    if state.frozen_at is None and is_frozen(period, today):
        state.frozen_at = run.finished_at
    state.save()
    return run


def snapshot_entered_compute(*, period: Period) -> int:
    """Store the hand-entered figures of a month (section 11) as snapshots, as given per org unit."""
    from .measures.entered import entered_rows

    state, _ = PeriodState.objects.get_or_create(period=str(period))
    registry = load()
    written = 0
    run = SnapshotRun.objects.create(period=str(period), trigger="entered measures", sections="11")
    now = timezone.now()
    for code, rows in entered_rows(str(period)).items():
        m = registry.get(code) or Measure(code, code, "11", Unit.COUNT, "none", ("month",), entered=True)
        w, _, _ = _store(m, str(period), rows, frozen=state.frozen_at is not None, run=run, now=now)
        written += w
    run.status, run.finished_at, run.rows_written = RunStatus.SUCCEEDED, timezone.now(), written
    run.save()
    return written


def snapshot_all(
    *, period: Period, trigger: str = "command", user=None, today: date | None = None
) -> SnapshotRun:
    """Every computed measure and every entered figure of one month."""
    run = snapshot_period_compute(period=period, trigger=trigger, user=user, today=today)
    snapshot_entered_compute(period=period)
    return run


def freeze_period(*, period: Period, today: date | None = None) -> bool:
    """Publish a month on its first working day after month end: one final computation, then frozen.
    Returns False when it is too early or the month is already frozen (so the daily task is idempotent)."""
    if not is_frozen(period, today):
        return False
    if PeriodState.objects.filter(period=str(period), frozen_at__isnull=False).exists():
        return False
    snapshot_all(period=period, trigger="freeze_previous_month", today=today)
    return True


def backfill_start(*, first: Period, last: Period) -> Backfill:
    """The unfinished backfill of this range if there is one (to resume it), else a new one."""
    if first > last:
        raise ValueError(f"{first} is after {last}")
    job = Backfill.objects.filter(
        first_period=str(first), last_period=str(last), status=RunStatus.RUNNING
    ).first()
    return job or Backfill.objects.create(
        first_period=str(first), last_period=str(last), next_period=str(first)
    )


def backfill_continue(*, job: Backfill, today: date | None = None) -> Backfill:
    """Compute from job.next_period to the last month, recording progress after each month."""
    p, last = Period.parse(job.next_period), Period.parse(job.last_period)
    try:
        while p <= last:
            snapshot_all(period=p, trigger=f"backfill #{job.pk}", today=today)
            p = p + 1
            job.next_period = str(p)
            job.save(update_fields=["next_period", "updated_at"])
    except Exception as exc:
        job.error = f"{type(exc).__name__}: {exc}"
        job.save(update_fields=["error", "updated_at"])
        raise
    job.status, job.finished_at = RunStatus.SUCCEEDED, timezone.now()
    job.save(update_fields=["status", "finished_at", "updated_at"])
    return job
