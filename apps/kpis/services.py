"""Writes for the KPI engine: computing and storing a month's snapshot."""

from __future__ import annotations

import logging
import multiprocessing
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import OperationalError, connection, connections, transaction
from django.utils import timezone

from apps.core.models import OrgLevel, OrgUnit
from apps.core.periods import Period
from apps.core.services import ensure_la
from apps.core.workdays import first_working_day_after

from .engine import Ctx
from .models import Backfill, PeriodState, RunStatus, Snapshot, SnapshotRun
from .registry import Measure, Part, Unit, load
from .signals import announce

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


def _existing(period: str, codes: list[str]) -> dict[str, tuple[int, dict[tuple, tuple]]]:
    """{measure: (latest version or 0, {(basis, org, dimension, breakdown): (num, den, value, pk)})} for the
    month, read in one query for all the measures being stored (not two per measure)."""
    latest: dict[str, int] = {}
    by_version: dict[tuple, dict] = defaultdict(dict)
    rows = Snapshot.objects.filter(period=period, measure__in=codes).values_list(
        "measure",
        "version",
        "basis",
        "org_unit_id",
        "dimension",
        "breakdown",
        "numerator",
        "denominator",
        "value",
        "pk",
    )
    for code, version, b, o, d, k, n, dn, v, pk in rows.iterator(chunk_size=5000):
        latest[code] = max(latest.get(code, 0), version)
        by_version[(code, version)][(b, o, d, k)] = (_dec(n), _dec(dn), _dec(v), pk)
    return {code: (latest.get(code, 0), by_version.get((code, latest.get(code, 0)), {})) for code in codes}


INSERT_COLUMNS = (
    "measure",
    "period",
    "basis",
    "org_unit_id",
    "dimension",
    "breakdown",
    "version",
    "numerator",
    "denominator",
    "value",
    "computed_at",
    "run_id",
)


class _Writes:
    """What storing a month's figures will change, gathered across measures and written in one transaction:
    a first computation of a month is about 17,000 rows on a large council, so they go in by COPY
    (PostgreSQL) or one executemany (SQLite) rather than one ORM object each, which cost more than
    computing the figures."""

    def __init__(self, period: str, run: SnapshotRun, now):
        self.period, self.run, self.now = period, run, now
        self.computed_at = connection.ops.adapt_datetimefield_value(now)
        self.inserts: list[tuple] = []
        self.updates: list[tuple] = []  # (pk, num, den, value)
        self.stale: list[int] = []

    def plan(self, measure: Measure, rows: dict, existing: tuple[int, dict], *, frozen: bool):
        """Returns (rows written, rows unchanged, restated?)."""
        latest, old = existing
        old_values = {k: v[:3] for k, v in old.items()}
        if latest and old_values == rows:
            return 0, len(rows), False
        if frozen and latest:
            # A published month is never overwritten: the new figures become the next version.
            self._insert(measure.code, rows.items(), latest + 1)
            return len(rows), 0, True
        # Open month (or first computation): replace version 1 in place, touching only what changed.
        version = latest or 1
        stale = [old[k][3] for k in old.keys() - rows.keys()]
        self.stale += stale
        new = [(k, v) for k, v in rows.items() if k not in old]
        self._insert(measure.code, new, version)
        changed = [(old[k][3], *v) for k, v in rows.items() if k in old and old_values[k] != v]
        self.updates += changed
        written = len(new) + len(changed)
        return written + len(stale), len(rows) - written, False

    def _insert(self, code: str, items, version: int):
        run_id, at = self.run.pk, self.computed_at
        self.inserts += [
            (code, self.period, b, org, dim, bd, version, num, den, value, at, run_id)
            for (b, org, dim, bd), (num, den, value) in items
        ]

    @transaction.atomic
    def write(self):
        if self.stale or self.inserts or self.updates:
            # The month's figures change, so its suppression pattern must be worked out again.
            PeriodState.objects.filter(period=self.period).update(withheld=None, withheld_at=None)
        if self.stale:
            Snapshot.objects.filter(pk__in=self.stale).delete()
        table = connection.ops.quote_name(Snapshot._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(c) for c in INSERT_COLUMNS)
        placeholders = ", ".join(["%s"] * len(INSERT_COLUMNS))
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY: PostgreSQL's bulk path, several times faster than INSERTs for a month's rows.
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in self.inserts:
                        copy.write_row(row)
            else:
                # One statement run for many rows (SQLite parses it once). Identifiers come from the
                # model's metadata, quoted; every value is a bound parameter.
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608
                    self.inserts,
                )
        if self.updates:
            Snapshot.objects.bulk_update(
                [
                    Snapshot(pk=pk, numerator=n, denominator=d, value=v, computed_at=self.now, run=self.run)
                    for pk, n, d, v in self.updates
                ],
                ["numerator", "denominator", "value", "computed_at", "run"],
                batch_size=1000,
            )


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
            chosen = measures_for(sections, codes)
            existing = _existing(str(period), [m.code for m in chosen])
            writes = _Writes(str(period), run, timezone.now())
            for m in chosen:
                rows = compute_rows(m, ctx, tree)
                written, unchanged, restated = writes.plan(m, rows, existing[m.code], frozen=frozen)
                run.rows_written += written
                run.rows_unchanged += unchanged
                if restated:
                    run.restated.append(m.code)
            # All of the month's measures are stored together or not at all.
            writes.write()
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
    # Only these fields: the write above may have cleared the month's suppression pattern in the database.
    state.save(update_fields=["last_computed_at", "last_run", "frozen_at"])
    if frozen and run.restated:
        announce(period=str(period), restated=run.restated)
    return run


