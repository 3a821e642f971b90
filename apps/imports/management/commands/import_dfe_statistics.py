"""python manage.py import_dfe_statistics --la CODE PATH... [--dry-run]"""

from django.core.management.base import BaseCommand, CommandError

from apps.imports.dfe import dfe_statistics_import


class Command(BaseCommand):
    help = (
        "Import DfE published statistics (Explore Education Statistics LA-level CSV files, ONS mid-year "
        "population estimates, statistical neighbour groupings) for one LA: its Population (0-17) and the "
        "England, region and statistical-neighbour Benchmarks of every catalogue measure with a DfE "
        "equivalent. PATH is a file or a folder of .csv files. Everything is validated first; any error "
        "means nothing is written. Re-running changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="CSV file(s) or folder(s)")
        parser.add_argument("--la", required=True, help="the DfE 3-digit (old) LA code, e.g. 302 for Barnet")
        parser.add_argument("--dry-run", action="store_true", help="validate and count only; write nothing")

    def handle(self, *args, paths, la, dry_run, **options):
        command = f"import_dfe_statistics --la {la} {' '.join(paths)}" + (" --dry-run" if dry_run else "")
        run = dfe_statistics_import(la=la, paths=paths, dry_run=dry_run, command=command)
        for name, c in run.counts.items():
            if isinstance(c, dict) and "rows" in c:
                self.stderr.write(f"  {name}: {c['rows']} rows ({c.get('layout', '')})")
        for e in run.errors:
            where = ", ".join(str(x) for x in (e["file"], e["row"] and f"row {e['row']}", e["column"]) if x)
            value = f" {e['value']!r}" if e["value"] else ""
            self.stderr.write(f"  ERROR {where}:{value} {e['reason']}")
        if run.error_count > len(run.errors):
            self.stderr.write(f"  ... and {run.error_count - len(run.errors)} more error(s)")
        if run.error_count:
            raise CommandError(
                f"DfE statistics import failed with {run.error_count} error(s); nothing was written "
                f"(import run {run.pk})"
            )
        info = run.counts.get("la", {})
        for note in info.get("notes", []):
            self.stderr.write(f"  note: {note}")
        if dry_run:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Validated (nothing written): LA {info.get('code')} {info.get('name')}, "
                    f"{info.get('population_years')} population years, {info.get('benchmarks')} benchmarks"
                )
            )
            return
        pop, bench = run.counts["population"], run.counts["benchmarks"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported DfE statistics for LA {info.get('code')} {info.get('name')} "
                f"(region {info.get('region')}): population {pop['created']} created, {pop['updated']} "
                f"updated, {pop['unchanged']} unchanged; benchmarks {bench['created']} created, "
                f"{bench['updated']} updated, {bench['unchanged']} unchanged (import run {run.pk})"
            )
        )
