from django.core.management.base import BaseCommand, CommandError

from apps.core.periods import Period
from apps.kpis.services import snapshot_all, snapshot_period_compute


class Command(BaseCommand):
    help = "Compute and store one month's snapshot: every measure, every org unit."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="YYYY-MM")
        parser.add_argument("--section", action="append", help="only this catalogue section (repeatable)")
        parser.add_argument("--measure", action="append", help="only this measure code (repeatable)")

    def handle(self, *args, **opts):
        try:
            period = Period.parse(opts["period"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if opts["section"] or opts["measure"]:
            run = snapshot_period_compute(
                period=period, sections=opts["section"], codes=opts["measure"], trigger="command snapshot"
            )
        else:
            run = snapshot_all(period=period, trigger="command snapshot")
        seconds = (run.finished_at - run.started_at).total_seconds()
        self.stdout.write(
            f"{period}: {run.measures} measures, {run.rows_written} rows written, {run.rows_unchanged} unchanged, "
            f"{len(run.restated)} restated, {run.queries} queries, {seconds:.1f} s"
        )
