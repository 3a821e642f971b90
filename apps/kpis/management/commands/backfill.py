from django.core.management.base import BaseCommand, CommandError

from apps.core.periods import Period
from apps.kpis.services import backfill_in_processes, backfill_start


class Command(BaseCommand):
    help = (
        "Compute every month of a range; an interrupted backfill of the same range resumes where it stopped."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", required=True, help="YYYY-MM")
        parser.add_argument("--to", dest="last", required=True, help="YYYY-MM")
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="processes sharing the months (PostgreSQL: about one per core; SQLite gains nothing)",
        )

    def handle(self, *args, **opts):
        try:
            job = backfill_start(first=Period.parse(opts["first"]), last=Period.parse(opts["last"]))
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if job.next_period != job.first_period:
            self.stdout.write(f"Resuming backfill #{job.pk} at {job.next_period}")
        try:
            job = backfill_in_processes(job=job, workers=opts["workers"], name="command")
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        seconds = (job.finished_at - job.started_at).total_seconds()
        self.stdout.write(f"Backfill #{job.pk} {job.first_period}..{job.last_period} done in {seconds:.1f} s")