def snapshot_entered_compute(*, period: Period) -> int:
    """Store the hand-entered figures of a month (section 11) as snapshots, as given per org unit."""
    from .measures.entered import entered_rows

    state, _ = PeriodState.objects.get_or_create(period=str(period))
    registry = load()
    written = 0
    run = SnapshotRun.objects.create(period=str(period), trigger="entered measures", sections="11")
    entered = entered_rows(str(period))
    existing = _existing(str(period), list(entered))
    writes = _Writes(str(period), run, timezone.now())
    restated = []
    for code, rows in entered.items():
        m = registry.get(code) or Measure(code, code, "11", Unit.COUNT, "none", ("month",), entered=True)
        w, _, was_restated = writes.plan(m, rows, existing[code], frozen=state.frozen_at is not None)
        written += w
        if was_restated:
            restated.append(code)
    writes.write()
    run.status, run.finished_at, run.rows_written = RunStatus.SUCCEEDED, timezone.now(), written
    run.restated = restated
    run.save()
    if restated:
        announce(period=str(period), restated=restated)
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
    # Viewers see a month once it is published: work out its suppression now, not on the first viewer's read.
    from .selectors import withheld_pks

    withheld_pks(str(period))
    announce(period=str(period))
    return True


def backfill_start(*, first: Period, last: Period) -> Backfill:
    """The unfinished backfill of this range if there is one (to resume it), else a new one. Resuming drops
    the claims of the run that was interrupted, so the months it was computing are computed again."""
    if first > last:
        raise ValueError(f"{first} is after {last}")
    job = Backfill.objects.filter(
        first_period=str(first), last_period=str(last), status=RunStatus.RUNNING
    ).first()
    if job is None:
        return Backfill.objects.create(first_period=str(first), last_period=str(last), next_period=str(first))
    if job.claims:
        job.claims = {}
        job.save(update_fields=["claims", "updated_at"])
    return job


def _months(job: Backfill) -> list[str]:
    p, last, out = Period.parse(job.first_period), Period.parse(job.last_period), []
    while p <= last:
        out.append(str(p))
        p = p + 1
    return out


def _locked(job_pk: int) -> Backfill:
    """The backfill row, inside the caller's transaction, after a write that serialises claims between
    workers (a row lock on PostgreSQL, the database write lock on SQLite) before it is read."""
    Backfill.objects.filter(pk=job_pk).update(updated_at=timezone.now())
    return Backfill.objects.get(pk=job_pk)


