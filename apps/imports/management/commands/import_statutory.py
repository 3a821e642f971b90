"""python manage.py import_statutory --format {ssda903,cin_census} PATH... [--dry-run] [--year YYYY]"""

from django.core.management.base import BaseCommand, CommandError

from apps.core.progress import Progress
from apps.imports.bundle.errors import format_report
from apps.imports.services import statutory_import
from apps.imports.statutory import FORMATS


class Command(BaseCommand):
    help = (
        "Read a statutory return (PATH: its files, or a folder holding them), translate it into the portal's "
        "records and, unless --dry-run, upsert them in one transaction through the bundle's pipeline. Prints "
        "progress and the report (errors block, warnings do not) to stderr; exits non-zero when anything "
        "blocks (then nothing is written)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=sorted(FORMATS), dest="fmt")
        parser.add_argument("paths", nargs="+", metavar="PATH", help="the return's files, or a folder")
        parser.add_argument("--dry-run", action="store_true", help="validate and count only; write nothing")
        parser.add_argument(
            "--year",
            type=int,
            help="the collection year, by the year its 31 March falls in (2018 for 2017/18); read from the "
            "latest episode start (903) or the census's reference date (CIN census, whose XSD it chooses) "
            "when not given",
        )

    def handle(self, *args, fmt, paths, dry_run, year=None, **options):
        command = f"import_statutory --format {fmt} " + " ".join(paths) + (" --dry-run" if dry_run else "")
        reading: dict[str, Progress] = {}

        def progress(file: str, rows: int, done: int, total: int) -> None:
            # The format reports bytes read of the file's size (so the time left is known) and rows so far.
            p = reading.get(file)
            if p is None:
                p = reading[file] = Progress(
                    self.stderr.write, what=f"read {file}", unit="bytes", total=total
                )
            p.update(done, f"{rows:,} rows")
            if done >= total:
                p.finish(f"{rows:,} rows")

        run = statutory_import(
            format=fmt,
            paths=paths,
            dry_run=dry_run,
            year=year,
            command=command,
            progress=progress,
            progress_to=self.stderr.write,
        )
        self.stderr.write(
            format_report(
                counts=run.counts,
                errors=run.errors,
                error_count=run.error_count,
                warnings=run.warnings,
                warning_count=run.warning_count,
                dry_run=dry_run,
                status=run.status,
                source=run.source,
                title=f"{FORMATS[fmt].label} import",
            )
        )
        if run.error_count:
            raise CommandError(
                f"{fmt} import failed with {run.error_count} blocking error(s); nothing was written"
            )
        verb = "validated (nothing written)" if dry_run else "imported"
        self.stdout.write(
            self.style.SUCCESS(
                f"{FORMATS[fmt].label} {verb} with {run.warning_count} warning(s) (import run {run.pk})"
            )
        )
