from django.core.management.base import BaseCommand, CommandError

from apps.core.periods import Period
from apps.core.progress import Progress
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
        parser.add_argument(
            "--no-publish",
            action="store_true",
            help="leave viewers' suppression of the published months to be worked out when first read",
        )

    def handle(self, *args, **opts):
        try:
            job = backfill_start(first=Period.parse(opts["first"]), last=Period.parse(opts["last"]))
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if job.next_period != job.first_period:
            self.stdout.write(f"Resuming backfill #{job.pk} at {job.next_period}")
        first, last = Period.parse(job.first_period), Period.parse(job.last_period)
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        progress = Progress(
            self.stderr.write, what=f"backfill #{job.pk}", unit="months", total=months, done=len(job.done)
        )
        try:
            job = backfill_in_processes(job=job, workers=opts["workers"], name="command", progress=progress)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        progress.update(len(job.done))
        progress.finish()
        seconds = (job.finished_at - job.started_at).total_seconds()
        self.stdout.write(f"Backfill #{job.pk} {job.first_period}..{job.last_period} done in {seconds:.1f} s")
        if not opts["no_publish"]:
            self.publish(job)

    def publish(self, job):
        """Work out viewers' suppression of the published months now (seconds a month on a large council),
        so that the first viewer to open a page does not wait for it."""
        import time

        from apps.kpis.models import PeriodState
        from apps.kpis.selectors import withheld_pks

        start = time.perf_counter()
        months = list(
            PeriodState.objects.filter(
                period__gte=job.first_period,
                period__lte=job.last_period,
                frozen_at__isnull=False,
                withheld__isnull=True,
            ).values_list("period", flat=True)
        )
        for period in months:
            withheld_pks(period)
        if months:
            self.stdout.write(
                f"Viewers' suppression worked out for {len(months)} published months "
                f"in {time.perf_counter() - start:.1f} s"
            )
