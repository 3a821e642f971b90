"""python manage.py export_bundle PATH"""

from django.core.management.base import BaseCommand

from apps.imports.services import bundle_export


class Command(BaseCommand):
    help = "Write every record to a CSV bundle: a folder, or a .zip when PATH ends in .zip."

    def add_arguments(self, parser):
        parser.add_argument("path", help="output folder (created if missing) or .zip file")

    def handle(self, *args, path, **options):
        counts = bundle_export(path=path)
        for filename, n in counts.items():
            self.stdout.write(f"  {filename}: {n} rows")
        self.stdout.write(self.style.SUCCESS(f"Exported {sum(counts.values())} rows to {path}"))