# A month takes seconds to compute; a claim held this long belongs to a worker that is gone for good (its task
# was not redelivered), so another worker may take the month over.
CLAIM_LEASE = timedelta(minutes=30)


def _claim(job_pk: int, worker: str, now: datetime | None = None) -> Period | None:
    """The next month for this worker: one it had claimed and not finished (its task was redelivered),
    else the first month neither done nor held by a live claim; None when there is none left. Claims are
    {month: {"worker": name, "since": ISO time}}."""
    now = now or timezone.now()
    with transaction.atomic():
        job = _locked(job_pk)
        todo = [m for m in _months(job) if m not in job.done]
        mine = [m for m in todo if job.claims.get(m, {}).get("worker") == worker]
        live = {m for m, c in job.claims.items() if now - datetime.fromisoformat(c["since"]) < CLAIM_LEASE}
        free = [m for m in todo if m not in live]
        month = (mine or free or [None])[0]
        if month is not None:
            job.claims[month] = {"worker": worker, "since": now.isoformat()}
            job.save(update_fields=["claims", "updated_at"])
    return Period.parse(month) if month else None


def _finish(job_pk: int, month: Period) -> Backfill:
    with transaction.atomic():
        job = _locked(job_pk)
        if str(month) not in job.done:
            job.done.append(str(month))
        job.claims.pop(str(month), None)
        todo = [m for m in _months(job) if m not in job.done]
        job.next_period = todo[0] if todo else str(Period.parse(job.last_period) + 1)
        if not todo:
            job.status, job.finished_at = RunStatus.SUCCEEDED, timezone.now()
        job.save()
    return job


def backfill_continue(
    *, job: Backfill, today: date | None = None, worker: str = "main", progress=None
) -> Backfill:
    """Claim and compute months of the backfill until none is left, recording each month as it is done.
    Several workers (processes or Celery tasks, each with its own name) may run this on the same job at once;
    the one that finishes the last month marks the backfill succeeded. `progress` (apps.core.progress) hears
    of each month done."""
    try:
        while (month := _claim(job.pk, worker)) is not None:
            snapshot_all(period=month, trigger=f"backfill #{job.pk}", today=today)
            _finish(job.pk, month)
            if progress is not None:
                progress.update(_months_done(job.pk), str(month))
    except Exception as exc:
        Backfill.objects.filter(pk=job.pk).update(
            error=f"{type(exc).__name__}: {exc}", updated_at=timezone.now()
        )
        raise
    job.refresh_from_db()
    return job


def _backfill_process(job_pk: int, worker: str) -> None:
    backfill_continue(job=Backfill.objects.get(pk=job_pk), worker=worker)
    connections.close_all()


def _months_done(job_pk: int) -> int:
    return len(Backfill.objects.values_list("done", flat=True).get(pk=job_pk))


def backfill_in_processes(*, job: Backfill, workers: int, name: str = "process", progress=None) -> Backfill:
    """Run a backfill in `workers` forked processes sharing the job, as a pool of Celery workers would, for
    the command line and the benchmark (PostgreSQL: about one per core; SQLite writes one at a time).
    `progress` (apps.core.progress) hears of the months done as they finish."""
    if workers <= 1:
        return backfill_continue(job=job, worker=name, progress=progress)
    connections.close_all()  # a forked process must open its own connection, not share the parent's
    context = multiprocessing.get_context("fork")
    procs = [context.Process(target=_backfill_process, args=(job.pk, f"{name}-{i}")) for i in range(workers)]
    for proc in procs:
        proc.start()
    for proc in procs:
        # The parent only watches: the months done, read from the job every second or so.
        while proc.is_alive():
            proc.join(timeout=1)
            if progress is not None:
                progress.update(_months_done(job.pk))
        proc.join()
    job.refresh_from_db()
    failed = [proc.exitcode for proc in procs if proc.exitcode]
    if failed:
        raise RuntimeError(
            f"backfill #{job.pk}: worker process(es) failed (exit codes {failed}): {job.error}"
        )
    return job
