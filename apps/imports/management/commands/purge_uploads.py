"""python manage.py purge_uploads [--days N]"""

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.imports.uploads import uploads_purge


class Command(BaseCommand):
    help = (
        "Discard browser uploads left awaiting confirmation (or stuck validating) for more than N days and "
        "delete their files, with any upload folder that old that no waiting or running import names."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.IMPORT_UPLOAD_KEEP_DAYS,
            help=f"age in days (default IMPORT_UPLOAD_KEEP_DAYS, {settings.IMPORT_UPLOAD_KEEP_DAYS})",
        )

    def handle(self, *args, days, **options):
        done = uploads_purge(days=days)
        self.stdout.write(
            f"{done['discarded']} upload(s) discarded, {done['folders_removed']} folder(s) deleted "
            f"(older than {days} days)"
        )
