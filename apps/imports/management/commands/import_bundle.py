"""python manage.py import_bundle PATH [--dry-run]"""

from django.core.management.base import BaseCommand, CommandError

from apps.imports.bundle.errors import format_report
from apps.imports.services import bundle_import


class Command(BaseCommand):
    help = (
        "Validate a CSV bundle (a folder or a .zip) and, unless --dry-run, upsert it in one transaction. "
        "Prints a report to stderr; exits non-zero when any error was found (then nothing is written)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="bundle folder or .zip")
        parser.add_argument("--dry-run", action="store_true", help="validate and count only; write nothing")
        parser.add_argument(
            "--refresh",
            action="store_true",
            help="after a successful import, queue a refresh of the open months' snapshots (the nightly extract)",
        )

    def handle(self, *args, path, dry_run, refresh=False, **options):
        command = "import_bundle " + path + (" --dry-run" if dry_run else "")
        run = bundle_import(path=path, dry_run=dry_run, command=command, progress_to=self.stderr.write)
        self.stderr.write(
            format_report(
                counts=run.counts,
                errors=run.errors,
                error_count=run.error_count,
                dry_run=dry_run,
                status=run.status,
                source=run.source,
            )
        )
        if run.error_count:
            raise CommandError(f"bundle import failed with {run.error_count} error(s); nothing was written")
        verb = "validated (nothing written)" if dry_run else "imported"
        self.stdout.write(self.style.SUCCESS(f"Bundle {verb}: {run.rows_total} rows (import run {run.pk})"))
        if refresh and not dry_run:
            from django.db import transaction

            from apps.kpis.tasks import refresh_open_month

            # Queued once the import's writes are committed, so the task reads them (in-process without Redis).
            transaction.on_commit(refresh_open_month.delay)
            self.stdout.write("Refresh of the open months queued.")
