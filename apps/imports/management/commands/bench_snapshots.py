"""Benchmark (not a test): how long one month's snapshot and a backfill take, how much memory they need and
how many SQL queries a month costs, on whatever database DATABASE_URL selects.

    DATABASE_URL=sqlite:///var/bench-large.sqlite3 python manage.py bench_snapshots --size large
    DATABASE_URL=postgres://... python manage.py bench_snapshots --size large
"""

import resource
import time
from collections import Counter

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from apps.core.periods import Period
from apps.imports.bundle.spec import FILES
from apps.kpis.models import Backfill, PeriodState, Snapshot, SnapshotRun
from apps.kpis.services import backfill_in_processes, backfill_start, snapshot_all
from apps.people.models import Child

# Children a generated council of each size holds at least, to decide whether to reuse it.
MIN_CHILDREN = {"small": 100, "medium": 10_000, "large": 60_000}


def peak_mib(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


class Command(BaseCommand):
    help = "Time one month's snapshot and a backfill on a generated council; print rows, seconds, memory, queries."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(MIN_CHILDREN), default="large")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--months", type=int, default=24, help="backfill length (72 = six years)")
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="processes sharing the backfill, as a pool of Celery workers would (PostgreSQL: one per core)",
        )
        parser.add_argument("--period", help="the month to time (default: last complete month)")

    def handle(self, *args, **opts):
        out = self.stdout.write
        out(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
        children = Child.objects.count()
        if children < MIN_CHILDREN[opts["size"]]:
            out(f"generating the {opts['size']} council (seed {opts['seed']})...")
            t = time.perf_counter()
            call_command("generate_demo", size=opts["size"], seed=opts["seed"], stdout=self.stdout)
            out(f"generated in {time.perf_counter() - t:.1f} s")
        else:
            out(f"reusing the council in the database ({children:,} children)")
        out("rows per table:")
        for spec in FILES:
            model = apps.get_model(spec.model)
            out(f"  {model._meta.db_table:40} {model.objects.count():>12,}")

        period = (
            Period.parse(opts["period"]) if opts["period"] else Period.containing(timezone.localdate()) - 1
        )
        # Start from nothing stored, so the month is a first computation, as a backfill's would be.
        Snapshot.objects.all().delete()
        SnapshotRun.objects.all().delete()
        PeriodState.objects.all().delete()
        Backfill.objects.all().delete()
        if connection.vendor == "postgresql":
            # Leave no dead rows of earlier runs behind for the timed inserts to wade through, as a live
            # database's autovacuum would not have either.
            # (VACUUM cannot run inside a transaction, as under a test; ANALYZE alone can.)
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            with connection.cursor() as cursor:
                for model in (Snapshot, SnapshotRun, PeriodState, Backfill):
                    cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")

        t = time.perf_counter()
        run = snapshot_all(period=period, trigger="bench")
        one = time.perf_counter() - t
        out(
            f"one month ({period}): {one:.2f} s, {run.measures} measures, {run.rows_written:,} snapshot rows, "
            f"{run.queries} queries, peak RSS {peak_mib():.0f} MiB"
        )
        t = time.perf_counter()
        run = snapshot_all(period=period, trigger="bench")
        out(
            f"recompute of the same month (nothing changes): {time.perf_counter() - t:.2f} s, {run.rows_written} written"
        )

        first = period - (opts["months"] - 1)
        job = backfill_start(first=first, last=period)
        t = time.perf_counter()
        try:
            backfill_in_processes(job=job, workers=opts["workers"], name="bench")
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        child_peak = peak_mib(resource.RUSAGE_CHILDREN)
        total = time.perf_counter() - t
        job.refresh_from_db()
        if job.status != "succeeded":
            raise CommandError(f"backfill #{job.pk} did not finish: {job.error}")
        queries = list(
            SnapshotRun.objects.filter(trigger=f"backfill #{job.pk}")
            .order_by("period")
            .values_list("period", "queries")
        )
        per_month = sorted({q for _, q in queries})
        out(
            f"backfill {first}..{period} ({opts['months']} months, {opts['workers']} worker(s)): {total:.1f} s "
            f"({total / opts['months']:.2f} s/month), peak RSS {max(peak_mib(), child_peak):.0f} MiB a process"
        )
        computed = Counter(period for period, _ in queries)
        keys = Snapshot.objects.values_list(
            "measure", "period", "basis", "org_unit", "dimension", "breakdown", "version"
        )
        out(
            f"months computed: {len(computed)} of {opts['months']}, each once: "
            f"{set(computed.values()) == {1}}; duplicate snapshot keys: {keys.count() - keys.distinct().count()}"
        )
        out(f"queries per month: {per_month[0]}..{per_month[-1]} (independent of the number of records)")
        out(f"snapshot rows stored: {Snapshot.objects.count():,}")
